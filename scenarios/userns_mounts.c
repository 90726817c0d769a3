// SPDX-License-Identifier: MIT
/*
 * Mounting from a user namespace: CAP_SYS_ADMIN over the mount namespace,
 * and over the namespace a filesystem shows (PID for proc, network for
 * sysfs, IPC for mqueue, cgroup for cgroup2), lets root of a new user
 * namespace mount it; the control lacks the second namespace of its own
 * (for devpts and ramfs: the mount namespace) and is refused. A
 * filesystem on a block device needs CAP_SYS_ADMIN in the initial user
 * namespace: root of a user namespace is refused with EPERM, where root
 * outside gets as far as finding no block device (ENOTBLK).
 */
#include "nsw.h"

#include <string.h>
#include <sys/mount.h>

struct mount_row {
	const char *fs;
	const char *data;
	unsigned long base; /* namespaces of the child in both runs */
	unsigned long own;  /* and one of its own when isolated */
};

enum { M_PROC, M_SYSFS, M_MQUEUE, M_CGROUP2, M_DEVPTS, M_RAMFS };
static const struct mount_row mount_rows[] = {
	[M_PROC] = { "proc", NULL, CLONE_NEWUSER | CLONE_NEWNS, CLONE_NEWPID },
	[M_SYSFS] = { "sysfs", NULL, CLONE_NEWUSER | CLONE_NEWNS,
		      CLONE_NEWNET },
	[M_MQUEUE] = { "mqueue", NULL, CLONE_NEWUSER | CLONE_NEWNS,
		       CLONE_NEWIPC },
	[M_CGROUP2] = { "cgroup2", NULL, CLONE_NEWUSER | CLONE_NEWNS,
			CLONE_NEWCGROUP },
	[M_DEVPTS] = { "devpts", "newinstance", CLONE_NEWUSER, CLONE_NEWNS },
	[M_RAMFS] = { "ramfs", NULL, CLONE_NEWUSER, CLONE_NEWNS },
};

struct mount_seen {
	int err; /* errno of the mount, 0 if it was made */
};

static int mount_child(void *arg, void *out, size_t len)
{
	const struct mount_row *row = arg;
	long r;

	(void)len;
	NSW_TRY("become root", userns_become_root());
	r = mount(row->fs, "m", row->fs, 0, row->data);
	*(int *)out = probe_errno(M_PERM_REFUSED, r, EPERM);
	if (r == 0)
		umount2("m", MNT_DETACH);
	return 0;
}

static int observe_mount(struct ctx *c, struct mount_seen *o, int k)
{
	const struct mount_row *row = &mount_rows[k];
	struct nsrun r = nsmore_run(0, true, false);

	r.flags = row->base | (c->isolate ? row->own : 0);
	TRY(c, sysr(mkdir("m", 0755)), "mkdir m");
	ctx_kv(c, "filesystem", "%s", row->fs);
	return nsrun(c, "mount in the child", &r, mount_child, (void *)row, o,
		     sizeof(*o));
}

static enum obs judge_mount(struct judge *j, const struct mount_seen *o, int k)
{
	char what[64];

	snprintf(what, sizeof(what), "mount %s", mount_rows[k].fs);
	return judge_ok(j, o->err, EPERM, "mount", what);
}

#define MOUNT_CHECK(name_, k_)                                                 \
	static int observe_##name_(struct ctx *c, struct mount_seen *o)        \
	{                                                                      \
		return observe_mount(c, o, k_);                                \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct mount_seen *o)              \
	{                                                                      \
		return judge_mount(j, o, k_);                                  \
	}                                                                      \
	CHECK(name_, struct mount_seen, observe_##name_, judge_##name_)
MOUNT_CHECK(mnt_proc, M_PROC);
MOUNT_CHECK(mnt_sysfs, M_SYSFS);
MOUNT_CHECK(mnt_mqueue, M_MQUEUE);
MOUNT_CHECK(mnt_cgroup2, M_CGROUP2);
MOUNT_CHECK(mnt_devpts, M_DEVPTS);
MOUNT_CHECK(mnt_ramfs, M_RAMFS);

/* ---- block-device filesystems ------------------------------------------ */

/* A filesystem type on block devices that this kernel has registered. */
static int blockdev_fs(char *fs, size_t len)
{
	static const char *const known[] = { "ext4", "ext2",  "ext3",
					     "xfs",  "btrfs", "vfat" };
	char text[4096];
	int r = read_text("/proc/filesystems", text, sizeof(text));

	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		char line[32];
		snprintf(line, sizeof(line), "\t%s\n", known[i]);
		for (const char *p = text; (p = strstr(p, line)); p++)
			if (p == text || p[-1] == '\n') {
				snprintf(fs, len, "%s", known[i]);
				return 0;
			}
	}
	return -ENOENT;
}

struct blk_seen {
	int tmpfs_err; /* a tmpfs mount beside it, in the same namespace */
	int err;       /* errno of the block-device mount */
};

static int blk_child(void *arg, void *out, size_t len)
{
	struct blk_seen *o = out;
	long r;

	(void)len;
	NSW_TRY("become root", userns_become_root());
	r = mount("boxcheck", "t", "tmpfs", 0, "size=64k");
	o->tmpfs_err = r < 0 ? errno : 0;
	r = mount("src", "m", arg, MS_RDONLY, NULL);
	o->err = probe_errno(M_PERM_REFUSED, r, EPERM);
	return 0;
}

static int observe_blk(struct ctx *c, struct blk_seen *o)
{
	struct nsrun r = nsmore_run(CLONE_NEWNS, c->isolate, false);
	char fs[16];

	if (blockdev_fs(fs, sizeof(fs)) < 0)
		return ctx_skip(c, "no block-device filesystem (ext4, ext2, "
				   "ext3, xfs, btrfs, vfat) is registered");
	TRY(c, sysr(mkdir("m", 0755)), "mkdir m");
	TRY(c, sysr(mkdir("t", 0755)), "mkdir t");
	TRY(c, write_text_creat("src", ""), "create src, a regular file");
	ctx_kv(c, "filesystem", "%s", fs);
	return nsrun(c, "mount in the child", &r, blk_child, fs, o, sizeof(*o));
}

static enum obs judge_blk(struct judge *j, const struct blk_seen *o)
{
	judge_kv(j, "tmpfs beside it", "%s", errname(o->tmpfs_err));
	if (o->tmpfs_err)
		return judge_unknown(j,
				     "no tmpfs either (%s): the mount "
				     "namespace is not the caller's",
				     errname(o->tmpfs_err));
	return judge_err_is(j, o->err, EPERM, ENOTBLK, "the mount",
			    "mount of a block-device filesystem");
}
CHECK(mnt_blockdev, struct blk_seen, observe_blk, judge_blk);

#define MNT(id_, title_, prop_, ns_, fs_, check_)                              \
	{                                                                      \
		.id = "userns/" id_, .title = title_, .property = prop_,       \
		.expect = "ok",                                                \
		.req = { .root = true,                                         \
			 .ns = NS_BIT(NS_USER) | NS_BIT(NS_MNT) | (ns_),       \
			 .features = FEAT_BIT(FEAT_USERNS),                    \
			 .fs = { fs_ } },                                      \
		.tags = { "user", "mnt" }, .check = &check_                    \
	}

static const struct scenario userns_mounts[] = {
	MNT("mount-proc-owned-pidns",
	    "root of a user namespace mounts proc of its PID namespace",
	    "root of a new user namespace with its own mount and PID "
	    "namespaces mounts proc (without the PID namespace: EPERM)",
	    NS_BIT(NS_PID), "proc", mnt_proc),
	MNT("mount-sysfs-owned-netns",
	    "root of a user namespace mounts sysfs of its network namespace",
	    "root of a new user namespace with its own mount and network "
	    "namespaces mounts sysfs (without the network namespace: EPERM)",
	    NS_BIT(NS_NET), "sysfs", mnt_sysfs),
	MNT("mount-mqueue-owned-ipcns",
	    "root of a user namespace mounts mqueue of its IPC namespace",
	    "root of a new user namespace with its own mount and IPC "
	    "namespaces mounts mqueue (without the IPC namespace: EPERM)",
	    NS_BIT(NS_IPC), "mqueue", mnt_mqueue),
	MNT("mount-cgroup2-owned-cgroupns",
	    "root of a user namespace mounts cgroup2 of its cgroup namespace",
	    "root of a new user namespace with its own mount and cgroup "
	    "namespaces mounts cgroup2 (without the cgroup namespace: EPERM)",
	    NS_BIT(NS_CGROUP), "cgroup2", mnt_cgroup2),
	MNT("mount-devpts-owned-mntns",
	    "root of a user namespace mounts devpts",
	    "root of a new user namespace with its own mount namespace "
	    "mounts a devpts instance (in the mount namespace it shares: "
	    "EPERM)",
	    0, "devpts", mnt_devpts),
	MNT("mount-ramfs-owned-mntns", "root of a user namespace mounts ramfs",
	    "root of a new user namespace with its own mount namespace "
	    "mounts ramfs (in the mount namespace it shares: EPERM)",
	    0, "ramfs", mnt_ramfs),
	{ .id = "userns/mount-blockdev-fs-eperm",
	  .title = "block-device filesystems need the initial namespace",
	  .property = "root of a new user namespace with its own mount "
		      "namespace gets EPERM mounting a block-device "
		      "filesystem, before the source is looked at (ENOTBLK "
		      "outside)",
	  .expect = "EPERM",
	  .req = NSW_USER_REQ(NS_BIT(NS_MNT)),
	  .tags = { "user", "mnt" },
	  .check = &mnt_blockdev },
};

BOXCHECK_AREA(userns_mounts, userns_mounts);
