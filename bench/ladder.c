// SPDX-License-Identifier: MIT
#include "ladder.h"
#include "../primitives/ns.h"
#include "fixture.h"
#include "mounts.h"
#include "../primitives/rootfs.h"

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <sys/mman.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#define NS_EACH (NS_BIT(NS_PID) | NS_BIT(NS_MNT) | NS_BIT(NS_UTS))
#define IDMAP_BASE 100000 /* container root -> this host uid/gid */
#define IDMAP_SIZE 65536
/* The cgroup rungs' group: as their text says, and cgroup2 (tracking). */
#define LADDER_CG_CTRLS (CG_BIT(CG_CPU) | CG_BIT(CG_MEMORY) | CG_BIT(CG_PIDS))

struct clone3_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls, set_tid, set_tid_size, cgroup;
};

double bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double ts_seconds(const struct timespec *ts)
{
	return ts->tv_sec + ts->tv_nsec / 1e9;
}

/*
 * The test hooks, inside the timed window of one step: a busy wait (no
 * system call: the clock is read through the vDSO) for the timed gate,
 * and extra system calls for the gate on counts.
 */
void ladder_hook(const struct ladder_ctx *c, enum ladder_step s)
{
	double end;

	for (unsigned i = 0; c->syscalls_step == (int)s && i < c->syscalls_n;
	     i++)
		syscall(SYS_getppid);
	if (c->delay_step != (int)s || c->delay_s <= 0)
		return;
	end = bench_now() + c->delay_s;
	while (bench_now() < end)
		;
}

static int sample_empty(const struct ladder_ctx *c, enum ladder_step s,
			struct ladder_sample *out)
{
	double t0 = bench_now();

	ladder_hook(c, s);
	out->start_s = bench_now() - t0;
	out->stop_s = -1;
	return 0;
}

/*
 * A chain of dependent 64-bit multiply-adds (an LCG): no memory traffic, no
 * system call, so only the CPU's speed moves it. ~130 us on this project's
 * x86 VM; the seed from seq keeps the compiler from folding it.
 */
#define SPIN_ITERS 100000
static volatile uint64_t spin_sink;

static int sample_spin(const struct ladder_ctx *c, enum ladder_step s,
		       struct ladder_sample *out)
{
	uint64_t x = c->seq | 1;
	double t0;

	t0 = bench_now();
	for (unsigned i = 0; i < SPIN_ITERS; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	ladder_hook(c, s);
	out->start_s = bench_now() - t0;
	out->stop_s = -1;
	spin_sink = x;
	return 0;
}

/*
 * FAULT_PAGES fresh anonymous pages written once each, then unmapped: one
 * minor fault per page. Where page tables are virtualized, a fault costs
 * ten times a bare-metal one and drifts with the host.
 */
#define FAULT_PAGES 32

static int sample_faults(const struct ladder_ctx *c, enum ladder_step s,
			 struct ladder_sample *out)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE), len = FAULT_PAGES * pg;
	double t0 = bench_now();
	volatile char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return neg_errno();
	for (size_t i = 0; i < FAULT_PAGES; i++)
		p[i * pg] = 1;
	munmap((void *)p, len);
	ladder_hook(c, s);
	out->start_s = bench_now() - t0;
	out->stop_s = -1;
	return 0;
}

static const char *no_into(const struct ladder_ctx *c)
{
	if (!c->cg_parent)
		return "no cgroup to create groups under";
	if (!c->have_into)
		return "no CLONE_INTO_CGROUP (needs clone3 and cgroup2)";
	return NULL;
}

static const char *no_cgroup(const struct ladder_ctx *c)
{
	return c->cg_parent ? NULL : "no cgroup to create groups under";
}

static int sample_net_cleanup(const struct ladder_ctx *c, enum ladder_step s,
			      struct ladder_sample *out);

#define NS1(t) NS_BIT(NS_##t)
#define ALL_NS NS_ALL
#define CG_STEPS (ADD_EXEC | ADD_IDMAP | ADD_CGROUP)
#define ROOT_STEPS (CG_STEPS | ADD_OVERLAY | ADD_PIVOT)

struct ladder_step_info ladder_steps[LS__COUNT] = {
	[LS_EMPTY] = { "empty", "timing window with nothing in it", 0, 0,
		       sample_empty, NULL },
	[LS_SPIN] = { "spin",
		      "fixed CPU work, no system call: the host's CPU "
		      "speed during the run",
		      0, 0, sample_spin, NULL },
	[LS_FAULTS] = { "faults",
			"32 fresh anonymous pages written, one fault each: the "
			"host's page-fault cost during the run",
			0, 0, sample_faults, NULL },
	[LS_FORK] = { "fork",
		      "clone3() without flags (fork), child reports, "
		      "_exit",
		      0, 0, NULL, NULL },
	[LS_EXEC] = { "exec", "fork + execve of the static tiny program", 0,
		      ADD_EXEC, NULL, NULL },
	[LS_NS_PID] = { "ns-pid", "exec + new pid namespace", NS1(PID),
			ADD_EXEC, NULL, NULL },
	[LS_NS_MNT] = { "ns-mnt", "exec + new mount namespace", NS1(MNT),
			ADD_EXEC, NULL, NULL },
	[LS_NS_UTS] = { "ns-uts", "exec + new uts namespace", NS1(UTS),
			ADD_EXEC, NULL, NULL },
	[LS_NS_IPC] = { "ns-ipc", "exec + new ipc namespace", NS1(IPC),
			ADD_EXEC, NULL, NULL },
	[LS_NS_NET] = { "ns-net", "exec + new network namespace", NS1(NET),
			ADD_EXEC, NULL, NULL },
	[LS_NS_USER] = { "ns-user", "exec + new user namespace (no id map)",
			 NS1(USER), ADD_EXEC, NULL, NULL },
	[LS_NS_CGROUP] = { "ns-cgroup", "exec + new cgroup namespace",
			   NS1(CGROUP), ADD_EXEC, NULL, NULL },
	[LS_NS_TIME] = { "ns-time", "exec + new time namespace (clone3)",
			 NS1(TIME), ADD_EXEC, NULL, NULL },
	[LS_NS_ALL] = { "ns-all", "exec + all eight namespaces at once", ALL_NS,
			ADD_EXEC, NULL, NULL },
	[LS_IDMAP] = { "idmap", "ns-all + uid/gid map written by the parent",
		       ALL_NS, ADD_EXEC | ADD_IDMAP, NULL, NULL },
	[LS_CGROUP] = { "cgroup",
			"idmap + cgroup created (cpu, memory, pids) and "
			"attached; teardown removes it",
			ALL_NS, CG_STEPS, NULL, no_cgroup },
	[LS_CGROUP_INTO] = { "cgroup-into",
			     "as cgroup, but CLONE_INTO_CGROUP on cgroup2 "
			     "(v1 hierarchies still attached by pid)",
			     ALL_NS, CG_STEPS | ADD_INTO, NULL, no_into },
	[LS_OVERLAY] = { "overlay",
			 "cgroup + / rprivate, tmpfs and overlay of the rootfs "
			 "mounted by the child, exec from it",
			 ALL_NS, CG_STEPS | ADD_OVERLAY, NULL, no_cgroup },
	[LS_PIVOT] = { "pivot-root",
		       "overlay + pivot_root into it, old root "
		       "detached",
		       ALL_NS, CG_STEPS | ADD_OVERLAY | ADD_PIVOT, NULL,
		       no_cgroup },
	[LS_PSEUDOFS] = { "pseudo-fs",
			  "pivot-root + /proc, a /dev of bound host nodes, a "
			  "read-only /sys with the cgroup bound below it; root "
			  "read-only",
			  ALL_NS, ROOT_STEPS | ADD_PSEUDOFS, NULL, no_cgroup },
	[LS_CAPS] = { "caps",
		      "pseudo-fs + hostname, capabilities cut to the default "
		      "set (bounding, permitted, effective, inheritable) and "
		      "no_new_privs",
		      ALL_NS, ROOT_STEPS | ADD_PSEUDOFS | ADD_CAPS, NULL,
		      no_cgroup },
	[LS_CONTAINER] = { "container",
			   "the full reference container (primitives/"
			   "container.c)",
			   ALL_NS, 0, ladder_sample_container, NULL },
	[LS_NET_CLEANUP] = { "net-cleanup",
			     "teardown only: netns reaped -> the kernel's "
			     "deferred cleanup released it",
			     NS1(NET), 0, sample_net_cleanup, NULL },
};

/* What the child's exit status says broke (child_main's _exit codes). */
static const char *const child_stage[] = {
	[120] = "waiting for the parent",
	[121] = "writing the report",
	[122] = "mounting tmpfs/overlay",
	[123] = "pivot_root",
	[124] = "dup2 of the report pipe",
	[125] = "setresuid to mapped root",
	[126] = "mounting /proc /dev /sys",
	[119] = "hostname or capabilities",
	[118] = "remounting the root read-only",
	[127] = "execve of tiny",
};

const char *ladder_strerror(int err, char *buf, size_t len)
{
	int code = -err - LADDER_ECHILD;

	if (err == -ENOSYS)
		snprintf(buf, len, "no sampler (not built yet)");
	else if (code > 0 && code < (int)ARRAY_SIZE(child_stage) &&
		 child_stage[code])
		snprintf(buf, len, "child failed at %s (exit %d)",
			 child_stage[code], code);
	else if (code > 0 && code < 256)
		snprintf(buf, len, "child exited with %d", code);
	else
		snprintf(buf, len, "%s", strerror(-err));
	return buf;
}

bool ladder_step_is_calibration(enum ladder_step s)
{
	return s == LS_EMPTY || s == LS_SPIN || s == LS_FAULTS;
}

bool ladder_is_host_probe(const char *name)
{
	return !strcmp(name, ladder_steps[LS_SPIN].name) ||
	       !strcmp(name, ladder_steps[LS_FAULTS].name);
}

bool ladder_counts_timed(const char *name)
{
	return !strcmp(name, ladder_steps[LS_NET_CLEANUP].name);
}

int ladder_step_by_name(const char *name)
{
	for (int s = 0; s < LS__COUNT; s++)
		if (strcmp(ladder_steps[s].name, name) == 0)
			return s;
	return -EINVAL;
}

static void close_wr(struct chan *c)
{
	closep(&c->wr);
	c->wr = -1;
}

struct spawn {
	const struct ladder_ctx *c;
	enum ladder_step s;
	const struct ladder_step_info *info;
	struct chan report, go;
	struct cg_group cg;
	bool have_cg;
	int cg_fd;
};

pid_t bench_clone3(uint64_t flags, int cgroup_fd)
{
	struct clone3_args a = { .flags = flags, .exit_signal = SIGCHLD };
	long pid;

	if (cgroup_fd >= 0) {
		a.flags |= CLONE_INTO_CGROUP;
		a.cgroup = cgroup_fd;
	}
	pid = syscall(SYS_clone3, &a, sizeof(a));
	return pid < 0 ? neg_errno() : pid;
}

/* The child: wait for the parent if told to, mount, exec. Never returns. */
static void child_main(struct spawn *sp)
{
	static char *const argv[] = { "tiny", NULL }, *const envp[] = { NULL };
	char path[PATH_MAX + 16], merged[PATH_MAX];
	const char *root = sp->c->rootfs;
	struct timespec ts;
	char b;

	if (sp->go.rd >= 0 && read(sp->go.rd, &b, 1) != 1)
		_exit(120);
	/* Become the mapped root: our host uid 0 is not mapped in here. */
	if ((sp->info->adds & ADD_IDMAP) &&
	    (setgroups(0, NULL) < 0 || setresgid(0, 0, 0) < 0 ||
	     setresuid(0, 0, 0) < 0))
		_exit(125);
	if (!(sp->info->adds & ADD_EXEC)) {
		ladder_hook(sp->c, sp->s);
		clock_gettime(CLOCK_MONOTONIC, &ts);
		_exit(write(sp->report.wr, &ts, sizeof(ts)) == sizeof(ts)
			      ? 0
			      : 121);
	}
	if (sp->info->adds & ADD_OVERLAY) {
		if (bench_overlay_setup(sp->c->scratch, root, merged,
					sizeof(merged)) < 0)
			_exit(122);
		root = merged;
	}
	if ((sp->info->adds & ADD_PSEUDOFS) &&
	    bench_pseudo_fs(root, sp->have_cg ? &sp->cg : NULL) < 0)
		_exit(126);
	if (sp->info->adds & ADD_PIVOT) {
		if (bench_pivot_root(root) < 0)
			_exit(123);
		root = "";
	}
	if ((sp->info->adds & ADD_PSEUDOFS) && rootfs_remount_ro("/") < 0)
		_exit(118);
	if ((sp->info->adds & ADD_CAPS) && bench_lock_down() < 0)
		_exit(119);
	snprintf(path, sizeof(path), "%s%s", root, FIXTURE_TINY);
	if (sp->report.wr == 3)
		fcntl(3, F_SETFD, 0);
	else if (dup2(sp->report.wr, 3) < 0)
		_exit(124);
	ladder_hook(sp->c, sp->s);
	execve(path, argv, envp);
	_exit(127);
}

static int write_idmaps(pid_t pid)
{
	char path[64], map[64];
	int r;

	snprintf(map, sizeof(map), "0 %d %d", IDMAP_BASE, IDMAP_SIZE);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	r = write_text(path, map);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
	return write_text(path, map);
}

/* Attach to every hierarchy but the one CLONE_INTO_CGROUP already did. */
static int attach(struct spawn *sp, pid_t pid)
{
	char path[PATH_MAX + 32];
	int skip = sp->cg_fd >= 0 ? sp->cg.layout->unified : -1;

	for (int i = 0; i < CG_MAX_HIER; i++) {
		int r;
		if (!(sp->cg.hiers & (1u << i)) || i == skip)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", sp->cg.dir[i]);
		r = write_fmt(path, "%d", pid);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Parent side between clone and go: id maps, cgroup attach. */
static int parent_setup(struct spawn *sp, pid_t pid)
{
	int r = 0;

	if (sp->info->adds & ADD_IDMAP)
		r = write_idmaps(pid);
	if (r == 0 && sp->have_cg)
		r = attach(sp, pid);
	if (r == 0 && sp->go.wr >= 0)
		r = chan_send(&sp->go, "g", 1);
	return r;
}

static int make_cgroup(struct spawn *sp)
{
	char name[32];
	const char *u;
	int r;

	snprintf(name, sizeof(name), "s%010u", sp->c->seq);
	r = cg_group_child_on(sp->c->cg_parent, name, LADDER_CG_CTRLS, &sp->cg);
	if (r < 0)
		return r;
	sp->have_cg = true;
	if (!(sp->info->adds & ADD_INTO))
		return 0;
	u = cg_group_unified(&sp->cg);
	if (!u)
		return -EOPNOTSUPP;
	sp->cg_fd = open(u, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return sp->cg_fd < 0 ? neg_errno() : 0;
}

static void spawn_release(struct spawn *sp)
{
	chan_close(&sp->report);
	chan_close(&sp->go);
	if (sp->cg_fd >= 0)
		close(sp->cg_fd);
	if (sp->have_cg)
		cg_group_destroy(&sp->cg);
}

/* Collect the report, reap, time both. The child is reaped on any path. */
static int finish(struct spawn *sp, pid_t pid, double t0,
		  struct ladder_sample *out)
{
	struct timespec ts;
	double t1;
	ssize_t n;
	int st, r;

	close_wr(&sp->report);
	n = fd_read_all(sp->report.rd, &ts, sizeof(ts));
	r = wait_status(pid, &st);
	if (r < 0)
		return r;
	if (sp->have_cg) {
		r = cg_group_destroy(&sp->cg);
		sp->have_cg = false;
	}
	t1 = bench_now();
	if (n != sizeof(ts))
		return WIFEXITED(st) && WEXITSTATUS(st)
			       ? -(LADDER_ECHILD + WEXITSTATUS(st))
			       : -EPIPE;
	out->start_s = ts_seconds(&ts) - t0;
	out->stop_s = t1 - ts_seconds(&ts);
	return r;
}

static int sample_spawn(const struct ladder_ctx *c, enum ladder_step s,
			struct ladder_sample *out)
{
	struct spawn sp; /* field by field: not 64 KB of cgroup paths zeroed */
	sp.c = c;
	sp.s = s;
	sp.info = &ladder_steps[s];
	sp.report = (struct chan)CHAN_INIT;
	sp.go = (struct chan)CHAN_INIT;
	sp.have_cg = false;
	sp.cg_fd = -1;
	bool need_go = sp.info->adds & (ADD_IDMAP | ADD_CGROUP);
	double t0;
	pid_t pid;
	int r;

	r = chan_open(&sp.report);
	if (r == 0 && need_go)
		r = chan_open(&sp.go);
	if (r < 0)
		goto out;
	t0 = bench_now();
	if (sp.info->adds & ADD_CGROUP) {
		r = make_cgroup(&sp);
		if (r < 0)
			goto out;
	}
	pid = bench_clone3(ns_flags(sp.info->ns), sp.cg_fd);
	if (pid == 0)
		child_main(&sp);
	if (pid < 0) {
		r = pid;
		goto out;
	}
	r = parent_setup(&sp, pid);
	if (r < 0) {
		reapp(&pid);
		goto out;
	}
	r = finish(&sp, pid, t0, out);
out:
	spawn_release(&sp);
	return r;
}

/*
 * Deferred netns cleanup, observed through the per-user-namespace limit on
 * network namespaces, which the kernel only gives back in cleanup_net():
 * 1. a helper enters a new user namespace and sets its max_net_namespaces
 *    to 1; 2. starts a child in a new netns that exits at once; 3. reaps it
 *    (t0); 4. retries clone(CLONE_NEWNET) until ENOSPC stops (t1).
 * The sample, t1 - t0, includes one netns creation.
 */
static int net_cleanup_helper(void)
{
	pid_t pid;
	double t0;

	if (unshare(CLONE_NEWUSER) < 0 ||
	    write_text("/proc/self/uid_map", "0 0 1") < 0 ||
	    write_text("/proc/sys/user/max_net_namespaces", "1") < 0)
		return -1;
	pid = ns_fork(CLONE_NEWNET);
	if (pid == 0)
		_exit(0);
	if (pid < 0 || waitpid(pid, NULL, 0) < 0)
		return -1;
	t0 = bench_now();
	for (;;) {
		pid = ns_fork(CLONE_NEWNET);
		if (pid == 0)
			_exit(0);
		if (pid > 0)
			break;
		if (pid != -ENOSPC || bench_now() - t0 > 10)
			return -1;
	}
	waitpid(pid, NULL, 0);
	return (int)((bench_now() - t0) * 1e9); /* ns: fits for 2 s */
}

static int sample_net_cleanup(const struct ladder_ctx *c, enum ladder_step s,
			      struct ladder_sample *out)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	int r = chan_open(&ch), ns = -1, st;
	pid_t pid;

	(void)c;
	(void)s;
	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0) {
		int v = net_cleanup_helper();
		_exit(chan_send_int(&ch, v) < 0);
	}
	close_wr(&ch);
	r = chan_recv_int(&ch, &ns);
	wait_status(pid, &st);
	if (r < 0 || ns < 0)
		return r < 0 ? r : -EPERM;
	out->start_s = -1;
	out->stop_s = ns / 1e9;
	return 0;
}

int ladder_sample(const struct ladder_ctx *c, enum ladder_step s,
		  struct ladder_sample *out)
{
	const struct ladder_step_info *i = &ladder_steps[s];

	out->start_s = out->stop_s = -1;
	return i->sample ? i->sample(c, s, out) : sample_spawn(c, s, out);
}
