// SPDX-License-Identifier: MIT
/*
 * chroot: it confines path lookup, but it is not a security boundary. The
 * work happens in a forked child, so the worker's own root is untouched. A
 * host marker file lies outside the new root, at an absolute path; the
 * child reports whether it reached it (rootfs_reach), and a child that
 * failed a step is an error, never "unreachable".
 */
#include "scenario.h"
#include "../primitives/rootfs.h"

#include <string.h>
#include <sys/capability.h>

struct plan {
	char marker[PATH_MAX]; /* absolute path of the host marker */
	bool chroot;	       /* the action: chroot into root/ first */
	bool drop_chroot_cap;  /* the action: drop CAP_SYS_CHROOT first */
};

static int make_root_and_marker(struct ctx *c, struct plan *p)
{
	TRY(c, rootfs_make_skeleton("root"), "make the new root");
	TRY(c, write_text_creat("marker", "host\n"), "write the marker");
	if (!realpath("marker", p->marker))
		return ctx_error(c, neg_errno(), "realpath marker");
	ctx_kv(c, "marker", "%s", p->marker);
	return 0;
}

/* "read", "ENOENT", ...: a reach errno for the evidence. */
static const char *reach_str(int err)
{
	return err ? strerrorname_np(err) : "read";
}

/* 0 (read) and ENOENT (not there) are observations; the rest is not. */
static bool reach_known(int err)
{
	return err == 0 || err == ENOENT;
}

/* ---- path lookup is confined: the control does not chroot ----------- */

struct lookup {
	int err; /* errno reaching the marker, 0 when it was read */
};

static int look(void *arg, void *out, size_t len)
{
	const struct plan *p = arg;
	struct lookup *v = out;
	int r;

	(void)len;
	if (p->chroot && (r = rootfs_chroot("root")) < 0)
		return child_fail("chroot root", r);
	v->err = -rootfs_reach(p->marker);
	return 0;
}

static int observe_confined(struct ctx *c, struct lookup *o)
{
	struct plan p = { .chroot = c->isolate };

	TRY_OBS(make_root_and_marker(c, &p));
	TRY_OBS(run_in_child(c, "look up the marker", 0, look, &p, o,
			     sizeof(*o)));
	return 0;
}

static enum obs judge_confined(struct judge *j, const struct lookup *o)
{
	if (!reach_known(o->err))
		return judge_unknown(j, "open(marker): %s", reach_str(o->err));
	judge_kv(j, "marker", "%s", reach_str(o->err));
	return judge_holds(j, o->err == ENOENT, "open(marker): %s",
			   reach_str(o->err));
}
CHECK(path_confined, struct lookup, observe_confined, judge_confined);

/*
 * ---- a privileged process escapes -----------------------------------
 * Both runs chroot into root/ and try the classic escape: chroot(sub),
 * chdir("..") while cwd stays outside, chroot("."). The control drops
 * CAP_SYS_CHROOT first: the same attempt, without what it relies on.
 */

struct escape {
	int before;	/* errno reaching the marker after chroot */
	int attempt;	/* errno of the escape steps, 0 when all worked */
	int after;	/* errno reaching the marker after the attempt */
	bool attempted; /* the child got to the attempt and past it */
};

/* CAP_SYS_CHROOT out of the effective and permitted sets, nothing else. */
static int drop_cap_sys_chroot(void)
{
	cap_value_t v = CAP_SYS_CHROOT;
	cap_t caps = cap_get_proc();
	int r = 0;

	if (!caps)
		return neg_errno();
	if (cap_set_flag(caps, CAP_EFFECTIVE, 1, &v, CAP_CLEAR) < 0 ||
	    cap_set_flag(caps, CAP_PERMITTED, 1, &v, CAP_CLEAR) < 0 ||
	    cap_set_proc(caps) < 0)
		r = neg_errno();
	cap_free(caps);
	return r;
}

static int confine_and_escape(void *arg, void *out, size_t len)
{
	const struct plan *p = arg;
	struct escape *v = out;
	int r;

	(void)len;
	if ((r = rootfs_chroot("root")) < 0)
		return child_fail("chroot root", r);
	if (p->drop_chroot_cap && (r = drop_cap_sys_chroot()) < 0)
		return child_fail("drop CAP_SYS_CHROOT", r);
	v->before = -rootfs_reach(p->marker);
	v->attempt = -rootfs_chroot_escape("sub");
	v->after = -rootfs_reach(p->marker);
	v->attempted = true;
	return 0;
}

static int observe_escape(struct ctx *c, struct escape *o)
{
	struct plan p = { .drop_chroot_cap = !c->isolate };

	TRY_OBS(make_root_and_marker(c, &p));
	TRY_OBS(run_in_child(c, "chroot, then the escape", 0,
			     confine_and_escape, &p, o, sizeof(*o)));
	return 0;
}

static enum obs judge_escape(struct judge *j, const struct escape *o)
{
	const char *a = o->attempt ? strerrorname_np(o->attempt) : "done";

	if (!o->attempted || !reach_known(o->before) || !reach_known(o->after))
		return judge_unknown(j, "marker %s before, %s after",
				     reach_str(o->before), reach_str(o->after));
	judge_kv(j, "escape", "%s", a);
	judge_kv(j, "marker after", "%s", reach_str(o->after));
	return judge_holds(j, o->before == ENOENT && o->after == 0,
			   "marker %s after chroot; escape %s; marker %s after "
			   "it",
			   reach_str(o->before), a, reach_str(o->after));
}
CHECK(escape_privileged, struct escape, observe_escape, judge_escape);

static const struct scenario chroot_scenarios[] = {
	{ .id = "chroot/path-confined",
	  .title = "chroot confines absolute path lookup",
	  .property = "after chroot, an absolute path resolves within the "
		      "new root: a host file outside it is not reachable",
	  .expect = "open(marker): ENOENT",
	  .req = { .root = true },
	  .tags = { "chroot", "rootfs", "core" },
	  .check = &path_confined },
	{ .id = "chroot/escape-privileged",
	  .title = "chroot is not a security boundary",
	  .property = "chroot alone does not contain a privileged process: "
		      "with CAP_SYS_CHROOT, chroot(sub), chdir(\"..\") and "
		      "chroot(\".\") reach a file outside; without it they "
		      "do not",
	  .expect = "marker ENOENT after chroot; escape done; marker read "
		    "after it",
	  .req = { .root = true },
	  .tags = { "chroot", "rootfs", "security" },
	  .check = &escape_privileged },
};

BOXCHECK_AREA(chroot, chroot_scenarios);
