// SPDX-License-Identifier: MIT
/*
 * cgroup v1 core semantics (admin-guide/cgroup-v1/cgroups.rst) and
 * cpuacct: tasks places single threads, notify_on_release is inherited
 * by new children (judged without ever running a release agent: the
 * scenario skips when the host has one), and cpuacct accounts usage per
 * CPU.
 */
#include "cgroup_util.h"

#include <string.h>
#include <time.h>

#define BURN_MS 50

/* The v1 hierarchy of the pids controller: its index, or a skip. */
static int pids_v1(struct ctx *c, int *i)
{
	*i = c->cgl->by_ctrl[CG_PIDS];
	if (*i < 0 || c->cgl->hier[*i].version != 1)
		return ctx_skip(c, "the pids controller is not on a v1 "
				   "hierarchy");
	return 0;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

struct placed {
	char leader[512], thread[512]; /* their v1 pids cgroup paths */
};

static int observe_tasks(struct ctx *c, struct placed *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT, tid = CHAN_INIT;
	struct cgs_threads tt;
	int h, k = 0;
	char s[32];

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(pids_v1(c, &h));
	TRY(c, cg_group_child_on(c->cg, "threads", CG_BIT(CG_PIDS), &g),
	    "create cgroup");
	TRY(c, chan_open(&hold), "pipe");
	TRY(c, chan_open(&tid), "pipe");
	tt = (struct cgs_threads){ hold, tid };
	pid = TRY(c, cgs_fork_in(NULL, cgs_two_threads, &tt),
		  "start a process");
	close(TAKE_FD(tid.wr));
	TRY(c, chan_recv_int(&tid, &k), "learn the thread's id");
	/* 1. The thread's id into tasks, or into cgroup.procs (control). */
	snprintf(s, sizeof(s), "%d", k);
	TRY(c,
	    cgs_write_probe(g.dir[h], c->isolate ? "tasks" : "cgroup.procs", s),
	    "write the thread's id");
	/* 2. Where each thread is. */
	TRY(c, cgs_tid_cgroup(c->cgl, h, pid, o->leader, sizeof(o->leader)),
	    "the leader's cgroup");
	return TRY(c,
		   cgs_tid_cgroup(c->cgl, h, k, o->thread, sizeof(o->thread)),
		   "the thread's cgroup"),
	       0;
}

static enum obs judge_tasks(struct judge *j, const struct placed *o)
{
	bool t_in = ends_with(o->thread, "/threads");
	bool l_in = ends_with(o->leader, "/threads");

	judge_kv(j, "leader's cgroup", "%s", o->leader);
	judge_kv(j, "thread's cgroup", "%s", o->thread);
	if (!t_in)
		return judge_unknown(j, "the thread did not move: %s",
				     o->thread);
	return judge_holds(j, !l_in, "the thread moved, its leader %s",
			   l_in ? "with it" : "stayed");
}
CHECK(tasks_one_thread, struct placed, observe_tasks, judge_tasks);

struct inherited {
	uint64_t kid; /* notify_on_release of a new child */
};

/* Skip when the hierarchy has a release agent: we never run it. */
static int no_agent(struct ctx *c, int h)
{
	char path[PATH_MAX + 32], buf[PATH_MAX];

	snprintf(path, sizeof(path), "%s/release_agent", c->cgl->hier[h].mount);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return ctx_skip(c, "no release_agent file on the pids "
				   "hierarchy (not its root mounted)");
	chomp(buf);
	if (buf[0])
		return ctx_skip(c,
				"the host has a release agent on the pids "
				"hierarchy (%s): notify_on_release would "
				"run it",
				buf);
	return 0;
}

static int observe_notify(struct ctx *c, struct inherited *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 }, k = { 0 };
	int h;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(pids_v1(c, &h));
	TRY_OBS(no_agent(c, h));
	TRY(c, cg_group_child_on(c->cg, "notify", CG_BIT(CG_PIDS), &g),
	    "create cgroup");
	TRY_OBS(cgs_need(c, &g, CGK_NOTIFY_RELEASE));
	/* 1. Set the flag (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_NOTIFY_RELEASE, 1));
	/* 2. A new child: what does it start with? */
	TRY(c, cg_group_child_on(&g, "kid", CG_BIT(CG_PIDS), &k),
	    "create cgroup notify/kid");
	return cgs_get(c, &k, CGK_NOTIFY_RELEASE, &o->kid);
}

static enum obs judge_notify(struct judge *j, const struct inherited *o)
{
	judge_kv(j, "child's notify_on_release", "%llu",
		 (unsigned long long)o->kid);
	return judge_holds(j, o->kid == 1,
			   "a new child starts with notify_on_release=%llu",
			   (unsigned long long)o->kid);
}
CHECK(notify_inherited, struct inherited, observe_notify, judge_notify);

/* Pinned, burn BURN_MS of CPU time, exit. */
static int burn_fn(void *arg)
{
	const int *cpu = arg;
	struct timespec ts;
	cpu_set_t set;
	volatile unsigned long n = 0;

	CPU_ZERO(&set);
	CPU_SET(*cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return 3;
	do {
		for (int i = 0; i < 10000; i++)
			n++;
		clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	} while (ts.tv_sec * 1000 + ts.tv_nsec / 1000000 < BURN_MS);
	return 0;
}

struct percpu_seen {
	int cpu;	  /* the CPU burnt on (a host fact) */
	int n;		  /* CPUs listed */
	uint64_t v[1024]; /* usage_percpu, ns */
	uint64_t sib;	  /* the sibling's usage on all CPUs, ns */
};

static int observe_percpu(struct ctx *c, struct percpu_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };
	pid_t pid;
	int sig;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "acct", CG_BIT(CG_CPUACCT), &g),
	    "create cgroup");
	TRY(c, cg_group_child_on(c->cg, "sibling", CG_BIT(CG_CPUACCT), &s),
	    "create cgroup sibling");
	if (!cg_group_dir(&g, CG_CPUACCT))
		return ctx_skip(c, "no cpuacct directory for this run");
	o->cpu = TRY(c, cgs_last_cpu(), "sched_getaffinity");
	/* 1. The burn in the counted cgroup (isolated) or its sibling. */
	pid = TRY(c, cgs_fork_in(c->isolate ? &g : &s, burn_fn, &o->cpu),
		  "start the burn");
	TRY_OBS(cgs_reap(c, pid, "the burn", &sig));
	if (sig)
		return ctx_error(c, 0, "the burn died of SIG%s",
				 sigabbrev_np(sig) ?: "?");
	/* 2. The counted cgroup's usage per CPU, and its sibling's. */
	o->n = TRY(c, cgs_percpu(&s, o->v, ARRAY_SIZE(o->v)),
		   "read the sibling's cpuacct.usage_percpu");
	for (int i = 0; i < o->n; i++)
		o->sib += o->v[i];
	o->n = TRY(c, cgs_percpu(&g, o->v, ARRAY_SIZE(o->v)),
		   "read cpuacct.usage_percpu");
	return o->cpu < o->n ? 0
			     : ctx_error(c, 0, "cpuacct lists %d CPUs", o->n);
}

static enum obs judge_percpu(struct judge *j, const struct percpu_seen *o)
{
	double on = o->v[o->cpu] / 1e6, off = 0;

	for (int i = 0; i < o->n; i++)
		off += i == o->cpu ? 0 : o->v[i] / 1e6;
	judge_kv(j, "burnt on CPU", "%d", o->cpu);
	judge_kv(j, "usage on it ms", "%.1f", on);
	judge_kv(j, "usage elsewhere ms", "%.1f", off);
	judge_kv(j, "sibling's usage ms", "%.1f", o->sib / 1e6);
	return judge_holds(j,
			   on >= BURN_MS / 2.0 && off <= on / 10 &&
				   o->sib / 1e6 <= on / 10,
			   "%.1f ms on CPU %d, %.1f ms on the others, %.1f ms "
			   "in the sibling",
			   on, o->cpu, off, o->sib / 1e6);
}
CHECK(cpuacct_percpu, struct percpu_seen, observe_percpu, judge_percpu);

static const struct scenario cgroup1_misc[] = {
	{
		.id = "cgroup1/tasks-moves-one-thread",
		.title = "v1 tasks moves a single thread",
		.property = "writing a thread's id to a v1 cgroup's tasks "
			    "file moves that thread alone (its leader stays), "
			    "where cgroup.procs moves the whole process",
		.expect = "the thread moved, its leader stayed",
		.req = { .root = true,
			 .cgroup_version = 1,
			 .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "cgroup", "v1" },
		.check = &tasks_one_thread,
	},
	{
		.id = "cgroup1/notify-on-release-inherited",
		.title = "notify_on_release is inherited by new children",
		.property = "a cgroup made below one with notify_on_release=1 "
			    "starts with notify_on_release=1 (checked only "
			    "where the hierarchy has no release agent)",
		.expect = "the child reads notify_on_release=1",
		.req = { .root = true,
			 .cgroup_version = 1,
			 .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "cgroup", "v1" },
		.check = &notify_inherited,
	},
	{
		.id = "cgroup1/cpuacct-percpu",
		.title = "cpuacct accounts usage per CPU",
		.property = "after a process of the cgroup burnt 50 ms of CPU "
			    "time pinned to one CPU, cpuacct.usage_percpu "
			    "shows at least 25 ms on that CPU and at most a "
			    "tenth of it on the others, and a sibling cgroup "
			    "at most a tenth",
		.expect = ">= 25 ms on the pinned CPU, <= 10% elsewhere and "
			  "in the sibling",
		.req = { .root = true,
			 .cgroup_version = 1,
			 .ctrls = CG_BIT(CG_CPUACCT) },
		.tags = { "cgroup", "v1" },
		.check = &cpuacct_percpu,
	},
};

BOXCHECK_AREA(cgroup1_misc, cgroup1_misc);
