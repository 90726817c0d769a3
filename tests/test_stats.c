// SPDX-License-Identifier: MIT
/* Statistics and Mann-Whitney U against values computed by hand. */
#include "testlib.h"

#include "../bench/stats.h"

#include <errno.h>
#include <math.h>

static void one_to_ten(void **state)
{
	/* Shuffled on purpose: stats_compute sorts a copy. */
	const double x[] = { 7, 3, 10, 1, 5, 9, 2, 8, 6, 4 };
	struct stats s;

	assert_int_equal(stats_compute(x, 10, &s), 0);
	assert_int_equal(s.n, 10);
	assert_true(s.min == 1 && s.max == 10);
	assert_true(fabs(s.mean - 5.5) < 1e-12);
	/* sum of squares about 5.5 is 82.5; 82.5 / 9 */
	assert_true(fabs(s.stddev - sqrt(82.5 / 9)) < 1e-12);
	/* type 7: h = (n-1) q; 4.5 -> 5.5, 8.1 -> 9.1, 8.91 -> 9.91 */
	assert_true(fabs(s.p50 - 5.5) < 1e-12);
	assert_true(fabs(s.p90 - 9.1) < 1e-12);
	assert_true(fabs(s.p99 - 9.91) < 1e-12);
	/* Bin(10, 1/2): P(B <= 1) = 11/1024, so [x(2), x(9)] covers
	 * 1 - 22/1024; P(B <= 2) = 56/1024 would give 0.89 < 0.95. */
	assert_true(s.ci_lo == 2 && s.ci_hi == 9);
	assert_true(fabs(s.ci_level - (1 - 22.0 / 1024)) < 1e-9);
	assert_int_equal(x[0], 7); /* input untouched */
}

static void median_ci_ranks(void **state)
{
	size_t lo, hi;

	/* n = 5: even [x(1), x(5)] covers only 1 - 2/32 < 0.95. */
	assert_true(stats_median_ci_ranks(5, 0.95, &lo, &hi) == 0);
	assert_true(lo == 1 && hi == 5);
	/* n = 6: [x(1), x(6)] covers 1 - 2/64 = 0.96875. */
	assert_true(fabs(stats_median_ci_ranks(6, 0.95, &lo, &hi) -
			 (1 - 2.0 / 64)) < 1e-12);
	assert_true(lo == 1 && hi == 6);
	/* n = 200: a large n stays finite and symmetric. */
	assert_true(stats_median_ci_ranks(200, 0.95, &lo, &hi) >= 0.95);
	assert_int_equal(lo + hi, 201);
}

static void single_and_empty(void **state)
{
	const double one = 42;
	struct stats s;

	assert_int_equal(stats_compute(&one, 0, &s), -EINVAL);
	assert_int_equal(stats_compute(&one, 1, &s), 0);
	assert_true(s.p50 == 42 && s.p99 == 42 && s.stddev == 0);
}

static void mwu_separated(void **state)
{
	const double a[] = { 1, 2, 3 }, b[] = { 4, 5, 6 };
	struct mwu m;

	assert_int_equal(stats_mann_whitney(a, 3, b, 3, &m), 0);
	/* ranks of a: 1 2 3 -> R = 6, U = 6 - 3*4/2 = 0; mean 4.5,
	 * var = 9/12 * 7 = 5.25; z = (0 - 4.5 + 0.5) / sqrt(5.25) */
	assert_true(m.u == 0);
	assert_true(fabs(m.z - (-4 / sqrt(5.25))) < 1e-12);
	assert_true(fabs(m.p - 0.0808555983700523) < 1e-9);
	assert_true(fabs(m.effect - 1.5) < 1e-12); /* 5 / 2 - 1 */
}

static void mwu_ties(void **state)
{
	const double a[] = { 1, 2, 2 }, b[] = { 2, 3, 4 };
	struct mwu m;

	assert_int_equal(stats_mann_whitney(a, 3, b, 3, &m), 0);
	/* pooled: 1 | 2 2 2 (ranks 2,3,4 -> 3 each) | 3 | 4:
	 * R(a) = 1 + 3 + 3 = 7, U = 1; tie term 3^3 - 3 = 24;
	 * var = 9/12 * (7 - 24/30) = 4.65; z = (1 - 4.5 + 0.5)/sqrt(4.65) */
	assert_true(m.u == 1);
	assert_true(fabs(m.z - (-3 / sqrt(4.65))) < 1e-12);
	assert_true(fabs(m.p - 0.16415972847851523) < 1e-9);
}

static void mwu_identical(void **state)
{
	const double a[] = { 5, 5, 5, 5 };
	struct mwu m;

	assert_int_equal(stats_mann_whitney(a, 4, a, 4, &m), 0);
	assert_true(m.p == 1 && m.z == 0 && m.effect == 0);
	assert_int_equal(stats_mann_whitney(a, 0, a, 4, &m), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_to_ten),
		cmocka_unit_test(median_ci_ranks),
		cmocka_unit_test(single_and_empty),
		cmocka_unit_test(mwu_separated),
		cmocka_unit_test(mwu_ties),
		cmocka_unit_test(mwu_identical),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
