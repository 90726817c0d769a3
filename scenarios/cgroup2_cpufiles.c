// SPDX-License-Identifier: MIT
/*
 * The cpu controller's interface files and two core ones beside it
 * (admin-guide/cgroup-v2.rst, "CPU", "cgroup.pressure", "perf_event"):
 * cpu.idle shows as weight 0, cpu.weight.nice is the weight as a nice
 * value, cpu.max.burst lets a cgroup spend unused quota later, writing 0
 * to cgroup.pressure stops the cgroup's pressure accounting alone, and a
 * perf counter follows the tasks of a v2 cgroup.
 */
#include "cgctl_util.h"

#include <string.h>
#include <time.h>

#define PERIOD_US 10000 /* cpu.max of the burst scenario: 4 ms in 10 ms */
#define QUOTA_US 4000
#define BURST_US 4000 /* may not exceed the quota */
#define SIP_US 500    /* used per period before the burst: 3.5 ms saved */
#define SIPS 6
#define GULP_US 12000 /* then spent at once */
#define WINDOW_MS 40

static int cpu_child(struct ctx *c, const char *name, const char *file,
		     struct cg_group *g)
{
	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_group(c, c->cg, name, CG_BIT(CG_CPU), 0, g));
	return cgx_need(c, cg_group_unified(g), file);
}

struct weight_seen {
	uint64_t weight;  /* cpu.weight */
	int nice;	  /* cpu.weight.nice */
	int above, below; /* writing 20 and -21 to cpu.weight.nice */
};

static int observe_idle(struct ctx *c, struct weight_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	const char *dir;

	TRY_OBS(cpu_child(c, "idle", "cpu.idle", &g));
	dir = cg_group_unified(&g);
	/* 1. The cgroup becomes SCHED_IDLE (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgx_set(c, dir, "cpu.idle", "1"));
	/* 2. Its weight as the file shows it. */
	return cgx_get(c, dir, "cpu.weight", NULL, CGX_OWN, &o->weight);
}

static enum obs judge_idle(struct judge *j, const struct weight_seen *o)
{
	judge_kv(j, "cpu.weight", "%llu", (unsigned long long)o->weight);
	return judge_holds(j, o->weight == 0, "cpu.weight reads %llu",
			   (unsigned long long)o->weight);
}
CHECK(cpu_idle_weight, struct weight_seen, observe_idle, judge_idle);

static int observe_nice(struct ctx *c, struct weight_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	char buf[32];
	const char *dir;

	TRY_OBS(cpu_child(c, "nice", "cpu.weight.nice", &g));
	dir = cg_group_unified(&g);
	/* 1. Nice values outside [-20, 19], in both runs. */
	o->above = cgs_write_probe(dir, "cpu.weight.nice", "20");
	o->below = cgs_write_probe(dir, "cpu.weight.nice", "-21");
	/* 2. The lowest priority as a nice value (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgx_set(c, dir, "cpu.weight.nice", "19"));
	/* 3. The weight, and the nice value read back. */
	TRY_OBS(cgx_get(c, dir, "cpu.weight", NULL, CGX_OWN, &o->weight));
	TRY_OBS(cgs_read(c, dir, "cpu.weight.nice", buf, sizeof(buf)));
	o->nice = atoi(buf);
	return 0;
}

static enum obs judge_nice(struct judge *j, const struct weight_seen *o)
{
	judge_kv(j, "cpu.weight", "%llu", (unsigned long long)o->weight);
	judge_kv(j, "cpu.weight.nice", "%d", o->nice);
	judge_kv(j, "writing 20", "%s", cgx_err(o->above));
	judge_kv(j, "writing -21", "%s", cgx_err(o->below));
	if (o->above != -ERANGE || o->below != -ERANGE)
		return judge_unknown(j, "nice 20: %s, -21: %s (want ERANGE)",
				     cgx_err(o->above), cgx_err(o->below));
	/* nice 19 is weight 15 of 1024: cpu.weight 1 of 100. */
	return judge_holds(j, o->weight == 1 && o->nice == 19,
			   "cpu.weight.nice %d, cpu.weight %llu", o->nice,
			   (unsigned long long)o->weight);
}
CHECK(cpu_weight_nice, struct weight_seen, observe_nice, judge_nice);

/* This thread's CPU time, us. */
static uint64_t cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void spend_us(uint64_t us)
{
	uint64_t end = cpu_us() + us;

	while (cpu_us() < end)
		;
}

/* Little CPU for a few periods (the quota left is saved), then much. */
static int sip_then_gulp(void *arg)
{
	(void)arg;
	for (int i = 0; i < SIPS; i++) {
		spend_us(SIP_US);
		cgs_sleep_ms(PERIOD_US / 1000);
	}
	spend_us(GULP_US);
	return 0;
}

struct burst_seen {
	uint64_t dflt;		   /* cpu.max.burst before any write */
	int over;		   /* writing more than the quota */
	uint64_t bursts, burst_us; /* cpu.stat nr_bursts, burst_usec */
	uint64_t throttled;	   /* cpu.stat nr_throttled */
};

static int observe_burst(struct ctx *c, struct burst_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	char max[32], over[32];
	const char *dir;
	pid_t pid;
	int sig;

	TRY_OBS(cpu_child(c, "burst", "cpu.max.burst", &g));
	dir = cg_group_unified(&g);
	TRY_OBS(cgx_get(c, dir, "cpu.max.burst", NULL, CGX_OWN, &o->dflt));
	snprintf(max, sizeof(max), "%d %d", QUOTA_US, PERIOD_US);
	TRY_OBS(cgx_set(c, dir, "cpu.max", max));
	snprintf(over, sizeof(over), "%d", QUOTA_US + 1000);
	o->over = cgs_write_probe(dir, "cpu.max.burst", over);
	/* 1. Unused quota may be saved up to BURST_US (the isolated run). */
	snprintf(over, sizeof(over), "%d", BURST_US);
	if (c->isolate)
		TRY_OBS(cgx_set(c, dir, "cpu.max.burst", over));
	/* 2. A process sips for a few periods, then gulps. */
	pid = TRY(c, cgs_fork_in(&g, sip_then_gulp, NULL), "start it");
	TRY_OBS(cgs_reap(c, pid, "the process", &sig));
	if (sig)
		return ctx_error(c, 0, "the process died of SIG%s",
				 sigabbrev_np(sig) ?: "?");
	/* 3. Periods in which it used more than the quota. */
	TRY_OBS(cgx_get(c, dir, "cpu.stat", "nr_bursts", CGX_EVENT,
			&o->bursts));
	TRY_OBS(cgx_get(c, dir, "cpu.stat", "burst_usec", CGX_EVENT,
			&o->burst_us));
	return cgx_get(c, dir, "cpu.stat", "nr_throttled", CGX_PLAIN,
		       &o->throttled);
}

static enum obs judge_burst(struct judge *j, const struct burst_seen *o)
{
	judge_kv(j, "cpu.max.burst default", "%llu",
		 (unsigned long long)o->dflt);
	judge_kv(j, "burst above the quota", "%s", cgx_err(o->over));
	judge_kv(j, "nr_bursts", "%llu", (unsigned long long)o->bursts);
	judge_kv(j, "burst_usec", "%llu", (unsigned long long)o->burst_us);
	judge_kv(j, "nr_throttled", "%llu", (unsigned long long)o->throttled);
	if (o->dflt != 0 || o->over != -EINVAL)
		return judge_unknown(j,
				     "default burst %llu, a burst above "
				     "the quota: %s",
				     (unsigned long long)o->dflt,
				     cgx_err(o->over));
	if ((o->bursts > 0) != (o->burst_us > 0))
		return judge_unknown(j, "nr_bursts %llu but burst_usec %llu",
				     (unsigned long long)o->bursts,
				     (unsigned long long)o->burst_us);
	return judge_holds(j, o->bursts > 0,
			   "%llu period(s) over the quota, by %llu us in all",
			   (unsigned long long)o->bursts,
			   (unsigned long long)o->burst_us);
}
CHECK(cpu_max_burst, struct burst_seen, observe_burst, judge_burst);

static void reap_two(pid_t (*p)[2])
{
	reapp(&(*p)[0]);
	reapp(&(*p)[1]);
}

struct off_seen {
	bool hidden;	 /* cpu.pressure gone while off */
	uint64_t own[3]; /* the cgroup's some total: before, at, after */
	uint64_t up[2];	 /* its parent's, over the first window */
	double ms[2];	 /* the two windows */
};

/* Two spinners on one CPU in g, stopped. */
static int start_pair(struct ctx *c, const struct cg_group *g, pid_t *pids)
{
	struct cgs_pinned pin = { 0 };

	pin.cpu = TRY(c, cgs_last_cpu(), "sched_getaffinity");
	for (int i = 0; i < 2; i++)
		pids[i] = TRY(c, cgs_fork_in(g, cgs_spin_on, &pin),
			      "start a spinner");
	return 0;
}

/* Stop both spinners, or let them go on (0 or an error). */
static int pair_signal(struct ctx *c, const pid_t *pids, int sig)
{
	int st;

	for (int i = 0; i < 2; i++) {
		TRY(c, kill(pids[i], sig) < 0 ? neg_errno() : 0,
		    "signal a spinner");
		if (sig != SIGSTOP)
			continue;
		TRY(c, waitpid(pids[i], &st, WUNTRACED) < 0 ? neg_errno() : 0,
		    "wait for a spinner to stop");
		if (!WIFSTOPPED(st))
			return ctx_error(c, 0, "a spinner ended");
	}
	return 0;
}

/*
 * The contention runs only while the accounting may be off: a state live
 * when it stops would be concluded, and counted, at its next change.
 */
static int observe_off(struct ctx *c, struct off_seen *o)
{
	_cleanup_(reap_two) pid_t pids[2] = { -1, -1 };
	_cleanup_cg_group_ struct cg_group p = { 0 }, g = { 0 };
	const char *dir, *up;
	uint64_t v;
	double t0;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgs_need_psi(c));
	TRY_OBS(cgx_group(c, c->cg, "parent", 0, 0, &p));
	TRY_OBS(cgx_group(c, &p, "pressed", 0, 0, &g));
	dir = cg_group_unified(&g);
	up = cg_group_unified(&p);
	TRY_OBS(cgx_need(c, dir, "cgroup.pressure"));
	TRY_OBS(start_pair(c, &g, pids));
	TRY_OBS(pair_signal(c, pids, SIGSTOP));
	TRY_OBS(cgx_get(c, dir, "cpu.pressure", "some", CGX_PSI, &o->own[0]));
	/* 1. The cgroup's pressure accounting off (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgx_set(c, dir, "cgroup.pressure", "0"));
	/* 2. A window of contention: its file, its parent's total. */
	TRY_OBS(cgx_get(c, up, "cpu.pressure", "some", CGX_PSI, &o->up[0]));
	t0 = cgs_now();
	TRY_OBS(pair_signal(c, pids, SIGCONT));
	cgs_sleep_ms(WINDOW_MS);
	o->hidden =
		cgx_key(dir, "cpu.pressure", "some", CGX_PSI, &v) == -ENOENT;
	TRY_OBS(pair_signal(c, pids, SIGSTOP));
	o->ms[0] = (cgs_now() - t0) * 1000;
	TRY_OBS(cgx_get(c, up, "cpu.pressure", "some", CGX_PSI, &o->up[1]));
	/* 3. On again (both runs), then a second window. */
	TRY_OBS(cgx_set(c, dir, "cgroup.pressure", "1"));
	TRY_OBS(cgx_get(c, dir, "cpu.pressure", "some", CGX_PSI, &o->own[1]));
	t0 = cgs_now();
	TRY_OBS(pair_signal(c, pids, SIGCONT));
	cgs_sleep_ms(WINDOW_MS);
	TRY_OBS(pair_signal(c, pids, SIGSTOP));
	o->ms[1] = (cgs_now() - t0) * 1000;
	return cgx_get(c, dir, "cpu.pressure", "some", CGX_PSI, &o->own[2]);
}

static double grew_ms(const uint64_t *v)
{
	return v[1] >= v[0] ? (double)(v[1] - v[0]) / 1000 : -1;
}

static enum obs judge_off(struct judge *j, const struct off_seen *o)
{
	double off = grew_ms(&o->own[0]), on = grew_ms(&o->own[1]);
	double up = grew_ms(o->up);

	judge_kv(j, "cpu.pressure while off", "%s",
		 o->hidden ? "hidden" : "shown");
	judge_kv(j, "own some ms, first window", "%.1f of %.0f", off, o->ms[0]);
	judge_kv(j, "parent some ms, first window", "%.1f", up);
	judge_kv(j, "own some ms, second window", "%.1f of %.0f", on, o->ms[1]);
	if (off < 0 || on < 0 || up < 0)
		return judge_unknown(j, "a some total went backwards");
	if (up < o->ms[0] / 5 || on < o->ms[1] / 5)
		return judge_unknown(j,
				     "no contention seen: parent %.1f ms, "
				     "own after %.1f ms",
				     up, on);
	return judge_holds(j, o->hidden && off < o->ms[0] / 10,
			   "cpu.pressure %s; own some grew %.1f ms in %.0f "
			   "ms (parent %.1f ms), then %.1f ms in %.0f ms",
			   o->hidden ? "hidden" : "shown", off, o->ms[0], up,
			   on, o->ms[1]);
}
CHECK(pressure_off, struct off_seen, observe_off, judge_off);

/* perf_event sits on cgroup v2 unless a v1 hierarchy holds it. */
static int need_perf_v2(struct ctx *c)
{
	char buf[2048], *l;

	TRY(c, read_text("/proc/cgroups", buf, sizeof(buf)), "/proc/cgroups");
	l = strstr(buf, "\nperf_event\t");
	if (!l)
		return ctx_skip(c, "kernel has no perf_event controller");
	if (atoi(l + strlen("\nperf_event\t")) != 0)
		return ctx_skip(c, "perf_event is bound to a cgroup v1 "
				   "hierarchy here, not to v2");
	return 0;
}

struct perf_seen {
	uint64_t ns[2]; /* the counter at the window's ends */
	double ms;
};

static int observe_perf(struct ctx *c, struct perf_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };
	_cleanup_close_ int fd = -1;
	struct cgs_pinned pin = { 0 };
	double t0;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(need_perf_v2(c));
	TRY_OBS(cgx_group(c, c->cg, "counted", 0, 0, &g));
	TRY_OBS(cgx_group(c, c->cg, "sibling", 0, 0, &s));
	pin.cpu = TRY(c, cgs_last_cpu(), "sched_getaffinity");
	fd = TRY(c, cgx_perf_cgroup(cg_group_unified(&g), pin.cpu),
		 "perf_event_open(PERF_FLAG_PID_CGROUP)");
	/* 1. A spinner in the counted cgroup (isolated) or beside it. */
	pid = TRY(c, cgs_fork_in(c->isolate ? &g : &s, cgs_spin_on, &pin),
		  "start a spinner");
	cgs_sleep_ms(5);
	/* 2. The counter over a window. */
	TRY(c, cgx_perf_read(fd, &o->ns[0]), "read the counter");
	t0 = cgs_now();
	cgs_sleep_ms(WINDOW_MS);
	TRY(c, cgx_perf_read(fd, &o->ns[1]), "read the counter");
	o->ms = (cgs_now() - t0) * 1000;
	return cgs_alive(c, &pid, "the spinner");
}

static enum obs judge_perf(struct judge *j, const struct perf_seen *o)
{
	double ms =
		o->ns[1] >= o->ns[0] ? (double)(o->ns[1] - o->ns[0]) / 1e6 : -1;

	judge_kv(j, "window ms", "%.0f", o->ms);
	judge_kv(j, "task-clock ms", "%.1f", ms);
	if (ms < 0)
		return judge_unknown(j, "the counter went backwards");
	return judge_holds(j, ms >= o->ms / 10,
			   "the cgroup's task-clock on the spinner's CPU grew "
			   "%.1f ms in %.0f ms",
			   ms, o->ms);
}
CHECK(perf_cgroup, struct perf_seen, observe_perf, judge_perf);

#define CPU_V2                                                                 \
	{                                                                      \
		.root = true, .cgroup_version = 2, .ctrls = CG_BIT(CG_CPU)     \
	}

static const struct scenario cgroup2_cpufiles[] = {
	{
		.id = "cgroup2/cpu-idle-weight-zero",
		.title = "cpu.idle shows as cpu.weight 0",
		.property = "after writing 1 to a cgroup's cpu.idle, its "
			    "cpu.weight reads 0",
		.expect = "cpu.weight 0",
		.req = CPU_V2,
		.tags = { "cgroup", "v2" },
		.check = &cpu_idle_weight,
	},
	{
		.id = "cgroup2/cpu-weight-nice",
		.title = "cpu.weight.nice sets the weight as a nice value",
		.property = "writing 19 to cpu.weight.nice makes cpu.weight "
			    "read 1 (the weight of nice 19) and reads back "
			    "19; 20 and -21 are refused with ERANGE",
		.expect = "cpu.weight 1, cpu.weight.nice 19",
		.req = CPU_V2,
		.tags = { "cgroup", "v2" },
		.check = &cpu_weight_nice,
	},
	{
		.id = "cgroup2/cpu-max-burst",
		.title = "cpu.max.burst spends saved quota past cpu.max",
		.property = "with cpu.max 4 ms per 10 ms and cpu.max.burst "
			    "4 ms (default 0, EINVAL above the quota), a "
			    "process that used little for a few periods uses "
			    "more than the quota in one: cpu.stat nr_bursts "
			    "counts it",
		.expect = "nr_bursts >= 1",
		.req = CPU_V2,
		.tags = { "cgroup", "v2" },
		.check = &cpu_max_burst,
	},
	{
		.id = "cgroup2/pressure-off",
		.title = "cgroup.pressure 0 stops the cgroup's PSI alone",
		.property = "while two processes of a cgroup contend for one "
			    "CPU, writing 0 to its cgroup.pressure hides its "
			    "cpu.pressure and its some total stands still, "
			    "while its parent's grows; 1 restarts it",
		.expect = "hidden, own some < 10% of the window",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = { "cgroup", "v2", "psi" },
		.check = &pressure_off,
	},
	{
		.id = "cgroup2/perf-cgroup-events",
		.title = "a perf counter follows the tasks of a v2 cgroup",
		.property = "a task-clock counter opened with "
			    "PERF_FLAG_PID_CGROUP on a v2 cgroup counts a "
			    "spinner of that cgroup on its CPU: at least a "
			    "tenth of the window",
		.expect = "task-clock >= 10% of a 40 ms window",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = { "cgroup", "v2" },
		.check = &perf_cgroup,
	},
};

BOXCHECK_AREA(cgroup2_cpufiles, cgroup2_cpufiles);
