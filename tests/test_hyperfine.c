// SPDX-License-Identifier: MIT
/* Importing hyperfine --export-json files into the bench result model. */
#include "testlib.h"

#include "../bench/hyperfine.h"
#include "../primitives/base.h"

#include <math.h>

#define FIXTURE "tests/fixtures/hyperfine.json"

static void imports_fixture(void **state)
{
	struct bench_result r = { 0 };
	const char *names[] = { "true" };
	char err[256] = "";

	assert_int_equal(hyperfine_import(FIXTURE, &r, BG_EXTERNAL, names, 1,
					  err, sizeof(err)),
			 2);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.v[0].name, "true");
	assert_string_equal(r.v[0].command, "/bin/true");
	assert_int_equal(r.v[0].group, BG_EXTERNAL);
	assert_int_equal(r.v[0].start.n, 3);
	assert_true(r.v[0].start.v[2] == 0.003);
	/* unnamed: after the command, cut to the name field */
	assert_string_equal(r.v[1].name,
			    "runc --root /tmp/x run --bundle /tmp/b boxcheck");
	assert_int_equal(r.v[1].start.n, 4);
	bench_finish(&r);
	assert_true(fabs(r.v[1].start.st.p50 - 0.0735) < 1e-12);
	assert_int_equal(r.v[1].stop.n, 0); /* no teardown from hyperfine */
	bench_free(&r);
}

static void write_tmp(char *path, const char *text)
{
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void rejects_bad_files(void **state)
{
	static const char *const bad[] = {
		"not json",
		"{\"format\": \"boxcheck-results\", \"kind\": \"bench\"}",
		"{\"results\": [{\"command\": \"x\"}]}",
		"{\"results\": [{\"command\": \"x\", \"times\": [\"a\"]}]}",
	};

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char path[] = "/tmp/boxcheck-hf.XXXXXX", err[256] = "";
		struct bench_result r = { 0 };
		write_tmp(path, bad[i]);
		assert_int_equal(hyperfine_import(path, &r, BG_EXTERNAL, NULL,
						  0, err, sizeof(err)),
				 -EINVAL);
		assert_true(err[0] != '\0');
		unlink(path);
		bench_free(&r);
	}
}

static void missing_file(void **state)
{
	struct bench_result r = { 0 };
	char err[256] = "";

	assert_int_equal(hyperfine_import("/nonexistent/h.json", &r,
					  BG_EXTERNAL, NULL, 0, err,
					  sizeof(err)),
			 -EINVAL);
	assert_int_equal(r.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(imports_fixture),
		cmocka_unit_test(rejects_bad_files),
		cmocka_unit_test(missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
