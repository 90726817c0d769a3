// SPDX-License-Identifier: MIT
/*
 * Threaded subtrees, continued (admin-guide/cgroup-v2.rst, "Threads",
 * "cgroup.threads"; cgroups(7), "Threaded versus domain controllers",
 * "Creating a threaded subtree", "Using a threaded subtree"): a thread
 * move needs the common ancestor's cgroup.procs; a threaded subtree takes
 * threaded controllers only; enabling one beside processes makes a
 * threaded domain; inside a threaded subtree a cgroup may hold threads
 * and enable controllers. All but the first need pids (and memory) on
 * v2: they run in the VMs.
 */
#include "cgcore.h"

#include <pthread.h>
#include <string.h>

#define PIDS CG_BIT(CG_PIDS)
#define MEM CG_BIT(CG_MEMORY)

static int threaded(struct ctx *c, const struct cg_group *g)
{
	TRY(c, cgs_write_probe(cgc_dir(g), "cgroup.type", "threaded"),
	    "write threaded to cgroup.type");
	return 0;
}

/* ---- moving a thread needs the common ancestor's cgroup.procs ---------- */

struct thread_mover {
	const struct cg_layout *l;
	const char *d, *t1, *t2;
};

struct thread_moved {
	int err;
	char where[PATH_MAX];
};

/* A thread that says its id on *fd, then blocks. */
static void *blocked(void *fd)
{
	pid_t tid = gettid();

	if (write(*(int *)fd, &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	for (;;)
		pause();
	return NULL;
}

static int move_thread(void *arg, void *out, size_t len)
{
	const struct thread_mover *m = arg;
	struct thread_moved *o = out;
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	pthread_t th;
	pid_t tid = -1;
	int r;

	(void)len;
	if ((r = cgc_put(m->d, "cgroup.procs", getpid())) < 0)
		return child_fail("join the domain", r);
	if ((r = chan_open(&ch)) < 0)
		return child_fail("pipe", r);
	if ((r = -pthread_create(&th, NULL, blocked, &ch.wr)) < 0)
		return child_fail("pthread_create", r);
	if ((r = chan_recv(&ch, &tid, sizeof(tid))) < 0)
		return child_fail("learn the thread's id", r);
	if ((r = cgc_put(m->t1, "cgroup.threads", tid)) < 0)
		return child_fail("put the thread in t1", r);
	if ((r = cgc_become(CGC_UID)) < 0)
		return child_fail("become the delegatee", r);
	o->err = -cgc_put(m->t2, "cgroup.threads", tid);
	r = cgs_tid_cgroup(m->l, m->l->unified, tid, o->where,
			   sizeof(o->where));
	return r < 0 ? child_fail("the thread's cgroup", r) : 0;
}

static int observe_tmove(struct ctx *c, struct thread_moved *o)
{
	_cleanup_cg_group_ struct cg_group d = { 0 }, t1 = { 0 }, t2 = { 0 };
	char procs[PATH_MAX + 32];
	struct thread_mover m;

	TRY_OBS(cgc_child(c, c->cg, "d", &d));
	TRY_OBS(cgc_child(c, &d, "t1", &t1));
	TRY_OBS(cgc_child(c, &d, "t2", &t2));
	TRY_OBS(threaded(c, &t1));
	TRY_OBS(threaded(c, &t2));
	/* Both threaded cgroups given away, and the domain's procs. */
	TRY(c, cgc_give(cgc_dir(&t1), CGC_UID, true), "delegate t1");
	TRY(c, cgc_give(cgc_dir(&t2), CGC_UID, true), "delegate t2");
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cgc_dir(&d));
	/* 1. ... unless the isolated run keeps the domain's. */
	if (!c->isolate)
		TRY(c, chown(procs, CGC_UID, CGC_UID) < 0 ? neg_errno() : 0,
		    "give the domain's cgroup.procs");
	/* 2. The delegatee moves its thread from t1 to t2. */
	m = (struct thread_mover){ c->cgl, cgc_dir(&d), cgc_dir(&t1),
				   cgc_dir(&t2) };
	return run_in_child(c, "the thread's move", 0, move_thread, &m, o,
			    sizeof(*o));
}

static enum obs judge_tmove(struct judge *j, const struct thread_moved *o)
{
	bool in_t1 = cgc_ends(o->where, "/t1");

	judge_kv(j, "cgroup.threads write", "%s", cgc_err(o->err));
	judge_kv(j, "thread's cgroup", "%s", o->where);
	if (o->err && o->err != EACCES)
		return judge_unknown(j, "the move failed with %s",
				     cgc_err(o->err));
	if (!o->err == in_t1)
		return judge_unknown(j,
				     "the move said %s, the thread is in "
				     "%s",
				     cgc_err(o->err), o->where);
	return judge_holds(j, o->err == EACCES,
			   "the delegatee's thread move between its two "
			   "threaded cgroups: %s",
			   cgc_err(o->err));
}
CHECK(thread_move_ancestor, struct thread_moved, observe_tmove, judge_tmove);

struct err_seen {
	int err;
};

/* ---- a threaded subtree takes threaded controllers only --------------- */

struct enables_seen {
	int e_pids, e_mem; /* enabling each in the threaded domain */
};

static int observe_only(struct ctx *c, struct enables_seen *o)
{
	_cleanup_cg_group_ struct cg_group d = { 0 }, t = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "d", &d));
	TRY_OBS(cgc_child(c, &d, "t", &t));
	/* 1. t turns threaded: d roots a threaded subtree (isolated). */
	if (c->isolate)
		TRY_OBS(threaded(c, &t));
	/* 2. A threaded and a domain controller for d's children. */
	o->e_pids = -cgc_subtree(cgc_dir(&d), "+pids");
	o->e_mem = -cgc_subtree(cgc_dir(&d), "+memory");
	return 0;
}

static enum obs judge_only(struct judge *j, const struct enables_seen *o)
{
	judge_kv(j, "+pids", "%s", cgc_err(o->e_pids));
	judge_kv(j, "+memory", "%s", cgc_err(o->e_mem));
	if (o->e_pids || (o->e_mem && o->e_mem != EOPNOTSUPP))
		return judge_unknown(j, "+pids %s, +memory %s",
				     cgc_err(o->e_pids), cgc_err(o->e_mem));
	return judge_holds(j, o->e_mem == EOPNOTSUPP,
			   "pids (threaded) enabled; memory (domain): %s",
			   cgc_err(o->e_mem));
}
CHECK(threaded_only, struct enables_seen, observe_only, judge_only);

/* ---- a threaded controller beside processes makes a threaded domain --- */

struct became_seen {
	int err;	   /* +pids */
	char d[32], k[32]; /* the types of the cgroup and its child */
};

static int observe_became(struct ctx *c, struct became_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group d = { 0 }, k = { 0 }, e = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "d", &d));
	TRY_OBS(cgc_child(c, &d, "k", &k));
	TRY_OBS(cgc_child(c, c->cg, "elsewhere", &e));
	/* 1. A process in d (isolated), or elsewhere. */
	TRY_OBS(cgc_start(c, c->isolate ? &d : &e, &x));
	/* 2. pids for d's children; the types. */
	o->err = -cgc_subtree(cgc_dir(&d), "+pids");
	TRY_OBS(cgc_type(c, cgc_dir(&d), o->d, sizeof(o->d)));
	return cgc_type(c, cgc_dir(&k), o->k, sizeof(o->k));
}

static enum obs judge_became(struct judge *j, const struct became_seen *o)
{
	judge_kv(j, "+pids", "%s", cgc_err(o->err));
	judge_kv(j, "types", "cgroup \"%s\", its child \"%s\"", o->d, o->k);
	if (o->err)
		return judge_unknown(j, "+pids failed: %s", cgc_err(o->err));
	return judge_holds(j,
			   strcmp(o->d, "domain threaded") == 0 &&
				   strcmp(o->k, "domain invalid") == 0,
			   "after +pids the cgroup reads \"%s\", its child "
			   "\"%s\"",
			   o->d, o->k);
}
CHECK(became_threaded, struct became_seen, observe_became, judge_became);

/* ---- inside a threaded subtree a cgroup may hold and enable ----------- */

static int observe_inside(struct ctx *c, struct err_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT, y = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group d = { 0 }, t = { 0 }, u = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "d", &d));
	TRY_OBS(cgc_child(c, &d, "t", &t));
	TRY_OBS(cgc_child(c, &t, "u", &u));
	/* 1. t and its child u turn threaded (the isolated run). */
	if (c->isolate) {
		TRY_OBS(threaded(c, &t));
		TRY_OBS(threaded(c, &u));
	}
	TRY(c, cgc_subtree(cgc_dir(&d), "+pids"), "enable pids in d");
	/* 2. A process in t, another in u; t enables pids below. */
	TRY_OBS(cgc_start(c, NULL, &x));
	TRY_OBS(cgc_start(c, NULL, &y));
	TRY(c, cgc_put(cgc_dir(&t), "cgroup.procs", x.pid), "move into t");
	TRY(c, cgc_put(cgc_dir(&u), "cgroup.procs", y.pid), "move into u");
	o->err = -cgc_subtree(cgc_dir(&t), "+pids");
	return 0;
}

static enum obs judge_inside(struct judge *j, const struct err_seen *o)
{
	judge_kv(j, "+pids in the populated cgroup", "%s", cgc_err(o->err));
	if (o->err && o->err != EBUSY)
		return judge_unknown(j, "+pids failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, !o->err,
			   "a cgroup holding a process, with a populated "
			   "child, enabling pids: %s",
			   cgc_err(o->err));
}
CHECK(inside_enable, struct err_seen, observe_inside, judge_inside);

#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v2"                                                 \
	}

static const struct scenario cgroup2_threaded2[] = {
	{
		.id = "cgroup2/threads-move-needs-ancestor",
		.title = "a thread move needs the common ancestor's "
			 "cgroup.procs",
		.property = "a delegatee owning two threaded cgroups and their "
			    "cgroup.threads, but not cgroup.procs of their "
			    "threaded domain, cannot move its thread between "
			    "them: EACCES",
		.expect = "move EACCES, the thread stays",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = TAGS,
		.check = &thread_move_ancestor,
	},
	{
		.id = "cgroup2/threaded-controllers-only",
		.title = "a threaded subtree takes threaded controllers only",
		.property = "the domain of a threaded subtree can enable pids "
			    "for its children but not memory: EOPNOTSUPP",
		.expect = "+pids ok, +memory EOPNOTSUPP",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ctrls = PIDS | MEM },
		.tags = TAGS,
		.check = &threaded_only,
	},
	{
		.id = "cgroup2/threaded-controller-makes-domain-threaded",
		.title = "a threaded controller beside a process makes a "
			 "threaded domain",
		.property = "a cgroup holding a process that enables pids for "
			    "its children reads \"domain threaded\", and its "
			    "child \"domain invalid\"",
		.expect = "\"domain threaded\", child \"domain invalid\"",
		.req = { .root = true, .cgroup_version = 2, .ctrls = PIDS },
		.tags = TAGS,
		.check = &became_threaded,
	},
	{
		.id = "cgroup2/threaded-internal-enable",
		.title = "inside a threaded subtree a cgroup may hold and "
			 "enable",
		.property = "a threaded cgroup holding a process, whose "
			    "threaded child holds another, can enable pids "
			    "for its children (a domain one cannot: EBUSY)",
		.expect = "+pids ok",
		.req = { .root = true, .cgroup_version = 2, .ctrls = PIDS },
		.tags = TAGS,
		.check = &inside_enable,
	},
};

BOXCHECK_AREA(cgroup2_threaded2, cgroup2_threaded2);
