// SPDX-License-Identifier: MIT
/*
 * Delegation (cgroups(7), "CGROUPS DELEGATION", "Cgroup delegation
 * containment rules", "/sys/kernel/cgroup files"; admin-guide/cgroup-v2.rst,
 * "Model of Delegation", "Delegation Containment"): the directory and the
 * files /sys/kernel/cgroup/delegate names let an unprivileged user build
 * and populate a subtree; a move needs write access to the destination's
 * cgroup.procs; v1 checks the mover's euid instead of the common
 * ancestor; nothing done inside the subtree lifts the limit above it.
 */
#include "cgcore.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define OTHER_UID 65533 /* a process the delegatee does not own */

/* What the delegatee does, in a child: join (as root), become it, act. */
struct deleg_job {
	const char *join;  /* cgroup.procs the child joins as root */
	const char *mkdir; /* a directory it makes as the delegatee */
	const char *to;	   /* where it writes target (0: itself) */
	pid_t target;
	const char *limit; /* a pids.max it raises to max, or NULL */
	const char *above; /* the pids.max above it, which it tries too */
	int forks;	   /* forks it tries afterwards */
};

struct deleg_seen {
	int mk;	      /* the mkdir */
	int err;      /* the write of target to to/cgroup.procs */
	int listed;   /* the target is listed there afterwards */
	int e_limit;  /* raising its own cgroup's pids.max */
	int e_above;  /* raising the parent's */
	int forked;   /* forks that worked */
	int fork_err; /* the first that did not */
};

static void forks(const struct deleg_job *d, struct deleg_seen *o)
{
	pid_t kids[16] = { 0 };

	for (int i = 0; i < d->forks && i < 16 && !o->fork_err; i++) {
		pid_t p = cgs_fork_probe();
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (p < 0)
			o->fork_err = -p;
		else
			kids[o->forked++] = p;
	}
	for (int i = 0; i < o->forked; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
}

static int deleg_fn(void *arg, void *out, size_t len)
{
	const struct deleg_job *d = arg;
	struct deleg_seen *o = out;
	pid_t who;
	int r;

	(void)len;
	if (d->join && (r = cgc_put(d->join, "cgroup.procs", getpid())) < 0)
		return child_fail("join the delegated cgroup", r);
	if ((r = cgc_become(CGC_UID)) < 0)
		return child_fail("become the delegatee", r);
	if (d->mkdir)
		o->mk = mkdir(d->mkdir, 0755) < 0 ? errno : 0;
	if (d->to) {
		who = d->target ?: getpid();
		if (d->target)
			o->err = -cgc_put(d->to, "cgroup.procs", who);
		else
			o->err = -cgs_write_probe(d->to, "cgroup.procs", "0");
		r = cg_dir_has_pid(d->to, who);
		if (r < 0)
			return child_fail("read cgroup.procs", r);
		o->listed = r;
	}
	if (d->limit)
		o->e_limit = -write_text(d->limit, "max");
	if (d->above)
		o->e_above = -write_text(d->above, "max");
	forks(d, o);
	return 0;
}

static void moved_kv(struct judge *j, const struct deleg_seen *o)
{
	judge_kv(j, "move", "%s", cgc_err(o->err));
	judge_kv(j, "listed at the destination", "%s",
		 o->listed ? "yes" : "no");
}

/* The move's answer agrees with where the process is, or unknown. */
static bool moved_consistent(struct judge *j, const struct deleg_seen *o,
			     enum obs *v)
{
	if (!o->err == !!o->listed)
		return true;
	*v = judge_unknown(j, "the move said %s, the process is %slisted",
			   cgc_err(o->err), o->listed ? "" : "not ");
	return false;
}

/* ---- the delegated files let a user build and populate a subtree ------ */

static int observe_build(struct ctx *c, struct deleg_seen *o)
{
	_cleanup_cg_group_ struct cg_group p = { 0 };
	char kid[PATH_MAX + 8];
	struct deleg_job d = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	snprintf(kid, sizeof(kid), "%s/k", cgc_dir(&p));
	/* 1. The directory, and the files the kernel names (isolated). */
	TRY(c, cgc_give(cgc_dir(&p), CGC_UID, c->isolate), "delegate p");
	/* 2. The delegatee makes a child cgroup and moves into it. */
	d = (struct deleg_job){ .join = cgc_dir(&p), .mkdir = kid, .to = kid };
	return run_in_child(c, "the delegatee", 0, deleg_fn, &d, o, sizeof(*o));
}

static enum obs judge_build(struct judge *j, const struct deleg_seen *o)
{
	enum obs v;

	judge_kv(j, "mkdir", "%s", cgc_err(o->mk));
	moved_kv(j, o);
	if (o->mk)
		return judge_unknown(j,
				     "the delegatee could not make a "
				     "cgroup in its own directory: %s",
				     cgc_err(o->mk));
	if (!moved_consistent(j, o, &v))
		return v;
	return judge_holds(j, !o->err,
			   "the delegatee made a cgroup and moved into it: "
			   "%s",
			   cgc_err(o->err));
}
CHECK(builds_subtree, struct deleg_seen, observe_build, judge_build);

/* ---- a move needs write access to the destination's cgroup.procs ----- */

/* p with children a and b on the pids hierarchy; their directories. */
struct trio {
	struct cg_group p, a, b;
};

static void trio_destroy(struct trio *t)
{
	cg_group_destroy(&t->b);
	cg_group_destroy(&t->a);
	cg_group_destroy(&t->p);
}

static int trio_make(struct ctx *c, struct trio *t)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "p", CG_BIT(CG_PIDS), &t->p), "p");
	TRY(c, cg_group_child_on(&t->p, "a", CG_BIT(CG_PIDS), &t->a), "p/a");
	TRY(c, cg_group_child_on(&t->p, "b", CG_BIT(CG_PIDS), &t->b), "p/b");
	if (!cg_group_dir(&t->p, CG_PIDS))
		return ctx_skip(c, "no pids directory for this run");
	return 0;
}

static int give_all(struct ctx *c, const struct cg_group *g)
{
	for (int i = 0; i < CG_MAX_HIER; i++)
		if (g->hiers & (1u << i))
			TRY(c, cgc_give(g->dir[i], CGC_UID, true),
			    "delegate a cgroup");
	return 0;
}

static int chown_procs(struct ctx *c, const char *dir, uid_t uid)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	TRY(c, chown(path, uid, uid) < 0 ? neg_errno() : 0,
	    "chown cgroup.procs");
	return 0;
}

static int observe_dest(struct ctx *c, struct deleg_seen *o)
{
	_cleanup_(trio_destroy) struct trio t = { 0 };
	struct deleg_job d = { 0 };
	const char *b;

	TRY_OBS(trio_make(c, &t));
	TRY_OBS(give_all(c, &t.a));
	TRY_OBS(give_all(c, &t.b));
	for (int i = 0; i < CG_MAX_HIER; i++)
		if (t.p.hiers & (1u << i))
			TRY_OBS(chown_procs(c, t.p.dir[i], CGC_UID));
	b = cg_group_dir(&t.b, CG_PIDS);
	/* 1. The destination's cgroup.procs taken back (isolated). */
	if (c->isolate)
		TRY_OBS(chown_procs(c, b, 0));
	/* 2. The delegatee moves itself from a to b. */
	d = (struct deleg_job){ .join = cg_group_dir(&t.a, CG_PIDS), .to = b };
	return run_in_child(c, "the delegatee", 0, deleg_fn, &d, o, sizeof(*o));
}

static enum obs judge_refused(struct judge *j, const struct deleg_seen *o)
{
	enum obs v;

	moved_kv(j, o);
	if (!moved_consistent(j, o, &v))
		return v;
	if (o->err && o->err != EACCES)
		return judge_unknown(j, "the move failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, o->err == EACCES, "the delegatee's move: %s",
			   cgc_err(o->err));
}
CHECK(dest_write, struct deleg_seen, observe_dest, judge_refused);

/* ---- v1 checks no common ancestor ------------------------------------ */

/* Skip unless pids sits on a v1 hierarchy and a v2 one exists too. */
static int need_v1_pids(struct ctx *c, bool and_v2)
{
	int i = c->cgl->by_ctrl[CG_PIDS];

	if (i < 0 || c->cgl->hier[i].version != 1)
		return ctx_skip(c, "pids is not on a v1 hierarchy here");
	if (and_v2 && c->cgl->unified < 0)
		return ctx_skip(c, "no cgroup v2 hierarchy beside v1");
	return 0;
}

static int observe_noancestor(struct ctx *c, struct deleg_seen *o)
{
	_cleanup_(trio_destroy) struct trio t = { 0 };
	struct deleg_job d = { 0 };
	int h;

	TRY_OBS(need_v1_pids(c, true));
	TRY_OBS(trio_make(c, &t));
	TRY_OBS(give_all(c, &t.a));
	TRY_OBS(give_all(c, &t.b));
	/* 1. The v1 hierarchy (isolated), or the v2 one. */
	h = c->isolate ? c->cgl->by_ctrl[CG_PIDS] : c->cgl->unified;
	/* 2. The delegatee moves itself from a to b: p is not its. */
	d = (struct deleg_job){ .join = t.a.dir[h], .to = t.b.dir[h] };
	return run_in_child(c, "the delegatee", 0, deleg_fn, &d, o, sizeof(*o));
}

static enum obs judge_noancestor(struct judge *j, const struct deleg_seen *o)
{
	enum obs v;

	moved_kv(j, o);
	if (!moved_consistent(j, o, &v))
		return v;
	if (o->err && o->err != EACCES)
		return judge_unknown(j, "the move failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, !o->err,
			   "without the parent's cgroup.procs, the "
			   "delegatee's move between its two cgroups: %s",
			   cgc_err(o->err));
}
CHECK(no_ancestor, struct deleg_seen, observe_noancestor, judge_noancestor);

/* ---- v1: the mover's euid must own the process ------------------------ */

struct owned {
	struct chan hold, ready;
	uid_t uid;
};

/* fn for cgs_fork_in: take uid, say so, then wait to be let go. */
static int owned_by(void *arg)
{
	struct owned *w = arg;
	int r;

	cgc_keep_only(w->hold.rd, w->ready.wr);
	r = cgc_become(w->uid);
	chan_send_int(&w->ready, r);
	close(w->ready.wr);
	if (r < 0)
		return 3;
	return cgs_hold(&w->hold);
}

static int observe_euid(struct ctx *c, struct deleg_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_(trio_destroy) struct trio t = { 0 };
	_cleanup_chan_ struct chan ready = CHAN_INIT;
	struct deleg_job d = { 0 };
	struct owned w;
	int became = 0;

	TRY_OBS(need_v1_pids(c, false));
	TRY_OBS(trio_make(c, &t));
	TRY_OBS(give_all(c, &t.a));
	TRY_OBS(give_all(c, &t.b));
	/* 1. A process in a owned by another uid (isolated), or by the
	 *    delegatee; the move waits until it has taken that uid. */
	TRY(c, chan_open(&x.hold), "pipe");
	TRY(c, chan_open(&ready), "pipe");
	w = (struct owned){ x.hold, ready, c->isolate ? OTHER_UID : CGC_UID };
	x.pid = TRY(c, cgs_fork_in(&t.a, owned_by, &w), "start it");
	close(TAKE_FD(x.hold.rd));
	close(TAKE_FD(ready.wr));
	TRY(c, chan_recv_int(&ready, &became), "wait for it to take its uid");
	TRY(c, became, "take its uid");
	/* 2. The delegatee moves it to b. */
	d = (struct deleg_job){ .to = cg_group_dir(&t.b, CG_PIDS),
				.target = x.pid };
	return run_in_child(c, "the delegatee", 0, deleg_fn, &d, o, sizeof(*o));
}
CHECK(euid_match, struct deleg_seen, observe_euid, judge_refused);

/* ---- nothing inside the delegated subtree lifts the limit above -------- */

static int knob_path(struct ctx *c, const struct cg_group *g, char *buf,
		     size_t len)
{
	const char *dir, *file;

	TRY(c, cg_knob_locate(g, CGK_PIDS_MAX, &dir, &file), "locate pids.max");
	snprintf(buf, len, "%s/%s", dir, file);
	return 0;
}

static int observe_contained(struct ctx *c, struct deleg_seen *o)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 };
	char lim[PATH_MAX + 32], above[PATH_MAX + 32];
	struct deleg_job d = { 0 };

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "p", CG_BIT(CG_PIDS), &p), "p");
	TRY(c, cg_group_enable(&p, CG_BIT(CG_PIDS)), "enable pids below p");
	TRY(c, cg_group_child_on(&p, "k", CG_BIT(CG_PIDS), &k), "p/k");
	TRY_OBS(cgs_need(c, &k, CGK_PIDS_MAX));
	TRY_OBS(knob_path(c, &k, lim, sizeof(lim)));
	TRY_OBS(knob_path(c, &p, above, sizeof(above)));
	/* k and its pids.max are the delegatee's. */
	TRY_OBS(give_all(c, &k));
	TRY(c, chown(lim, CGC_UID, CGC_UID) < 0 ? neg_errno() : 0,
	    "give k's pids.max");
	/* 1. Two processes at most in p (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &p, CGK_PIDS_MAX, 2));
	/* 2. The delegatee in k lifts k's limit, tries p's, then forks. */
	d = (struct deleg_job){ .join = cg_group_dir(&k, CG_PIDS),
				.limit = lim,
				.above = above,
				.forks = 4 };
	return run_in_child(c, "the delegatee", 0, deleg_fn, &d, o, sizeof(*o));
}

static enum obs judge_contained(struct judge *j, const struct deleg_seen *o)
{
	judge_kv(j, "its own pids.max to max", "%s", cgc_err(o->e_limit));
	judge_kv(j, "the parent's pids.max to max", "%s", cgc_err(o->e_above));
	judge_kv(j, "forks", "%d, then %s", o->forked, cgc_err(o->fork_err));
	if (o->e_limit || o->e_above != EACCES)
		return judge_unknown(j,
				     "raising its own limit: %s, the "
				     "parent's: %s",
				     cgc_err(o->e_limit), cgc_err(o->e_above));
	if (o->fork_err && o->fork_err != EAGAIN)
		return judge_unknown(j, "a fork failed with %s",
				     cgc_err(o->fork_err));
	return judge_holds(j, o->fork_err == EAGAIN,
			   "with its own pids.max at max: %d forks, then %s",
			   o->forked, cgc_err(o->fork_err));
}
CHECK(limit_contained, struct deleg_seen, observe_contained, judge_contained);

#define ROOT_PIDS                                                              \
	{                                                                      \
		.root = true, .ctrls = CG_BIT(CG_PIDS)                         \
	}

static const struct scenario cgroup_deleg2[] = {
	{
		.id = "cgroup2/delegate-builds-subtree",
		.title = "the delegated files let a user build a subtree",
		.property = "an unprivileged user given a cgroup directory "
			    "and the files /sys/kernel/cgroup/delegate names "
			    "makes a child cgroup and moves itself into it "
			    "(with the directory alone: EACCES)",
		.expect = "mkdir ok, move ok",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = { "cgroup", "v2" },
		.check = &builds_subtree,
	},
	{
		.id = "cgroup/delegate-needs-dest-write",
		.title = "a move needs the destination's cgroup.procs",
		.property = "an unprivileged user cannot move itself into a "
			    "cgroup whose cgroup.procs it may not write: "
			    "EACCES",
		.expect = "move EACCES",
		.req = ROOT_PIDS,
		.tags = { "cgroup", "core" },
		.check = &dest_write,
	},
	{
		.id = "cgroup1/no-common-ancestor-check",
		.title = "v1 does not check the common ancestor",
		.property = "on a v1 hierarchy an unprivileged user moves "
			    "itself between two cgroups it owns without "
			    "write access to their parent's cgroup.procs (v2 "
			    "refuses it)",
		.expect = "move ok",
		.req = ROOT_PIDS,
		.tags = { "cgroup", "v1" },
		.check = &no_ancestor,
	},
	{
		.id = "cgroup1/euid-must-match",
		.title = "v1 moves only processes the mover's euid owns",
		.property = "on a v1 hierarchy an unprivileged user cannot "
			    "move a process of another uid into a cgroup it "
			    "owns: EACCES",
		.expect = "move EACCES",
		.req = ROOT_PIDS,
		.tags = { "cgroup", "v1" },
		.check = &euid_match,
	},
	{
		.id = "cgroup/delegated-limit-contained",
		.title = "a delegated subtree cannot lift its parent's limit",
		.property = "a delegatee that sets its own cgroup's pids.max "
			    "to max (and cannot write the parent's) still "
			    "gets EAGAIN from fork at the parent's limit",
		.expect = "fork EAGAIN at the parent's limit",
		.req = ROOT_PIDS,
		.tags = { "cgroup", "core" },
		.check = &limit_contained,
	},
};

BOXCHECK_AREA(cgroup_deleg2, cgroup_deleg2);
