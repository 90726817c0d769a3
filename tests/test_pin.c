// SPDX-License-Identifier: MIT
/* pin: --pin parsing against our affinity mask, and pinning undone. */
#include "testlib.h"

#include "../bench/pin.h"

#include <errno.h>
#include <sched.h>
#include <sys/wait.h>

static int highest(const cpu_set_t *set)
{
	int top = -1;

	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, set))
			top = cpu;
	return top;
}

static void auto_is_highest_allowed(void **state)
{
	enum bench_pin_mode mode = PIN_NONE;
	cpu_set_t set;
	char err[160];
	int cpu = -5;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	assert_int_equal(bench_pin_parse("auto", &mode, &cpu, err, sizeof(err)),
			 0);
	assert_int_equal(mode, PIN_AUTO);
	assert_int_equal(cpu, highest(&set));
	assert_string_equal(bench_pin_mode_name(mode), "auto");
}

static void none_and_number(void **state)
{
	enum bench_pin_mode mode = PIN_AUTO;
	cpu_set_t set;
	char err[160], arg[16];
	int cpu = 3;

	(void)state;
	assert_int_equal(bench_pin_parse("none", &mode, &cpu, err, sizeof(err)),
			 0);
	assert_int_equal(mode, PIN_NONE);
	assert_int_equal(cpu, -1);
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	snprintf(arg, sizeof(arg), "%d", highest(&set));
	assert_int_equal(bench_pin_parse(arg, &mode, &cpu, err, sizeof(err)),
			 0);
	assert_int_equal(mode, PIN_CPU);
	assert_int_equal(cpu, highest(&set));
}

static void bad_values_refused(void **state)
{
	static const char *const bad[] = { "", "x", "-1", "1x", "99999999" };
	enum bench_pin_mode mode;
	char err[160];
	int cpu;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(
			bench_pin_parse(bad[i], &mode, &cpu, err, sizeof(err)),
			-EINVAL);
		assert_non_null(strstr(err, "--pin"));
	}
}

/* A CPU outside the mask is refused, named; checked in a child. */
static void cpu_outside_mask_refused(void **state)
{
	cpu_set_t set, one;
	int status, top;
	pid_t pid;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	if (CPU_COUNT(&set) < 2)
		skip(); /* one CPU: nothing outside the mask to ask for */
	top = highest(&set);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char err[160], arg[16];
		enum bench_pin_mode mode;
		int cpu = -5;

		CPU_ZERO(&one);
		for (int c = 0; c < top; c++)
			if (CPU_ISSET(c, &set) && !CPU_COUNT(&one))
				CPU_SET(c, &one);
		snprintf(arg, sizeof(arg), "%d", top);
		_exit(sched_setaffinity(0, sizeof(one), &one) == 0 &&
				      bench_pin_parse(arg, &mode, &cpu, err,
						      sizeof(err)) == -EINVAL &&
				      strstr(err, "not a CPU") && cpu == -5 &&
				      bench_pin_parse("auto", &mode, &cpu, err,
						      sizeof(err)) == 0 &&
				      cpu != top
			      ? 0
			      : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void enter_then_leave_restores(void **state)
{
	cpu_set_t before, during, after;
	struct bench_pin p;
	int cpu;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(before), &before), 0);
	cpu = highest(&before);
	assert_int_equal(bench_pin_enter(&p, cpu), 0);
	assert_int_equal(sched_getaffinity(0, sizeof(during), &during), 0);
	assert_int_equal(CPU_COUNT(&during), 1);
	assert_true(CPU_ISSET(cpu, &during));
	bench_pin_leave(&p);
	assert_int_equal(sched_getaffinity(0, sizeof(after), &after), 0);
	assert_true(CPU_EQUAL(&before, &after));

	assert_int_equal(bench_pin_enter(&p, -1), 0); /* --pin none */
	assert_false(p.active);
	bench_pin_leave(&p);
	assert_int_equal(sched_getaffinity(0, sizeof(after), &after), 0);
	assert_true(CPU_EQUAL(&before, &after));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(auto_is_highest_allowed),
		cmocka_unit_test(none_and_number),
		cmocka_unit_test(bad_values_refused),
		cmocka_unit_test(cpu_outside_mask_refused),
		cmocka_unit_test(enter_then_leave_restores),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
