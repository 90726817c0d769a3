// SPDX-License-Identifier: MIT
/*
 * Counting and charging across the tree (admin-guide/cgroup-v2.rst,
 * "cgroup.stat" nr_subsys_<ss> and nr_dying_subsys_<ss>; "Organize Once
 * and Control", "Memory Ownership"): a cgroup's controller states are
 * counted at and below it, live and dying; memory stays charged to the
 * cgroup that instantiated it when its process moves on; ("Weights")
 * cpu.weight starts at 100 and takes only [1, 10000].
 */
#include "cgcore.h"
#include "cgctl_util.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MIB (1024ull * 1024)
#define TOUCHED (4 * MIB)
#define N_KIDS 3
#define SS_LIVE "nr_subsys_perf_event"
#define SS_DYING "nr_dying_subsys_perf_event"

/* ---- nr_subsys_<ss>, nr_dying_subsys_<ss> ----------------------------- */

struct subsys_seen {
	uint64_t live[2];  /* d's nr_subsys_perf_event before, after rmdir */
	uint64_t dying[2]; /* d's nr_dying_subsys_perf_event */
};

static int subsys_read(struct ctx *c, const char *dir, uint64_t *live,
		       uint64_t *dying)
{
	TRY_OBS(cgc_stat(c, dir, SS_LIVE, live));
	return cgc_stat(c, dir, SS_DYING, dying);
}

static int observe_subsys(struct ctx *c, struct subsys_seen *o)
{
	_cleanup_proc_ struct cgc_proc z = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group d = { 0 }, k0 = { 0 }, k1 = { 0 },
					   k2 = { 0 };
	struct cg_group *k[N_KIDS] = { &k0, &k1, &k2 };
	const struct cg_group *at;
	uint64_t live, dying;
	char name[8];

	TRY_OBS(cgc_child(c, c->cg, "d", &d));
	/* perf_event is implicit on v2: every cgroup has its state. */
	TRY_OBS(subsys_read(c, cgc_dir(&d), &live, &dying));
	/* 1. Three cgroups below d (isolated), or beside it. */
	at = c->isolate ? &d : c->cg;
	for (int i = 0; i < N_KIDS; i++) {
		snprintf(name, sizeof(name), "k%d", i);
		TRY_OBS(cgc_child(c, at, name, k[i]));
	}
	/* 2. The first holds a zombie, which keeps it dying once removed. */
	TRY_OBS(cgc_start(c, k[0], &z));
	TRY_OBS(cgc_zombie(c, &z));
	TRY_OBS(subsys_read(c, cgc_dir(&d), &o->live[0], &o->dying[0]));
	TRY(c, cgs_rmdir_probe(cgc_dir(k[0])), "remove the zombie's cgroup");
	/* 3. d's counts once it is removed. */
	return subsys_read(c, cgc_dir(&d), &o->live[1], &o->dying[1]);
}

static enum obs judge_subsys(struct judge *j, const struct subsys_seen *o)
{
	judge_kv(j, SS_LIVE, "%llu, after the rmdir %llu",
		 (unsigned long long)o->live[0],
		 (unsigned long long)o->live[1]);
	judge_kv(j, SS_DYING, "%llu, after the rmdir %llu",
		 (unsigned long long)o->dying[0],
		 (unsigned long long)o->dying[1]);
	if (o->live[0] < 1)
		return judge_unknown(j, "d itself is not counted");
	/* d and its three children; then d, two live and one dying. */
	return judge_holds(j,
			   o->live[0] == 1 + N_KIDS && o->dying[0] == 0 &&
				   o->live[1] == N_KIDS && o->dying[1] == 1,
			   "d counts %llu live and %llu dying perf_event "
			   "states, after removing a zombie's cgroup %llu "
			   "and %llu",
			   (unsigned long long)o->live[0],
			   (unsigned long long)o->dying[0],
			   (unsigned long long)o->live[1],
			   (unsigned long long)o->dying[1]);
}
CHECK(stat_nr_subsys, struct subsys_seen, observe_subsys, judge_subsys);

/* ---- memory stays charged where it was instantiated ------------------- */

struct toucher {
	struct chan go, done;
};

/*
 * fn for cgs_fork_in: on a word from go, touch TOUCHED bytes that it
 * keeps, say how that went on done, then block until go closes.
 */
static int touch_on_go(void *arg)
{
	struct toucher *t = arg;
	long pg = sysconf(_SC_PAGESIZE);
	int word, r = 0;
	char *p;

	cgc_keep_only(t->go.rd, t->done.wr);
	if (chan_recv_int(&t->go, &word) < 0)
		return 3;
	p = mmap(NULL, TOUCHED, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		r = neg_errno();
	else
		for (size_t off = 0; off < TOUCHED; off += pg)
			((volatile char *)p)[off] = 1;
	chan_send_int(&t->done, r);
	closep(&t->done.wr);
	return r < 0 ? 3 : cgs_hold(&t->go);
}

struct charge_seen {
	uint64_t first, second; /* memory of a (where it started) and b */
};

/* Let it touch its memory and wait until it has. */
static int touch_now(struct ctx *c, struct cgc_proc *x, struct chan *done)
{
	int r = 0;

	TRY(c, chan_send_int(&x->hold, 1), "tell it to touch");
	TRY(c, chan_recv_int(done, &r), "wait for its touch");
	return TRY(c, r, "touch 4 MiB"), 0;
}

static int observe_charge(struct ctx *c, struct charge_seen *o)
{
	/* The groups go after the process has (declared first). */
	_cleanup_cg_group_ struct cg_group a = { 0 }, b = { 0 };
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_chan_ struct chan done = CHAN_INIT;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "a", CG_BIT(CG_MEMORY), &a), "a");
	TRY(c, cg_group_child_on(c->cg, "b", CG_BIT(CG_MEMORY), &b), "b");
	TRY_OBS(cgs_need(c, &a, CGK_MEM_CURRENT));
	TRY(c, chan_open(&x.hold), "pipe");
	TRY(c, chan_open(&done), "pipe");
	/* A process in a; it touches 4 MiB, then moves to b (isolated), or
	 * moves to b before it touches them. */
	x.pid = TRY(
		c,
		cgs_fork_in(&a, touch_on_go, &(struct toucher){ x.hold, done }),
		"start it in a");
	close(TAKE_FD(x.hold.rd));
	close(TAKE_FD(done.wr));
	if (c->isolate)
		TRY_OBS(touch_now(c, &x, &done));
	TRY(c, cg_group_attach(&b, x.pid), "move it to b");
	if (!c->isolate)
		TRY_OBS(touch_now(c, &x, &done));
	TRY_OBS(cgs_get(c, &a, CGK_MEM_CURRENT, &o->first));
	return cgs_get(c, &b, CGK_MEM_CURRENT, &o->second);
}

static enum obs judge_charge(struct judge *j, const struct charge_seen *o)
{
	judge_kv(j, "memory of a", "%llu KiB",
		 (unsigned long long)o->first / 1024);
	judge_kv(j, "memory of b", "%llu KiB",
		 (unsigned long long)o->second / 1024);
	return judge_holds(
		j, o->first >= TOUCHED * 3 / 4 && o->second < TOUCHED / 4,
		"with the process in b, a holds %llu KiB and b "
		"%llu KiB of its 4 MiB",
		(unsigned long long)o->first / 1024,
		(unsigned long long)o->second / 1024);
}
CHECK(charge_stays, struct charge_seen, observe_charge, judge_charge);

/* ---- weights: [1, 10000], default 100 --------------------------------- */

struct range_seen {
	uint64_t dflt; /* a new cgroup's cpu.weight */
	int low, high; /* the writes below and above (or at) the bounds */
};

static int observe_range(struct ctx *c, struct range_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	const char *dir;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_group(c, c->cg, "w", CG_BIT(CG_CPU), 0, &g));
	dir = cg_group_unified(&g);
	TRY_OBS(cgx_need(c, dir, "cpu.weight"));
	TRY_OBS(cgx_get(c, dir, "cpu.weight", NULL, CGX_PLAIN, &o->dflt));
	/* Just outside the range (isolated), or its bounds. */
	if (c->isolate) {
		o->low = -cgs_write_probe(dir, "cpu.weight", "0");
		o->high = -cgs_write_probe(dir, "cpu.weight", "10001");
	} else {
		o->low = -cgs_write_probe(dir, "cpu.weight", "1");
		o->high = -cgs_write_probe(dir, "cpu.weight", "10000");
	}
	return 0;
}

static bool range_err(int e)
{
	return e == ERANGE || e == EINVAL;
}

static enum obs judge_range(struct judge *j, const struct range_seen *o)
{
	judge_kv(j, "new cgroup's cpu.weight", "%llu",
		 (unsigned long long)o->dflt);
	judge_kv(j, "writes", "low %s, high %s", cgc_err(o->low),
		 cgc_err(o->high));
	if ((o->low && !range_err(o->low)) || (o->high && !range_err(o->high)))
		return judge_unknown(j, "a write failed with %s",
				     cgc_err(o->low ?: o->high));
	return judge_holds(j, o->dflt == 100 && o->low && o->high,
			   "cpu.weight %llu at first; writes: low %s, high %s",
			   (unsigned long long)o->dflt, cgc_err(o->low),
			   cgc_err(o->high));
}
CHECK(weight_range, struct range_seen, observe_range, judge_range);

static const struct scenario cgroup2_w4[] = {
	{
		.id = "cgroup2/stat-nr-subsys",
		.title = "cgroup.stat counts controller states below a cgroup",
		.property = "with three child cgroups, a cgroup's "
			    "nr_subsys_perf_event counts 4 and "
			    "nr_dying_subsys_perf_event 0; once a child held "
			    "by a zombie is removed, 3 and 1",
		.expect = "4 live, 0 dying; then 3 and 1",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = { "cgroup", "v2" },
		.check = &stat_nr_subsys,
	},
	{
		.id = "cgroup/memory-charge-stays",
		.title = "memory stays charged where it was instantiated",
		.property = "a process that touched 4 MiB in cgroup a and "
			    "then moved to b leaves them charged to a: a "
			    "holds at least 3 MiB, b under 1 MiB",
		.expect = "a >= 3 MiB, b < 1 MiB",
		.req = { .root = true, .ctrls = CG_BIT(CG_MEMORY) },
		.tags = { "cgroup" },
		.check = &charge_stays,
	},
	{
		.id = "cgroup2/cpu-weight-range",
		.title = "cpu.weight starts at 100 and takes [1, 10000]",
		.property = "a new cgroup's cpu.weight reads 100, and writing "
			    "0 or 10001 to it is refused (ERANGE), where 1 "
			    "and 10000 are taken",
		.expect = "100; 0 and 10001 refused",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ctrls = CG_BIT(CG_CPU) },
		.tags = { "cgroup", "v2" },
		.check = &weight_range,
	},
};

BOXCHECK_AREA(cgroup2_w4, cgroup2_w4);
