// SPDX-License-Identifier: MIT
/*
 * The memory controller's interface files (admin-guide/cgroup-v2.rst,
 * "Memory Interface Files"): amounts are bytes kept to a page, a usage
 * over memory.max is reclaimed down to it, memory.reclaim reclaims on
 * demand (EAGAIN when it could not reclaim all asked), memory.min can
 * leave the OOM killer as the only way out and is capped and shared by
 * the ancestors', oom_score_adj -1000 survives a group kill, and
 * memory.events low counts reclaims below memory.low. The reclaimable
 * memory needs no swap: lazily freed pages (MADV_FREE).
 */
#include "cgctl_util.h"

#include <string.h>

#define UNALIGNED 1000000 /* bytes: not a multiple of any page size */
#define SHRINK_TO (4 * MIB)
#define LAZY (8 * MIB)
#define TOO_MUCH "64M" /* more than the cgroup could ever give back */
#define SOME "1M"
#define PARENT_MAX (12 * MIB)

static const char *const amounts[] = { "memory.max", "memory.high",
				       "memory.low", "memory.min" };

struct round_seen {
	uint64_t v[4]; /* the amounts read back */
	long page;
};

static int observe_round(struct ctx *c, struct round_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	const char *dir;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_mem_group(c, c->cg, "bytes", 0, &g));
	dir = cg_group_unified(&g);
	o->page = sysconf(_SC_PAGESIZE);
	/* 1. A number of bytes that is no page multiple (the isolated run). */
	for (int i = 0; i < 4; i++)
		if (c->isolate)
			TRY_OBS(cgx_set(c, dir, amounts[i], "1000000"));
	/* 2. What each file reads back. */
	for (int i = 0; i < 4; i++)
		TRY_OBS(cgx_get(c, dir, amounts[i], NULL, CGX_OWN, &o->v[i]));
	return 0;
}

static enum obs judge_round(struct judge *j, const struct round_seen *o)
{
	uint64_t p = (uint64_t)o->page, down = UNALIGNED / p * p;
	int ok = 0;

	for (int i = 0; i < 4; i++) {
		if (o->v[i] == CG_VAL_MAX)
			judge_kv(j, amounts[i], "max");
		else
			judge_kv(j, amounts[i], "%llu",
				 (unsigned long long)o->v[i]);
		ok += o->v[i] == down || o->v[i] == down + p;
	}
	judge_kv(j, "written", "%d", UNALIGNED);
	return judge_holds(j, ok == 4,
			   "%d of 4 amounts read back as %d bytes to a page "
			   "(%llu or %llu)",
			   ok, UNALIGNED, (unsigned long long)down,
			   (unsigned long long)down + p);
}
CHECK(memory_bytes, struct round_seen, observe_round, judge_round);

struct shrink_seen {
	uint64_t before, after; /* memory.current */
	long kept, all;		/* lazily freed pages intact */
};

static int observe_shrink(struct ctx *c, struct shrink_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_actor_ struct cgx_actor a = CGX_ACTOR_INIT;
	struct cgx_lazy l = { .len = LAZY };
	const char *dir;
	int n;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_mem_group(c, c->cg, "shrink", 0, &g));
	dir = cg_group_unified(&g);
	TRY_OBS(cgx_lazy_start(c, &g, &l, &a));
	TRY_OBS(cgx_get(c, dir, "memory.current", NULL, CGX_OWN, &o->before));
	/* 1. memory.max below the usage (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgx_set(c, dir, "memory.max", "4M"));
	/* 2. The usage once the write returned, and the pages. */
	TRY_OBS(cgx_get(c, dir, "memory.current", NULL, CGX_OWN, &o->after));
	TRY_OBS(cgx_actor_do(c, &a, CGX_LAZY_COUNT, "count the pages", &n));
	o->kept = n;
	o->all = cgx_pages(LAZY);
	return cgs_alive(c, &a.pid, "the process");
}

static enum obs judge_shrink(struct judge *j, const struct shrink_seen *o)
{
	judge_kv(j, "usage before", "%llu", (unsigned long long)o->before);
	judge_kv(j, "usage after", "%llu", (unsigned long long)o->after);
	judge_kv(j, "lazily freed pages kept", "%ld of %ld", o->kept, o->all);
	if (o->before <= SHRINK_TO)
		return judge_unknown(j, "the usage was only %llu bytes",
				     (unsigned long long)o->before);
	return judge_holds(j, o->after <= SHRINK_TO && o->kept < o->all,
			   "usage %llu -> %llu bytes (4 MiB limit), %ld of "
			   "%ld lazily freed pages kept, the process alive",
			   (unsigned long long)o->before,
			   (unsigned long long)o->after, o->kept, o->all);
}
CHECK(memory_max_down, struct shrink_seen, observe_shrink, judge_shrink);

struct ask {
	const char *dir, *amount;
	struct chan rep;
};

/* fn for cgs_fork_in: write the amount to memory.reclaim, send errno. */
static int ask_fn(void *arg)
{
	struct ask *a = arg;

	closep(&a->rep.rd);
	return chan_send_int(&a->rep, cgs_write_probe(a->dir, "memory.reclaim",
						      a->amount)) < 0;
}

struct reclaim_seen {
	int err;		/* the write's answer */
	uint64_t before, after; /* memory.current */
	long kept, all;
};

static int observe_reclaim(struct ctx *c, struct reclaim_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_actor_ struct cgx_actor a = CGX_ACTOR_INIT;
	_cleanup_chan_ struct chan rep = CHAN_INIT;
	struct cgx_lazy l = { .len = LAZY };
	struct ask ask = { .amount = c->isolate ? TOO_MUCH : SOME };
	pid_t pid;
	int n, sig;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_mem_group(c, c->cg, "reclaim", 0, &g));
	ask.dir = cg_group_unified(&g);
	TRY_OBS(cgx_need(c, ask.dir, "memory.reclaim"));
	TRY_OBS(cgx_lazy_start(c, &g, &l, &a));
	TRY_OBS(cgx_get(c, ask.dir, "memory.current", NULL, CGX_OWN,
			&o->before));
	/* 1. Ask for more than it holds (isolated) or for a little. */
	TRY(c, chan_open(&rep), "pipe");
	ask.rep = rep;
	pid = TRY(c, cgs_fork_in(&g, ask_fn, &ask), "start the asker");
	close(TAKE_FD(rep.wr));
	TRY(c, chan_recv_int(&rep, &o->err), "the answer to memory.reclaim");
	TRY_OBS(cgs_reap(c, pid, "the asker", &sig));
	/* 2. What went. */
	TRY_OBS(cgx_get(c, ask.dir, "memory.current", NULL, CGX_OWN,
			&o->after));
	TRY_OBS(cgx_actor_do(c, &a, CGX_LAZY_COUNT, "count the pages", &n));
	o->kept = n;
	o->all = cgx_pages(LAZY);
	return 0;
}

static enum obs judge_reclaim(struct judge *j, const struct reclaim_seen *o)
{
	double gone = ((double)o->before - (double)o->after) / MIB;

	judge_kv(j, "memory.reclaim write", "%s", cgx_err(o->err));
	judge_kv(j, "usage gone MiB", "%.1f", gone);
	judge_kv(j, "lazily freed pages kept", "%ld of %ld", o->kept, o->all);
	if (o->err && o->err != -EAGAIN)
		return judge_unknown(j, "memory.reclaim: %s", cgx_err(o->err));
	return judge_holds(
		j, o->err == -EAGAIN && gone >= 4 && o->kept < o->all / 2,
		"memory.reclaim %s; %.1f MiB gone, %ld of %ld "
		"lazily freed pages kept",
		cgx_err(o->err), gone, o->kept, o->all);
}
CHECK(memory_reclaim, struct reclaim_seen, observe_reclaim, judge_reclaim);

struct events_low_seen {
	int press;
	uint64_t low;	/* the protected child's memory.events low */
	long kept, all; /* its lazily freed pages intact */
};

static int observe_low(struct ctx *c, struct events_low_seen *o)
{
	_cleanup_squeeze_ struct cgx_squeeze s = CGX_SQUEEZE_INIT;
	int n;

	TRY_OBS(cgx_squeeze_start(c, &s, PARENT_MAX, "memory.low", 6 * MIB));
	/* 1. a's memory under memory.low (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgx_set(c, cg_group_unified(&s.a), "memory.low", "8M"));
	/* 2. b needs 10 MiB: only a's pages can make room. */
	TRY_OBS(cgx_press(c, &s.b, 10 * MIB, &o->press));
	TRY_OBS(cgx_actor_do(c, &s.lazy, CGX_LAZY_COUNT, "count", &n));
	o->kept = n;
	o->all = cgx_pages(6 * MIB);
	return cgx_get(c, cg_group_unified(&s.a), "memory.events", "low",
		       CGX_EVENT, &o->low);
}

static enum obs judge_low(struct judge *j, const struct events_low_seen *o)
{
	judge_kv(j, "pressure", "%s",
		 o->press ? sigabbrev_np(o->press) ?: "?" : "done");
	judge_kv(j, "memory.events low", "%llu", (unsigned long long)o->low);
	judge_kv(j, "lazily freed pages kept", "%ld of %ld", o->kept, o->all);
	if (o->press || o->kept == o->all)
		return judge_unknown(j, "pressure %s, %ld of %ld pages kept",
				     o->press ? "killed" : "done", o->kept,
				     o->all);
	return judge_holds(j, o->low > 0,
			   "reclaimed below its memory.low (%ld of %ld pages "
			   "kept): low=%llu",
			   o->kept, o->all, (unsigned long long)o->low);
}
CHECK(memory_events_low, struct events_low_seen, observe_low, judge_low);

#define MEM_V2                                                                 \
	{                                                                      \
		.root = true, .cgroup_version = 2, .ctrls = CG_BIT(CG_MEMORY)  \
	}

static const struct scenario cgroup2_memfiles[] = {
	{
		.id = "cgroup2/memory-bytes-page-rounded",
		.title = "memory amounts are bytes, kept to a page",
		.property = "1000000 bytes written to memory.max, high, low "
			    "and min read back as that amount rounded to a "
			    "multiple of the page size",
		.expect = "4 of 4 read back within a page",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_bytes,
	},
	{
		.id = "cgroup2/memory-max-reclaims-down",
		.title = "a usage over memory.max is reclaimed down to it",
		.property = "writing memory.max 4 MiB under a cgroup using 8 "
			    "MiB of lazily freed pages returns with the usage "
			    "at most 4 MiB, the pages reclaimed and the "
			    "process alive",
		.expect = "usage <= 4 MiB, pages reclaimed, process alive",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_max_down,
	},
	{
		.id = "cgroup2/memory-reclaim-eagain",
		.title = "memory.reclaim reclaims, EAGAIN when short",
		.property = "asking memory.reclaim for 64 MiB of a cgroup "
			    "holding 8 MiB of lazily freed pages reclaims "
			    "them (usage down by at least 4 MiB) and fails "
			    "with EAGAIN",
		.expect = "EAGAIN, >= 4 MiB gone",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_reclaim,
	},
	{
		.id = "cgroup2/memory-events-low",
		.title = "memory.events low counts reclaim below memory.low",
		.property = "when its sibling needs more than the parent's "
			    "memory.max leaves and nothing else is "
			    "reclaimable, a child's lazily freed pages are "
			    "reclaimed below its memory.low and its "
			    "memory.events low counts it",
		.expect = "pages reclaimed, low >= 1",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_events_low,
	},
};

BOXCHECK_AREA(cgroup2_memfiles, cgroup2_memfiles);
