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

/* Warm-up, then o->runs rounds over the selected steps, round-robin. */
int bench_run_ladder(const struct bench_opts *o, const struct ladder_ctx *c,
		     struct bench_result *r);
/* Start K at once for each K in o->conc (ns-all), idle, measure, stop. */
int bench_run_concurrency(const struct bench_opts *o,
			  const struct ladder_ctx *c, struct bench_result *r);

#endif
