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

static void steady_is_not_moved(void **state)
{
	struct series s;
	struct drift d;

	(void)state;
	fill(&s, 90, 90, 1);
	assert_int_equal(bench_drift(&s, &d), 0);
	assert_false(d.moved);
	assert_float_equal(d.first_p50, 1.001e-3, 1e-12);
	assert_float_equal(d.second_p50, 1.001e-3, 1e-12);
	assert_float_equal(d.effect, 0, 1e-12);
	assert_true(d.p > 0.5);
	series_free(&s);
}

static void step_in_second_half_is_moved(void **state)
{
	struct series s;
	struct drift d;

	(void)state;
	fill(&s, 90, 45, 1.2); /* the second half 20% slower */
	assert_int_equal(bench_drift(&s, &d), 0);
	assert_true(d.moved);
	assert_float_equal(d.first_p50, 1.001e-3, 1e-12);
	assert_float_equal(d.second_p50, 1.2012e-3, 1e-12);
	assert_float_equal(d.effect, 0.2, 1e-9);
	assert_true(d.p < 1e-10);
	series_free(&s);
}

/* Significant but small: under DRIFT_EFFECT, no verdict. */
static void small_step_is_not_moved(void **state)
{
	struct series s;
	struct drift d;

	(void)state;
	fill(&s, 90, 45, 1.03);
	assert_int_equal(bench_drift(&s, &d), 0);
	assert_true(d.p < DRIFT_ALPHA);
	assert_float_equal(d.effect, 0.03, 1e-9);
	assert_false(d.moved);
	series_free(&s);
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
		cmocka_unit_test(steady_is_not_moved),
		cmocka_unit_test(step_in_second_half_is_moved),
		cmocka_unit_test(small_step_is_not_moved),
		cmocka_unit_test(too_few_samples),
		cmocka_unit_test(line_only_for_host_probes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
