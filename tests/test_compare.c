// SPDX-License-Identifier: MIT
/* compare: round trip through JSON, regression and no-change verdicts. */
#include "testlib.h"

#include "../bench/compare.h"
#include "../bench/ladder.h"

#include <jansson.h>

static void fill(struct bench_result *r, const char *name, double base,
		 double step, size_t n)
{
	struct bench_variant *v = bench_add(r, name, BG_LADDER);

	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		series_push(&v->start, base + step * (i % 10));
		series_push(&v->stop, base / 2 + step * (i % 7));
	}
}

/* Write r as JSON and read it back. */
static void round_trip(struct bench_result *r, struct bench_result *out)
{
	char path[] = "/tmp/boxcheck-cmp.XXXXXX", err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	bench_finish(r);
	assert_int_equal(bench_write_json(f, r), 0);
	fclose(f);
	assert_int_equal(bench_read_json(path, out, err, sizeof(err)), 0);
	unlink(path);
}

/* bench_compare of a against b, its table thrown away. */
static int cmp(const struct bench_result *a, const struct bench_result *b,
	       double threshold, struct compare_tally *t)
{
	struct compare_opts o = { threshold, 0.01 };
	char err[256] = "";
	FILE *out = tmpfile();
	int r;

	assert_non_null(out);
	r = bench_compare(out, a, b, &o, t, err, sizeof(err));
	assert_true(r == 0 || err[0] != '\0'); /* a failure says why */
	return r;
}

static void identical_passes(void **state)
{
	struct bench_result a = { 0 }, b, c = { 0 }, d;
	struct compare_tally t;

	fill(&a, "exec", 100e-6, 1e-6, 50);
	fill(&c, "exec", 100e-6, 1e-6, 50);
	a.meta = json_pack("{s:{s:i}}", "options", "pin", 1);
	round_trip(&a, &b);
	round_trip(&c, &d);
	/* meta comes back: compare reads where each ladder ran */
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(b.meta, "options"), "pin")),
			 1);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.v[0].start.n, 50);
	assert_int_equal(cmp(&b, &d, 0.05, &t), 0);
	assert_int_equal(t.compared, 2); /* start and teardown */
	assert_int_equal(t.regressed, 0);
	assert_int_equal(t.same, 2);
	bench_free(&a), bench_free(&b), bench_free(&c), bench_free(&d);
}

static void slower_regresses(void **state)
{
	struct bench_result a = { 0 }, b = { 0 };
	struct compare_tally t;

	fill(&a, "exec", 100e-6, 1e-6, 50);
	fill(&b, "exec", 150e-6, 1e-6, 50); /* +50%, far apart */
	bench_finish(&a), bench_finish(&b);
	assert_int_equal(cmp(&a, &b, 0.05, &t), 0);
	assert_int_equal(t.regressed, 2);
	/* and the other way round it is an improvement */
	assert_int_equal(cmp(&b, &a, 0.05, &t), 0);
	assert_int_equal(t.improved, 2);
	assert_int_equal(t.regressed, 0);
	/* a significant but tiny shift stays under the effect threshold */
	assert_int_equal(cmp(&a, &b, 0.60, &t), 0);
	assert_int_equal(t.regressed, 0);
	bench_free(&a), bench_free(&b);
}

/* +60% at 0.05 us, significant, is under the 1 us floor: unchanged. */
static void sub_microsecond_shift_is_same(void **state)
{
	struct bench_result a = { 0 }, b = { 0 };
	struct compare_tally t;

	(void)state;
	fill(&a, "empty", 50e-9, 1e-9, 100);
	fill(&b, "empty", 80e-9, 1e-9, 100);
	bench_finish(&a), bench_finish(&b);
	assert_int_equal(cmp(&a, &b, 0.05, &t), 0);
	assert_int_equal(t.compared, 2);
	assert_int_equal(t.regressed, 0);
	assert_int_equal(t.same, 2);
	bench_free(&a), bench_free(&b);
}

/* The host-speed variant moving is reported, never a verdict. */
static void host_speed_is_no_verdict(void **state)
{
	struct bench_result a = { 0 }, b = { 0 };
	struct compare_tally t;

	(void)state;
	fill(&a, "spin", 100e-6, 1e-6, 50);
	fill(&a, "faults", 400e-6, 1e-6, 50);
	fill(&a, "exec", 100e-6, 1e-6, 50);
	fill(&b, "spin", 125e-6, 1e-6, 50);   /* host 25% slower */
	fill(&b, "faults", 440e-6, 1e-6, 50); /* and faults 10% */
	fill(&b, "exec", 100e-6, 1e-6, 50);
	bench_finish(&a), bench_finish(&b);
	assert_int_equal(cmp(&a, &b, 0.05, &t), 0);
	assert_int_equal(t.compared, 2); /* exec's start and teardown only */
	assert_int_equal(t.regressed, 0);
	assert_int_equal(t.host_compared, 4); /* 2 probes x 2 series */
	assert_true(t.host_moved);
	assert_string_equal(t.host_name, "spin"); /* the larger move */
	assert_true(t.host_effect > 0.20 && t.host_effect < 0.30);
	/* the same host: compared, not moved */
	assert_int_equal(cmp(&a, &a, 0.05, &t), 0);
	assert_int_equal(t.host_compared, 4);
	assert_false(t.host_moved);
	bench_free(&a), bench_free(&b);
}

static void disjoint_is_an_error(void **state)
{
	struct bench_result a = { 0 }, b = { 0 };
	struct compare_tally t;

	fill(&a, "exec", 100e-6, 1e-6, 20);
	fill(&b, "fork", 100e-6, 1e-6, 20);
	assert_int_equal(cmp(&a, &b, 0.05, &t), -EINVAL);
	bench_free(&a), bench_free(&b);
}

static void wrong_kind_rejected(void **state)
{
	static const char *const docs[] = {
		"{\"format\":\"boxcheck-results\",\"format_version\":1,"
		"\"kind\":\"run\",\"records\":[]}",
		"{\"format\":\"other\",\"kind\":\"bench\"}",
		"[1, 2",
		"{\"format\":\"boxcheck-results\",\"format_version\":1,"
		"\"kind\":\"bench\",\"variants\":[{\"name\":\"x\"}]}",
	};

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		char path[] = "/tmp/boxcheck-cmp.XXXXXX", err[256] = "";
		struct bench_result r;
		int fd = mkstemp(path);
		assert_true(write(fd, docs[i], strlen(docs[i])) > 0);
		close(fd);
		assert_int_equal(bench_read_json(path, &r, err, sizeof(err)),
				 -EINVAL);
		assert_true(err[0] != '\0');
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identical_passes),
		cmocka_unit_test(slower_regresses),
		cmocka_unit_test(sub_microsecond_shift_is_same),
		cmocka_unit_test(host_speed_is_no_verdict),
		cmocka_unit_test(disjoint_is_an_error),
		cmocka_unit_test(wrong_kind_rejected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
