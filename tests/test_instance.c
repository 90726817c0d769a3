// SPDX-License-Identifier: MIT
/* Instance names: what cleanup takes for a boxcheck leftover. */
#include "testlib.h"
#include "../harness/instance.h"

static void well_formed(void **state)
{
	char name[96];

	assert_int_equal(instance_name(name, sizeof(name)), 0);
	assert_true(instance_is_name(name));
	assert_true(instance_alive(name));
	assert_true(instance_is_name("boxcheck-1-0"));
	assert_true(
		instance_is_name("boxcheck-2147483647-18446744073709551615"));
}

/* Regression (fuzz_instance): sscanf() took these for instance names. */
static void malformed_is_neither_name_nor_alive(void **state)
{
	static const char *const bad[] = {
		"boxcheck-5-18+", /* the fuzzer's find: pid 5 is alive */
		"boxcheck--5-18",
		"boxcheck-+5-18",
		"boxcheck- 5-18",
		"boxcheck-5- 18",
		"boxcheck-5--18",
		"boxcheck-5-+18",
		"boxcheck-0-1",
		"boxcheck-5",
		"boxcheck-5-",
		"boxcheck--",
		"boxcheck-",
		"boxcheck-x-1",
		"boxcheck-1-1 ",
		"boxcheck-2147483648-1",
		"boxcheck-99999999999-1",
		"Boxcheck-1-1",
		"",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (instance_is_name(bad[i]) || instance_alive(bad[i]))
			fail_msg("taken for an instance: '%s'", bad[i]);
	}
}

static void dead_pid_is_stale(void **state)
{
	char name[96];

	assert_int_equal(instance_name(name, sizeof(name)), 0);
	/* Same pid, another start time: a reused pid is not alive. */
	strcat(name, "1");
	assert_true(instance_is_name(name));
	assert_false(instance_alive(name));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(well_formed),
		cmocka_unit_test(malformed_is_neither_name_nor_alive),
		cmocka_unit_test(dead_pid_is_stale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
