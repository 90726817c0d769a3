// SPDX-License-Identifier: MIT
/*
 * Mount propagation set with mount_setattr(2), what a mount namespace made
 * with a new user namespace does to the shared mounts it copies (they turn
 * slave), recursive binds and unbindable mounts.
 * Every mount is a tmpfs made here, in the worker's private mount namespace
 * or in namespaces made below it; children of a new user namespace map root
 * to root (the run dir stays theirs).
 */
#include "nsmore.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

static int mount_sub(void *arg, void *out, size_t len)
{
	int r = tmpfs_at(arg);

	(void)out;
	(void)len;
	return r < 0 ? child_fail("mount a tmpfs in the child", r) : 0;
}

struct seen_here {
	bool visible; /* the child's mount is a mount point here */
};

/* A child in a new mount namespace mounts `sub`; do we see it? */
static int child_mounts(struct ctx *c, const char *sub, struct seen_here *o)
{
	TRY_OBS(run_in_child(c, "mount in the child", CLONE_NEWNS, mount_sub,
			     (void *)sub, NULL, 0));
	TRY(c, mnt_is_mounted(sub, &o->visible), "stat the child's mount");
	return 0;
}

static enum obs judge_invisible(struct judge *j, const struct seen_here *o)
{
	const char *v = o->visible ? "visible" : "invisible";

	judge_kv(j, "the child's mount here", "%s", v);
	return judge_holds(j, !o->visible, "the child's mount is %s here", v);
}

/* m shared; mount_setattr makes it private, or (control) nothing does. */
static int observe_private(struct ctx *c, struct seen_here *o)
{
	TRY(c, tmpfs_at("m"), "mount tmpfs on m");
	TRY(c, set_propagation("m", MS_SHARED), "make m shared");
	if (c->isolate)
		TRY(c, mnt_setattr("m", 0, 0, 0, MS_PRIVATE),
		    "mount_setattr(propagation MS_PRIVATE)");
	return child_mounts(c, "m/sub", o);
}
CHECK(setattr_private, struct seen_here, observe_private, judge_invisible);

/* m and m/s shared; m made private with AT_RECURSIVE, or without it. */
static int observe_recursive(struct ctx *c, struct seen_here *o)
{
	TRY(c, tmpfs_at("m"), "mount tmpfs on m");
	TRY(c, set_propagation("m", MS_SHARED), "make m shared");
	TRY(c, tmpfs_at("m/s"), "mount tmpfs on m/s");
	TRY(c, set_propagation("m/s", MS_SHARED), "make m/s shared");
	TRY(c,
	    mnt_setattr("m", c->isolate ? AT_RECURSIVE : 0, 0, 0, MS_PRIVATE),
	    "mount_setattr(propagation MS_PRIVATE)");
	return child_mounts(c, "m/s/x", o);
}
CHECK(setattr_recursive, struct seen_here, observe_recursive, judge_invisible);

/* ---- slave: ours reach the child, the child's do not reach us --------- */

/*
 * The child, in its own mount namespace: prep (0 or -errno) sent up; then
 * it looks for our m/a and mounts m/b, and sends whether it saw m/a.
 */
static _Noreturn void slave_child(struct chan *up, struct chan *down,
				  bool make_slave)
{
	bool a = false;
	int x, r = make_slave ? mnt_setattr("m", 0, 0, 0, MS_SLAVE) : 0;

	chan_send_int(up, r);
	if (r < 0 || chan_recv_int(down, &x) < 0)
		_exit(1);
	r = mnt_is_mounted("m/a", &a);
	if (r == 0)
		r = tmpfs_at("m/b");
	chan_send_int(up, r < 0 ? r : a);
	_exit(r < 0 || chan_recv_int(down, &x) < 0);
}

struct both_ways {
	bool down; /* our m/a shows in the child */
	bool up;   /* the child's m/b shows here */
};

/* m shared here; pid is the child, already running slave_child(). */
static int two_way(struct ctx *c, pid_t pid, struct chan *up, struct chan *down,
		   struct both_ways *o)
{
	int x, st;

	closep(&up->wr);
	up->wr = -1;
	TRY(c, chan_recv_int(up, &x), "wait for the child");
	TRY(c, x, "make m a slave in the child");
	TRY(c, tmpfs_at("m/a"), "mount m/a");
	TRY(c, chan_send_int(down, 0), "wake the child");
	TRY(c, chan_recv_int(up, &x), "wait for the child's mount");
	TRY(c, x, "look for m/a and mount m/b in the child");
	o->down = x;
	TRY(c, mnt_is_mounted("m/b", &o->up), "stat m/b");
	TRY(c, chan_send_int(down, 0), "release the child");
	TRY(c, wait_status(pid, &st), "reap the child");
	if (exit_code_of(st))
		return ctx_error(c, 0, "the child exited %d", exit_code_of(st));
	return 0;
}

static int observe_slave(struct ctx *c, struct both_ways *o, bool user)
{
	_cleanup_chan_ struct chan up = CHAN_INIT, down = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct nsrun r = nsmore_run(CLONE_NEWNS, user, false);

	TRY(c, tmpfs_at("m"), "mount tmpfs on m");
	TRY(c, set_propagation("m", MS_SHARED), "make m shared");
	TRY(c, chan_open(&up), "pipe");
	TRY(c, chan_open(&down), "pipe");
	pid = TRY(c,
		  user ? userns_fork(r.flags & ~CLONE_NEWUSER, r.uid, r.gid,
				     false)
		       : ns_fork(CLONE_NEWNS),
		  "fork the child");
	if (pid == 0)
		slave_child(&up, &down, !user && c->isolate);
	return two_way(c, TAKE_PID(pid), &up, &down, o);
}

/* The action: the child makes its m a slave with mount_setattr. */
static int observe_setattr_slave(struct ctx *c, struct both_ways *o)
{
	return observe_slave(c, o, false);
}

/* The action: the child's mount namespace comes with a new user ns. */
static int observe_userns_slave(struct ctx *c, struct both_ways *o)
{
	return observe_slave(c, o, c->isolate);
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
CHECK(setattr_slave, struct both_ways, observe_setattr_slave, judge_slave);
CHECK(userns_slave, struct both_ways, observe_userns_slave, judge_slave);

/* ---- unbindable ---------------------------------------------------------- */

struct clone_err {
	int err; /* errno of open_tree(OPEN_TREE_CLONE), 0 if it worked */
};

static int observe_unbindable(struct ctx *c, struct clone_err *o)
{
	int fd;

	TRY(c, tmpfs_at("m"), "mount tmpfs on m");
	if (c->isolate)
		TRY(c, mnt_setattr("m", 0, 0, 0, MS_UNBINDABLE),
		    "mount_setattr(propagation MS_UNBINDABLE)");
	fd = open_tree(AT_FDCWD, "m", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	o->err = probe_errno(M_MNT_ATTR, fd, EINVAL);
	if (fd >= 0)
		close(fd);
	return 0;
}

static enum obs judge_unbindable(struct judge *j, const struct clone_err *o)
{
	return judge_errno(j, o->err, EINVAL, "open_tree(m, OPEN_TREE_CLONE)",
			   "a copy of m");
}
CHECK(setattr_unbindable, struct clone_err, observe_unbindable,
      judge_unbindable);

/* The action: src/u unbindable, or (control) private; src bound to dst. */
static int observe_rbind(struct ctx *c, struct seen_here *o)
{
	TRY(c, tmpfs_at("src"), "mount tmpfs on src");
	TRY(c, tmpfs_at("src/u"), "mount tmpfs on src/u");
	TRY(c,
	    set_propagation("src/u", c->isolate ? MS_UNBINDABLE : MS_PRIVATE),
	    "set src/u's propagation");
	TRY(c, mkdir("dst", 0755) < 0 ? neg_errno() : 0, "mkdir dst");
	TRY(c,
	    mount("src", "dst", NULL, MS_BIND | MS_REC, NULL) < 0 ? neg_errno()
								  : 0,
	    "bind src on dst recursively");
	TRY(c, mnt_is_mounted("dst/u", &o->visible), "stat dst/u");
	return 0;
}

static enum obs judge_rbind(struct judge *j, const struct seen_here *o)
{
	judge_kv(j, "dst/u", "%s", o->visible ? "mounted" : "not mounted");
	return judge_holds(j, !o->visible, "the recursive bind %s the submount",
			   o->visible ? "copied" : "left out");
}
CHECK(rbind_unbindable, struct seen_here, observe_rbind, judge_rbind);

/* ---- an unmount inside stays inside ------------------------------------- */

static int umount_m(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)out;
	(void)len;
	return umount2("m", 0) < 0 ? child_fail("umount m", neg_errno()) : 0;
}

static int observe_umount(struct ctx *c, struct seen_here *o)
{
	TRY(c, tmpfs_at("m"), "mount tmpfs on m");
	TRY_OBS(run_in_child(c, "umount m in the child",
			     c->isolate ? CLONE_NEWNS : 0, umount_m, NULL, NULL,
			     0));
	TRY(c, mnt_is_mounted("m", &o->visible), "stat m");
	return 0;
}

static enum obs judge_umount(struct judge *j, const struct seen_here *o)
{
	judge_kv(j, "m here", "%s", o->visible ? "mounted" : "not mounted");
	return judge_holds(j, o->visible,
			   "after the child's umount, m is %s here",
			   o->visible ? "still mounted" : "gone");
}
CHECK(umount_inside, struct seen_here, observe_umount, judge_umount);

#define PROP_REQ(features_)                                                    \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT), .fs = { "tmpfs" },         \
		.features = (features_)                                        \
	}
#define SETATTR FEAT_BIT(FEAT_MOUNT_SETATTR)
#define USERNS_REQ(features_)                                                  \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT) | NS_BIT(NS_USER),          \
		.fs = { "tmpfs" },                                             \
		.features = FEAT_BIT(FEAT_USERNS) | (features_)                \
	}

static const struct scenario propagation_more[] = {
	{ .id = "mountapi/setattr-propagation-private",
	  .title = "mount_setattr makes a shared mount private",
	  .property = "after mount_setattr(propagation MS_PRIVATE) on a "
		      "shared mount, a mount made below it in a new mount "
		      "namespace does not appear here",
	  .expect = "invisible",
	  .req = PROP_REQ(SETATTR),
	  .tags = { "mnt", "mountapi", "propagation" },
	  .check = &setattr_private },
	{ .id = "mountapi/setattr-propagation-recursive",
	  .title = "mount_setattr(AT_RECURSIVE) changes the whole tree",
	  .property = "mount_setattr(propagation MS_PRIVATE, AT_RECURSIVE) "
		      "on m makes its shared submount m/s private too",
	  .expect = "invisible",
	  .req = PROP_REQ(SETATTR),
	  .tags = { "mnt", "mountapi", "propagation" },
	  .check = &setattr_recursive },
	{ .id = "mountapi/setattr-propagation-slave",
	  .title = "mount_setattr makes a peer a slave",
	  .property = "a peer made MS_SLAVE by mount_setattr receives its "
		      "master's mounts and its own do not reach the master",
	  .expect = "ours reaches the child: yes; the child's reaches us: no",
	  .req = PROP_REQ(SETATTR),
	  .tags = { "mnt", "mountapi", "propagation" },
	  .check = &setattr_slave },
	{ .id = "mountapi/setattr-propagation-unbindable",
	  .title = "mount_setattr makes a mount unbindable",
	  .property = "after mount_setattr(propagation MS_UNBINDABLE), "
		      "open_tree(OPEN_TREE_CLONE) of the mount fails with "
		      "EINVAL",
	  .expect = "EINVAL",
	  .req = PROP_REQ(SETATTR),
	  .tags = { "mnt", "mountapi", "propagation" },
	  .check = &setattr_unbindable },
	{ .id = "mntns/userns-shared-becomes-slave",
	  .title = "a less privileged mount namespace gets slaves",
	  .property = "a mount namespace made with a new user namespace "
		      "receives the parent's shared mounts as slaves: mounts "
		      "flow in and not back",
	  .expect = "ours reaches the child: yes; the child's reaches us: no",
	  .req = USERNS_REQ(0),
	  .tags = { "mnt", "userns", "propagation" },
	  .check = &userns_slave },
	{ .id = "mntns/rbind-skips-unbindable",
	  .title = "a recursive bind leaves unbindable submounts out",
	  .property = "a recursive bind of a tree does not copy its "
		      "MS_UNBINDABLE submount",
	  .expect = "dst/u not mounted",
	  .req = PROP_REQ(0),
	  .tags = { "mnt", "propagation" },
	  .check = &rbind_unbindable },
	{ .id = "mntns/umount-inside-invisible",
	  .title = "an unmount in a new mount namespace stays there",
	  .property = "a mount unmounted in a new mount namespace is still "
		      "mounted in the parent's",
	  .expect = "still mounted",
	  .req = PROP_REQ(0),
	  .tags = { "mnt" },
	  .check = &umount_inside },
};

BOXCHECK_AREA(propagation_more, propagation_more);
