// SPDX-License-Identifier: MIT
/*
 * cgroup accounting on either version, through the knob table: the
 * high-water marks (memory.peak | memory.max_usage_in_bytes, pids.peak)
 * outlive the load that set them, page cache is charged to the writer's
 * cgroup (memory.stat file | cache), and a populated cgroup cannot be
 * removed. The control runs the same load in a sibling cgroup.
 */
#include "cgroup_util.h"

#include <fcntl.h>
#include <string.h>

#define MIB (1024ull * 1024)
#define PEAK_USE (8 * MIB)
#define FILE_SIZE (4 * MIB)
#define N_FORKS 5

/* The counted cgroup and its sibling, both with controller ctrl. */
static int pair(struct ctx *c, unsigned ctrls, struct cg_group *g,
		struct cg_group *s)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "counted", ctrls, g), "create cgroup");
	TRY(c, cg_group_child_on(c->cg, "sibling", ctrls, s),
	    "create cgroup sibling");
	return 0;
}

/* Run fn(arg) in g (isolated) or s (control) to its end: exit 0. */
static int load_in(struct ctx *c, const struct cg_group *g, int (*fn)(void *),
		   void *arg)
{
	pid_t pid = TRY(c, cgs_fork_in(g, fn, arg), "start the load");
	int sig;

	TRY_OBS(cgs_reap(c, pid, "the load", &sig));
	return sig ? ctx_error(c, 0, "the load died of SIG%s",
			       sigabbrev_np(sig) ?: "?")
		   : 0;
}

struct peak_seen {
	uint64_t peak, now; /* after the load is gone */
};

static int observe_mem_peak(struct ctx *c, struct peak_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };
	size_t len = PEAK_USE;

	TRY_OBS(pair(c, CG_BIT(CG_MEMORY), &g, &s));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_PEAK));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_CURRENT));
	/* 1. 8 MiB touched in the counted cgroup (isolated) or beside it. */
	TRY_OBS(load_in(c, c->isolate ? &g : &s, cgs_touch_fn, &len));
	/* 2. The high-water mark, and the usage now. */
	TRY_OBS(cgs_get(c, &g, CGK_MEM_PEAK, &o->peak));
	return cgs_get(c, &g, CGK_MEM_CURRENT, &o->now);
}

static enum obs judge_mem_peak(struct judge *j, const struct peak_seen *o)
{
	judge_kv(j, "peak", "%llu", (unsigned long long)o->peak);
	judge_kv(j, "usage after", "%llu", (unsigned long long)o->now);
	if (o->now > o->peak)
		return judge_unknown(j, "usage above its peak");
	return judge_holds(j, o->peak >= PEAK_USE && o->now < PEAK_USE / 2,
			   "peak %llu KiB after the 8 MiB load left (usage "
			   "%llu KiB)",
			   (unsigned long long)o->peak / 1024,
			   (unsigned long long)o->now / 1024);
}
CHECK(memory_peak, struct peak_seen, observe_mem_peak, judge_mem_peak);

static int writer_fn(void *arg)
{
	static char buf[64 * 1024];
	_cleanup_close_ int fd =
		open(arg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return 3;
	memset(buf, 'x', sizeof(buf));
	for (size_t n = 0; n < FILE_SIZE; n += sizeof(buf))
		if (fd_write_all(fd, buf, sizeof(buf)) < 0)
			return 3;
	return 0;
}

struct file_seen {
	uint64_t before, after; /* file memory of the counted cgroup */
};

static int observe_file(struct ctx *c, struct file_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };
	char path[] = "cached";

	TRY_OBS(pair(c, CG_BIT(CG_MEMORY), &g, &s));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_FILE));
	TRY_OBS(cgs_get(c, &g, CGK_MEM_FILE, &o->before));
	/* 1. A 4 MiB file written from the cgroup (isolated) or beside. */
	TRY_OBS(load_in(c, c->isolate ? &g : &s, writer_fn, path));
	/* 2. The file memory charged to it (the file still exists). */
	TRY_OBS(cgs_get(c, &g, CGK_MEM_FILE, &o->after));
	unlink(path);
	return 0;
}

static enum obs judge_file(struct judge *j, const struct file_seen *o)
{
	long d = (long)(o->after - o->before);

	judge_kv(j, "file memory before", "%llu",
		 (unsigned long long)o->before);
	judge_kv(j, "file memory after", "%llu", (unsigned long long)o->after);
	return judge_holds(j, d >= (long)(FILE_SIZE * 3 / 4),
			   "file memory grew %ld KiB for a 4 MiB write",
			   d / 1024);
}
CHECK(memory_file, struct file_seen, observe_file, judge_file);

/* Fork N children that exit at once, all alive together for a moment. */
static int forker_fn(void *arg)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	pid_t kids[N_FORKS];

	(void)arg;
	if (chan_open(&hold) < 0)
		return 3;
	for (int i = 0; i < N_FORKS; i++) {
		kids[i] = fork();
		if (kids[i] == 0)
			_exit(cgs_hold(&hold));
		if (kids[i] < 0)
			return 3;
	}
	chan_close(&hold);
	for (int i = 0; i < N_FORKS; i++)
		if (wait_status(kids[i], NULL) < 0)
			return 3;
	return 0;
}

static int observe_pids_peak(struct ctx *c, struct peak_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };

	TRY_OBS(pair(c, CG_BIT(CG_PIDS), &g, &s));
	TRY_OBS(cgs_need(c, &g, CGK_PIDS_PEAK));
	/* 1. 1 + 5 processes in the counted cgroup (isolated) or beside. */
	TRY_OBS(load_in(c, c->isolate ? &g : &s, forker_fn, NULL));
	/* 2. The high-water mark, and the count now. */
	TRY_OBS(cgs_get(c, &g, CGK_PIDS_PEAK, &o->peak));
	return cgs_get(c, &g, CGK_PIDS_CURRENT, &o->now);
}

static enum obs judge_pids_peak(struct judge *j, const struct peak_seen *o)
{
	judge_kv(j, "pids.peak", "%llu", (unsigned long long)o->peak);
	judge_kv(j, "pids.current", "%llu", (unsigned long long)o->now);
	if (o->now > o->peak)
		return judge_unknown(j, "pids.current above pids.peak");
	return judge_holds(j, o->peak >= N_FORKS + 1 && o->now == 0,
			   "pids.peak=%llu after 6 processes came and went "
			   "(pids.current=%llu)",
			   (unsigned long long)o->peak,
			   (unsigned long long)o->now);
}
CHECK(pids_peak, struct peak_seen, observe_pids_peak, judge_pids_peak);

struct rmdir_seen {
	int dirs;    /* directories of the cgroup (one per hierarchy) */
	int busy;    /* rmdir refused with EBUSY */
	int removed; /* rmdir done */
	int other;   /* another errno */
};

static int observe_rmdir(struct ctx *c, struct rmdir_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;

	TRY_OBS(pair(c, CG_ALL, &g, &s));
	TRY(c, chan_open(&hold), "pipe");
	/* 1. A process in it (isolated) or in its sibling. */
	pid = TRY(c, cgs_fork_in(c->isolate ? &g : &s, cgs_hold, &hold),
		  "start a process");
	/* 2. rmdir each of its directories. */
	for (int i = 0; i < CG_MAX_HIER; i++) {
		if (!(g.hiers & (1u << i)))
			continue;
		int r = cgs_rmdir_probe(g.dir[i]);
		o->dirs++;
		o->busy += r == -EBUSY;
		o->removed += r == 0;
		o->other += r && r != -EBUSY;
	}
	return 0;
}

static enum obs judge_rmdir(struct judge *j, const struct rmdir_seen *o)
{
	judge_kv(j, "directories", "%d", o->dirs);
	judge_kv(j, "EBUSY", "%d", o->busy);
	judge_kv(j, "removed", "%d", o->removed);
	if (o->other || !o->dirs)
		return judge_unknown(j, "%d rmdir(s) failed otherwise",
				     o->other);
	return judge_holds(j, o->busy == o->dirs,
			   "rmdir refused with EBUSY on %d of %d hierarchies, "
			   "done on %d",
			   o->busy, o->dirs, o->removed);
}
CHECK(rmdir_busy, struct rmdir_seen, observe_rmdir, judge_rmdir);

static const struct scenario cgroup_acct[] = {
	{
		.id = "cgroup/memory-peak",
		.title = "the memory high-water mark outlives the load",
		.property = "after a process of the cgroup touched 8 MiB and "
			    "exited, memory.peak (v2) or "
			    "memory.max_usage_in_bytes (v1) reads at least "
			    "8 MiB while the usage is below 4 MiB",
		.expect = "peak >= 8 MiB, usage < 4 MiB",
		.req = { .root = true, .ctrls = CG_BIT(CG_MEMORY) },
		.tags = { "cgroup" },
		.check = &memory_peak,
	},
	{
		.id = "cgroup/memory-file-charged",
		.title = "page cache is charged to the writer's cgroup",
		.property = "after a process of the cgroup writes a 4 MiB "
			    "file, the cgroup's file memory (memory.stat file "
			    "on v2, cache on v1) has grown by at least 3 MiB",
		.expect = "file memory grew >= 3 MiB",
		.req = { .root = true, .ctrls = CG_BIT(CG_MEMORY) },
		.tags = { "cgroup" },
		.check = &memory_file,
	},
	{
		.id = "cgroup/pids-peak",
		.title = "pids.peak keeps the highest process count",
		.property = "after 6 processes of the cgroup lived at once "
			    "and exited, pids.peak reads at least 6 and "
			    "pids.current 0",
		.expect = "pids.peak >= 6, pids.current=0",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "cgroup" },
		.check = &pids_peak,
	},
	{
		.id = "cgroup/rmdir-populated-busy",
		.title = "a cgroup holding a process cannot be removed",
		.property = "rmdir of a cgroup's directory fails with EBUSY on "
			    "every hierarchy while a process is in it",
		.expect = "EBUSY on every hierarchy",
		.req = { .root = true },
		.tags = { "cgroup" },
		.check = &rmdir_busy,
	},
};

BOXCHECK_AREA(cgroup_acct, cgroup_acct);
