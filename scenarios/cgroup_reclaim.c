// SPDX-License-Identifier: MIT
/*
 * Reclaim under a memory limit, judged by the pages' contents. The
 * reclaimable memory needs no swap: pages freed lazily with MADV_FREE,
 * which reclaim may drop (they then read as zeros) and which keep their
 * contents while nobody needs them. A limit reclaims them before it
 * OOM-kills (either version); memory.min and memory.low
 * (admin-guide/cgroup-v2.rst) keep a protected cgroup's pages while its
 * siblings have reclaimable ones: two siblings hold such pages under a
 * parent near its memory.max, a third process pushes it over.
 */
#include "cgroup_util.h"

#include <string.h>
#include <sys/mman.h>

#define MIB (1024ull * 1024)
#define PARENT_MAX (12 * MIB)
#define LAZY_A (4 * MIB) /* lazily freed in the protected child */
#define LAZY_B (6 * MIB) /* lazily freed in its sibling */
#define PRESS (4 * MIB)	 /* then touched in the sibling */
#define PROTECT (8 * MIB)
#define LIMIT (8 * MIB) /* 6 MiB lazily freed + 4 MiB touched */
#define MARK 0x5a

/* Pages filled with MARK and freed lazily; a count of them on request. */
struct lazy {
	size_t len;
	struct chan go, rep; /* go: scenario -> process; rep: back */
};

static int lazy_fn(void *arg)
{
	struct lazy *l = arg;
	char *p;
	int v = 0;

	closep(&l->go.wr);
	closep(&l->rep.rd);
	p = mmap(NULL, l->len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return chan_send_int(&l->rep, neg_errno()), 1;
	madvise(p, l->len, MADV_NOHUGEPAGE);
	memset(p, MARK, l->len);
	if (madvise(p, l->len, MADV_FREE) < 0)
		return chan_send_int(&l->rep, neg_errno()), 1;
	if (chan_send_int(&l->rep, 0) < 0 || chan_recv_int(&l->go, &v) < 0)
		return 1;
	v = (int)cgs_pages_intact(p, l->len, MARK);
	if (chan_send_int(&l->rep, v) < 0)
		return 1;
	return chan_recv_int(&l->go, &v) == -EPIPE ? 0 : 1;
}

struct holder {
	pid_t pid;
	struct chan go, rep;
};

static void holder_end(struct holder *h)
{
	chan_close(&h->go);
	chan_close(&h->rep);
	reapp(&h->pid);
}

/* Start a lazy process in g and wait until its pages are lazily free. */
static int start_lazy(struct ctx *c, const struct cg_group *g, size_t len,
		      struct holder *h)
{
	struct lazy l = { .len = len };
	int r = 0;

	TRY(c, chan_open(&h->go), "pipe");
	TRY(c, chan_open(&h->rep), "pipe");
	l.go = h->go;
	l.rep = h->rep;
	h->pid = TRY(c, cgs_fork_in(g, lazy_fn, &l), "start a process");
	close(TAKE_FD(h->go.rd));
	close(TAKE_FD(h->rep.wr));
	TRY(c, chan_recv_int(&h->rep, &r), "wait for its pages");
	return TRY(c, r, "fill and MADV_FREE the pages"), 0;
}

static int count_intact(struct ctx *c, struct holder *h, long *n)
{
	int v = 0;

	TRY(c, chan_send_int(&h->go, 0), "ask for the count");
	TRY(c, chan_recv_int(&h->rep, &v), "read the count");
	*n = v;
	return 0;
}

struct kept {
	long a, a_pages; /* intact pages of the protected child */
	long b, b_pages; /* and of its sibling */
	int press;	 /* how the pressure ended */
	uint64_t low;	 /* memory.events low of the protected child */
};

static int observe_protect(struct ctx *c, struct kept *o, enum cg_knob k)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, a = { 0 }, b = { 0 };
	_cleanup_(holder_end) struct holder ha = { -1, CHAN_INIT, CHAN_INIT };
	_cleanup_(holder_end) struct holder hb = { -1, CHAN_INIT, CHAN_INIT };
	_cleanup_reap_ pid_t press = -1;
	size_t len = PRESS;
	long pg = sysconf(_SC_PAGESIZE);

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "parent", CG_BIT(CG_MEMORY), &p),
	    "create cgroup parent");
	TRY_OBS(cgs_need(c, &p, CGK_MEM_MAX));
	TRY(c, cg_group_enable(&p, CG_BIT(CG_MEMORY)), "enable memory below");
	TRY(c, cg_group_child_on(&p, "a", CG_BIT(CG_MEMORY), &a), "create a");
	TRY(c, cg_group_child_on(&p, "b", CG_BIT(CG_MEMORY), &b), "create b");
	TRY_OBS(cgs_need(c, &a, k));
	TRY_OBS(cgs_need(c, &a, CGK_MEM_EV_LOW));
	TRY_OBS(cgs_set(c, &p, CGK_MEM_MAX, PARENT_MAX));
	/* 1. Protect a (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &a, k, PROTECT));
	/* 2. Lazily freed pages in both children, then the pressure. */
	TRY_OBS(start_lazy(c, &a, LAZY_A, &ha));
	TRY_OBS(start_lazy(c, &b, LAZY_B, &hb));
	press = TRY(c, cgs_fork_in(&b, cgs_touch_fn, &len), "press");
	TRY_OBS(cgs_reap(c, TAKE_PID(press), "the pressure", &o->press));
	/* 3. Whose pages survived? */
	TRY_OBS(count_intact(c, &ha, &o->a));
	TRY_OBS(count_intact(c, &hb, &o->b));
	o->a_pages = LAZY_A / pg;
	o->b_pages = LAZY_B / pg;
	return cgs_get(c, &a, CGK_MEM_EV_LOW, &o->low);
}

static enum obs judge_protect(struct judge *j, const struct kept *o)
{
	judge_kv(j, "protected child intact", "%ld of %ld pages", o->a,
		 o->a_pages);
	judge_kv(j, "sibling intact", "%ld of %ld pages", o->b, o->b_pages);
	judge_kv(j, "memory.events low", "%llu", (unsigned long long)o->low);
	if (o->press)
		return judge_unknown(j, "the pressure died of SIG%s",
				     sigabbrev_np(o->press) ?: "?");
	if (o->a == o->a_pages && o->b == o->b_pages)
		return judge_unknown(j, "nothing was reclaimed");
	return judge_holds(j, o->a == o->a_pages && o->b < o->b_pages,
			   "under the parent's limit: %ld of %ld pages kept "
			   "in the protected child, %ld of %ld in its sibling",
			   o->a, o->a_pages, o->b, o->b_pages);
}

static int observe_min(struct ctx *c, struct kept *o)
{
	return observe_protect(c, o, CGK_MEM_MIN);
}
CHECK(memory_min, struct kept, observe_min, judge_protect);

static int observe_low(struct ctx *c, struct kept *o)
{
	return observe_protect(c, o, CGK_MEM_LOW);
}
CHECK(memory_low, struct kept, observe_low, judge_protect);

struct reclaimed {
	long a, a_pages; /* intact lazily freed pages */
	int press;	 /* how the pressure ended */
	uint64_t kills;	 /* oom_kill */
};

static int observe_lazy(struct ctx *c, struct reclaimed *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_(holder_end) struct holder ha = { -1, CHAN_INIT, CHAN_INIT };
	_cleanup_reap_ pid_t press = -1;
	size_t len = PRESS;
	int r;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "limited", CG_BIT(CG_MEMORY), &g),
	    "create cgroup");
	TRY_OBS(cgs_need(c, &g, CGK_MEM_MAX));
	/* v2: no swap. v1's memsw cannot go below the limit (EINVAL). */
	r = cg_set(&g, CGK_MEM_SWAP_MAX, 0);
	TRY(c, cg_knob_missing(r) || r == -EINVAL ? 0 : r, "forbid swap");
	/* 1. An 8 MiB limit (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_MEM_MAX, LIMIT));
	/* 2. 6 MiB lazily freed, then 4 MiB touched, in the cgroup. */
	TRY_OBS(start_lazy(c, &g, LAZY_B, &ha));
	press = TRY(c, cgs_fork_in(&g, cgs_touch_fn, &len), "press");
	TRY_OBS(cgs_reap(c, TAKE_PID(press), "the pressure", &o->press));
	/* 3. What survived, and whether the OOM killer was needed. */
	TRY_OBS(count_intact(c, &ha, &o->a));
	o->a_pages = LAZY_B / sysconf(_SC_PAGESIZE);
	return cgs_get(c, &g, CGK_MEM_OOM_KILL, &o->kills);
}

static enum obs judge_lazy(struct judge *j, const struct reclaimed *o)
{
	judge_kv(j, "lazily freed pages intact", "%ld of %ld", o->a,
		 o->a_pages);
	judge_kv(j, "oom_kill", "%llu", (unsigned long long)o->kills);
	if (o->press || o->kills)
		return judge_unknown(j, "the pressure %s, oom_kill=%llu",
				     o->press ? "was killed" : "lived",
				     (unsigned long long)o->kills);
	return judge_holds(j, o->a < o->a_pages,
			   "%ld of %ld lazily freed pages kept, the 4 MiB "
			   "process fitted without an OOM kill",
			   o->a, o->a_pages);
}
CHECK(lazy_reclaimed, struct reclaimed, observe_lazy, judge_lazy);

#define MEM_V2                                                                 \
	{                                                                      \
		.root = true, .cgroup_version = 2, .ctrls = CG_BIT(CG_MEMORY)  \
	}

static const struct scenario cgroup_reclaim[] = {
	{
		.id = "cgroup/memory-limit-reclaims-lazyfree",
		.title = "a memory limit reclaims lazily freed pages first",
		.property = "in a cgroup limited to 8 MiB (no swap) holding "
			    "6 MiB of MADV_FREE pages, a process touching "
			    "4 MiB fits without an OOM kill: lazily freed "
			    "pages were reclaimed (they read as zeros)",
		.expect = "fewer lazily freed pages kept, no OOM kill",
		.req = { .root = true, .ctrls = CG_BIT(CG_MEMORY) },
		.tags = { "cgroup" },
		.check = &lazy_reclaimed,
	},
	{
		.id = "cgroup2/memory-min-protects",
		.title = "memory.min keeps a cgroup's pages from reclaim",
		.property = "when a parent at memory.max must reclaim, the "
			    "lazily freed pages of a child with memory.min "
			    "above its usage all keep their contents, while "
			    "its sibling's are reclaimed",
		.expect = "every page kept in the protected child, fewer in "
			  "its sibling",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_min,
	},
	{
		.id = "cgroup2/memory-low-protects",
		.title = "memory.low keeps a cgroup's pages while others are "
			 "reclaimable",
		.property = "when a parent at memory.max must reclaim, the "
			    "lazily freed pages of a child with memory.low "
			    "above its usage all keep their contents while "
			    "its sibling has reclaimable pages",
		.expect = "every page kept in the protected child, fewer in "
			  "its sibling",
		.req = MEM_V2,
		.tags = { "cgroup", "v2" },
		.check = &memory_low,
	},
};

BOXCHECK_AREA(cgroup_reclaim, cgroup_reclaim);
