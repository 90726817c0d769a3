// SPDX-License-Identifier: MIT
/*
 * Each writer against the tool that reads it: TAP through prove, JUnit
 * through xmllint, JSON parsed back with jansson.
 */
#include "testlib.h"
#include "../reports/record.h"

#include <jansson.h>
#include <sys/wait.h>

static struct record recs[4];
static char *dir;

static void fill(struct record *r, const char *id, enum verdict v,
		 const char *reason)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->id, id);
	strcpy(r->title, "a title with <xml> & \"quotes\"");
	strcpy(r->property, "a property # with a hash");
	strcpy(r->expected, "getpid()=1");
	strcpy(r->target, "host");
	r->verdict = v;
	strcpy(r->reason, reason);
	r->iso.obs = v == V_PASS ? OBS_HOLDS : OBS_ABSENT;
	strcpy(r->iso.observed, "getpid()=1");
	r->iso.n_kv = 1;
	strcpy(r->iso.kv[0].key, "getpid");
	strcpy(r->iso.kv[0].val, "1\n\"x\"");
	r->ctl.obs = OBS_ABSENT;
	strcpy(r->ctl.observed, "getpid()=42");
	r->duration_s = 0.25;
}

static int setup(void **state)
{
	fill(&recs[0], "pidns/a", V_PASS, "getpid()=1");
	fill(&recs[1], "pidns/b", V_SKIP, "kernel has no time namespaces");
	fill(&recs[2], "net/c", V_FAIL, "expected <1>, observed & 2");
	fill(&recs[3], "pidns/d", V_ERROR, "timeout after 5 s");
	dir = test_tmpdir();
	return dir ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	free(dir);
	return system(cmd);
}

/* Write with the named writer to dir/name; returns the path. */
static char *emit(const char *writer, const char *name, size_t n)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	assert_int_equal(
		write_file_atomic(path, writer_by_name(writer), NULL, recs, n),
		0);
	return path;
}

static int sh(const char *fmt, const char *arg)
{
	char cmd[1024];
	int st;

	snprintf(cmd, sizeof(cmd), fmt, arg);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void tap_parsed_by_prove(void **state)
{
	char *ok = emit("tap", "ok.tap", 2), *bad = emit("tap", "bad.tap", 4);

	/* pass + skip: prove accepts; with fail and error it must not. */
	assert_int_equal(sh("prove -Q --exec cat %s >/dev/null 2>&1", ok), 0);
	assert_int_not_equal(sh("prove -Q --exec cat %s >/dev/null 2>&1", bad),
			     0);
	assert_int_equal(sh("grep -q '^ok 2 - pidns/b # SKIP kernel has no "
			    "time namespaces$' %s",
			    bad),
			 0);
	assert_int_equal(sh("grep -q '^  message: \"expected <1>, observed & "
			    "2\"$' %s",
			    bad),
			 0);
	free(ok);
	free(bad);
}

static void junit_valid_for_xmllint(void **state)
{
	char *p = emit("junit", "r.xml", 4);

	assert_int_equal(sh("xmllint --noout %s", p), 0);
	/* Two suites (pidns, net); pidns has 3 cases though not adjacent. */
	assert_int_equal(
		sh("xmllint --xpath 'count(//testsuite)' %s | grep -qx "
		   "2",
		   p),
		0);
	assert_int_equal(sh("xmllint --xpath "
			    "'string(//testsuite[@name=\"pidns\"]/@tests)' %s "
			    "| grep -qx 3",
			    p),
			 0);
	assert_int_equal(sh("xmllint --xpath 'count(//failure)+count(//error)"
			    "+count(//skipped)' %s | grep -qx 3",
			    p),
			 0);
	free(p);
}

static void json_parses_back(void **state)
{
	char *p = emit("json", "r.json", 4);
	json_error_t err;
	json_t *doc = json_load_file(p, 0, &err), *r0, *r2;

	assert_non_null(doc);
	assert_string_equal(json_string_value(json_object_get(doc, "format")),
			    "boxcheck-results");
	assert_int_equal(
		json_integer_value(json_object_get(doc, "format_version")), 1);
	assert_int_equal(json_array_size(json_object_get(doc, "records")), 4);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(doc, "summary"), "fail")),
			 1);
	r0 = json_array_get(json_object_get(doc, "records"), 0);
	r2 = json_array_get(json_object_get(doc, "records"), 2);
	assert_string_equal(json_string_value(json_object_get(r0, "verdict")),
			    "pass");
	assert_string_equal(json_string_value(json_object_get(r2, "reason")),
			    "expected <1>, observed & 2");
	assert_string_equal(
		json_string_value(json_object_get(
			json_object_get(json_object_get(r0, "isolated"),
					"evidence"),
			"getpid")),
		"1\n\"x\"");
	json_decref(doc);
	free(p);
}

static void text_summary_line(void **state)
{
	FILE *f = tmpfile();
	char *out;

	assert_int_equal(report_text(f, NULL, recs, 4, false), 0);
	out = test_slurp(f);
	assert_non_null(
		strstr(out, "1 passed, 1 failed, 1 skipped, 1 errors\n"));
	assert_non_null(strstr(out, "pass  pidns/a"));
	assert_null(strstr(out, "\033[")); /* no colour when asked for none */
	free(out);
	fclose(f);
}

static void atomic_write_leaves_no_temp(void **state)
{
	char *p = emit("json", "atomic.json", 1), tmp[4096];

	assert_int_equal(sh("test $(ls %s | grep -c '\\.tmp\\.') = 0", dir), 0);
	/* A directory in the way: an error, and the temp file is gone. */
	assert_int_not_equal(
		write_file_atomic(dir, writer_by_name("json"), NULL, recs, 1),
		0);
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", dir, getpid());
	assert_int_equal(access(tmp, F_OK), -1);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tap_parsed_by_prove),
		cmocka_unit_test(junit_valid_for_xmllint),
		cmocka_unit_test(json_parses_back),
		cmocka_unit_test(text_summary_line),
		cmocka_unit_test(atomic_write_leaves_no_temp),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
