// SPDX-License-Identifier: MIT
/*
 * Predicates: the root and the default mounts. A mount "of its own" has
 * another device number than the host's at the same path.
 */
#include "props.h"
#include "agent.h"

#include <string.h>

enum obs judge_ro(struct jctx *c, struct outcome *o)
{
	const json_t *ro = F(c, "root.read_only"),
		     *w = F(c, "probes.write_root");
	bool refused;

	if (!json_is_boolean(ro))
		return unknown(o, "the root's read-only flag", ro);
	if (!jtext(w))
		return unknown(o, "the write probe", w);
	refused = strcmp(jtext(w), "written");
	kv(o, "read_only", "%d", json_is_true(ro));
	kv(o, "write_root", "%s", jtext(w));
	if (json_is_true(ro) && refused)
		return holds(o, "/ mounted ro, write to / %s", jtext(w));
	return absent(o, "/ mounted %s, write to / %s",
		      json_is_true(ro) ? "ro" : "rw",
		      refused ? jtext(w) : "succeeded");
}

/* The agent's "/" and where a chroot escape lands, against the host's "/". */
enum obs judge_confined(struct jctx *c, struct outcome *o)
{
	const json_t *id = F(c, "root.id"), *hid = H(c, "root.id");
	const json_t *esc = F(c, "probes.escape");
	long long dev, ino, hdev, hino, edev = -1, eino = -1;
	bool at_host, esc_host, refused;

	if (!jint(jpath(id, "dev"), &dev) || !jint(jpath(id, "ino"), &ino))
		return unknown(o, "stat(/) inside", id);
	if (!jint(jpath(hid, "dev"), &hdev) || !jint(jpath(hid, "ino"), &hino))
		return unknown(o, "stat(/) on the host", hid);
	refused = jtext(jpath(esc, "refused")) != NULL;
	if (!refused && (!jint(jpath(esc, "dev"), &edev) ||
			 !jint(jpath(esc, "ino"), &eino)))
		return unknown(o, "the chroot escape probe", esc);
	at_host = dev == hdev && ino == hino;
	esc_host = !refused && edev == hdev && eino == hino;
	kv(o, "root", "%lld:%lld", dev, ino);
	kv(o, "host_root", "%lld:%lld", hdev, hino);
	if (!refused)
		kv(o, "escape", "%lld:%lld", edev, eino);
	SAY(o, "%s; %s", at_host ? "/ is the host's root" : "/ is its own",
	    refused    ? "chroot refused (EPERM)"
	    : esc_host ? "a chroot escape reaches the host's root"
		       : "a chroot escape stays in it");
	return at_host || esc_host ? OBS_ABSENT : OBS_HOLDS;
}

enum obs judge_root_given(struct jctx *c, struct outcome *o)
{
	const json_t *m = F(c, "root.marker");
	const json_t *t = F(c, "launcher.root_token");

	if (!jtext(t))
		return unknown(o, "the token of the root given", t);
	if (json_is_null(m))
		return absent(o, "no " AGENT_ROOT_MARK ": not the root given");
	if (!jtext(m))
		return unknown(o, AGENT_ROOT_MARK, m);
	if (strcmp(jtext(m), jtext(t)))
		return absent(o,
			      AGENT_ROOT_MARK " holds '%.60s', not this "
					      "run's '%.60s'",
			      jtext(m), jtext(t));
	return holds(o, AGENT_ROOT_MARK " holds this run's token");
}

enum obs judge_mounts_private(struct jctx *c, struct outcome *o)
{
	const json_t *p = F(c, "root.propagation");
	long long sh, sl;

	if (!jint(jpath(p, "shared"), &sh) || !jint(jpath(p, "slave"), &sl))
		return unknown(o, "/proc/self/mountinfo", p);
	kv(o, "shared", "%lld", sh);
	kv(o, "slave", "%lld", sl);
	SAY(o, "%lld shared and %lld slave mounts%s%.300s", sh, sl,
	    jtext(jpath(p, "first")) ? ", first " : "",
	    jtext(jpath(p, "first")) ?: "");
	return sh || sl ? OBS_ABSENT : OBS_HOLDS;
}

enum obs judge_prop_in(struct jctx *c, struct outcome *o)
{
	const json_t *l = F(c, "launcher.lifecycle");
	const json_t *m = jpath(l, "prop_mounted");
	const json_t *seen = jpath(l, "agent.probes.prop_in");

	if (!json_is_object(l) || fact_error(l))
		return unknown(o, "the lifecycle run", l);
	if (!json_is_true(m))
		return unknown(o, "the launcher's later mount", m);
	if (!json_is_boolean(seen))
		return unknown(o, "the lifecycle container's view", seen);
	if (json_is_true(seen))
		return absent(o, "the tmpfs mounted after create is seen "
				 "at " AGENT_PROP_DIR);
	return holds(o, "the tmpfs mounted after create is not seen");
}

/*
 * A mount at path: its fstype is want, it carries the per-mount options
 * in opts (comma list, or ""), and it is not the host's (another device
 * number than the control's at that path, when the host has one).
 */
static enum obs own_mount(struct jctx *c, struct outcome *o, const char *path,
			  const char *want, const char *opts)
{
	const json_t *m = F(c, "mounts.%s", path), *h = H(c, "mounts.%s", path);
	const char *fs = jtext(jpath(m, "fstype"));
	const char *mo = jtext(jpath(m, "opts")) ?: "";
	long long dev, hdev = -1;
	char list[64], *tok, *save = NULL;

	if (json_is_null(m) || (json_is_object(m) && !fact_error(m) &&
				json_is_false(jpath(m, "mount"))))
		return absent(o, "%s is not a mount point", path);
	if (!fs || !jint(jpath(m, "dev"), &dev))
		return unknown(o, path, m);
	jint(jpath(h, "dev"), &hdev);
	kv(o, "fstype", "%s", fs);
	kv(o, "opts", "%s", mo);
	if (strcmp(fs, want))
		return absent(o, "%s is %s, not %s", path, fs, want);
	snprintf(list, sizeof(list), "%s", opts);
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		if (!strstr(mo, tok))
			return absent(o, "%s %s without %s (%.100s)", path, fs,
				      tok, mo);
	if (dev == hdev)
		return absent(o, "%s is the host's own (device %lld)", path,
			      dev);
	return holds(o, "%s: %s %s, device %lld (host %lld)", path, fs, mo, dev,
		     hdev);
}

/*
 * /proc's own: another device than the host's proc (a proc is made per
 * pid namespace), so a bind of the host's /proc fails it.
 */
enum obs judge_mnt_proc(struct jctx *c, struct outcome *o)
{
	return own_mount(c, o, "/proc", "proc", "nosuid,nodev,noexec");
}

enum obs judge_mnt_dev(struct jctx *c, struct outcome *o)
{
	return own_mount(c, o, "/dev", "tmpfs", "nosuid");
}

/* devpts of its own, and /dev/ptmx its ptmx (a link, or its node). */
enum obs judge_mnt_devpts(struct jctx *c, struct outcome *o)
{
	const json_t *m = F(c, "mounts./dev/pts");
	const json_t *e = F(c, "dev.entries");
	const json_t *ptmx = json_object_get(e, "ptmx");
	const char *t = jtext(jpath(ptmx, "type"));
	long long pts = -1, pdev = -2;
	enum obs r = own_mount(c, o, "/dev/pts", "devpts", "");

	if (!json_is_object(e) || fact_error(e))
		return unknown(o, "/dev", e);
	if (r != OBS_HOLDS)
		return r;
	if (!strstr(jtext(jpath(m, "super")) ?: "", "ptmxmode=666"))
		return absent(o,
			      "devpts without ptmxmode=666 (%.100s): no "
			      "usable ptmx",
			      jtext(jpath(m, "super")) ?: "?");
	if (!t)
		return absent(o, "no /dev/ptmx");
	jint(jpath(m, "dev"), &pts);
	jint(jpath(ptmx, "dev"), &pdev);
	if (!strcmp(t, "l") &&
	    !strcmp(jtext(jpath(ptmx, "target")) ?: "", "pts/ptmx"))
		return holds(o, "devpts of its own, /dev/ptmx -> pts/ptmx");
	if (!strcmp(t, "c") && pdev == pts)
		return holds(o, "devpts of its own, /dev/ptmx its node");
	return absent(o,
		      "/dev/ptmx is not the devpts instance's ptmx (%s, "
		      "device %lld, devpts %lld)",
		      t, pdev, pts);
}

enum obs judge_mnt_shm(struct jctx *c, struct outcome *o)
{
	return own_mount(c, o, "/dev/shm", "tmpfs", "nosuid,nodev,noexec");
}

enum obs judge_mnt_mqueue(struct jctx *c, struct outcome *o)
{
	return own_mount(c, o, "/dev/mqueue", "mqueue", "");
}

enum obs judge_mnt_sys(struct jctx *c, struct outcome *o)
{
	const json_t *m = F(c, "mounts./sys");
	const char *fs = jtext(jpath(m, "fstype"));

	if (json_is_null(m) || json_is_false(jpath(m, "mount")))
		return absent(o, "/sys is not a mount point");
	if (!fs || !json_is_boolean(jpath(m, "ro")))
		return unknown(o, "/sys", m);
	if (strcmp(fs, "sysfs"))
		return absent(o, "/sys is %s", fs);
	if (!json_is_true(jpath(m, "ro")))
		return absent(o, "/sys is a read-write sysfs");
	return holds(o, "/sys is a read-only sysfs");
}
