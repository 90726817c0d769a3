// SPDX-License-Identifier: MIT
/*
 * cgroup v1 memory controller (admin-guide/cgroup-v1/memory.rst): the
 * limit reclaims page cache and counts each hit in memory.failcnt,
 * memory.force_empty reclaims a cgroup's pages, and oom_kill_disable
 * stops the OOM killer: the task waits instead (under_oom). The page
 * cache is clean (written, synced, dropped, then read back by the
 * cgroup), so reclaim never needs writeback or swap.
 */
#include "cgroup_util.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/vfs.h>

#define MIB (1024ull * 1024)
#define LIMIT (8 * MIB)
#define BIG_FILE (16 * MIB) /* read under the 8 MiB limit */
#define SMALL_FILE (4 * MIB)
#define OOM_HOG (64 * MIB)
#define UNDER_OOM_MS 2000

/* A v1 memory cgroup below ours, swap counted in its limit if it can be. */
static int v1_mem(struct ctx *c, const char *name, struct cg_group *g)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, name, CG_BIT(CG_MEMORY), g), name);
	TRY_OBS(cgs_need(c, g, CGK_MEM_MAX));
	return 0;
}

/* Reclaimable page cache needs a disk, not tmpfs (no swap here). */
static int need_disk(struct ctx *c)
{
	struct statfs fs;

	if (statfs(".", &fs) < 0)
		return ctx_error(c, neg_errno(), "statfs of the run directory");
	if ((unsigned long)fs.f_type == TMPFS_MAGIC ||
	    (unsigned long)fs.f_type == RAMFS_MAGIC)
		return ctx_skip(c, "the run directory is on tmpfs: its page "
				   "cache is not reclaimable without swap");
	return 0;
}

/* A file of len bytes, on disk and out of the page cache. */
static int cold_file(const char *path, size_t len)
{
	static char buf[64 * 1024];
	_cleanup_close_ int fd =
		open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		return neg_errno();
	memset(buf, 'c', sizeof(buf));
	for (size_t n = 0; n < len; n += sizeof(buf))
		if (fd_write_all(fd, buf, sizeof(buf)) < 0)
			return -EIO;
	if (fsync(fd) < 0)
		return neg_errno();
	return -posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

static int read_fn(void *path)
{
	static char buf[64 * 1024];
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 3;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		;
	return n < 0 ? 3 : 0;
}

/* The reader in g reads path to its end: exit 0, or an error. */
static int read_in(struct ctx *c, const struct cg_group *g, char *path)
{
	pid_t pid = TRY(c, cgs_fork_in(g, read_fn, path), "start a reader");
	int sig;

	TRY_OBS(cgs_reap(c, pid, "the reader", &sig));
	return sig ? ctx_error(c, 0, "the reader died of SIG%s",
			       sigabbrev_np(sig) ?: "?")
		   : 0;
}

struct failcnt_seen {
	uint64_t failcnt, peak; /* limit hits, highest usage */
};

static int observe_failcnt(struct ctx *c, struct failcnt_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	char path[] = "big";

	TRY_OBS(need_disk(c));
	TRY_OBS(v1_mem(c, "limited", &g));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_PEAK));
	TRY(c, cold_file(path, BIG_FILE), "write a 16 MiB file");
	/* 1. An 8 MiB limit (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_MEM_MAX, LIMIT));
	/* 2. A process of the cgroup reads 16 MiB through the page cache. */
	TRY_OBS(read_in(c, &g, path));
	TRY_OBS(cgs_get(c, &g, CGK_MEM_FAILCNT, &o->failcnt));
	TRY_OBS(cgs_get(c, &g, CGK_MEM_PEAK, &o->peak));
	unlink(path);
	return 0;
}

static enum obs judge_failcnt(struct judge *j, const struct failcnt_seen *o)
{
	judge_kv(j, "memory.failcnt", "%llu", (unsigned long long)o->failcnt);
	judge_kv(j, "max usage", "%llu", (unsigned long long)o->peak);
	if (o->failcnt && o->peak > LIMIT)
		return judge_unknown(j, "limit hits counted, but usage went "
					"past 8 MiB");
	return judge_holds(j, o->failcnt > 0 && o->peak <= LIMIT,
			   "16 MiB read: failcnt=%llu, usage peaked at %llu "
			   "KiB",
			   (unsigned long long)o->failcnt,
			   (unsigned long long)o->peak / 1024);
}
CHECK(failcnt, struct failcnt_seen, observe_failcnt, judge_failcnt);

struct emptied {
	uint64_t before, after; /* page cache around the force_empty step */
};

static int observe_force_empty(struct ctx *c, struct emptied *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	char path[] = "small";

	TRY_OBS(need_disk(c));
	TRY_OBS(v1_mem(c, "cached", &g));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_FORCE_EMPTY));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_FILE));
	TRY(c, cold_file(path, SMALL_FILE), "write a 4 MiB file");
	/* The cgroup's page cache: 4 MiB, its process gone. */
	TRY_OBS(read_in(c, &g, path));
	TRY_OBS(cgs_get(c, &g, CGK_MEM_FILE, &o->before));
	/* 1. Empty it (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_MEM_FORCE_EMPTY, 0));
	/* 2. What it holds now. */
	TRY_OBS(cgs_get(c, &g, CGK_MEM_FILE, &o->after));
	unlink(path);
	return 0;
}

static enum obs judge_force_empty(struct judge *j, const struct emptied *o)
{
	judge_kv(j, "cache before", "%llu", (unsigned long long)o->before);
	judge_kv(j, "cache after", "%llu", (unsigned long long)o->after);
	if (o->before < SMALL_FILE / 2)
		return judge_unknown(j, "the cgroup held only %llu KiB",
				     (unsigned long long)o->before / 1024);
	return judge_holds(j, o->after < o->before / 4,
			   "page cache %llu KiB -> %llu KiB",
			   (unsigned long long)o->before / 1024,
			   (unsigned long long)o->after / 1024);
}
CHECK(force_empty, struct emptied, observe_force_empty, judge_force_empty);

struct waiting {
	bool alive;	    /* the hog was alive when looked at */
	int sig;	    /* else how it ended */
	uint64_t under_oom; /* memory.oom_control under_oom */
	uint64_t kills;	    /* oom_kill */
};

static int hog_fn(void *arg)
{
	(void)arg;
	return cgs_touch_pages(OOM_HOG) < 0 ? 3 : 0;
}

/* Until the hog ends or its cgroup reads under OOM. */
static int wait_oom(struct ctx *c, const struct cg_group *g, pid_t *pid,
		    struct waiting *o)
{
	double end = cgs_now() + UNDER_OOM_MS / 1000.0;

	for (;;) {
		int st;
		pid_t r = waitpid(*pid, &st, WNOHANG);
		if (r < 0)
			return ctx_error(c, neg_errno(), "wait for the hog");
		if (r > 0) {
			*pid = -1;
			o->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
			return cgs_get(c, g, CGK_MEM_UNDER_OOM, &o->under_oom);
		}
		TRY_OBS(cgs_get(c, g, CGK_MEM_UNDER_OOM, &o->under_oom));
		if (o->under_oom || cgs_now() > end)
			return o->alive = true, 0;
		cgs_sleep_ms(1);
	}
}

static int observe_oom_disable(struct ctx *c, struct waiting *o)
{
	_cleanup_reap_ pid_t pid = -1; /* killable while it waits */
	_cleanup_cg_group_ struct cg_group g = { 0 };
	int r;

	TRY_OBS(v1_mem(c, "nooom", &g));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_OOM_DISABLE));
	TRY_OBS(cgs_need(c, &g, CGK_MEM_UNDER_OOM));
	TRY_OBS(cgs_set(c, &g, CGK_MEM_MAX, LIMIT));
	r = cg_set(&g, CGK_MEM_SWAP_MAX, LIMIT);
	TRY(c, cg_knob_missing(r) ? 0 : r, "count swap in the limit");
	/* 1. No OOM killer for this cgroup (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_MEM_OOM_DISABLE, 1));
	/* 2. A hog of 64 MiB, then: does it die, or wait? */
	pid = TRY(c, cgs_fork_in(&g, hog_fn, NULL), "start the hog");
	TRY_OBS(wait_oom(c, &g, &pid, o));
	return cgs_get(c, &g, CGK_MEM_OOM_KILL, &o->kills);
}

static enum obs judge_oom_disable(struct judge *j, const struct waiting *o)
{
	judge_kv(j, "hog", "%s",
		 o->alive ? "alive"
		 : o->sig ? sigabbrev_np(o->sig) ?: "?"
			  : "exited");
	judge_kv(j, "under_oom", "%llu", (unsigned long long)o->under_oom);
	judge_kv(j, "oom_kill", "%llu", (unsigned long long)o->kills);
	if (!o->alive && !o->sig)
		return judge_unknown(j, "the hog fit in 8 MiB");
	return judge_holds(j, o->alive && o->under_oom == 1 && !o->kills,
			   "64 MiB hog in 8 MiB: %s, under_oom=%llu, "
			   "oom_kill=%llu",
			   o->alive ? "waiting" : "killed",
			   (unsigned long long)o->under_oom,
			   (unsigned long long)o->kills);
}
CHECK(oom_disable, struct waiting, observe_oom_disable, judge_oom_disable);

#define MEM_V1                                                                 \
	{                                                                      \
		.root = true, .cgroup_version = 1, .ctrls = CG_BIT(CG_MEMORY)  \
	}

static const struct scenario cgroup1_memory[] = {
	{
		.id = "cgroup1/memory-failcnt",
		.title = "the v1 limit reclaims page cache and counts hits",
		.property = "a process of a cgroup limited to 8 MiB reads a "
			    "16 MiB file: it completes, memory.failcnt counts "
			    "limit hits and usage never passed 8 MiB",
		.expect = "failcnt>0, max usage <= 8 MiB",
		.req = MEM_V1,
		.tags = { "cgroup", "v1" },
		.check = &failcnt,
	},
	{
		.id = "cgroup1/memory-force-empty",
		.title = "memory.force_empty reclaims a cgroup's pages",
		.property = "writing 0 to memory.force_empty of a cgroup "
			    "holding 4 MiB of page cache (no process left) "
			    "drops its page cache (memory.stat cache) below "
			    "a quarter",
		.expect = "cache after < cache before / 4",
		.req = MEM_V1,
		.tags = { "cgroup", "v1" },
		.check = &force_empty,
	},
	{
		.id = "cgroup1/memory-oom-kill-disable",
		.title = "oom_kill_disable makes a task wait instead of dying",
		.property = "with oom_kill_disable=1 in memory.oom_control, a "
			    "64 MiB hog in an 8 MiB cgroup is not killed: it "
			    "waits, under_oom reads 1 and oom_kill stays 0",
		.expect = "hog waiting, under_oom=1, oom_kill=0",
		.req = MEM_V1,
		.tags = { "cgroup", "v1" },
		.timeout_s = 10,
		.check = &oom_disable,
	},
};

BOXCHECK_AREA(cgroup1_memory, cgroup1_memory);
