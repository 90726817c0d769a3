// SPDX-License-Identifier: MIT
/* Predicates: /dev, the masked paths and the read-only ones. */
#include "props.h"

#include <string.h>

static const struct {
	const char *name, *rdev;
} default_nodes[] = {
	{ "null", "1:3" },   { "zero", "1:5" },	   { "full", "1:7" },
	{ "random", "1:8" }, { "urandom", "1:9" }, { "tty", "5:0" },
};

/* A devpts pty: majors 136-143. */
static bool pty_rdev(const char *rdev)
{
	int maj = rdev ? atoi(rdev) : 0;

	return maj >= 136 && maj <= 143;
}

/* Is /dev/name with this type and rdev one the profile allows? */
static bool allowed_node(const char *name, const char *rdev)
{
	for (size_t i = 0; i < ARRAY_SIZE(default_nodes); i++)
		if (!strcmp(name, default_nodes[i].name))
			return rdev && !strcmp(rdev, default_nodes[i].rdev);
	if (!strcmp(name, "ptmx"))
		return rdev && !strcmp(rdev, "5:2");
	/* /dev/console has a property of its own (dev-console) */
	return !strcmp(name, "console");
}

enum obs judge_dev_nodes(struct jctx *c, struct outcome *o)
{
	const json_t *e = F(c, "dev.entries"), *v;
	const char *name;
	char extra[300] = "", missing[120] = "";
	size_t at = 0, mt = 0;

	if (!json_is_object(e) || fact_error(e))
		return unknown(o, "/dev", e);
	json_object_foreach((json_t *)e, name, v) {
		const char *t = jtext(jpath(v, "type"));
		if (!t || (strcmp(t, "c") && strcmp(t, "b")))
			continue;
		if (!allowed_node(name, jtext(jpath(v, "rdev"))) &&
		    at < sizeof(extra))
			at += snprintf(extra + at, sizeof(extra) - at,
				       "%s%s %s %s", at ? ", " : "", name, t,
				       jtext(jpath(v, "rdev")) ?: "?");
	}
	for (size_t i = 0; i < ARRAY_SIZE(default_nodes); i++) {
		v = json_object_get(e, default_nodes[i].name);
		if (!jtext(jpath(v, "rdev")) && mt < sizeof(missing))
			mt += snprintf(missing + mt, sizeof(missing) - mt,
				       "%s%s", mt ? " " : "",
				       default_nodes[i].name);
	}
	if (at || mt)
		return absent(o, "%s%.300s%s%s%.120s",
			      at ? "other nodes: " : "", extra,
			      at && mt ? "; " : "", mt ? "missing: " : "",
			      missing);
	return holds(o, "exactly null zero full random urandom tty (ptmx)");
}

enum obs judge_dev_symlinks(struct jctx *c, struct outcome *o)
{
	static const struct {
		const char *name, *target;
	} links[] = {
		{ "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
	};
	const json_t *e = F(c, "dev.entries"), *d = F(c, "mounts./dev");
	const json_t *h = H(c, "mounts./dev");
	long long dev, hdev = -1;

	if (!json_is_object(e) || fact_error(e))
		return unknown(o, "/dev", e);
	if (!jint(jpath(d, "dev"), &dev))
		return unknown(o, "/dev's device", d);
	jint(jpath(h, "dev"), &hdev);
	if (dev == hdev)
		return absent(o, "/dev is the host's (device %lld)", dev);
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		const json_t *v = json_object_get(e, links[i].name);
		const char *t = jtext(jpath(v, "target"));
		if (!t || strcmp(t, links[i].target))
			return absent(o, "/dev/%s is %s", links[i].name,
				      t ? t : "not that link");
	}
	return holds(o, "fd stdin stdout stderr link into /proc/self/fd");
}

enum obs judge_console(struct jctx *c, struct outcome *o)
{
	const json_t *e = F(c, "dev.entries");
	const json_t *v = json_object_get(e, "console");
	const char *t = jtext(jpath(v, "type")),
		   *rdev = jtext(jpath(v, "rdev"));

	if (!json_is_object(e) || fact_error(e))
		return unknown(o, "/dev", e);
	if (!v)
		return holds(o, "no /dev/console");
	if (t && !strcmp(t, "c") && pty_rdev(rdev))
		return holds(o, "/dev/console is a pty (%s)", rdev);
	return absent(o, "/dev/console is %s %s, not a pty", t ? t : "?",
		      rdev ? rdev : "");
}

/* For each masked path present: fn's verdict, else why not. */
typedef const char *mask_fn(const json_t *m);

static enum obs each_masked(struct jctx *c, struct outcome *o, mask_fn *fn,
			    const char *good)
{
	const json_t *ms = F(c, "masked");
	char bad[400] = "";
	size_t at = 0, n = 0;

	if (!json_is_object(ms) || fact_error(ms))
		return unknown(o, "the masked paths", ms);
	for (const char *const *p = c->pr->masked; *p; p++) {
		const json_t *m = json_object_get(ms, *p);
		const char *state = jtext(jpath(m, "state")), *why;
		if (!state)
			return unknown(o, *p, m);
		if (!strcmp(state, "absent"))
			continue;
		if (!(why = fn(m))) {
			n++;
			continue;
		}
		kv(o, *p, "%s", why);
		if (at < sizeof(bad))
			at += snprintf(bad + at, sizeof(bad) - at, "%s%s %s",
				       at ? ", " : "", *p, why);
	}
	if (at)
		return absent(o, "%s", bad);
	return holds(o, "%zu present, each %s", n, good);
}

static const char *readable(const json_t *m)
{
	return strcmp(jtext(jpath(m, "state")), "content") ? NULL : "readable";
}

static const char *null_node(const json_t *m)
{
	const char *t = jtext(jpath(m, "type"));

	if (!strcmp(t ?: "", "d"))
		return NULL; /* a directory: mask-dirs judges it */
	if (strcmp(t ?: "", "c") ||
	    strcmp(jtext(jpath(m, "rdev")) ?: "", "1:3"))
		return "is not the null device";
	return NULL;
}

static const char *empty_ro_tmpfs(const json_t *m)
{
	if (strcmp(jtext(jpath(m, "type")) ?: "", "d"))
		return NULL; /* a file: mask-files judges it */
	if (strcmp(jtext(jpath(m, "fstype")) ?: "", "tmpfs"))
		return "is not a tmpfs";
	if (!json_is_true(jpath(m, "ro")))
		return "is writable";
	/* nothing to list: empty, or closed to this process */
	return strcmp(jtext(jpath(m, "state")), "empty") &&
			       strcmp(jtext(jpath(m, "state")), "denied")
		       ? "is not empty"
		       : NULL;
}

enum obs judge_masked(struct jctx *c, struct outcome *o)
{
	return each_masked(c, o, readable, "with nothing to read");
}

enum obs judge_mask_files(struct jctx *c, struct outcome *o)
{
	return each_masked(c, o, null_node, "the null device or a masked dir");
}

enum obs judge_mask_dirs(struct jctx *c, struct outcome *o)
{
	return each_masked(c, o, empty_ro_tmpfs,
			   "an empty read-only tmpfs or a masked file");
}

enum obs judge_ro_paths(struct jctx *c, struct outcome *o)
{
	const json_t *ps = F(c, "ro_paths");
	char rw[300] = "";
	size_t at = 0, n = 0;

	if (!json_is_object(ps) || fact_error(ps))
		return unknown(o, "the read-only paths", ps);
	for (const char *const *p = c->pr->ro_paths; *p; p++) {
		const json_t *v = json_object_get(ps, *p);
		if (jtext(v) && !strcmp(jtext(v), "absent"))
			continue;
		if (!json_is_boolean(jpath(v, "ro")))
			return unknown(o, *p, v);
		n++;
		if (!json_is_true(jpath(v, "ro")) && at < sizeof(rw))
			at += snprintf(rw + at, sizeof(rw) - at, "%s%s",
				       at ? " " : "", *p);
	}
	if (at)
		return absent(o, "writable: %s", rw);
	return holds(o, "%zu present, all read-only", n);
}
