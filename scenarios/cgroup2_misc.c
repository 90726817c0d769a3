// SPDX-License-Identifier: MIT
/*
 * The pids and device controllers (admin-guide/cgroup-v2.rst, "PID",
 * "Device controller"): a pids.max lowered under pids.current and a
 * migration past it leave the cgroup over its limit, and only a new fork
 * is refused; a BPF_CGROUP_DEVICE program decides each access to a device
 * by the cgroup's processes, per kind of access.
 */
#include "cgctl_util.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <sys/sysmacros.h>

#define N_HELD 3  /* processes in the cgroup before the limit */
#define LOWERED 1 /* pids.max written under pids.current */

/* cgx_act_fn: one fork probe; the child leaves at once. Its errno. */
static int fork_once(void *arg, int cmd)
{
	pid_t p = cgs_fork_probe();

	(void)arg;
	(void)cmd;
	if (p == 0)
		_exit(0);
	if (p < 0)
		return -p; /* the observation: EAGAIN at the limit */
	return wait_status(p, &(int){ 0 }) < 0 ? -ECHILD : 0;
}

static void reap_held(pid_t (*p)[N_HELD + 1])
{
	for (int i = 0; i <= N_HELD; i++)
		reapp(&(*p)[i]);
}

struct over_seen {
	int moved;	  /* writing a newcomer's pid to cgroup.procs */
	int fork;	  /* a fork inside, afterwards: 0 or its errno */
	uint64_t current; /* pids.current then */
	int alive;	  /* processes of the cgroup still running */
};

static int observe_over(struct ctx *c, struct over_seen *o)
{
	_cleanup_(reap_held) pid_t held[N_HELD + 1] = { -1, -1, -1, -1 };
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	_cleanup_actor_ struct cgx_actor forker = CGX_ACTOR_INIT;
	int r = 0;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "pids", CG_BIT(CG_PIDS), &g), "pids");
	TRY_OBS(cgs_need(c, &g, CGK_PIDS_MAX));
	TRY_OBS(cgs_need(c, &g, CGK_PIDS_CURRENT));
	TRY(c, chan_open(&hold), "pipe");
	/* 1. Processes in the cgroup (the forker among them), one outside. */
	for (int i = 0; i < N_HELD - 1; i++)
		held[i] = TRY(c, cgs_fork_in(&g, cgs_hold, &hold), "hold");
	TRY_OBS(cgx_actor_start(c, &g, fork_once, NULL, &forker));
	held[N_HELD] = TRY(c, cgs_fork_in(NULL, cgs_hold, &hold), "hold");
	/* 2. pids.max lowered under pids.current (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_PIDS_MAX, LOWERED));
	/* 3. The one outside moves in; then a fork inside. */
	o->moved = cg_group_attach(&g, held[N_HELD]);
	TRY_OBS(cgx_actor_do(c, &forker, 0, "fork in the cgroup", &r));
	o->fork = -r;
	TRY_OBS(cgs_get(c, &g, CGK_PIDS_CURRENT, &o->current));
	/* 4. Who still runs? (the forker answered: it does) */
	o->alive = 1;
	for (int i = 0; i <= N_HELD; i++)
		if (i != N_HELD - 1 && held[i] > 0)
			o->alive += waitpid(held[i], &r, WNOHANG) == 0;
	return 0;
}

static enum obs judge_over(struct judge *j, const struct over_seen *o)
{
	judge_kv(j, "newcomer moved in", "%s", cgx_err(o->moved));
	judge_kv(j, "fork inside", "%s", cgx_err(o->fork));
	judge_kv(j, "pids.current", "%llu", (unsigned long long)o->current);
	judge_kv(j, "processes alive", "%d", o->alive);
	if (o->moved)
		return judge_unknown(j, "the move was refused: %s",
				     cgx_err(o->moved));
	if (o->fork && o->fork != -EAGAIN)
		return judge_unknown(j, "fork failed with %s",
				     cgx_err(o->fork));
	return judge_holds(j,
			   o->fork == -EAGAIN && o->current > LOWERED &&
				   o->alive == N_HELD + 1,
			   "pids.current %llu with the limit at %d, all %d "
			   "alive, fork %s",
			   (unsigned long long)o->current, LOWERED, o->alive,
			   cgx_err(o->fork));
}
CHECK(pids_over, struct over_seen, observe_over, judge_over);

/* The device whose accesses the program decides: /dev/full (1:7). */
#define DEV_MAJOR 1
#define DEV_MINOR 7
#define DEV_PATH "/dev/full"
#define NODE "fullnode" /* made in the run's directory */

/* cgx_act_fn: the three accesses, errnos packed a byte each. */
static int try_accesses(void *arg, int cmd)
{
	int rd = cgs_open_probe(DEV_PATH, O_RDONLY);
	int wr = cgs_open_probe(DEV_PATH, O_WRONLY);
	int mk = cgs_mknod_probe(NODE, S_IFCHR | 0600,
				 makedev(DEV_MAJOR, DEV_MINOR));

	(void)arg;
	(void)cmd;
	return (-rd & 0xff) | (-wr & 0xff) << 8 | (-mk & 0xff) << 16;
}

enum { ACC_READ, ACC_WRITE, ACC_MKNOD, ACC__N };
static const struct {
	const char *name;
	unsigned bit; /* BPF_DEVCG_ACC_* */
} accs[ACC__N] = {
	[ACC_READ] = { "open for reading", BPF_DEVCG_ACC_READ },
	[ACC_WRITE] = { "open for writing", BPF_DEVCG_ACC_WRITE },
	[ACC_MKNOD] = { "mknod", BPF_DEVCG_ACC_MKNOD },
};

struct dev_seen {
	int err[ACC__N]; /* 0 or -errno of each access */
};

static int observe_dev(struct ctx *c, struct dev_seen *o, int deny)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_actor_ struct cgx_actor a = CGX_ACTOR_INIT;
	_cleanup_close_ int prog = -1;
	int r = 0;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_group(c, c->cg, "devices", 0, 0, &g));
	prog = cgx_devcg_load(DEV_MAJOR, DEV_MINOR, accs[deny].bit);
	if (prog == -ENOSYS || prog == -EINVAL)
		return ctx_skip(c,
				"kernel loads no BPF_PROG_TYPE_CGROUP_DEVICE "
				"program (bpf: %s)",
				cgx_err(prog));
	TRY(c, prog, "load the device program");
	/* 1. The program decides for the cgroup (the isolated run). */
	if (c->isolate)
		TRY(c, cgx_devcg_attach(cg_group_unified(&g), prog),
		    "attach the device program");
	/* 2. A process of the cgroup tries each access. */
	TRY_OBS(cgx_actor_start(c, &g, try_accesses, NULL, &a));
	TRY_OBS(cgx_actor_do(c, &a, 0, "try the accesses", &r));
	for (int i = 0; i < ACC__N; i++)
		o->err[i] = -((r >> (8 * i)) & 0xff);
	return 0;
}

static enum obs judge_dev(struct judge *j, const struct dev_seen *o, int deny)
{
	bool others_ok = true;

	for (int i = 0; i < ACC__N; i++) {
		judge_kv(j, accs[i].name, "%s", cgx_err(o->err[i]));
		if (o->err[i] && o->err[i] != -EPERM)
			return judge_unknown(j, "%s of %s: %s", accs[i].name,
					     DEV_PATH, cgx_err(o->err[i]));
		others_ok = others_ok && (i == deny || !o->err[i]);
	}
	return judge_holds(j, o->err[deny] == -EPERM && others_ok,
			   "%s of %s: %s; the other accesses %s",
			   accs[deny].name, DEV_PATH, cgx_err(o->err[deny]),
			   others_ok ? "allowed" : "refused too");
}

#define DEV_CHECK(name_, acc_)                                                 \
	static int observe_##name_(struct ctx *c, struct dev_seen *o)          \
	{                                                                      \
		return observe_dev(c, o, acc_);                                \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct dev_seen *o)                \
	{                                                                      \
		return judge_dev(j, o, acc_);                                  \
	}                                                                      \
	CHECK(name_, struct dev_seen, observe_##name_, judge_##name_)
DEV_CHECK(dev_read, ACC_READ);
DEV_CHECK(dev_write, ACC_WRITE);
DEV_CHECK(dev_mknod, ACC_MKNOD);

#define DEV_SCENARIO(id_, what_, check_)                                       \
	{                                                                      \
		.id = "cgroup2/bpf-device-deny-" id_,                          \
		.title = "a device program refuses " what_ " alone",           \
		.property = "a BPF_CGROUP_DEVICE program attached to a "       \
			    "cgroup that answers 0 for " what_ " of "          \
			    "/dev/full (1:7) makes it fail with EPERM for "    \
			    "the cgroup's processes, while the other "         \
			    "accesses still succeed",                          \
		.expect = what_ " EPERM, the others ok",                       \
		.req = { .root = true,                                         \
			 .caps = CAP_BIT(CAP_SYS_ADMIN) |                      \
				 CAP_BIT(CAP_MKNOD) },                         \
		.tags = { "cgroup", "v2" }, .check = &check_,                  \
	}

static const struct scenario cgroup2_misc[] = {
	{
		.id = "cgroup/pids-over-lowered-max",
		.title = "a lowered pids.max refuses forks, not members",
		.property = "with pids.max written under pids.current and one "
			    "more process moved in, the cgroup's processes "
			    "all live on (pids.current above the limit) and "
			    "only a new fork fails with EAGAIN",
		.expect = "pids.current 4 > 1, all alive, fork EAGAIN",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "cgroup" },
		.check = &pids_over,
	},
	DEV_SCENARIO("read", "opening for reading", dev_read),
	DEV_SCENARIO("write", "opening for writing", dev_write),
	DEV_SCENARIO("mknod", "mknod", dev_mknod),
};

BOXCHECK_AREA(cgroup2_misc, cgroup2_misc);
