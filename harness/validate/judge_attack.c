// SPDX-License-Identifier: MIT
/*
 * Predicates: the attacker's view. Each judges what a non-destructive
 * probe got: "ok" means the open, mount or mknod went through.
 */
#include "props.h"

#include <string.h>

/* "absent", or an errno name: out of reach. "ok": reached. */
static enum obs refused_open(struct jctx *c, struct outcome *o, const char *key,
			     const char *path)
{
	const json_t *v = F(c, "probes.%s", key);
	const char *r = jtext(v);

	if (!r)
		return unknown(o, path, v);
	kv(o, "open", "%s", r);
	if (!strcmp(r, "ok"))
		return absent(o, "%s opened for writing (closed unwritten)",
			      path);
	return holds(o, "%s: %s", path, r);
}

enum obs judge_sysrq(struct jctx *c, struct outcome *o)
{
	return refused_open(c, o, "sysrq", "/proc/sysrq-trigger");
}

enum obs judge_core_pattern(struct jctx *c, struct outcome *o)
{
	return refused_open(c, o, "core_pattern",
			    "/proc/sys/kernel/core_pattern");
}

/* Each entry of an object of "path": "ok"|"E..."|"absent": none is ok. */
static enum obs none_ok(struct outcome *o, const json_t *files,
			const char *what)
{
	const char *path;
	const json_t *r;
	char ok[400] = "";
	size_t at = 0, n = 0;

	json_object_foreach((json_t *)files, path, r) {
		if (!jtext(r))
			return unknown(o, path, r);
		n += strcmp(jtext(r), "absent") != 0;
		if (!strcmp(jtext(r), "ok") && at < sizeof(ok))
			at += snprintf(ok + at, sizeof(ok) - at, "%s%s",
				       at ? " " : "", path);
	}
	if (at)
		return absent(o, "%s: %.390s", what, ok);
	return holds(o, "%zu present, none %s", n, what);
}

enum obs judge_devices(struct jctx *c, struct outcome *o)
{
	const json_t *d = F(c, "probes.devices");

	if (!json_is_object(d) || fact_error(d))
		return unknown(o, "the device probe", d);
	return none_ok(o, d, "opened read-only (closed at once)");
}

enum obs judge_release_agent(struct jctx *c, struct outcome *o)
{
	const json_t *d = F(c, "probes.release_agent");
	const json_t *files = jpath(d, "files");

	if (!json_is_object(files))
		return unknown(o, "the release_agent probe", d);
	return none_ok(o, files, "opened for writing (closed unwritten)");
}

enum obs judge_mknod(struct jctx *c, struct outcome *o)
{
	const json_t *m = F(c, "probes.mknod");
	const char *mk = jtext(jpath(m, "mknod")),
		   *op = jtext(jpath(m, "open"));
	const char *how = jtext(jpath(m, "how")) ?: "?";

	if (!mk)
		return unknown(o, "the mknod probe", m);
	kv(o, "how", "%s in %s", how, jtext(jpath(m, "dir")) ?: "?");
	if (strcmp(mk, "ok"))
		return holds(o, "mknod c 1:3 refused: %s", mk);
	if (!op)
		return unknown(o, "the open of the node made",
			       jpath(m, "open"));
	if (strcmp(op, "ok"))
		return holds(o, "mknod c 1:3 made, but it cannot be opened: %s",
			     op);
	return absent(o, "mknod c 1:3 made and opened (%s)", how);
}

enum obs judge_cgroup_mount(struct jctx *c, struct outcome *o)
{
	const json_t *m = F(c, "probes.cgroup_mount");
	const char *r = jtext(jpath(m, "mount"));

	if (!r)
		return unknown(o, "the cgroup mount probe", m);
	kv(o, "how", "%s", jtext(jpath(m, "how")) ?: "?");
	if (!strcmp(r, "ok"))
		return absent(o, "mounted the v1 hierarchy '%s' (%s)",
			      jtext(jpath(m, "controllers")) ?: "?",
			      jtext(jpath(m, "how")) ?: "?");
	return holds(o, "mount -t cgroup refused: %s", r);
}

enum obs judge_keyring(struct jctx *c, struct outcome *o)
{
	const json_t *k = F(c, "probes.keyring"), *h = H(c, "probes.keyring");
	long long id, hid;

	if (jtext(jpath(k, "refused")))
		return holds(o, "keyctl refused: %s",
			     jtext(jpath(k, "refused")));
	if (!jint(jpath(k, "session"), &id))
		return unknown(o, "the session keyring", k);
	if (!jint(jpath(h, "session"), &hid))
		return unknown(o, "the host's session keyring", h);
	kv(o, "session", "%lld", id);
	kv(o, "host", "%lld", hid);
	if (id == hid)
		return absent(o, "session keyring %lld, the host's", id);
	return holds(o, "session keyring %lld, not the host's %lld", id, hid);
}

enum obs judge_host_procs(struct jctx *c, struct outcome *o)
{
	const json_t *p = F(c, "probes.procs");
	long long n;

	if (!jint(jpath(p, "visible"), &n) ||
	    !json_is_boolean(jpath(p, "kthreadd")))
		return unknown(o, "/proc", p);
	kv(o, "visible", "%lld", n);
	if (json_is_true(jpath(p, "kthreadd")))
		return absent(o,
			      "kthreadd visible among %lld processes: the "
			      "host's",
			      n);
	return holds(o, "%lld processes visible, no kernel thread", n);
}

enum obs judge_engine(struct jctx *c, struct outcome *o)
{
	const json_t *a = F(c, "probes.engine_sockets"), *v;
	char seen[400] = "";
	size_t i, at = 0;

	if (!json_is_array(a))
		return unknown(o, "the engine socket probe", a);
	json_array_foreach(a, i, v)
		if (at < sizeof(seen))
			at += snprintf(seen + at, sizeof(seen) - at, "%s%s",
				       at ? " " : "", jtext(v) ?: "?");
	if (at)
		return absent(o, "reachable: %.390s", seen);
	return holds(o, "no engine socket");
}
