// SPDX-License-Identifier: MIT
/*
 * Locked mounts: a mount namespace made with a new user namespace (less
 * privileged than its parent's) gets its copies of the parent's mounts
 * locked: they cannot be unmounted one by one, nor made writable again.
 * Every mount is a tmpfs made here, in the worker's private mount
 * namespace; the child maps root to root (the run dir stays its own).
 */
#include "nsmore.h"

#include <sys/mount.h>

static int umount_sub(void)
{
	return umount2("m/sub", 0);
}

static int remount_rw(void)
{
	return mount(NULL, "t", NULL, MS_REMOUNT | MS_BIND, NULL);
}

static int setattr_rw(void)
{
	return mnt_setattr("t", 0, 0, MOUNT_ATTR_RDONLY, 0);
}

struct locked_kind {
	int (*act)(void); /* < 0, errno set, on failure */
	bool ro;	  /* t read-only, else m with m/sub */
	int want;
	const char *what;
};

enum { L_UMOUNT, L_REMOUNT, L_SETATTR };
static const struct locked_kind lkinds[] = {
	[L_UMOUNT] = { umount_sub, false, EINVAL, "umount of m/sub" },
	[L_REMOUNT] = { remount_rw, true, EPERM,
			"mount(MS_REMOUNT | MS_BIND) without MS_RDONLY" },
	[L_SETATTR] = { setattr_rw, true, EPERM,
			"mount_setattr clearing MOUNT_ATTR_RDONLY" },
};

static int locked_act(void *arg, void *out, size_t len)
{
	const struct locked_kind *k = arg;
	int r = k->act();

	(void)len;
	*(int *)out = probe_errno(M_PERM_REFUSED, r, k->want);
	return 0;
}

struct locked_seen {
	int err;
};

static int observe_locked(struct ctx *c, struct locked_seen *o, int kind)
{
	const struct locked_kind *k = &lkinds[kind];
	struct nsrun r = nsmore_run(CLONE_NEWNS, c->isolate, false);

	if (k->ro) {
		TRY(c, tmpfs_at("t"), "mount tmpfs on t");
		int r = mnt_setattr("t", 0, MOUNT_ATTR_RDONLY, 0, 0);
		if (r == -ENOSYS)
			return ctx_skip(c, "no mount_setattr(2) (ENOSYS; "
					   "Linux 5.12)");
		TRY(c, r, "make t read-only");
	} else {
		TRY(c, tmpfs_at("m"), "mount tmpfs on m");
		TRY(c, tmpfs_at("m/sub"), "mount tmpfs on m/sub");
	}
	return nsrun(c, "act in the child's mount namespace", &r, locked_act,
		     (void *)k, &o->err, sizeof(o->err));
}

static enum obs judge_locked(struct judge *j, const struct locked_seen *o,
			     int kind)
{
	return judge_errno(j, o->err, lkinds[kind].want, "in the child",
			   lkinds[kind].what);
}

#define LOCKED_CHECK(name_, kind_)                                             \
	static int observe_##name_(struct ctx *c, struct locked_seen *o)       \
	{                                                                      \
		return observe_locked(c, o, kind_);                            \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct locked_seen *o)             \
	{                                                                      \
		return judge_locked(j, o, kind_);                              \
	}                                                                      \
	CHECK(name_, struct locked_seen, observe_##name_, judge_##name_)
LOCKED_CHECK(locked_umount, L_UMOUNT);
LOCKED_CHECK(locked_remount, L_REMOUNT);
LOCKED_CHECK(locked_setattr, L_SETATTR);

#define USERNS_REQ(features_)                                                  \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT) | NS_BIT(NS_USER),          \
		.fs = { "tmpfs" },                                             \
		.features = FEAT_BIT(FEAT_USERNS) | (features_)                \
	}

static const struct scenario mntns_locked[] = {
	{ .id = "mntns/locked-umount-userns",
	  .title = "copied mounts are locked in a less privileged namespace",
	  .property = "in a mount namespace made with a new user namespace, "
		      "umount of a submount copied from the parent fails with "
		      "EINVAL",
	  .expect = "EINVAL",
	  .req = USERNS_REQ(0),
	  .tags = { "mnt", "userns" },
	  .check = &locked_umount },
	{ .id = "mntns/locked-readonly-remount-userns",
	  .title = "a copied read-only mount stays read-only (mount(2))",
	  .property = "in a mount namespace made with a new user namespace, "
		      "a bind remount clearing the read-only flag of a copied "
		      "read-only mount fails with EPERM",
	  .expect = "EPERM",
	  .req = USERNS_REQ(0),
	  .tags = { "mnt", "userns" },
	  .check = &locked_remount },
	{ .id = "mountapi/setattr-locked-readonly-userns",
	  .title = "a copied read-only mount stays read-only (mount_setattr)",
	  .property = "in a mount namespace made with a new user namespace, "
		      "mount_setattr clearing MOUNT_ATTR_RDONLY of a copied "
		      "read-only mount fails with EPERM",
	  .expect = "EPERM",
	  .req = USERNS_REQ(FEAT_BIT(FEAT_MOUNT_SETATTR)),
	  .tags = { "mnt", "mountapi", "userns" },
	  .check = &locked_setattr },
};

BOXCHECK_AREA(mntns_locked, mntns_locked);
