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
	bool time;	  /* judge the timed series (Mann-Whitney) */
	bool counts;	  /* judge the exact counts (syscalls, faults) */
};

struct compare_tally {
	unsigned compared, regressed, improved, same, unmatched;
	/*
	 * Series measured in BASE and not in NEW (the variant skipped,
	 * failed or missing there, or the series empty): each a gate
	 * failure with its own line.
	 */
	unsigned lost;
	/*
	 * Exact counts (counter_info.exact) of variants measured in both,
	 * judged by their floor (compare.c): compared, of those judged on a
	 * floor some sample rose above (the host's doing), grown (a gate
	 * failure, whatever the clock says), shrunk; and those not judged
	 * (ASLR on in a run, a rung that counts retries), shown only.
	 */
	unsigned counts_compared, counts_floor, counts_regressed,
		counts_improved, counts_unsteady;
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
 * The gate's test of one series, BASE's samples a against NEW's b: a
 * change only when Mann-Whitney's p < alpha, the median moved by at least
 * 1 us (the harness's resolution) and by more than the threshold of BASE's
 * median. From a median of 0 there is no relative size (m.effect is NAN):
 * any significant move past 1 us is then a change. 0 or -errno.
 */
struct compare_test {
	struct mwu m;
	double p50a, p50b; /* the medians */
	int change;	   /* +1 slower, -1 faster, 0 the same */
};
int compare_test(const double *a, size_t na, const double *b, size_t nb,
		 const struct compare_opts *o, struct compare_test *ct);

/*
 * Print one line per variant and series (start, teardown) to f. Returns 0
 * and fills t, or -EINVAL (err says why) when the results share nothing.
 */
int bench_compare(FILE *f, const struct bench_result *base,
		  const struct bench_result *cur, const struct compare_opts *o,
		  struct compare_tally *t, char *err, size_t len);

/* The gate's answer: true when NEW must not pass (a time or a count). */
bool compare_gate_failed(const struct compare_tally *t);

#endif
