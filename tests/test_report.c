// SPDX-License-Identifier: MIT
/*
 * The report: the reader against good and bad fixtures (each bad one named
 * with what is wrong), the escapers, gnuplot driving (failure and timeout),
 * rendering of both documents, and `boxcheck report` exit statuses.
 * Run from the top of the tree (make unit does).
 */
#include "testlib.h"
#include "../reports/report.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#define FIX "tests/fixtures/report/"

static const char *const good[] = {
	FIX "run-host.json",	  FIX "run-vm-aarch64.json",
	FIX "run-vm-x86_64.json", FIX "validate-runtimes.json",
	FIX "bench-a.json",	  FIX "bench-b.json",
};

static char *dir;

static int setup(void **state)
{
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

static void loads_good_fixtures(void **state)
{
	static const enum result_kind kinds[] = { RK_RUN, RK_RUN,   RK_RUN,
						  RK_RUN, RK_BENCH, RK_BENCH };
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		struct result_file f;
		assert_int_equal(result_load(good[i], &f, err, sizeof(err)), 0);
		assert_int_equal(f.kind, kinds[i]);
		assert_non_null(f.host);
		result_free(&f);
	}
}

static void names_file_and_problem(void **state)
{
	static const struct {
		const char *file, *says;
		int r;
	} bad[] = {
		{ FIX "bad/truncated.json", "invalid JSON at line 3", -EINVAL },
		{ FIX "bad/wrong-format.json", "not a boxcheck result file",
		  -EINVAL },
		{ FIX "bad/wrong-version.json", "format_version 2 is not",
		  -EINVAL },
		{ FIX "bad/unknown-kind.json", "unknown kind 'fuzz'", -EINVAL },
		{ FIX "bad/missing-member.json",
		  "missing member 'records[0].control.outcome'", -EINVAL },
		{ FIX "bad/bad-verdict.json", "'records[0].verdict' is 'maybe'",
		  -EINVAL },
		{ FIX "bad/bench-bad-stat.json",
		  "'variants[0].start.stats.p50' must be a number", -EINVAL },
		{ FIX "bad/bench-no-levels.json",
		  "missing member 'concurrency.levels'", -EINVAL },
		{ FIX "bad/bench-ab-arm.json",
		  "'meta.ab.arm' is 'other', not one of new, base", -EINVAL },
		{ FIX "bad/not-object.json", "not a JSON object", -EINVAL },
		{ FIX "bad/no-such-file.json", "cannot read", -ENOENT },
	};
	char err[512];

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct result_file f;
		int r = result_load(bad[i].file, &f, err, sizeof(err));
		print_message("%s\n", err);
		assert_int_equal(r, bad[i].r);
		assert_ptr_equal(strstr(err, bad[i].file), err);
		assert_non_null(strstr(err, bad[i].says));
		assert_null(strchr(err, '\n'));
	}
}

static void unknown_members_are_fine(void **state)
{
	char path[512], err[512];
	struct result_file f;
	FILE *o;

	snprintf(path, sizeof(path), "%s/extra.json", dir);
	o = fopen(path, "w");
	assert_non_null(o);
	fputs("{\"format\":\"boxcheck-results\",\"format_version\":1,"
	      "\"kind\":\"bench\",\"future\":[1],\"meta\":{\"host\":null},"
	      "\"variants\":[{\"name\":\"v\",\"group\":\"new\",\"status\":"
	      "\"ok\",\"new\":{},\"start\":{\"stats\":{\"n\":1,\"p50\":2,"
	      "\"p42\":3}}}],\"concurrency\":null}",
	      o);
	fclose(o);
	assert_int_equal(result_load(path, &f, err, sizeof(err)), 0);
	assert_null(f.host);
	result_free(&f);
}

static char *escaped(void (*esc)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	esc(f, s);
	fclose(f);
	return buf;
}

static void escapes(void **state)
{
	static const struct {
		void (*esc)(FILE *, const char *);
		const char *in, *out;
	} cases[] = {
		{ html_escape, "<a href=\"x\">&'",
		  "&lt;a href=&quot;x&quot;"
		  "&gt;&amp;&#39;" },
		{ markdown_escape, "# a|b *c* [d](e) <f> &",
		  "\\# a\\|b \\*c\\* \\[d\\](e) \\<f\\> &amp;" },
		{ markdown_escape, "line\nbreak", "line break" },
		{ plot_quote, "it's\n'x'", "'it''s ''x'''" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = escaped(cases[i].esc, cases[i].in);
		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void gnuplot_draws_svg(void **state)
{
	char *svg = NULL, why[256] = "";
	const char *script = "set terminal svg size 200,100\n"
			     "plot '-' using 1:2 with lines title 'a''b'\n"
			     "1 2\n2 3\ne\n";

	assert_int_equal(plot_svg(script, 20000, &svg, why, sizeof(why)), 0);
	assert_non_null(strstr(svg, "<svg"));
	free(svg);
}

static void gnuplot_failure_and_timeout(void **state)
{
	char fake[512], *svg = NULL, why[256] = "";
	struct timespec t0, t1;
	FILE *f;

	/* A broken script: gnuplot's own message, not a crash. */
	assert_true(plot_svg("plot nosuchfunction(x)\n", 20000, &svg, why,
			     sizeof(why)) < 0);
	assert_null(svg);
	assert_non_null(strstr(why, "gnuplot failed"));
	/* A gnuplot that hangs is killed at the deadline. */
	snprintf(fake, sizeof(fake), "%s/hang.sh", dir);
	f = fopen(fake, "w");
	assert_non_null(f);
	fputs("#!/bin/sh\nexec sleep 30\n", f);
	fclose(f);
	chmod(fake, 0755);
	setenv("BOXCHECK_GNUPLOT", fake, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(plot_svg("plot x\n", 300, &svg, why, sizeof(why)),
			 -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 5);
	assert_non_null(strstr(why, "timed out"));
	/* One that does not exist. */
	setenv("BOXCHECK_GNUPLOT", "/nonexistent/gnuplot", 1);
	assert_true(plot_svg("plot x\n", 300, &svg, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "cannot start gnuplot"));
	unsetenv("BOXCHECK_GNUPLOT");
}

static char *slurp_path(const char *path)
{
	FILE *f = fopen(path, "r");
	char *s;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	s = test_slurp(f);
	fclose(f);
	return s;
}

static void renders_both_documents(void **state)
{
	static const char *const ids[] = {
		"summary",  "matrix",	     "failures",
		"ladder",   "distributions", "concurrency",
		"counters", "comparison",    "hosts",
	};
	struct plot_cache cache = { 0 };
	struct report_opts o = { .cache = &cache };
	struct report_summary sum;
	struct result_set set;
	char err[512], html[512], md[512], svg[600], id[64];

	assert_int_equal(results_load((char **)good, ARRAY_SIZE(good), &set,
				      err, sizeof(err)),
			 0);
	snprintf(html, sizeof(html), "%s/r.html", dir);
	snprintf(md, sizeof(md), "%s/r.md", dir);
	assert_int_equal(report_write(html, &html_ops, &set, &o, &sum), 0);
	assert_int_equal(sum.plots_failed, 0);
	assert_true(sum.plots >= 8);
	/* host, host (control), vm aarch64, vm x86_64, ref, runc, crun, bwrap */
	assert_int_equal(sum.scenarios, 11);
	assert_int_equal(sum.columns, 8);
	assert_int_equal(report_write(md, &markdown_ops, &set, &o, &sum), 0);
	results_free(&set);
	plot_cache_free(&cache);

	char *h = slurp_path(html), *m = slurp_path(md);
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		snprintf(id, sizeof(id), "<section id=\"%s\">", ids[i]);
		assert_non_null(strstr(h, id));
		snprintf(id, sizeof(id), "<a id=\"%s\">", ids[i]);
		assert_non_null(strstr(m, id));
	}
	/* Escaped where it came from the results; no script; SVG inline. */
	assert_non_null(strstr(h, "&lt;masked&gt; /proc paths &amp; "
				  "&quot;keys&quot;"));
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<?xml"));
	assert_non_null(strstr(h, "<svg"));
	assert_non_null(
		strstr(m, "![Start latency by variant](r-ladder-4.svg)"));
	snprintf(svg, sizeof(svg), "%s/r-ladder-4.svg", dir);
	assert_int_equal(access(svg, R_OK), 0);
	free(h), free(m);
}

static int run_cli(const char *args, char *err, size_t len)
{
	char cmd[2048];
	const char *bin = getenv("BOXCHECK");
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s report %s 2>&1 >/dev/null",
		 bin ? bin : "build/boxcheck", args);
	p = popen(cmd, "r");
	assert_non_null(p);
	err[fread(err, 1, len - 1, p)] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void cli_exit_status(void **state)
{
	char args[1024], err[1024];

	snprintf(args, sizeof(args), "%s %s --html %s/x.html", good[0],
		 FIX "bad/unknown-kind.json", dir);
	assert_int_equal(run_cli(args, err, sizeof(err)), 2);
	assert_non_null(strstr(err, "bad/unknown-kind.json: unknown kind"));
	assert_int_equal(run_cli(good[0], err, sizeof(err)), 2);
	assert_non_null(strstr(err, "nothing to write"));
	assert_int_equal(run_cli("--html /tmp/x.html", err, sizeof(err)), 2);
	snprintf(args, sizeof(args), "%s --html /nonexistent/dir/x.html",
		 good[0]);
	assert_int_equal(run_cli(args, err, sizeof(err)), 2);
	snprintf(args, sizeof(args), "%s --markdown %s/ok.md", good[0], dir);
	assert_int_equal(run_cli(args, err, sizeof(err)), 0);
	/* Two bench files: the comparison runs compare's test. */
	snprintf(args, sizeof(args), "%s %s --markdown %s/cmp.md", good[4],
		 good[5], dir);
	assert_int_equal(run_cli(args, err, sizeof(err)), 0);
	snprintf(args, sizeof(args), "%s/cmp.md", dir);
	char *md = slurp_path(args);
	assert_non_null(strstr(md, "two-sided Mann-Whitney U"));
	assert_non_null(strstr(md, "(p="));
	free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_good_fixtures),
		cmocka_unit_test(names_file_and_problem),
		cmocka_unit_test(unknown_members_are_fine),
		cmocka_unit_test(escapes),
		cmocka_unit_test(gnuplot_draws_svg),
		cmocka_unit_test(gnuplot_failure_and_timeout),
		cmocka_unit_test(renders_both_documents),
		cmocka_unit_test(cli_exit_status),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
