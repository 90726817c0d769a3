// SPDX-License-Identifier: MIT
/* cgroup memory controller: the limit's OOM kill, and page accounting. */
#include "cgroup_util.h"

#include <string.h>
#include <sys/mman.h>

#define MIB (1024ull * 1024)
#define OOM_LIMIT (8 * MIB)
#define OOM_HOG (64 * MIB) /* touched in the control too: keep it small */
#define USAGE_PAGES 2048   /* 8 MiB of 4 KiB pages */

/* Touch every page of a fresh anonymous mapping of len bytes. */
static int touch_pages(size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return -1;
	madvise(p, len, MADV_NOHUGEPAGE); /* the granularity is a page */
	for (size_t off = 0; off < len; off += pg)
		((volatile char *)p)[off] = 1;
	return 0;
}

static int hog(void *arg)
{
	(void)arg;
	return touch_pages(OOM_HOG) < 0 ? 3 : 0;
}

/*
 * v2 memory.swap.max is swap alone; v1 memory.memsw.limit_in_bytes is
 * memory plus swap. Either way: no swap, so the limit cannot be dodged.
 * Without swap accounting (no such file) the host's swap stays usable.
 */
static int forbid_swap(const struct cg_group *g, uint64_t limit)
{
	const struct cg_layout *l = g->layout;
	int v = l->hier[l->by_ctrl[CG_MEMORY]].version;
	int r = cg_set(g, CGK_MEM_SWAP_MAX, v == 1 ? limit : 0);

	return cg_knob_missing(r) ? 0 : r;
}

static enum obs memory_oom_contained(struct ctx *c)
{
	_cleanup_reap_ pid_t by = -1;
	_cleanup_cg_group_ struct cg_group m = { 0 }, side = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	uint64_t kills = 0, side_kills = 0, fails = 0;
	pid_t pid;
	int st;
	bool by_alive, hog_killed;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "oom", &m), "create the limited cgroup");
	TRY(c, cg_group_child(c->cg, "bystander", &side),
	    "create a sibling cgroup");
	CGS_NEED(c, &m, CGK_MEM_OOM_KILL);
	/* 1. A few MiB, no swap: the hog cannot fit. */
	if (c->isolate) {
		CGS_SET(c, &m, CGK_MEM_MAX, OOM_LIMIT);
		TRY(c, forbid_swap(&m, OOM_LIMIT), "forbid swap");
	}
	/* 2. A bystander in a sibling cgroup, blocked until we go. */
	TRY(c, chan_open(&hold), "pipe");
	by = TRY(c, cgs_fork_in(&side, cgs_hold, &hold), "start bystander");
	/* 3. The hog touches more than the limit. */
	pid = TRY(c, cgs_fork_in(&m, hog, NULL), "start the hog");
	TRY(c, wait_status(pid, &st), "wait for the hog");
	hog_killed = WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL;
	/* 4. Only the hog died: the bystander (and we) live on. */
	by_alive = waitpid(by, NULL, WNOHANG) == 0 && kill(by, 0) == 0;
	CGS_GET(c, &m, CGK_MEM_OOM_KILL, &kills);
	CGS_GET(c, &side, CGK_MEM_OOM_KILL, &side_kills);
	cg_get(&m, CGK_MEM_FAILCNT, &fails);
	ctx_kv(c, "hog", "%s",
	       hog_killed ? "killed by SIGKILL"
			  : (WIFEXITED(st) ? "exited" : "died otherwise"));
	ctx_kv(c, "oom_kill", "%llu", (unsigned long long)kills);
	ctx_kv(c, "limit hits", "%llu", (unsigned long long)fails);
	ctx_kv(c, "bystander", "%s", by_alive ? "alive" : "dead");
	ctx_kv(c, "bystander oom_kill", "%llu", (unsigned long long)side_kills);
	return ctx_holds(
		c, hog_killed && kills >= 1 && by_alive && side_kills == 0,
		"hog %s, oom_kill=%llu in its cgroup; bystander %s, "
		"oom_kill=%llu in its own",
		hog_killed ? "OOM-killed" : "survived",
		(unsigned long long)kills, by_alive ? "alive" : "dead",
		(unsigned long long)side_kills);
}

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
	v = touch_pages((size_t)USAGE_PAGES * sysconf(_SC_PAGESIZE));
	if (chan_send_int(&t->done, v) < 0)
		return 1;
	return chan_recv_int(&t->go, &v) == -EPIPE ? 0 : 1;
}

static enum obs memory_usage_pages(struct ctx *c)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group u = { 0 };
	_cleanup_chan_ struct chan go = CHAN_INIT, done = CHAN_INIT;
	struct turns t;
	uint64_t before = 0, after = 0;
	long pg = sysconf(_SC_PAGESIZE), ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long delta, lo, hi;
	int v;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "usage", &u), "create cgroup");
	CGS_NEED(c, &u, CGK_MEM_CURRENT);
	TRY(c, chan_open(&go), "pipe");
	TRY(c, chan_open(&done), "pipe");
	t = (struct turns){ go, done };
	/* 1. The toucher joins the group only in the isolated run. */
	pid = TRY(c, cgs_fork_in(c->isolate ? &u : NULL, toucher, &t),
		  "start the toucher");
	close(TAKE_FD(go.rd));
	close(TAKE_FD(done.wr));
	/* 2. Usage before; 3. it touches N pages; 4. usage after. */
	CGS_GET(c, &u, CGK_MEM_CURRENT, &before);
	TRY(c, chan_send_int(&go, 0), "start touching");
	TRY(c, chan_recv_int(&done, &v), "wait for touching");
	if (v < 0)
		return ctx_error(c, -ENOMEM, "mmap in the toucher");
	CGS_GET(c, &u, CGK_MEM_CURRENT, &after);
	delta = ((long)after - (long)before) / pg;
	/*
	 * Charges move in per-CPU batches of up to 64 pages, and page
	 * tables are charged too: a loose window around N.
	 */
	lo = USAGE_PAGES - 64 * ncpu - 16;
	hi = USAGE_PAGES + USAGE_PAGES / 8 + 64 * ncpu + 64;
	ctx_kv(c, "pages touched", "%d", USAGE_PAGES);
	ctx_kv(c, "usage before", "%llu", (unsigned long long)before);
	ctx_kv(c, "usage after", "%llu", (unsigned long long)after);
	ctx_kv(c, "usage delta pages", "%ld", delta);
	ctx_kv(c, "accepted pages", "%ld..%ld", lo, hi);
	return ctx_holds(c, delta >= lo && delta <= hi,
			 "usage grew by %ld pages after touching %d", delta,
			 USAGE_PAGES);
}

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
		.run = memory_oom_contained,
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
		.run = memory_usage_pages,
	},
};

BOXCHECK_AREA(cgroup_memory, cgroup_memory);
