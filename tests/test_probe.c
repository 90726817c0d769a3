// SPDX-License-Identifier: MIT
/*
 * `boxcheck probe` as a person and a machine read it: the text form is a
 * short grouped summary that says what the JSON says; --format json keeps
 * the keys reports and other tools read. Runs the built binary ($BOXCHECK).
 */
#include "testlib.h"
#include "../harness/tools.h"
#include "../scenarios/scenario.h"

#include <jansson.h>

#define OUT_MAX (1 << 16)

/* stdout of `$BOXCHECK probe ARGS` (caller frees); exit status 0. */
static char *probe_out(const char *args)
{
	const char *b = getenv("BOXCHECK");
	char cmd[512], *buf = calloc(1, OUT_MAX);
	size_t n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s probe %s",
		 b && *b ? b : "build/boxcheck", args);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(buf);
	n = fread(buf, 1, OUT_MAX - 1, p);
	buf[n] = '\0';
	assert_int_equal(pclose(p), 0);
	return buf;
}

static json_t *probe_json(void)
{
	char *out = probe_out("--format json");
	json_error_t err;
	json_t *doc = json_loads(out, 0, &err);

	if (!doc)
		fail_msg("probe --format json does not parse: %s (line %d)",
			 err.text, err.line);
	free(out);
	return doc;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* A line of text that starts with start (after a newline or at the top). */
static const char *line_starting(const char *text, const char *start)
{
	size_t n = strlen(start);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p += !!p)
		if (strncmp(p, start, n) == 0)
			return p;
	return NULL;
}

static void groups_present_and_short(void **state)
{
	static const char *const groups[] = {
		"kernel ", "cpu ",	"host ",     "cgroup ", "namespaces ",
		"userns ", "features ", "runtimes ", "VMMs ",	"bench tools ",
	};
	char *out = probe_out("");

	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		if (!line_starting(out, groups[i]))
			fail_msg("no '%s' group in:\n%s", groups[i], out);
	if (count_lines(out) >= 40)
		fail_msg("%d lines, not a summary:\n%s", count_lines(out), out);
	/* not the old flat dump of JSON paths */
	assert_null(strstr(out, "hierarchies["));
	assert_null(strstr(out, "features."));
	free(out);
}

/* Exactly the top-level keys, in order, that reports and tools read. */
static void json_keys_unchanged(void **state)
{
	static const char *const keys[] = {
		"kernel",
		"kernel_version",
		"arch",
		"hostname",
		"cpu_model",
		"cores",
		"virtualization",
		"root",
		"cgroup",
		"namespaces",
		"max_user_namespaces",
		"unprivileged_userns_clone",
		"overlayfs",
		"features",
		"tools",
	};
	json_t *doc = probe_json(), *v;
	const char *k;
	size_t i = 0;

	json_object_foreach(doc, k, v) {
		assert_true(i < ARRAY_SIZE(keys));
		assert_string_equal(k, keys[i]);
		i++;
	}
	assert_int_equal(i, ARRAY_SIZE(keys));
	assert_non_null(
		json_object_get(json_object_get(doc, "cgroup"), "hierarchies"));
	for (int f = 0; f < FEAT__COUNT; f++)
		assert_true(json_is_boolean(
			json_object_get(json_object_get(doc, "features"),
					feature_table[f].name)));
	for (const struct tool *t = tool_table; t->name; t++)
		assert_non_null(json_object_get(json_object_get(doc, "tools"),
						t->name));
	json_decref(doc);
}

/* One line per cgroup hierarchy, each missing feature named, every tool. */
static void text_says_what_json_says(void **state)
{
	json_t *doc = probe_json(), *h, *tools = json_object_get(doc, "tools");
	json_t *feat = json_object_get(doc, "features");
	char *out = probe_out("--format text"), want[512];
	size_t i;

	json_array_foreach(
		json_object_get(json_object_get(doc, "cgroup"), "hierarchies"),
		i, h) {
		snprintf(want, sizeof(want), "  v%lld %s ",
			 json_integer_value(json_object_get(h, "version")),
			 json_string_value(json_object_get(h, "mount")));
		if (!line_starting(out, want))
			fail_msg("no line for hierarchy '%s' in:\n%s", want,
				 out);
	}
	for (int f = 0; f < FEAT__COUNT; f++) {
		snprintf(want, sizeof(want), "  missing   %s: %s\n",
			 feature_table[f].name, feature_table[f].missing);
		if (json_is_true(json_object_get(feat, feature_table[f].name)))
			assert_null(strstr(out, want));
		else if (!strstr(out, want))
			fail_msg("missing feature not named: %s", want);
	}
	for (const struct tool *t = tool_table; t->name; t++) {
		const char *line;
		snprintf(want, sizeof(want), " %-14s", t->name);
		line = strstr(out, want);
		if (!line)
			fail_msg("tool %s not listed in:\n%s", t->name, out);
		line += strlen(want);
		if (json_is_null(json_object_get(tools, t->name)))
			assert_int_equal(strncmp(line, "not installed", 13), 0);
		else
			assert_int_not_equal(strncmp(line, "not installed", 13),
					     0);
	}
	free(out);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(groups_present_and_short),
		cmocka_unit_test(json_keys_unchanged),
		cmocka_unit_test(text_says_what_json_says),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
