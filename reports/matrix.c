// SPDX-License-Identifier: MIT
/*
 * matrix.c - run-kind records as a matrix (matrix.h). The suite's records
 * and validate's `host` target on the same machine share the "host"
 * machine; a VM (meta.vm, or the VM init's hostname "boxcheck-vm") is
 * "vm ARCH"; validate's runtimes are named after themselves. When the same
 * cell is in two files, the later file wins.
 */
#include "matrix.h"
#include "../primitives/base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool record_is_control(const json_t *r)
{
	return !strcmp(jstr(r, "target", ""), "host") &&
	       !strncmp(jstr(r, "id", ""), "validate/", 9);
}

static json_t *records_of(const struct result_file *f)
{
	return f->kind == RK_RUN ? jget(f->doc, "records") : NULL;
}

static bool file_is_vm(const struct result_file *f)
{
	char host[128];

	return json_is_object(jget(f->meta, "vm")) ||
	       !strcmp(host_fact(f, "hostname", host, sizeof(host)),
		       "boxcheck-vm");
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
			    record_is_control(r) == c->control)
				found = r;
	}
	return found;
}

static bool has_column(const struct column *cols, size_t n,
		       const struct result_file *f, const json_t *r)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(cols[i].target, jstr(r, "target", "")) &&
		    cols[i].control == record_is_control(r) &&
		    same_machine(f, &cols[i]))
			return true;
	return false;
}

static bool has_id(const struct mrow *rows, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].key.id, id))
			return true;
	return false;
}

/* The host facts that tell columns of the same base apart, in order. */
static const char *const qualifiers[] = { "arch", "kernel", "hostname" };

static void base_label(struct column *c)
{
	char arch[64];

	if (strcmp(c->target, "host") != 0)
		snprintf(c->label, sizeof(c->label), "%s", c->target);
	else if (c->vm)
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
			/* host_fact returns the fact, in buf only when it
			 * is not a string: read what it returns */
			const char *mine =
				host_fact(c->f, qualifiers[q], a, sizeof(a));
			bool differs = false;
			for (size_t j = 0; j < m->ncols; j++)
				if (dup[j] && strcmp(host_fact(m->cols[j].f,
							       qualifiers[q], b,
							       sizeof(b)),
						     mine))
					differs = true;
			if (differs && *mine)
				snprintf(c->label + len, sizeof(c->label) - len,
					 " %s", mine);
		}
	}
}

void matrix_free(struct matrix *m)
{
	free(m->cols), free(m->rows), free(m->cells);
	memset(m, 0, sizeof(*m));
}

/*
 * Every column and every id, in the order first seen (at most cap each).
 * The counts are local until the end: the analyzer then knows them.
 */
static void collect(struct matrix *m, size_t cap)
{
	const struct result_set *set = m->set;
	size_t ncols = 0, nrows = 0, i;
	json_t *r;

	for (size_t f = 0; f < set->n; f++) {
		json_array_foreach(records_of(&set->f[f]), i, r) {
			const char *id = jstr(r, "id", "");
			if (ncols == cap || nrows == cap)
				break;
			if (!has_column(m->cols, ncols, &set->f[f], r)) {
				struct column *c = &m->cols[ncols++];
				c->f = &set->f[f];
				c->target = jstr(r, "target", "");
				c->control = record_is_control(r);
				c->vm = file_is_vm(c->f);
				base_label(c);
			}
			if (!has_id(m->rows, nrows, id))
				m->rows[nrows++].key.id = id;
		}
	}
	m->ncols = ncols, m->nrows = nrows;
}

void matrix_row_tally(const struct matrix *m, const struct mrow *row,
		      struct vtally *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t c = 0; c < m->ncols; c++)
		if (row->cell[c] && !m->cols[c].control)
			vtally_add(t, jstr(row->cell[c], "verdict", ""));
}

int matrix_build(const struct result_set *set, struct matrix *m)
{
	size_t cap = 0;

	*m = (struct matrix){ .set = set };
	for (size_t f = 0; f < set->n; f++)
		cap += json_array_size(records_of(&set->f[f]));
	m->cols = calloc(cap + 1, sizeof(*m->cols));
	m->rows = calloc(cap + 1, sizeof(*m->rows));
	if (!m->cols || !m->rows)
		return matrix_free(m), -ENOMEM;
	collect(m, cap);
	m->cells = calloc(m->nrows * m->ncols + 1, sizeof(*m->cells));
	if (!m->cells)
		return matrix_free(m), -ENOMEM;
	qualify_labels(m);
	for (size_t i = 0; i < m->nrows; i++) {
		struct mrow *row = &m->rows[i];
		struct vtally t;
		row->cell = m->cells + i * m->ncols;
		for (size_t c = 0; c < m->ncols; c++)
			row->cell[c] = find_record(m, &m->cols[c], row->key.id);
		matrix_row_tally(m, row, &t);
		row->key.area = area_of(row->key.id);
		row->key.rank = row_rank(&t);
	}
	qsort(m->rows, m->nrows, sizeof(*m->rows), row_cmp);
	return 0;
}

bool matrix_col_in_area(const struct matrix *m, size_t c,
			const struct area_key *area)
{
	for (size_t i = 0; i < m->nrows; i++)
		if (m->rows[i].cell[c] && area_same(&m->rows[i].key.area, area))
			return true;
	return false;
}

size_t matrix_area_end(const struct matrix *m, size_t first)
{
	size_t i = first;

	while (i < m->nrows &&
	       area_same(&m->rows[i].key.area, &m->rows[first].key.area))
		i++;
	return i;
}

void matrix_area_tally(const struct matrix *m, size_t first, size_t c,
		       struct vtally *t)
{
	size_t end = matrix_area_end(m, first);

	memset(t, 0, sizeof(*t));
	for (size_t i = first; i < end; i++)
		if (m->rows[i].cell[c])
			vtally_add(t, jstr(m->rows[i].cell[c], "verdict", ""));
}

void matrix_area_line(const struct matrix *m, size_t first, char *buf,
		      size_t len)
{
	const struct area_key *a = &m->rows[first].key.area;
	size_t counted = 0, at, only = 0;
	struct vtally t;
	char r[128];

	for (size_t c = 0; c < m->ncols; c++)
		if (!m->cols[c].control && matrix_col_in_area(m, c, a))
			counted++, only = c;
	if (counted == 1) {
		matrix_area_tally(m, first, only, &t);
		ratio_text(r, sizeof(r), &t);
	} else if (!counted) {
		snprintf(r, sizeof(r), "(the control only)");
	}
	if (counted <= 1) {
		snprintf(buf, len, "%.*s %s", (int)a->len, a->name, r);
		return;
	}
	at = snprintf(buf, len, "%.*s:", (int)a->len, a->name);
	for (size_t c = 0; c < m->ncols && at < len; c++) {
		if (m->cols[c].control || !matrix_col_in_area(m, c, a))
			continue;
		matrix_area_tally(m, first, c, &t);
		ratio_text(r, sizeof(r), &t);
		at += snprintf(buf + at, len - at, "%s %s %s",
			       at > a->len + 1 ? "," : "", m->cols[c].label, r);
	}
}
