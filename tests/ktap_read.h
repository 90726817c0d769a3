/* SPDX-License-Identifier: MIT */
/*
 * ktap_read.h - a strict reader of KTAP version 1 (the kernel's
 * Documentation/dev-tools/ktap.rst) for the writer's round trip. It
 * accepts what the grammar allows boxcheck to write and rejects the rest,
 * naming the line:
 *   - each level opens with "KTAP version 1" (the top one may say "TAP
 *     version 13" or "14"), indented two spaces per level, then an
 *     optional "# Subtest: NAME" and its plan "1..N";
 *   - results "ok|not ok N [DESC][ # DIRECTIVE [TEXT]]", numbered 1, 2,
 *     ... at their level, DESC without '#', DIRECTIVE one of SKIP TODO
 *     XFAIL TIMEOUT ERROR;
 *   - a deeper level closes with a result one level up, whose DESC is the
 *     Subtest's name; it is "not ok" exactly when a result below is;
 *   - "# KEY: VALUE" diagnostics belong to the next result at their level;
 *   - a level's results number exactly its plan; any other line is an
 *     error (the writer prints no console noise).
 * Leaves come out with their path: the suites' names and the DESC, joined
 * with '/'.
 */
#ifndef BOXCHECK_KTAP_READ_H
#define BOXCHECK_KTAP_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KR_DEPTH 8

struct kr_test {
	char path[256];
	bool ok;
	char directive[16]; /* "" or SKIP, XFAIL, ERROR, ... */
	char text[1024];    /* the directive's text */
	char reason[1024], expected[256], isolated[600], control[600];
};

struct kr_level {
	int plan;	   /* -1: none yet */
	int count;	   /* results so far */
	bool failed;	   /* a result at this level is not ok */
	size_t first;	   /* the first leaf below it */
	char subtest[128]; /* from "# Subtest:" */
};

struct kr {
	struct kr_test *t;
	size_t n, cap;
	struct kr_level lv[KR_DEPTH];
	int depth;		/* levels open; 0 before the version line */
	struct kr_test pending; /* diagnostics for the next result */
	char err[256];		/* what was wrong, and where */
	int xfail, totals_seen; /* "# Totals:" line at the top */
};

static inline int kr_fail(struct kr *k, int line, const char *what)
{
	snprintf(k->err, sizeof(k->err), "line %d: %s", line, what);
	return -1;
}

/* "ok 3 name # SKIP why" (after the indent) into t; 0, or -1. */
static inline int kr_result(const char *s, int *num, struct kr_test *t)
{
	const char *p = s, *hash;
	char *end;

	t->ok = strncmp(p, "ok ", 3) == 0;
	if (!t->ok && strncmp(p, "not ok ", 7))
		return -1;
	p += t->ok ? 3 : 7;
	if (*p < '0' || *p > '9')
		return -1;
	*num = (int)strtol(p, &end, 10);
	p = end;
	if (*p && *p != ' ')
		return -1;
	p += *p == ' ';
	hash = strchr(p, '#');
	snprintf(t->path, sizeof(t->path), "%.*s",
		 (int)(hash ? hash - p : (long)strlen(p)), p);
	for (size_t l = strlen(t->path); l && t->path[l - 1] == ' ';)
		t->path[--l] = '\0';
	if (!hash)
		return 0;
	static const char *const dir[] = { "SKIP",    "TODO",  "XFAIL",
					   "TIMEOUT", "ERROR", NULL };
	for (int i = 0; dir[i]; i++) {
		size_t len = strlen(dir[i]);
		if (strncmp(hash + 2, dir[i], len) || hash[1] != ' ' ||
		    (hash[2 + len] && hash[2 + len] != ' '))
			continue;
		snprintf(t->directive, sizeof(t->directive), "%s", dir[i]);
		snprintf(t->text, sizeof(t->text), "%s",
			 hash[2 + len] ? hash + 3 + len : "");
		return 0;
	}
	return -1;
}

static inline void kr_diag(struct kr_test *t, const char *s)
{
	static const struct {
		const char *key;
		size_t off, len;
	} keys[] = {
		{ "# reason: ", offsetof(struct kr_test, reason), 1024 },
		{ "# expected: ", offsetof(struct kr_test, expected), 256 },
		{ "# isolated: ", offsetof(struct kr_test, isolated), 600 },
		{ "# control: ", offsetof(struct kr_test, control), 600 },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (!strncmp(s, keys[i].key, strlen(keys[i].key)))
			snprintf((char *)t + keys[i].off, keys[i].len, "%s",
				 s + strlen(keys[i].key));
}

static inline int kr_push(struct kr *k, int line)
{
	if (k->depth == KR_DEPTH)
		return kr_fail(k, line, "nested too deep");
	k->lv[k->depth++] = (struct kr_level){ .plan = -1, .first = k->n };
	return 0;
}

/* A result line at level k->depth - 1; closing is the level it closes. */
static inline int kr_add(struct kr *k, int line, const char *s,
			 const struct kr_level *closing)
{
	struct kr_level *lv = &k->lv[k->depth - 1];
	struct kr_test t = k->pending;
	int num;

	memset(&k->pending, 0, sizeof(k->pending));
	if (kr_result(s, &num, &t) < 0)
		return kr_fail(k, line,
			       "not a result line, or an unknown "
			       "directive");
	if (lv->plan < 0)
		return kr_fail(k, line, "a result before the plan");
	if (num != ++lv->count)
		return kr_fail(k, line, "results out of order");
	lv->failed |= !t.ok;
	if (closing) {
		char path[sizeof(t.path)];
		if (closing->subtest[0] && strcmp(closing->subtest, t.path))
			return kr_fail(k, line,
				       "the suite's result names "
				       "another suite");
		if (closing->failed == t.ok)
			return kr_fail(k, line,
				       "a suite's result disagrees "
				       "with its tests");
		for (size_t i = closing->first; i < k->n; i++) {
			if (snprintf(path, sizeof(path), "%s/%s", t.path,
				     k->t[i].path) >= (int)sizeof(path))
				return kr_fail(k, line, "a path too long");
			memcpy(k->t[i].path, path, sizeof(path));
		}
		return 0;
	}
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 64;
		struct kr_test *nt = realloc(k->t, cap * sizeof(*nt));
		if (!nt)
			return kr_fail(k, line, "out of memory");
		k->t = nt, k->cap = cap;
	}
	k->t[k->n++] = t;
	return 0;
}

static inline int kr_line(struct kr *k, int line, const char *raw)
{
	int ind = 0, want = 2 * (k->depth - 1);
	const char *s;

	while (raw[ind] == ' ')
		ind++;
	s = raw + ind;
	if (!strcmp(s, "KTAP version 1") ||
	    (!k->depth &&
	     (!strcmp(s, "TAP version 13") || !strcmp(s, "TAP version 14")))) {
		if (ind != 2 * k->depth)
			return kr_fail(k, line,
				       "a version line at the wrong "
				       "indent");
		return kr_push(k, line);
	}
	if (!k->depth)
		return kr_fail(k, line, "no version line first");
	if (ind % 2 || ind > want)
		return kr_fail(k, line, "wrong indent");
	if (ind < want) {
		struct kr_level child = k->lv[--k->depth];
		if (ind != want - 2)
			return kr_fail(k, line, "a level closed twice at once");
		if (child.count != child.plan)
			return kr_fail(k, line,
				       "a suite's tests do not match "
				       "its plan");
		return kr_add(k, line, s, &child);
	}
	struct kr_level *lv = &k->lv[k->depth - 1];
	if (!strncmp(s, "# Subtest: ", 11) && lv->plan < 0) {
		snprintf(lv->subtest, sizeof(lv->subtest), "%s", s + 11);
		return 0;
	}
	if (!strncmp(s, "1..", 3) && lv->plan < 0 && !lv->count) {
		lv->plan = atoi(s + 3);
		return 0;
	}
	if (!strncmp(s, "# Totals: ", 10) && k->depth == 1) {
		k->totals_seen = 1;
		sscanf(s, "# Totals: pass:%*d fail:%*d xfail:%d", &k->xfail);
		return 0;
	}
	if (s[0] == '#') {
		kr_diag(&k->pending, s);
		return 0;
	}
	return kr_add(k, line, s, NULL);
}

/* Parse text; 0, or -1 with k->err set. k->t is the caller's to free. */
static inline int kr_parse(struct kr *k, const char *text)
{
	const char *p = text;
	char buf[4096];
	int line = 0;

	memset(k, 0, sizeof(*k));
	while (*p) {
		size_t len = strcspn(p, "\n");
		snprintf(buf, sizeof(buf), "%.*s", (int)len, p);
		p += len + (p[len] == '\n');
		if (kr_line(k, ++line, buf) < 0)
			return -1;
	}
	if (k->depth != 1)
		return kr_fail(k, line, "a suite is not closed at the end");
	if (k->lv[0].count != k->lv[0].plan)
		return kr_fail(k, line, "the tests do not match the plan");
	return 0;
}

#endif
