// SPDX-License-Identifier: MIT
/*
 * Memory protection and the OOM killer (admin-guide/cgroup-v2.rst,
 * "memory.min", "memory.oom.group"): a protection that leaves nothing
 * reclaimable invokes the OOM killer; a child's memory.min is capped by
 * its parent's and, over-committed, shared in proportion to usage; a
 * group kill spares oom_score_adj -1000. No swap: the reclaimable memory
 * is lazily freed pages.
 */
#include "cgctl_util.h"

#include <string.h>

#define PARENT_MAX (12 * MIB)
#define TOP_MAX (16 * MIB) /* the over-commit scenario's limit */
#define LAZY_BIG (6 * MIB) /* its two children's lazily freed pages */
#define LAZY_SMALL (2 * MIB)
#define CAP "4M"	    /* their parent's memory.min */
#define CAP_SLACK (5 * MIB) /* kept at most: the cap and a little */
#define OOM_LIMIT "8M"
#define HOG (64 * MIB)

struct min_seen {
	int press;	   /* how the pressure ended */
	bool holder_alive; /* the protected child's process */
	uint64_t kills;	   /* the parent's memory.events oom_kill */
};

static int observe_min_oom(struct ctx *c, struct min_seen *o)
{
	_cleanup_squeeze_ struct cgx_squeeze s = CGX_SQUEEZE_INIT;
	int st;

	TRY_OBS(cgx_squeeze_start(c, &s, PARENT_MAX, "memory.min", 6 * MIB));
	/* 1. All of a's memory protected (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgx_set(c, cg_group_unified(&s.a), "memory.min", "8M"));
	/* 2. b needs 8 MiB: only a's lazily freed pages could make room. */
	TRY_OBS(cgx_press(c, &s.b, 8 * MIB, &o->press));
	o->holder_alive = waitpid(s.lazy.pid, &st, WNOHANG) == 0;
	return cgx_get(c, cg_group_unified(&s.p), "memory.events", "oom_kill",
		       CGX_EVENT, &o->kills);
}

static enum obs judge_min_oom(struct judge *j, const struct min_seen *o)
{
	bool killed = o->press == SIGKILL || !o->holder_alive;

	judge_kv(j, "pressure", "%s",
		 o->press ? sigabbrev_np(o->press) ?: "?" : "done");
	judge_kv(j, "protected process", "%s",
		 o->holder_alive ? "alive" : "dead");
	judge_kv(j, "parent oom_kill", "%llu", (unsigned long long)o->kills);
	if (killed != (o->kills > 0))
		return judge_unknown(j, "%s killed, oom_kill=%llu",
				     killed ? "a process" : "nobody",
				     (unsigned long long)o->kills);
	return judge_holds(j, o->kills > 0,
			   "with nothing else reclaimable: oom_kill=%llu",
			   (unsigned long long)o->kills);
}
CHECK(memory_min_oom, struct min_seen, observe_min_oom, judge_min_oom);

struct share_seen {
	long big, big_all; /* intact lazily freed pages of each child */
	long small, small_all;
	int press;
};

/* Both children ask 8 MiB of protection; their parent may have 4. */
struct shares {
	struct cg_group top, p, big, small, b;
	struct cgx_actor lb, ls;
};

static void shares_end(struct shares *s)
{
	cgx_actor_end(&s->lb);
	cgx_actor_end(&s->ls);
	cg_group_destroy(&s->b);
	cg_group_destroy(&s->small);
	cg_group_destroy(&s->big);
	cg_group_destroy(&s->p);
	cg_group_destroy(&s->top);
}

static int shares_start(struct ctx *c, struct shares *s)
{
	struct cgx_lazy lb = { .len = LAZY_BIG }, ls = { .len = LAZY_SMALL };
	const unsigned m = CG_BIT(CG_MEMORY);

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_mem_group(c, c->cg, "top", m, &s->top));
	TRY_OBS(cgx_mem_group(c, &s->top, "p", m, &s->p));
	TRY_OBS(cgx_mem_group(c, &s->p, "big", 0, &s->big));
	TRY_OBS(cgx_mem_group(c, &s->p, "small", 0, &s->small));
	TRY_OBS(cgx_mem_group(c, &s->top, "b", 0, &s->b));
	TRY_OBS(cgx_need(c, cg_group_unified(&s->p), "memory.min"));
	TRY_OBS(cgx_set(c, cg_group_unified(&s->top), "memory.max", "16M"));
	TRY_OBS(cgx_set(c, cg_group_unified(&s->big), "memory.min", "8M"));
	TRY_OBS(cgx_set(c, cg_group_unified(&s->small), "memory.min", "8M"));
	TRY_OBS(cgx_lazy_start(c, &s->big, &lb, &s->lb));
	return cgx_lazy_start(c, &s->small, &ls, &s->ls);
}

static int observe_share(struct ctx *c, struct share_seen *o)
{
	_cleanup_(shares_end) struct shares s = { .lb = CGX_ACTOR_INIT,
						  .ls = CGX_ACTOR_INIT };
	int n;

	TRY_OBS(shares_start(c, &s));
	/* 1. Their parent protects less than they ask (the isolated run). */
	TRY_OBS(cgx_set(c, cg_group_unified(&s.p), "memory.min",
			c->isolate ? CAP : "max"));
	/* 2. Their parent's sibling asks for far more than the limit. */
	TRY_OBS(cgx_press(c, &s.b, HOG, &o->press));
	/* 3. What each child kept. */
	TRY_OBS(cgx_actor_do(c, &s.lb, CGX_LAZY_COUNT, "count", &n));
	o->big = n;
	TRY_OBS(cgx_actor_do(c, &s.ls, CGX_LAZY_COUNT, "count", &n));
	o->small = n;
	o->big_all = cgx_pages(LAZY_BIG);
	o->small_all = cgx_pages(LAZY_SMALL);
	return 0;
}

static enum obs judge_share(struct judge *j, const struct share_seen *o)
{
	long kept = o->big + o->small, cap = cgx_pages(CAP_SLACK);

	judge_kv(j, "6 MiB child kept", "%ld of %ld pages", o->big, o->big_all);
	judge_kv(j, "2 MiB child kept", "%ld of %ld pages", o->small,
		 o->small_all);
	judge_kv(j, "pressure", "%s",
		 o->press ? sigabbrev_np(o->press) ?: "?" : "done");
	if (o->press != SIGKILL)
		return judge_unknown(j, "the 64 MiB pressure was not "
					"OOM-killed");
	return judge_holds(j,
			   kept <= cap && kept >= cap / 3 && o->big > o->small,
			   "children asking 8 MiB each kept %ld + %ld pages "
			   "(at most %ld)",
			   o->big, o->small, cap);
}
CHECK(memory_min_shared, struct share_seen, observe_share, judge_share);

struct spared_seen {
	int hog, shielded, other; /* how each ended */
};

static int observe_spared(struct ctx *c, struct spared_seen *o)
{
	_cleanup_reap_ pid_t hog = -1, sh = -1, by = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	struct cgx_adj_hold shield = { .adj = -1000, .set = c->isolate };
	struct cgx_adj_hold plain = { 0 };
	size_t len = HOG;
	const char *dir;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_mem_group(c, c->cg, "group", 0, &g));
	dir = cg_group_unified(&g);
	TRY_OBS(cgx_need(c, dir, "memory.oom.group"));
	TRY_OBS(cgx_set(c, dir, "memory.max", OOM_LIMIT));
	TRY_OBS(cgx_set(c, dir, "memory.oom.group", "1"));
	TRY(c, chan_open(&hold), "pipe");
	shield.hold = plain.hold = &hold;
	/* 1. One bystander unkillable by the OOM killer (isolated run). */
	sh = TRY(c, cgs_fork_in(&g, cgx_adj_hold_fn, &shield), "bystander");
	by = TRY(c, cgs_fork_in(&g, cgx_adj_hold_fn, &plain), "bystander");
	/* 2. A hog in the same cgroup: the group is killed. */
	hog = TRY(c, cgs_fork_in(&g, cgs_touch_fn, &len), "start the hog");
	TRY_OBS(cgs_reap(c, TAKE_PID(hog), "the hog", &o->hog));
	/* 3. Release the bystanders: how did they end? */
	chan_close(&hold);
	TRY_OBS(cgs_reap(c, TAKE_PID(by), "a bystander", &o->other));
	return cgs_reap(c, TAKE_PID(sh), "the shielded bystander",
			&o->shielded);
}

static const char *fate(int sig)
{
	return sig ? sigabbrev_np(sig) ?: "?" : "alive";
}

static enum obs judge_spared(struct judge *j, const struct spared_seen *o)
{
	judge_kv(j, "hog", "%s", fate(o->hog));
	judge_kv(j, "bystander", "%s", fate(o->other));
	judge_kv(j, "bystander with oom_score_adj -1000", "%s",
		 fate(o->shielded));
	if (o->hog != SIGKILL || o->other != SIGKILL)
		return judge_unknown(j, "no group kill: hog %s, bystander %s",
				     fate(o->hog), fate(o->other));
	return judge_holds(j, o->shielded == 0,
			   "group OOM kill: hog and bystander killed, the "
			   "oom_score_adj -1000 one %s",
			   fate(o->shielded));
}
CHECK(memory_group_spares, struct spared_seen, observe_spared, judge_spared);

#define MEM_V2                                                                 \
	{                                                                      \
		.root = true, .cgroup_version = 2, .ctrls = CG_BIT(CG_MEMORY)  \
	}

static const struct scenario cgroup2_memprot[] = {
	{
		.id = "cgroup2/memory-min-oom",
		.title = "memory.min leaves the OOM killer as the way out",
		.property = "when a child's memory.min covers all its lazily "
			    "freed pages and its sibling needs them under the "
			    "parent's memory.max, the OOM killer is invoked "
			    "(the parent's oom_kill counts)",
		.expect = "oom_kill >= 1",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_min_oom,
	},
	{
		.id = "cgroup2/memory-min-capped-shared",
		.title = "memory.min is capped by the parent's and shared",
		.property = "two children asking 8 MiB of memory.min under a "
			    "parent with 4 MiB keep together at most about "
			    "4 MiB of their lazily freed pages under OOM "
			    "pressure, the bigger user (6 MiB against 2) "
			    "more",
		.expect = "kept <= 5 MiB, the 6 MiB child more",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_min_shared,
	},
	{
		.id = "cgroup2/memory-oom-group-spares-adj",
		.title = "a group OOM kill spares oom_score_adj -1000",
		.property = "with memory.oom.group=1, when a hog exceeds "
			    "memory.max the group kill takes the hog and a "
			    "bystander, but not a bystander whose "
			    "oom_score_adj is -1000",
		.expect = "the -1000 bystander alive",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_group_spares,
	},
};

BOXCHECK_AREA(cgroup2_memprot, cgroup2_memprot);
