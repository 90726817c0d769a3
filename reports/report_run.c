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

static void column_head(struct cell *c, const struct column *col)
{
	char kernel[128];

	cell_set(c, col->label, NULL);
	cell_extra(&c->hover, "%s (target %s, kernel %s)", col->f->path,
		   col->target,
		   host_fact(col->f, "kernel", kernel, sizeof(kernel)));
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

/* The table of rows [first, end) with the columns that have a record. */
static int area_table(struct doc *d, const struct matrix *m, size_t first,
		      size_t end)
{
	_cleanup_free_ size_t *cols = calloc(m->ncols + 1, sizeof(*cols));
	const struct area_key *a = &m->rows[first].key.area;
	struct table t;
	size_t n = 0;
	char id[96];
	int r;

	if (!cols)
		return -ENOMEM;
	for (size_t c = 0; c < m->ncols; c++)
		if (matrix_col_in_area(m, c, a))
			cols[n++] = c;
	snprintf(id, sizeof(id), "matrix-%.*s", (int)a->len, a->name);
	for (char *p = id; *p; p++)
		*p = *p == ' ' ? '-' : *p;
	r = table_init(&t, id, n + 1, end - first);
	if (r < 0)
		return r;
	cell_set(&t.head[0], "scenario and property", NULL);
	for (size_t c = 0; c < n; c++)
		column_head(&t.head[c + 1], &m->cols[cols[c]]);
	for (size_t i = first; i < end; i++) {
		const struct mrow *row = &m->rows[i];
		scenario_cell(table_at(&t, i - first, 0), row, m->ncols);
		for (size_t c = 0; c < n; c++) {
			struct cell *cell = table_at(&t, i - first, c + 1);
			if (row->cell[cols[c]])
				fill_cell(cell, row->cell[cols[c]]);
			else
				cell_set(cell, "-", "none");
		}
	}
	d->ops->table(d, &t);
	table_free(&t);
	return 0;
}

int render_matrix(struct doc *d, const struct result_set *set,
		  struct report_summary *sum)
{
	struct matrix m;
	char line[512];
	int r = matrix_build(set, &m);

	(void)sum;
	if (r < 0)
		return r;
	d->ops->para(d, "Each scenario runs isolated and as a control without "
			"the isolating step: it passes only when the property "
			"holds isolated and is absent in the control. Per "
			"area, failures and skips come first; their reasons "
			"show on hover and as notes.");
	for (size_t first = 0, end; first < m.nrows && r == 0; first = end) {
		bool folds;
		end = matrix_area_end(&m, first);
		folds = end - first > LONG_AREA;
		matrix_area_line(&m, first, line, sizeof(line));
		if (folds)
			d->ops->fold(d, line, m.rows[first].key.rank <= 1);
		else
			d->ops->heading(d, line);
		r = area_table(d, &m, first, end);
		if (folds)
			d->ops->end_fold(d);
	}
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
