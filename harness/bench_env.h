/* SPDX-License-Identifier: MIT */
/*
 * bench_env.h - what a bench run (and `bench --serve`, the other arm of an
 * A/B run) sets up before sampling and removes afterwards: its instance
 * name, a run dir with scratch space, the fixture rootfs beside the binary,
 * its bench cgroup below its own cgroup on every hierarchy.
 */
#ifndef BOXCHECK_BENCH_ENV_H
#define BOXCHECK_BENCH_ENV_H

#include "../bench/ladder.h"

#include <limits.h>

/* Everything a run creates, released by bench_env_release on every path. */
struct bench_env {
	char inst[64]; /* boxcheck-<pid>-<starttime>: unique per process */
	char rundir[PATH_MAX], scratch[PATH_MAX + 16], extdir[PATH_MAX + 16];
	char rootfs[PATH_MAX];
	char cg_abs[PATH_MAX + 80];
	struct cg_abs_track cg_made; /* what tools create along cg_abs */
	struct cg_layout cg;
	struct cg_group group;
	bool have_group;
};

/* 0, or -errno with what failed in err (then release what was made). */
int bench_env_setup(struct bench_env *e, char *err, size_t len);
/* Our cgroup and whatever runtimes made below our name; the run dir. */
void bench_env_release(struct bench_env *e);
/* The ladder's view of it: rootfs, scratch, parent cgroup (not the hook). */
void bench_env_ladder(const struct bench_env *e, struct ladder_ctx *c);

#endif
