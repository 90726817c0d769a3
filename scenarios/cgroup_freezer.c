// SPDX-License-Identifier: MIT
/*
 * cgroup freezer (v1 freezer.state or v2 cgroup.freeze) and cgroup.kill.
 * On hybrid hosts the v2 files work too: our processes sit in a v2 group.
 */
#include "cgroup_util.h"

#include <string.h>

#define STILL_MS 50   /* a frozen process must not move in this window */
#define STATE_MS 2000 /* bound on waiting for the kernel's state change */
#define N_VICTIMS 3

/* Count as fast as we can, in shared memory the scenario reads. */
static int spinner(void *arg)
{
	volatile unsigned long *n = arg;

	for (;;)
		(*n)++;
	return 0;
}

/* Wait until the counter moves past v: true if it did within ms. */
static bool moves(volatile unsigned long *n, unsigned long v, int ms)
{
	double end = cgs_now() + ms / 1000.0;

	while (cgs_now() < end) {
		if (*n != v)
			return true;
		cgs_sleep_ms(1);
	}
	return *n != v;
}

static enum obs freezer_stops_thaws(struct ctx *c)
{
	_cleanup_reap_ pid_t pid = -1; /* after the group: thawed first */
	_cleanup_cg_group_ struct cg_group f = { 0 };
	volatile unsigned long *n;
	unsigned long c1, c2;
	uint64_t state = 0;
	bool frozen = false, still, resumed;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "frozen", &f), "create cgroup");
	CGS_NEED(c, &f, CGK_FREEZE);
	CGS_NEED(c, &f, CGK_FROZEN);
	n = cgs_shared(sizeof(*n));
	if (!n)
		return ctx_error(c, -ENOMEM, "shared counter");
	pid = TRY(c, cgs_fork_in(&f, spinner, (void *)n), "start a spinner");
	if (!moves(n, 0, STATE_MS))
		return ctx_error(c, 0, "the spinner never ran");
	/* 1. Freeze (isolated run only) and wait for the state to say so. */
	if (c->isolate) {
		CGS_SET(c, &f, CGK_FREEZE, 1);
		frozen = cgs_wait(&f, CGK_FROZEN, 1, STATE_MS) == 0;
	}
	CGS_GET(c, &f, CGK_FROZEN, &state);
	/* 2. No progress while frozen. */
	c1 = *n;
	still = !moves(n, c1, STILL_MS);
	c2 = *n;
	/* 3. Thaw: it runs again. */
	if (c->isolate) {
		CGS_SET(c, &f, CGK_FREEZE, 0);
		cgs_wait(&f, CGK_FROZEN, 0, STATE_MS);
	}
	resumed = moves(n, c2, STATE_MS);
	ctx_kv(c, "state while frozen", "%s",
	       state == 1 ? "frozen" : (state == 2 ? "freezing" : "thawed"));
	ctx_kv(c, "count over 50 ms", "%lu -> %lu", c1, c2);
	ctx_kv(c, "after thaw", "%s", resumed ? "running" : "stuck");
	cgs_unshare((void *)n, sizeof(*n));
	return ctx_holds(c, frozen && state == 1 && still && resumed,
			 "state %s, %s for %d ms, %s after thaw",
			 state == 1 ? "frozen" : "not frozen",
			 still ? "no progress" : "progress", STILL_MS,
			 resumed ? "running" : "stuck");
}

static enum obs kill_all(struct ctx *c)
{
	_cleanup_cg_group_ struct cg_group k = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	pid_t pids[N_VICTIMS];
	int killed = 0, n = 0, left;
	uint64_t populated = 1;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "doomed", &k), "create cgroup");
	CGS_NEED(c, &k, CGK_KILL);
	TRY(c, chan_open(&hold), "pipe");
	for (; n < N_VICTIMS; n++) {
		pids[n] = cgs_fork_in(&k, cgs_hold, &hold);
		if (pids[n] < 0)
			break;
	}
	/* 1. One write kills them all (isolated run only). */
	if (n == N_VICTIMS && c->isolate)
		CGS_SET(c, &k, CGK_KILL, 1);
	left = cgs_wait_empty(cg_group_unified(&k), c->isolate ? STATE_MS : 0);
	left = left == -ETIMEDOUT ? cg_dir_nprocs(cg_group_unified(&k)) : 0;
	cg_get(&k, CGK_POPULATED, &populated);
	/* 2. Release whoever is left, then see how each one ended. */
	chan_close(&hold);
	for (int i = 0; i < n; i++) {
		int st;
		if (wait_status(pids[i], &st) == 0 && WIFSIGNALED(st) &&
		    WTERMSIG(st) == SIGKILL)
			killed++;
	}
	if (n < N_VICTIMS)
		return ctx_error(c, pids[n], "start the processes");
	ctx_kv(c, "processes", "%d", N_VICTIMS);
	ctx_kv(c, "killed by SIGKILL", "%d", killed);
	ctx_kv(c, "left in cgroup", "%d", left);
	ctx_kv(c, "populated", "%llu", (unsigned long long)populated);
	return ctx_holds(c, killed == N_VICTIMS && left == 0 && !populated,
			 "%d of %d processes killed by SIGKILL, populated=%llu",
			 killed, N_VICTIMS, (unsigned long long)populated);
}

static const struct scenario cgroup_freezer[] = {
	{
		.id = "cgroup/freezer-stops-thaws",
		.title = "the freezer stops a process and thaws it",
		.property = "after freezing its cgroup a busy process reads as "
			    "frozen and makes no progress for 50 ms; after "
			    "thawing it runs again",
		.expect = "state frozen, no progress, running after thaw",
		.req = { .root = true },
		.tags = { "cgroup" },
		.timeout_s = 10,
		.run = freezer_stops_thaws,
	},
	{
		.id = "cgroup/kill-kills-all",
		.title = "cgroup.kill kills every process inside",
		.property = "one write of 1 to cgroup.kill kills all three "
			    "processes of the cgroup with SIGKILL and leaves "
			    "it unpopulated",
		.expect = "3 of 3 processes killed by SIGKILL, populated=0",
		.req = { .root = true },
		.tags = { "cgroup", "v2" },
		.timeout_s = 10,
		.run = kill_all,
	},
};

BOXCHECK_AREA(cgroup_freezer, cgroup_freezer);
