// SPDX-License-Identifier: MIT
/*
 * report_head.c - what a reader came for, before any long table: the
 * headline (the machine: kernel, arch, cgroup mode; how many properties
 * hold; one line per other machine, per runtime and for the control) and
 * one line per area. As lines of text, so that `boxcheck report` prints
 * them too.
 */
#include "report.h"
#include "matrix.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define REASON_MAX 100
#define LIST_MAX 3

void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int lines_add(struct lines *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int lines_add(struct lines *l, const char *fmt, ...)
{
	char **v = reallocarray(l->v, l->n + 1, sizeof(*v));
	va_list ap;
	int r;

	if (!v)
		return -ENOMEM;
	l->v = v;
	va_start(ap, fmt);
	r = vasprintf(&l->v[l->n], fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	l->n++;
	return 0;
}

/* "Linux 6.1.0 x86_64, cgroup hybrid" from f's host facts. */
static void machine_text(const struct result_file *f, char *buf, size_t len)
{
	const json_t *cg = jget(f->host, "cgroup");
	char kernel[128], arch[64];

	snprintf(buf, len, "Linux %s %s, cgroup %s",
		 host_fact(f, "kernel", kernel, sizeof(kernel)),
		 host_fact(f, "arch", arch, sizeof(arch)),
		 jstr(cg, "mode", "mode unknown"));
}

/* The column the headline leads with: this host's suite. */
static ssize_t main_column(const struct matrix *m)
{
	for (int vm = 0; vm < 2; vm++)
		for (size_t c = 0; c < m->ncols; c++)
			if (!strcmp(m->cols[c].target, "host") &&
			    !m->cols[c].control && m->cols[c].vm == vm)
				return c;
	return -1;
}

static void column_tally(const struct matrix *m, size_t c, struct vtally *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < m->nrows; i++)
		if (m->rows[i].cell[c])
			vtally_add(t, jstr(m->rows[i].cell[c], "verdict", ""));
}

/*
 * What did not pass in column c, short: "; failed: caps-default,
 * ro-root" (ids without their area, up to LIST_MAX), or when nothing
 * passed and the first error says why: "; crun did not start: ...".
 */
static void failures_text(const struct matrix *m, size_t c,
			  const struct vtally *t, char *buf, size_t len)
{
	size_t at = 0, n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < m->nrows && at < len; i++) {
		const json_t *r = m->rows[i].cell[c];
		const char *id = r ? jstr(r, "id", "") : "";
		int v = r ? verdict_index(jstr(r, "verdict", "")) : VI_PASS;
		if (v != VI_FAIL && v != VI_ERROR)
			continue;
		if (!t->n[VI_PASS] && v == VI_ERROR && !n) {
			const char *why = jstr(r, "reason", "");
			snprintf(buf, len, "; %.*s%s", REASON_MAX, why,
				 strlen(why) > REASON_MAX ? "..." : "");
			return;
		}
		if (n++ == LIST_MAX) {
			snprintf(buf + at, len - at, ", ...");
			return;
		}
		id += strchr(id, '/') ? strchr(id, '/') - id + 1 : 0;
		at += snprintf(buf + at, len - at, "%s%s",
			       n == 1 ? "; not passed: " : ", ", id);
	}
}

static int column_line(struct lines *out, const struct matrix *m, size_t c)
{
	const struct column *col = &m->cols[c];
	char text[256], machine[256], why[256];
	struct vtally t;

	column_tally(m, c, &t);
	if (col->control) {
		control_text(text, sizeof(text), &t);
		return lines_add(out, "%s: %s", col->label, text);
	}
	if (!strcmp(col->target, "host")) {
		holds_text(text, sizeof(text), &t);
		machine_text(col->f, machine, sizeof(machine));
		return lines_add(out, "%s (%s): %s", col->label, machine, text);
	}
	passed_text(text, sizeof(text), &t);
	failures_text(m, c, &t, why, sizeof(why));
	return lines_add(out, "%s: %s%s", col->label, text, why);
}

/*
 * Many machines: the lead counts them and buckets what holds on each;
 * then one line per (arch, kernel) group does the same for its machines.
 */
static int many_machines(struct lines *out, const struct matrix *m)
{
	_cleanup_free_ size_t *cols = calloc(m->ncols + 1, sizeof(*cols));
	_cleanup_free_ char(*texts)[128] = calloc(m->ncols + 1, sizeof(*texts));
	char buf[1024];
	struct vtally t;
	size_t n = 0;
	int r;

	if (!cols || !texts)
		return -ENOMEM;
	for (size_t g = 0; g <= m->ngroups; g++) {
		n = 0;
		/* g == ngroups: every machine, for the lead (first) */
		for (size_t c = 0; c < m->ncols; c++) {
			if (!m->cols[c].machine ||
			    (g < m->ngroups && m->cols[c].group != g))
				continue;
			column_tally(m, c, &t);
			holds_text(texts[n], sizeof(texts[n]), &t);
			cols[n++] = c;
		}
		if (!n)
			continue;
		matrix_buckets(m, cols, n, texts, buf, sizeof(buf));
		if (g == m->ngroups)
			r = lines_add(out,
				      "%zu machines in %zu groups of arch "
				      "and kernel: %s",
				      n, m->ngroups, buf);
		else
			r = lines_add(out, "%s (%zu machine%s): %s",
				      m->cols[cols[0]].group_label, n,
				      n == 1 ? "" : "s", buf);
		if (r < 0)
			return r;
		/* the lead first: move it before the groups */
		if (g == m->ngroups) {
			char *lead = out->v[out->n - 1];
			memmove(out->v + 1, out->v,
				(out->n - 1) * sizeof(*out->v));
			out->v[0] = lead;
		}
	}
	return 0;
}

/* The runtimes, then the control (the machines are said already). */
static int other_columns(struct lines *out, const struct matrix *m)
{
	int r = 0;

	for (int pass = 1; pass < 3 && r == 0; pass++)
		for (size_t c = 0; c < m->ncols && r == 0; c++) {
			const struct column *col = &m->cols[c];
			int kind = col->control ? 2 : col->machine ? 0 : 1;
			if (kind == pass)
				r = column_line(out, m, c);
		}
	return r;
}

int report_headline(const struct result_set *set, struct lines *out)
{
	char machine[256], text[256];
	struct matrix m;
	struct vtally t;
	ssize_t main;
	int r;

	memset(out, 0, sizeof(*out));
	r = matrix_build(set, &m);
	if (r < 0)
		return r;
	if (m.nmachines > MATRIX_MANY_MACHINES) {
		r = many_machines(out, &m);
		r = r ?: other_columns(out, &m);
		matrix_free(&m);
		if (r < 0)
			lines_free(out);
		return r;
	}
	main = main_column(&m);
	if (main >= 0) {
		column_tally(&m, main, &t);
		holds_text(text, sizeof(text), &t);
		machine_text(m.cols[main].f, machine, sizeof(machine));
		/* No host column but a VM's: say so, as its own line would. */
		if (m.cols[main].vm)
			r = lines_add(out, "%s (%s): %s", m.cols[main].label,
				      machine, text);
		else
			r = lines_add(out, "%s: %s", machine, text);
	} else if (set->n) {
		machine_text(&set->f[0], machine, sizeof(machine));
		r = lines_add(out, "%s", machine);
	}
	/* Other machines, then the runtimes, then the control. */
	for (int pass = 0; pass < 3 && r == 0; pass++)
		for (size_t c = 0; c < m.ncols && r == 0; c++) {
			const struct column *col = &m.cols[c];
			int kind = col->control			 ? 2
				   : strcmp(col->target, "host") ? 1
								 : 0;
			if (kind == pass && (ssize_t)c != main)
				r = column_line(out, &m, c);
		}
	matrix_free(&m);
	if (r < 0)
		lines_free(out);
	return r;
}

int report_area_lines(const struct result_set *set, struct lines *out)
{
	char line[512];
	struct matrix m;
	int r;

	memset(out, 0, sizeof(*out));
	r = matrix_build(set, &m);
	if (r < 0)
		return r;
	for (size_t first = 0; r == 0 && first < m.nrows;
	     first = matrix_area_end(&m, first)) {
		matrix_area_line(&m, first, line, sizeof(line));
		r = lines_add(out, "%s", line);
	}
	matrix_free(&m);
	if (r < 0)
		lines_free(out);
	return r;
}

int render_headline(struct doc *d, const struct result_set *set,
		    struct report_summary *sum)
{
	struct lines l;
	int r = report_headline(set, &l);

	(void)sum;
	if (r < 0)
		return r;
	if (l.n)
		d->ops->lead(d, l.v[0]);
	if (l.n > 1)
		d->ops->list(d, (const char *const *)l.v + 1, l.n - 1);
	lines_free(&l);
	return 0;
}

int render_areas(struct doc *d, const struct result_set *set,
		 struct report_summary *sum)
{
	struct lines l;
	int r = report_area_lines(set, &l);

	(void)sum;
	if (r < 0)
		return r;
	d->ops->list(d, (const char *const *)l.v, l.n);
	lines_free(&l);
	return 0;
}
