// SPDX-License-Identifier: MIT
/*
 * report_run.c - run-kind results: the conformance matrix (scenario x
 * column) and the failures with expected vs observed.
 *
 * A column is one target on one machine: (target, hostname, arch, kernel).
 * The suite's records and validate's `host` target on the same machine
 * share the "host" column; a VM (meta.vm, or the VM init's hostname
 * "boxcheck-vm") is "vm ARCH"; validate's runtimes are named after
 * themselves. When the same cell is in two files, the later file wins.
 */
#include "report.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct column {
	const struct result_file *f; /* the first file with this column */
	const char *target;
	bool control; /* validate's `host` target: expected to fail */
	char label[128];
};

/* validate runs the agent on the host too, as its control. */
static bool is_control(const json_t *r)
{
	return !strcmp(jstr(r, "target", ""), "host") &&
	       !strncmp(jstr(r, "id", ""), "validate/", 9);
}

struct matrix {
	const struct result_set *set;
	struct column *cols;
	size_t ncols;
	const char **ids; /* sorted, unique */
	size_t nids;
};

static void matrix_free(struct matrix *m)
{
	free(m->cols), free(m->ids);
}

static json_t *records_of(const struct result_file *f)
{
	return f->kind == RK_RUN ? jget(f->doc, "records") : NULL;
}

/* Do f's records belong to the machine of column c? */
static bool same_machine(const struct result_file *f, const struct column *c)
{
	static const char *const keys[] = { "hostname", "arch", "kernel" };
	char a[128], b[128];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(host_fact(f, keys[i], a, sizeof(a)),
			   host_fact(c->f, keys[i], b, sizeof(b))))
			return false;
	return json_is_object(jget(f->meta, "vm")) ==
	       json_is_object(jget(c->f->meta, "vm"));
}

static json_t *find_record(const struct matrix *m, const struct column *c,
			   const char *id)
{
	json_t *r, *found = NULL;
	size_t i;

	for (size_t f = 0; f < m->set->n; f++) {
		if (!same_machine(&m->set->f[f], c))
			continue;
		json_array_foreach(records_of(&m->set->f[f]), i, r)
			if (!strcmp(jstr(r, "id", ""), id) &&
			    !strcmp(jstr(r, "target", ""), c->target) &&
			    is_control(r) == c->control)
				found = r;
	}
	return found;
}

static bool has_column(const struct matrix *m, const struct result_file *f,
		       const json_t *r)
{
	for (size_t i = 0; i < m->ncols; i++)
		if (!strcmp(m->cols[i].target, jstr(r, "target", "")) &&
		    m->cols[i].control == is_control(r) &&
		    same_machine(f, &m->cols[i]))
			return true;
	return false;
}

static bool has_id(const struct matrix *m, const char *id)
{
	for (size_t i = 0; i < m->nids; i++)
		if (!strcmp(m->ids[i], id))
			return true;
	return false;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The host facts that tell columns of the same base apart, in order. */
static const char *const qualifiers[] = { "arch", "kernel", "hostname" };

static void base_label(struct column *c)
{
	char arch[64];

	if (strcmp(c->target, "host") != 0)
		snprintf(c->label, sizeof(c->label), "%s", c->target);
	else if (json_is_object(jget(c->f->meta, "vm")) ||
		 !strcmp(host_fact(c->f, "hostname", arch, sizeof(arch)),
			 "boxcheck-vm"))
		snprintf(c->label, sizeof(c->label), "vm %s",
			 host_fact(c->f, "arch", arch, sizeof(arch)));
	else
		snprintf(c->label, sizeof(c->label), "host%s",
			 c->control ? " (control)" : "");
}

/* Add what differs among columns with the same label, then a number. */
static void qualify_labels(struct matrix *m)
{
	char a[128], b[128];

	if (!m->ncols)
		return;
	for (size_t q = 0; q <= ARRAY_SIZE(qualifiers); q++) {
		_cleanup_free_ bool *dup = calloc(m->ncols, sizeof(bool));
		for (size_t i = 0; dup && i < m->ncols; i++)
			for (size_t j = 0; j < m->ncols; j++)
				if (i != j &&
				    !strcmp(m->cols[i].label, m->cols[j].label))
					dup[i] = true;
		for (size_t i = 0; dup && i < m->ncols; i++) {
			struct column *c = &m->cols[i];
			size_t len = strlen(c->label);
			if (!dup[i])
				continue;
			if (q == ARRAY_SIZE(qualifiers)) {
				snprintf(c->label + len, sizeof(c->label) - len,
					 " #%zu", i + 1);
				continue;
			}
			host_fact(c->f, qualifiers[q], a, sizeof(a));
			bool differs = false;
			for (size_t j = 0; j < m->ncols; j++)
				if (dup[j] && strcmp(host_fact(m->cols[j].f,
							       qualifiers[q], b,
							       sizeof(b)),
						     a))
					differs = true;
			if (differs && *a)
				snprintf(c->label + len, sizeof(c->label) - len,
					 " %s", a);
		}
	}
}

static int matrix_build(const struct result_set *set, struct matrix *m)
{
	size_t cap = 0;
	json_t *r;
	size_t i;

	memset(m, 0, sizeof(*m));
	m->set = set;
	for (size_t f = 0; f < set->n; f++)
		cap += json_array_size(records_of(&set->f[f]));
	m->cols = calloc(cap + 1, sizeof(*m->cols));
	m->ids = calloc(cap + 1, sizeof(*m->ids));
	if (!m->cols || !m->ids)
		return matrix_free(m), -ENOMEM;
	for (size_t f = 0; f < set->n; f++) {
		json_array_foreach(records_of(&set->f[f]), i, r) {
			const char *t = jstr(r, "target", ""),
				   *id = jstr(r, "id", "");
			if (!has_column(m, &set->f[f], r)) {
				struct column *c = &m->cols[m->ncols++];
				c->f = &set->f[f];
				c->target = t;
				c->control = is_control(r);
				base_label(c);
			}
			if (!has_id(m, id))
				m->ids[m->nids++] = id;
		}
	}
	qsort(m->ids, m->nids, sizeof(*m->ids), cmp_str);
	qualify_labels(m);
	return 0;
}

static int verdict_index(const char *v)
{
	static const char *const names[] = { "pass", "fail", "skip", "error" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(v, names[i]))
			return i;
	return 3;
}

void run_tally(const struct result_set *set, struct report_summary *sum)
{
	struct matrix m;

	if (matrix_build(set, &m) < 0)
		return;
	sum->scenarios = m.nids;
	sum->columns = m.ncols;
	for (size_t c = 0; c < m.ncols; c++)
		for (size_t i = 0; i < m.nids; i++) {
			json_t *r = find_record(&m, &m.cols[c], m.ids[i]);
			if (r && !m.cols[c].control)
				sum->verdicts[verdict_index(
					jstr(r, "verdict", ""))]++;
		}
	matrix_free(&m);
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

	return (!strcmp(v, "fail") || !strcmp(v, "error")) && !is_control(r);
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

	cell_set(c, v, is_control(r) ? "none" : v);
	if (is_control(r))
		cell_extra(&c->sub, "the control: not counted");
	else
		cell_extra(&c->sub, "control: %s",
			   jstr(jget(r, "control"), "outcome", "?"));
	cell_extra(&c->hover, "%s", reason);
	if (strcmp(v, "pass") != 0 && *reason && !is_control(r))
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

int render_matrix(struct doc *d, const struct result_set *set,
		  struct report_summary *sum)
{
	struct matrix m;
	struct table t;
	int r = matrix_build(set, &m);

	(void)sum;
	if (r < 0)
		return r;
	r = table_init(&t, "matrix-table", m.ncols + 1, m.nids);
	if (r < 0)
		return matrix_free(&m), r;
	d->ops->para(d, "Each scenario runs isolated and as a control without "
			"the isolating step: it passes only when the property "
			"holds isolated and is absent in the control. Skip and "
			"failure reasons show on hover and as notes.");
	cell_set(&t.head[0], "scenario", NULL);
	for (size_t c = 0; c < m.ncols; c++)
		column_head(&t.head[c + 1], &m.cols[c]);
	for (size_t row = 0; row < m.nids; row++) {
		struct cell *id = table_at(&t, row, 0);
		cell_set(id, m.ids[row], "id");
		for (size_t c = 0; c < m.ncols; c++) {
			json_t *rec = find_record(&m, &m.cols[c], m.ids[row]);
			if (rec && !id->hover)
				cell_extra(&id->hover, "%s: %s",
					   jstr(rec, "title", ""),
					   jstr(rec, "property", ""));
			struct cell *cell = table_at(&t, row, c + 1);
			if (rec)
				fill_cell(cell, rec);
			else
				cell_set(cell, "-", "none");
		}
	}
	d->ops->table(d, &t);
	table_free(&t);
	matrix_free(&m);
	return 0;
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
	for (size_t c = 0; c < m.ncols; c++)
		for (size_t i = 0; i < m.nids; i++) {
			json_t *rec = find_record(&m, &m.cols[c], m.ids[i]);
			n += rec && is_failure(rec);
		}
	r = table_init(&t, "failures-table", ARRAY_SIZE(head), n);
	if (r < 0)
		return matrix_free(&m), r;
	for (size_t i = 0; i < ARRAY_SIZE(head); i++)
		cell_set(&t.head[i], head[i], NULL);
	for (size_t i = 0; i < m.nids; i++)
		for (size_t c = 0; c < m.ncols; c++) {
			json_t *rec = find_record(&m, &m.cols[c], m.ids[i]);
			if (rec && is_failure(rec))
				failure_row(&t, row++, &m.cols[c], rec);
		}
	d->ops->table(d, &t);
	table_free(&t);
	matrix_free(&m);
	return 0;
}
