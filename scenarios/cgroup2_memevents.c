// SPDX-License-Identifier: MIT
/*
 * Event counters of the memory and hugetlb controllers
 * (admin-guide/cgroup-v2.rst, "memory.events", "HugeTLB Interface
 * Files"): an OOM episode in a child counts max, oom, oom_kill and
 * oom_group_kill there, reaches its parent's memory.events (and notifies
 * it) but not its parent's memory.events.local; a hugetlb limit hit
 * counts in the child's events.local, not in its parent's. The control
 * runs the same episode in a cgroup beside the observed ones.
 */
#include "cgctl_util.h"

#include <string.h>
#include <sys/mman.h>

#define HOG (64 * MIB)
#define NOTIFY_MS 500
#define HPAGE (2 * MIB)
#define HUGE_FREE "/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages"

enum { K_MAX, K_OOM, K_KILL, K_GROUP, K__N };
static const char *const keys[K__N] = { "max", "oom", "oom_kill",
					"oom_group_kill" };

struct ev_seen {
	int hog;       /* how the hog ended */
	bool notified; /* the parent's memory.events modified */
	uint64_t p_ev[K__N], p_loc[K__N], c_ev[K__N], c_loc[K__N];
};

static int read_keys(struct ctx *c, const char *dir, const char *file,
		     uint64_t *v)
{
	for (int k = 0; k < K__N; k++)
		TRY_OBS(cgx_get(c, dir, file, keys[k], CGX_EVENT, &v[k]));
	return 0;
}

/* A cgroup whose hog is OOM-killed, all of its processes with it. */
static int oom_group(struct ctx *c, const struct cg_group *of, const char *name,
		     struct cg_group *g)
{
	const char *dir;

	TRY_OBS(cgx_mem_group(c, of, name, 0, g));
	dir = cg_group_unified(g);
	TRY_OBS(cgx_need(c, dir, "memory.events.local"));
	TRY_OBS(cgx_set(c, dir, "memory.max", "8M"));
	return cgx_set(c, dir, "memory.oom.group", "1");
}

static int observe_ev(struct ctx *c, struct ev_seen *o)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, g = { 0 }, s = { 0 };
	_cleanup_close_ int watch = -1;
	size_t len = HOG;
	pid_t pid;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_mem_group(c, c->cg, "parent", CG_BIT(CG_MEMORY), &p));
	TRY_OBS(oom_group(c, &p, "child", &g));
	TRY_OBS(oom_group(c, c->cg, "beside", &s));
	watch = TRY(c, cgs_watch(cg_group_unified(&p), "memory.events"),
		    "watch the parent's memory.events");
	/* 1. The hog in the child (isolated) or beside the parent. */
	pid = TRY(c, cgs_fork_in(c->isolate ? &g : &s, cgs_touch_fn, &len),
		  "start the hog");
	TRY_OBS(cgs_reap(c, pid, "the hog", &o->hog));
	/* 2. What the parent heard, and every count. */
	o->notified = TRY(c, cgs_wait_modified(watch, NOTIFY_MS),
			  "wait for a modification") > 0;
	TRY_OBS(read_keys(c, cg_group_unified(&p), "memory.events", o->p_ev));
	TRY_OBS(read_keys(c, cg_group_unified(&p), "memory.events.local",
			  o->p_loc));
	TRY_OBS(read_keys(c, cg_group_unified(&g), "memory.events", o->c_ev));
	return read_keys(c, cg_group_unified(&g), "memory.events.local",
			 o->c_loc);
}

enum ev_row { E_HIER, E_MAX_OOM, E_GROUP, E_LOCAL };

static void ev_kv(struct judge *j, const char *who, const uint64_t *v)
{
	judge_kv(j, who, "max %llu oom %llu oom_kill %llu oom_group_kill %llu",
		 (unsigned long long)v[K_MAX], (unsigned long long)v[K_OOM],
		 (unsigned long long)v[K_KILL], (unsigned long long)v[K_GROUP]);
}

static bool row_holds(const struct ev_seen *o, enum ev_row r)
{
	switch (r) {
	case E_HIER:
		return o->p_ev[K_KILL] > 0;
	case E_MAX_OOM:
		return o->c_ev[K_MAX] > 0 && o->c_ev[K_OOM] > 0;
	case E_GROUP:
		return o->c_ev[K_GROUP] > 0;
	case E_LOCAL:
		return o->c_loc[K_KILL] > 0 && o->p_ev[K_KILL] > 0 &&
		       o->p_loc[K_KILL] == 0;
	}
	return false;
}

static enum obs judge_ev(struct judge *j, const struct ev_seen *o,
			 enum ev_row r)
{
	judge_kv(j, "hog", "%s", o->hog ? sigabbrev_np(o->hog) ?: "?" : "done");
	judge_kv(j, "parent notified", "%s", o->notified ? "yes" : "no");
	ev_kv(j, "parent memory.events", o->p_ev);
	ev_kv(j, "parent memory.events.local", o->p_loc);
	ev_kv(j, "child memory.events", o->c_ev);
	ev_kv(j, "child memory.events.local", o->c_loc);
	if (o->hog != SIGKILL)
		return judge_unknown(j, "the hog was not OOM-killed");
	/* A count that moved is notified, and only then. */
	if (o->notified != (o->p_ev[K_KILL] > 0))
		return judge_unknown(j, "parent oom_kill %llu, %s",
				     (unsigned long long)o->p_ev[K_KILL],
				     o->notified ? "notified" : "no event");
	return judge_holds(j, row_holds(o, r),
			   "child: oom_kill %llu (local %llu), max %llu, oom "
			   "%llu, oom_group_kill %llu; parent: oom_kill %llu "
			   "(local %llu)%s",
			   (unsigned long long)o->c_ev[K_KILL],
			   (unsigned long long)o->c_loc[K_KILL],
			   (unsigned long long)o->c_ev[K_MAX],
			   (unsigned long long)o->c_ev[K_OOM],
			   (unsigned long long)o->c_ev[K_GROUP],
			   (unsigned long long)o->p_ev[K_KILL],
			   (unsigned long long)o->p_loc[K_KILL],
			   o->notified ? ", notified" : "");
}

#define EV_CHECK(name_, row_)                                                  \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct ev_seen *o)                 \
	{                                                                      \
		return judge_ev(j, o, row_);                                   \
	}                                                                      \
	CHECK(name_, struct ev_seen, observe_ev, judge_##name_)
EV_CHECK(ev_hier, E_HIER);
EV_CHECK(ev_max_oom, E_MAX_OOM);
EV_CHECK(ev_group, E_GROUP);
EV_CHECK(ev_local, E_LOCAL);

static int two_huge(void *arg)
{
	char *p = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);

	(void)arg;
	if (p == MAP_FAILED)
		return 3;
	((volatile char *)p)[0] = 1;
	((volatile char *)p)[HPAGE] = 1;
	return 0;
}

struct huge_seen {
	int sig;		     /* how the toucher ended */
	uint64_t c_loc, p_loc, p_ev; /* hugetlb.2MB events max counts */
};

static int observe_huge(struct ctx *c, struct huge_seen *o)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, g = { 0 };
	const unsigned h = CG_BIT(CG_HUGETLB);
	uint64_t free_pages = 0;
	pid_t pid;

	if (read_u64(HUGE_FREE, &free_pages) < 0 || free_pages < 2)
		return ctx_skip(c, "fewer than 2 free 2 MiB huge pages (the "
				   "pool is the host's: boot with "
				   "hugepages=N)");
	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_group(c, c->cg, "parent", h, h, &p));
	TRY_OBS(cgx_group(c, &p, "child", h, 0, &g));
	TRY_OBS(cgx_need(c, cg_group_unified(&g), "hugetlb.2MB.events.local"));
	/* 1. One huge page at most in the child (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgx_set(c, cg_group_unified(&g), "hugetlb.2MB.max",
				"2M"));
	/* 2. A process of the child touches two. */
	pid = TRY(c, cgs_fork_in(&g, two_huge, NULL), "start the toucher");
	TRY_OBS(cgs_reap(c, pid, "the toucher", &o->sig));
	TRY_OBS(cgx_get(c, cg_group_unified(&g), "hugetlb.2MB.events.local",
			"max", CGX_EVENT, &o->c_loc));
	TRY_OBS(cgx_get(c, cg_group_unified(&p), "hugetlb.2MB.events.local",
			"max", CGX_EVENT, &o->p_loc));
	return cgx_get(c, cg_group_unified(&p), "hugetlb.2MB.events", "max",
		       CGX_EVENT, &o->p_ev);
}

static enum obs judge_huge(struct judge *j, const struct huge_seen *o)
{
	judge_kv(j, "toucher", "%s",
		 o->sig ? sigabbrev_np(o->sig) ?: "?" : "done");
	judge_kv(j, "child events.local max", "%llu",
		 (unsigned long long)o->c_loc);
	judge_kv(j, "parent events max", "%llu", (unsigned long long)o->p_ev);
	judge_kv(j, "parent events.local max", "%llu",
		 (unsigned long long)o->p_loc);
	if ((o->sig == SIGBUS) != (o->c_loc > 0))
		return judge_unknown(j, "toucher %s, child's local count %llu",
				     o->sig ? "killed" : "done",
				     (unsigned long long)o->c_loc);
	return judge_holds(j, o->c_loc > 0 && o->p_ev > 0 && o->p_loc == 0,
			   "limit hit in the child: its local count %llu, "
			   "the parent's %llu (hierarchical %llu)",
			   (unsigned long long)o->c_loc,
			   (unsigned long long)o->p_loc,
			   (unsigned long long)o->p_ev);
}
CHECK(huge_local, struct huge_seen, observe_huge, judge_huge);

#define EV(id_, title_, property_, expect_, check_)                            \
	{                                                                      \
		.id = "cgroup2/memory-events-" id_, .title = title_,           \
		.property = "a hog OOM-killed in a child cgroup (memory.max "  \
			    "8 MiB, memory.oom.group 1): " property_,          \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .cgroup_version = 2,                                  \
			 .ctrls = CG_BIT(CG_MEMORY) },                         \
		.tags = { "cgroup", "v2" }, .check = &check_,                  \
	}

static const struct scenario cgroup2_memevents[] = {
	EV("hierarchical", "memory.events counts below and notifies",
	   "the parent's memory.events counts the oom_kill and is notified",
	   "parent oom_kill >= 1, notified", ev_hier),
	EV("max-oom", "memory.events max and oom count limit hits",
	   "the child's memory.events counts max and oom", "max >= 1, oom >= 1",
	   ev_max_oom),
	EV("oom-group-kill", "memory.events oom_group_kill counts group kills",
	   "the child's memory.events counts oom_group_kill",
	   "oom_group_kill >= 1", ev_group),
	EV("local", "memory.events.local counts the cgroup alone",
	   "the child's memory.events.local counts the oom_kill, the "
	   "parent's does not while its memory.events does",
	   "child local >= 1, parent local 0", ev_local),
	{
		.id = "cgroup2/hugetlb-events-local",
		.title = "hugetlb events.local counts the cgroup alone",
		.property = "when a child's 2 MiB hugetlb limit refuses a "
			    "huge page, the child's hugetlb.2MB.events.local "
			    "counts it, and its parent's events count it but "
			    "its events.local does not",
		.expect = "child local >= 1, parent local 0",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ctrls = CG_BIT(CG_HUGETLB) },
		.tags = { "cgroup", "v2" },
		.check = &huge_local,
	},
};

BOXCHECK_AREA(cgroup2_memevents, cgroup2_memevents);
