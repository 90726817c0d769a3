// SPDX-License-Identifier: MIT
/*
 * matrix: scenario x {host, VMs} from `boxcheck run --json` files.
 *
 *   matrix [--text FILE] [--markdown FILE] LABEL=RESULTS.json...
 *
 * The text table goes to stdout as well. A column whose file is missing or
 * not a boxcheck-results document counts as an error. Exit 0 when no cell
 * is fail or error, 1 otherwise, 2 on bad usage.
 */
#include "../../primitives/base.h"

#include <jansson.h>
#include <string.h>

#define MAX_COLS 8
#define MAX_ROWS 512

struct col {
	const char *label, *path;
	json_t *doc;	/* NULL: unreadable */
	char what[256]; /* kernel, arch, cgroup mode; or the load error */
};

struct row {
	const char *id;
	const char *verdict[MAX_COLS]; /* NULL: not in that column */
	const char *reason[MAX_COLS];
};

struct matrix {
	struct col col[MAX_COLS];
	int n_cols;
	struct row row[MAX_ROWS];
	int n_rows;
	int bad; /* fail, error or missing cells */
};

static const char *str(json_t *o, const char *path)
{
	char key[64];
	const char *dot = strchr(path, '.');

	if (!dot)
		return json_string_value(json_object_get(o, path));
	snprintf(key, sizeof(key), "%.*s", (int)(dot - path), path);
	return str(json_object_get(o, key), dot + 1);
}

static void load(struct col *c)
{
	json_error_t e;
	json_t *host;

	c->doc = json_load_file(c->path, 0, &e);
	if (!c->doc) {
		snprintf(c->what, sizeof(c->what), "no results: %s: %s",
			 c->path, e.text);
		return;
	}
	if (!json_is_array(json_object_get(c->doc, "records")) ||
	    strcmp(str(c->doc, "format") ?: "", "boxcheck-results") != 0) {
		snprintf(c->what, sizeof(c->what),
			 "no results: %s is not boxcheck-results", c->path);
		json_decref(c->doc);
		c->doc = NULL;
		return;
	}
	host = json_object_get(json_object_get(c->doc, "meta"), "host");
	snprintf(c->what, sizeof(c->what), "kernel %s %s, cgroup %s, %s",
		 str(host, "kernel") ?: "?", str(host, "arch") ?: "?",
		 str(host, "cgroup.mode") ?: "?",
		 str(host, "virtualization") ?: "?");
}

static struct row *row_of(struct matrix *m, const char *id)
{
	for (int i = 0; i < m->n_rows; i++)
		if (strcmp(m->row[i].id, id) == 0)
			return &m->row[i];
	if (m->n_rows == MAX_ROWS)
		return NULL;
	m->row[m->n_rows].id = id;
	return &m->row[m->n_rows++];
}

static void fill(struct matrix *m)
{
	for (int k = 0; k < m->n_cols; k++) {
		json_t *recs = json_object_get(m->col[k].doc, "records"), *r;
		size_t i;

		json_array_foreach(recs, i, r) {
			struct row *row = row_of(m, str(r, "id") ?: "?");
			if (!row)
				break;
			row->verdict[k] = str(r, "verdict") ?: "?";
			row->reason[k] = str(r, "reason") ?: "";
		}
	}
	for (int i = 0; i < m->n_rows; i++)
		for (int k = 0; k < m->n_cols; k++) {
			const char *v = m->row[i].verdict[k];
			if (!m->col[k].doc)
				m->row[i].verdict[k] = v = "error";
			else if (!v)
				m->row[i].verdict[k] = v = "absent";
			m->bad += !strcmp(v, "fail") || !strcmp(v, "error");
		}
	for (int k = 0; k < m->n_cols; k++)
		m->bad += !m->col[k].doc;
}

static bool row_differs(const struct row *r, int n_cols)
{
	for (int k = 1; k < n_cols; k++)
		if (strcmp(r->verdict[k], r->verdict[0]) != 0)
			return true;
	return false;
}

static bool any_differs(const struct matrix *m)
{
	for (int i = 0; i < m->n_rows; i++)
		if (row_differs(&m->row[i], m->n_cols))
			return true;
	return false;
}

static int id_width(const struct matrix *m)
{
	int w = 8;

	for (int i = 0; i < m->n_rows; i++)
		if ((int)strlen(m->row[i].id) > w)
			w = strlen(m->row[i].id);
	return w;
}

static void emit_text(FILE *f, const struct matrix *m)
{
	int w = id_width(m);

	fprintf(f, "Columns:\n");
	for (int k = 0; k < m->n_cols; k++)
		fprintf(f, "  %-9s %s\n", m->col[k].label, m->col[k].what);
	fprintf(f, "\n%-*s", w + 2, "scenario");
	for (int k = 0; k < m->n_cols; k++)
		fprintf(f, " %-9s", m->col[k].label);
	fprintf(f, "\n");
	for (int i = 0; i < m->n_rows; i++) {
		const struct row *r = &m->row[i];
		fprintf(f, "%-*s", w + 2, r->id);
		for (int k = 0; k < m->n_cols; k++)
			fprintf(f, " %-9s", r->verdict[k]);
		fprintf(f, "%s\n",
			row_differs(r, m->n_cols) ? " <- differs" : "");
	}
	fprintf(f, "\nDifferences (verdict: reason per column):\n");
	if (!any_differs(m))
		fprintf(f, "  none\n");
	for (int i = 0; i < m->n_rows; i++) {
		if (!row_differs(&m->row[i], m->n_cols))
			continue;
		fprintf(f, "  %s\n", m->row[i].id);
		for (int k = 0; k < m->n_cols; k++)
			fprintf(f, "    %-9s %s: %s\n", m->col[k].label,
				m->row[i].verdict[k],
				m->row[i].reason[k] ?: "");
	}
}

static void md_escape(FILE *f, const char *s)
{
	for (; s && *s; s++)
		if (*s == '|')
			fputs("\\|", f);
		else if (*s != '\n')
			fputc(*s, f);
}

static void emit_markdown(FILE *f, const struct matrix *m)
{
	fprintf(f, "# boxcheck matrix\n\n| column | system |\n|---|---|\n");
	for (int k = 0; k < m->n_cols; k++)
		fprintf(f, "| %s | %s |\n", m->col[k].label, m->col[k].what);
	fprintf(f, "\n| scenario |");
	for (int k = 0; k < m->n_cols; k++)
		fprintf(f, " %s |", m->col[k].label);
	fprintf(f, "\n|---|");
	for (int k = 0; k < m->n_cols; k++)
		fprintf(f, "---|");
	fprintf(f, "\n");
	for (int i = 0; i < m->n_rows; i++) {
		const struct row *r = &m->row[i];
		bool d = row_differs(r, m->n_cols);
		fprintf(f, "| %s`%s`%s |", d ? "**" : "", r->id, d ? "**" : "");
		for (int k = 0; k < m->n_cols; k++)
			fprintf(f, " %s |", r->verdict[k]);
		fprintf(f, "\n");
	}
	fprintf(f, "\n## Differences\n\n");
	if (!any_differs(m))
		fprintf(f, "None.\n");
	for (int i = 0; i < m->n_rows; i++) {
		if (!row_differs(&m->row[i], m->n_cols))
			continue;
		fprintf(f, "- `%s`\n", m->row[i].id);
		for (int k = 0; k < m->n_cols; k++) {
			fprintf(f, "  - %s: %s, ", m->col[k].label,
				m->row[i].verdict[k]);
			md_escape(f, m->row[i].reason[k]);
			fprintf(f, "\n");
		}
	}
}

static int write_to(const char *path, const struct matrix *m,
		    void (*fn)(FILE *, const struct matrix *))
{
	_cleanup_fclose_ FILE *f = fopen(path, "we");

	if (!f)
		return neg_errno();
	fn(f, m);
	return ferror(f) ? -EIO : 0;
}

int main(int argc, char **argv)
{
	static struct matrix m;
	const char *text = NULL, *md = NULL;
	int r = 0;

	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!strcmp(argv[i], "--text") && i + 1 < argc) {
			text = argv[++i];
		} else if (!strcmp(argv[i], "--markdown") && i + 1 < argc) {
			md = argv[++i];
		} else if (eq && m.n_cols < MAX_COLS) {
			*eq = '\0';
			m.col[m.n_cols].label = argv[i];
			m.col[m.n_cols++].path = eq + 1;
		} else {
			fprintf(stderr,
				"usage: matrix [--text F] [--markdown F] "
				"LABEL=RESULTS.json...\n");
			return 2;
		}
	}
	if (m.n_cols == 0)
		return 2;
	for (int k = 0; k < m.n_cols; k++)
		load(&m.col[k]);
	fill(&m);
	emit_text(stdout, &m);
	if (text)
		r = write_to(text, &m, emit_text);
	if (r == 0 && md)
		r = write_to(md, &m, emit_markdown);
	if (r < 0)
		fprintf(stderr, "matrix: writing: %s\n", strerror(-r));
	for (int k = 0; k < m.n_cols; k++)
		json_decref(m.col[k].doc);
	return r < 0 ? 2 : m.bad ? 1 : 0;
}
