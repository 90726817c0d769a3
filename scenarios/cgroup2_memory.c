// SPDX-License-Identifier: MIT
/*
 * cgroup v2 memory controller in depth (admin-guide/cgroup-v2.rst,
 * "Memory"): memory.high throttles where memory.max would kill,
 * memory.oom.group kills the whole group, lowering memory.max below the
 * usage kills at once. No swap anywhere: the limits cannot be dodged.
 */
#include "cgroup_util.h"

#include <string.h>

#define MIB (1024ull * 1024)
#define HIGH (8 * MIB)	    /* memory.high; the process grows 3% over */
#define OOM_LIMIT (8 * MIB) /* memory.max of the OOM scenarios */
#define OOM_HOG (64 * MIB)
#define N_BY 2		     /* bystanders of the group kill */
#define SHRINK_USE (8 * MIB) /* in use when memory.max is lowered */
#define SHRINK_MAX (2 * MIB)

static int mem_child(struct ctx *c, const struct cg_group *of, const char *name,
		     struct cg_group *g)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(of, name, CG_BIT(CG_MEMORY), g), name);
	TRY_OBS(cgs_need(c, g, CGK_MEM_MAX));
	/* No swap for it, where swap is accounted: nothing dodges a limit. */
	int r = cg_set(g, CGK_MEM_SWAP_MAX, 0);
	return r < 0 && !cg_knob_missing(r)
		       ? ctx_error(c, r, "write 0 to memory.swap.max")
		       : 0;
}

static const char *sig_name(int sig)
{
	return sig ? sigabbrev_np(sig) ?: "?" : "none";
}

struct high_seen {
	int sig;		  /* how the process ended (0: exit 0) */
	uint64_t high, oom_kills; /* memory.events high, oom_kill */
	double ms;		  /* how long it took */
};

static int observe_high(struct ctx *c, struct high_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 };
	struct cgs_grow grow = { .target = HIGH + HIGH / 32, .max = 2 * HIGH };
	double t0;

	TRY_OBS(mem_child(c, c->cg, "high", &g));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_HIGH));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_EV_HIGH));
	TRY_OBS(cgs_set(c, &g, CGK_MEM_MAX, 2 * HIGH));
	/* 1. The soft limit below the hard one (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_MEM_HIGH, HIGH));
	/* 2. A process grows 3% past it, staying under memory.max. */
	grow.dir = cg_group_unified(&g);
	t0 = cgs_now();
	pid = TRY(c, cgs_fork_in(&g, cgs_grow_fn, &grow), "start the process");
	TRY_OBS(cgs_reap(c, TAKE_PID(pid), "the process", &o->sig));
	o->ms = (cgs_now() - t0) * 1000;
	/* 3. What the cgroup counted. */
	TRY_OBS(cgs_get(c, &g, CGK_MEM_EV_HIGH, &o->high));
	return cgs_get(c, &g, CGK_MEM_OOM_KILL, &o->oom_kills);
}

static enum obs judge_high(struct judge *j, const struct high_seen *o)
{
	judge_kv(j, "process", "%s", o->sig ? sig_name(o->sig) : "done");
	judge_kv(j, "memory.events high", "%llu", (unsigned long long)o->high);
	judge_kv(j, "oom_kill", "%llu", (unsigned long long)o->oom_kills);
	judge_kv(j, "took ms", "%.0f", o->ms);
	if ((o->sig == SIGKILL) != (o->oom_kills > 0))
		return judge_unknown(j, "process %s, oom_kill=%llu",
				     sig_name(o->sig),
				     (unsigned long long)o->oom_kills);
	return judge_holds(j, !o->sig && o->high > 0 && !o->oom_kills,
			   "grown 3%% past the soft limit: process %s, "
			   "high=%llu, oom_kill=%llu",
			   o->sig ? "killed" : "alive",
			   (unsigned long long)o->high,
			   (unsigned long long)o->oom_kills);
}
CHECK(memory_high, struct high_seen, observe_high, judge_high);

struct group_seen {
	int hog, by[N_BY];    /* how each ended */
	uint64_t group_kills; /* memory.events oom_group_kill, if kept */
};

static int hog_fn(void *arg)
{
	(void)arg;
	return cgs_touch_pages(OOM_HOG) < 0 ? 3 : 0;
}

static int observe_group(struct ctx *c, struct group_seen *o)
{
	_cleanup_reap_ pid_t hog = -1, by0 = -1, by1 = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;

	TRY_OBS(mem_child(c, c->cg, "group", &g));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_OOM_GROUP));
	TRY_OBS(cgs_set(c, &g, CGK_MEM_MAX, OOM_LIMIT));
	/* 1. The group is one unit for the OOM killer (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_MEM_OOM_GROUP, 1));
	/* 2. Two small bystanders, then a hog, all in the cgroup. */
	TRY(c, chan_open(&hold), "pipe");
	by0 = TRY(c, cgs_fork_in(&g, cgs_hold, &hold), "start a bystander");
	by1 = TRY(c, cgs_fork_in(&g, cgs_hold, &hold), "start a bystander");
	hog = TRY(c, cgs_fork_in(&g, hog_fn, NULL), "start the hog");
	TRY_OBS(cgs_reap(c, TAKE_PID(hog), "the hog", &o->hog));
	/* 3. Release the bystanders: how did they end? */
	chan_close(&hold);
	TRY_OBS(cgs_reap(c, TAKE_PID(by0), "a bystander", &o->by[0]));
	TRY_OBS(cgs_reap(c, TAKE_PID(by1), "a bystander", &o->by[1]));
	if (cg_get(&g, CGK_MEM_EV_OOM_GROUP, &o->group_kills) < 0)
		o->group_kills = CG_VAL_MAX; /* an older kernel's file */
	return 0;
}

static enum obs judge_group(struct judge *j, const struct group_seen *o)
{
	int killed = (o->by[0] == SIGKILL) + (o->by[1] == SIGKILL);

	judge_kv(j, "hog", "%s", sig_name(o->hog));
	judge_kv(j, "bystanders killed", "%d of %d", killed, N_BY);
	if (o->group_kills != CG_VAL_MAX)
		judge_kv(j, "oom_group_kill", "%llu",
			 (unsigned long long)o->group_kills);
	if (o->hog != SIGKILL)
		return judge_unknown(j, "the hog was not OOM-killed (%s)",
				     sig_name(o->hog));
	/* Where the kernel counts group kills, the count must agree. */
	if (o->group_kills != CG_VAL_MAX &&
	    (o->group_kills > 0) != (killed > 0))
		return judge_unknown(j,
				     "%d bystanders killed, oom_group_kill="
				     "%llu",
				     killed,
				     (unsigned long long)o->group_kills);
	return judge_holds(j, killed == N_BY,
			   "hog OOM-killed, %d of %d bystanders of its cgroup "
			   "killed with it",
			   killed, N_BY);
}
CHECK(memory_oom_group, struct group_seen, observe_group, judge_group);

/* Grow to SHRINK_USE, say so, then wait for release. */
struct grown {
	struct cgs_grow grow;
	struct chan ready, hold;
};

static int grow_hold_fn(void *arg)
{
	struct grown *gr = arg;

	closep(&gr->ready.rd);
	if (chan_send_int(&gr->ready, cgs_grow_to(gr->grow.dir, gr->grow.target,
						  gr->grow.max)) < 0)
		return 1;
	return cgs_hold(&gr->hold);
}

struct shrink_seen {
	int sig;
	uint64_t oom_kills;
};

static int observe_shrink(struct ctx *c, struct shrink_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_chan_ struct chan ready = CHAN_INIT, hold = CHAN_INIT;
	struct grown gr = { .grow = { .target = SHRINK_USE,
				      .max = 2 * SHRINK_USE } };
	int r = 0;

	TRY_OBS(mem_child(c, c->cg, "shrink", &g));
	TRY(c, chan_open(&ready), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	gr.grow.dir = cg_group_unified(&g);
	gr.ready = ready;
	gr.hold = hold;
	pid = TRY(c, cgs_fork_in(&g, grow_hold_fn, &gr), "start a process");
	close(TAKE_FD(ready.wr));
	TRY(c, chan_recv_int(&ready, &r), "wait for its growth");
	TRY(c, r, "grow to 8 MiB");
	/* 1. The limit drops below what it uses (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_MEM_MAX, SHRINK_MAX));
	/* 2. Release it: did it live? */
	chan_close(&hold);
	TRY_OBS(cgs_reap(c, TAKE_PID(pid), "the process", &o->sig));
	return cgs_get(c, &g, CGK_MEM_OOM_KILL, &o->oom_kills);
}

static enum obs judge_shrink(struct judge *j, const struct shrink_seen *o)
{
	judge_kv(j, "process", "%s", o->sig ? sig_name(o->sig) : "alive");
	judge_kv(j, "oom_kill", "%llu", (unsigned long long)o->oom_kills);
	if ((o->sig == SIGKILL) != (o->oom_kills > 0))
		return judge_unknown(j, "process %s, oom_kill=%llu",
				     sig_name(o->sig),
				     (unsigned long long)o->oom_kills);
	return judge_holds(j, o->sig == SIGKILL,
			   "process using 8 MiB %s, oom_kill=%llu",
			   o->sig ? "killed" : "alive until released",
			   (unsigned long long)o->oom_kills);
}
CHECK(memory_max_shrink, struct shrink_seen, observe_shrink, judge_shrink);

#define MEM_V2                                                                 \
	{                                                                      \
		.root = true, .cgroup_version = 2, .ctrls = CG_BIT(CG_MEMORY)  \
	}

static const struct scenario cgroup2_memory[] = {
	{
		.id = "cgroup2/memory-high-throttles",
		.title = "memory.high throttles where memory.max would kill",
		.property = "a process growing 3% past its cgroup's "
			    "memory.high (memory.max twice as high) lives on: "
			    "memory.events counts high, and no OOM kill",
		.expect = "process alive, high>0, oom_kill=0",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_high,
	},
	{
		.id = "cgroup2/memory-oom-group",
		.title = "memory.oom.group kills the whole cgroup",
		.property = "with memory.oom.group=1, when a hog exceeds "
			    "memory.max the OOM killer also kills the two "
			    "small bystanders of its cgroup",
		.expect = "hog OOM-killed, 2 of 2 bystanders killed",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_oom_group,
	},
	{
		.id = "cgroup2/memory-max-shrink-kills",
		.title = "lowering memory.max below the usage OOM-kills",
		.property = "writing memory.max below what a cgroup's process "
			    "uses (2 MiB for 8 MiB of anonymous memory, no "
			    "swap) OOM-kills it at once",
		.expect = "process killed by SIGKILL, oom_kill>=1",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_max_shrink,
	},
};

BOXCHECK_AREA(cgroup2_memory, cgroup2_memory);
