// SPDX-License-Identifier: MIT
/*
 * What pivot_root(2) refuses, and whose cwd it moves. Each check runs in a
 * child with a mount namespace of its own (CLONE_NEWNS): every mount and
 * propagation change below is that namespace's, and dies with it. The
 * child builds three tmpfs mounts, p (P), p/t (T) and p/t/c/nr (N), with
 * nr/old, nr/file and out beside nr, cwd p/t/c, and calls
 * pivot_root("nr", "nr/old"), which works; each row adds one fault to the
 * isolated run: CAP_SYS_ADMIN dropped (EPERM), put_old a file (ENOTDIR),
 * on the root mount (EBUSY) or outside new_root (EINVAL), a shared parent
 * or put_old mount (EINVAL), a root that is not a mount point (EINVAL).
 */
#include "caps_util.h"
#include "rootfs_probe.h"
#include "userns.h"

#include <string.h>
#include <sys/mount.h>

#define PIVOT_REQ                                                              \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT), .fs = { "tmpfs" }          \
	}

static int tmpfs_dir(const char *path)
{
	if (mkdir(path, 0755) < 0)
		return neg_errno();
	return rootfs_mount_tmpfs(path, "size=64k");
}

/* P, T, N and the rest; cwd p/t/c. */
static int build(void)
{
	int r;

	if ((r = tmpfs_dir("p")) < 0 || (r = tmpfs_dir("p/t")) < 0 ||
	    (r = mkdir_p("p/t/c/out", 0755)) < 0 ||
	    (r = tmpfs_dir("p/t/c/nr")) < 0 ||
	    (r = mkdir_p("p/t/c/nr/old", 0755)) < 0 ||
	    (r = write_text_creat("p/t/c/nr/file", "f\n")) < 0)
		return r;
	return chdir("p/t/c") < 0 ? neg_errno() : 0;
}

static int make_shared(const char *path)
{
	return mount(NULL, path, NULL, MS_SHARED, NULL) < 0 ? neg_errno() : 0;
}

/* ---- the faults ------------------------------------------------------ */

static int drop_sys_admin(bool act)
{
	return act ? cap_flag_set(CAP_SYS_ADMIN, CAP_EFFECTIVE, false) : 0;
}

static int share_t(bool act) /* N's parent */
{
	return act ? make_shared("..") : 0;
}

static int share_n(bool act) /* put_old's mount */
{
	return act ? make_shared("nr") : 0;
}

static int share_p_root_t(bool act) /* root T, its parent P shared */
{
	int r = act ? make_shared("../..") : 0;

	return r < 0 ? r : (chroot("..") < 0 ? neg_errno() : 0);
}

static int chroot_here(bool act) /* root c: no mount point */
{
	return act && chroot(".") < 0 ? neg_errno() : 0;
}

struct pivot_kind {
	int (*fault)(bool act); /* NULL: the fault is put_old */
	const char *put_old;	/* the isolated run's, NULL: nr/old */
	int want;
	const char *what;
};

enum {
	K_EPERM,
	K_ENOTDIR,
	K_EBUSY,
	K_OUTSIDE,
	K_NEW_PARENT,
	K_OLD_SHARED,
	K_ROOT_PARENT,
	K_ROOT_NOT_MP,
};

static const struct pivot_kind kinds[] = {
	[K_EPERM] = { drop_sys_admin, NULL, EPERM, "without CAP_SYS_ADMIN" },
	[K_ENOTDIR] = { NULL, "nr/file", ENOTDIR, "put_old a file" },
	[K_EBUSY] = { NULL, "/", EBUSY, "put_old on the root mount" },
	[K_OUTSIDE] = { NULL, "out", EINVAL, "put_old outside new_root" },
	[K_NEW_PARENT] = { share_t, NULL, EINVAL,
			   "new_root's parent mount shared" },
	[K_OLD_SHARED] = { share_n, NULL, EINVAL, "put_old's mount shared" },
	[K_ROOT_PARENT] = { share_p_root_t, NULL, EINVAL,
			    "the root's parent mount shared" },
	[K_ROOT_NOT_MP] = { chroot_here, NULL, EINVAL,
			    "a root that is no mount point" },
};

struct pivot_plan {
	const struct pivot_kind *k;
	bool act;
};

struct pivot_seen {
	int err; /* pivot_root's errno, 0 when it worked */
};

static int try_pivot(void *arg, void *out, size_t len)
{
	const struct pivot_plan *p = arg;
	const char *old = p->act && p->k->put_old ? p->k->put_old : "nr/old";
	struct pivot_seen *o = out;

	(void)len;
	CHILD_TRY("build the mounts", build());
	if (p->k->fault)
		CHILD_TRY("the step before pivot_root", p->k->fault(p->act));
	o->err = probe_pivot("nr", old);
	return 0;
}

static int observe_pivot(struct ctx *c, struct pivot_seen *o, int kind)
{
	struct pivot_plan p = { &kinds[kind], c->isolate };

	TRY_OBS(run_in_child(c, "pivot_root", CLONE_NEWNS, try_pivot, &p, o,
			     sizeof(*o)));
	return 0;
}

static enum obs judge_pivot(struct judge *j, const struct pivot_seen *o,
			    int kind)
{
	char what[80];

	snprintf(what, sizeof(what), "pivot_root, %s", kinds[kind].what);
	return judge_errno(j, o->err, kinds[kind].want, "pivot_root", what);
}

#define PIVOT_CHECK(name_, kind_)                                              \
	static int observe_##name_(struct ctx *c, struct pivot_seen *o)        \
	{                                                                      \
		return observe_pivot(c, o, kind_);                             \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct pivot_seen *o)              \
	{                                                                      \
		return judge_pivot(j, o, kind_);                               \
	}                                                                      \
	CHECK(name_, struct pivot_seen, observe_##name_, judge_##name_)
PIVOT_CHECK(eperm, K_EPERM);
PIVOT_CHECK(enotdir, K_ENOTDIR);
PIVOT_CHECK(ebusy, K_EBUSY);
PIVOT_CHECK(outside, K_OUTSIDE);
PIVOT_CHECK(new_parent, K_NEW_PARENT);
PIVOT_CHECK(old_shared, K_OLD_SHARED);
PIVOT_CHECK(root_parent, K_ROOT_PARENT);
PIVOT_CHECK(root_not_mp, K_ROOT_NOT_MP);

/* ---- the caller's cwd ------------------------------------------------ */

struct cwd_seen {
	bool kept; /* cwd is the directory it was before pivot_root */
};

/* cwd: the run dir (isolated) or the old root "/" (control). */
static int pivot_from(void *arg, void *out, size_t len)
{
	const char *dir = arg;
	char nr[PATH_MAX + 8], old[PATH_MAX + 16];
	struct file_id before;
	struct whereami w;
	struct cwd_seen *o = out;

	(void)len;
	if (!getcwd(nr, PATH_MAX))
		return child_fail("getcwd", neg_errno());
	snprintf(old, sizeof(old), "%s/nr/old", nr);
	strcat(nr, "/nr");
	CHILD_TRY("mount a tmpfs on nr", tmpfs_dir("nr"));
	CHILD_TRY("mkdir nr/old", mkdir_p("nr/old", 0755));
	CHILD_TRY("chdir", sysr(chdir(dir)));
	CHILD_TRY("stat the cwd", file_id_of(".", &before));
	CHILD_TRY("pivot_root", sys_pivot_root(nr, old));
	CHILD_TRY("where am I", rootfs_whereami(&before, &w));
	o->kept = w.cwd_is;
	return 0;
}

static int observe_cwd(struct ctx *c, struct cwd_seen *o)
{
	char dir[2] = { c->isolate ? '.' : '/', '\0' };

	TRY_OBS(run_in_child(c, "pivot_root from a cwd", CLONE_NEWNS,
			     pivot_from, dir, o, sizeof(*o)));
	return 0;
}

static enum obs judge_cwd(struct judge *j, const struct cwd_seen *o)
{
	return judge_holds(j, o->kept, "after pivot_root the caller's cwd %s",
			   o->kept ? "is where it was" : "moved");
}
CHECK(cwd_kept, struct cwd_seen, observe_cwd, judge_cwd);

#define PIVOT_ROW(id_, fault_, expect_, check_)                                \
	{                                                                      \
		.id = "pivot_root/" id_,                                       \
		.title = "pivot_root refuses " fault_,                         \
		.property = "pivot_root(\"nr\", put_old) fails with " expect_  \
			    " with " fault_ "; without it the same call "      \
			    "works",                                           \
		.expect = "pivot_root: " expect_, .req = PIVOT_REQ,            \
		.tags = { "pivot_root", "rootfs", "errors" }, .check = &check_ \
	}

static const struct scenario pivot_root_errors[] = {
	PIVOT_ROW("eperm-without-cap-sys-admin",
		  "CAP_SYS_ADMIN out of the effective set", "EPERM", eperm),
	PIVOT_ROW("enotdir-put-old-file", "put_old a regular file", "ENOTDIR",
		  enotdir),
	PIVOT_ROW("ebusy-put-old-on-root-mount",
		  "put_old \"/\", on the current root mount", "EBUSY", ebusy),
	PIVOT_ROW("einval-put-old-outside",
		  "put_old outside new_root (not under it)", "EINVAL", outside),
	PIVOT_ROW("einval-new-root-parent-shared",
		  "new_root's parent mount made shared", "EINVAL", new_parent),
	PIVOT_ROW("einval-put-old-mount-shared",
		  "the mount put_old is on made shared", "EINVAL", old_shared),
	PIVOT_ROW("einval-root-parent-shared",
		  "the root (a mount, by chroot) whose parent mount is shared",
		  "EINVAL", root_parent),
	PIVOT_ROW("einval-root-not-mount-point",
		  "a root that is a plain directory (after chroot)", "EINVAL",
		  root_not_mp),
	{ .id = "pivot_root/cwd-elsewhere-kept",
	  .title = "pivot_root leaves a cwd that is not the old root",
	  .property = "a caller whose cwd is not the old root directory keeps "
		      "it across pivot_root; a cwd at the old root is moved to "
		      "the new root",
	  .expect = "after pivot_root the caller's cwd is where it was",
	  .req = PIVOT_REQ,
	  .tags = { "pivot_root", "rootfs" },
	  .check = &cwd_kept },
};

BOXCHECK_AREA(pivot_root_errors, pivot_root_errors);
