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

/* Are files a and b from the same machine? */
static bool same_machine(const struct result_file *a,
			 const struct result_file *b)
{
	static const char *const keys[] = { "hostname", "arch", "kernel" };
	char x[128], y[128];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(host_fact(a, keys[i], x, sizeof(x)),
			   host_fact(b, keys[i], y, sizeof(y))))
			return false;
	return json_is_object(jget(a->meta, "vm")) ==
	       json_is_object(jget(b->meta, "vm"));
}

/* Each file's machine: the index of the first file of the same machine. */
static int machine_ids(struct matrix *m)
{
	const struct result_set *set = m->set;

	m->mid = calloc(set->n + 1, sizeof(*m->mid));
	if (!m->mid)
		return -ENOMEM;
	for (size_t f = 0; f < set->n; f++) {
		m->mid[f] = f;
		for (size_t g = 0; g < f; g++)
			if (m->mid[g] == g &&
			    same_machine(&set->f[f], &set->f[g])) {
				m->mid[f] = g;
				break;
			}
	}
	return 0;
}

/* The column of record r of file f among the first n; n if none. */
static size_t column_of(const struct matrix *m, size_t n, size_t f,
			const json_t *r)
{
	const char *target = jstr(r, "target", "");
	bool control = record_is_control(r);

	for (size_t i = 0; i < n; i++)
		if (m->cols[i].mid == m->mid[f] &&
		    m->cols[i].control == control &&
		    !strcmp(m->cols[i].target, target))
			return i;
	return n;
}

/* The row of id among the first n; n if none. */
static size_t row_of(const struct mrow *rows, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(rows[i].key.id, id))
			return i;
	return n;
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
		/* the labels as they were: a fact qualifies a label when it
		 * differs among the columns of that same label only */
		_cleanup_free_ char(*was)[sizeof(m->cols->label)] =
			calloc(m->ncols, sizeof(*was));
		if (!was)
			return;
		for (size_t i = 0; i < m->ncols; i++)
			memcpy(was[i], m->cols[i].label, sizeof(was[i]));
		for (size_t i = 0; dup && i < m->ncols; i++)
			for (size_t j = 0; j < m->ncols; j++)
				if (i != j && !strcmp(was[i], was[j]))
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
				if (dup[j] && !strcmp(was[j], was[i]) &&
				    strcmp(host_fact(m->cols[j].f,
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
	free(m->cols), free(m->rows), free(m->cells), free(m->mid);
	memset(m, 0, sizeof(*m));
}

/* Where each record goes, in the order of the files and their records. */
struct place {
	size_t row, col;
};

static void new_column(struct matrix *m, size_t f, const json_t *r)
{
	struct column *c = &m->cols[m->ncols++];

	c->f = &m->set->f[f];
	c->mid = m->mid[f];
	c->target = jstr(r, "target", "");
	c->control = record_is_control(r);
	c->machine = !strcmp(c->target, "host") && !c->control;
	c->vm = file_is_vm(c->f);
	base_label(c);
}

/*
 * Every column and every id, in the order first seen (at most cap each),
 * and where each record goes (place[], cap long).
 */
static void collect(struct matrix *m, size_t cap, struct place *place)
{
	const struct result_set *set = m->set;
	size_t k = 0, i;
	json_t *r;

	m->ncols = m->nrows = 0;
	for (size_t f = 0; f < set->n; f++) {
		json_array_foreach(records_of(&set->f[f]), i, r) {
			const char *id = jstr(r, "id", "");
			size_t col = column_of(m, m->ncols, f, r);
			size_t row = row_of(m->rows, m->nrows, id);
			if (k == cap)
				return;
			if (col == m->ncols)
				new_column(m, f, r);
			if (row == m->nrows)
				m->rows[m->nrows++].key.id = id;
			place[k++] = (struct place){ row, col };
		}
	}
}

/* "x86_64, Linux 6.1.0-28-amd64": what a group's columns share. */
static void group_label(const struct column *c, char *buf, size_t len)
{
	char a[64], k[128];

	snprintf(buf, len, "%s, Linux %s",
		 host_fact(c->f, "arch", a, sizeof(a)),
		 host_fact(c->f, "kernel", k, sizeof(k)));
}

/*
 * Group the columns by (arch, kernel), groups in the order first seen,
 * columns within a group as they were; place[] follows them.
 */
static int group_columns(struct matrix *m, struct place *place, size_t n)
{
	_cleanup_free_ size_t *to = calloc(m->ncols + 1, sizeof(*to));
	_cleanup_free_ struct column *old = calloc(m->ncols + 1, sizeof(*old));
	size_t k = 0;

	if (!to || !old)
		return -ENOMEM;
	m->ngroups = 0;
	for (size_t i = 0; i < m->ncols; i++) {
		struct column *c = &m->cols[i];
		size_t g;
		group_label(c, c->group_label, sizeof(c->group_label));
		for (g = 0; g < i; g++)
			if (!strcmp(m->cols[g].group_label, c->group_label))
				break;
		c->group = g < i ? m->cols[g].group : m->ngroups++;
	}
	memcpy(old, m->cols, m->ncols * sizeof(*old));
	for (size_t g = 0; g < m->ngroups; g++)
		for (size_t i = 0; i < m->ncols; i++)
			if (old[i].group == g) {
				to[i] = k;
				m->cols[k++] = old[i];
			}
	for (size_t p = 0; p < n; p++)
		place[p].col = to[place[p].col];
	return 0;
}

/* The label without the words the group header says (arch, kernel). */
static void short_name(struct column *c)
{
	char a[64], k[128], copy[128], *save = NULL;
	const char *arch = host_fact(c->f, "arch", a, sizeof(a));
	const char *kernel = host_fact(c->f, "kernel", k, sizeof(k));
	size_t at = 0;

	snprintf(copy, sizeof(copy), "%s", c->label);
	c->name[0] = '\0';
	for (char *w = strtok_r(copy, " ", &save); w;
	     w = strtok_r(NULL, " ", &save))
		if (strcmp(w, arch) && strcmp(w, kernel) &&
		    at < sizeof(c->name))
			at += snprintf(c->name + at, sizeof(c->name) - at,
				       "%s%s", at ? " " : "", w);
	/* a machine's own suite: its hostname says more than "host" */
	if (c->machine && !strncmp(c->name, "host ", 5))
		memmove(c->name, c->name + 5, strlen(c->name + 5) + 1);
	if (!c->name[0])
		snprintf(c->name, sizeof(c->name), "%s", c->label);
}

void matrix_row_tally(const struct matrix *m, const struct mrow *row,
		      struct vtally *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t c = 0; c < m->ncols; c++)
		if (row->cell[c] && !m->cols[c].control)
			vtally_add(t, jstr(row->cell[c], "verdict", ""));
}

static size_t count_records(const struct result_set *set)
{
	size_t cap = 0;

	for (size_t f = 0; f < set->n; f++)
		cap += json_array_size(records_of(&set->f[f]));
	return cap;
}

/* Fill the cells from place[]: a later file (or record) wins a cell. */
static void fill_cells(struct matrix *m, const struct place *place, size_t n)
{
	size_t k = 0, i;
	json_t *r;

	for (size_t f = 0; f < m->set->n; f++)
		json_array_foreach(records_of(&m->set->f[f]), i, r) {
			if (k == n)
				return;
			m->cells[place[k].row * m->ncols + place[k].col] = r;
			k++;
		}
}

int matrix_build(const struct result_set *set, struct matrix *m)
{
	size_t cap = count_records(set);
	_cleanup_free_ struct place *place = calloc(cap + 1, sizeof(*place));
	int r;

	*m = (struct matrix){ .set = set };
	m->cols = calloc(cap + 1, sizeof(*m->cols));
	m->rows = calloc(cap + 1, sizeof(*m->rows));
	if (!m->cols || !m->rows || !place || machine_ids(m) < 0)
		return matrix_free(m), -ENOMEM;
	collect(m, cap, place);
	r = group_columns(m, place, cap);
	m->cells = calloc(m->nrows * m->ncols + 1, sizeof(*m->cells));
	if (r < 0 || !m->cells)
		return matrix_free(m), -ENOMEM;
	fill_cells(m, place, cap);
	qualify_labels(m);
	for (size_t c = 0; c < m->ncols; c++) {
		short_name(&m->cols[c]);
		m->nmachines += m->cols[c].machine;
	}
	for (size_t i = 0; i < m->nrows; i++) {
		struct mrow *row = &m->rows[i];
		struct vtally t;
		row->cell = m->cells + i * m->ncols;
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

bool matrix_row_uniform(const struct matrix *m, const struct mrow *row)
{
	const char *first = NULL;

	for (size_t c = 0; c < m->ncols; c++) {
		const json_t *r = row->cell[c];
		if (m->cols[c].control ||
		    (!r && !matrix_col_in_area(m, c, &row->key.area)))
			continue;
		if (!r)
			return false;
		if (!first)
			first = jstr(r, "verdict", "");
		else if (strcmp(first, jstr(r, "verdict", "")))
			return false;
	}
	return true;
}

/* At most this many names in a bucket; more are counted. */
#define BUCKET_NAMES 3

void matrix_buckets(const struct matrix *m, const size_t *cols, size_t n,
		    char (*texts)[128], char *buf, size_t len)
{
	_cleanup_free_ bool *done = calloc(n + 1, sizeof(*done));
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; done && i < n && at < len; i++) {
		size_t k = 0, shown = 0;
		if (done[i])
			continue;
		for (size_t j = i; j < n; j++)
			k += !done[j] && !strcmp(texts[i], texts[j]);
		at += snprintf(buf + at, len - at, "%s%s on ", at ? ", " : "",
			       texts[i]);
		for (size_t j = i; j < n && at < len; j++) {
			if (done[j] || strcmp(texts[i], texts[j]))
				continue;
			done[j] = true;
			if (k > BUCKET_NAMES)
				continue;
			at += snprintf(buf + at, len - at, "%s%s",
				       shown++ ? ", " : "",
				       m->cols[cols[j]].name);
		}
		if (k > BUCKET_NAMES && at < len)
			at += snprintf(buf + at, len - at, "%zu machines", k);
	}
}

/* Many machines: their ratios in buckets, then the other columns. */
static void area_line_many(const struct matrix *m, size_t first, char *buf,
			   size_t len)
{
	const struct area_key *a = &m->rows[first].key.area;
	_cleanup_free_ size_t *cols = calloc(m->ncols + 1, sizeof(*cols));
	_cleanup_free_ char(*texts)[128] = calloc(m->ncols + 1, sizeof(*texts));
	size_t n = 0, at;
	struct vtally t;

	if (!cols || !texts)
		return (void)snprintf(buf, len, "%.*s", (int)a->len, a->name);
	for (size_t c = 0; c < m->ncols; c++) {
		if (!m->cols[c].machine || !matrix_col_in_area(m, c, a))
			continue;
		matrix_area_tally(m, first, c, &t);
		ratio_text(texts[n], sizeof(texts[n]), &t);
		cols[n++] = c;
	}
	at = snprintf(buf, len, "%.*s: ", (int)a->len, a->name);
	if (at < len)
		matrix_buckets(m, cols, n, texts, buf + at, len - at);
	for (size_t c = 0; c < m->ncols && (at = strlen(buf)) < len; c++) {
		if (m->cols[c].control || m->cols[c].machine ||
		    !matrix_col_in_area(m, c, a))
			continue;
		matrix_area_tally(m, first, c, &t);
		ratio_text(texts[0], sizeof(texts[0]), &t);
		snprintf(buf + at, len - at, "%s%s %s", n++ ? ", " : "",
			 m->cols[c].label, texts[0]);
	}
}

void matrix_area_line(const struct matrix *m, size_t first, char *buf,
		      size_t len)
{
	const struct area_key *a = &m->rows[first].key.area;
	size_t counted = 0, at, only = 0;
	struct vtally t;
	char r[128];

	if (m->nmachines > MATRIX_MANY_MACHINES)
		return area_line_many(m, first, buf, len);
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
