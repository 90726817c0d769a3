/* SPDX-License-Identifier: MIT */
/*
 * compare.h - two bench results, variant by variant: Mann-Whitney U on the
 * raw samples plus a minimum effect size. The CI regression gate.
 */
#ifndef BOXCHECK_COMPARE_H
#define BOXCHECK_COMPARE_H

#include "bench.h"

struct compare_opts {
	double threshold; /* minimum effect, fraction of the base median */
	double alpha;	  /* significance level */
};

struct compare_tally {
	unsigned compared, regressed, improved, same, unmatched;
	/*
	 * Host probes (ladder_is_host_probe) found in both results, and the
	 * one whose median moved most: its name, its relative change, and
	 * whether that passed the test a verdict would. Never counted above.
	 */
	unsigned host_compared;
	bool host_moved;
	double host_effect;
	char host_name[48];
};

/*
 * Print one line per variant and series (start, teardown) to f. Returns 0
 * and fills t, or -EINVAL (err says why) when the results share nothing.
 */
int bench_compare(FILE *f, const struct bench_result *base,
		  const struct bench_result *cur, const struct compare_opts *o,
		  struct compare_tally *t, char *err, size_t len);

#endif
