// SPDX-License-Identifier: MIT
/*
 * Processes in the v2 hierarchy (admin-guide/cgroup-v2.rst, "Processes",
 * "Threads", "cgroup.stat"; cgroups(7), "Creating cgroups and moving
 * processes"): a migration moves one process, all its threads and none of
 * its children; a zombie stays where it died, unlisted, and its cgroup can
 * go; a removed cgroup is dying until its last reference goes and takes
 * no process.
 */
#include "cgcore.h"

#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>

#define DYING_MS 2000 /* bound on a released cgroup being freed */

struct two_paths {
	int err;	       /* the write the run made */
	char first[PATH_MAX];  /* a process's (or leader's) v2 cgroup */
	char second[PATH_MAX]; /* its child's (or second thread's) */
};

/* ---- a migration leaves the mover's children behind ------------------ */

static int observe_family(struct ctx *c, struct two_paths *o)
{
	_cleanup_proc_ struct cgc_proc p = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group a = { 0 }, b = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "a", &a));
	TRY_OBS(cgc_child(c, c->cg, "b", &b));
	TRY_OBS(cgc_start_family(c, &a, &p));
	/* 1. Move the parent to b (the isolated run). */
	if (c->isolate)
		o->err = -cgc_put(cgc_dir(&b), "cgroup.procs", p.pid);
	/* 2. Where the parent and its child are. */
	TRY_OBS(cgc_where(c, p.pid, o->first, sizeof(o->first)));
	return cgc_where(c, p.tid, o->second, sizeof(o->second));
}

static enum obs judge_family(struct judge *j, const struct two_paths *o)
{
	judge_kv(j, "parent's cgroup", "%s", o->first);
	judge_kv(j, "its child's cgroup", "%s", o->second);
	if (o->err)
		return judge_unknown(j, "moving the parent failed: %s",
				     cgc_err(o->err));
	return judge_holds(
		j, cgc_ends(o->first, "/b") && cgc_ends(o->second, "/a"),
		"parent in %s, its child in %s",
		cgc_ends(o->first, "/b") ? "b" : "a",
		cgc_ends(o->second, "/a") ? "a" : "b");
}
CHECK(leaves_children, struct two_paths, observe_family, judge_family);

/* ---- one write, one process ------------------------------------------ */

struct per_write {
	int err[2];  /* the writes made (one or two) */
	int n_moved; /* of the two processes, listed in the destination */
};

static int observe_one(struct ctx *c, struct per_write *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT, y = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group a = { 0 }, b = { 0 };
	const char *to;
	char both[64];

	TRY_OBS(cgc_child(c, c->cg, "a", &a));
	TRY_OBS(cgc_child(c, c->cg, "b", &b));
	TRY_OBS(cgc_start(c, &a, &x));
	TRY_OBS(cgc_start(c, &a, &y));
	to = cgc_dir(&b);
	/* 1. Both pids in one write (isolated), or one write each. */
	snprintf(both, sizeof(both), "%d\n%d\n", x.pid, y.pid);
	if (c->isolate)
		o->err[0] = -cgs_write_probe(to, "cgroup.procs", both);
	else {
		o->err[0] = -cgc_put(to, "cgroup.procs", x.pid);
		o->err[1] = -cgc_put(to, "cgroup.procs", y.pid);
	}
	/* 2. How many are in b now. */
	for (int i = 0; i < 2; i++) {
		int r = cg_dir_has_pid(to, i ? y.pid : x.pid);
		o->n_moved += TRY(c, r, "read cgroup.procs");
	}
	return 0;
}

static enum obs judge_one(struct judge *j, const struct per_write *o)
{
	judge_kv(j, "writes", "%s, %s", cgc_err(o->err[0]), cgc_err(o->err[1]));
	judge_kv(j, "moved", "%d of 2", o->n_moved);
	for (int i = 0; i < 2; i++)
		if (o->err[i] && o->err[i] != EINVAL)
			return judge_unknown(j, "a write failed with %s",
					     cgc_err(o->err[i]));
	return judge_holds(j, o->n_moved <= 1,
			   "%d of the 2 processes asked for moved", o->n_moved);
}
CHECK(one_per_write, struct per_write, observe_one, judge_one);

/* ---- a thread id in cgroup.procs moves the whole process -------------- */

static int observe_tid(struct ctx *c, struct two_paths *o)
{
	_cleanup_proc_ struct cgc_proc p = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group a = { 0 }, b = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "a", &a));
	TRY_OBS(cgc_child(c, c->cg, "b", &b));
	TRY_OBS(cgc_start_threads(c, &a, &p));
	/* 1. The second thread's id, to cgroup.procs (isolated) or to
	 *    cgroup.threads. */
	if (c->isolate)
		o->err = -cgc_put(cgc_dir(&b), "cgroup.procs", p.tid);
	else
		o->err = -cgc_put(cgc_dir(&b), "cgroup.threads", p.tid);
	/* 2. Where each thread is. */
	TRY_OBS(cgc_where(c, p.pid, o->first, sizeof(o->first)));
	return cgc_where(c, p.tid, o->second, sizeof(o->second));
}

static enum obs judge_tid(struct judge *j, const struct two_paths *o)
{
	bool lead = cgc_ends(o->first, "/b"), thr = cgc_ends(o->second, "/b");

	judge_kv(j, "write of the thread id", "%s", cgc_err(o->err));
	judge_kv(j, "leader's cgroup", "%s", o->first);
	judge_kv(j, "thread's cgroup", "%s", o->second);
	if (!o->err != (lead || thr))
		return judge_unknown(j, "the write said %s, yet %s moved",
				     cgc_err(o->err),
				     lead || thr ? "something" : "nothing");
	return judge_holds(j, lead && thr, "write %s; leader %s, thread %s",
			   cgc_err(o->err), lead ? "moved" : "stayed",
			   thr ? "moved" : "stayed");
}
CHECK(tid_moves_process, struct two_paths, observe_tid, judge_tid);

/* ---- outside a threaded subtree the threads stay together ------------- */

static int observe_together(struct ctx *c, struct two_paths *o)
{
	_cleanup_proc_ struct cgc_proc p = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group d = { 0 }, k = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "domain", &d));
	TRY_OBS(cgc_child(c, &d, "k", &k));
	TRY_OBS(cgc_start_threads(c, &d, &p));
	/* 1. The child stays a domain (isolated) or turns threaded. */
	if (!c->isolate)
		TRY(c, cgs_write_probe(cgc_dir(&k), "cgroup.type", "threaded"),
		    "write threaded to cgroup.type");
	/* 2. One thread alone to the child. */
	o->err = -cgc_put(cgc_dir(&k), "cgroup.threads", p.tid);
	TRY_OBS(cgc_where(c, p.pid, o->first, sizeof(o->first)));
	return cgc_where(c, p.tid, o->second, sizeof(o->second));
}

static enum obs judge_together(struct judge *j, const struct two_paths *o)
{
	bool same = strcmp(o->first, o->second) == 0;

	judge_kv(j, "cgroup.threads write", "%s", cgc_err(o->err));
	judge_kv(j, "leader's cgroup", "%s", o->first);
	judge_kv(j, "thread's cgroup", "%s", o->second);
	if (o->err && o->err != EOPNOTSUPP)
		return judge_unknown(j, "the write failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, same && o->err == EOPNOTSUPP,
			   "moving one thread: %s; threads %s", cgc_err(o->err),
			   same ? "together" : "apart");
}
CHECK(threads_together, struct two_paths, observe_together, judge_together);

/* ---- zombies ---------------------------------------------------------- */

struct zombie_seen {
	int listed;	     /* in its cgroup's cgroup.procs */
	int move_err;	     /* writing its pid to another cgroup.procs */
	int rmdir_err;	     /* removing its cgroup */
	uint64_t dying;	     /* parent's nr_dying_descendants after that */
	uint64_t dying_gone; /* the same once it was reaped */
	char where[PATH_MAX];
};

/* A process in a (below p); it exits unreaped in the isolated run. */
static int zombie_in(struct ctx *c, const struct cg_group *a,
		     struct cgc_proc *z)
{
	TRY_OBS(cgc_start(c, a, z));
	return c->isolate ? cgc_zombie(c, z) : 0;
}

static int observe_zmove(struct ctx *c, struct zombie_seen *o)
{
	_cleanup_proc_ struct cgc_proc z = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group a = { 0 }, b = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "a", &a));
	TRY_OBS(cgc_child(c, c->cg, "b", &b));
	/* 1. The process exits, unreaped (isolated), or lives. */
	TRY_OBS(zombie_in(c, &a, &z));
	/* 2. Is it listed; can it be moved? */
	o->listed =
		TRY(c, cg_dir_has_pid(cgc_dir(&a), z.pid), "read cgroup.procs");
	o->move_err = -cgc_put(cgc_dir(&b), "cgroup.procs", z.pid);
	return cgc_where(c, z.pid, o->where, sizeof(o->where));
}

static enum obs judge_zmove(struct judge *j, const struct zombie_seen *o)
{
	bool stayed = cgc_ends(o->where, "/a");

	judge_kv(j, "listed in its cgroup.procs", "%s",
		 o->listed ? "yes" : "no");
	judge_kv(j, "move", "%s", cgc_err(o->move_err));
	judge_kv(j, "its cgroup after the move", "%s", o->where);
	if (o->move_err && o->move_err != ESRCH)
		return judge_unknown(j, "the move failed with %s",
				     cgc_err(o->move_err));
	return judge_holds(j, !o->listed && stayed,
			   "%s in cgroup.procs; after a move to b it is in %s",
			   o->listed ? "listed" : "not listed",
			   stayed ? "a" : "b");
}
CHECK(zombie_unmovable, struct zombie_seen, observe_zmove, judge_zmove);

/* The parent's nr_dying_descendants once it is back to 0, or timed out. */
static int dying_after(struct ctx *c, const char *dir, uint64_t *v)
{
	double end = cgs_now() + DYING_MS / 1000.0;

	for (;;) {
		TRY_OBS(cgc_stat(c, dir, "nr_dying_descendants", v));
		if (*v == 0 || cgs_now() > end)
			return 0;
		cgs_sleep_ms(1);
	}
}

static int observe_zrmdir(struct ctx *c, struct zombie_seen *o)
{
	_cleanup_proc_ struct cgc_proc z = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group p = { 0 }, a = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	TRY_OBS(cgc_child(c, &p, "a", &a));
	/* 1. The process exits, unreaped (isolated), or lives. */
	TRY_OBS(zombie_in(c, &a, &z));
	/* 2. Remove its cgroup; where it is; the parent's count. */
	o->rmdir_err = -cgs_rmdir_probe(cgc_dir(&a));
	TRY_OBS(cgc_where(c, z.pid, o->where, sizeof(o->where)));
	TRY_OBS(cgc_stat(c, cgc_dir(&p), "nr_dying_descendants", &o->dying));
	/* 3. Reap it; the count once the cgroup could be freed. */
	cgc_stop(&z);
	return dying_after(c, cgc_dir(&p), &o->dying_gone);
}

static void zrmdir_kv(struct judge *j, const struct zombie_seen *o)
{
	judge_kv(j, "rmdir of its cgroup", "%s", cgc_err(o->rmdir_err));
	judge_kv(j, "its /proc/PID/cgroup path", "%s", o->where);
	judge_kv(j, "nr_dying_descendants", "%llu, after the reap %llu",
		 (unsigned long long)o->dying,
		 (unsigned long long)o->dying_gone);
}

/*
 * What every zombie judge needs first: the zombie read in a (or a, deleted),
 * and the removed cgroup freed once the zombie was reaped. NULL when so.
 */
static const char *zombie_odd(const struct zombie_seen *o)
{
	if (!cgc_ends(o->where, "/a") && !cgc_ends(o->where, "/a (deleted)"))
		return "the zombie's path names no cgroup a";
	if (o->dying_gone)
		return "a removed cgroup was never freed after the reap";
	return NULL;
}

static enum obs judge_zrmdir(struct judge *j, const struct zombie_seen *o)
{
	zrmdir_kv(j, o);
	if (zombie_odd(o))
		return judge_unknown(j, "%s", zombie_odd(o));
	if (o->rmdir_err && o->rmdir_err != EBUSY)
		return judge_unknown(j, "rmdir failed with %s",
				     cgc_err(o->rmdir_err));
	return judge_holds(j, !o->rmdir_err, "rmdir of its cgroup: %s",
			   cgc_err(o->rmdir_err));
}
CHECK(zombie_rmdir, struct zombie_seen, observe_zrmdir, judge_zrmdir);

static enum obs judge_deleted(struct judge *j, const struct zombie_seen *o)
{
	bool del = cgc_ends(o->where, " (deleted)");

	zrmdir_kv(j, o);
	if (o->dying_gone)
		return judge_unknown(j, "%s", zombie_odd(o));
	if (del && o->rmdir_err)
		return judge_unknown(j, "\"(deleted)\" though rmdir failed");
	return judge_holds(j, del, "its path reads \"%s\"", o->where);
}
CHECK(zombie_deleted, struct zombie_seen, observe_zrmdir, judge_deleted);

static enum obs judge_dying(struct judge *j, const struct zombie_seen *o)
{
	zrmdir_kv(j, o);
	if (!cgc_ends(o->where, "/a") && !cgc_ends(o->where, "/a (deleted)"))
		return judge_unknown(j, "%s", zombie_odd(o));
	if (o->dying > 1)
		return judge_unknown(j,
				     "%llu dying cgroups below a parent "
				     "that had one child",
				     (unsigned long long)o->dying);
	return judge_holds(j,
			   !o->rmdir_err && o->dying == 1 && o->dying_gone == 0,
			   "removed cgroup counted dying %llu while its zombie "
			   "lived, %llu after the reap",
			   (unsigned long long)o->dying,
			   (unsigned long long)o->dying_gone);
}
CHECK(stat_dying, struct zombie_seen, observe_zrmdir, judge_dying);

/* ---- a removed cgroup takes no process -------------------------------- */

struct dead_seen {
	int err; /* clone3 into it */
};

static int observe_dead(struct ctx *c, struct dead_seen *o)
{
	_cleanup_cg_group_ struct cg_group a = { 0 };
	_cleanup_close_ int dfd = -1;
	_cleanup_reap_ pid_t pid = -1;

	TRY_OBS(cgc_child(c, c->cg, "a", &a));
	dfd = open(cgc_dir(&a), O_PATH | O_DIRECTORY | O_CLOEXEC);
	TRY(c, dfd < 0 ? neg_errno() : 0, "open the cgroup directory");
	/* 1. Remove it, keeping its descriptor (the isolated run). */
	if (c->isolate)
		TRY(c, cgs_rmdir_probe(cgc_dir(&a)), "rmdir the cgroup");
	/* 2. A child born straight into it. */
	pid = cgc_clone_into(dfd);
	o->err = pid < 0 ? -pid : 0;
	return 0;
}

static enum obs judge_dead(struct judge *j, const struct dead_seen *o)
{
	judge_kv(j, "clone3 into the cgroup", "%s", cgc_err(o->err));
	if (o->err && o->err != ENOENT && o->err != ENODEV)
		return judge_unknown(j, "clone3 failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, o->err != 0, "clone3 into it: %s",
			   cgc_err(o->err));
}
CHECK(dead_takes_none, struct dead_seen, observe_dead, judge_dead);

/* ---- writing 0 moves the writer --------------------------------------- */

struct zero_seen {
	int n_dirs, n_listed; /* the new cgroup's directories, ours there */
	int err;	      /* the first failed write */
};

struct zero_arg {
	const struct cg_group *k;
	char text[32];
};

static int write_zero(void *arg, void *out, size_t len)
{
	const struct zero_arg *a = arg;
	struct zero_seen *o = out;

	(void)len;
	for (int i = 0; i < CG_MAX_HIER; i++) {
		int r;
		if (!(a->k->hiers & (1u << i)))
			continue;
		o->n_dirs++;
		r = cgs_write_probe(a->k->dir[i], "cgroup.procs", a->text);
		if (r < 0 && !o->err)
			o->err = -r;
		r = cg_dir_has_pid(a->k->dir[i], getpid());
		if (r < 0)
			return child_fail("read cgroup.procs", r);
		o->n_listed += r;
	}
	return 0;
}

static int observe_zero(struct ctx *c, struct zero_seen *o)
{
	_cleanup_proc_ struct cgc_proc y = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group k = { 0 };
	struct zero_arg a = { &k, "0" };

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "k", &k), "create cgroup k");
	TRY_OBS(cgc_start(c, NULL, &y));
	/* 1. The writer writes "0" (isolated) or a bystander's pid. */
	if (!c->isolate)
		snprintf(a.text, sizeof(a.text), "%d", y.pid);
	/* 2. Is the writer in the new cgroup, on every hierarchy? */
	return run_in_child(c, "the writer", 0, write_zero, &a, o, sizeof(*o));
}

static enum obs judge_zero(struct judge *j, const struct zero_seen *o)
{
	judge_kv(j, "writes", "%s", cgc_err(o->err));
	judge_kv(j, "writer listed", "on %d of %d hierarchies", o->n_listed,
		 o->n_dirs);
	if (o->err)
		return judge_unknown(j, "a write failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, o->n_dirs > 0 && o->n_listed == o->n_dirs,
			   "the writer is listed in the cgroup on %d of %d "
			   "hierarchies",
			   o->n_listed, o->n_dirs);
}
CHECK(zero_moves_writer, struct zero_seen, observe_zero, judge_zero);

#define V2_CORE                                                                \
	{                                                                      \
		.root = true, .cgroup_version = 2                              \
	}
#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v2"                                                 \
	}

static const struct scenario cgroup2_procs[] = {
	{
		.id = "cgroup2/migrate-leaves-children",
		.title = "a migrated process's children stay behind",
		.property = "writing a process to another cgroup.procs moves "
			    "it alone: its child stays in the old cgroup",
		.expect = "parent in b, its child in a",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &leaves_children,
	},
	{
		.id = "cgroup2/procs-one-process-per-write",
		.title = "one write to cgroup.procs moves one process",
		.property = "a single write naming two processes does not move "
			    "both (two writes do)",
		.expect = "at most 1 of 2 moved",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &one_per_write,
	},
	{
		.id = "cgroup2/procs-thread-id-moves-process",
		.title = "a thread id in cgroup.procs moves its whole process",
		.property = "writing the id of a process's second thread to "
			    "cgroup.procs moves the leader and the thread "
			    "(cgroup.threads would refuse it)",
		.expect = "write ok; leader and thread moved",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &tid_moves_process,
	},
	{
		.id = "cgroup2/domain-keeps-threads-together",
		.title = "outside a threaded subtree threads stay together",
		.property = "into a domain child cgroup a single thread cannot "
			    "be moved (cgroup.threads EOPNOTSUPP): the "
			    "process's threads stay in one cgroup",
		.expect = "write EOPNOTSUPP; threads together",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &threads_together,
	},
	{
		.id = "cgroup2/zombie-unlisted-unmovable",
		.title = "a zombie is not listed and cannot be moved",
		.property = "a process that exited but is not reaped is "
			    "missing from cgroup.procs, and writing its pid "
			    "to another cgroup leaves it where it was",
		.expect = "not listed; still in a after the move",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &zombie_unmovable,
	},
	{
		.id = "cgroup2/zombie-cgroup-removable",
		.title = "a cgroup holding only a zombie can be removed",
		.property = "rmdir of a cgroup whose only process exited but "
			    "is not reaped succeeds",
		.expect = "rmdir ok",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &zombie_rmdir,
	},
	{
		.id = "cgroup2/zombie-path-deleted",
		.title = "a zombie's removed cgroup reads \"(deleted)\"",
		.property = "after its cgroup is removed, /proc/PID/cgroup of "
			    "the unreaped zombie ends in \" (deleted)\"",
		.expect = "path ends \" (deleted)\"",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &zombie_deleted,
	},
	{
		.id = "cgroup2/stat-nr-dying",
		.title = "cgroup.stat counts removed cgroups not yet freed",
		.property = "a removed cgroup still referenced by a zombie "
			    "counts in its parent's nr_dying_descendants "
			    "until the zombie is reaped",
		.expect = "nr_dying_descendants 1, then 0",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &stat_dying,
	},
	{
		.id = "cgroup2/dead-cgroup-takes-no-process",
		.title = "a removed cgroup takes no process",
		.property = "clone3(CLONE_INTO_CGROUP) through a descriptor of "
			    "a removed cgroup fails (ENOENT or ENODEV)",
		.expect = "clone3 ENOENT or ENODEV",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .features = FEAT_BIT(FEAT_CLONE_INTO_CGROUP) },
		.tags = TAGS,
		.check = &dead_takes_none,
	},
	{
		.id = "cgroup/procs-zero-moves-writer",
		.title = "writing 0 to cgroup.procs moves the writer",
		.property = "a process that writes \"0\" to a cgroup's "
			    "cgroup.procs is then listed there, on every "
			    "hierarchy",
		.expect = "the writer listed on every hierarchy",
		.req = { .root = true },
		.tags = { "cgroup", "core" },
		.check = &zero_moves_writer,
	},
};

BOXCHECK_AREA(cgroup2_procs, cgroup2_procs);
