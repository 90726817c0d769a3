// SPDX-License-Identifier: MIT
/*
 * Hostile scenarios that prove the runner, not the kernel. Tagged "selftest":
 * they run only when named or tagged. The hostile act is the action: only
 * the isolated run does it, and both runs observe the same facts the same
 * way afterwards, so the control (no act) is judged by the same predicate.
 *
 * The verdicts that matter are checked by tests/selftest.sh, not here:
 *   selftest/hang       error "timeout after N s", whole tree gone
 *   selftest/crash      error naming the signal (SIGSEGV)
 *   selftest/fork-bomb  held by its own pids.max (the control has none and
 *                       is held by the job's); the host can still fork
 *   selftest/oom        OOM-killed inside its own memory limit only (the
 *                       control has none: the hog allocates and exits)
 *   selftest/leak       (selftest_leak.c) leftovers the host can see
 *   selftest/fence      (selftest_fence.c) acts on the host's namespaces
 *
 * Every hostile process names itself "bxc-<what>" so the test can look for
 * survivors (never to kill them by name).
 */
#include "scenario.h"

#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <time.h>

#define BOMB_PIDS_MAX 16 /* the bomb's own cgroup */
#define JOB_PIDS_MAX 48	 /* a second fence on the job's cgroup, both runs */
#define HOG_LIMIT (8u << 20)
#define HOG_CAP (64u << 20) /* the hog stops here: the control's end */
#define HOG_DONE 4	    /* its exit code then; anything else is an error */

static void name_self(const char *name)
{
	prctl(PR_SET_NAME, name);
}

static _Noreturn void sleep_forever(void)
{
	for (;;)
		pause();
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* ---- hang and crash: the worker never reports ----------------------- */

struct returned {
	bool returned; /* observe came back to report */
};

/* The property: the worker was stopped before it could report. */
static enum obs judge_stopped(struct judge *j, const struct returned *o)
{
	return judge_holds(j, !o->returned, "the scenario %s",
			   o->returned ? "returned by itself" : "was stopped");
}

/* A tree that ignores SIGTERM, part of it outside the process group. */
static _Noreturn void hang_tree(void)
{
	for (int i = 0; i < 2; i++) {
		pid_t p = fork();
		if (p != 0)
			continue; /* a failed fork: hang with fewer */
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

static int observe_hang(struct ctx *c, struct returned *o)
{
	if (c->isolate)
		hang_tree();
	o->returned = true;
	return 0;
}
CHECK(hang, struct returned, observe_hang, judge_stopped);

static int observe_crash(struct ctx *c, struct returned *o)
{
	if (c->isolate) {
		signal(SIGSEGV, SIG_DFL);
		raise(SIGSEGV);
		return ctx_error(c, 0, "still alive after SIGSEGV");
	}
	o->returned = true;
	return 0;
}
CHECK(crash, struct returned, observe_crash, judge_stopped);

/* ---- cgroup files ---------------------------------------------------- */

static int set_limit(const struct cg_group *g, enum cg_ctrl ctrl,
		     const char *file, unsigned long val)
{
	char path[PATH_MAX + 64], v[32];
	int r = cg_group_path(g, ctrl, file, path, sizeof(path));

	snprintf(v, sizeof(v), "%lu", val);
	return r < 0 ? r : write_text(path, v);
}

static int read_cg_u64(const struct cg_group *g, enum cg_ctrl ctrl,
		       const char *file, const char *key, uint64_t *v)
{
	char path[PATH_MAX + 64];
	int r = cg_group_path(g, ctrl, file, path, sizeof(path));

	if (r < 0)
		return r;
	return key ? read_key_u64(path, key, v) : read_u64(path, v);
}

/*
 * Start fn in a child that first joins g and says so over a pipe: a child
 * that could not join is an error, never a fact. 0 or what ctx_error()
 * returned.
 */
static int spawn_in(struct ctx *c, const struct cg_group *g, void (*fn)(void),
		    pid_t *pid)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	int err = 0;

	TRY(c, chan_open(&ch), "pipe");
	*pid = fork();
	if (*pid < 0)
		return ctx_error(c, neg_errno(), "fork");
	if (*pid == 0) {
		err = cg_group_attach(g, getpid());
		chan_send_int(&ch, err);
		chan_close(&ch);
		if (err < 0)
			_exit(2);
		fn();
		_exit(0);
	}
	close(TAKE_FD(ch.wr));
	TRY(c, chan_recv_int(&ch, &err), "hear from the child");
	TRY(c, err, "join the child's cgroup");
	return 0;
}

/* ---- fork bomb inside pids.max ------------------------------------- */

static _Noreturn void bomb(void)
{
	name_self("bxc-bomb");
	for (;;)
		fork();
}

/* Can this worker still fork? The host is the test's to check. */
static bool can_fork(void)
{
	int st;
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	return p > 0 && wait_status(p, &st) == 0 && exit_code_of(st) == 0;
}

struct bomb_obs {
	uint64_t current; /* pids.current of the bomb's cgroup */
	uint64_t refused; /* its pids.events "max" */
	bool worker_forks;
};

/* The action: the bomb's own pids.max; the job's is set in both runs. */
static int observe_bomb(struct ctx *c, struct bomb_obs *o)
{
	struct cg_group g = { 0 }; /* left to the runner, on purpose */
	pid_t p = -1;

	TRY(c, set_limit(c->cg, CG_PIDS, "pids.max", JOB_PIDS_MAX),
	    "job pids.max");
	TRY(c, cg_group_child(c->cg, "bomb", &g), "create the bomb's cgroup");
	if (c->isolate)
		TRY(c, set_limit(&g, CG_PIDS, "pids.max", BOMB_PIDS_MAX),
		    "bomb pids.max");
	TRY_OBS(spawn_in(c, &g, bomb, &p));
	for (int i = 0; i < 50 && !o->refused; i++) {
		sleep_ms(20);
		TRY(c,
		    read_cg_u64(&g, CG_PIDS, "pids.events", "max", &o->refused),
		    "read pids.events");
	}
	sleep_ms(300); /* let it push against the limit a while */
	TRY(c, read_cg_u64(&g, CG_PIDS, "pids.current", NULL, &o->current),
	    "read pids.current");
	TRY(c, read_cg_u64(&g, CG_PIDS, "pids.events", "max", &o->refused),
	    "read pids.events");
	o->worker_forks = can_fork();
	return 0;
}

static enum obs judge_bomb(struct judge *j, const struct bomb_obs *o)
{
	judge_kv(j, "pids.current", "%llu", (unsigned long long)o->current);
	judge_kv(j, "pids.events max", "%llu", (unsigned long long)o->refused);
	return judge_holds(j,
			   o->current <= BOMB_PIDS_MAX && o->refused > 0 &&
				   o->worker_forks,
			   "bomb held at %llu processes (limit %d), %llu forks "
			   "refused; worker %s fork",
			   (unsigned long long)o->current, BOMB_PIDS_MAX,
			   (unsigned long long)o->refused,
			   o->worker_forks ? "can" : "cannot");
}
CHECK(fork_bomb, struct bomb_obs, observe_bomb, judge_bomb);

/* ---- allocation without bound inside a memory limit ----------------- */

static _Noreturn void hog(void)
{
	size_t chunk = 1u << 20;

	name_self("bxc-hog");
	for (size_t total = 0; total < HOG_CAP; total += chunk) {
		char *m = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (m == MAP_FAILED)
			_exit(3);
		memset(m, 0xa5, chunk);
	}
	_exit(HOG_DONE);
}

/* v1: memory.limit_in_bytes (+ memsw); v2: memory.max, no swap. */
static int limit_memory(const struct cg_group *g)
{
	int r;

	if (g->layout->by_ctrl[CG_MEMORY] == g->layout->unified) {
		r = set_limit(g, CG_MEMORY, "memory.max", HOG_LIMIT);
		set_limit(g, CG_MEMORY, "memory.swap.max", 0);
		return r;
	}
	r = set_limit(g, CG_MEMORY, "memory.limit_in_bytes", HOG_LIMIT);
	set_limit(g, CG_MEMORY, "memory.memsw.limit_in_bytes", HOG_LIMIT);
	return r;
}

struct oom_obs {
	int status;	/* the hog's wait status */
	uint64_t kills; /* oom_kill in its cgroup */
};

/* The action: the hog's memory limit. */
static int observe_oom(struct ctx *c, struct oom_obs *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	bool v2 = c->cgl->by_ctrl[CG_MEMORY] == c->cgl->unified;
	pid_t p = -1;

	TRY(c, cg_group_child(c->cg, "hog", &g), "create the hog's cgroup");
	if (c->isolate)
		TRY(c, limit_memory(&g), "set the memory limit");
	TRY_OBS(spawn_in(c, &g, hog, &p));
	TRY(c, wait_status(p, &o->status), "wait for the hog");
	if (WIFEXITED(o->status) && exit_code_of(o->status) != HOG_DONE)
		return ctx_error(c, 0, "the hog failed: exit %d",
				 exit_code_of(o->status));
	TRY(c,
	    read_cg_u64(&g, CG_MEMORY,
			v2 ? "memory.events" : "memory.oom_control", "oom_kill",
			&o->kills),
	    "read oom_kill");
	return 0;
}

static enum obs judge_oom(struct judge *j, const struct oom_obs *o)
{
	bool sig = WIFSIGNALED(o->status);
	bool killed = sig && WTERMSIG(o->status) == SIGKILL;

	judge_kv(j, "hog", "%s",
		 sig ? sigabbrev_np(WTERMSIG(o->status)) : "exited");
	judge_kv(j, "oom_kill", "%llu", (unsigned long long)o->kills);
	return judge_holds(j, killed && o->kills >= 1,
			   "hog %s %d; oom_kill=%llu in its cgroup; worker "
			   "alive",
			   sig ? "killed by signal" : "exited",
			   sig ? WTERMSIG(o->status) : exit_code_of(o->status),
			   (unsigned long long)o->kills);
}
CHECK(oom, struct oom_obs, observe_oom, judge_oom);

static const struct scenario selftest[] = {
	{
		.id = "selftest/hang",
		.title = "a scenario that never returns",
		.property = "the runner stops it at its timeout and kills its "
			    "whole process tree",
		.expect = "error: timeout",
		.tags = { "selftest" },
		.timeout_s = 2,
		.check = &hang,
	},
	{
		.id = "selftest/crash",
		.title = "a scenario that crashes",
		.property = "the runner reports the signal that killed it",
		.expect = "error: killed by SIGSEGV",
		.tags = { "selftest" },
		.check = &crash,
	},
	{
		.id = "selftest/fork-bomb",
		.title = "a fork bomb in a pids-limited cgroup",
		.property = "pids.max holds the bomb; the runner kills it all",
		.expect = "bomb held at pids.max; worker can fork",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "selftest" },
		.timeout_s = 10,
		.check = &fork_bomb,
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
		.check = &oom,
	},
};

BOXCHECK_AREA(selftest, selftest);
