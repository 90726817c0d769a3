// SPDX-License-Identifier: MIT
/*
 * The report: the reader against good and bad fixtures (each bad one named
 * with what is wrong), the escapers, gnuplot driving (failure and timeout),
 * the front page's pure pieces (areas, headline counts, failures first,
 * the chart's tiers), rendering of both documents in their order, and
 * `boxcheck report` exit statuses.
 * Run from the top of the tree (make unit does).
 */
#include "testlib.h"
#include "../reports/area.h"
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

static void groups_ids_into_areas(void **state)
{
	static const struct {
		const char *id, *area;
	} cases[] = {
		{ "pidns/init-is-pid1", "namespaces" },
		{ "ns/inodes-differ", "namespaces" },
		{ "cgroupns/proc-self-cgroup-root", "namespaces" },
		{ "userns/nesting", "namespaces" },
		{ "cgroup/pids-max-fork-fails", "cgroups" },
		{ "overlay/copy-up", "root filesystem" },
		{ "pivot_root/old-root-gone", "root filesystem" },
		{ "chroot/path-confined", "root filesystem" },
		{ "validate/ns-pid", "runtime properties" },
		{ "newarea/thing", "newarea" },
		{ "noslash", "noslash" },
		/* a prefix, not a prefix of a prefix */
		{ "cgroupx/y", "cgroupx" },
	};
	/* In the order a reader meets them; unknown areas last, by name. */
	static const char *const order[] = {
		"pidns/a",    "cgroup/a", "mounts/a", "validate/a",
		"selftest/a", "aaa/a",	  "zzz/a",
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct area_key a = area_of(cases[i].id);
		char name[64];
		snprintf(name, sizeof(name), "%.*s", (int)a.len, a.name);
		assert_string_equal(name, cases[i].area);
	}
	for (size_t i = 0; i + 1 < ARRAY_SIZE(order); i++) {
		struct area_key a = area_of(order[i]),
				b = area_of(order[i + 1]);
		assert_true(area_cmp(&a, &b) < 0);
		assert_true(area_cmp(&b, &a) > 0);
		assert_false(area_same(&a, &b));
	}
	struct area_key a = area_of("ns/x"), b = area_of("timens/y");
	assert_true(area_same(&a, &b));
}

static struct vtally tally_of(const char *const *verdicts)
{
	struct vtally t = { { 0 } };

	for (; *verdicts; verdicts++)
		vtally_add(&t, *verdicts);
	return t;
}

static void headline_counts(void **state)
{
	static const char *const one[] = { "pass", NULL };
	static const char *const skip[] = { "pass", "skip", "pass", NULL };
	static const char *const bad[] = { "pass",  "fail", "error",
					   "maybe", "skip", NULL };
	static const char *const ctl[] = { "fail", "fail", NULL };
	static const char *const leaky[] = { "fail", "pass", NULL };
	static const struct {
		void (*text)(char *, size_t, const struct vtally *);
		const char *const *verdicts, *says;
	} cases[] = {
		{ holds_text, one, "1 of 1 property holds" },
		{ holds_text, skip, "2 of 3 properties hold (1 skipped)" },
		/* an unknown verdict is an error */
		{ holds_text, bad,
		  "1 of 5 properties hold (1 failed, 2 errored, 1 skipped)" },
		{ passed_text, skip,
		  "2 passed, 0 failed, 1 skipped, 0 errored of 3 properties" },
		{ passed_text, bad,
		  "1 passed, 1 failed, 1 skipped, 2 errored of 5 properties" },
		{ ratio_text, one, "1/1" },
		{ ratio_text, skip, "2/3 (1 skipped)" },
		{ control_text, ctl,
		  "2 of 2 properties absent without isolation, as they must "
		  "be" },
		{ control_text, leaky,
		  "1 of 2 properties absent without isolation (1 hold anyway, "
		  "0 skipped, 0 errored)" },
	};
	char buf[256];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vtally t = tally_of(cases[i].verdicts);
		cases[i].text(buf, sizeof(buf), &t);
		assert_string_equal(buf, cases[i].says);
	}
	struct vtally t = tally_of(bad);
	assert_int_equal(vtally_total(&t), 5);
	assert_int_equal(verdict_index("maybe"), VI_ERROR);
}

static void failures_first(void **state)
{
	static const char *const pass[] = { "pass", "pass", NULL };
	static const char *const skip[] = { "pass", "skip", NULL };
	static const char *const fail[] = { "skip", "fail", NULL };
	static const char *const err[] = { "error", NULL };
	static const char *const none[] = { NULL };
	struct {
		const char *id;
		const char *const *verdicts;
	} in[] = {
		{ "validate/ns-pid", fail }, { "pidns/b", pass },
		{ "cgroup/a", err },	     { "pidns/a", pass },
		{ "mntns/z", skip },	     { "ns/y", fail },
		{ "pidns/c", none },	     { "cgroup/b", pass },
	};
	static const char *const want[] = {
		"ns/y",	   "mntns/z",  "pidns/a",  "pidns/b",
		"pidns/c", "cgroup/a", "cgroup/b", "validate/ns-pid",
	};
	struct row_key rows[ARRAY_SIZE(in)];

	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		struct vtally t = tally_of(in[i].verdicts);
		rows[i] = (struct row_key){ in[i].id, area_of(in[i].id),
					    row_rank(&t) };
	}
	qsort(rows, ARRAY_SIZE(rows), sizeof(rows[0]), row_cmp);
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(rows[i].id, want[i]);
}

static void chart_tiers(void **state)
{
	static const struct {
		const char *group, *name;
		int tier;
	} cases[] = {
		{ "ladder", "fork", TIER_BARE },
		{ "ladder", "exec", TIER_BARE },
		{ "ladder", "ns-pid", TIER_PRIMITIVE },
		{ "ladder", "pivot-root", TIER_PRIMITIVE },
		{ "ladder", "container", TIER_CONTAINER },
		{ "external", "exec", TIER_RUNTIME },
		{ "external", "runc", TIER_RUNTIME },
		{ "vm", "vm-x86_64", TIER_VM },
		{ "calibration", "empty", -1 },
		{ "ladder", "net-cleanup", -1 },
		{ "other", "x", -1 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(chart_tier(cases[i].group, cases[i].name),
				 cases[i].tier);
}

/* s has each of want, in this order. */
static void assert_in_order(const char *s, const char *const *want, size_t n)
{
	const char *at = s;

	for (size_t i = 0; i < n; i++) {
		const char *p = strstr(at, want[i]);
		if (!p)
			print_error("'%s' missing or out of order\n", want[i]);
		assert_non_null(p);
		at = p + strlen(want[i]);
	}
}

static void headline_of_fixtures(void **state)
{
	struct result_set set;
	struct lines head, areas;
	char err[512];

	assert_int_equal(results_load((char **)good, ARRAY_SIZE(good), &set,
				      err, sizeof(err)),
			 0);
	assert_int_equal(report_headline(&set, &head), 0);
	assert_int_equal(report_area_lines(&set, &areas), 0);
	results_free(&set);
	assert_string_equal(head.v[0], "Linux 6.18.44-fc-v769 x86_64, cgroup "
				       "hybrid: 4 of 6 properties hold (1 "
				       "failed, 1 skipped)");
	/* other machines, then runtimes, then the control */
	static const char *const lines[] = {
		"vm aarch64 (Linux 6.1.0-28-arm64 aarch64, cgroup unified): 6 "
		"of 6 properties hold",
		"vm x86_64 (Linux 6.1.0-28-amd64 x86_64, cgroup unified): 6 "
		"of 6 properties hold",
		"ref: 5 passed, 0 failed, 0 skipped, 0 errored of 5 properties",
		"runc: 4 passed, 1 failed, 0 skipped, 0 errored of 5 "
		"properties; not passed: timens",
		/* nothing passed: the first error says why */
		"crun: 0 passed, 0 failed, 0 skipped, 5 errored of 5 "
		"properties; crun did not start: cgroups in hybrid",
		"bwrap: 3 passed, 1 failed, 1 skipped, 0 errored of 5 "
		"properties; not passed: rootfs-ro",
		"host (control): 5 of 5 properties absent without isolation, "
		"as they must be",
	};
	assert_int_equal(head.n, 1 + ARRAY_SIZE(lines));
	for (size_t i = 0; i < ARRAY_SIZE(lines); i++)
		assert_ptr_equal(strstr(head.v[i + 1], lines[i]),
				 head.v[i + 1]);
	static const char *const want[] = {
		"namespaces: host 2/4 (1 failed, 1 skipped), vm aarch64 4/4, "
		"vm x86_64 4/4",
		"cgroups: host 1/1, vm aarch64 1/1, vm x86_64 1/1",
		"root filesystem: host 1/1, vm aarch64 1/1, vm x86_64 1/1",
		"runtime properties: ref 5/5, runc 4/5 (1 failed), crun 0/5 "
		"(5 errored), bwrap 3/5 (1 failed, 1 skipped)",
	};
	assert_int_equal(areas.n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_string_equal(areas.v[i], want[i]);
	lines_free(&head);
	lines_free(&areas);
}

/* Two hosts: their columns are told apart by what differs (the kernel). */
static void two_hosts_qualified(void **state)
{
	static const char *const files[] = {
		FIX "run-host.json",
		FIX "make-run/run.json",
		FIX "make-run/validate.json",
	};
	struct result_set set;
	struct lines head;
	char err[512];

	assert_int_equal(results_load((char **)files, ARRAY_SIZE(files), &set,
				      err, sizeof(err)),
			 0);
	assert_int_equal(report_headline(&set, &head), 0);
	results_free(&set);
	assert_string_equal(head.v[0], "Linux 6.18.44-fc-v769 x86_64, cgroup "
				       "hybrid: 4 of 6 properties hold (1 "
				       "failed, 1 skipped)");
	assert_string_equal(head.v[1],
			    "host 6.18.44-fc-v782 (Linux 6.18.44-fc-v782 "
			    "x86_64, cgroup hybrid): 105 of 106 properties "
			    "hold (1 skipped)");
	lines_free(&head);
}

static void renders_both_documents(void **state)
{
	static const char *const ids[] = {
		"headline", "chart",	  "areas",	   "matrix",
		"failures", "ladder",	  "distributions", "concurrency",
		"counters", "comparison", "hosts",
	};
	struct plot_cache cache = { 0 };
	struct report_opts o = { .cache = &cache };
	struct report_summary sum;
	struct result_set set;
	char err[512], html[512], md[512], svg[600];

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
	char hid[ARRAY_SIZE(ids)][64], mid[ARRAY_SIZE(ids)][64];
	const char *hp[ARRAY_SIZE(ids)], *mp[ARRAY_SIZE(ids)];
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++) {
		snprintf(hid[i], sizeof(hid[i]), "<section id=\"%s\">", ids[i]);
		snprintf(mid[i], sizeof(mid[i]), "<a id=\"%s\">", ids[i]);
		hp[i] = hid[i], mp[i] = mid[i];
	}
	/* Every section, in this order, in both documents. */
	assert_in_order(h, hp, ARRAY_SIZE(ids));
	assert_in_order(m, mp, ARRAY_SIZE(ids));
	/* The headline, the chart and the areas side by side in one box. */
	static const char *const lead[] = {
		"<div class=\"lead\">",
		"<section id=\"headline\">",
		"<p class=\"lead\">Linux 6.18.44-fc-v769 x86_64",
		"<section id=\"chart\">",
		"<figure id=\"fig-chart\">",
		"<section id=\"areas\">",
		"</div>",
		"<section id=\"matrix\">"
	};
	assert_in_order(h, lead, ARRAY_SIZE(lead));
	/* The matrix by area, failures and skips first, with properties;
	 * three machines: a summary row per machine, and only the rows where
	 * they differ (ns/inodes-differ and pidns/init-is-pid1 pass on all) */
	static const char *const matrix[] = {
		"<section id=\"matrix\">",
		"<table id=\"matrix-summary\">",
		"every scenario",
		"<h3>namespaces: host 2/4 (1 failed, 1 skipped)",
		"<p>2 of 4 scenarios give the same verdict on every machine",
		"mntns/proc-masked<small>/proc/kcore and /proc/keys are masked",
		"timens/offsets",
		"<h3>cgroups:",
		"<h3>root filesystem:",
		"<h3>runtime properties:",
		/* crun errs on each: every row ranks first, by id */
		"validate/masked-paths",
		"validate/pidns",
		"validate/pids-limit",
		"validate/rootfs-ro",
		"validate/timens",
		"<section id=\"failures\">",
	};
	assert_in_order(h, matrix, ARRAY_SIZE(matrix));
	assert_null(strstr(h, "ns/inodes-differ<small>"));
	/* The chart: its tiers in order, the runtime that failed absent. */
	static const char *const chart[] = {
		"fork",
		"exec",
		"ns-pid",
		"pivot-root",
		"true (/bin/true)",
		"bwrap",
		"runc",
		"Not on the chart: crun failed: exit 1",
	};
	const char *fig = strstr(h, "<figure id=\"fig-chart\">");
	assert_in_order(fig, chart, ARRAY_SIZE(chart));
	char *svg_only = strndup(fig, strstr(fig, "</figure>") - fig);
	assert_non_null(strstr(svg_only, ">runc<"));
	assert_null(strstr(svg_only, ">crun<"));
	free(svg_only);
	static const char *const mchart[] = {
		"<a id=\"chart\">",  "(r-chart.svg)",
		"<a id=\"areas\">",  "- namespaces: host 2/4",
		"<a id=\"matrix\">", "### namespaces: host 2/4",
	};
	assert_in_order(m, mchart, ARRAY_SIZE(mchart));
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
		cmocka_unit_test(groups_ids_into_areas),
		cmocka_unit_test(headline_counts),
		cmocka_unit_test(failures_first),
		cmocka_unit_test(chart_tiers),
		cmocka_unit_test(headline_of_fixtures),
		cmocka_unit_test(two_hosts_qualified),
		cmocka_unit_test(renders_both_documents),
		cmocka_unit_test(cli_exit_status),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
