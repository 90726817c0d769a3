// SPDX-License-Identifier: MIT
/*
 * report_bench.c - bench-kind results: the start-latency ladder (bars of the
 * median with p10-p90 whiskers, log scale), distributions (CDFs of the raw
 * samples), concurrency curves and memory per container, counters per
 * variant, and the comparison of two bench files.
 *
 * Read as the bench branch's reports/SCHEMA.md writes them: a variant has a
 * name, a group (calibration, ladder, external, vm), a status, and SERIES
 * for start and teardown (unit, stats with median_ci, raw samples). Every
 * value is converted to seconds with the series' unit first.
 */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CDF_POINTS 300

/* No libm: the binary links without it. */
static double dmin(double a, double b)
{
	return a < b ? a : b;
}

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

json_t *bench_variants(const struct result_file *f)
{
	return f->kind == RK_BENCH ? jget(f->doc, "variants") : NULL;
}

const char *variant_label(const json_t *v)
{
	return jstr(v, "name", "?");
}

bool variant_ok(const json_t *v)
{
	return !strcmp(jstr(v, "status", ""), "ok") &&
	       json_is_object(jget(v, "start"));
}

/* A statistic of a SERIES in seconds ("ci_lo", "ci_hi": median_ci). */
double series_stat(const json_t *series, const char *key)
{
	const json_t *stats = jget(series, "stats");
	const json_t *ci = jget(stats, "median_ci");
	double scale = unit_scale(jstr(series, "unit", "s"));

	/* null, or level 0 in older files ([min, max]): no 95% interval */
	if (!strcmp(key, "ci_lo") || !strcmp(key, "ci_hi"))
		return jnum(ci, "level", 0) >= 0.95
			       ? jnum(ci, key + 3, NAN) * scale
			       : NAN;
	return jnum(stats, key, NAN) * (strcmp(key, "n") ? scale : 1);
}

double variant_stat(const json_t *v, const char *key)
{
	return series_stat(jget(v, "start"), key);
}

static bool is_runtime(const json_t *v)
{
	return !strcmp(jstr(v, "group", ""), "external");
}

static bool is_calibration(const json_t *v)
{
	return !strcmp(jstr(v, "group", ""), "calibration");
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The raw samples in seconds, sorted (caller frees); their count. */
size_t variant_samples(const json_t *v, double **out)
{
	json_t *start = jget(v, "start");
	json_t *s = jget(start, "samples"), *e;
	double scale = unit_scale(jstr(start, "unit", "s"));
	size_t n = json_array_size(s), i;

	*out = NULL;
	if (!n || !(*out = calloc(n, sizeof(double))))
		return 0;
	json_array_foreach(s, i, e)
		(*out)[i] = json_number_value(e) * scale;
	qsort(*out, n, sizeof(double), cmp_double);
	return n;
}

void bench_file_para(struct doc *d, const struct result_file *f)
{
	char host[128], kernel[128], line[1024];

	snprintf(line, sizeof(line), "From %s (host %s, kernel %s).", f->path,
		 host_fact(f, "hostname", host, sizeof(host)),
		 host_fact(f, "kernel", kernel, sizeof(kernel)));
	d->ops->para(d, line);
}

static json_t *concurrency_levels(const struct result_file *f)
{
	if (f->kind != RK_BENCH)
		return NULL;
	return jget(jget(f->doc, "concurrency"), "levels");
}

/* ---- what is there ------------------------------------------------------ */

void bench_tally(const struct result_set *set, struct report_summary *sum)
{
	for (size_t f = 0; f < set->n; f++)
		sum->variants += json_array_size(bench_variants(&set->f[f]));
}

static bool any_variant(const struct result_set *set,
			bool (*pred)(const json_t *v))
{
	for (size_t f = 0; f < set->n; f++) {
		json_t *v;
		size_t i;
		json_array_foreach(bench_variants(&set->f[f]), i, v)
			if (pred(v))
				return true;
	}
	return false;
}

static bool with_samples(const json_t *v)
{
	return json_array_size(jget(jget(v, "start"), "samples")) > 0;
}

static bool with_counters(const json_t *v)
{
	return json_object_size(jget(v, "counters")) > 0;
}

static bool any(const json_t *v)
{
	(void)v;
	return true;
}

bool has_bench(const struct result_set *set)
{
	return any_variant(set, any);
}

bool has_samples(const struct result_set *set)
{
	return any_variant(set, with_samples);
}

bool has_counters(const struct result_set *set)
{
	return any_variant(set, with_counters);
}

bool has_concurrency(const struct result_set *set)
{
	for (size_t f = 0; f < set->n; f++)
		if (json_array_size(concurrency_levels(&set->f[f])))
			return true;
	return false;
}

/* ---- the ladder --------------------------------------------------------- */

static const struct {
	const char *group;
	unsigned rgb;
} group_colours[] = {
	{ "calibration", 0x8c8c8c },
	{ "ladder", 0x4a7ab5 },
	{ "external", 0xd9822b },
	{ "vm", 0x4f9a5a },
};

static unsigned colour_of(const json_t *v)
{
	const char *g = jstr(v, "group", "");

	for (size_t i = 0; i < ARRAY_SIZE(group_colours); i++)
		if (!strcmp(g, group_colours[i].group))
			return group_colours[i].rgb;
	return 0x4a7ab5;
}

/* The whisker of a variant: the median's confidence interval. */
static void whisker(const json_t *v, double *lo, double *hi)
{
	*lo = variant_stat(v, "ci_lo"), *hi = variant_stat(v, "ci_hi");
	if (isnan(*lo) || isnan(*hi))
		*lo = *hi = variant_stat(v, "p50");
}

/* On the ladder: measured starts, without the timing calibration. */
static bool on_ladder(const json_t *v)
{
	return variant_ok(v) && !is_calibration(v) &&
	       variant_stat(v, "p50") > 0;
}

static char *ladder_script(const json_t *vars)
{
	double xmin = INFINITY, xmax = 0, lo, hi;
	size_t n = 0, i, k = 0;
	char *script = NULL;
	size_t len;
	json_t *v;
	FILE *f = open_memstream(&script, &len);

	if (!f)
		return NULL;
	json_array_foreach(vars, i, v) {
		if (!on_ladder(v))
			continue;
		whisker(v, &lo, &hi);
		xmin = dmin(xmin, dmin(lo, variant_stat(v, "p50")));
		xmax = dmax(xmax, dmax(hi, variant_stat(v, "p50")));
		n++;
	}
	xmin = xmin > 0 && isfinite(xmin) ? xmin / 2 : 1e-6;
	xmax = xmax > xmin ? xmax * 2 : xmin * 100;
	plot_header(f, 900, 90 + 24 * (int)n);
	fprintf(f,
		"set logscale x\nset format x '%%.0s%%cs'\n"
		"set xrange [%.9g:%.9g]\nset yrange [%zu-0.5:-0.5]\n"
		"unset key\nset grid x\nset style fill solid 0.6 border "
		"lc rgb '#333333'\nset xlabel 'start latency: median (bar), "
		"95%% CI of the median (whisker); log scale'\nset ytics (",
		xmin, xmax, n);
	json_array_foreach(vars, i, v) {
		if (!on_ladder(v))
			continue;
		fputs(k ? ", " : "", f);
		plot_quote(f, variant_label(v));
		fprintf(f, " %zu", k++);
	}
	fputs(")\n$d << EOD\n", f);
	k = 0;
	json_array_foreach(vars, i, v) {
		if (!on_ladder(v))
			continue;
		whisker(v, &lo, &hi);
		fprintf(f, "%zu %.9g %.9g %.9g %u\n", k++,
			variant_stat(v, "p50"), dmax(lo, xmin), hi,
			colour_of(v));
	}
	fprintf(f,
		"EOD\nplot $d using (%.9g):1:(%.9g):2:($1-0.35):($1+0.35)"
		":5 with boxxyerror lc rgb variable, \\\n"
		"  $d using 2:1:3:4 with xerrorbars lc rgb '#222222' "
		"pt 7 ps 0.4\n",
		xmin, xmin);
	if (fclose(f) != 0)
		return free(script), NULL;
	return script;
}

static const char *const stat_cols[] = { "min", "p50",	"p90",	 "p99",
					 "max", "mean", "stddev" };

static void variant_head(struct cell *c, const json_t *v)
{
	const char *desc = jstr(v, "description", ""),
		   *why = jstr(v, "reason", "");

	cell_set(c, variant_label(v), "id");
	if (*desc || *why)
		cell_extra(&c->hover, "%s%s%s", desc, *desc && *why ? "; " : "",
			   why);
}

static void ladder_row(struct table *t, size_t row, const json_t *v)
{
	const json_t *td = jget(v, "teardown");
	char a[32], b[32];
	size_t c = 0;

	variant_head(table_at(t, row, c++), v);
	cell_set(table_at(t, row, c++), jstr(v, "group", ""), NULL);
	if (json_is_object(td))
		cell_set(table_at(t, row, t->ncols - 1),
			 fmt_seconds(series_stat(td, "p50"), a, sizeof(a)),
			 "num");
	if (!variant_ok(v)) {
		struct cell *s = table_at(t, row, c);
		const char *st = jstr(v, "status", "");
		bool ok = !strcmp(st, "ok");
		cell_set(s, ok ? "teardown only" : st, ok ? "none" : "skip");
		if (!ok)
			cell_extra(&s->note, "%s %s: %s", variant_label(v), st,
				   jstr(v, "reason", "no reason given"));
		return;
	}
	cell_printf(table_at(t, row, c++), "%.0f", variant_stat(v, "n"));
	for (size_t i = 0; i < ARRAY_SIZE(stat_cols); i++)
		cell_set(table_at(t, row, c++),
			 fmt_seconds(variant_stat(v, stat_cols[i]), a,
				     sizeof(a)),
			 "num");
	if (!isnan(variant_stat(v, "ci_lo")))
		cell_printf(
			table_at(t, row, c), "%s - %s",
			fmt_seconds(variant_stat(v, "ci_lo"), a, sizeof(a)),
			fmt_seconds(variant_stat(v, "ci_hi"), b, sizeof(b)));
	else
		cell_set(table_at(t, row, c),
			 variant_stat(v, "n") < 6 ? "none (n < 6)" : "none",
			 NULL);
	table_at(t, row, c)->cls = "num";
}

static int ladder_table(struct doc *d, const json_t *vars, size_t fi)
{
	char id[48];
	struct table t;
	json_t *v;
	size_t i, c = 0;
	int r;

	snprintf(id, sizeof(id), "ladder-table-%zu", fi);
	r = table_init(&t, id, 5 + ARRAY_SIZE(stat_cols),
		       json_array_size(vars));
	if (r < 0)
		return r;
	cell_set(&t.head[c++], "variant", NULL);
	cell_set(&t.head[c++], "group", NULL);
	cell_set(&t.head[c++], "n", NULL);
	for (i = 0; i < ARRAY_SIZE(stat_cols); i++)
		cell_set(&t.head[c++], stat_cols[i], NULL);
	cell_set(&t.head[c++], "median 95% CI", NULL);
	cell_set(&t.head[c], "teardown p50", NULL);
	json_array_foreach(vars, i, v)
		ladder_row(&t, i, v);
	d->ops->table(d, &t);
	table_free(&t);
	return 0;
}

int render_ladder(struct doc *d, const struct result_set *set,
		  struct report_summary *sum)
{
	d->ops->para(d,
		     "From the cheapest start (fork, fork+exec) through "
		     "namespaces, cgroups and the root file system to "
		     "external runtimes (through hyperfine) and a VM boot. "
		     "Start: clone called to the child's first instruction "
		     "after execve. Bars are medians, whiskers the median's "
		     "95% confidence interval, on a log scale. Blue: the "
		     "ladder; orange: external runtimes; green: VMs. Hover a "
		     "variant in the table for what it does and the "
		     "isolation it gave.");
	for (size_t fi = 0; fi < set->n; fi++) {
		json_t *vars = bench_variants(&set->f[fi]);
		char name[32];
		if (!json_array_size(vars))
			continue;
		bench_file_para(d, &set->f[fi]);
		_cleanup_free_ char *script = ladder_script(vars);
		snprintf(name, sizeof(name), "ladder-%zu", fi);
		report_plot(d, sum, name, "Start latency by variant", script);
		int r = ladder_table(d, vars, fi);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- distributions ------------------------------------------------------ */

/* CDFs of the variants for which pick() holds; NULL if none has samples. */
static char *cdf_script(const json_t *vars, bool runtimes)
{
	char *script = NULL;
	size_t len, i, n = 0;
	json_t *v;
	FILE *f = open_memstream(&script, &len);

	if (!f)
		return NULL;
	plot_header(f, 900, 380);
	fputs("set logscale x\nset format x '%.0s%cs'\nset yrange [0:1]\n"
	      "set key outside right top\nset ylabel 'fraction of samples'\n"
	      "set xlabel 'latency (log scale)'\n$d << EOD\n",
	      f);
	json_array_foreach(vars, i, v) {
		_cleanup_free_ double *s = NULL;
		size_t ns;
		if (is_runtime(v) != runtimes || is_calibration(v) ||
		    !variant_ok(v) || !(ns = variant_samples(v, &s)))
			continue;
		size_t step = ns > CDF_POINTS ? ns / CDF_POINTS : 1;
		for (size_t j = 0; j < ns; j += step)
			if (s[j] > 0)
				fprintf(f, "%.9g %.6f\n", s[j],
					(double)(j + 1) / ns);
		fprintf(f, "%.9g 1\n\n\n", s[ns - 1]);
		n++;
	}
	fputs("EOD\nplot ", f);
	size_t k = 0;
	json_array_foreach(vars, i, v) {
		if (is_runtime(v) != runtimes || is_calibration(v) ||
		    !variant_ok(v) || !with_samples(v))
			continue;
		fprintf(f, "%s$d index %zu using 1:2 with steps lw 2 title ",
			k ? ", \\\n  " : "", k);
		plot_quote(f, variant_label(v));
		k++;
	}
	fputc('\n', f);
	if (fclose(f) != 0 || !n)
		return free(script), NULL;
	return script;
}

int render_distributions(struct doc *d, const struct result_set *set,
			 struct report_summary *sum)
{
	static const struct {
		const char *name, *caption;
		bool runtimes;
	} plots[] = {
		{ "cdf-ladder", "CDF of start latency: the ladder", false },
		{ "cdf-runtimes", "CDF of start latency: external runtimes",
		  true },
	};

	d->ops->para(d, "Cumulative distributions of the raw samples: a "
			"curve further left is faster, a flatter one spreads "
			"more.");
	for (size_t fi = 0; fi < set->n; fi++) {
		json_t *vars = bench_variants(&set->f[fi]);
		if (!json_array_size(vars))
			continue;
		bench_file_para(d, &set->f[fi]);
		for (size_t p = 0; p < ARRAY_SIZE(plots); p++) {
			char name[48];
			_cleanup_free_ char *script =
				cdf_script(vars, plots[p].runtimes);
			if (!script)
				continue;
			snprintf(name, sizeof(name), "%s-%zu", plots[p].name,
				 fi);
			report_plot(d, sum, name, plots[p].caption, script);
		}
	}
	return 0;
}

/* ---- concurrency ------------------------------------------------------- */

/* One value of a concurrency level, in the unit of its plot. */
static double level_latency(const json_t *l, const char *stat)
{
	return series_stat(jget(l, "latency"), stat);
}

static double level_rate(const json_t *l, const char *unused)
{
	(void)unused;
	return jnum(l, "starts_per_s", NAN);
}

static double level_mem(const json_t *l, const char *key)
{
	return jnum(jget(l, "memory_per_idle"), key, NAN) / (1 << 20);
}

static const struct {
	const char *name, *arg, *ylabel, *caption;
	double (*value)(const json_t *l, const char *arg);
	bool logy;
} curves[] = {
	{ "conc-rate", NULL, "containers started per second",
	  "Throughput vs concurrency K", level_rate, false },
	{ "conc-p99", "p99", "p99 start latency (log scale)",
	  "p99 start latency vs concurrency K", level_latency, true },
	{ "conc-mem", "cgroup_bytes", "memory per idle container (MiB)",
	  "Memory per idle container (cgroup usage growth / K) vs K", level_mem,
	  false },
};

static char *curve_script(const json_t *conc, size_t which)
{
	char *script = NULL;
	size_t len, i, n = 0;
	json_t *l;
	FILE *f = open_memstream(&script, &len);

	if (!f)
		return NULL;
	plot_header(f, 900, 320);
	fputs("set logscale x 2\nset key outside right top\n"
	      "set xlabel 'concurrency K'\nset ylabel ",
	      f);
	plot_quote(f, curves[which].ylabel);
	fprintf(f, "\n%s\n$d << EOD\n",
		curves[which].logy ? "set logscale y\nset format y '%.0s%cs'"
				   : "set yrange [0:*]");
	json_array_foreach(jget(conc, "levels"), i, l) {
		double y = curves[which].value(l, curves[which].arg);
		if (isfinite(y) && (!curves[which].logy || y > 0))
			fprintf(f, "%lld %.9g\n",
				(long long)json_integer_value(jget(l, "k")), y),
				n++;
	}
	fputs("EOD\nplot $d using 1:2 with linespoints lw 2 pt 7 title ", f);
	plot_quote(f, jstr(conc, "variant", "?"));
	fputc('\n', f);
	if (fclose(f) != 0 || !n)
		return free(script), NULL;
	return script;
}

static void level_row(struct table *t, size_t row, const json_t *l)
{
	double mem = jnum(jget(l, "memory_per_idle"), "cgroup_bytes", NAN),
	       avail = jnum(jget(l, "memory_per_idle"), "mem_available_bytes",
			    NAN);
	const char *err = jstr(l, "error", "");
	char a[32];
	size_t c = 0;

	cell_printf(table_at(t, row, c++), "%lld",
		    (long long)json_integer_value(jget(l, "k")));
	cell_printf(table_at(t, row, c++), "%.0f", jnum(l, "rounds", NAN));
	cell_printf(table_at(t, row, c++), "%.1f", level_rate(l, NULL));
	cell_set(table_at(t, row, c++),
		 fmt_seconds(level_latency(l, "p50"), a, sizeof(a)), "num");
	cell_set(table_at(t, row, c++),
		 fmt_seconds(level_latency(l, "p99"), a, sizeof(a)), "num");
	cell_printf(table_at(t, row, c++), "%.0f KiB", mem / 1024);
	cell_printf(table_at(t, row, c++), "%.0f KiB", avail / 1024);
	cell_set(table_at(t, row, c), *err ? err : "", *err ? "error" : NULL);
}

static int concurrency_table(struct doc *d, const json_t *conc, size_t fi)
{
	static const char *const head[] = {
		"K",
		"rounds",
		"starts/s",
		"p50",
		"p99",
		"memcg / idle",
		"MemAvailable drop / idle",
		"error",
	};
	json_t *levels = jget(conc, "levels"), *l;
	struct table t;
	char id[48];
	size_t i;
	int r;

	snprintf(id, sizeof(id), "concurrency-table-%zu", fi);
	r = table_init(&t, id, ARRAY_SIZE(head), json_array_size(levels));
	if (r < 0)
		return r;
	for (i = 0; i < ARRAY_SIZE(head); i++)
		cell_set(&t.head[i], head[i], NULL);
	json_array_foreach(levels, i, l)
		level_row(&t, i, l);
	d->ops->table(d, &t);
	table_free(&t);
	return 0;
}

int render_concurrency(struct doc *d, const struct result_set *set,
		       struct report_summary *sum)
{
	char line[512];

	d->ops->para(d, "K containers started at once, repeatedly: the rate "
			"of starts, the p99 latency of one start, and the "
			"memory each idle container adds.");
	for (size_t fi = 0; fi < set->n; fi++) {
		json_t *conc = jget(set->f[fi].doc, "concurrency");
		if (!json_array_size(concurrency_levels(&set->f[fi])))
			continue;
		bench_file_para(d, &set->f[fi]);
		snprintf(line, sizeof(line), "Variant %s; latency: %s.",
			 jstr(conc, "variant", "?"),
			 jstr(conc, "latency", "not stated"));
		d->ops->para(d, line);
		for (size_t p = 0; p < ARRAY_SIZE(curves); p++) {
			char name[48];
			_cleanup_free_ char *script = curve_script(conc, p);
			if (!script)
				continue;
			snprintf(name, sizeof(name), "%s-%zu", curves[p].name,
				 fi);
			report_plot(d, sum, name, curves[p].caption, script);
		}
		int r = concurrency_table(d, conc, fi);
		if (r < 0)
			return r;
	}
	return 0;
}
