// SPDX-License-Identifier: MIT
/* compare: round trip through JSON, regression and no-change verdicts. */
#include "testlib.h"

#include "../bench/compare.h"
#include "../bench/ladder.h"
#include "../reports/report.h"

#include <jansson.h>
#include <math.h>

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
	struct compare_opts o = { threshold, 0.01, true, true };
	char err[256] = "";
	FILE *out = tmpfile();
	int r;

	assert_non_null(out);
	r = bench_compare(out, a, b, &o, t, err, sizeof(err));
	assert_true(r == 0 || err[0] != '\0'); /* a failure says why */
	return r;
}

/* The same, and the table it printed (caller frees). */
static int cmp_text(const struct bench_result *a, const struct bench_result *b,
		    struct compare_tally *t, char **text)
{
	struct compare_opts o = { 0.05, 0.01, true, true };
	char err[256] = "";
	FILE *out = tmpfile();
	int r;

	assert_non_null(out);
	r = bench_compare(out, a, b, &o, t, err, sizeof(err));
	*text = test_slurp(out);
	fclose(out);
	assert_non_null(*text);
	return r;
}

/* A line of text that starts with word and names variant (and what). */
static bool has_line(const char *text, const char *word, const char *variant,
		     const char *what)
{
	char *copy = strdup(text), *save = NULL;
	bool found = false;

	for (char *l = strtok_r(copy, "\n", &save); l && !found;
	     l = strtok_r(NULL, "\n", &save)) {
		char w[32] = "", v[64] = "", x[64] = "";
		sscanf(l, "%31s %63s %63s", w, v, x);
		found = !strcmp(w, word) && !strcmp(v, variant) &&
			(!what || !strcmp(x, what));
	}
	free(copy);
	return found;
}

static struct bench_variant *with_status(struct bench_result *r,
					 const char *name, enum bench_status st,
					 const char *reason)
{
	struct bench_variant *v = bench_add(r, name, BG_LADDER);

	assert_non_null(v);
	v->status = st;
	snprintf(v->reason, sizeof(v->reason), "%s", reason);
	return v;
}

/* A result whose variant has these syscall counts, through JSON. */
static void counted(struct bench_result *out, const char *aslr,
		    const char *name, const double *n, size_t len)
{
	struct bench_result r = { 0 };
	struct bench_variant *v;
	struct sample_counters k = { .have = true };

	fill(&r, name, 100e-6, 1e-6, len);
	v = &r.v[0];
	for (size_t i = 0; i < len; i++) {
		k.delta[CNT_SYSCALLS] = n[i];
		bench_add_counters(v, &k);
	}
	r.meta = json_pack("{s:{s:s}}", "options", "aslr", aslr);
	round_trip(&r, out);
	bench_free(&r);
}

/*
 * Counts are judged by their floor: one more in every sample regressed,
 * one more in some samples (the host's doing) did not; with ASLR on in a
 * run, or for net-cleanup, nothing is judged.
 */
static void counts_judged_by_floor(void **state)
{
	static const double base[] = { 10, 10, 10, 10, 10, 10 },
			    more[] = { 11, 11, 11, 11, 11, 11 },
			    some[] = { 10, 11, 10, 10, 12, 10 };
	struct bench_result a, b, c, d, e, f;
	struct compare_tally t;

	counted(&a, "off", "exec", base, 6);
	counted(&b, "off", "exec", more, 6);
	counted(&c, "off", "exec", some, 6);
	counted(&d, "on", "exec", more, 6);
	counted(&e, "off", "net-cleanup", base, 6);
	counted(&f, "off", "net-cleanup", more, 6);
	assert_int_equal(a.v[0].count[CNT_SYSCALLS].n, 6);
	assert_int_equal(cmp(&a, &b, 0.05, &t), 0);
	assert_int_equal(t.counts_regressed, 1);
	assert_true(compare_gate_failed(&t));
	assert_int_equal(cmp(&a, &c, 0.05, &t), 0);
	assert_int_equal(t.counts_regressed, 0);
	assert_int_equal(t.counts_floor, 1);
	assert_int_equal(cmp(&a, &d, 0.05, &t), 0);
	assert_int_equal(t.counts_regressed + t.counts_compared, 0);
	assert_int_equal(t.counts_unsteady, 3); /* syscalls, minor, major */
	assert_int_equal(cmp(&e, &f, 0.05, &t), 0);
	assert_int_equal(t.counts_compared, 0);
	bench_free(&a), bench_free(&b), bench_free(&c);
	bench_free(&d), bench_free(&e), bench_free(&f);
	(void)state;
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

/*
 * Measured in BASE, skipped, failed or missing in NEW: each a gate failure
 * on a line of its own, never a silent drop. What BASE did not measure
 * either is no failure.
 */
static void lost_variants_fail_the_gate(void **state)
{
	struct bench_result a = { 0 }, b = { 0 };
	struct compare_tally t;
	char *text;

	(void)state;
	fill(&a, "exec", 100e-6, 1e-6, 50);
	fill(&a, "fork", 100e-6, 1e-6, 50);
	fill(&a, "clone", 100e-6, 1e-6, 50);
	fill(&a, "ns-all", 100e-6, 1e-6, 50);
	with_status(&a, "vm", BS_SKIPPED, "no KVM");
	fill(&b, "exec", 100e-6, 1e-6, 50);
	with_status(&b, "fork", BS_SKIPPED, "no clone3");
	with_status(&b, "clone", BS_FAILED, "clone3: ENOSPC");
	bench_finish(&a), bench_finish(&b);
	assert_int_equal(cmp_text(&a, &b, &t, &text), 0);
	assert_int_equal(t.compared, 2); /* exec's two series */
	assert_int_equal(t.regressed, 0);
	assert_int_equal(t.lost, 3);
	assert_true(compare_gate_failed(&t));
	assert_true(has_line(text, "SKIPPED", "fork", NULL));
	assert_non_null(strstr(text, "no clone3"));
	assert_true(has_line(text, "FAILED", "clone", NULL));
	assert_non_null(strstr(text, "clone3: ENOSPC"));
	assert_true(has_line(text, "MISSING", "ns-all", NULL));
	assert_false(has_line(text, "MISSING", "vm", NULL));
	free(text);
	/* nothing lost, nothing regressed: the gate passes */
	assert_int_equal(cmp_text(&b, &b, &t, &text), 0);
	assert_int_equal(t.lost, 0);
	assert_false(compare_gate_failed(&t));
	free(text);
	bench_free(&a), bench_free(&b);
}

/* A series BASE measured and NEW did not (teardown here) is lost too. */
static void lost_series_fails_the_gate(void **state)
{
	struct bench_result a = { 0 }, b = { 0 };
	struct bench_variant *v;
	struct compare_tally t;
	char *text;

	(void)state;
	fill(&a, "cgroup", 100e-6, 1e-6, 50);
	v = bench_add(&b, "cgroup", BG_LADDER);
	for (int i = 0; i < 50; i++)
		series_push(&v->start, 100e-6 + 1e-6 * (i % 10));
	bench_finish(&a), bench_finish(&b);
	assert_int_equal(cmp_text(&a, &b, &t, &text), 0);
	assert_int_equal(t.compared, 1);
	assert_int_equal(t.lost, 1);
	assert_true(compare_gate_failed(&t));
	assert_true(has_line(text, "MISSING", "cgroup", "teardown"));
	free(text);
	bench_free(&a), bench_free(&b);
}

static void zeros(struct bench_result *r, const char *name, double v, int n)
{
	struct bench_variant *x = bench_add(r, name, BG_LADDER);

	assert_non_null(x);
	for (int i = 0; i < n; i++)
		series_push(&x->start, v + (v ? 1e-7 * (i % 5) : 0));
}

/* A base median of 0 is never divided by: no inf or nan anywhere. */
static void zero_median_not_divided(void **state)
{
	double z[20] = { 0 }, five[20];
	struct bench_result a = { 0 }, b = { 0 }, c = { 0 };
	struct compare_tally t;
	struct mwu m;
	char *text;

	(void)state;
	for (int i = 0; i < 20; i++)
		five[i] = 5e-6 + 1e-7 * i;
	assert_int_equal(stats_mann_whitney(z, 20, five, 20, &m), 0);
	assert_true(isnan(m.effect)); /* no relative change from 0 */
	zeros(&a, "empty", 0, 30);
	zeros(&a, "spin", 0, 30);
	zeros(&b, "empty", 0, 30);
	zeros(&b, "spin", 0, 30);
	zeros(&c, "empty", 5e-6, 30);
	zeros(&c, "spin", 5e-6, 30);
	bench_finish(&a), bench_finish(&b), bench_finish(&c);
	/* 0 -> 0: the same */
	assert_int_equal(cmp_text(&a, &b, &t, &text), 0);
	assert_int_equal(t.same, 1);
	assert_null(strstr(text, "nan"));
	assert_null(strstr(text, "inf"));
	free(text);
	/* 0 -> 5 us, significant and past the floor: a regression */
	assert_int_equal(cmp_text(&a, &c, &t, &text), 0);
	assert_int_equal(t.regressed, 1);
	assert_true(has_line(text, "REGRESSED", "empty", "start"));
	assert_null(strstr(text, "nan"));
	assert_null(strstr(text, "inf"));
	/* the host probe moved from 0: no infinite effect to report */
	assert_true(t.host_moved);
	assert_true(isfinite(t.host_effect));
	free(text);
	bench_free(&a), bench_free(&b), bench_free(&c);
}

static struct bench_result one_series(int n)
{
	struct bench_result r = { 0 };
	struct bench_variant *v = bench_add(&r, "fork", BG_LADDER);

	assert_non_null(v);
	for (int i = 0; i < n; i++)
		series_push(&v->start, (100 + i) * 1e-6);
	bench_finish(&r);
	return r;
}

static char *written(const struct bench_result *r,
		     int (*w)(FILE *, const struct bench_result *))
{
	FILE *f = tmpfile();
	char *s;

	assert_non_null(f);
	assert_int_equal(w(f, r), 0);
	s = test_slurp(f);
	fclose(f);
	assert_non_null(s);
	return s;
}

/* With fewer than 6 samples no interval reaches 95%: say there is none. */
static void no_ci_under_six_samples(void **state)
{
	struct bench_result five = one_series(5), six = one_series(6);
	json_t *doc, *ci;
	char *s;

	(void)state;
	assert_true(isnan(five.v[0].start.st.ci_lo));
	assert_true(isnan(five.v[0].start.st.ci_hi));
	assert_true(fabs(six.v[0].start.st.ci_lo - 100e-6) < 1e-12);
	/* text: no [min, max] posing as the interval */
	s = written(&five, bench_write_text);
	assert_null(strstr(s, "[100.0, 104.0]"));
	assert_non_null(strstr(s, "none (n < 6)"));
	free(s);
	s = written(&six, bench_write_text);
	assert_non_null(strstr(s, "[100.0, 105.0]"));
	free(s);
	s = written(&five, bench_write_markdown);
	assert_null(strstr(s, "[100.0, 104.0]"));
	assert_non_null(strstr(s, "none (n < 6)"));
	free(s);
	/* JSON: median_ci is null, and a reader sees no interval */
	s = written(&five, bench_write_json);
	doc = json_loads(s, 0, NULL);
	assert_non_null(doc);
	ci = json_object_get(
		json_object_get(
			json_object_get(
				json_array_get(json_object_get(doc, "variants"),
					       0),
				"start"),
			"stats"),
		"median_ci");
	assert_true(json_is_null(ci));
	assert_true(isnan(variant_stat(
		json_array_get(json_object_get(doc, "variants"), 0), "ci_lo")));
	json_decref(doc);
	free(s);
	/* an older file's level-0 interval [min, max] is no interval either */
	doc = json_pack("{s:{s:s, s:{s:i, s:f, s:{s:f, s:f, s:f}}}}", "start",
			"unit", "s", "stats", "n", 5, "p50", 1e-4, "median_ci",
			"lo", 1e-4, "hi", 1.04e-4, "level", 0.0);
	assert_true(isnan(variant_stat(doc, "ci_lo")));
	json_decref(doc);
	bench_free(&five), bench_free(&six);
}

/* r written as a bench JSON file at path, loaded as a report input. */
static void load_as_report(struct bench_result *r, const char *path,
			   struct result_file *out)
{
	FILE *f = fopen(path, "w");
	char err[256];

	assert_non_null(f);
	assert_int_equal(bench_write_json(f, r), 0);
	fclose(f);
	assert_int_equal(result_load(path, out, err, sizeof(err)), 0);
}

/* The report's comparison: lost variants shown, no division by 0. */
static void report_shows_lost_and_zero(void **state)
{
	struct bench_result a = { 0 }, b = { 0 };
	struct result_file files[2];
	struct result_set set = { files, 2 };
	char pa[] = "/tmp/boxcheck-cmp-a.XXXXXX", pb[] = "/tmp/boxcheck-cmp-b."
							 "XXXXXX";
	struct doc d = { .ops = &markdown_ops };
	char *md;

	(void)state;
	close(mkstemp(pa)), close(mkstemp(pb));
	fill(&a, "exec", 100e-6, 1e-6, 20);
	fill(&a, "fork", 100e-6, 1e-6, 20);
	zeros(&a, "empty", 0, 20);
	fill(&b, "exec", 100e-6, 1e-6, 20);
	with_status(&b, "fork", BS_SKIPPED, "no clone3");
	zeros(&b, "empty", 0, 20);
	bench_finish(&a), bench_finish(&b);
	load_as_report(&a, pa, &files[0]);
	load_as_report(&b, pb, &files[1]);
	d.f = tmpfile();
	assert_non_null(d.f);
	assert_int_equal(render_comparison(&d, &set, NULL), 0);
	md = test_slurp(d.f);
	assert_non_null(md);
	assert_non_null(strstr(md, "not measured"));
	assert_non_null(strstr(md, "skipped"));
	assert_non_null(strstr(md, "n/a"));
	assert_null(strstr(md, "nan"));
	assert_null(strstr(md, "inf"));
	free(md);
	fclose(d.f);
	result_free(&files[0]), result_free(&files[1]);
	unlink(pa), unlink(pb);
	bench_free(&a), bench_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identical_passes),
		cmocka_unit_test(counts_judged_by_floor),
		cmocka_unit_test(slower_regresses),
		cmocka_unit_test(sub_microsecond_shift_is_same),
		cmocka_unit_test(host_speed_is_no_verdict),
		cmocka_unit_test(disjoint_is_an_error),
		cmocka_unit_test(wrong_kind_rejected),
		cmocka_unit_test(lost_variants_fail_the_gate),
		cmocka_unit_test(lost_series_fails_the_gate),
		cmocka_unit_test(zero_median_not_divided),
		cmocka_unit_test(no_ci_under_six_samples),
		cmocka_unit_test(report_shows_lost_and_zero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
