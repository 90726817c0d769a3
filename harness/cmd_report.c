// SPDX-License-Identifier: MIT
/* boxcheck report: render result files as HTML and/or Markdown with plots. */
#include "cli.h"
#include "../bench/compare.h"
#include "../reports/report.h"

#include <getopt.h>
#include <string.h>

const char usage_report[] =
	"usage: boxcheck report RESULTS.json... [--html FILE] [--markdown "
	"FILE]\n"
	"                       [--all-rows]\n"
	"\n"
	"Reads any mix of result files (boxcheck run, validate, bench, the VM\n"
	"matrix; several hosts or kernels) and renders one report. It leads\n"
	"with a headline (kernel, arch, cgroup mode; how many properties "
	"hold;\n"
	"one line per runtime), one chart of start latency from a bare\n"
	"process through each primitive and the reference container to every\n"
	"runtime and a VM, and one line per area; then the conformance matrix\n"
	"grouped by area (failures first), the start-latency ladder,\n"
	"distributions, concurrency and memory, counters, a comparison of\n"
	"bench files with the same variants, and the host metadata of every\n"
	"input. Plots are drawn by gnuplot as SVG. The headline and the\n"
	"areas are printed on stdout too.\n"
	"\n"
	"From several machines (50 are fine), the columns come grouped by\n"
	"arch and kernel, a summary row per area gives each machine's "
	"count,\n"
	"and the matrix shows only the rows where the machines differ; with\n"
	"more than six machines the headline and the areas count them\n"
	"instead of naming each.\n"
	"\n"
	"  --html FILE      one self-contained HTML file (SVG inline, no "
	"script)\n"
	"  --markdown FILE  Markdown, with its SVGs written beside it as\n"
	"                   STEM-NAME.svg (the chart: STEM-chart.svg)\n"
	"  --all-rows       several machines: every row of the matrix, also\n"
	"                   those with one verdict everywhere\n"
	"\n"
	"Exit status: 0 written, 2 bad usage, a bad input file (named on\n"
	"stderr with what is wrong) or a file that cannot be written.\n";

struct report_args {
	const char *html, *markdown;
	bool all_rows;
	char **files;
	size_t n;
};

static int parse(int argc, char **argv, struct report_args *a)
{
	static const struct option opts[] = {
		{ "html", required_argument, NULL, 'H' },
		{ "markdown", required_argument, NULL, 'M' },
		{ "all-rows", no_argument, NULL, 'A' },
		{ 0 },
	};
	const char *outs[2];
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'H')
			a->html = optarg;
		else if (c == 'M')
			a->markdown = optarg;
		else if (c == 'A')
			a->all_rows = true;
		else
			return usage_error("report: unknown option '%s' (see "
					   "'boxcheck report --help')",
					   argv[optind - 1]);
	}
	a->files = argv + optind;
	a->n = argc - optind;
	if (!a->n)
		return usage_error("report: no result files given (see "
				   "'boxcheck report --help')");
	if (!a->html && !a->markdown)
		return usage_error("report: nothing to write: give --html FILE "
				   "and/or --markdown FILE");
	outs[0] = a->html, outs[1] = a->markdown;
	for (int i = 0; i < 2; i++) {
		int r = outs[i] ? check_writable(outs[i]) : 0;
		if (r < 0)
			return usage_error("report: cannot write '%s': %s",
					   outs[i], strerror(-r));
	}
	return EXIT_OK;
}

/*
 * The comparison test is `boxcheck compare`'s: a two-sided Mann-Whitney U
 * (bench/stats.c) on the raw start samples, and a difference only when
 * p < alpha and the median moved by more than the threshold (the defaults of
 * `boxcheck compare`).
 */
#define COMPARE_ALPHA 0.01
#define COMPARE_THRESHOLD 0.05

static int mann_whitney(const double *a, size_t na, const double *b, size_t nb,
			struct cmp_result *out)
{
	static const struct compare_opts o = { COMPARE_THRESHOLD, COMPARE_ALPHA,
					       true, false };
	struct compare_test ct;
	int r = compare_test(a, na, b, nb, &o, &ct);

	if (r < 0)
		return r;
	out->p = ct.m.p;
	out->effect = ct.m.effect;
	out->change = ct.change;
	return 0;
}

static struct plot_cache cache;
static struct report_opts opts = {
	.compare = mann_whitney,
	.alpha = COMPARE_ALPHA,
	.min_effect = COMPARE_THRESHOLD,
	.cache = &cache,
};

static void drop_cache(struct plot_cache **c)
{
	plot_cache_free(*c);
}

/* The headline and the areas, as the report leads with them. */
static void print_headline(const struct result_set *set)
{
	struct lines head, areas;
	char start[512];

	if (report_headline(set, &head) < 0)
		return;
	for (size_t i = 0; i < head.n; i++)
		printf("%s%s\n", i ? "  " : "\n", head.v[i]);
	lines_free(&head);
	if (report_area_lines(set, &areas) < 0)
		return;
	for (size_t i = 0; i < areas.n; i++)
		printf("%s%s", i ? "; " : "areas: ", areas.v[i]);
	if (areas.n)
		putchar('\n');
	lines_free(&areas);
	if (report_chart_line(set, start, sizeof(start)) == 0)
		printf("start latency: %s\n", start);
}

int cmd_report(int argc, char **argv)
{
	_cleanup_results_ struct result_set set = { 0 };
	/* Only its cleanup matters: the plot cache is freed on every return. */
	_cleanup_(drop_cache) _unused_ struct plot_cache *c = &cache;
	struct report_args a = { 0 };
	struct report_summary sum;
	char err[1024], line[512];
	int r = parse(argc, argv, &a);

	if (r != EXIT_OK)
		return r;
	opts.all_rows = a.all_rows;
	r = results_load(a.files, a.n, &set, err, sizeof(err));
	if (r < 0)
		return usage_error("report: %s", err);
	const struct {
		const char *const *path;
		const struct doc_ops *ops;
		const char *what;
	} outs[] = { { &a.html, &html_ops, "html" },
		     { &a.markdown, &markdown_ops, "markdown" } };
	for (size_t i = 0; i < ARRAY_SIZE(outs); i++) {
		if (!*outs[i].path)
			continue;
		r = report_write(*outs[i].path, outs[i].ops, &set, &opts, &sum);
		if (r < 0)
			return usage_error("report: writing %s: %s",
					   *outs[i].path, strerror(-r));
		printf("report: %s: %s\n", outs[i].what, *outs[i].path);
	}
	if (sum.plots_failed)
		fprintf(stderr,
			"boxcheck: report: %zu plots could not be drawn "
			"(first: %s)\n",
			sum.plots_failed, sum.plot_why);
	report_summary_line(line, sizeof(line), &sum);
	printf("report: %s\n", line);
	print_headline(&set);
	return EXIT_OK;
}
