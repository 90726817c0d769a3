// SPDX-License-Identifier: MIT
/*
 * cgroup.freeze, cgroup.kill and cgroup.events over a process's life
 * (admin-guide/cgroup-v2.rst, "cgroup.freeze", "cgroup.kill",
 * "[Un]populated Notification"): a frozen process still dies of SIGKILL
 * and runs again once moved out; a frozen cgroup still gets children and
 * goes once empty; cgroup.kill takes only 1; the last exit below
 * notifies every ancestor. Core files:
 * on a hybrid host they work on the cgroup2 mount.
 */
#include "cgcore.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#define STATE_MS 2000 /* bound on a state change the kernel owes us */
#define STILL_MS 100  /* a change that is not coming: how long to look */
#define DEATH_MS 200  /* a killed process is gone well within this */

/* A v2 child of c->cg with cgroup.freeze, frozen by the caller. */
static int freezable(struct ctx *c, const char *name, struct cg_group *g)
{
	TRY_OBS(cgc_child(c, c->cg, name, g));
	return cgs_need(c, g, CGK_FROZEN);
}

static int freeze(struct ctx *c, const struct cg_group *g, uint64_t *frozen)
{
	uint64_t before = 0;

	/* A new cgroup reads thawed: anything else is no state to trust. */
	TRY_OBS(cgs_get(c, g, CGK_FROZEN, &before));
	if (before != 0)
		return ctx_error(c, 0,
				 "the cgroup read frozen before the "
				 "freeze");
	TRY_OBS(cgs_set(c, g, CGK_FREEZE, 1));
	int r = cgs_wait(g, CGK_FROZEN, 1, STATE_MS);
	if (r < 0 && r != -ETIMEDOUT)
		return ctx_error(c, r, "wait for the frozen state");
	return cgs_get(c, g, CGK_FROZEN, frozen);
}

/* ---- a frozen process dies of a fatal signal --------------------------- */

struct ended_seen {
	uint64_t frozen;
	int ended, status;
};

static void usr1(int sig)
{
	_exit(sig);
}

struct usr1_job {
	struct chan hold, ready;
};

/* fn for cgs_fork_in: SIGUSR1 would end it, if it could run; it says
 * so once its handler is in place. */
static int usr1_ends(void *job)
{
	struct usr1_job *u = job;

	signal(SIGUSR1, usr1);
	cgc_keep_only(u->hold.rd, u->ready.wr);
	chan_send_int(&u->ready, 0);
	close(u->ready.wr);
	return cgs_hold(&u->hold);
}

static int observe_killable(struct ctx *c, struct ended_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group f = { 0 };
	_cleanup_chan_ struct chan ready = CHAN_INIT;
	int up = 0;

	TRY_OBS(freezable(c, "f", &f));
	TRY(c, chan_open(&x.hold), "pipe");
	TRY(c, chan_open(&ready), "pipe");
	x.pid = TRY(
		c,
		cgs_fork_in(&f, usr1_ends, &(struct usr1_job){ x.hold, ready }),
		"start it");
	close(TAKE_FD(x.hold.rd));
	close(TAKE_FD(ready.wr));
	/* Frozen only once its handler is in place. */
	TRY(c, chan_recv_int(&ready, &up), "wait for its handler");
	TRY_OBS(freeze(c, &f, &o->frozen));
	/* 1. A fatal signal (isolated), or one its handler would act on. */
	TRY(c,
	    kill(x.pid, c->isolate ? SIGKILL : SIGUSR1) < 0 ? neg_errno() : 0,
	    "signal it");
	/* 2. Did it end? */
	o->ended = TRY(c, cgc_ended(&x, DEATH_MS, &o->status), "wait for it");
	return 0;
}

static enum obs judge_killable(struct judge *j, const struct ended_seen *o)
{
	char how[64];

	judge_kv(j, "frozen", "%llu", (unsigned long long)o->frozen);
	judge_kv(j, "ended", "%s",
		 o->ended ? cgs_status(o->status, how, sizeof(how)) : "no");
	if (o->frozen != 1)
		return judge_unknown(j, "the cgroup never read frozen");
	return judge_holds(j, o->ended, "in the frozen cgroup the process %s",
			   o->ended ? cgs_status(o->status, how, sizeof(how))
				    : "lives on");
}
CHECK(frozen_killable, struct ended_seen, observe_killable, judge_killable);

/* ---- a process moved out of a frozen cgroup runs again ---------------- */

struct runs_seen {
	uint64_t frozen; /* the cgroup it started in */
	int err;	 /* the move out (isolated) */
	bool moved;	 /* it progressed afterwards */
};

static int observe_leaves(struct ctx *c, struct runs_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group f = { 0 }, u = { 0 };
	_cleanup_counter_ volatile unsigned long *n = cgs_counter();
	unsigned long before;

	TRY_OBS(freezable(c, "f", &f));
	TRY_OBS(cgc_child(c, c->cg, "u", &u));
	if (!n)
		return ctx_error(c, -ENOMEM, "shared counter");
	pid = TRY(c, cgs_fork_in(&f, cgs_spin, (void *)n), "start a spinner");
	if (!cgs_moves(n, 0, STATE_MS))
		return ctx_error(c, 0, "the spinner never ran");
	TRY_OBS(freeze(c, &f, &o->frozen));
	before = *n;
	/* 1. Move it to a cgroup that is not frozen (the isolated run). */
	if (c->isolate)
		o->err = -cgc_put(cgc_dir(&u), "cgroup.procs", pid);
	/* 2. Does it run? */
	o->moved = cgs_moves(n, before, STILL_MS);
	return 0;
}

static enum obs judge_leaves(struct judge *j, const struct runs_seen *o)
{
	judge_kv(j, "its cgroup frozen", "%llu", (unsigned long long)o->frozen);
	judge_kv(j, "move out", "%s", cgc_err(o->err));
	judge_kv(j, "progress afterwards", "%s", o->moved ? "yes" : "no");
	if (o->frozen != 1 || o->err)
		return judge_unknown(j, "frozen %llu, move %s",
				     (unsigned long long)o->frozen,
				     cgc_err(o->err));
	return judge_holds(j, o->moved, "the process %s",
			   o->moved ? "runs again" : "stays stopped");
}
CHECK(unfrozen_leaving, struct runs_seen, observe_leaves, judge_leaves);

/* ---- a frozen cgroup gets children and goes once empty ---------------- */

struct gone_seen {
	uint64_t frozen;
	int mk, rmk, rm; /* mkdir and rmdir of a child; rmdir of it */
};

static int observe_gone(struct ctx *c, struct gone_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group f = { 0 };
	char kid[PATH_MAX + 8];
	int st;

	TRY_OBS(freezable(c, "f", &f));
	TRY_OBS(cgc_start(c, &f, &x));
	TRY_OBS(freeze(c, &f, &o->frozen));
	/* 1. A child cgroup comes and goes. */
	snprintf(kid, sizeof(kid), "%s/c", cgc_dir(&f));
	o->mk = -cgs_mkdir_probe(kid);
	o->rmk = -cgs_rmdir_probe(kid);
	/* 2. Its process killed (the isolated run); then the cgroup goes. */
	if (c->isolate) {
		TRY(c, kill(x.pid, SIGKILL) < 0 ? neg_errno() : 0, "kill it");
		if (TRY(c, cgc_ended(&x, STATE_MS, &st), "wait for it") != 1)
			return ctx_error(c, 0, "a killed process lived on");
		/* reaped, so the cgroup is empty before its rmdir */
		if (x.pid != -1)
			return ctx_error(c, 0, "the killed process not reaped");
	}
	o->rm = -cgs_rmdir_probe(cgc_dir(&f));
	return 0;
}

static enum obs judge_gone(struct judge *j, const struct gone_seen *o)
{
	judge_kv(j, "frozen", "%llu", (unsigned long long)o->frozen);
	judge_kv(j, "child cgroup", "mkdir %s, rmdir %s", cgc_err(o->mk),
		 cgc_err(o->rmk));
	judge_kv(j, "rmdir of the frozen cgroup", "%s", cgc_err(o->rm));
	if (o->frozen != 1 || o->mk || o->rmk)
		return judge_unknown(j,
				     "frozen %llu, child mkdir %s, rmdir "
				     "%s",
				     (unsigned long long)o->frozen,
				     cgc_err(o->mk), cgc_err(o->rmk));
	if (o->rm && o->rm != EBUSY)
		return judge_unknown(j, "rmdir failed with %s", cgc_err(o->rm));
	return judge_holds(j, !o->rm,
			   "frozen cgroup took a child; its own rmdir: %s",
			   cgc_err(o->rm));
}
CHECK(frozen_removal, struct gone_seen, observe_gone, judge_gone);

/* ---- cgroup.kill takes only 1 ----------------------------------------- */

struct write_seen {
	int err;
};

static int observe_only1(struct ctx *c, struct write_seen *o)
{
	_cleanup_cg_group_ struct cg_group k = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "k", &k));
	/* The value written: 2 (isolated) or 1. */
	if (c->isolate)
		o->err = -cgs_write_probe(cgc_dir(&k), "cgroup.kill", "2");
	else
		o->err = -cgs_write_probe(cgc_dir(&k), "cgroup.kill", "1");
	return 0;
}

static enum obs judge_only1(struct judge *j, const struct write_seen *o)
{
	judge_kv(j, "write", "%s", cgc_err(o->err));
	if (o->err && o->err != ERANGE && o->err != EINVAL)
		return judge_unknown(j, "the write failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, o->err != 0, "cgroup.kill write: %s",
			   cgc_err(o->err));
}
CHECK(kill_only_one, struct write_seen, observe_only1, judge_only1);

/* ---- the last exit below notifies every ancestor ----------------------- */

struct notice_seen {
	uint64_t before, after; /* the ancestor's populated */
	int notified;		/* its cgroup.events modified */
};

static int observe_notice(struct ctx *c, struct notice_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT, y = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 }, gc = { 0 },
					   s = { 0 };
	_cleanup_close_ int fd = -1;

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	TRY_OBS(cgc_child(c, &p, "k", &k));
	TRY_OBS(cgc_child(c, &k, "gc", &gc));
	TRY_OBS(cgc_child(c, &p, "s", &s));
	TRY_OBS(cgs_need(c, &p, CGK_POPULATED));
	TRY_OBS(cgc_start(c, &gc, &x));
	/* 1. Another process under p, in a sibling (the control). */
	if (!c->isolate)
		TRY_OBS(cgc_start(c, &s, &y));
	/* 2. Watch p, two levels up; the grandchild's process ends. */
	fd = TRY(c, cgs_watch(cgc_dir(&p), "cgroup.events"), "inotify");
	TRY_OBS(cgs_get(c, &p, CGK_POPULATED, &o->before));
	cgc_stop(&x);
	o->notified = TRY(c, cgs_wait_modified(fd, STILL_MS), "wait for it");
	return cgs_get(c, &p, CGK_POPULATED, &o->after);
}

static enum obs judge_notice(struct judge *j, const struct notice_seen *o)
{
	judge_kv(j, "ancestor populated", "%llu -> %llu",
		 (unsigned long long)o->before, (unsigned long long)o->after);
	judge_kv(j, "its cgroup.events modified", "%s",
		 o->notified ? "yes" : "no");
	if (o->notified && o->after == o->before)
		return judge_unknown(j,
				     "modified, yet populated reads %llu "
				     "as before",
				     (unsigned long long)o->after);
	return judge_holds(j, o->before == 1 && o->after == 0 && o->notified,
			   "two levels up: populated %llu -> %llu, %s",
			   (unsigned long long)o->before,
			   (unsigned long long)o->after,
			   o->notified ? "notified" : "not notified");
}
CHECK(ancestors_notified, struct notice_seen, observe_notice, judge_notice);

#define V2_CORE                                                                \
	{                                                                      \
		.root = true, .cgroup_version = 2                              \
	}
#define V2_KILL                                                                \
	{                                                                      \
		.root = true, .cgroup_version = 2,                             \
		.features = FEAT_BIT(FEAT_CGROUP_KILL)                         \
	}
#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v2"                                                 \
	}

static const struct scenario cgroup2_life[] = {
	{
		.id = "cgroup2/frozen-killable",
		.title = "a frozen process still dies of SIGKILL",
		.property = "a process of a frozen cgroup ends when sent "
			    "SIGKILL (a SIGUSR1 whose handler would end it "
			    "does not)",
		.expect = "it ends",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &frozen_killable,
	},
	{
		.id = "cgroup2/unfrozen-on-leaving",
		.title = "a process moved out of a frozen cgroup runs again",
		.property = "a stopped spinner of a frozen cgroup progresses "
			    "once moved to a cgroup that is not frozen",
		.expect = "it runs again",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &unfrozen_leaving,
	},
	{
		.id = "cgroup2/frozen-cgroup-children-removal",
		.title = "a frozen cgroup gets children and goes once empty",
		.property = "a frozen cgroup takes a child cgroup (mkdir, "
			    "rmdir), and once its process is killed the "
			    "frozen cgroup itself can be removed",
		.expect = "mkdir ok, rmdir ok; rmdir of it ok",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &frozen_removal,
	},
	{
		.id = "cgroup2/kill-takes-only-one",
		.title = "cgroup.kill takes only 1",
		.property = "writing 2 to cgroup.kill is refused",
		.expect = "write refused",
		.req = V2_KILL,
		.tags = TAGS,
		.check = &kill_only_one,
	},
	{
		.id = "cgroup2/populated-ancestors-notified",
		.title = "the last exit below notifies every ancestor",
		.property = "when the last process two levels below a cgroup "
			    "ends, that cgroup's populated turns 0 and its "
			    "cgroup.events is modified",
		.expect = "populated 1 -> 0, notified",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &ancestors_notified,
	},
};

BOXCHECK_AREA(cgroup2_life, cgroup2_life);
