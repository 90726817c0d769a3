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

/* Wait for a state change the action asked for: a timeout is observed. */
static int wait_state(const struct cg_group *g, uint64_t want)
{
	int r = cgs_wait(g, CGK_FROZEN, want, STATE_MS);

	return r == -ETIMEDOUT ? 0 : r;
}

struct freeze {
	uint64_t state;	      /* after the freeze step: 1 frozen, 2 freezing */
	bool moved;	      /* the process progressed in the still window */
	unsigned long c1, c2; /* its count at the window's start and end */
	uint64_t state_after; /* after the thaw step */
	bool resumed;	      /* it progressed after the thaw step */
};

static int observe_freeze(struct ctx *c, struct freeze *o)
{
	_cleanup_reap_ pid_t pid = -1; /* after the group: thawed first */
	_cleanup_cg_group_ struct cg_group f = { 0 };
	_cleanup_counter_ volatile unsigned long *n = NULL;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "frozen", &f), "create cgroup");
	TRY_OBS(cgs_need(c, &f, CGK_FREEZE));
	TRY_OBS(cgs_need(c, &f, CGK_FROZEN));
	n = cgs_counter();
	if (!n)
		return ctx_error(c, -ENOMEM, "shared counter");
	pid = TRY(c, cgs_fork_in(&f, cgs_spin, (void *)n), "start a spinner");
	if (!cgs_moves(n, 0, STATE_MS))
		return ctx_error(c, 0, "the spinner never ran");
	/* 1. Freeze, and let the kernel finish (the isolated run only). */
	if (c->isolate) {
		TRY_OBS(cgs_set(c, &f, CGK_FREEZE, 1));
		TRY(c, wait_state(&f, 1), "wait for the frozen state");
	}
	/* 2. The state, and whether the process moves for STILL_MS. */
	TRY_OBS(cgs_get(c, &f, CGK_FROZEN, &o->state));
	o->c1 = *n;
	o->moved = cgs_moves(n, o->c1, STILL_MS);
	o->c2 = *n;
	/* 3. Thaw (the isolated run only); the state; does it run again? */
	if (c->isolate) {
		TRY_OBS(cgs_set(c, &f, CGK_FREEZE, 0));
		TRY(c, wait_state(&f, 0), "wait for the thawed state");
	}
	TRY_OBS(cgs_get(c, &f, CGK_FROZEN, &o->state_after));
	o->resumed = cgs_moves(n, *n, STATE_MS);
	/* A spinner that died would read as stopped: it must still be there. */
	return cgs_alive(c, &pid, "the spinner");
}

static const char *state_name(uint64_t s)
{
	static const char *const names[] = { "thawed", "frozen", "freezing" };

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

/* Frozen by behaviour (no progress) and by the cgroup's own state. */
static enum obs judge_freeze(struct judge *j, const struct freeze *o)
{
	judge_kv(j, "state", "%s", state_name(o->state));
	judge_kv(j, "count over 50 ms", "%lu -> %lu", o->c1, o->c2);
	judge_kv(j, "state after thaw", "%s", state_name(o->state_after));
	judge_kv(j, "after thaw", "%s", o->resumed ? "running" : "stuck");
	if ((o->state == 1 && o->moved) || (o->state_after == 1 && o->resumed))
		return judge_unknown(j, "the freezer state reads frozen, but "
					"the process ran");
	return judge_holds(
		j,
		o->state == 1 && !o->moved && o->resumed && o->state_after == 0,
		"state %s, %s for %d ms, %s after thaw (state %s)",
		state_name(o->state), o->moved ? "progress" : "no progress",
		STILL_MS, o->resumed ? "running" : "stuck",
		state_name(o->state_after));
}
CHECK(freezer_stops_thaws, struct freeze, observe_freeze, judge_freeze);

struct kill_seen {
	int killed; /* victims that died of SIGKILL */
	int exited; /* victims that exited when released: alive till then */
	int left;   /* processes in the cgroup after the kill step */
	uint64_t populated;
};

/* Release the victims, then see how each one ended. */
static int victims_end(struct ctx *c, struct chan *hold, pid_t *pids,
		       struct kill_seen *o)
{
	char how[64];
	int st;

	chan_close(hold);
	for (int i = 0; i < N_VICTIMS; i++) {
		TRY(c, wait_status(pids[i], &st), "wait for a process");
		pids[i] = -1;
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
			o->killed++;
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			o->exited++;
		else
			return ctx_error(c, 0, "process %d of the cgroup %s",
					 i + 1,
					 cgs_status(st, how, sizeof(how)));
	}
	return 0;
}

static int observe_kill(struct ctx *c, struct kill_seen *o)
{
	_cleanup_cg_group_ struct cg_group k = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	pid_t pids[N_VICTIMS];
	const char *dir;
	int r;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "doomed", &k), "create cgroup");
	TRY_OBS(cgs_need(c, &k, CGK_KILL));
	TRY_OBS(cgs_need(c, &k, CGK_POPULATED));
	dir = cg_group_unified(&k);
	TRY(c, chan_open(&hold), "pipe");
	for (int i = 0; i < N_VICTIMS; i++)
		pids[i] = TRY(c, cgs_fork_in(&k, cgs_hold, &hold),
			      "start the processes");
	/* 1. One write kills them all (the isolated run only). */
	if (c->isolate) {
		TRY_OBS(cgs_set(c, &k, CGK_KILL, 1));
		r = cgs_wait_empty(dir, STATE_MS);
		TRY(c, r == -ETIMEDOUT ? 0 : r, "wait for the cgroup to empty");
	}
	/* 2. What the cgroup holds now, then how each process ended. */
	o->left = TRY(c, cgs_nprocs(dir), "count the processes left");
	TRY_OBS(cgs_get(c, &k, CGK_POPULATED, &o->populated));
	return victims_end(c, &hold, pids, o);
}

static enum obs judge_kill(struct judge *j, const struct kill_seen *o)
{
	judge_kv(j, "processes", "%d", N_VICTIMS);
	judge_kv(j, "killed by SIGKILL", "%d", o->killed);
	judge_kv(j, "alive until released", "%d", o->exited);
	judge_kv(j, "left in cgroup", "%d", o->left);
	judge_kv(j, "populated", "%llu", (unsigned long long)o->populated);
	/* Those that lived until released were in the cgroup when counted. */
	if (o->exited > o->left || (o->left > 0) != (o->populated != 0))
		return judge_unknown(
			j,
			"%d processes outlived the kill step, "
			"but the cgroup counted %d, populated=%llu",
			o->exited, o->left, (unsigned long long)o->populated);
	return judge_holds(
		j, o->killed == N_VICTIMS && !o->left && !o->populated,
		"%d of %d processes killed by SIGKILL, populated=%llu",
		o->killed, N_VICTIMS, (unsigned long long)o->populated);
}
CHECK(kill_all, struct kill_seen, observe_kill, judge_kill);

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
		.check = &freezer_stops_thaws,
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
		.check = &kill_all,
	},
};

BOXCHECK_AREA(cgroup_freezer, cgroup_freezer);
