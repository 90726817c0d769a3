// SPDX-License-Identifier: MIT
/*
 * Mount namespaces and propagation. All mounts are tmpfs made here, in the
 * run's private mount namespace and in namespaces made below it.
 */
#include "scenario.h"
#include "../primitives/mutant.h"

#include <string.h>
#include <sys/mount.h>

/*
 * A mount point: a different device than its parent directory. Mutation
 * point M_MNT_VIEW: nothing reads mounted.
 */
static int mounted_at(const char *path, bool *mounted)
{
	char parent[256];
	struct stat a, b;

	if (mutant_on(M_MNT_VIEW)) {
		*mounted = false;
		return 0;
	}
	snprintf(parent, sizeof(parent), "%s/..", path);
	if (stat(path, &a) < 0 || stat(parent, &b) < 0)
		return neg_errno();
	*mounted = a.st_dev != b.st_dev;
	return 0;
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
	int r = tmpfs("m/sub");

	(void)arg;
	(void)out;
	(void)len;
	return r < 0 ? child_fail("mount tmpfs on m/sub", r) : 0;
}

struct seen_here {
	bool visible; /* the child's m/sub is a mount point here */
};

/* m a tmpfs with the propagation given; a child mounts m/sub in it. */
static int child_mounts(struct ctx *c, unsigned long how,
			unsigned long clone_flags, struct seen_here *o)
{
	TRY(c, tmpfs("m"), "mount tmpfs on m");
	TRY(c, propagation("m", how), "set m's propagation");
	TRY_OBS(run_in_child(c, "mount in the child", clone_flags, mount_sub,
			     NULL, NULL, 0));
	TRY(c, mounted_at("m/sub", &o->visible), "stat m/sub");
	return 0;
}

static int observe_private(struct ctx *c, struct seen_here *o)
{
	return child_mounts(c, MS_PRIVATE, c->isolate ? CLONE_NEWNS : 0, o);
}

static enum obs judge_private(struct judge *j, const struct seen_here *o)
{
	const char *v = o->visible ? "visible" : "invisible";

	judge_kv(j, "m/sub outside", "%s", v);
	return judge_holds(j, !o->visible, "the child's mount is %s outside",
			   v);
}
CHECK(private_invisible, struct seen_here, observe_private, judge_private);

static int observe_shared(struct ctx *c, struct seen_here *o)
{
	return child_mounts(c, c->isolate ? MS_SHARED : MS_PRIVATE, CLONE_NEWNS,
			    o);
}

static enum obs judge_shared(struct judge *j, const struct seen_here *o)
{
	const char *v = o->visible ? "visible" : "invisible";

	judge_kv(j, "m/sub in the peer", "%s", v);
	return judge_holds(j, o->visible, "the child's mount is %s to its peer",
			   v);
}
CHECK(shared_propagates, struct seen_here, observe_shared, judge_shared);

/*
 * Slave: parent -> child propagates, child -> parent does not.
 *   1. m shared here; the child (new mount ns) makes its m a slave
 *   2. we mount m/a; the child looks for it and mounts m/b; we look for m/b
 * The child sends 0 or -errno, then whether it sees m/a (0/1) or -errno.
 */
static _Noreturn void slave_child(struct chan *up, struct chan *down,
				  unsigned long how)
{
	bool a = false;
	int x, r = how ? propagation("m", how) : 0;

	chan_send_int(up, r);
	if (r < 0 || chan_recv_int(down, &x) < 0)
		_exit(1);
	r = mounted_at("m/a", &a);
	if (r == 0)
		r = tmpfs("m/b");
	chan_send_int(up, r < 0 ? r : a);
	_exit(r < 0 || chan_recv_int(down, &x) < 0);
}

struct both_ways {
	bool down; /* our m/a shows in the child */
	bool up;   /* the child's m/b shows here */
};

static int observe_slave(struct ctx *c, struct both_ways *o)
{
	_cleanup_chan_ struct chan up = CHAN_INIT, down = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	int x, st;

	TRY(c, tmpfs("m"), "mount tmpfs on m");
	TRY(c, propagation("m", MS_SHARED), "make m shared");
	TRY(c, chan_open(&up), "pipe");
	TRY(c, chan_open(&down), "pipe");
	pid = TRY(c, ns_fork(CLONE_NEWNS), "fork the child");
	if (pid == 0)
		slave_child(&up, &down, c->isolate ? MS_SLAVE : 0);
	closep(&up.wr);
	up.wr = -1;
	TRY(c, chan_recv_int(&up, &x), "wait for the child");
	TRY(c, x, "make m a slave in the child");
	TRY(c, tmpfs("m/a"), "mount m/a");
	TRY(c, chan_send_int(&down, 0), "wake the child");
	TRY(c, chan_recv_int(&up, &x), "wait for the child's mount");
	TRY(c, x, "look for m/a and mount m/b in the child");
	o->down = x;
	TRY(c, mounted_at("m/b", &o->up), "stat m/b");
	TRY(c, chan_send_int(&down, 0), "release the child");
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap the child");
	if (exit_code_of(st))
		return ctx_error(c, 0, "the child exited %d", exit_code_of(st));
	return 0;
}

static enum obs judge_slave(struct judge *j, const struct both_ways *o)
{
	judge_kv(j, "our m/a in the child", "%s",
		 o->down ? "mounted" : "absent");
	judge_kv(j, "child's m/b here", "%s", o->up ? "mounted" : "absent");
	return judge_holds(j, o->down && !o->up,
			   "ours reaches the child: %s; the child's reaches "
			   "us: %s",
			   o->down ? "yes" : "no", o->up ? "yes" : "no");
}
CHECK(slave_one_way, struct both_ways, observe_slave, judge_slave);

struct bind_seen {
	int err; /* errno of bind-mounting m, 0 if it worked */
};

/* The bind mount, the probe (mutation point M_MNT_VIEW: EINVAL). */
static int try_bind(const char *from, const char *to)
{
	if (mutant_on(M_MNT_VIEW))
		return EINVAL;
	return mount(from, to, NULL, MS_BIND, NULL) < 0 ? errno : 0;
}

static int observe_unbindable(struct ctx *c, struct bind_seen *o)
{
	TRY(c, tmpfs("m"), "mount tmpfs on m");
	TRY(c, propagation("m", c->isolate ? MS_UNBINDABLE : MS_PRIVATE),
	    "set m's propagation");
	TRY(c, mkdir("n", 0755) < 0 ? neg_errno() : 0, "mkdir n");
	o->err = try_bind("m", "n");
	return 0;
}

static enum obs judge_unbindable(struct judge *j, const struct bind_seen *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "bind m n", "%s", e);
	return judge_holds(j, o->err == EINVAL, "bind-mounting m: %s", e);
}
CHECK(unbindable_refuses, struct bind_seen, observe_unbindable,
      judge_unbindable);

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
	  .check = &private_invisible },
	{ .id = "mntns/shared-propagates",
	  .title = "shared propagation shows a mount to the peer",
	  .property = "under a shared mount, a tmpfs mounted in a new mount "
		      "namespace appears in its peer",
	  .expect = "visible",
	  .req = MNT_REQ,
	  .tags = { "mnt" },
	  .check = &shared_propagates },
	{ .id = "mntns/slave-one-way",
	  .title = "slave propagation is one-way",
	  .property = "a slave receives its master's mounts, and its own "
		      "mounts do not reach the master",
	  .expect = "ours reaches the child: yes; the child's reaches us: no",
	  .req = MNT_REQ,
	  .tags = { "mnt" },
	  .check = &slave_one_way },
	{ .id = "mntns/unbindable-refuses-bind",
	  .title = "an unbindable mount refuses bind",
	  .property = "bind-mounting an MS_UNBINDABLE mount fails with "
		      "EINVAL",
	  .expect = "EINVAL",
	  .req = MNT_REQ,
	  .tags = { "mnt" },
	  .check = &unbindable_refuses },
};

BOXCHECK_AREA(mntns, mntns);
