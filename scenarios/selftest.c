// SPDX-License-Identifier: MIT
/*
 * Hostile scenarios that prove the runner, not the kernel. Tagged "selftest":
 * they run only when named or tagged. Only the isolated run misbehaves; the
 * control is benign (absent), so the hostile act happens once per run.
 *
 * The verdicts that matter are checked by tests/selftest.sh, not here:
 *   selftest/hang       error "timeout after N s", whole tree gone
 *   selftest/crash      error naming the signal (SIGSEGV)
 *   selftest/fork-bomb  contained by pids.max; the host can still fork
 *   selftest/oom        OOM-killed inside its own memory limit only
 *   selftest/leak       leaves a mount and a process; the runner removes both
 *
 * Every hostile process names itself "bxc-<what>" so the test can look for
 * survivors (never to kill them by name).
 */
#include "scenario.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <time.h>

#define BOMB_PIDS_MAX 16 /* the bomb's own cgroup */
#define JOB_PIDS_MAX 48	 /* a second fence on the job's cgroup */
#define HOG_LIMIT (8u << 20)
#define HOG_CAP (256u << 20) /* give up here if the limit did not hold */

static enum obs benign(struct ctx *c)
{
	return ctx_holds(c, false, "nothing hostile done");
}

static void name_self(const char *name)
{
	prctl(PR_SET_NAME, name);
}

static _Noreturn void sleep_forever(void)
{
	for (;;)
		pause();
}

/* ---- hang: a tree, part of it outside the process group ----------- */

static enum obs hang(struct ctx *c)
{
	if (!c->isolate)
		return benign(c);
	for (int i = 0; i < 2; i++) {
		pid_t p = fork();
		if (p < 0)
			return ctx_error(c, neg_errno(), "fork");
		if (p > 0)
			continue;
		name_self("bxc-hang");
		signal(SIGTERM, SIG_IGN);
		if (i == 1 && setsid() >= 0 && fork() > 0)
			_exit(0); /* the grandchild escapes the group */
		sleep_forever();
	}
	name_self("bxc-hang");
	signal(SIGTERM, SIG_IGN);
	sleep_forever();
}

/* ---- crash --------------------------------------------------------- */

static enum obs crash(struct ctx *c)
{
	if (!c->isolate)
		return benign(c);
	signal(SIGSEGV, SIG_DFL);
	raise(SIGSEGV);
	return ctx_error(c, 0, "still alive after SIGSEGV");
}

/* ---- fork bomb inside pids.max ------------------------------------- */

static _Noreturn void bomb(const struct cg_group *g)
{
	if (cg_group_attach(g, getpid()) < 0)
		_exit(2);
	name_self("bxc-bomb");
	for (;;)
		fork();
}

static int set_limit(const struct cg_group *g, enum cg_ctrl ctrl,
		     const char *file, const char *val)
{
	const char *dir = cg_group_dir(g, ctrl);
	char path[PATH_MAX + 64];

	if (!dir)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return write_text(path, val);
}

static int read_cg_u64(const struct cg_group *g, enum cg_ctrl ctrl,
		       const char *file, const char *key, uint64_t *v)
{
	const char *dir = cg_group_dir(g, ctrl);
	char path[PATH_MAX + 64];

	if (!dir)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return key ? read_key_u64(path, key, v) : read_u64(path, v);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Can this (limited) worker still fork? The host is the test's to check. */
static bool can_fork(void)
{
	int st;
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	return p > 0 && wait_status(p, &st) == 0 && exit_code_of(st) == 0;
}

static enum obs fork_bomb(struct ctx *c)
{
	struct cg_group g = { 0 }; /* left to the runner, on purpose */
	uint64_t cur = 0, events = 0;
	char lim[16];
	pid_t p;

	if (!c->isolate)
		return benign(c);
	snprintf(lim, sizeof(lim), "%d", JOB_PIDS_MAX);
	TRY(c, set_limit(c->cg, CG_PIDS, "pids.max", lim), "job pids.max");
	TRY(c, cg_group_child(c->cg, "bomb", &g), "create the bomb's cgroup");
	snprintf(lim, sizeof(lim), "%d", BOMB_PIDS_MAX);
	TRY(c, set_limit(&g, CG_PIDS, "pids.max", lim), "bomb pids.max");
	p = fork();
	if (p < 0)
		return ctx_error(c, neg_errno(), "fork the bomb");
	if (p == 0)
		bomb(&g);
	for (int i = 0; i < 50 && events == 0; i++) {
		sleep_ms(20);
		read_cg_u64(&g, CG_PIDS, "pids.events", "max", &events);
	}
	sleep_ms(300); /* let it push against the limit a while */
	TRY(c, read_cg_u64(&g, CG_PIDS, "pids.current", NULL, &cur),
	    "read pids.current");
	read_cg_u64(&g, CG_PIDS, "pids.events", "max", &events);
	ctx_kv(c, "pids.max", "%d", BOMB_PIDS_MAX);
	ctx_kv(c, "pids.current", "%llu", (unsigned long long)cur);
	ctx_kv(c, "pids.events max", "%llu", (unsigned long long)events);
	return ctx_holds(c, cur <= BOMB_PIDS_MAX && events > 0 && can_fork(),
			 "bomb held at %llu of %d processes, %llu forks "
			 "refused; worker can fork",
			 (unsigned long long)cur, BOMB_PIDS_MAX,
			 (unsigned long long)events);
}

/* ---- allocation without bound inside a memory limit ----------------- */

static _Noreturn void hog(const struct cg_group *g)
{
	size_t chunk = 1u << 20;

	if (cg_group_attach(g, getpid()) < 0)
		_exit(2);
	name_self("bxc-hog");
	for (size_t total = 0; total < HOG_CAP; total += chunk) {
		char *m = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			_exit(3);
		memset(m, 0xa5, chunk);
	}
	_exit(4); /* the limit did not hold */
}

/* v1: memory.limit_in_bytes (+ memsw); v2: memory.max, no swap. */
static int limit_memory(const struct cg_group *g)
{
	char val[32];
	int r;

	snprintf(val, sizeof(val), "%u", HOG_LIMIT);
	if (g->layout->by_ctrl[CG_MEMORY] == g->layout->unified) {
		r = set_limit(g, CG_MEMORY, "memory.max", val);
		set_limit(g, CG_MEMORY, "memory.swap.max", "0");
		return r;
	}
	r = set_limit(g, CG_MEMORY, "memory.limit_in_bytes", val);
	set_limit(g, CG_MEMORY, "memory.memsw.limit_in_bytes", val);
	return r;
}

static enum obs oom(struct ctx *c)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	uint64_t kills = 0;
	bool v2;
	int st = 0;
	pid_t p;

	if (!c->isolate)
		return benign(c);
	v2 = c->cgl->by_ctrl[CG_MEMORY] == c->cgl->unified;
	TRY(c, cg_group_child(c->cg, "hog", &g), "create the hog's cgroup");
	TRY(c, limit_memory(&g), "set the memory limit");
	p = fork();
	if (p < 0)
		return ctx_error(c, neg_errno(), "fork the hog");
	if (p == 0)
		hog(&g);
	TRY(c, wait_status(p, &st), "wait for the hog");
	read_cg_u64(&g, CG_MEMORY, v2 ? "memory.events" : "memory.oom_control",
		    "oom_kill", &kills);
	ctx_kv(c, "limit", "%u", HOG_LIMIT);
	ctx_kv(c, "hog", "%s",
	       WIFSIGNALED(st) ? sigabbrev_np(WTERMSIG(st)) : "exited");
	ctx_kv(c, "oom_kill", "%llu", (unsigned long long)kills);
	return ctx_holds(
		c, WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && kills >= 1,
		"hog %s %d at %u MiB limit; oom_kill=%llu in its "
		"cgroup; worker alive",
		WIFSIGNALED(st) ? "killed by signal" : "exited",
		WIFSIGNALED(st) ? WTERMSIG(st) : exit_code_of(st),
		HOG_LIMIT >> 20, (unsigned long long)kills);
}

/* ---- a mount and a daemon left behind ------------------------------ */

static enum obs leak(struct ctx *c)
{
	struct chan ch = CHAN_INIT;
	pid_t p, daemon = 0;
	int st;

	if (!c->isolate)
		return benign(c);
	TRY(c, mkdir("mnt", 0700) < 0 ? neg_errno() : 0, "mkdir mnt");
	if (mount("bxc-leak", "mnt", "tmpfs", 0, "size=64k") < 0)
		return ctx_error(c, neg_errno(), "mount tmpfs");
	TRY(c, chan_open(&ch), "pipe");
	p = fork();
	if (p < 0)
		return ctx_error(c, neg_errno(), "fork");
	if (p == 0) {
		/* Double fork: a daemon outside our process group. */
		setsid();
		if (fork() == 0) {
			name_self("bxc-leak");
			if (chdir("mnt") == 0)
				chan_send_int(&ch, getpid());
			chan_close(&ch);
			sleep_forever();
		}
		_exit(0);
	}
	close(TAKE_FD(ch.wr));
	wait_status(p, &st);
	chan_recv_int(&ch, &daemon);
	chan_close(&ch);
	ctx_kv(c, "leaked_pid", "%d", daemon);
	ctx_kv(c, "leaked_mount", "%s/mnt", c->tmpdir);
	return ctx_holds(c, daemon > 0, "left tmpfs %s/mnt and pid %d behind",
			 c->tmpdir, daemon);
}

static const struct scenario selftest[] = {
	{
		.id = "selftest/hang",
		.title = "a scenario that never returns",
		.property = "the runner stops it at its timeout and kills its "
			    "whole process tree",
		.expect = "error: timeout",
		.tags = { "selftest" },
		.timeout_s = 2,
		.run = hang,
	},
	{
		.id = "selftest/crash",
		.title = "a scenario that crashes",
		.property = "the runner reports the signal that killed it",
		.expect = "error: killed by SIGSEGV",
		.tags = { "selftest" },
		.run = crash,
	},
	{
		.id = "selftest/fork-bomb",
		.title = "a fork bomb in a pids-limited cgroup",
		.property = "pids.max holds the bomb; the runner kills it all",
		.expect = "bomb held at pids.max; worker can fork",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "selftest" },
		.timeout_s = 10,
		.run = fork_bomb,
	},
	{
		.id = "selftest/oom",
		.title = "allocation without bound in a memory-limited cgroup",
		.property = "the OOM killer acts inside the scenario's cgroup "
			    "only",
		.expect = "hog killed by signal 9; oom_kill>=1",
		.req = { .root = true, .ctrls = CG_BIT(CG_MEMORY) },
		.tags = { "selftest" },
		.timeout_s = 10,
		.run = oom,
	},
	{
		.id = "selftest/leak",
		.title = "a scenario that leaves a mount and a daemon",
		.property = "the runner removes the mount and kills the daemon",
		.expect = "a leaked pid the runner then kills",
		.req = { .root = true },
		.tags = { "selftest" },
		.run = leak,
	},
};

BOXCHECK_AREA(selftest, selftest);
