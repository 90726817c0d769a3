/* SPDX-License-Identifier: MIT */
/*
 * exec.h - `boxcheck exec`: the reference container as a command
 * (cmd_exec.c: options; exec_run.c: set-up and waiting; exec_life.c: the
 * OCI-style lifecycle, create/start/state/kill/delete, on a state dir).
 */
#ifndef BOXCHECK_EXEC_H
#define BOXCHECK_EXEC_H

#include "../primitives/container.h"

#include <limits.h>

enum { EXIT_START = 125, EXIT_NOEXEC = 126, EXIT_NOTFOUND = 127 };

/* A flaw the lifecycle is given on purpose (ref-without:life-*). */
enum life_flaw {
	FLAW_NONE,
	FLAW_CREATE_RUNS,  /* create runs the process at once */
	FLAW_STATE_NO_PID, /* state leaves out the pid */
	FLAW_KILL_OTHER,   /* kill sends SIGUSR2, whatever is asked */
	FLAW_DELETE_KEEPS, /* delete leaves the cgroup */
	FLAW_REUSE_ID,	   /* create says yes to an id in use */
	FLAW__COUNT,
};
extern const char *const life_flaw_names[FLAW__COUNT];

enum life_op { OP_NONE, OP_CREATE, OP_START, OP_STATE, OP_KILL, OP_DELETE };

/* The small fields first, the large buffers last: parsing touches 2 pages. */
struct exec_args {
	struct container_spec s;
	const char *lowers[16], *masked[16], *ro_paths[16], *cgroup;
	const char *deny[32];
	size_t n_deny, n_ro;
	char *env[32];
	size_t n_env, n_masked;
	uint64_t pids, mem, cpu, cpu_period, cpu_shares;
	gid_t groups[16];
	struct container_rlimit rlimits[8];
	bool inherit_env;
	/* lifecycle */
	enum life_op op;
	const char *state_root, *id, *signal;
	enum life_flaw flaw;
	bool force;
	struct idmap uid, gid;
	char overlay_buf[4096];
};

/* The launcher's side of one container: its cgroup, scratch dir. */
struct exec_env {
	struct cg_layout l;
	struct cg_group cg;
	char name[96];
	char scratch[PATH_MAX];
	char made[8][PATH_MAX]; /* parent cgroup dirs we created, in order */
	int n_made;
};

/*
 * An empty env, its small fields only: the layout and the group are
 * written when made, and zeroing their path buffers (300 KB) was 70 page
 * faults of every `boxcheck exec`.
 */
void exec_env_init(struct exec_env *e);

/* exec_opts.c: the options into a; 0 or EXIT_USAGE (message printed). */
int exec_parse(int argc, char **argv, struct exec_args *a);

/* exec_run.c */
int exec_fence(const struct exec_args *a);
int exec_setup(struct exec_args *a, struct exec_env *e, const char **what);
void exec_teardown(struct exec_env *e);
int exec_start(struct exec_args *a, pid_t *pid);
int exec_wait(pid_t pid);

/* exec_life.c: the lifecycle operation a asks for; an exit status. */
int exec_life(struct exec_args *a);

#endif
