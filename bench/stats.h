/* SPDX-License-Identifier: MIT */
/*
 * stats.h - order statistics of benchmark samples and the Mann-Whitney U
 * test. Pure functions of their inputs: no I/O, no allocation but scratch.
 */
#ifndef BOXCHECK_STATS_H
#define BOXCHECK_STATS_H

#include <stddef.h>

struct stats {
	size_t n;
	double min, p50, p90, p99, max;
	double mean, stddev; /* sample standard deviation (n - 1) */
	/*
	 * Distribution-free 95% confidence interval of the median; NAN both
	 * when there is none (n < 6: not even [min, max] reaches 95%).
	 */
	double ci_lo, ci_hi;
	double ci_level; /* actual coverage of [ci_lo, ci_hi], >= 0.95, or 0 */
};

/*
 * Quantile of sorted x (linear interpolation between closest ranks, the
 * "type 7" estimator of R and numpy's default).
 */
double stats_quantile(const double *sorted, size_t n, double q);

/*
 * Ranks (1-based, order statistics) of the narrowest symmetric interval
 * [x(lo), x(hi)] that covers the median with probability >= level, from the
 * Binomial(n, 1/2) distribution. Returns the actual coverage, or 0 when n is
 * too small for any interval to reach level (then lo = 1, hi = n).
 */
double stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi);

/* Statistics of x (n values, any order). 0 or -errno (-EINVAL for n = 0). */
int stats_compute(const double *x, size_t n, struct stats *s);

struct mwu {
	double u;      /* U of the first sample */
	double z;      /* normal approximation, tie- and continuity-corrected */
	double p;      /* two-sided p-value */
	double effect; /* median(b) / median(a) - 1; NAN if median(a) is 0 */
	double auc;    /* U / (na * nb): P(a > b) + P(a = b) / 2 */
};

/*
 * Mann-Whitney U of samples a and b (normal approximation with tie
 * correction). 0 or -errno (-EINVAL when either is empty).
 */
int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		       struct mwu *m);

/* Standard normal upper tail, P(Z > z). */
double stats_normal_sf(double z);

#endif
