// SPDX-License-Identifier: MIT
/* Pattern matching, tag filtering and selection. */
#include "testlib.h"
#include "../harness/registry.h"

static void glob_and_area_prefix(void **state)
{
	assert_true(pattern_match("pidns/*", "pidns/init-is-pid1"));
	assert_true(pattern_match("pidns", "pidns/init-is-pid1"));
	assert_true(pattern_match("pidns/", "pidns/init-is-pid1"));
	assert_true(pattern_match("*/init-*", "pidns/init-is-pid1"));
	assert_true(pattern_match("pidns/init-is-pid?", "pidns/init-is-pid1"));
	assert_false(pattern_match("pid", "pidns/init-is-pid1"));
	assert_false(pattern_match("pidns/init", "pidns/init-is-pid1"));
	assert_false(pattern_match("net*", "pidns/init-is-pid1"));
	assert_false(pattern_match("", "pidns/init-is-pid1"));
}

static const struct scenario tagged = {
	.id = "x/y",
	.tags = { "core", "pid" },
};

static void tags(void **state)
{
	assert_true(scenario_has_tag(&tagged, "core"));
	assert_true(scenario_has_tag(&tagged, "pid"));
	assert_false(scenario_has_tag(&tagged, "co"));
	assert_false(scenario_has_tag(&tagged, "net"));
}

static void select_by_pattern(void **state)
{
	const struct scenario **out =
		calloc(registry_count() + 1, sizeof(*out));
	const char *pats[] = { "pidns/*", "overlay" };
	struct selection sel = { .patterns = pats, .n_patterns = 2 };
	const char *unmatched = "x";
	size_t n = registry_select(&sel, out, &unmatched);

	assert_null(unmatched);
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++)
		assert_true(strncmp(out[i]->id, "pidns/", 6) == 0 ||
			    strncmp(out[i]->id, "overlay/", 8) == 0);
	free(out);
}

static void unmatched_pattern_is_named(void **state)
{
	const struct scenario **out =
		calloc(registry_count() + 1, sizeof(*out));
	const char *pats[] = { "pidns/*", "nosuch/*" };
	struct selection sel = { .patterns = pats, .n_patterns = 2 };
	const char *unmatched = NULL;

	registry_select(&sel, out, &unmatched);
	assert_non_null(unmatched);
	assert_string_equal(unmatched, "nosuch/*");
	free(out);
}

static void every_id_is_unique_and_well_formed(void **state)
{
	size_t n = registry_count();

	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++) {
		const struct scenario *s = registry_get(i);
		assert_non_null(strchr(s->id, '/'));
		assert_non_null(s->check);
		assert_non_null(s->property);
		for (size_t k = i + 1; k < n; k++)
			assert_string_not_equal(s->id, registry_get(k)->id);
	}
	assert_null(registry_get(n));
}

static void selftest_only_when_asked(void **state)
{
	const struct scenario **out =
		calloc(registry_count() + 1, sizeof(*out));
	struct selection all = { 0 };
	const char *unmatched;
	size_t n = registry_select(&all, out, &unmatched);

	for (size_t i = 0; i < n; i++)
		assert_false(scenario_has_tag(out[i], "selftest"));
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(glob_and_area_prefix),
		cmocka_unit_test(tags),
		cmocka_unit_test(select_by_pattern),
		cmocka_unit_test(unmatched_pattern_is_named),
		cmocka_unit_test(every_id_is_unique_and_well_formed),
		cmocka_unit_test(selftest_only_when_asked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
