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

static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* What the busy loop measured of itself. */
struct burn {
	double cpu_s, wall_s;
};

/*
 * Burn a fixed amount of CPU time, not of wall time: throttled or not,
 * under load or not, it must exhaust the quota in about 30 periods. It
 * reports its own CPU time against its own wall time: the behaviour.
 */
static int busy_loop(void *arg)
{
	struct chan *report = arg;
	struct burn b = { cpu_now(), cgs_now() };
	double end = b.wall_s + BUSY_WALL_MS / 1000.0, c0 = b.cpu_s;
	volatile unsigned long n = 0;

	closep(&report->rd);
	while (cpu_now() - c0 < BUSY_CPU_MS / 1000.0 && cgs_now() < end)
		for (int i = 0; i < 10000; i++)
			n++;
	b.cpu_s = cpu_now() - c0;
	b.wall_s = cgs_now() - b.wall_s;
	return chan_send(report, &b, sizeof(b)) < 0;
}

/* Wait for a child that reports, then exits 0. */
static int reaped(struct ctx *c, pid_t pid, const char *who)
{
	char how[64];
	int st;

	TRY(c, wait_status(pid, &st), who);
	if (exit_code_of(st))
		return ctx_error(c, 0, "%s %s", who,
				 cgs_status(st, how, sizeof(how)));
	return 0;
}

struct throttle_seen {
	struct burn b;		     /* the loop's own account */
	uint64_t periods, throttled; /* cpu.stat of its cgroup */
};

static int observe_quota(struct ctx *c, struct throttle_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group q = { 0 };
	_cleanup_chan_ struct chan report = CHAN_INIT;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "quota", &q), "create cgroup");
	TRY_OBS(cgs_need(c, &q, CGK_CPU_QUOTA));
	TRY_OBS(cgs_need(c, &q, CGK_CPU_NR_THROTTLED));
	TRY_OBS(cgs_need(c, &q, CGK_CPU_NR_PERIODS));
	/* 1. Period first, then the quota: 2 ms per 10 ms. */
	if (c->isolate) {
		TRY_OBS(cgs_set(c, &q, CGK_CPU_PERIOD, PERIOD_US));
		TRY_OBS(cgs_set(c, &q, CGK_CPU_QUOTA, QUOTA_US));
	}
	/* 2. A busy loop in the group for a fixed CPU time. */
	TRY(c, chan_open(&report), "pipe");
	pid = TRY(c, cgs_fork_in(&q, busy_loop, &report),
		  "start the busy loop");
	close(TAKE_FD(report.wr));
	TRY(c, chan_recv(&report, &o->b, sizeof(o->b)),
	    "read the busy loop's account");
	TRY_OBS(reaped(c, TAKE_PID(pid), "the busy loop"));
	/* 3. What the cgroup counted. */
	TRY_OBS(cgs_get(c, &q, CGK_CPU_NR_THROTTLED, &o->throttled));
	TRY_OBS(cgs_get(c, &q, CGK_CPU_NR_PERIODS, &o->periods));
	return 0;
}

static enum obs judge_quota(struct judge *j, const struct throttle_seen *o)
{
	double share = o->b.wall_s > 0 ? o->b.cpu_s / o->b.wall_s : 1;

	judge_kv(j, "cpu share", "%.2f", share);
	judge_kv(j, "cpu ms", "%.0f", o->b.cpu_s * 1000);
	judge_kv(j, "wall ms", "%.0f", o->b.wall_s * 1000);
	judge_kv(j, "nr_periods", "%llu", (unsigned long long)o->periods);
	judge_kv(j, "nr_throttled", "%llu", (unsigned long long)o->throttled);
	/* A throttled period is a period of an active quota. */
	if (o->throttled > o->periods)
		return judge_unknown(j, "nr_throttled=%llu > nr_periods=%llu",
				     (unsigned long long)o->throttled,
				     (unsigned long long)o->periods);
	return judge_holds(j, o->throttled > 0 && share <= MAX_SHARE,
			   "busy loop got %.0f%% of a CPU, nr_throttled=%llu",
			   share * 100, (unsigned long long)o->throttled);
}
CHECK(cpu_quota_throttles, struct throttle_seen, observe_quota, judge_quota);

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

struct acct_seen {
	struct work_done w;	     /* the work's own rusage */
	uint64_t u[2], us[2], sy[2]; /* the cgroup's usage, user, system */
};

static int read_acct(struct ctx *c, const struct cg_group *a,
		     struct acct_seen *o, int i)
{
	TRY_OBS(cgs_get(c, a, CGK_CPU_USAGE, &o->u[i]));
	TRY_OBS(cgs_get(c, a, CGK_CPU_USER, &o->us[i]));
	return cgs_get(c, a, CGK_CPU_SYSTEM, &o->sy[i]);
}

static int observe_acct(struct ctx *c, struct acct_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group a = { 0 };
	_cleanup_chan_ struct chan report = CHAN_INIT;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "acct", &a), "create cgroup");
	TRY_OBS(cgs_need(c, &a, CGK_CPU_USAGE));
	TRY_OBS(cgs_need(c, &a, CGK_CPU_USER));
	TRY_OBS(cgs_need(c, &a, CGK_CPU_SYSTEM));
	TRY(c, chan_open(&report), "pipe");
	TRY_OBS(read_acct(c, &a, o, 0));
	/* 1. The work runs in the group only in the isolated run. */
	pid = TRY(c, cgs_fork_in(c->isolate ? &a : NULL, worker, &report),
		  "start the work");
	close(TAKE_FD(report.wr));
	TRY(c, chan_recv(&report, &o->w, sizeof(o->w)),
	    "read the work's rusage");
	TRY_OBS(reaped(c, TAKE_PID(pid), "the work"));
	/* 2. The group's counters after it. */
	return read_acct(c, &a, o, 1);
}

/* The group's counters moved by about the work's own rusage. */
static enum obs judge_acct(struct judge *j, const struct acct_seen *o)
{
	long du = (long)(o->u[1] - o->u[0]);
	long dus = (long)(o->us[1] - o->us[0]);
	long dsy = (long)(o->sy[1] - o->sy[0]);
	long work = o->w.user_us + o->w.system_us;

	judge_kv(j, "work rusage user us", "%ld", o->w.user_us);
	judge_kv(j, "work rusage system us", "%ld", o->w.system_us);
	judge_kv(j, "cgroup usage us", "%ld", du);
	judge_kv(j, "cgroup user us", "%ld", dus);
	judge_kv(j, "cgroup system us", "%ld", dsy);
	return judge_holds(j, du >= work / 2 && dus > 0 && dsy > 0,
			   "cgroup usage grew %ld us (user %ld, system %ld) "
			   "for work of %ld us",
			   du, dus, dsy, work);
}
CHECK(cpu_usage_accounting, struct acct_seen, observe_acct, judge_acct);

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
		.check = &cpu_quota_throttles,
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
		.check = &cpu_usage_accounting,
	},
};

BOXCHECK_AREA(cgroup_cpu, cgroup_cpu);
