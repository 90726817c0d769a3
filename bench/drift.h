/* SPDX-License-Identifier: MIT */
/*
 * drift.h - did the host move during a run? The host probes (spin, faults)
 * do no work of boxcheck's, so when one of them is slower in the second
 * half of a run than in the first, the host changed under the run and
 * every variant's samples mix the two. The halves are compared as compare
 * compares two runs: Mann-Whitney U and a minimum effect on the median.
 */
#ifndef BOXCHECK_BENCH_DRIFT_H
#define BOXCHECK_BENCH_DRIFT_H

#include "bench.h"

#include <stdbool.h>

#define DRIFT_MIN_N 20	  /* fewer samples: no verdict */
#define DRIFT_EFFECT 0.05 /* of the first half's median */
#define DRIFT_ALPHA 0.01

struct drift {
	double first_p50, second_p50; /* seconds */
	double effect;		      /* second / first - 1 */
	double p;		      /* two-sided */
	bool moved;		      /* p < DRIFT_ALPHA, |effect| > EFFECT */
};

/* The halves of s in sampling order: 0, or -EINVAL (too few samples). */
int bench_drift(const struct series *s, struct drift *d);

/* One line on v when it is a host probe with a verdict, else nothing. */
void bench_drift_line(const struct bench_variant *v, char *buf, size_t len);

#endif
