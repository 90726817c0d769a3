// SPDX-License-Identifier: MIT
/*
 * cgroup pids controller: the limit, its reach over children, fork bombs.
 * Judged by behaviour (a fork refused with EAGAIN at the limit) and by the
 * cgroup saying why (pids.events max). A counter that claims a refusal no
 * fork saw contradicts the behaviour: unknown, an error.
 */
#include "cgroup_util.h"

#include <string.h>
#include <sys/prctl.h>

#define PIDS_MAX 3
#define PARENT_MAX 2
#define BOMB_MAX 12
#define BOMB_BUDGET 48 /* the control's bomb stops here: no limit there */

struct fork_try {
	const struct cg_group *g;
	int tries; /* forks to attempt */
};

struct forks {
	int forked; /* successful forks before the first refusal */
	int err;    /* errno of the refused fork, 0 if none was refused */
};

/*
 * In the cgroup: this process is number 1. Fork until a fork is refused or
 * `tries` children exist; every child blocks on `hold` until we go.
 */
static int fork_until_fail(void *arg, void *out, size_t len)
{
	const struct fork_try *t = arg;
	struct forks *fr = out;
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	int r;

	(void)len;
	if ((r = cg_group_attach(t->g, getpid())) < 0)
		return child_fail("join the cgroup", r);
	if ((r = chan_open(&hold)) < 0)
		return child_fail("pipe", r);
	for (int i = 0; i < t->tries; i++) {
		pid_t p = cgs_fork_probe();
		if (p < 0) {
			fr->err = -p; /* the refusal is the observation */
			break;
		}
		if (p == 0) {
			char b;
			close(hold.wr);
			_exit(read(hold.rd, &b, 1) < 0);
		}
		fr->forked++;
	}
	chan_close(&hold); /* children see EOF and leave */
	while (wait(NULL) > 0)
		;
	return 0;
}

static const char *errname(int err)
{
	return err ? strerrorname_np(err) : "never refused";
}

/*
 * The limit's behaviour and the cgroup's account of it: a fork refused
 * with EAGAIN once `at` processes existed, and pids.events max counted in
 * `where`. `all` sums every pids.events read: counted with no refusal seen
 * is a contradiction.
 */
static enum obs judge_refusal(struct judge *j, const struct forks *f, int at,
			      uint64_t where, uint64_t all)
{
	judge_kv(j, "processes", "%d", f->forked + 1);
	judge_kv(j, "refused fork", "%s", errname(f->err));
	if (all && !f->err)
		return judge_unknown(j,
				     "pids.events counts %llu refused forks, "
				     "but no fork was refused",
				     (unsigned long long)all);
	return judge_holds(
		j, f->err == EAGAIN && f->forked + 1 == at && where >= 1,
		"%d processes, then fork %s; pids.events max=%llu",
		f->forked + 1, errname(f->err), (unsigned long long)where);
}

struct limit_hit {
	struct forks f;
	uint64_t events; /* pids.events max of the cgroup */
};

static int observe_pids_max(struct ctx *c, struct limit_hit *o)
{
	_cleanup_cg_group_ struct cg_group lim = { 0 };
	struct fork_try t = { &lim, PIDS_MAX };

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "limited", &lim), "create child cgroup");
	TRY_OBS(cgs_need(c, &lim, CGK_PIDS_MAX));
	TRY_OBS(cgs_need(c, &lim, CGK_PIDS_EVENTS_MAX));
	if (c->isolate)
		TRY_OBS(cgs_set(c, &lim, CGK_PIDS_MAX, PIDS_MAX));
	TRY_OBS(run_in_child(c, "fork in the cgroup", 0, fork_until_fail, &t,
			     &o->f, sizeof(o->f)));
	TRY_OBS(cgs_get(c, &lim, CGK_PIDS_EVENTS_MAX, &o->events));
	return 0;
}

static enum obs judge_pids_max(struct judge *j, const struct limit_hit *o)
{
	judge_kv(j, "pids.events max", "%llu", (unsigned long long)o->events);
	return judge_refusal(j, &o->f, PIDS_MAX, o->events, o->events);
}
CHECK(pids_max_fork_fails, struct limit_hit, observe_pids_max, judge_pids_max);

/*
 * Where does a refused fork count? v1, and v2 mounted with
 * pids_localevents, count it in the forking task's cgroup; v2 kernels that
 * have pids.events.local count it in the cgroup whose limit was hit.
 */
static bool events_on_ancestor(const struct cg_group *parent)
{
	const struct cg_layout *l = parent->layout;
	const struct cg_hier *h = &l->hier[l->by_ctrl[CG_PIDS]];
	char path[PATH_MAX + 32];

	if (h->version != 2 || strstr(h->opts, "pids_localevents"))
		return false;
	snprintf(path, sizeof(path), "%s/pids.events.local",
		 cg_group_dir(parent, CG_PIDS));
	return path_exists(path);
}

struct parent_hit {
	struct forks f;
	uint64_t kid_max;	 /* the child cgroup's own pids.max */
	uint64_t ev_par, ev_kid; /* pids.events max of parent and child */
	bool on_parent;		 /* host fact: counted on the limiting parent */
};

static int observe_parent_caps(struct ctx *c, struct parent_hit *o)
{
	_cleanup_cg_group_ struct cg_group par = { 0 }, kid = { 0 };
	struct fork_try t = { &kid, PARENT_MAX + 1 };

	TRY_OBS(cgs_need_group(c));
	/* 1. parent/child, pids enabled top-down (v2) for the child. */
	TRY(c, cg_group_child(c->cg, "parent", &par), "create parent cgroup");
	TRY(c, cg_group_enable(&par, CG_BIT(CG_PIDS)), "enable pids below");
	TRY(c, cg_group_child(&par, "child", &kid), "create child cgroup");
	TRY_OBS(cgs_need(c, &par, CGK_PIDS_MAX));
	TRY_OBS(cgs_need(c, &kid, CGK_PIDS_EVENTS_MAX));
	o->on_parent = events_on_ancestor(&par);
	/* 2. The limit on the parent only; the child keeps its own. */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &par, CGK_PIDS_MAX, PARENT_MAX));
	TRY_OBS(cgs_get(c, &kid, CGK_PIDS_MAX, &o->kid_max));
	/* 3. Fork in the child cgroup until refused. */
	TRY_OBS(run_in_child(c, "fork in the child cgroup", 0, fork_until_fail,
			     &t, &o->f, sizeof(o->f)));
	TRY_OBS(cgs_get(c, &par, CGK_PIDS_EVENTS_MAX, &o->ev_par));
	TRY_OBS(cgs_get(c, &kid, CGK_PIDS_EVENTS_MAX, &o->ev_kid));
	return 0;
}

static enum obs judge_parent_caps(struct judge *j, const struct parent_hit *o)
{
	judge_kv(j, "child pids.max", "%s",
		 o->kid_max == CG_VAL_MAX ? "max" : "a number");
	judge_kv(j, "parent pids.events max", "%llu",
		 (unsigned long long)o->ev_par);
	judge_kv(j, "child pids.events max", "%llu",
		 (unsigned long long)o->ev_kid);
	judge_kv(j, "event expected in", "%s",
		 o->on_parent ? "parent (limiting ancestor)"
			      : "child (forking cgroup)");
	if (o->kid_max != CG_VAL_MAX)
		return judge_holds(j, false,
				   "the child cgroup has a limit "
				   "of its own");
	return judge_refusal(j, &o->f, PARENT_MAX,
			     o->on_parent ? o->ev_par : o->ev_kid,
			     o->ev_par + o->ev_kid);
}
CHECK(pids_parent_caps_child, struct parent_hit, observe_parent_caps,
      judge_parent_caps);

/* Counters shared by every process of the bomb. */
struct bomb {
	int spawned;  /* processes that exist or are being forked */
	int finished; /* processes done forking */
	int eagain;   /* forks refused with EAGAIN */
	int other;    /* forks refused otherwise */
};

struct bomb_arg {
	struct bomb *b;
	struct chan *hold, *done;
};

/* Every process forks until refused (or the budget is spent), then waits. */
static int bomber(void *arg)
{
	struct bomb_arg *a = arg;
	struct bomb *b = a->b;
	char x = 'x';

	for (;;) {
		pid_t p;
		if (__atomic_add_fetch(&b->spawned, 1, __ATOMIC_SEQ_CST) >
		    BOMB_BUDGET) {
			__atomic_sub_fetch(&b->spawned, 1, __ATOMIC_SEQ_CST);
			break;
		}
		p = cgs_fork_probe();
		if (p < 0) {
			__atomic_sub_fetch(&b->spawned, 1, __ATOMIC_SEQ_CST);
			__atomic_add_fetch(p == -EAGAIN ? &b->eagain
							: &b->other,
					   1, __ATOMIC_SEQ_CST);
			break;
		}
	}
	__atomic_add_fetch(&b->finished, 1, __ATOMIC_SEQ_CST);
	if (write(a->done->wr, &x, 1) < 0)
		return 1;
	return cgs_hold(a->hold);
}

/* Host side: wait till no bomb process is still forking. */
static int bomb_settle(struct bomb *b, struct chan *done)
{
	char x;

	for (;;) {
		if (chan_recv(done, &x, 1) < 0)
			return -EPIPE;
		if (__atomic_load_n(&b->finished, __ATOMIC_SEQ_CST) ==
		    __atomic_load_n(&b->spawned, __ATOMIC_SEQ_CST))
			return 0;
	}
}

/* Can a process outside the bomb's cgroup still fork? *err: fork's errno. */
static int host_fork(int *err)
{
	pid_t p = fork();
	int st, r;

	*err = p < 0 ? errno : 0;
	if (p < 0)
		return 0; /* the refusal is the observation */
	if (p == 0)
		_exit(0);
	r = wait_status(p, &st);
	return r == 0 && exit_code_of(st) != 0 ? -ECHILD : r;
}

/* Release the bomb and reap every process of it: how many failed. */
static int bomb_reap(struct chan *hold)
{
	int st, failed = 0;
	pid_t p;

	chan_close(hold);
	while ((p = waitpid(-1, &st, 0)) > 0 || errno == EINTR)
		if (p > 0 && exit_code_of(st) != 0)
			failed++;
	return failed;
}

struct bomb_seen {
	struct bomb b;	  /* the bomb's own counters once it settled */
	uint64_t current; /* pids.current while it held every pid it got */
	uint64_t events;  /* pids.events max */
	int host_err;	  /* errno of a fork from outside, 0 if it forked */
};

static void unsharep(struct bomb **b)
{
	cgs_unshare(*b, sizeof(**b));
}

static int observe_bomb(struct ctx *c, struct bomb_seen *o)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT, done = CHAN_INIT;
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_(unsharep) struct bomb *b = NULL;
	struct bomb_arg a = { .hold = &hold, .done = &done };
	int failed;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "bomb", &g), "create the bomb's cgroup");
	TRY_OBS(cgs_need(c, &g, CGK_PIDS_MAX));
	TRY_OBS(cgs_need(c, &g, CGK_PIDS_CURRENT));
	TRY_OBS(cgs_need(c, &g, CGK_PIDS_EVENTS_MAX));
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_PIDS_MAX, BOMB_MAX));
	/* Orphaned bombers come back to us to be reaped, not to PID 1. */
	TRY(c, prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 ? neg_errno() : 0,
	    "become a subreaper");
	TRY(c, chan_open(&hold), "pipe");
	TRY(c, chan_open(&done), "pipe");
	a.b = b = cgs_shared(sizeof(*b));
	if (!b)
		return ctx_error(c, -ENOMEM, "shared counters");
	b->spawned = 1;
	/* 1. Start the bomb in its cgroup; 2. wait until it settles. */
	TRY(c, cgs_fork_in(&g, bomber, &a), "start the bomb");
	close(TAKE_FD(hold.rd));
	TRY(c, bomb_settle(b, &done), "wait for the bomb to settle");
	/* 3. While it holds every pid it could get: the cgroup, a fork. */
	TRY_OBS(cgs_get(c, &g, CGK_PIDS_CURRENT, &o->current));
	TRY_OBS(cgs_get(c, &g, CGK_PIDS_EVENTS_MAX, &o->events));
	TRY(c, host_fork(&o->host_err), "wait for the outside fork");
	o->b = *b;
	/* 4. Release the bomb and reap it: each one leaves on its own. */
	failed = bomb_reap(&hold);
	if (failed)
		return ctx_error(c, 0, "%d bomb processes failed", failed);
	return 0;
}

static enum obs judge_bomb(struct judge *j, const struct bomb_seen *o)
{
	judge_kv(j, "bomb processes", "%d", o->b.spawned);
	judge_kv(j, "pids.current", "%llu", (unsigned long long)o->current);
	judge_kv(j, "forks refused EAGAIN", "%d", o->b.eagain);
	judge_kv(j, "forks refused other", "%d", o->b.other);
	judge_kv(j, "pids.events max", "%llu", (unsigned long long)o->events);
	judge_kv(j, "host fork", "%s",
		 o->host_err ? strerrorname_np(o->host_err) : "ok");
	if (o->events && !o->b.eagain)
		return judge_unknown(j,
				     "pids.events counts %llu refused forks, "
				     "but no fork was refused",
				     (unsigned long long)o->events);
	return judge_holds(
		j,
		o->b.eagain > 0 && !o->b.other && o->events >= 1 &&
			o->current <= BOMB_MAX && !o->host_err,
		"bomb of %d processes (pids.current=%llu), %d forks refused "
		"with EAGAIN, pids.events max=%llu; host fork %s",
		o->b.spawned, (unsigned long long)o->current, o->b.eagain,
		(unsigned long long)o->events,
		o->host_err ? strerrorname_np(o->host_err) : "ok");
}
CHECK(pids_fork_bomb, struct bomb_seen, observe_bomb, judge_bomb);

static const struct scenario cgroup_pids[] = {
	{
		.id = "cgroup/pids-max-fork-fails",
		.title = "fork fails at pids.max",
		.property =
			"with pids.max=3, the fourth process of the cgroup "
			"fails to fork with EAGAIN and pids.events counts it",
		.expect = "3 processes, then fork EAGAIN; pids.events max>=1",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "cgroup", "core" },
		.check = &pids_max_fork_fails,
	},
	{
		.id = "cgroup/pids-parent-caps-child",
		.title = "a parent's pids.max caps its child cgroup",
		.property =
			"with pids.max=2 on a parent and max on its child, the "
			"third process in the child fails to fork with EAGAIN; "
			"pids.events counts it on the limiting parent (v2 with "
			"pids.events.local) or the forking child (v1)",
		.expect = "2 processes in the child, then fork EAGAIN; the "
			  "event counted where the version counts it",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "cgroup" },
		.check = &pids_parent_caps_child,
	},
	{
		.id = "cgroup/pids-fork-bomb-contained",
		.title = "a fork bomb in a pids-limited cgroup is contained",
		.property =
			"a fork bomb in a cgroup with pids.max=12 stays at 12 "
			"processes, its forks fail with EAGAIN (pids.events "
			"counts them), and a process outside can still fork",
		.expect = "pids.current<=12, forks refused with EAGAIN, host "
			  "fork ok",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "cgroup", "core" },
		.check = &pids_fork_bomb,
	},
};

BOXCHECK_AREA(cgroup_pids, cgroup_pids);
