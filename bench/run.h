/* SPDX-License-Identifier: MIT */
/* run.h - driving a benchmark: options, the ladder loop, concurrency. */
#ifndef BOXCHECK_BENCH_RUN_H
#define BOXCHECK_BENCH_RUN_H

#include "ladder.h"

#include <signal.h>

#define BENCH_MAX_CONC 16
#define BENCH_MAX_EXT 16

struct bench_opts {
	unsigned runs, warmup;
	int pin_cpu; /* -1: no pinning */
	bool quick;
	bool steps[LS__COUNT]; /* selected ladder steps */
	unsigned conc[BENCH_MAX_CONC];
	size_t n_conc;
	const char *ext[BENCH_MAX_EXT]; /* external commands to compare */
	size_t n_ext;
	unsigned ext_runs, ext_warmup;
	const char *rundir; /* our temp dir, removed afterwards */
};

/* Set by the signal handler: stop after the sample in flight. */
extern volatile sig_atomic_t bench_interrupted;

/* Why step s cannot run with c (its variant is skipped), or NULL. */
const char *bench_step_unavailable(const struct ladder_ctx *c,
				   enum ladder_step s);

/* Warm-up, then o->runs rounds over the selected steps, round-robin. */
int bench_run_ladder(const struct bench_opts *o, const struct ladder_ctx *c,
		     struct bench_result *r);

/* One sample's counter deltas as another process read them around it. */
struct sample_counters {
	bool have;
	double delta[CNT__COUNT];
	int err[CNT__COUNT]; /* 0, or -errno: that counter is unavailable */
};

/*
 * The other arm of an interleaved A/B run (bench/ab.c has the one there
 * is): another build sampling the same steps.
 */
struct bench_arm {
	struct bench_result *r; /* its variants, made alongside ours */
	/*
	 * One sample of step s: 0; 1 when the arm cannot run s at all, -errno
	 * when the sample failed (why says why; the variant is then skipped
	 * or failed and not asked again).
	 */
	int (*sample)(struct bench_arm *a, enum ladder_step s,
		      struct ladder_sample *out, struct sample_counters *k,
		      char *why, size_t len);
	void *data;
	bool lost;	    /* set by sample: the arm is gone, the run stops */
	char lost_why[256]; /* ... why */
};

/*
 * As bench_run_ladder, and in every round, warm-up included, one sample of
 * the same step from the other arm right before or after each of ours:
 * after in even rounds, before in odd ones. Its counters are what it read
 * itself around its samples (so that both arms carry their cost).
 */
int bench_run_ladder_ab(const struct bench_opts *o, const struct ladder_ctx *c,
			struct bench_result *r, struct bench_arm *other);
/* Start K at once for each K in o->conc (ns-all), idle, measure, stop. */
int bench_run_concurrency(const struct bench_opts *o,
			  const struct ladder_ctx *c, struct bench_result *r);

#endif
