// SPDX-License-Identifier: MIT
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double stats_quantile(const double *sorted, size_t n, double q)
{
	double h, lo;
	size_t i;

	if (n == 0)
		return NAN;
	if (q <= 0)
		return sorted[0];
	if (q >= 1)
		return sorted[n - 1];
	h = (n - 1) * q;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return sorted[n - 1];
	return sorted[i] + (h - lo) * (sorted[i + 1] - sorted[i]);
}

/* log of C(n, k) / 2^n, the Binomial(n, 1/2) probability mass at k. */
static double log_binom_half(size_t n, size_t k)
{
	return lgamma(n + 1.0) - lgamma(k + 1.0) - lgamma(n - k + 1.0) -
	       n * log(2.0);
}

double stats_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi)
{
	double tail = 0, best = 0; /* tail = P(B <= k - 1) */

	*lo = 1;
	*hi = n;
	/*
	 * x(k) lies above the median when at most k-1 samples fall below it:
	 * P(x(k) <= median <= x(n-k+1)) = 1 - 2 P(B <= k-1), B ~ Bin(n, 1/2).
	 * Grow k while the coverage stays at or above level.
	 */
	for (size_t k = 1; k <= (n + 1) / 2; k++) {
		double cover;
		tail += exp(log_binom_half(n, k - 1));
		cover = 1 - 2 * tail;
		if (cover < level)
			break;
		*lo = k;
		*hi = n - k + 1;
		best = cover;
	}
	return best;
}

int stats_compute(const double *x, size_t n, struct stats *s)
{
	double *v, sum = 0, ss = 0;
	size_t lo, hi;

	memset(s, 0, sizeof(*s));
	if (n == 0)
		return -EINVAL;
	v = malloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	memcpy(v, x, n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->n = n;
	s->mean = sum / n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - s->mean) * (v[i] - s->mean);
	s->stddev = n > 1 ? sqrt(ss / (n - 1)) : 0;
	s->min = v[0];
	s->max = v[n - 1];
	s->p50 = stats_quantile(v, n, 0.50);
	s->p90 = stats_quantile(v, n, 0.90);
	s->p99 = stats_quantile(v, n, 0.99);
	s->ci_level = stats_median_ci_ranks(n, 0.95, &lo, &hi);
	/* Under 6 samples no interval reaches 95%: there is none. */
	s->ci_lo = s->ci_level > 0 ? v[lo - 1] : NAN;
	s->ci_hi = s->ci_level > 0 ? v[hi - 1] : NAN;
	free(v);
	return 0;
}

double stats_normal_sf(double z)
{
	return 0.5 * erfc(z / sqrt(2.0));
}

struct tagged {
	double v;
	int from_a;
};

static int cmp_tagged(const void *a, const void *b)
{
	return cmp_double(&((const struct tagged *)a)->v,
			  &((const struct tagged *)b)->v);
}

static double median_of(const double *x, size_t n)
{
	struct stats s;

	return stats_compute(x, n, &s) == 0 ? s.p50 : NAN;
}

/*
 * Rank the pooled samples (ties get their average rank), sum a's ranks and
 * the tie term sum(t^3 - t) for the variance correction.
 */
static void rank_sum(struct tagged *all, size_t n, double *ra, double *ties)
{
	*ra = 0;
	*ties = 0;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		double rank, t;

		while (j + 1 < n && all[j + 1].v == all[i].v)
			j++;
		rank = (i + j + 2) / 2.0; /* mean of ranks i+1 .. j+1 */
		t = (double)(j - i + 1);
		*ties += t * t * t - t;
		for (size_t k = i; k <= j; k++)
			if (all[k].from_a)
				*ra += rank;
		i = j + 1;
	}
}

int stats_mann_whitney(const double *a, size_t na, const double *b, size_t nb,
		       struct mwu *m)
{
	size_t n = na + nb;
	struct tagged *all;
	double ra, ties, mu, var, d, ma;

	memset(m, 0, sizeof(*m));
	if (na == 0 || nb == 0)
		return -EINVAL;
	all = malloc(n * sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < na; i++)
		all[i] = (struct tagged){ a[i], 1 };
	for (size_t i = 0; i < nb; i++)
		all[na + i] = (struct tagged){ b[i], 0 };
	qsort(all, n, sizeof(*all), cmp_tagged);
	rank_sum(all, n, &ra, &ties);
	free(all);
	m->u = ra - na * (na + 1) / 2.0;
	m->auc = m->u / ((double)na * nb);
	mu = na * (double)nb / 2.0;
	var = na * (double)nb / 12.0 * ((n + 1) - ties / ((double)n * (n - 1)));
	d = m->u - mu;
	if (var <= 0 || fabs(d) <= 0.5) {
		m->z = 0;
		m->p = 1;
	} else {
		m->z = (d - (d > 0 ? 0.5 : -0.5)) / sqrt(var);
		m->p = fmin(1.0, 2 * stats_normal_sf(fabs(m->z)));
	}
	/* From a median of 0 a change has no relative size. */
	ma = median_of(a, na);
	m->effect = ma > 0 ? median_of(b, nb) / ma - 1 : NAN;
	return 0;
}
