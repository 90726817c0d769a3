// SPDX-License-Identifier: MIT
/*
 * cgroup cpu and cpuacct: a quota throttles, usage accounting grows with
 * work. No bound here depends on the machine's speed: the quota check
 * compares CPU time with wall time of the same run, and counts throttled
 * periods; the accounting check compares the cgroup with the process's own
 * rusage.
 */
#include "cgroup_util.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>

#define PERIOD_US 10000
#define QUOTA_US 2000	  /* 20% of one CPU */
#define BUSY_CPU_MS 60	  /* CPU time the busy loop burns: 30 periods' quota */
#define BUSY_WALL_MS 3000 /* a cap, should the host starve it */
#define MAX_SHARE 0.35	  /* loose: 20% expected */
#define USER_WORK_MS 100  /* of CPU time */
#define SYSTEM_WORK_MS 60 /* of CPU time */

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Burn a fixed amount of CPU time, not of wall time: throttled or not,
 * under load or not, it must exhaust the quota in about 30 periods.
 */
static int busy_loop(void *arg)
{
	double end = cgs_now() + BUSY_WALL_MS / 1000.0;
	volatile unsigned long n = 0;

	(void)arg;
	while (cpu_s() < BUSY_CPU_MS / 1000.0 && cgs_now() < end)
		for (int i = 0; i < 10000; i++)
			n++;
	return 0;
}

static enum obs cpu_quota_throttles(struct ctx *c)
{
	_cleanup_cg_group_ struct cg_group q = { 0 };
	uint64_t u0 = 0, u1 = 0, thr = 0, periods = 0;
	double t0, wall, share;
	pid_t pid;
	int st;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "quota", &q), "create cgroup");
	CGS_NEED(c, &q, CGK_CPU_NR_THROTTLED);
	CGS_NEED(c, &q, CGK_CPU_USAGE);
	/* 1. Period first, then the quota: 2 ms per 10 ms. */
	if (c->isolate) {
		CGS_SET(c, &q, CGK_CPU_PERIOD, PERIOD_US);
		CGS_SET(c, &q, CGK_CPU_QUOTA, QUOTA_US);
	}
	/* 2. A busy loop in the group for a fixed CPU time. */
	CGS_GET(c, &q, CGK_CPU_USAGE, &u0);
	t0 = cgs_now();
	pid = TRY(c, cgs_fork_in(&q, busy_loop, NULL), "start the busy loop");
	TRY(c, wait_status(pid, &st), "wait for the busy loop");
	wall = cgs_now() - t0;
	/* 3. Its CPU time against that wall time, and throttled periods. */
	CGS_GET(c, &q, CGK_CPU_USAGE, &u1);
	CGS_GET(c, &q, CGK_CPU_NR_THROTTLED, &thr);
	cg_get(&q, CGK_CPU_NR_PERIODS, &periods);
	share = (double)(u1 - u0) / 1e6 / wall;
	ctx_kv(c, "cpu share", "%.2f", share);
	ctx_kv(c, "cpu usage us", "%llu", (unsigned long long)(u1 - u0));
	ctx_kv(c, "wall ms", "%.0f", wall * 1000);
	ctx_kv(c, "nr_periods", "%llu", (unsigned long long)periods);
	ctx_kv(c, "nr_throttled", "%llu", (unsigned long long)thr);
	return ctx_holds(c, thr > 0 && share <= MAX_SHARE,
			 "busy loop got %.0f%% of a CPU, nr_throttled=%llu",
			 share * 100, (unsigned long long)thr);
}

struct work_done {
	long user_us, system_us;
};

static long tv_us(struct timeval tv)
{
	return tv.tv_sec * 1000000L + tv.tv_usec;
}

/* User time: arithmetic. System time: the kernel zero-fills our buffer. */
static int do_work(struct chan *report)
{
	static char buf[1 << 20];
	_cleanup_close_ int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	struct rusage ru;
	struct work_done w;
	volatile unsigned long n = 0;

	if (fd < 0)
		return 1;
	do {
		for (int i = 0; i < 100000; i++)
			n++;
		getrusage(RUSAGE_SELF, &ru);
	} while (tv_us(ru.ru_utime) < USER_WORK_MS * 1000L);
	do {
		if (read(fd, buf, sizeof(buf)) < 0)
			return 1;
		getrusage(RUSAGE_SELF, &ru);
	} while (tv_us(ru.ru_stime) < SYSTEM_WORK_MS * 1000L);
	w.user_us = tv_us(ru.ru_utime);
	w.system_us = tv_us(ru.ru_stime);
	return chan_send(report, &w, sizeof(w)) < 0;
}

static int worker(void *arg)
{
	struct chan *report = arg;

	closep(&report->rd);
	return do_work(report);
}

static enum obs cpu_usage_accounting(struct ctx *c)
{
	_cleanup_cg_group_ struct cg_group a = { 0 };
	_cleanup_chan_ struct chan report = CHAN_INIT;
	uint64_t u0 = 0, u1 = 0, us0 = 0, us1 = 0, sy0 = 0, sy1 = 0;
	struct work_done w;
	long du, dus, dsy;
	pid_t pid;
	int st;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "acct", &a), "create cgroup");
	CGS_NEED(c, &a, CGK_CPU_USAGE);
	CGS_NEED(c, &a, CGK_CPU_USER);
	CGS_NEED(c, &a, CGK_CPU_SYSTEM);
	TRY(c, chan_open(&report), "pipe");
	CGS_GET(c, &a, CGK_CPU_USAGE, &u0);
	CGS_GET(c, &a, CGK_CPU_USER, &us0);
	CGS_GET(c, &a, CGK_CPU_SYSTEM, &sy0);
	/* 1. The work runs in the group only in the isolated run. */
	pid = TRY(c, cgs_fork_in(c->isolate ? &a : NULL, worker, &report),
		  "start the work");
	close(TAKE_FD(report.wr));
	TRY(c, chan_recv(&report, &w, sizeof(w)), "read the work's rusage");
	TRY(c, wait_status(pid, &st), "wait for the work");
	/* 2. The group's counters moved by about the work's own rusage. */
	CGS_GET(c, &a, CGK_CPU_USAGE, &u1);
	CGS_GET(c, &a, CGK_CPU_USER, &us1);
	CGS_GET(c, &a, CGK_CPU_SYSTEM, &sy1);
	du = (long)(u1 - u0);
	dus = (long)(us1 - us0);
	dsy = (long)(sy1 - sy0);
	ctx_kv(c, "work rusage user us", "%ld", w.user_us);
	ctx_kv(c, "work rusage system us", "%ld", w.system_us);
	ctx_kv(c, "cgroup usage us", "%ld", du);
	ctx_kv(c, "cgroup user us", "%ld", dus);
	ctx_kv(c, "cgroup system us", "%ld", dsy);
	return ctx_holds(
		c, du >= (w.user_us + w.system_us) / 2 && dus > 0 && dsy > 0,
		"cgroup usage grew %ld us (user %ld, system %ld) for "
		"work of %ld us",
		du, dus, dsy, w.user_us + w.system_us);
}

static const struct scenario cgroup_cpu[] = {
	{
		.id = "cgroup/cpu-quota-throttles",
		.title = "a cpu quota of 20% throttles a busy loop",
		.property =
			"with a quota of 2 ms per 10 ms period, a busy loop "
			"gets at most about 20% of a CPU (bound 35%) and "
			"cpu.stat counts throttled periods",
		.expect = "busy loop got <=35% of a CPU, nr_throttled>0",
		.req = { .root = true, .ctrls = CG_BIT(CG_CPU) },
		.tags = { "cgroup" },
		.run = cpu_quota_throttles,
	},
	{
		.id = "cgroup/cpu-usage-accounting",
		.title = "cpu usage accounting grows with work",
		.property = "after a process in the cgroup burns user and "
			    "system time, the cgroup's cpu usage has grown by "
			    "at least half of it, with user and system time "
			    "both counted",
		.expect = "usage grew >= half the work, user>0, system>0",
		.req = { .root = true },
		.tags = { "cgroup" },
		.run = cpu_usage_accounting,
	},
};

BOXCHECK_AREA(cgroup_cpu, cgroup_cpu);
