// SPDX-License-Identifier: MIT
/* drift: a host probe's halves, against hand-made series. */
#include "testlib.h"

#include "../bench/drift.h"

#include <errno.h>

/* n samples: base, base + 1 us, base + 2 us, base, ...; from `at` on, scaled. */
static void fill(struct series *s, size_t n, size_t at, double scale)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(series_push(s, (1e-3 + (i % 3) * 1e-6) *
							(i >= at ? scale : 1)),
				 0);
}

/* Hand-computed halves: 15 samples each of 1.000, 1.001, 1.002 ms. */
static const struct {
	const char *what;
	size_t at;	   /* first scaled sample */
	double scale;	   /* from there on */
	double second_p50; /* 1.001 ms x scale */
	double effect;	   /* scale - 1 */
	double p_lo, p_hi; /* the U test's p lies in [p_lo, p_hi) */
	bool moved;
} halves[] = {
	{ "steady", 90, 1, 1.001e-3, 0, 0.5, 1.01, false },
	{ "second half 20% slower", 45, 1.2, 1.2012e-3, 0.2, 0, 1e-10, true },
	/* significant but under DRIFT_EFFECT: no verdict */
	{ "second half 3% slower", 45, 1.03, 1.03103e-3, 0.03, 0, DRIFT_ALPHA,
	  false },
};

static void halves_against_hand_values(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(halves) / sizeof(halves[0]); i++) {
		struct series s;
		struct drift d;

		print_message("%s\n", halves[i].what);
		fill(&s, 90, halves[i].at, halves[i].scale);
		assert_int_equal(bench_drift(&s, &d), 0);
		assert_float_equal(d.first_p50, 1.001e-3, 1e-12);
		assert_float_equal(d.second_p50, halves[i].second_p50, 1e-12);
		assert_float_equal(d.effect, halves[i].effect, 1e-9);
		assert_true(d.p >= halves[i].p_lo && d.p < halves[i].p_hi);
		assert_int_equal(d.moved, halves[i].moved);
		series_free(&s);
	}
}

static void too_few_samples(void **state)
{
	struct series s;
	struct drift d;

	(void)state;
	fill(&s, DRIFT_MIN_N - 1, 5, 2);
	assert_int_equal(bench_drift(&s, &d), -EINVAL);
	series_free(&s);
}

static void line_only_for_host_probes(void **state)
{
	struct bench_variant v = { .name = "fork" };
	char line[320];

	(void)state;
	fill(&v.start, 90, 45, 1.2);
	bench_drift_line(&v, line, sizeof(line));
	assert_string_equal(line, "");
	snprintf(v.name, sizeof(v.name), "faults");
	bench_drift_line(&v, line, sizeof(line));
	assert_non_null(strstr(line, "host: 'faults' +20.0% from the first "
				     "half"));
	assert_non_null(strstr(line, "the host changed under this run"));
	series_free(&v.start);
	fill(&v.start, 90, 90, 1);
	bench_drift_line(&v, line, sizeof(line));
	assert_non_null(strstr(line, "+0.0%"));
	assert_non_null(strstr(line, ": steady"));
	series_free(&v.start);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(halves_against_hand_values),
		cmocka_unit_test(too_few_samples),
		cmocka_unit_test(line_only_for_host_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
