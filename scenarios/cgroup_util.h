/* SPDX-License-Identifier: MIT */
/*
 * cgroup_util.h - small helpers shared by the cgroup scenarios: knob
 * checks that skip with a named reason, children that join a group, and
 * bounded waits for kernel state.
 */
#ifndef BOXCHECK_CGROUP_UTIL_H
#define BOXCHECK_CGROUP_UTIL_H

#include "scenario.h"

/*
 * Skip (naming the file) when g's layout or kernel lacks knob k, else
 * OBS_NONE. Call it in both modes, before the isolating step, so the
 * isolated run and the control skip alike.
 */
enum obs cgs_need(struct ctx *c, const struct cg_group *g, enum cg_knob k);
/* A knob call failed: a skip that names what is missing, or an error. */
enum obs cgs_knob_fail(struct ctx *c, const struct cg_group *g, enum cg_knob k,
		       int err);

#define CGS_NEED(c, g, k)                                                      \
	do {                                                                   \
		if (cgs_need((c), (g), (k)) != OBS_NONE)                       \
			return (c)->out->obs;                                  \
	} while (0)
#define CGS_SET(c, g, k, v)                                                    \
	do {                                                                   \
		int _r = cg_set((g), (k), (v));                                \
		if (_r < 0)                                                    \
			return cgs_knob_fail((c), (g), (k), _r);               \
	} while (0)
#define CGS_GET(c, g, k, pv)                                                   \
	do {                                                                   \
		int _r = cg_get((g), (k), (pv));                               \
		if (_r < 0)                                                    \
			return cgs_knob_fail((c), (g), (k), _r);               \
	} while (0)

/* No cgroup for this run (the runner could not make one): skip. */
#define CGS_NEED_GROUP(c)                                                      \
	do {                                                                   \
		if (!(c)->cg)                                                  \
			return ctx_skip((c), "no cgroup for this run");        \
	} while (0)

/*
 * Fork a child that joins g (none when g is NULL), then runs fn(arg) and
 * _exits with its result. Returns once the child has joined: its pid, or
 * -errno (the join's error when it failed; the child is reaped then).
 */
pid_t cgs_fork_in(const struct cg_group *g, int (*fn)(void *), void *arg);
/* fn for cgs_fork_in: close hold's write end, block until EOF, return 0. */
int cgs_hold(void *hold);

/* Poll knob k until it reads want: 0, -ETIMEDOUT after ms, or -errno. */
int cgs_wait(const struct cg_group *g, enum cg_knob k, uint64_t want, int ms);
/* Wait until dir holds no process: 0 or -ETIMEDOUT. */
int cgs_wait_empty(const char *dir, int ms);

/* Anonymous shared memory for counters seen by parent and children. */
void *cgs_shared(size_t len);
void cgs_unshare(void *p, size_t len);

double cgs_now(void); /* CLOCK_MONOTONIC seconds */
void cgs_sleep_ms(long ms);

#endif
