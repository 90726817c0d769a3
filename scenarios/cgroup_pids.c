// SPDX-License-Identifier: MIT
/* cgroup pids controller: the limit, its reach over children, fork bombs. */
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

struct fork_result {
	int forked; /* successful forks before the first failure */
	int err;    /* errno of the failing fork, 0 if none failed */
};

/*
 * In the cgroup: this process is number 1. Fork until a fork fails or
 * `tries` children exist; every child blocks on `hold` until we go.
 */
static int fork_until_fail(void *arg, void *out, size_t len)
{
	const struct fork_try *t = arg;
	struct fork_result *fr = out;
	_cleanup_chan_ struct chan hold = CHAN_INIT;

	(void)len;
	if (cg_group_attach(t->g, getpid()) < 0 || chan_open(&hold) < 0)
		return 2;
	for (int i = 0; i < t->tries; i++) {
		pid_t p = fork();
		if (p < 0) {
			fr->err = errno;
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
	return err ? strerrorname_np(err) : "ok";
}

static enum obs pids_max_fork_fails(struct ctx *c)
{
	_cleanup_cg_group_ struct cg_group lim = { 0 };
	struct fork_try t = { &lim, PIDS_MAX };
	struct fork_result fr;
	uint64_t events = 0;
	int st;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "limited", &lim), "create child cgroup");
	CGS_NEED(c, &lim, CGK_PIDS_EVENTS_MAX);
	if (c->isolate)
		CGS_SET(c, &lim, CGK_PIDS_MAX, PIDS_MAX);
	TRY(c, legacy_run_in_child(0, fork_until_fail, &t, &fr, sizeof(fr), &st),
	    "fork the limited process");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "limited process exited %d",
				 exit_code_of(st));
	CGS_GET(c, &lim, CGK_PIDS_EVENTS_MAX, &events);
	ctx_kv(c, "processes", "%d", fr.forked + 1);
	ctx_kv(c, "fork_errno", "%s", fr.err ? errname(fr.err) : "none");
	ctx_kv(c, "pids.events max", "%llu", (unsigned long long)events);
	return ctx_holds(
		c, fr.forked + 1 == PIDS_MAX && fr.err == EAGAIN && events >= 1,
		"%d processes, then fork %s; pids.events max=%llu",
		fr.forked + 1, fr.err ? errname(fr.err) : "never refused",
		(unsigned long long)events);
}

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

static enum obs pids_parent_caps_child(struct ctx *c)
{
	_cleanup_cg_group_ struct cg_group par = { 0 }, kid = { 0 };
	struct fork_try t = { &kid, PARENT_MAX + 1 };
	struct fork_result fr;
	uint64_t ev_par = 0, ev_kid = 0, kid_max = 0;
	bool on_anc;
	int st;

	CGS_NEED_GROUP(c);
	/* 1. parent/child, pids enabled top-down (v2) for the child. */
	TRY(c, cg_group_child(c->cg, "parent", &par), "create parent cgroup");
	TRY(c, cg_group_enable(&par, CG_BIT(CG_PIDS)), "enable pids below");
	TRY(c, cg_group_child(&par, "child", &kid), "create child cgroup");
	CGS_NEED(c, &kid, CGK_PIDS_EVENTS_MAX);
	/* 2. The limit on the parent only; the child keeps "max". */
	if (c->isolate)
		CGS_SET(c, &par, CGK_PIDS_MAX, PARENT_MAX);
	CGS_GET(c, &kid, CGK_PIDS_MAX, &kid_max);
	/* 3. Fork in the child cgroup until refused. */
	TRY(c, legacy_run_in_child(0, fork_until_fail, &t, &fr, sizeof(fr), &st),
	    "fork in the child cgroup");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "forking process exited %d",
				 exit_code_of(st));
	CGS_GET(c, &par, CGK_PIDS_EVENTS_MAX, &ev_par);
	CGS_GET(c, &kid, CGK_PIDS_EVENTS_MAX, &ev_kid);
	on_anc = events_on_ancestor(&par);
	ctx_kv(c, "child pids.max", "%s",
	       kid_max == CG_VAL_MAX ? "max" : "a number");
	ctx_kv(c, "processes", "%d", fr.forked + 1);
	ctx_kv(c, "fork_errno", "%s", fr.err ? errname(fr.err) : "none");
	ctx_kv(c, "parent pids.events max", "%llu", (unsigned long long)ev_par);
	ctx_kv(c, "child pids.events max", "%llu", (unsigned long long)ev_kid);
	ctx_kv(c, "event expected in", "%s",
	       on_anc ? "parent (limiting ancestor)"
		      : "child (forking cgroup)");
	return ctx_holds(
		c,
		kid_max == CG_VAL_MAX && fr.forked + 1 == PARENT_MAX &&
			fr.err == EAGAIN && (on_anc ? ev_par : ev_kid) >= 1,
		"%d processes in the child, then fork %s; "
		"pids.events max: parent=%llu child=%llu",
		fr.forked + 1, fr.err ? errname(fr.err) : "never refused",
		(unsigned long long)ev_par, (unsigned long long)ev_kid);
}

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

	closep(&a->hold->wr); /* only the scenario may hold it open */
	for (;;) {
		pid_t p;
		if (__atomic_add_fetch(&b->spawned, 1, __ATOMIC_SEQ_CST) >
		    BOMB_BUDGET) {
			__atomic_sub_fetch(&b->spawned, 1, __ATOMIC_SEQ_CST);
			break;
		}
		p = fork();
		if (p < 0) {
			__atomic_sub_fetch(&b->spawned, 1, __ATOMIC_SEQ_CST);
			__atomic_add_fetch(errno == EAGAIN ? &b->eagain
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

/* Can this process (outside the bomb's cgroup) still fork? */
static bool host_can_fork(void)
{
	pid_t p = fork();
	int st;

	if (p == 0)
		_exit(0);
	return p > 0 && wait_status(p, &st) == 0 && exit_code_of(st) == 0;
}

static enum obs pids_fork_bomb(struct ctx *c)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT, done = CHAN_INIT;
	_cleanup_cg_group_ struct cg_group g = { 0 };
	struct bomb *b;
	struct bomb_arg a = { .hold = &hold, .done = &done };
	uint64_t cur = 0;
	bool host_ok;
	pid_t root;
	int r;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "bomb", &g), "create the bomb's cgroup");
	CGS_NEED(c, &g, CGK_PIDS_CURRENT);
	if (c->isolate)
		CGS_SET(c, &g, CGK_PIDS_MAX, BOMB_MAX);
	/* Orphaned bombers come back to us to be reaped, not to PID 1. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	TRY(c, chan_open(&hold), "pipe");
	TRY(c, chan_open(&done), "pipe");
	a.b = b = cgs_shared(sizeof(*b));
	if (!b)
		return ctx_error(c, -ENOMEM, "shared counters");
	b->spawned = 1;
	/* 1. Start the bomb in its cgroup; 2. wait until it settles. */
	root = TRY(c, cgs_fork_in(&g, bomber, &a), "start the bomb");
	r = bomb_settle(b, &done);
	/* 3. While it holds every pid it could get, fork from outside. */
	host_ok = host_can_fork();
	cg_get(&g, CGK_PIDS_CURRENT, &cur);
	ctx_kv(c, "bomb processes", "%d", b->spawned);
	ctx_kv(c, "pids.current", "%llu", (unsigned long long)cur);
	ctx_kv(c, "forks refused EAGAIN", "%d", b->eagain);
	ctx_kv(c, "forks refused other", "%d", b->other);
	ctx_kv(c, "host fork", "%s", host_ok ? "ok" : "failed");
	/* 4. Release the bomb and reap it. */
	chan_close(&hold);
	r = r ?: wait_status(root, NULL);
	cg_group_kill(&g); /* empty now: what is left is dying */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	enum obs o = ctx_holds(
		c, r == 0 && b->eagain > 0 && cur <= BOMB_MAX && host_ok,
		"bomb of %d processes (pids.current=%llu), %d forks refused "
		"with EAGAIN; host fork %s",
		b->spawned, (unsigned long long)cur, b->eagain,
		host_ok ? "ok" : "failed");
	cgs_unshare(b, sizeof(*b));
	return o;
}

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
		.run = pids_max_fork_fails,
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
		.run = pids_parent_caps_child,
	},
	{
		.id = "cgroup/pids-fork-bomb-contained",
		.title = "a fork bomb in a pids-limited cgroup is contained",
		.property =
			"a fork bomb in a cgroup with pids.max=12 stays at 12 "
			"processes, its forks fail with EAGAIN, and a process "
			"outside can still fork",
		.expect = "pids.current<=12, forks refused with EAGAIN, host "
			  "fork ok",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "cgroup", "core" },
		.run = pids_fork_bomb,
	},
};

BOXCHECK_AREA(cgroup_pids, cgroup_pids);
