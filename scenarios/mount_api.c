// SPDX-License-Identifier: MIT
/*
 * The new mount API: fsopen/fsconfig/fsmount, open_tree, move_mount and
 * mount_setattr. Every mount is a tmpfs (or a copy of one) made here, in
 * the worker's private mount namespace or in namespaces made below it.
 */
#include "nsmore.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/sysmacros.h>

/* A detached tmpfs made with fsopen, fsconfig and fsmount: its fd. */
static int fs_tmpfs(void)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	int m;

	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return neg_errno();
	m = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	return m < 0 ? neg_errno() : m;
}

static int attach(int mfd, const char *to)
{
	if (mkdir(to, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	return move_mount(mfd, "", AT_FDCWD, to, MOVE_MOUNT_F_EMPTY_PATH) < 0
		       ? neg_errno()
		       : 0;
}

/* ---- detached mounts are invisible until attached ---------------------- */

struct detached_seen {
	int lines_before, lines_after; /* /proc/self/mountinfo */
	bool mounted;		       /* t is a mount point */
	int reach;		       /* t/f, written through the mount fd */
};

static int look(struct ctx *c, struct detached_seen *o)
{
	o->lines_after = TRY(c, mnt_count(), "read mountinfo again");
	TRY(c, mnt_is_mounted("t", &o->mounted), "stat t");
	o->reach = TRY(c, mnt_reach("t/f"), "stat t/f");
	return 0;
}

/* The action: the control attaches the mount at t, the isolated does not. */
static int observe_fsmount(struct ctx *c, struct detached_seen *o)
{
	_cleanup_close_ int m = -1, f = -1;

	TRY(c, mkdir("t", 0755) < 0 ? neg_errno() : 0, "mkdir t");
	o->lines_before = TRY(c, mnt_count(), "read mountinfo");
	m = TRY(c, fs_tmpfs(), "fsopen, fsconfig, fsmount a tmpfs");
	f = TRY(c, openat(m, "f", O_CREAT | O_WRONLY | O_CLOEXEC, 0644),
		"create f through the mount fd");
	if (!c->isolate)
		TRY(c, attach(m, "t"), "move_mount to t");
	return look(c, o);
}

static int observe_clone(struct ctx *c, struct detached_seen *o)
{
	_cleanup_close_ int m = -1;

	TRY(c, mkdir("t", 0755) < 0 ? neg_errno() : 0, "mkdir t");
	TRY(c, tmpfs_at("src"), "mount tmpfs on src");
	TRY(c, write_text_creat("src/f", "f\n"), "write src/f");
	o->lines_before = TRY(c, mnt_count(), "read mountinfo");
	m = open_tree(AT_FDCWD, "src", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (m < 0)
		return ctx_error(c, neg_errno(), "open_tree(OPEN_TREE_CLONE)");
	if (!c->isolate)
		TRY(c, attach(m, "t"), "move_mount to t");
	return look(c, o);
}

static enum obs judge_detached(struct judge *j, const struct detached_seen *o)
{
	int more = o->lines_after - o->lines_before;

	judge_kv(j, "new mountinfo lines", "%d", more);
	judge_kv(j, "t mounted", "%s", o->mounted ? "yes" : "no");
	judge_kv(j, "t/f", "%s", o->reach ? "reachable" : "absent");
	return judge_holds(j, !more && !o->mounted && !o->reach,
			   "the new mount: %d new mountinfo lines, t %s, t/f "
			   "%s",
			   more, o->mounted ? "mounted" : "not mounted",
			   o->reach ? "reachable" : "absent");
}
CHECK(fsmount_detached, struct detached_seen, observe_fsmount, judge_detached);
CHECK(clone_detached, struct detached_seen, observe_clone, judge_detached);

/* ---- a detached mount dissolves when its last fd closes --------------- */

/* An IN_UNMOUNT among the queued events (M_MNT_SEEN: seen). */
static int unmount_seen(int in, bool *seen)
{
	char buf[4096];
	ssize_t n = read(in, buf, sizeof(buf));

	if (n < 0 && errno != EAGAIN)
		return neg_errno();
	*seen = mutant_on(M_MNT_SEEN);
	for (ssize_t at = 0; at < n;) {
		const struct inotify_event *e = (void *)(buf + at);
		*seen |= e->mask & IN_UNMOUNT;
		at += sizeof(*e) + e->len;
	}
	return 0;
}

struct dissolve_seen {
	bool unmounted; /* the tmpfs reported IN_UNMOUNT after the close */
};

static int observe_dissolve(struct ctx *c, struct dissolve_seen *o)
{
	_cleanup_close_ int in = -1, m = -1;
	char path[64];

	m = TRY(c, fs_tmpfs(), "fsopen, fsconfig, fsmount a tmpfs");
	in = TRY(c, inotify_init1(IN_NONBLOCK | IN_CLOEXEC), "inotify_init");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", m);
	TRY(c, inotify_add_watch(in, path, IN_ALL_EVENTS) < 0 ? neg_errno() : 0,
	    "watch the mount's root");
	if (!c->isolate)
		TRY(c, attach(m, "t"), "move_mount to t");
	closep(&m);
	m = -1;
	TRY(c, unmount_seen(in, &o->unmounted), "read the inotify events");
	return 0;
}

static enum obs judge_dissolve(struct judge *j, const struct dissolve_seen *o)
{
	judge_kv(j, "IN_UNMOUNT", "%s", o->unmounted ? "seen" : "not seen");
	return judge_holds(j, o->unmounted,
			   "after the mount fd closed the tmpfs was %s",
			   o->unmounted ? "unmounted" : "kept");
}
CHECK(dissolve, struct dissolve_seen, observe_dissolve, judge_dissolve);

/* ---- read-only: recursive, and per mount -------------------------------- */

struct ro_seen {
	int a, b; /* errno of creating a file in each of two places */
};

static int observe_ro_tree(struct ctx *c, struct ro_seen *o)
{
	TRY(c, tmpfs_at("t"), "mount tmpfs on t");
	TRY(c, tmpfs_at("t/sub"), "mount tmpfs on t/sub");
	TRY(c,
	    mnt_setattr("t", c->isolate ? AT_RECURSIVE : 0, MOUNT_ATTR_RDONLY,
			0, 0),
	    "mount_mnt_setattr(MOUNT_ATTR_RDONLY)");
	o->a = mnt_probe_create(AT_FDCWD, "t/probe", EROFS);
	o->b = mnt_probe_create(AT_FDCWD, "t/sub/probe", EROFS);
	return 0;
}

static enum obs judge_ro_tree(struct judge *j, const struct ro_seen *o)
{
	judge_kv(j, "create in t", "%s", errname(o->a));
	if (o->a != EROFS)
		return judge_unknown(j, "t itself is not read-only (%s)",
				     errname(o->a));
	return judge_errno(j, o->b, EROFS, "create in t/sub",
			   "creating a file in the submount t/sub");
}
CHECK(ro_recursive, struct ro_seen, observe_ro_tree, judge_ro_tree);

static int observe_ro_mount(struct ctx *c, struct ro_seen *o)
{
	TRY(c, tmpfs_at("a"), "mount tmpfs on a");
	TRY(c, mkdir("b", 0755) < 0 ? neg_errno() : 0, "mkdir b");
	TRY(c, mount("a", "b", NULL, MS_BIND, NULL) < 0 ? neg_errno() : 0,
	    "bind a on b");
	if (c->isolate)
		TRY(c, mnt_setattr("a", 0, MOUNT_ATTR_RDONLY, 0, 0),
		    "mount_mnt_setattr(a, MOUNT_ATTR_RDONLY)");
	o->a = mnt_probe_create(AT_FDCWD, "a/probe-a", EROFS);
	o->b = mnt_probe_create(AT_FDCWD, "b/probe-b", EROFS);
	return 0;
}

static enum obs judge_ro_mount(struct judge *j, const struct ro_seen *o)
{
	judge_kv(j, "create through a", "%s", errname(o->a));
	judge_kv(j, "create through b (same tmpfs)", "%s", errname(o->b));
	if ((o->a && o->a != EROFS) || (o->b && o->b != EROFS))
		return judge_unknown(j, "a create failed otherwise");
	return judge_holds(j, o->a == EROFS && !o->b,
			   "through a: %s, through b: %s", errname(o->a),
			   errname(o->b));
}
CHECK(ro_per_mount, struct ro_seen, observe_ro_mount, judge_ro_mount);

/* ---- a mount of another mount namespace cannot be moved into ours ------ */

/* The child mounts a tmpfs on x in its namespace and waits. */
static _Noreturn void mount_x(struct chan *res, struct chan *hold)
{
	int r = tmpfs_at("x");

	live_send(res, "mount tmpfs on x", r, NULL, 0);
	live_wait(hold);
	_exit(0);
}

struct move_seen {
	int err; /* errno of move_mount of the child's x onto y */
};

static int observe_move(struct ctx *c, struct move_seen *o)
{
	_cleanup_chan_ struct chan res = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_close_ int fd = -1;
	char cwd[PATH_MAX], path[PATH_MAX + 64];
	long r;

	TRY(c, getcwd(cwd, sizeof(cwd)) ? 0 : neg_errno(), "getcwd");
	TRY(c, mkdir("y", 0755) < 0 ? neg_errno() : 0, "mkdir y");
	TRY(c, chan_open(&res), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, ns_fork(c->isolate ? CLONE_NEWNS : 0), "fork the child");
	if (pid == 0)
		mount_x(&res, &hold);
	TRY_OBS(live_recv(c, "the child", &res, NULL, 0));
	snprintf(path, sizeof(path), "/proc/%d/root%s/x", pid, cwd);
	fd = open_tree(AT_FDCWD, path, OPEN_TREE_CLOEXEC);
	if (fd < 0)
		return ctx_error(c, neg_errno(), "open_tree of the child's x");
	r = move_mount(fd, "", AT_FDCWD, "y", MOVE_MOUNT_F_EMPTY_PATH);
	o->err = probe_errno(M_PERM_REFUSED, r, EINVAL);
	return 0;
}

static enum obs judge_move(struct judge *j, const struct move_seen *o)
{
	return judge_errno(j, o->err, EINVAL, "move_mount",
			   "move_mount of the child's mount onto y");
}
CHECK(move_foreign, struct move_seen, observe_move, judge_move);

#define API_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT), .fs = { "tmpfs" },         \
		.features = FEAT_BIT(FEAT_FSOPEN)                              \
	}
#define SETATTR_REQ                                                            \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT), .fs = { "tmpfs" },         \
		.features = FEAT_BIT(FEAT_MOUNT_SETATTR)                       \
	}

static const struct scenario mount_api[] = {
	{ .id = "mountapi/fsmount-detached-invisible",
	  .title = "a mount made by fsmount is invisible until attached",
	  .property = "a tmpfs made with fsopen, fsconfig and fsmount, and "
		      "written through its fd, is in no mount table and at "
		      "no path until move_mount attaches it",
	  .expect = "no new mountinfo line, t not mounted, t/f absent",
	  .req = API_REQ,
	  .tags = { "mnt", "mountapi" },
	  .check = &fsmount_detached },
	{ .id = "mountapi/open-tree-clone-invisible",
	  .title = "an OPEN_TREE_CLONE copy is invisible until attached",
	  .property = "a copy of a mount made with open_tree(OPEN_TREE_CLONE) "
		      "is in no mount table and at no path until move_mount "
		      "attaches it",
	  .expect = "no new mountinfo line, t not mounted, t/f absent",
	  .req = API_REQ,
	  .tags = { "mnt", "mountapi" },
	  .check = &clone_detached },
	{ .id = "mountapi/detached-dissolves-on-close",
	  .title = "a detached mount vanishes when its fd closes",
	  .property = "closing the only fd of a never attached tmpfs mount "
		      "unmounts it (inotify IN_UNMOUNT); an attached one stays",
	  .expect = "IN_UNMOUNT seen",
	  .req = API_REQ,
	  .tags = { "mnt", "mountapi" },
	  .check = &dissolve },
	{ .id = "mountapi/setattr-rdonly-recursive",
	  .title = "mount_setattr(AT_RECURSIVE) makes a whole tree read-only",
	  .property = "mount_setattr(MOUNT_ATTR_RDONLY, AT_RECURSIVE) on t "
		      "makes the submount t/sub read-only too",
	  .expect = "EROFS in t/sub",
	  .req = SETATTR_REQ,
	  .tags = { "mnt", "mountapi" },
	  .check = &ro_recursive },
	{ .id = "mountapi/setattr-rdonly-per-mount",
	  .title = "a read-only mount leaves its filesystem writable",
	  .property = "MOUNT_ATTR_RDONLY on one mount of a tmpfs refuses "
		      "writes through it (EROFS) and not through another "
		      "mount of the same tmpfs",
	  .expect = "EROFS through a, ok through b",
	  .req = SETATTR_REQ,
	  .tags = { "mnt", "mountapi" },
	  .check = &ro_per_mount },
	{ .id = "mountapi/move-mount-foreign-ns-einval",
	  .title = "a mount of another mount namespace cannot be moved here",
	  .property = "move_mount of an attached mount of a child's own "
		      "mount namespace onto ours fails with EINVAL",
	  .expect = "EINVAL",
	  .req = API_REQ,
	  .tags = { "mnt", "mountapi" },
	  .check = &move_foreign },
};

BOXCHECK_AREA(mount_api, mount_api);
