// SPDX-License-Identifier: MIT
/*
 * Scheduling by cgroup: cpu.weight (cpu.shares on v1) and cpu.idle share a
 * contended CPU between sibling cgroups, and cpuset.cpus confines where a
 * cgroup's processes may run. The shares are loose bounds on a ratio of
 * the cgroups' own CPU time over the same window, so no bound depends on
 * the machine's speed.
 */
#include "cgroup_util.h"

#include <stdlib.h>
#include <string.h>

#define SETTLE_MS 20
#define WINDOW_MS 200
#define START_MS 1000
#define HEAVY 400      /* cpu.weight of the favoured cgroup (default 100) */
#define MIN_RATIO 2.0  /* loose: 4 expected */
#define IDLE_RATIO 8.0 /* loose: about 300 expected */

static void reap_two(pid_t (*p)[2])
{
	reapp(&(*p)[0]);
	reapp(&(*p)[1]);
}

struct share_seen {
	uint64_t u[2][2]; /* [cgroup][start, end] cpu usage, us */
	double window_ms;
};

/*
 * Until both cgroups' usage moved (a slow fork, a late first slice): the
 * window starts with both spinners running. At most START_MS.
 */
static int both_ran(struct ctx *c, const struct cg_group *const *g)
{
	uint64_t u0[2], u;
	double end = cgs_now() + START_MS / 1000.0;
	int ran;

	for (int i = 0; i < 2; i++)
		TRY_OBS(cgs_get(c, g[i], CGK_CPU_USAGE, &u0[i]));
	do {
		cgs_sleep_ms(SETTLE_MS);
		ran = 0;
		for (int i = 0; i < 2; i++) {
			TRY_OBS(cgs_get(c, g[i], CGK_CPU_USAGE, &u));
			ran += u > u0[i];
		}
	} while (ran < 2 && cgs_now() < end);
	return 0;
}

/* One spinner in each of a and b, pinned to one CPU; their usage. */
static int contend(struct ctx *c, const struct cg_group *a,
		   const struct cg_group *b, struct share_seen *o)
{
	_cleanup_(reap_two) pid_t pids[2] = { -1, -1 };
	struct cgs_pinned pin = { 0 };
	const struct cg_group *g[2] = { a, b };
	double t0;

	pin.cpu = TRY(c, cgs_last_cpu(), "sched_getaffinity");
	for (int i = 0; i < 2; i++)
		pids[i] = TRY(c, cgs_fork_in(g[i], cgs_spin_on, &pin),
			      "start a spinner");
	TRY_OBS(both_ran(c, g));
	for (int i = 0; i < 2; i++)
		TRY_OBS(cgs_get(c, g[i], CGK_CPU_USAGE, &o->u[i][0]));
	t0 = cgs_now();
	cgs_sleep_ms(WINDOW_MS);
	for (int i = 0; i < 2; i++)
		TRY_OBS(cgs_get(c, g[i], CGK_CPU_USAGE, &o->u[i][1]));
	o->window_ms = (cgs_now() - t0) * 1000;
	TRY_OBS(cgs_alive(c, &pids[0], "a spinner"));
	return cgs_alive(c, &pids[1], "a spinner");
}

static int two_cpu_groups(struct ctx *c, struct cg_group *a, struct cg_group *b,
			  enum cg_knob k)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "a", CG_BIT(CG_CPU), a),
	    "create cgroup a");
	TRY(c, cg_group_child_on(c->cg, "b", CG_BIT(CG_CPU), b),
	    "create cgroup b");
	TRY_OBS(cgs_need(c, a, k));
	return cgs_need(c, a, CGK_CPU_USAGE);
}

static int observe_weight(struct ctx *c, struct share_seen *o)
{
	_cleanup_cg_group_ struct cg_group a = { 0 }, b = { 0 };

	TRY_OBS(two_cpu_groups(c, &a, &b, CGK_CPU_WEIGHT));
	/* 1. Four times the default weight for a (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &a, CGK_CPU_WEIGHT, HEAVY));
	/* 2. a and b contend for one CPU. */
	return contend(c, &a, &b, o);
}

static double used_ms(const struct share_seen *o, int i)
{
	return (double)(o->u[i][1] - o->u[i][0]) / 1000;
}

static enum obs judge_ratio(struct judge *j, const struct share_seen *o,
			    double want, const char *what)
{
	double a = used_ms(o, 0), b = used_ms(o, 1);

	judge_kv(j, "window ms", "%.0f", o->window_ms);
	judge_kv(j, "a cpu ms", "%.1f", a);
	judge_kv(j, "b cpu ms", "%.1f", b);
	if (a + b < o->window_ms / 20)
		return judge_unknown(j,
				     "the spinners hardly ran: %.1f ms in "
				     "%.0f ms",
				     a + b, o->window_ms);
	return judge_holds(j, a >= want * b,
			   "%s: a got %.1f ms, b %.1f ms of one CPU (ratio "
			   "%.1f, bound %.0f)",
			   what, a, b, b > 0 ? a / b : 999.0, want);
}

static enum obs judge_weight(struct judge *j, const struct share_seen *o)
{
	return judge_ratio(j, o, MIN_RATIO, "a against b");
}
CHECK(cpu_weight, struct share_seen, observe_weight, judge_weight);

static int observe_idle(struct ctx *c, struct share_seen *o)
{
	_cleanup_cg_group_ struct cg_group a = { 0 }, b = { 0 };

	TRY_OBS(two_cpu_groups(c, &a, &b, CGK_CPU_IDLE));
	/* 1. b yields to everything else (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &b, CGK_CPU_IDLE, 1));
	/* 2. a and b contend for one CPU. */
	return contend(c, &a, &b, o);
}

static enum obs judge_idle(struct judge *j, const struct share_seen *o)
{
	return judge_ratio(j, o, IDLE_RATIO, "a against b");
}
CHECK(cpu_idle, struct share_seen, observe_idle, judge_idle);

/* ---- cpuset ---------------------------------------------------------- */

struct confined {
	int affinity;  /* CPUs the process may run on */
	int effective; /* CPUs in its cgroup's cpuset.cpus.effective */
	int err;       /* widening it (cpuset-setaffinity only) */
	char own[64];  /* the process's cgroup's own cpuset.cpus */
};

/* dir's cpuset.cpus.effective: *n CPUs, the first and the last. */
static int effective(struct ctx *c, const char *dir, int *n, int *first,
		     int *last)
{
	char buf[256];

	TRY_OBS(cgs_read(c, dir, "cpuset.cpus.effective", buf, sizeof(buf)));
	*n = TRY(c, cgs_cpulist(buf, last), "parse cpuset.cpus.effective");
	*first = atoi(buf);
	return 0;
}

/* The cpuset parent set and its child set/kid; a skip with one CPU. */
static int cpuset_pair(struct ctx *c, struct cg_group *p, struct cg_group *k,
		       int *first, int *last)
{
	int n;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "set", CG_BIT(CG_CPUSET), p),
	    "create cgroup");
	if (!cg_group_dir(p, CG_CPUSET))
		return ctx_skip(c, "no cpuset directory for this run");
	TRY(c, cg_group_enable(p, CG_BIT(CG_CPUSET)), "enable cpuset below");
	TRY(c, cg_group_child_on(p, "kid", CG_BIT(CG_CPUSET), k),
	    "create cgroup set/kid");
	TRY_OBS(effective(c, cg_group_dir(p, CG_CPUSET), &n, first, last));
	if (n < 2)
		return ctx_skip(c,
				"our cpuset has one CPU: nothing to confine");
	return 0;
}

/* Confine dir to one CPU: cpuset.cpus = cpu. */
static int confine(struct ctx *c, const char *dir, int cpu)
{
	char s[16];

	snprintf(s, sizeof(s), "%d", cpu);
	return TRY(c, cgs_write_probe(dir, "cpuset.cpus", s),
		   "write cpuset.cpus"),
	       0;
}

/* A process in g: its affinity, g's effective CPUs and own setting. */
static int look(struct ctx *c, const struct cg_group *g, pid_t pid,
		struct confined *o)
{
	const char *dir = cg_group_dir(g, CG_CPUSET);
	cpu_set_t set;
	int first, last;

	o->affinity = TRY(c, cgs_affinity(pid, &set), "sched_getaffinity");
	TRY_OBS(effective(c, dir, &o->effective, &first, &last));
	return cgs_read(c, dir, "cpuset.cpus", o->own, sizeof(o->own));
}

enum cs_case { CS_OWN, CS_PARENT, CS_WIDEN };

static int observe_cpuset(struct ctx *c, struct confined *o, enum cs_case w)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	const struct cg_group *at = w == CS_PARENT ? &p : &k;
	cpu_set_t other;
	int first = 0, last = 0;

	TRY_OBS(cpuset_pair(c, &p, &k, &first, &last));
	/* 1. One CPU for the child, or for its parent (the isolated run). */
	if (c->isolate)
		TRY_OBS(confine(c, cg_group_dir(at, CG_CPUSET), last));
	/* 2. A process in the child. */
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, cgs_fork_in(&k, cgs_hold, &hold), "start a process");
	/* 3. Widen it to the other end of the parent's list (CS_WIDEN). */
	if (w == CS_WIDEN) {
		CPU_ZERO(&other);
		CPU_SET(first, &other);
		o->err = -cgs_set_affinity_probe(pid, &other);
	}
	return look(c, &k, pid, o);
}

static int observe_own(struct ctx *c, struct confined *o)
{
	return observe_cpuset(c, o, CS_OWN);
}

static int observe_parent(struct ctx *c, struct confined *o)
{
	return observe_cpuset(c, o, CS_PARENT);
}

static int observe_widen(struct ctx *c, struct confined *o)
{
	return observe_cpuset(c, o, CS_WIDEN);
}

static enum obs judge_own(struct judge *j, const struct confined *o)
{
	judge_kv(j, "affinity CPUs", "%d", o->affinity);
	judge_kv(j, "cpuset.cpus.effective CPUs", "%d", o->effective);
	judge_kv(j, "its cpuset.cpus", "%s", o->own[0] ? o->own : "(empty)");
	if (o->affinity > o->effective)
		return judge_unknown(j, "affinity wider than the cpuset");
	return judge_holds(j, o->affinity == 1 && o->effective == 1,
			   "process may run on %d CPU(s), its cgroup's "
			   "effective set has %d",
			   o->affinity, o->effective);
}
CHECK(cpuset_own, struct confined, observe_own, judge_own);

static enum obs judge_parent(struct judge *j, const struct confined *o)
{
	if (o->own[0])
		return judge_unknown(j,
				     "the child's own cpuset.cpus is set: "
				     "%s",
				     o->own);
	return judge_own(j, o);
}
CHECK(cpuset_parent, struct confined, observe_parent, judge_parent);

static enum obs judge_widen(struct judge *j, const struct confined *o)
{
	const char *e = o->err ? strerrorname_np(o->err) ?: "?" : "ok";

	judge_kv(j, "setaffinity outside the cpuset", "%s", e);
	judge_kv(j, "affinity CPUs afterwards", "%d", o->affinity);
	if (o->err && o->err != EINVAL)
		return judge_unknown(j, "sched_setaffinity: %s", e);
	return judge_holds(j, o->err == EINVAL && o->affinity == 1,
			   "sched_setaffinity to a CPU outside the cgroup's "
			   "cpuset: %s; %d CPU(s) allowed",
			   e, o->affinity);
}
CHECK(cpuset_widen, struct confined, observe_widen, judge_widen);

#define CPUSET_V2                                                              \
	{                                                                      \
		.root = true, .cgroup_version = 2, .ctrls = CG_BIT(CG_CPUSET)  \
	}

static const struct scenario cgroup_sched[] = {
	{
		.id = "cgroup/cpu-weight-shares",
		.title = "cpu weights share a contended CPU",
		.property = "two cgroups' spinners pinned to one CPU share it "
			    "by weight: with cpu.weight 400 against 100 "
			    "(cpu.shares 4096 against 1024 on v1) the heavy "
			    "one gets at least twice the other's CPU time",
		.expect = "ratio >= 2 (4 expected)",
		.req = { .root = true, .ctrls = CG_BIT(CG_CPU) },
		.tags = { "cgroup" },
		.check = &cpu_weight,
	},
	{
		.id = "cgroup2/cpu-idle",
		.title = "cpu.idle makes a cgroup yield its CPU",
		.property = "a spinner in a cgroup with cpu.idle=1 gets under "
			    "an eighth of the CPU time of a spinner of a "
			    "normal sibling cgroup pinned to the same CPU",
		.expect = "ratio >= 8",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ctrls = CG_BIT(CG_CPU) },
		.tags = { "cgroup", "v2" },
		.check = &cpu_idle,
	},
	{
		.id = "cgroup2/cpuset-confines",
		.title = "cpuset.cpus confines a cgroup's processes",
		.property = "after cpuset.cpus of a cgroup is set to one CPU, "
			    "a process in it may run on that one CPU "
			    "(sched_getaffinity) and cpuset.cpus.effective "
			    "lists one",
		.expect = "affinity 1 CPU, effective 1 CPU",
		.req = CPUSET_V2,
		.tags = { "cgroup", "v2" },
		.check = &cpuset_own,
	},
	{
		.id = "cgroup2/cpuset-parent-confines",
		.title = "a parent's cpuset.cpus confines its children",
		.property = "after a parent's cpuset.cpus is set to one CPU, "
			    "a process in its child (cpuset.cpus not set) may "
			    "run on one CPU and the child's effective set "
			    "has one",
		.expect = "affinity 1 CPU, effective 1 CPU, child unset",
		.req = CPUSET_V2,
		.tags = { "cgroup", "v2" },
		.check = &cpuset_parent,
	},
	{
		.id = "cgroup2/cpuset-setaffinity-refused",
		.title = "sched_setaffinity cannot leave the cpuset",
		.property = "a process of a cgroup confined to one CPU cannot "
			    "be moved to another CPU with sched_setaffinity: "
			    "EINVAL",
		.expect = "setaffinity EINVAL, 1 CPU allowed",
		.req = CPUSET_V2,
		.tags = { "cgroup", "v2" },
		.check = &cpuset_widen,
	},
};

BOXCHECK_AREA(cgroup_sched, cgroup_sched);
