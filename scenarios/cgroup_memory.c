// SPDX-License-Identifier: MIT
/* cgroup memory controller: the limit's OOM kill, and page accounting. */
#include "cgroup_util.h"

#include <string.h>
#include <sys/mman.h>

#define MIB (1024ull * 1024)
#define OOM_LIMIT (8 * MIB)
#define OOM_HOG (64 * MIB) /* touched in the control too: keep it small */
#define USAGE_PAGES 2048   /* 8 MiB of 4 KiB pages */

static int hog(void *arg)
{
	(void)arg;
	return cgs_touch_pages(OOM_HOG) < 0 ? 3 : 0;
}

/*
 * v2 memory.swap.max is swap alone; v1 memory.memsw.limit_in_bytes is
 * memory plus swap. Either way: no swap, so the limit cannot be dodged.
 * Without swap accounting (no such file) the host's swap stays usable.
 */
static int forbid_swap(struct ctx *c, const struct cg_group *g, uint64_t limit)
{
	const struct cg_layout *l = g->layout;
	int v = l->hier[l->by_ctrl[CG_MEMORY]].version;
	int r = cg_set(g, CGK_MEM_SWAP_MAX, v == 1 ? limit : 0);

	ctx_kv(c, "swap", "%s",
	       r == 0		    ? "none allowed"
	       : cg_knob_missing(r) ? "not accounted"
				    : "limit write failed");
	return cg_knob_missing(r) ? 0 : r;
}

/* How a child we waited for ended: killed (SIGKILL), done (exit 0), or else. */
static int fate(struct ctx *c, pid_t pid, const char *who, bool *killed)
{
	char how[64];
	int st;

	TRY(c, wait_status(pid, &st), who);
	*killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	if (!*killed && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		return ctx_error(c, 0, "%s %s", who,
				 cgs_status(st, how, sizeof(how)));
	return 0;
}

struct oom_seen {
	bool hog_killed; /* the hog died of SIGKILL (else it finished) */
	bool by_killed;	 /* the bystander died of SIGKILL (else it lived) */
	uint64_t kills, side_kills; /* oom_kill of their cgroups */
	uint64_t fails;		    /* the hog's cgroup: limit hits */
};

static int observe_oom(struct ctx *c, struct oom_seen *o)
{
	_cleanup_reap_ pid_t by = -1, pid = -1;
	_cleanup_cg_group_ struct cg_group m = { 0 }, side = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "oom", &m), "create the limited cgroup");
	TRY(c, cg_group_child(c->cg, "bystander", &side),
	    "create a sibling cgroup");
	TRY_OBS(cgs_need(c, &m, CGK_MEM_MAX));
	TRY_OBS(cgs_need(c, &m, CGK_MEM_OOM_KILL));
	TRY_OBS(cgs_need(c, &m, CGK_MEM_FAILCNT));
	TRY_OBS(cgs_get(c, &m, CGK_MEM_OOM_KILL, &o->kills)); /* has the line */
	/* 1. A few MiB, no swap: the hog cannot fit. */
	if (c->isolate) {
		TRY_OBS(cgs_set(c, &m, CGK_MEM_MAX, OOM_LIMIT));
		TRY(c, forbid_swap(c, &m, OOM_LIMIT), "forbid swap");
	}
	/* 2. A bystander in a sibling cgroup, blocked until we go. */
	TRY(c, chan_open(&hold), "pipe");
	by = TRY(c, cgs_fork_in(&side, cgs_hold, &hold), "start bystander");
	/* 3. The hog touches more than the limit; we wait and see. */
	pid = TRY(c, cgs_fork_in(&m, hog, NULL), "start the hog");
	TRY_OBS(fate(c, TAKE_PID(pid), "the hog", &o->hog_killed));
	/* 4. What each cgroup counted; then how the bystander ends. */
	TRY_OBS(cgs_get(c, &m, CGK_MEM_OOM_KILL, &o->kills));
	TRY_OBS(cgs_get(c, &side, CGK_MEM_OOM_KILL, &o->side_kills));
	TRY_OBS(cgs_get(c, &m, CGK_MEM_FAILCNT, &o->fails));
	chan_close(&hold);
	return fate(c, TAKE_PID(by), "the bystander", &o->by_killed);
}

static enum obs judge_oom(struct judge *j, const struct oom_seen *o)
{
	judge_kv(j, "hog", "%s", o->hog_killed ? "killed by SIGKILL" : "done");
	judge_kv(j, "oom_kill", "%llu", (unsigned long long)o->kills);
	judge_kv(j, "limit hits", "%llu", (unsigned long long)o->fails);
	judge_kv(j, "bystander", "%s", o->by_killed ? "killed" : "alive");
	judge_kv(j, "bystander oom_kill", "%llu",
		 (unsigned long long)o->side_kills);
	/* A kill the counter does not show, or a count with no kill. */
	if (o->hog_killed != (o->kills > 0))
		return judge_unknown(j, "the hog was %s, but oom_kill=%llu",
				     o->hog_killed ? "killed" : "not killed",
				     (unsigned long long)o->kills);
	if (o->by_killed != (o->side_kills > 0))
		return judge_unknown(j,
				     "the bystander was %s, but its "
				     "oom_kill=%llu",
				     o->by_killed ? "killed" : "not killed",
				     (unsigned long long)o->side_kills);
	return judge_holds(j,
			   o->hog_killed && o->kills >= 1 && !o->by_killed &&
				   !o->side_kills,
			   "hog %s, oom_kill=%llu in its cgroup; bystander %s, "
			   "oom_kill=%llu in its own",
			   o->hog_killed ? "OOM-killed" : "survived",
			   (unsigned long long)o->kills,
			   o->by_killed ? "dead" : "alive",
			   (unsigned long long)o->side_kills);
}
CHECK(memory_oom_contained, struct oom_seen, observe_oom, judge_oom);

/* The toucher and the scenario take turns over two pipes. */
struct turns {
	struct chan go, done;
};

static int toucher(void *arg)
{
	struct turns *t = arg;
	int v = 0;

	closep(&t->go.wr);
	closep(&t->done.rd);
	if (chan_recv_int(&t->go, &v) < 0)
		return 1;
	v = cgs_touch_pages((size_t)USAGE_PAGES * sysconf(_SC_PAGESIZE));
	if (chan_send_int(&t->done, v) < 0)
		return 1;
	return chan_recv_int(&t->go, &v) == -EPIPE ? 0 : 1;
}

struct usage_seen {
	uint64_t before, after; /* the cgroup's memory usage, bytes */
	long page, ncpu;	/* host facts */
};

static int observe_usage(struct ctx *c, struct usage_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group u = { 0 }, other = { 0 };
	_cleanup_chan_ struct chan go = CHAN_INIT, done = CHAN_INIT;
	struct turns t;
	bool killed;
	int v;

	o->page = sysconf(_SC_PAGESIZE);
	o->ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "usage", &u), "create cgroup");
	TRY(c, cg_group_child(c->cg, "other", &other), "create cgroup");
	TRY_OBS(cgs_need(c, &u, CGK_MEM_CURRENT));
	TRY(c, chan_open(&go), "pipe");
	TRY(c, chan_open(&done), "pipe");
	t = (struct turns){ go, done };
	/*
	 * 1. The toucher joins the group (isolated) or its sibling: a fresh
	 * cgroup either way, so its charges never come out of the per-CPU
	 * stock already charged to ours (the parent), whose reading (the
	 * cg-stats-parent mutant) then grows by all N in both runs.
	 */
	pid = TRY(c, cgs_fork_in(c->isolate ? &u : &other, toucher, &t),
		  "start the toucher");
	close(TAKE_FD(go.rd));
	close(TAKE_FD(done.wr));
	/* 2. Usage before; 3. it touches N pages; 4. usage after. */
	TRY_OBS(cgs_get(c, &u, CGK_MEM_CURRENT, &o->before));
	TRY(c, chan_send_int(&go, 0), "start touching");
	TRY(c, chan_recv_int(&done, &v), "wait for touching");
	TRY(c, v, "mmap in the toucher");
	TRY_OBS(cgs_get(c, &u, CGK_MEM_CURRENT, &o->after));
	/* 5. Release the toucher: it leaves on its own. */
	chan_close(&go);
	TRY_OBS(fate(c, TAKE_PID(pid), "the toucher", &killed));
	return killed ? ctx_error(c, 0, "the toucher was killed") : 0;
}

static enum obs judge_usage(struct judge *j, const struct usage_seen *o)
{
	long delta = ((long)o->after - (long)o->before) / o->page;
	/*
	 * Charges move in per-CPU batches of up to 64 pages, and page
	 * tables are charged too: a loose window around N.
	 */
	long lo = USAGE_PAGES - 64 * o->ncpu - 16;
	long hi = USAGE_PAGES + USAGE_PAGES / 8 + 64 * o->ncpu + 64;

	judge_kv(j, "pages touched", "%d", USAGE_PAGES);
	judge_kv(j, "usage before", "%llu", (unsigned long long)o->before);
	judge_kv(j, "usage after", "%llu", (unsigned long long)o->after);
	judge_kv(j, "usage delta pages", "%ld", delta);
	judge_kv(j, "accepted pages", "%ld..%ld", lo, hi);
	return judge_holds(j, delta >= lo && delta <= hi,
			   "usage grew by %ld pages after touching %d", delta,
			   USAGE_PAGES);
}
CHECK(memory_usage_pages, struct usage_seen, observe_usage, judge_usage);

static const struct scenario cgroup_memory[] = {
	{
		.id = "cgroup/memory-oom-kill-contained",
		.title = "exceeding the memory limit OOM-kills inside the "
			 "cgroup only",
		.property =
			"a process touching 64 MiB in a cgroup limited to 8 "
			"MiB "
			"(no swap) is OOM-killed, the cgroup's events count "
			"oom_kill, and a process in a sibling cgroup lives on",
		.expect = "hog OOM-killed, oom_kill>=1; bystander alive",
		.req = { .root = true, .ctrls = CG_BIT(CG_MEMORY) },
		.tags = { "cgroup", "core" },
		.check = &memory_oom_contained,
	},
	{
		.id = "cgroup/memory-usage-pages",
		.title = "memory usage grows by the pages touched",
		.property =
			"after a process in the cgroup touches N fresh pages, "
			"the cgroup's memory usage has grown by about N pages",
		.expect = "usage grew by about 2048 pages",
		.req = { .root = true, .ctrls = CG_BIT(CG_MEMORY) },
		.tags = { "cgroup" },
		.check = &memory_usage_pages,
	},
};

BOXCHECK_AREA(cgroup_memory, cgroup_memory);
