// SPDX-License-Identifier: MIT
/*
 * KTAP version 1 (the kernel's Documentation/dev-tools/ktap.rst), as
 * kselftest and KUnit print it, for kernel CI (LAVA, KernelCI).
 *
 * A test's name is split on '/' into suites: the suite's areas become
 * nested suites ("pidns" holds "init-is-pid1"), validation's targets a
 * level below ("validate" holds "runc", which holds "ns-pid"). Each suite
 * opens with its own version line, a "# Subtest:" line and its plan,
 * indented two spaces per level, and closes with its result line one level
 * up: not ok when a test below failed or errored, ok # SKIP when every
 * test below skipped. Skips and errors carry their reason as a directive
 * (# SKIP, # ERROR, # TIMEOUT); a failure's reason, expected and observed
 * values, and the control's outcome are diagnostic lines before its result.
 */
#include "record.h"
#include "../primitives/base.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A test's path: its name as record_test_name() makes it, split on '/'. */
#define KTAP_NAME_MAX (sizeof(((struct record *)0)->id) + 40)
#define KTAP_DEPTH_MAX 8

struct kpath {
	char name[KTAP_NAME_MAX];
	const char *part[KTAP_DEPTH_MAX];
	size_t len[KTAP_DEPTH_MAX];
	int n;
};

struct ktap {
	FILE *f;
	const struct run_meta *m;
	const struct record *r;
	struct kpath *p; /* one per record */
	struct {
		size_t n[V__COUNT + 1]; /* + the control's expected failures */
	} t;
};

static void split(struct kpath *p, const struct record *r)
{
	const char *s = p->name, *slash;

	record_test_name(r, p->name, sizeof(p->name));
	p->n = 0;
	while ((slash = strchr(s, '/')) && p->n < KTAP_DEPTH_MAX - 1) {
		p->part[p->n] = s;
		p->len[p->n++] = slash - s;
		s = slash + 1;
	}
	p->part[p->n] = s;
	p->len[p->n++] = strlen(s);
}

/* Text on a result or diagnostic line: no '#' (a directive), no newline. */
static void plain(FILE *f, const char *s, size_t len)
{
	for (size_t i = 0; i < len && s[i]; i++) {
		unsigned char c = s[i];
		fputc(c == '#' || c < 0x20 ? ' ' : c, f);
	}
}

static void indent(FILE *f, int depth)
{
	fprintf(f, "%*s", depth * 2, "");
}

static void diag(FILE *f, int depth, const char *key, const char *val)
{
	if (!val || !*val)
		return;
	indent(f, depth);
	fprintf(f, "# %s: ", key);
	plain(f, val, strlen(val));
	fputc('\n', f);
}

static void outcome_diag(FILE *f, int depth, const char *name,
			 const struct outcome *o)
{
	indent(f, depth);
	fprintf(f, "# %s: %s", name, obs_names[o->obs]);
	if (o->observed[0]) {
		fputs(": ", f);
		plain(f, o->observed, strlen(o->observed));
	}
	fputc('\n', f);
}

static const char *error_directive(const struct record *r)
{
	return strncmp(r->iso.observed, "timeout", 7) &&
			       strncmp(r->reason, "timeout", 7)
		       ? "ERROR"
		       : "TIMEOUT";
}

/* Validation's control (the host target) must fail: as expected. */
static bool xfail(const struct record *r)
{
	return r->verdict == V_FAIL && !strcmp(r->target, "host") &&
	       !strncmp(r->id, "validate/", 9);
}

static void leaf(struct ktap *k, size_t i, int depth, size_t num)
{
	const struct record *r = &k->r[i];
	const struct kpath *p = &k->p[i];
	bool ok = r->verdict == V_PASS || r->verdict == V_SKIP || xfail(r);
	FILE *f = k->f;

	if (!ok || r->verdict == V_ERROR) {
		diag(f, depth, "reason", r->reason);
		diag(f, depth, "expected", r->expected);
		outcome_diag(f, depth, "isolated", &r->iso);
		outcome_diag(f, depth, "control", &r->ctl);
	}
	indent(f, depth);
	fprintf(f, "%s %zu ", ok ? "ok" : "not ok", num);
	plain(f, p->part[depth], p->len[depth]);
	if (r->verdict != V_PASS && (r->verdict != V_FAIL || xfail(r))) {
		fprintf(f, " # %s ",
			r->verdict == V_SKIP   ? "SKIP"
			: r->verdict == V_FAIL ? "XFAIL"
					       : error_directive(r));
		plain(f, r->reason, strlen(r->reason));
	}
	fputc('\n', f);
	k->t.n[xfail(r) ? V__COUNT : r->verdict]++;
}

/* Do records i and j share path component d (and everything before)? */
static bool same_part(const struct ktap *k, size_t i, size_t j, int d)
{
	return k->p[i].len[d] == k->p[j].len[d] &&
	       !memcmp(k->p[i].part[d], k->p[j].part[d], k->p[i].len[d]);
}

/* Is record i a suite at depth d, i.e. does its path go deeper? */
static bool deeper(const struct ktap *k, size_t i, int d)
{
	return k->p[i].n > d + 1;
}

/*
 * The entries at depth d of the records in idx[0..n): a leaf per record
 * whose path ends here, a suite per distinct next component, in the
 * order of first appearance. Fills first[] with each entry's first
 * record; returns the count.
 */
static size_t entries(const struct ktap *k, const size_t *idx, size_t n, int d,
		      size_t *first)
{
	size_t m = 0;

	for (size_t a = 0; a < n; a++) {
		size_t i = idx[a], e;
		for (e = 0; e < m && deeper(k, i, d); e++)
			if (deeper(k, first[e], d) &&
			    same_part(k, first[e], i, d))
				break;
		if (e == m || !deeper(k, i, d))
			first[m++] = i;
	}
	return m;
}

static int suite(struct ktap *k, const size_t *idx, size_t n, int d,
		 struct tally *sum);

/* After the top-level plan: what made the run. */
static void meta(FILE *f, const struct run_meta *m)
{
	if (!m || !m->tool)
		return;
	fprintf(f, "# %s %s (%s)", m->tool, m->version, m->git_rev);
	if (m->command) {
		fputs(": ", f);
		plain(f, m->command, strlen(m->command));
	}
	fputc('\n', f);
}

/* The records of idx[] under suite entry e (first record i) at depth d. */
static int entry_suite(struct ktap *k, const size_t *idx, size_t n, int d,
		       size_t i, size_t num)
{
	_cleanup_free_ size_t *sub = calloc(n, sizeof(*sub));
	struct tally t = { 0 };
	size_t m = 0;
	int r;

	if (!sub)
		return -ENOMEM;
	for (size_t a = 0; a < n; a++)
		if (deeper(k, idx[a], d) && same_part(k, idx[a], i, d))
			sub[m++] = idx[a];
	indent(k->f, d + 1);
	fputs("KTAP version 1\n", k->f);
	indent(k->f, d + 1);
	fputs("# Subtest: ", k->f);
	plain(k->f, k->p[i].part[d], k->p[i].len[d]);
	fputc('\n', k->f);
	r = suite(k, sub, m, d + 1, &t);
	if (r < 0)
		return r;
	indent(k->f, d);
	fprintf(k->f, "%s %zu ", t.n[V_FAIL] || t.n[V_ERROR] ? "not ok" : "ok",
		num);
	plain(k->f, k->p[i].part[d], k->p[i].len[d]);
	if (!t.n[V_FAIL] && !t.n[V_ERROR] && !t.n[V_PASS])
		fputs(" # SKIP every test skipped", k->f);
	fputc('\n', k->f);
	return 0;
}

/*
 * A plan and the entries of idx[] at depth d; adds their verdicts to sum
 * (the control's expected failure as a pass: it does not fail a suite).
 */
static int suite(struct ktap *k, const size_t *idx, size_t n, int d,
		 struct tally *sum)
{
	_cleanup_free_ size_t *first = calloc(n + 1, sizeof(*first));
	size_t m;

	if (!first)
		return -ENOMEM;
	m = entries(k, idx, n, d, first);
	indent(k->f, d);
	fprintf(k->f, "1..%zu\n", m);
	if (d == 0)
		meta(k->f, k->m);
	for (size_t e = 0; e < m; e++) {
		size_t i = first[e];
		int r = 0;
		if (deeper(k, i, d))
			r = entry_suite(k, idx, n, d, i, e + 1);
		else
			leaf(k, i, d, e + 1);
		if (r < 0)
			return r;
	}
	for (size_t a = 0; a < n; a++)
		sum->n[xfail(&k->r[idx[a]]) ? V_PASS : k->r[idx[a]].verdict]++;
	return 0;
}

int report_ktap(FILE *f, const struct run_meta *m, const struct record *r,
		size_t n, bool color)
{
	_cleanup_free_ struct kpath *p = calloc(n + 1, sizeof(*p));
	_cleanup_free_ size_t *idx = calloc(n + 1, sizeof(*idx));
	struct ktap k = { .f = f, .m = m, .r = r, .p = p };
	struct tally all = { 0 };
	int err;

	(void)color;
	if (!p || !idx)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		split(&p[i], &r[i]);
		idx[i] = i;
	}
	fputs("KTAP version 1\n", f);
	err = suite(&k, idx, n, 0, &all);
	if (err < 0)
		return err;
	fprintf(f,
		"# Totals: pass:%zu fail:%zu xfail:%zu xpass:0 skip:%zu "
		"error:%zu\n",
		k.t.n[V_PASS], k.t.n[V_FAIL], k.t.n[V__COUNT], k.t.n[V_SKIP],
		k.t.n[V_ERROR]);
	return ferror(f) ? -EIO : 0;
}
