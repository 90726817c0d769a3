// SPDX-License-Identifier: MIT
/*
 * chroot: it confines path lookup, but it is not a security boundary. The
 * work happens in a forked child, so the worker's own root is untouched.
 * The control leaves out the chroot.
 */
#include "scenario.h"
#include "../primitives/rootfs.h"

#include <fcntl.h>
#include <string.h>

/* A marker outside the new root, at an absolute path of the host. */
struct setup {
	char marker[PATH_MAX];
	bool isolate;
};

struct seen {
	int before; /* errno reading the marker after chroot, 0 if read */
	int after;  /* errno reading it after the escape */
	int escape; /* -errno of the escape steps */
};

static int setup(struct ctx *c, struct setup *s)
{
	int r = rootfs_make_skeleton("root");

	if (r == 0)
		r = write_text_creat("marker", "host\n");
	if (r == 0 && !realpath("marker", s->marker))
		r = neg_errno();
	s->isolate = c->isolate;
	return r;
}

static int read_err(const char *path)
{
	char buf[16];

	return read_text(path, buf, sizeof(buf)) < 0 ? errno : 0;
}

static int confine_and_escape(void *arg, void *out, size_t len)
{
	const struct setup *s = arg;
	struct seen *v = out;

	(void)len;
	if (s->isolate && rootfs_chroot("root") < 0)
		return 2;
	v->before = read_err(s->marker);
	v->escape = rootfs_chroot_escape("sub");
	v->after = read_err(s->marker);
	return 0;
}

static enum obs run_child(struct ctx *c, struct setup *s, struct seen *v)
{
	int st;

	TRY(c, setup(c, s), "make the new root and the marker");
	TRY(c, legacy_run_in_child(0, confine_and_escape, s, v, sizeof(*v), &st),
	    "fork the child");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "chroot failed in the child");
	ctx_kv(c, "marker", "%s", s->marker);
	ctx_kv(c, "after chroot", "%s",
	       v->before ? strerrorname_np(v->before) : "read");
	return OBS_NONE;
}

static enum obs path_confined(struct ctx *c)
{
	struct setup s;
	struct seen v;
	enum obs o = run_child(c, &s, &v);

	if (o != OBS_NONE)
		return o;
	return ctx_holds(c, v.before == ENOENT, "open(%s): %s", s.marker,
			 v.before ? strerrorname_np(v.before) : "read");
}

static enum obs escape(struct ctx *c)
{
	struct setup s;
	struct seen v;
	enum obs o = run_child(c, &s, &v);

	if (o != OBS_NONE)
		return o;
	ctx_kv(c, "escape", "%s", v.escape ? strerror(-v.escape) : "done");
	ctx_kv(c, "after escape", "%s",
	       v.after ? strerrorname_np(v.after) : "read");
	return ctx_holds(c, v.before == ENOENT && v.after == 0,
			 "marker %s before the escape, %s after it",
			 v.before ? "unreachable" : "reachable",
			 v.after ? "unreachable" : "read");
}

static const struct scenario chroot_scenarios[] = {
	{ .id = "chroot/path-confined",
	  .title = "chroot confines absolute path lookup",
	  .property = "after chroot, an absolute path resolves within the "
		      "new root: a host file outside it is not reachable",
	  .expect = "open(marker): ENOENT",
	  .req = { .root = true },
	  .tags = { "chroot", "rootfs", "core" },
	  .run = path_confined },
	{ .id = "chroot/escape-privileged",
	  .title = "chroot is not a security boundary",
	  .property = "chroot alone does not contain a privileged process: "
		      "with CAP_SYS_CHROOT, chroot(sub), chdir(\"..\") and "
		      "chroot(\".\") reach a file outside",
	  .expect = "marker unreachable before the escape, read after it",
	  .req = { .root = true },
	  .tags = { "chroot", "rootfs", "security" },
	  .run = escape },
};

BOXCHECK_AREA(chroot, chroot_scenarios);
