// SPDX-License-Identifier: MIT
/*
 * What v2 does with programs and counters instead of interface files
 * (cgroups(7), "Cgroups v2 controllers", "Cgroups version 1 controllers";
 * admin-guide/cgroup-v2.rst, "Device controller", "perf_event"): a
 * BPF_CGROUP_DEVICE program attached to a cgroup decides device access
 * of its processes, and perf counts the events of a cgroup's processes
 * as one group. Both attach to a cgroup of ours, on the v2 hierarchy.
 */
#include "cgcore.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

/* ---- a device program returning 0 denies ------------------------------- */

/* Load a BPF_CGROUP_DEVICE program that returns 0: fd or -errno. */
static int deny_all_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insn_cnt = ARRAY_SIZE(insns);
	a.insns = (unsigned long)insns;
	a.license = (unsigned long)"GPL";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	return fd < 0 ? neg_errno() : fd;
}

static int attach(int prog, const char *dir)
{
	_cleanup_close_ int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	union bpf_attr a;

	if (cg < 0)
		return neg_errno();
	memset(&a, 0, sizeof(a));
	a.target_fd = (unsigned)cg;
	a.attach_bpf_fd = (unsigned)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	return syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a)) < 0
		       ? neg_errno()
		       : 0;
}

struct dev_seen {
	int open_err, mknod_err; /* /dev/null read, a mknod of c 1:3 */
};

struct dev_job {
	const char *join, *node;
};

static int dev_fn(void *arg, void *out, size_t len)
{
	const struct dev_job *d = arg;
	struct dev_seen *o = out;
	int e;

	(void)len;
	if ((e = cgc_put(d->join, "cgroup.procs", getpid())) < 0)
		return child_fail("join the cgroup", e);
	o->open_err = -cgs_open_probe("/dev/null", O_RDONLY);
	o->mknod_err = -cgs_mknod_probe(d->node, S_IFCHR | 0600, makedev(1, 3));
	return 0;
}

static int observe_dev(struct ctx *c, struct dev_seen *o)
{
	_cleanup_cg_group_ struct cg_group k = { 0 };
	_cleanup_close_ int prog = -1;
	char node[PATH_MAX + 8];
	struct dev_job d;

	TRY_OBS(cgc_child(c, c->cg, "k", &k));
	prog = deny_all_prog();
	if (prog == -EINVAL || prog == -ENOSYS)
		return ctx_skip(c,
				"kernel takes no BPF_CGROUP_DEVICE program "
				"(bpf: %s)",
				cgc_err(prog));
	TRY(c, prog, "load a BPF_CGROUP_DEVICE program");
	/* 1. The program attached to the cgroup (the isolated run). */
	if (c->isolate)
		TRY(c, attach(prog, cgc_dir(&k)), "attach the program");
	/* 2. A process of the cgroup opens a device and makes one. */
	snprintf(node, sizeof(node), "%s/null", c->tmpdir);
	d = (struct dev_job){ cgc_dir(&k), node };
	return run_in_child(c, "the device user", 0, dev_fn, &d, o, sizeof(*o));
}

static enum obs judge_dev(struct judge *j, const struct dev_seen *o)
{
	judge_kv(j, "open /dev/null", "%s", cgc_err(o->open_err));
	judge_kv(j, "mknod c 1:3", "%s", cgc_err(o->mknod_err));
	if ((o->open_err && o->open_err != EPERM) ||
	    (o->mknod_err && o->mknod_err != EPERM))
		return judge_unknown(j, "open %s, mknod %s",
				     cgc_err(o->open_err),
				     cgc_err(o->mknod_err));
	return judge_holds(j, o->open_err == EPERM && o->mknod_err == EPERM,
			   "open /dev/null %s, mknod %s", cgc_err(o->open_err),
			   cgc_err(o->mknod_err));
}
CHECK(bpf_device, struct dev_seen, observe_dev, judge_dev);

/* ---- perf counts a cgroup's processes ---------------------------------- */

#define WINDOW_MS 30

struct perf_seen {
	uint64_t ns; /* task-clock counted for the cgroup on one CPU */
	int cpu;
};

/* A task-clock counter of the cgroup at dir, on cpu: fd or -errno. */
static int cgroup_clock(const char *dir, int cpu)
{
	_cleanup_close_ int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct perf_event_attr a;
	int fd;

	if (cg < 0)
		return neg_errno();
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	fd = (int)syscall(SYS_perf_event_open, &a, cg, cpu, -1,
			  PERF_FLAG_PID_CGROUP | PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? neg_errno() : fd;
}

static int count(int fd, uint64_t *ns)
{
	if (read(fd, ns, sizeof(*ns)) != sizeof(*ns))
		return -EIO;
	if (mutant_on(M_CG_PERF_COUNTS))
		*ns = WINDOW_MS * 1000000ull;
	return 0;
}

static int observe_perf(struct ctx *c, struct perf_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group k = { 0 }, s = { 0 };
	_cleanup_close_ int fd = -1;
	struct cgs_pinned pin;

	TRY_OBS(cgc_child(c, c->cg, "k", &k));
	TRY_OBS(cgc_child(c, c->cg, "s", &s));
	o->cpu = TRY(c, cgs_last_cpu(), "our CPUs");
	fd = cgroup_clock(cgc_dir(&k), o->cpu);
	if (fd == -EOPNOTSUPP || fd == -ENOENT || fd == -EBADF)
		return ctx_skip(c,
				"kernel counts no perf events per cgroup "
				"(perf_event_open: %s)",
				cgc_err(fd));
	TRY(c, fd, "perf_event_open of the cgroup");
	/* 1. A spinner on that CPU in the cgroup (isolated), or beside. */
	pin = (struct cgs_pinned){ o->cpu, NULL };
	pid = TRY(c, cgs_fork_in(c->isolate ? &k : &s, cgs_spin_on, &pin),
		  "start a spinner");
	/* 2. What the counter saw over the window. */
	cgs_sleep_ms(WINDOW_MS);
	TRY(c, count(fd, &o->ns), "read the counter");
	return cgs_alive(c, &pid, "the spinner");
}

static enum obs judge_perf(struct judge *j, const struct perf_seen *o)
{
	judge_kv(j, "cgroup task-clock", "%.1f ms on CPU %d in %d ms",
		 o->ns / 1e6, o->cpu, WINDOW_MS);
	return judge_holds(j, o->ns >= 1000000,
			   "the cgroup's counter saw %.1f ms of CPU %d",
			   o->ns / 1e6, o->cpu);
}
CHECK(perf_cgroup, struct perf_seen, observe_perf, judge_perf);

#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v2"                                                 \
	}

static const struct scenario cgroup2_bpf[] = {
	{
		.id = "cgroup2/bpf-device-denies",
		.title = "a BPF device program decides device access",
		.property = "with a BPF_CGROUP_DEVICE program returning 0 "
			    "attached to its cgroup, a process cannot open "
			    "/dev/null nor mknod it: EPERM",
		.expect = "open EPERM, mknod EPERM",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = TAGS,
		.check = &bpf_device,
	},
	{
		.id = "cgroup2/perf-counts-cgroup",
		.title = "perf counts the processes of a cgroup",
		.property = "a task-clock counter bound to a v2 cgroup on one "
			    "CPU counts a spinner of that cgroup there (none "
			    "when the spinner is in a sibling)",
		.expect = "at least 1 ms counted",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = TAGS,
		.check = &perf_cgroup,
	},
};

BOXCHECK_AREA(cgroup2_bpf, cgroup2_bpf);
