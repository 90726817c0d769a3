// SPDX-License-Identifier: MIT
/*
 * pivot_root. pivot_root(2) moves the root of every process of the mount
 * namespace whose root is the old one, so each check runs in a child with a
 * mount namespace of its own (CLONE_NEWNS): the worker's root is untouched.
 * The child reports what it saw; a step that failed is an error.
 */
#include "scenario.h"
#include "../primitives/rootfs.h"

#include <string.h>
#include <sys/mount.h>

struct plan {
	char marker[PATH_MAX]; /* absolute path of a host file */
	struct file_id root;   /* identity of the new root dir */
	bool pivot;	       /* the action: pivot_root (else chroot/chdir) */
};

static int make_root(struct ctx *c, struct plan *p)
{
	TRY(c, rootfs_make_skeleton("root"), "make the new root");
	TRY(c, file_id_of("root", &p->root), "stat root");
	TRY(c, write_text_creat("marker", "host\n"), "write the marker");
	if (!realpath("marker", p->marker))
		return ctx_error(c, neg_errno(), "realpath marker");
	return 0;
}

/* ---- the new root must be a mount point ----------------------------- */

struct pivot_err {
	bool mount_point; /* "." was a mount point when pivot_root ran */
	int err;	  /* pivot_root(".", ".") errno, 0 if it worked */
};

/*
 * The new root is a plain dir in a tmpfs: on the root's own mount pivot_root
 * would say EBUSY first. The control binds it onto itself; isolated does not.
 */
static int try_pivot(void *arg, void *out, size_t len)
{
	const struct plan *p = arg;
	struct pivot_err *v = out;

	int r;

	(void)len;
	if (mkdir("t", 0755) < 0)
		return child_fail("mkdir t", neg_errno());
	if ((r = rootfs_mount_tmpfs("t", "size=64k")) < 0)
		return child_fail("mount a tmpfs on t", r);
	if (mkdir("t/root", 0755) < 0)
		return child_fail("mkdir t/root", neg_errno());
	if (!p->pivot && mount("t/root", "t/root", NULL, MS_BIND, NULL) < 0)
		return child_fail("bind t/root onto itself", neg_errno());
	if (chdir("t/root") < 0)
		return child_fail("chdir t/root", neg_errno());
	v->mount_point = rootfs_is_mountpoint(".");
	v->err = -sys_pivot_root(".", ".");
	return 0;
}

static int observe_needs_mp(struct ctx *c, struct pivot_err *o)
{
	struct plan p = { .pivot = c->isolate };

	TRY_OBS(run_in_child(c, "pivot_root into t/root", CLONE_NEWNS,
			     try_pivot, &p, o, sizeof(*o)));
	return 0;
}

static enum obs judge_needs_mp(struct judge *j, const struct pivot_err *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";
	const char *what = o->mount_point ? "a mount point" : "a plain dir";

	judge_kv(j, "new root", "%s", what);
	return judge_holds(j, !o->mount_point && o->err == EINVAL,
			   "pivot_root(\".\", \".\") into %s: %s", what, e);
}
CHECK(needs_mount_point, struct pivot_err, observe_needs_mp, judge_needs_mp);

/* ---- the old root is gone: the control confines by chroot ------------ */

struct after {
	bool escaped; /* the child ran the escape to its end */
	int found;    /* errno reaching the host marker after it */
	bool top_new; /* after the escape "/" is still the new root */
};

static int confine_then_escape(void *arg, void *out, size_t len)
{
	const struct plan *p = arg;
	struct after *a = out;
	struct file_id top;
	int r;

	(void)len;
	r = p->pivot ? rootfs_pivot("root") : rootfs_chroot("root");
	if (r < 0)
		return child_fail(p->pivot ? "pivot_root" : "chroot", r);
	if ((r = rootfs_chroot_escape("sub")) < 0)
		return child_fail("the chroot escape", r);
	a->escaped = true;
	a->found = -rootfs_reach(p->marker);
	if ((r = file_id_of("/", &top)) < 0)
		return child_fail("stat / after the escape", r);
	a->top_new = top.dev == p->root.dev && top.ino == p->root.ino;
	return 0;
}

static int observe_old_root(struct ctx *c, struct after *o)
{
	struct plan p = { .pivot = c->isolate };

	TRY_OBS(make_root(c, &p));
	TRY_OBS(run_in_child(c, "confine, then the escape", CLONE_NEWNS,
			     confine_then_escape, &p, o, sizeof(*o)));
	return 0;
}

static enum obs judge_old_root(struct judge *j, const struct after *o)
{
	const char *f = o->found ? strerrorname_np(o->found) : "read";

	if (!o->escaped || (o->found && o->found != ENOENT))
		return judge_unknown(j, "escape %s, host marker %s",
				     o->escaped ? "done" : "not run", f);
	judge_kv(j, "host marker after the escape", "%s", f);
	judge_kv(j, "\"/\" after the escape", "%s",
		 o->top_new ? "the new root" : "above the new root");
	return judge_holds(j, o->found == ENOENT,
			   "after the escape (\"/\" %s), the host marker: %s",
			   o->top_new ? "the new root" : "above it", f);
}
CHECK(old_root_gone, struct after, observe_old_root, judge_old_root);

/* ---- root and cwd: the control only chdirs into the new root ---------- */

static int where_am_i(void *arg, void *out, size_t len)
{
	const struct plan *p = arg;
	int r;

	(void)len;
	r = p->pivot ? rootfs_pivot("root") : (chdir("root") ? neg_errno() : 0);
	if (r < 0)
		return child_fail(p->pivot ? "pivot_root" : "chdir root", r);
	if ((r = rootfs_whereami(&p->root, out)) < 0)
		return child_fail("where am I", r);
	return 0;
}

static int observe_where(struct ctx *c, struct whereami *o)
{
	struct plan p = { .pivot = c->isolate };

	TRY_OBS(make_root(c, &p));
	TRY_OBS(run_in_child(c, "move into the new root", CLONE_NEWNS,
			     where_am_i, &p, o, sizeof(*o)));
	return 0;
}

static enum obs judge_where(struct judge *j, const struct whereami *o)
{
	judge_kv(j, "root", "%s", o->root_is ? "new root" : "other");
	judge_kv(j, "cwd", "%s", o->cwd_is ? "new root" : "other");
	return judge_holds(j, o->root_is && o->cwd_is && o->cwd_slash,
			   "\"/\" is %s, cwd is %s (getcwd %s)",
			   o->root_is ? "the new root" : "not the new root",
			   o->cwd_is ? "the new root" : "elsewhere",
			   o->cwd_slash ? "\"/\"" : "not \"/\"");
}
CHECK(root_and_cwd, struct whereami, observe_where, judge_where);

static const struct scenario pivot_root_scenarios[] = {
	{ .id = "pivot_root/needs-mount-point",
	  .title = "pivot_root needs the new root to be a mount point",
	  .property = "pivot_root fails with EINVAL when the new root is a "
		      "plain directory, not a mount point",
	  .expect = "pivot_root(\".\", \".\") into a plain dir: EINVAL",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "pivot_root", "rootfs" },
	  .check = &needs_mount_point },
	{ .id = "pivot_root/old-root-gone",
	  .title = "after pivot_root the old root is unreachable",
	  .property = "after pivot_root and the lazy unmount of the old root, "
		      "the chroot escape finds nothing of the host",
	  .expect = "after the escape, the host marker: ENOENT",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "pivot_root", "rootfs", "security", "core" },
	  .check = &old_root_gone },
	{ .id = "pivot_root/root-and-cwd",
	  .title = "pivot_root moves root and cwd to the new root",
	  .property = "after pivot_root the process's root and cwd are the "
		      "new root",
	  .expect = "\"/\" is the new root, cwd is the new root (getcwd \"/\")",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "pivot_root", "rootfs" },
	  .check = &root_and_cwd },
};

BOXCHECK_AREA(pivot_root, pivot_root_scenarios);
