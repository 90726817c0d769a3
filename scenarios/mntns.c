// SPDX-License-Identifier: MIT
/*
 * Mount namespaces and propagation. All mounts are tmpfs made here, in the
 * run's private mount namespace and in namespaces made below it.
 */
#include "scenario.h"

#include <string.h>
#include <sys/mount.h>

/* A mount point: a different device than its parent directory. */
static bool is_mounted(const char *path)
{
	char parent[256];
	struct stat a, b;

	snprintf(parent, sizeof(parent), "%s/..", path);
	return stat(path, &a) == 0 && stat(parent, &b) == 0 &&
	       a.st_dev != b.st_dev;
}

static int tmpfs(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	if (mount("boxcheck", path, "tmpfs", 0, "size=64k") < 0)
		return neg_errno();
	return 0;
}

static int propagation(const char *path, unsigned long how)
{
	return mount(NULL, path, NULL, how, NULL) < 0 ? neg_errno() : 0;
}

static int mount_sub(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)len;
	*(int *)out = tmpfs("m/sub");
	return 0;
}

/* The child mounts m/sub; does the parent see it? */
static int child_mounts(struct ctx *c, unsigned long clone_flags, bool *visible)
{
	int err, r;

	r = legacy_run_in_child(clone_flags, mount_sub, NULL, &err, sizeof(err), NULL);
	if (r == 0)
		r = err;
	*visible = is_mounted("m/sub");
	(void)c;
	return r;
}

static enum obs private_invisible(struct ctx *c)
{
	bool visible;

	TRY(c, tmpfs("m"), "mount tmpfs on m");
	TRY(c, propagation("m", MS_PRIVATE), "make m private");
	TRY(c, child_mounts(c, c->isolate ? CLONE_NEWNS : 0, &visible),
	    "mount in the child");
	ctx_kv(c, "m/sub outside", "%s", visible ? "mounted" : "not mounted");
	return ctx_holds(c, !visible, "the child's mount is %s outside",
			 visible ? "visible" : "invisible");
}

static enum obs shared_propagates(struct ctx *c)
{
	bool visible;

	TRY(c, tmpfs("m"), "mount tmpfs on m");
	TRY(c, propagation("m", c->isolate ? MS_SHARED : MS_PRIVATE),
	    "set m's propagation");
	TRY(c, child_mounts(c, CLONE_NEWNS, &visible), "mount in the child");
	ctx_kv(c, "m/sub in the peer", "%s",
	       visible ? "mounted" : "not mounted");
	return ctx_holds(c, visible, "the child's mount is %s to its peer",
			 visible ? "visible" : "invisible");
}

/*
 * Slave: parent -> child propagates, child -> parent does not.
 *   1. m shared here; the child (new mount ns) makes its m a slave
 *   2. we mount m/a; the child sees it, mounts m/b; we look for m/b
 */
static enum obs slave_one_way(struct ctx *c)
{
	_cleanup_chan_ struct chan up = CHAN_INIT, down = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	int got_a = 0;
	bool b_here;

	TRY(c, tmpfs("m"), "mount tmpfs on m");
	TRY(c, propagation("m", MS_SHARED), "make m shared");
	TRY(c, chan_open(&up), "pipe");
	TRY(c, chan_open(&down), "pipe");
	pid = TRY(c, ns_fork(CLONE_NEWNS), "fork the child");
	if (pid == 0) {
		int x;
		if (c->isolate && propagation("m", MS_SLAVE) < 0)
			_exit(1);
		chan_send_int(&up, 0);
		if (chan_recv_int(&down, &x) < 0)
			_exit(1);
		x = is_mounted("m/a");
		if (tmpfs("m/b") < 0)
			_exit(1);
		chan_send_int(&up, x);
		_exit(chan_recv_int(&down, &x) < 0);
	}
	TRY(c, chan_recv_int(&up, &got_a), "wait for the child");
	TRY(c, tmpfs("m/a"), "mount m/a");
	TRY(c, chan_send_int(&down, 0), "wake the child");
	TRY(c, chan_recv_int(&up, &got_a), "wait for the child's mount");
	b_here = is_mounted("m/b");
	ctx_kv(c, "our m/a in the child", "%s", got_a ? "mounted" : "absent");
	ctx_kv(c, "child's m/b here", "%s", b_here ? "mounted" : "absent");
	return ctx_holds(c, got_a && !b_here,
			 "ours reaches the child: %s; the child's reaches us: "
			 "%s",
			 got_a ? "yes" : "no", b_here ? "yes" : "no");
}

static enum obs unbindable_refuses(struct ctx *c)
{
	int err = 0;

	TRY(c, tmpfs("m"), "mount tmpfs on m");
	TRY(c, propagation("m", c->isolate ? MS_UNBINDABLE : MS_PRIVATE),
	    "set m's propagation");
	TRY(c, mkdir("n", 0755) < 0 ? neg_errno() : 0, "mkdir n");
	if (mount("m", "n", NULL, MS_BIND, NULL) < 0)
		err = errno;
	ctx_kv(c, "bind m n", "%s", err ? strerrorname_np(err) : "ok");
	return ctx_holds(c, err == EINVAL, "bind-mounting m: %s",
			 err ? strerrorname_np(err) : "ok");
}

#define MNT_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT), .fs = { "tmpfs" }          \
	}

static const struct scenario mntns[] = {
	{ .id = "mntns/private-invisible",
	  .title = "a mount made inside is invisible outside",
	  .property = "with private propagation, a tmpfs mounted in a new "
		      "mount namespace does not appear in the parent's",
	  .expect = "invisible",
	  .req = MNT_REQ,
	  .tags = { "mnt", "core" },
	  .run = private_invisible },
	{ .id = "mntns/shared-propagates",
	  .title = "shared propagation shows a mount to the peer",
	  .property = "under a shared mount, a tmpfs mounted in a new mount "
		      "namespace appears in its peer",
	  .expect = "visible",
	  .req = MNT_REQ,
	  .tags = { "mnt" },
	  .run = shared_propagates },
	{ .id = "mntns/slave-one-way",
	  .title = "slave propagation is one-way",
	  .property = "a slave receives its master's mounts, and its own "
		      "mounts do not reach the master",
	  .expect = "ours reaches the child: yes; the child's reaches us: no",
	  .req = MNT_REQ,
	  .tags = { "mnt" },
	  .run = slave_one_way },
	{ .id = "mntns/unbindable-refuses-bind",
	  .title = "an unbindable mount refuses bind",
	  .property = "bind-mounting an MS_UNBINDABLE mount fails with "
		      "EINVAL",
	  .expect = "EINVAL",
	  .req = MNT_REQ,
	  .tags = { "mnt" },
	  .run = unbindable_refuses },
};

BOXCHECK_AREA(mntns, mntns);
