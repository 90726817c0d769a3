// SPDX-License-Identifier: MIT
/*
 * What a mount namespace shows of its mounts, and to whom
 * (mount_namespaces(7): DESCRIPTION, "The /proc/pid/mountinfo
 * propagate_from tag", "Restrictions" [6]). Every mount is a tmpfs or a
 * bind made here, in the worker's private mount namespace or in a peer's
 * namespace below it; the controls make the same mounts in the worker's
 * own namespace, or leave out the chroot that hides a master.
 */
#include "mntns_util.h"

#include <limits.h>
#include <string.h>
#include <sys/mount.h>

/* ---- /proc/PID/{mounts,mountinfo,mountstats} ---------------------------- */

static int peer_mounts_pm(void)
{
	return tmpfs_at("pm");
}

static const peer_step pm_steps[] = { peer_mounts_pm };

static const char *const proc_files[] = { "mountinfo", "mounts", "mountstats" };

struct procview {
	bool peer[3]; /* the peer's files list its pm */
	bool own;     /* our /proc/self/mountinfo lists it */
};

static int observe_procview(struct ctx *c, struct procview *o)
{
	_cleanup_peer_ struct peer p = PEER_INIT;
	char point[PATH_MAX];
	int x;

	TRY(c, mkdir_here("pm"), "mkdir pm");
	TRY(c, realpath("pm", point) ? 0 : neg_errno(), "realpath pm");
	TRY(c, peer_start(&p, c->isolate ? CLONE_NEWNS : 0, false, pm_steps, 1),
	    "start the peer");
	TRY_OBS(peer_call(c, &p, 0, &x, "mount tmpfs on pm in the peer"));
	for (size_t i = 0; i < ARRAY_SIZE(proc_files); i++)
		TRY(c,
		    proc_lists_mount(p.pid, proc_files[i], point, &o->peer[i]),
		    "read the peer's /proc/PID file");
	TRY(c, proc_lists_mount(getpid(), "mountinfo", point, &o->own),
	    "read our /proc/PID/mountinfo");
	return peer_stop(c, &p);
}

static enum obs judge_procview(struct judge *j, const struct procview *o)
{
	bool all = true;

	for (size_t i = 0; i < ARRAY_SIZE(proc_files); i++) {
		judge_kv(j, proc_files[i], "%s",
			 o->peer[i] ? "lists pm" : "does not list pm");
		all = all && o->peer[i];
	}
	judge_kv(j, "ours", "%s", o->own ? "lists pm" : "does not list pm");
	return judge_holds(j, all && !o->own,
			   "the peer's mountinfo, mounts and mountstats %s "
			   "its pm; ours %s",
			   all ? "all list" : "do not all list",
			   o->own ? "lists it too" : "does not");
}
CHECK(proc_views, struct procview, observe_procview, judge_procview);

/* ---- propagate_from ------------------------------------------------------ */

/*
 * x shared (group X); y, a bind of x/etc, a slave of X made shared (Y);
 * z at x/tmp/etc, a bind of y made a slave of Y. From inside x, y cannot
 * be reached: z's master is out of sight.
 */
static int chain(void)
{
	int r = tmpfs_at("x");

	r = r ?: set_propagation("x", MS_SHARED);
	r = r ?: mkdir_here("x/etc") ?: mkdir_p("x/tmp/etc", 0755);
	r = r ?: mkdir_here("x/proc") ?: mkdir_here("y");
	r = r ?: mnt_bind("/proc", "x/proc", false);
	r = r ?: mnt_bind("x/etc", "y", false);
	r = r ?: set_propagation("y", MS_SLAVE) ?: set_propagation("y", MS_SHARED);
	r = r ?: mnt_bind("y", "x/tmp/etc", false);
	return r ?: set_propagation("x/tmp/etc", MS_SLAVE);
}

struct from_seen {
	struct prop x, y, z; /* y read before any chroot */
};

/* In x, chrooted there or not: x's and z's fields as mountinfo shows. */
static int read_from(void *arg, void *out, size_t len)
{
	struct from_seen *o = out;
	bool do_chroot = *(bool *)arg;

	(void)len;
	if (chdir("x") < 0)
		return child_fail("chdir x", neg_errno());
	if (do_chroot && chroot(".") < 0)
		return child_fail("chroot x", neg_errno());
	if (mnt_prop(".", &o->x) < 0)
		return child_fail("read x's propagation", neg_errno());
	if (mnt_prop("tmp/etc", &o->z) < 0)
		return child_fail("read z's propagation", neg_errno());
	return 0;
}

static int observe_from(struct ctx *c, struct from_seen *o)
{
	bool do_chroot = c->isolate;
	struct prop y;

	TRY(c, chain(), "make the chain x -> y -> z");
	TRY(c, mnt_prop("y", &y), "read y's propagation");
	TRY_OBS(run_in_child(c, "read mountinfo in x", 0, read_from, &do_chroot,
			     o, sizeof(*o)));
	o->y = y;
	return 0;
}

static enum obs judge_from(struct judge *j, const struct from_seen *o)
{
	char x[64], y[64], z[64];
	bool from = o->z.from && o->z.from == o->x.shared &&
		    o->z.master == o->y.shared && o->y.master == o->x.shared;

	prop_str(&o->x, x, sizeof(x));
	prop_str(&o->y, y, sizeof(y));
	prop_str(&o->z, z, sizeof(z));
	judge_kv(j, "x", "%s", x);
	judge_kv(j, "y", "%s", y);
	judge_kv(j, "z", "%s", z);
	return judge_holds(j, from,
			   "z (a slave of y, itself a slave of x) reads %s; "
			   "x reads %s",
			   z, x);
}
CHECK(propagate_from, struct from_seen, observe_from, judge_from);

/* ---- a mount point of another namespace can be removed here ------------- */

struct gone_case {
	const char *op, *path;
	bool dir;
	int (*act)(void);
};

static int rm_dir(void)
{
	return rmdir("mp");
}

static int rm_file(void)
{
	return unlink("mp");
}

static int rename_over(void)
{
	return rename("other", "mp");
}

static const struct gone_case gone_cases[] = {
	{ "rmdir mp", "mp", true, rm_dir },
	{ "unlink mp", "mp", false, rm_file },
	{ "rename other over mp", "mp", false, rename_over },
};

static const struct gone_case *gone_now;

static int peer_mount_mp(void)
{
	return gone_now->dir ? tmpfs_at("mp") : mnt_bind("src", "mp", false);
}

static int peer_mp_mounted(void)
{
	bool m;
	int r = mnt_point("mp", &m);

	return r < 0 ? r : m;
}

static const peer_step mp_steps[] = { peer_mount_mp, peer_mp_mounted };

struct gone {
	int err;    /* our operation on mp */
	int before; /* mp a mount point in the peer before the operation */
	int kept;   /* mp still a mount point in the peer */
};

static int observe_gone(struct ctx *c, struct gone *o,
			const struct gone_case *k)
{
	_cleanup_peer_ struct peer p = PEER_INIT;
	int x;

	gone_now = k;
	if (k->dir)
		TRY(c, mkdir_here("mp"), "mkdir mp");
	else
		TRY(c,
		    write_text_creat("mp", "mp\n") ?: write_text_creat("src", "s\n")
			    ?: write_text_creat("other", "o\n"),
		    "write mp, src and other");
	TRY(c, peer_start(&p, c->isolate ? CLONE_NEWNS : 0, false, mp_steps, 2),
	    "start the peer");
	TRY_OBS(peer_call(c, &p, 0, &x, "mount on mp in the peer"));
	TRY_OBS(peer_call(c, &p, 1, &o->before, "look at mp in the peer"));
	o->err = k->act() < 0 ? errno : 0;
	TRY_OBS(peer_call(c, &p, 1, &o->kept, "look at mp in the peer"));
	return peer_stop(c, &p);
}

static enum obs judge_gone(struct judge *j, const struct gone *o,
			   const struct gone_case *k)
{
	judge_kv(j, "the peer's mount before", "%s",
		 o->before ? "mounted" : "not mounted");
	judge_kv(j, k->op, "%s", errname(o->err));
	judge_kv(j, "the peer's mount", "%s", o->kept ? "kept" : "gone");
	/* "Gone" says something only of a mount that read mounted first. */
	if (!o->before)
		return judge_unknown(j,
				     "the peer's mount on mp did not read "
				     "mounted before %s",
				     k->op);
	if (o->err && o->err != EBUSY)
		return judge_unknown(j, "%s failed with %s", k->op,
				     errname(o->err));
	return judge_holds(j, !o->err && !o->kept,
			   "%s here: %s; the peer's mount on mp: %s", k->op,
			   errname(o->err), o->kept ? "kept" : "gone");
}

#define GONE_CHECK(name_, i_)                                                  \
	static int observe_##name_(struct ctx *c, struct gone *o)              \
	{                                                                      \
		return observe_gone(c, o, &gone_cases[i_]);                    \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j, const struct gone *o)   \
	{                                                                      \
		return judge_gone(j, o, &gone_cases[i_]);                      \
	}                                                                      \
	CHECK(name_, struct gone, observe_##name_, judge_##name_)
GONE_CHECK(gone_rmdir, 0);
GONE_CHECK(gone_unlink, 1);
GONE_CHECK(gone_rename, 2);

#define VIEW(id_, title_, property_, expect_, check_)                          \
	{                                                                      \
		.id = "mntns/" id_, .title = title_, .property = property_,    \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .ns = NS_BIT(NS_MNT),                                 \
			 .fs = { "tmpfs", "proc" } },                          \
		.tags = { "mnt" }, .check = &check_                            \
	}

static const struct scenario mntns_view[] = {
	VIEW("proc-mounts-per-namespace",
	     "/proc/PID mount files show PID's namespace",
	     "/proc/PID/mountinfo, mounts and mountstats of a process in "
	     "another mount namespace list its mounts, which ours does not",
	     "the peer's mountinfo, mounts and mountstats all list its pm; "
	     "ours does not",
	     proc_views),
	VIEW("propagate-from-unreachable-master",
	     "propagate_from names the nearest reachable master",
	     "a slave whose master is out of the reader's root (chroot) shows "
	     "propagate_from:X, X the nearest dominant peer group it can see",
	     "z reads master:Y propagate_from:X with X x's group",
	     propagate_from),
	VIEW("mountpoint-rmdir-elsewhere",
	     "a mount point of another namespace can be removed",
	     "rmdir of a directory that is a mount point only in another "
	     "mount namespace works and takes that mount away",
	     "rmdir mp here: ok; the peer's mount on mp: gone", gone_rmdir),
	VIEW("mountpoint-unlink-elsewhere",
	     "a file mount point of another namespace can be unlinked",
	     "unlink of a file that is a bind mount point only in another "
	     "mount namespace works and takes that mount away",
	     "unlink mp here: ok; the peer's mount on mp: gone", gone_unlink),
	VIEW("mountpoint-renamed-over-elsewhere",
	     "a mount point of another namespace can be renamed over",
	     "rename(2) over a file that is a bind mount point only in "
	     "another mount namespace works and takes that mount away",
	     "rename other over mp here: ok; the peer's mount on mp: gone",
	     gone_rename),
};

BOXCHECK_AREA(mntns_view, mntns_view);
