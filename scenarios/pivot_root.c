// SPDX-License-Identifier: MIT
/*
 * pivot_root. pivot_root(2) moves the root of every process of the mount
 * namespace whose root is the old one, so each check runs in a child with a
 * mount namespace of its own (CLONE_NEWNS): the worker's root is untouched.
 */
#include "scenario.h"
#include "../primitives/rootfs.h"

#include <string.h>
#include <sys/mount.h>

struct setup {
	char marker[PATH_MAX];
	bool isolate;
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

/*
 * The new root is a plain dir in a tmpfs: on the root's own mount pivot_root
 * would say EBUSY first. The control binds it onto itself; isolated does not.
 */
static int try_pivot(void *arg, void *out, size_t len)
{
	const struct setup *s = arg;
	int *err = out;

	(void)len;
	if (mkdir("t", 0755) < 0 || rootfs_mount_tmpfs("t", "size=64k") < 0 ||
	    mkdir("t/root", 0755) < 0)
		return 2;
	if (!s->isolate && mount("t/root", "t/root", NULL, MS_BIND, NULL) < 0)
		return 2;
	if (chdir("t/root") < 0)
		return 2;
	*err = -sys_pivot_root(".", ".");
	return 0;
}

static enum obs needs_mount_point(struct ctx *c)
{
	struct setup s;
	int err = 0, st;

	TRY(c, setup(c, &s), "make the new root");
	TRY(c, legacy_run_in_child(CLONE_NEWNS, try_pivot, &s, &err, sizeof(err), &st),
	    "fork the child");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0,
				 "tmpfs, bind or chdir failed in the child");
	ctx_kv(c, "root is a mount point", "%s", s.isolate ? "no" : "yes");
	return ctx_holds(c, err == EINVAL, "pivot_root(\".\", \".\"): %s",
			 err ? strerrorname_np(err) : "ok");
}

struct after {
	int escape, found; /* -errno of the escape; errno reading marker */
	bool root_is_new, cwd_is_new, cwd_slash;
};

static bool same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Isolated: the careful pivot_root. Control: a chroot alone. */
static int pivot_then_look(void *arg, void *out, size_t len)
{
	const struct setup *s = arg;
	struct after *a = out;
	char buf[16];

	(void)len;
	if ((s->isolate ? rootfs_pivot("root") : rootfs_chroot("root")) < 0)
		return 3;
	a->escape = rootfs_chroot_escape("sub");
	a->found = read_text(s->marker, buf, sizeof(buf)) < 0 ? errno : 0;
	return 0;
}

static enum obs run_look(struct ctx *c, struct setup *s, struct after *a)
{
	int st;

	TRY(c, setup(c, s), "make the new root and the marker");
	TRY(c,
	    legacy_run_in_child(CLONE_NEWNS, pivot_then_look, s, a, sizeof(*a), &st),
	    "fork the child");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "%s failed in the child",
				 s->isolate ? "pivot_root" : "chroot");
	ctx_kv(c, "confined by", "%s", s->isolate ? "pivot_root" : "chroot");
	ctx_kv(c, "escape", "%s", a->escape ? strerror(-a->escape) : "done");
	ctx_kv(c, "marker after escape", "%s",
	       a->found ? strerrorname_np(a->found) : "read");
	return OBS_NONE;
}

static enum obs old_root_gone(struct ctx *c)
{
	struct setup s;
	struct after a;
	enum obs o = run_look(c, &s, &a);

	if (o != OBS_NONE)
		return o;
	return ctx_holds(c, a.found == ENOENT,
			 "after %s and the escape, the host marker is %s",
			 s.isolate ? "pivot_root" : "chroot",
			 a.found ? "unreachable" : "read");
}

/* The control only chdirs into the new root: no pivot, no chroot. */
static int where_am_i(void *arg, void *out, size_t len)
{
	const struct setup *s = arg;
	struct after *a = out;
	struct stat want, root, cwd;
	char dir[PATH_MAX];

	(void)len;
	if (stat("root", &want) < 0)
		return 2;
	if ((s->isolate ? rootfs_pivot("root") : chdir("root")) < 0)
		return 3;
	a->root_is_new = stat("/", &root) == 0 && same(&root, &want);
	a->cwd_is_new = stat(".", &cwd) == 0 && same(&cwd, &want);
	a->cwd_slash = getcwd(dir, sizeof(dir)) && strcmp(dir, "/") == 0;
	return 0;
}

static enum obs root_and_cwd(struct ctx *c)
{
	struct setup s;
	struct after a;
	int st;

	TRY(c, setup(c, &s), "make the new root");
	TRY(c, legacy_run_in_child(CLONE_NEWNS, where_am_i, &s, &a, sizeof(a), &st),
	    "fork the child");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "pivot_root failed in the child");
	ctx_kv(c, "root", "%s", a.root_is_new ? "new root" : "other");
	ctx_kv(c, "cwd", "%s", a.cwd_is_new ? "new root" : "other");
	return ctx_holds(c, a.root_is_new && a.cwd_is_new && a.cwd_slash,
			 "\"/\" is %s, cwd is %s (getcwd %s)",
			 a.root_is_new ? "the new root" : "not the new root",
			 a.cwd_is_new ? "the new root" : "elsewhere",
			 a.cwd_slash ? "\"/\"" : "not \"/\"");
}

static const struct scenario pivot_root_scenarios[] = {
	{ .id = "pivot_root/needs-mount-point",
	  .title = "pivot_root needs the new root to be a mount point",
	  .property = "pivot_root fails with EINVAL when the new root is a "
		      "plain directory, not a mount point",
	  .expect = "pivot_root(\".\", \".\"): EINVAL",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "pivot_root", "rootfs" },
	  .run = needs_mount_point },
	{ .id = "pivot_root/old-root-gone",
	  .title = "after pivot_root the old root is unreachable",
	  .property = "after pivot_root and the lazy unmount of the old root, "
		      "the chroot escape finds nothing of the host",
	  .expect = "after pivot_root and the escape, the host marker is "
		    "unreachable",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "pivot_root", "rootfs", "security", "core" },
	  .run = old_root_gone },
	{ .id = "pivot_root/root-and-cwd",
	  .title = "pivot_root moves root and cwd to the new root",
	  .property = "after pivot_root the process's root and cwd are the "
		      "new root",
	  .expect = "\"/\" is the new root, cwd is the new root (getcwd \"/\")",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "pivot_root", "rootfs" },
	  .run = root_and_cwd },
};

BOXCHECK_AREA(pivot_root, pivot_root_scenarios);
