/* SPDX-License-Identifier: MIT */
/*
 * cgroup_util.h - small helpers shared by the cgroup scenarios: knob probes
 * that skip with a named reason, knob reads and writes that are errors when
 * they fail, children that join a group, the observed fork and process
 * count (mutation points), and bounded waits for kernel state.
 *
 * Like observe functions, the ctx helpers return 0 or what ctx_skip() or
 * ctx_error() returned: call them through TRY_OBS().
 */
#ifndef BOXCHECK_CGROUP_UTIL_H
#define BOXCHECK_CGROUP_UTIL_H

#include "scenario.h"

/* No cgroup for this run (the runner could not make one): a skip. */
int cgs_need_group(struct ctx *c);
/*
 * Skip, naming the file, when g's layout or kernel lacks knob k. Call it
 * in both runs before the isolating step, so both skip alike.
 */
int cgs_need(struct ctx *c, const struct cg_group *g, enum cg_knob k);
/*
 * Read or write a knob the scenario needs (probed by cgs_need): a failure
 * is an error naming the file. The one skip: a statistic whose line this
 * kernel's file lacks (-ENODATA), named.
 */
int cgs_get(struct ctx *c, const struct cg_group *g, enum cg_knob k,
	    uint64_t *v);
int cgs_set(struct ctx *c, const struct cg_group *g, enum cg_knob k,
	    uint64_t v);

/*
 * Fork a child that joins g (none when g is NULL), then runs fn(arg) and
 * _exits with its result. Returns once the child has joined: its pid, or
 * -errno (the join's error when it failed; the child is reaped then).
 */
pid_t cgs_fork_in(const struct cg_group *g, int (*fn)(void *), void *arg);
/* fn for cgs_fork_in: close hold's write end, block until EOF, return 0. */
int cgs_hold(void *hold);

/*
 * The fork whose outcome a scenario observes (a limit's refusal): 0 in
 * the child, its pid in the parent, or -errno. Mutant cg-fork-eagain.
 */
pid_t cgs_fork_probe(void);
/* Processes in dir and below, as observed: n or -errno. Mutant cg-empty. */
int cgs_nprocs(const char *dir);
/* "killed by SIGKILL", "exited 0": how a child we waited for ended. */
const char *cgs_status(int status, char *buf, size_t len);

/* Poll knob k until it reads want: 0, -ETIMEDOUT after ms, or -errno. */
int cgs_wait(const struct cg_group *g, enum cg_knob k, uint64_t want, int ms);
/* Wait until dir holds no process: 0, -ETIMEDOUT or -errno. */
int cgs_wait_empty(const char *dir, int ms);

/* Anonymous shared memory for counters seen by parent and children. */
void *cgs_shared(size_t len);
void cgs_unshare(void *p, size_t len);

double cgs_now(void); /* CLOCK_MONOTONIC seconds */
void cgs_sleep_ms(long ms);

#endif
