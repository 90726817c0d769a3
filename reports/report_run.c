// SPDX-License-Identifier: MIT
/*
 * report_run.c - run-kind results: the conformance matrix, grouped by area
 * (failures and skips first, each scenario with its property; long areas
 * fold), and the failures with expected vs observed. The matrix itself
 * (rows, columns, cells) is matrix.c's.
 */
#include "report.h"
#include "matrix.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Areas with more rows than this fold: open when a row failed, errored or
 * skipped (those come first), closed when every row passed. */
#define LONG_AREA 12

void run_tally(const struct result_set *set, struct report_summary *sum)
{
	struct matrix m;

	if (matrix_build(set, &m) < 0)
		return;
	sum->scenarios = m.nrows;
	sum->columns = m.ncols;
	for (size_t i = 0; i < m.nrows; i++) {
		struct vtally t;
		matrix_row_tally(&m, &m.rows[i], &t);
		for (int v = 0; v < VI__COUNT; v++)
			sum->verdicts[v] += t.n[v];
	}
	matrix_free(&m);
}

static json_t *records_of(const struct result_file *f)
{
	return f->kind == RK_RUN ? jget(f->doc, "records") : NULL;
}

bool has_runs(const struct result_set *set)
{
	for (size_t f = 0; f < set->n; f++)
		if (json_array_size(records_of(&set->f[f])))
			return true;
	return false;
}

static bool is_failure(const json_t *r)
{
	const char *v = jstr(r, "verdict", "");

	return (!strcmp(v, "fail") || !strcmp(v, "error")) &&
	       !record_is_control(r);
}

bool has_failures(const struct result_set *set)
{
	for (size_t f = 0; f < set->n; f++) {
		json_t *r;
		size_t i;
		json_array_foreach(records_of(&set->f[f]), i, r)
			if (is_failure(r))
				return true;
	}
	return false;
}

static void fill_cell(struct cell *c, const json_t *r)
{
	const char *v = jstr(r, "verdict", "error");
	const char *reason = jstr(r, "reason", "");
	bool control = record_is_control(r);

	cell_set(c, v, control ? "none" : v);
	if (control)
		cell_extra(&c->sub, "the control: not counted");
	else
		cell_extra(&c->sub, "control: %s",
			   jstr(jget(r, "control"), "outcome", "?"));
	cell_extra(&c->hover, "%s", reason);
	if (strcmp(v, "pass") != 0 && *reason && !control)
		cell_extra(&c->note, "%s: %s", v, reason);
}

static void column_head(struct cell *c, const struct column *col, bool fleet)
{
	char kernel[128];

	cell_set(c, fleet ? col->name : col->label, NULL);
	cell_extra(&c->hover, "%s (target %s, kernel %s)", col->f->path,
		   col->target,
		   host_fact(col->f, "kernel", kernel, sizeof(kernel)));
}

/* Several machines: the columns under their (arch, kernel) groups. */
static int table_head(struct table *t, const struct matrix *m,
		      const size_t *cols, size_t n, const char *first)
{
	bool fleet = m->nmachines >= 2;
	int r = fleet ? table_groups(t) : 0;

	cell_set(&t->head[0], first, NULL);
	for (size_t c = 0; c < n; c++) {
		column_head(&t->head[c + 1], &m->cols[cols[c]], fleet);
		if (fleet && r == 0)
			cell_set(&t->group[c + 1], m->cols[cols[c]].group_label,
				 NULL);
	}
	return r;
}

/* The scenario cell: its id, and its property as a second line. */
static void scenario_cell(struct cell *c, const struct mrow *row, size_t ncols)
{
	const json_t *rec = NULL;

	for (size_t i = 0; i < ncols && !rec; i++)
		rec = row->cell[i];
	cell_set(c, row->key.id, "id");
	if (!rec)
		return;
	if (*jstr(rec, "property", ""))
		cell_extra(&c->sub, "%s", jstr(rec, "property", ""));
	if (*jstr(rec, "title", ""))
		cell_extra(&c->hover, "%s", jstr(rec, "title", ""));
}

/* The columns with a record in the area of row first. */
static size_t area_cols(const struct matrix *m, size_t first, size_t *cols)
{
	size_t n = 0;

	for (size_t c = 0; c < m->ncols; c++)
		if (matrix_col_in_area(m, c, &m->rows[first].key.area))
			cols[n++] = c;
	return n;
}

/* The table of rows[0..nrows) of one area, with its columns. */
static int area_table(struct doc *d, const struct matrix *m, const size_t *rows,
		      size_t nrows)
{
	_cleanup_free_ size_t *cols = calloc(m->ncols + 1, sizeof(*cols));
	const struct area_key *a = &m->rows[rows[0]].key.area;
	struct table t;
	size_t n;
	char id[96];
	int r;

	if (!cols)
		return -ENOMEM;
	n = area_cols(m, rows[0], cols);
	snprintf(id, sizeof(id), "matrix-%.*s", (int)a->len, a->name);
	for (char *p = id; *p; p++)
		*p = *p == ' ' ? '-' : *p;
	r = table_init(&t, id, n + 1, nrows);
	r = r ?: table_head(&t, m, cols, n, "scenario and property");
	for (size_t i = 0; r == 0 && i < nrows; i++) {
		const struct mrow *row = &m->rows[rows[i]];
		scenario_cell(table_at(&t, i, 0), row, m->ncols);
		for (size_t c = 0; c < n; c++) {
			struct cell *cell = table_at(&t, i, c + 1);
			if (row->cell[cols[c]])
				fill_cell(cell, row->cell[cols[c]]);
			else
				cell_set(cell, "-", "none");
		}
	}
	if (r == 0)
		d->ops->table(d, &t);
	table_free(&t);
	return r;
}

/* A ratio's class: pass when all passed, fail on a failure or error. */
static const char *ratio_class(const struct vtally *t)
{
	if (t->n[VI_FAIL] || t->n[VI_ERROR])
		return "fail";
	return t->n[VI_SKIP] ? "skip" : "pass";
}

static void summary_cell(struct cell *cell, const struct matrix *m, size_t c,
			 size_t first, size_t end)
{
	struct vtally t = { 0 };
	char text[128];

	for (size_t i = first; i < end; i++)
		if (m->rows[i].cell[c])
			vtally_add(&t, jstr(m->rows[i].cell[c], "verdict", ""));
	if (!vtally_total(&t))
		return (void)cell_set(cell, "-", "none");
	ratio_text(text, sizeof(text), &t);
	cell_set(cell, text, m->cols[c].control ? "none" : ratio_class(&t));
	if (m->cols[c].control)
		cell_extra(&cell->sub, "the control: not counted");
}

/*
 * Several machines: one row per area and a last one for every scenario,
 * each machine's (and column's) passes over what ran.
 */
static int summary_table(struct doc *d, const struct matrix *m)
{
	_cleanup_free_ size_t *cols = calloc(m->ncols + 1, sizeof(*cols));
	size_t nareas = 0, row = 0;
	struct table t;
	int r;

	if (!cols)
		return -ENOMEM;
	for (size_t c = 0; c < m->ncols; c++)
		cols[c] = c;
	for (size_t i = 0; i < m->nrows; i = matrix_area_end(m, i))
		nareas++;
	r = table_init(&t, "matrix-summary", m->ncols + 1, nareas + 1);
	r = r ?: table_head(&t, m, cols, m->ncols, "summary per machine");
	for (size_t i = 0, end; r == 0 && i < m->nrows; i = end, row++) {
		const struct area_key *a = &m->rows[i].key.area;
		end = matrix_area_end(m, i);
		cell_printf(table_at(&t, row, 0), "%.*s", (int)a->len, a->name);
		for (size_t c = 0; c < m->ncols; c++)
			summary_cell(table_at(&t, row, c + 1), m, c, i, end);
	}
	if (r == 0) {
		cell_set(table_at(&t, row, 0), "every scenario", "id");
		for (size_t c = 0; c < m->ncols; c++)
			summary_cell(table_at(&t, row, c + 1), m, c, 0,
				     m->nrows);
		d->ops->table(d, &t);
	}
	table_free(&t);
	return r;
}

/*
 * One area: its line, then its rows; with several machines and not
 * opts->all_rows, only the rows where they differ, the others counted.
 */
static int render_area(struct doc *d, const struct matrix *m, size_t first,
		       size_t end, size_t *rows)
{
	bool only_diff = m->nmachines >= 2 && !(d->opts && d->opts->all_rows);
	size_t n = 0, same = 0;
	char line[512];
	bool folds;
	int r = 0;

	for (size_t i = first; i < end; i++) {
		if (only_diff && matrix_row_uniform(m, &m->rows[i]))
			same++;
		else
			rows[n++] = i;
	}
	folds = n > LONG_AREA;
	matrix_area_line(m, first, line, sizeof(line));
	if (folds)
		d->ops->fold(d, line, m->rows[first].key.rank <= 1);
	else
		d->ops->heading(d, line);
	if (same) {
		snprintf(line, sizeof(line),
			 "%zu of %zu scenarios give the same verdict on every "
			 "machine and column (boxcheck report --all-rows "
			 "shows them)%s",
			 same, end - first,
			 n ? "; the rows that differ:" : ".");
		d->ops->para(d, line);
	}
	if (n)
		r = area_table(d, m, rows, n);
	if (folds)
		d->ops->end_fold(d);
	return r;
}

int render_matrix(struct doc *d, const struct result_set *set,
		  struct report_summary *sum)
{
	struct matrix m;
	int r = matrix_build(set, &m);

	(void)sum;
	if (r < 0)
		return r;
	_cleanup_free_ size_t *rows = calloc(m.nrows + 1, sizeof(*rows));
	if (!rows)
		return matrix_free(&m), -ENOMEM;
	d->ops->para(d, "Each scenario runs isolated and as a control without "
			"the isolating step: it passes only when the property "
			"holds isolated and is absent in the control. Per "
			"area, failures and skips come first; their reasons "
			"show on hover and as notes.");
	if (m.nmachines >= 2)
		r = summary_table(d, &m);
	for (size_t first = 0; first < m.nrows && r == 0;
	     first = matrix_area_end(&m, first))
		r = render_area(d, &m, first, matrix_area_end(&m, first), rows);
	matrix_free(&m);
	return r;
}

static void evidence_text(const json_t *o, char *buf, size_t len)
{
	const char *k;
	json_t *v;
	size_t at = 0;

	buf[0] = '\0';
	json_object_foreach(jget(o, "evidence"), k, v)
		if (at < len)
			at += snprintf(buf + at, len - at, "%s%s=%s",
				       at ? "; " : "", k,
				       json_is_string(v) ? json_string_value(v)
							 : "?");
}

static void failure_row(struct table *t, size_t row, const struct column *c,
			const json_t *r)
{
	const json_t *iso = jget(r, "isolated"), *ctl = jget(r, "control");
	char ev[1024];
	const char *v = jstr(r, "verdict", "error");

	cell_set(table_at(t, row, 0), jstr(r, "id", ""), "id");
	cell_set(table_at(t, row, 1), c->label, NULL);
	cell_set(table_at(t, row, 2), v, v);
	cell_set(table_at(t, row, 3), jstr(r, "expected", ""), NULL);
	cell_printf(table_at(t, row, 4), "%s%s%s", jstr(iso, "outcome", "?"),
		    *jstr(iso, "observed", "") ? ": " : "",
		    jstr(iso, "observed", ""));
	cell_printf(table_at(t, row, 5), "%s%s%s", jstr(ctl, "outcome", "?"),
		    *jstr(ctl, "observed", "") ? ": " : "",
		    jstr(ctl, "observed", ""));
	cell_set(table_at(t, row, 6), jstr(r, "reason", ""), NULL);
	evidence_text(iso, ev, sizeof(ev));
	cell_set(table_at(t, row, 7), ev, NULL);
}

int render_failures(struct doc *d, const struct result_set *set,
		    struct report_summary *sum)
{
	static const char *const head[] = { "scenario", "column",   "verdict",
					    "expected", "observed", "control",
					    "reason",	"evidence" };
	struct matrix m;
	struct table t;
	size_t n = 0, row = 0;
	int r = matrix_build(set, &m);

	(void)sum;
	if (r < 0)
		return r;
	for (size_t i = 0; i < m.nrows; i++)
		for (size_t c = 0; c < m.ncols; c++)
			n += m.rows[i].cell[c] && is_failure(m.rows[i].cell[c]);
	r = table_init(&t, "failures-table", ARRAY_SIZE(head), n);
	if (r < 0)
		return matrix_free(&m), r;
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		cell_set(&t.head[i], head[i], NULL);
	for (size_t i = 0; i < m.nrows; i++)
		for (size_t c = 0; c < m.ncols; c++) {
			json_t *rec = m.rows[i].cell[c];
			if (rec && is_failure(rec))
				failure_row(&t, row++, &m.cols[c], rec);
		}
	d->ops->table(d, &t);
	table_free(&t);
	matrix_free(&m);
	return 0;
}
