// SPDX-License-Identifier: MIT
/*
 * report_cmp.c - counters per variant, and the comparison of bench files
 * with the same variants. The statistical test is not done here: it is the
 * one of `boxcheck compare` (Mann-Whitney U plus a minimum effect size),
 * handed in by the caller as report_opts.compare.
 */
#include "report.h"
#include "../bench/ladder.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_COUNTERS 16

/* ---- counters ----------------------------------------------------------- */

/* The union of counter names over vars, in first-seen order. */
static size_t counter_names(const json_t *vars, const char **names)
{
	size_t n = 0, i, j;
	const char *k;
	json_t *v, *c;

	json_array_foreach(vars, i, v)
		json_object_foreach(jget(v, "counters"), k, c) {
			for (j = 0; j < n && strcmp(names[j], k); j++)
				;
			if (j == n && n < MAX_COUNTERS)
				names[n++] = k;
		}
	return n;
}

static void counter_cell(struct cell *cell, const json_t *c)
{
	json_t *val = jget(c, "per_start");
	const char *unit = jstr(c, "unit", "");

	if (!c) {
		cell_set(cell, "-", "none");
		return;
	}
	if (!json_is_number(val)) {
		cell_set(cell, "unavailable", "none");
		cell_extra(&cell->hover, "%s",
			   jstr(c, "unavailable", "not measured on this host"));
		return;
	}
	if (!strcmp(unit, "count"))
		unit = "";
	cell_printf(cell, "%.4g%s%s", json_number_value(val), *unit ? " " : "",
		    unit);
	cell->cls = "num";
}

static int counters_table(struct doc *d, const json_t *vars, size_t fi)
{
	const char *names[MAX_COUNTERS];
	size_t n = counter_names(vars, names), rows = 0, row = 0, i;
	struct table t;
	char id[48];
	json_t *v;
	int r;

	json_array_foreach(vars, i, v)
		rows += json_object_size(jget(v, "counters")) > 0;
	snprintf(id, sizeof(id), "counters-table-%zu", fi);
	r = table_init(&t, id, n + 1, rows);
	if (r < 0)
		return r;
	cell_set(&t.head[0], "variant", NULL);
	for (size_t c = 0; c < n; c++)
		cell_set(&t.head[c + 1], names[c], NULL);
	json_array_foreach(vars, i, v) {
		json_t *cs = jget(v, "counters");
		if (!json_object_size(cs))
			continue;
		cell_set(table_at(&t, row, 0), variant_label(v), "id");
		for (size_t c = 0; c < n; c++)
			counter_cell(table_at(&t, row, c + 1),
				     jget(cs, names[c]));
		row++;
	}
	d->ops->table(d, &t);
	table_free(&t);
	return 0;
}

int render_counters(struct doc *d, const struct result_set *set,
		    struct report_summary *sum)
{
	(void)sum;
	d->ops->para(d, "perf_event counters per start (totals over the "
			"samples divided by the starts), as the bench recorded "
			"them. Software events are always there; hardware ones "
			"need a PMU (hover an unavailable cell for why).");
	for (size_t fi = 0; fi < set->n; fi++) {
		json_t *vars = bench_variants(&set->f[fi]);
		json_t *v;
		size_t i;
		bool any = false;
		json_array_foreach(vars, i, v)
			any = any || json_object_size(jget(v, "counters"));
		if (!any)
			continue;
		bench_file_para(d, &set->f[fi]);
		int r = counters_table(d, vars, fi);
		if (r < 0)
			return r;
	}
	return 0;
}

/* ---- comparison --------------------------------------------------------- */

static const json_t *find_variant(const json_t *vars, const char *id)
{
	json_t *v;
	size_t i;

	json_array_foreach(vars, i, v)
		if (!strcmp(jstr(v, "name", ""), id) && variant_ok(v))
			return v;
	return NULL;
}

/* The variant named id in vars, whatever its status. */
static const json_t *any_variant(const json_t *vars, const char *id)
{
	json_t *v;
	size_t i;

	json_array_foreach(vars, i, v)
		if (!strcmp(jstr(v, "name", ""), id))
			return v;
	return NULL;
}

static size_t measured_variants(const json_t *a)
{
	json_t *v;
	size_t i, n = 0;

	json_array_foreach(a, i, v)
		n += variant_ok(v);
	return n;
}

static size_t common_variants(const json_t *a, const json_t *b)
{
	json_t *v;
	size_t i, n = 0;

	json_array_foreach(a, i, v)
		n += variant_ok(v) && find_variant(b, jstr(v, "name", ""));
	return n;
}

/* The first bench file is the baseline; the others are compared to it. */
static const struct result_file *baseline(const struct result_set *set)
{
	for (size_t f = 0; f < set->n; f++)
		if (set->f[f].kind == RK_BENCH)
			return &set->f[f];
	return NULL;
}

bool has_comparison(const struct result_set *set)
{
	const struct result_file *base = baseline(set);

	for (size_t f = 0; base && f < set->n; f++)
		if (&set->f[f] != base && set->f[f].kind == RK_BENCH &&
		    common_variants(bench_variants(base),
				    bench_variants(&set->f[f])))
			return true;
	return false;
}

static void test_cell(struct cell *c, const struct report_opts *o,
		      const json_t *a, const json_t *b)
{
	_cleanup_free_ double *sa = NULL, *sb = NULL;
	size_t na = variant_samples(a, &sa), nb = variant_samples(b, &sb);
	bool host = ladder_is_host_probe(jstr(a, "name", ""));
	struct cmp_result res;
	int r;

	if (!o || !o->compare) {
		cell_set(c, "not tested", "none");
		cell_extra(&c->hover, "this build has no compare test");
		return;
	}
	if (!na || !nb) {
		cell_set(c, "no samples", "none");
		return;
	}
	r = o->compare(sa, na, sb, nb, &res);
	if (r < 0) {
		cell_set(c, "test failed", "error");
		cell_extra(&c->hover, "%s", strerror(-r));
		return;
	}
	cell_printf(c, "%s%s (p=%.2g)", host ? "host " : "",
		    !res.change	     ? "same"
		    : res.change > 0 ? "slower"
				     : "faster",
		    res.p);
	c->cls = host		  ? "none"
		 : !res.change	  ? "pass"
		 : res.change > 0 ? "fail"
				  : "skip";
	if (host)
		cell_extra(&c->hover, "a host probe: the host's speed, "
				      "not a verdict on the build");
}

static void compare_row(struct table *t, size_t row, const json_t *a,
			const json_t *b, const struct report_opts *o)
{
	double ma = variant_stat(a, "p50"), mb = variant_stat(b, "p50");
	char x[32];

	cell_set(table_at(t, row, 0), variant_label(a), "id");
	cell_printf(table_at(t, row, 1), "%s (n=%.0f)",
		    fmt_seconds(ma, x, sizeof(x)), variant_stat(a, "n"));
	cell_printf(table_at(t, row, 2), "%s (n=%.0f)",
		    fmt_seconds(mb, x, sizeof(x)), variant_stat(b, "n"));
	if (ma > 0)
		cell_printf(table_at(t, row, 3), "%+.1f%%",
			    (mb / ma - 1) * 100);
	else /* no relative change from a median of 0 */
		cell_set(table_at(t, row, 3), "n/a", NULL);
	table_at(t, row, 3)->cls = "num";
	test_cell(table_at(t, row, 4), o, a, b);
}

/* Measured in the baseline, not here: what compare fails the gate on. */
static void lost_row(struct table *t, size_t row, const json_t *a,
		     const json_t *vb)
{
	const json_t *w = any_variant(vb, jstr(a, "name", ""));
	char x[32];

	cell_set(table_at(t, row, 0), variant_label(a), "id");
	cell_printf(table_at(t, row, 1), "%s (n=%.0f)",
		    fmt_seconds(variant_stat(a, "p50"), x, sizeof(x)),
		    variant_stat(a, "n"));
	cell_set(table_at(t, row, 2), w ? jstr(w, "status", "?") : "absent",
		 "fail");
	if (w)
		cell_extra(&table_at(t, row, 2)->hover, "%s",
			   jstr(w, "reason", "no reason given"));
	cell_set(table_at(t, row, 3), "-", NULL);
	cell_set(table_at(t, row, 4), "not measured", "fail");
}

static int compare_table(struct doc *d, const struct result_file *base,
			 const struct result_file *other, size_t fi)
{
	static const char *const head[] = { "variant", "baseline median",
					    "median", "change", "test" };
	const json_t *va = bench_variants(base), *vb = bench_variants(other);
	struct table t;
	char id[48], line[1024];
	size_t row = 0, i;
	json_t *v;
	int r;

	snprintf(line, sizeof(line), "Baseline %s against %s.", base->path,
		 other->path);
	d->ops->para(d, line);
	snprintf(id, sizeof(id), "comparison-table-%zu", fi);
	r = table_init(&t, id, ARRAY_SIZE(head), measured_variants(va));
	if (r < 0)
		return r;
	for (i = 0; i < ARRAY_SIZE(head); i++)
		cell_set(&t.head[i], head[i], NULL);
	json_array_foreach(va, i, v) {
		const json_t *w = find_variant(vb, jstr(v, "name", ""));
		if (!variant_ok(v))
			continue;
		if (w)
			compare_row(&t, row++, v, w, d->opts);
		else
			lost_row(&t, row++, v, vb);
	}
	d->ops->table(d, &t);
	table_free(&t);
	return 0;
}

int render_comparison(struct doc *d, const struct result_set *set,
		      struct report_summary *sum)
{
	const struct result_file *base = baseline(set);
	char line[256];

	(void)sum;
	if (d->opts && d->opts->compare)
		snprintf(line, sizeof(line),
			 "The test of boxcheck compare on the raw start "
			 "samples: two-sided Mann-Whitney U, and a change "
			 "counts only when p < %g and the median moved by more "
			 "than %.0f%% of the baseline's.",
			 d->opts->alpha, d->opts->min_effect * 100);
	else
		snprintf(line, sizeof(line),
			 "Medians side by side, not tested (this build has no "
			 "comparison test).");
	d->ops->para(d, line);
	for (size_t f = 0; f < set->n; f++) {
		const struct result_file *o = &set->f[f];
		if (o == base || o->kind != RK_BENCH ||
		    !common_variants(bench_variants(base), bench_variants(o)))
			continue;
		int r = compare_table(d, base, o, f);
		if (r < 0)
			return r;
	}
	return 0;
}
