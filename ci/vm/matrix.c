// SPDX-License-Identifier: MIT
/*
 * matrix: scenario x {host, VM columns} from `boxcheck run --json` files.
 *
 *   matrix [--text FILE] [--markdown FILE] [--list LIST.json]
 *          [--strict PREFIX] [--known TSV]
 *          LABEL=RESULTS.json...
 *
 * A VM column's file carries meta.vm (ci/vm/run-suite.sh): its arch, the
 * kernel command line it was booted with, its times. The text table goes
 * to stdout as well. Three parts: the table (a row differs when its
 * verdicts do), the differing cells each with its reason, and what changed
 * between kernels (per arch, the first kernel where a scenario passes).
 *
 * Exit 1 when the matrix is not clean: a column's file is missing or not
 * boxcheck-results, a cell is fail or error, a skip gives no reason, or a
 * column booted with cgroup_disable= differs from its twin (same kernel and
 * arch, plain boot) anywhere but in skips that name the command line (and
 * has at least one such skip), or (with --list, `boxcheck list --format
 * json`) a scenario that requires a controller the command line disabled
 * does anything but skip for that reason. With --strict PREFIX, a fail
 * counts only in the columns whose label starts with PREFIX (the reference
 * kernel's); in the others it is the kernel's difference from the
 * documents, listed ("matrix: differs: ...") and not judged. 0 otherwise,
 * 2 on bad usage. With --known (ci/vm/kernel-differences.tsv), a
 * failing cell whose scenario and kernel an entry names gets that entry's
 * explanation and source printed beside it (it is judged all the same).
 */
#include "../../primitives/base.h"
#include "known.h"

#include <jansson.h>
#include <string.h>

#define MAX_COLS 16
#define MAX_ROWS 1024

struct col {
	const char *label, *path;
	json_t *doc;	    /* NULL: unreadable */
	const char *kernel; /* meta.host.kernel */
	const char *arch;   /* meta.vm.arch, else meta.host.arch */
	const char *append; /* meta.vm.append: "" for a plain boot */
	bool vm;	    /* meta.vm present */
	double suite_s;	    /* the suite's own time (in the guest) */
	double wall_s;	    /* the VM from qemu start to gone; 0: host */
	char what[256];	    /* a line on the system; or the load error */
	int twin;	    /* the plain column of a cmdline column, or -1 */
	int cmdline_skips;  /* skips that name the command line */
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
	int bad;	    /* cells and columns that make the matrix fail */
	FILE *why;	    /* stderr: each bad thing, said once */
	json_t *list;	    /* `boxcheck list --format json`, or NULL */
	const char *strict; /* --strict: fails count only in these columns */
	struct known_table known; /* --known: explanations of cells */
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

static double num(json_t *o, const char *key)
{
	return json_number_value(json_object_get(o, key));
}

static void describe(struct col *c, json_t *host)
{
	size_t at = snprintf(
		c->what, sizeof(c->what), "kernel %s %s, cgroup %s", c->kernel,
		str(host, "arch") ?: "?", str(host, "cgroup.mode") ?: "?");

	if (c->vm && at < sizeof(c->what))
		at += snprintf(c->what + at, sizeof(c->what) - at,
			       ", qemu %s%s%s, suite %.1f s, vm %.0f s",
			       c->arch, *c->append ? ", boot: " : "", c->append,
			       c->suite_s, c->wall_s);
	else if (at < sizeof(c->what))
		snprintf(c->what + at, sizeof(c->what) - at,
			 ", %s, suite %.1f s",
			 str(host, "virtualization") ?: "?", c->suite_s);
}

static void load(struct col *c)
{
	json_error_t e;
	json_t *meta, *host, *vm;

	c->kernel = c->arch = c->append = "?";
	c->twin = -1;
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
	meta = json_object_get(c->doc, "meta");
	host = json_object_get(meta, "host");
	vm = json_object_get(meta, "vm");
	c->vm = json_is_object(vm);
	c->kernel = str(host, "kernel") ?: "?";
	c->arch = (c->vm ? str(vm, "arch") : NULL) ?: str(host, "arch") ?: "?";
	c->append = (c->vm ? str(vm, "append") : NULL) ?: "";
	c->suite_s = num(meta, "duration_s");
	c->wall_s = c->vm ? num(vm, "wall_s") : 0;
	describe(c, host);
}

static struct row *find_row(struct matrix *m, const char *id)
{
	for (int i = 0; id && i < m->n_rows; i++)
		if (strcmp(m->row[i].id, id) == 0)
			return &m->row[i];
	return NULL;
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

static bool is(const char *v, const char *what)
{
	return v && strcmp(v, what) == 0;
}

static void bad(struct matrix *m, const char *fmt, const char *a, const char *b,
		const char *c)
{
	m->bad++;
	fprintf(m->why, "matrix: ");
	fprintf(m->why, fmt, a, b, c);
	fprintf(m->why, "\n");
}

/* The plain column of the same kernel and arch, for a cmdline column. */
static void find_twins(struct matrix *m)
{
	for (int k = 0; k < m->n_cols; k++) {
		struct col *c = &m->col[k];
		if (!c->doc || !strstr(c->append, "cgroup_disable="))
			continue;
		for (int t = 0; t < m->n_cols; t++)
			if (t != k && m->col[t].doc && m->col[t].vm &&
			    !*m->col[t].append &&
			    !strcmp(m->col[t].kernel, c->kernel) &&
			    !strcmp(m->col[t].arch, c->arch))
				c->twin = t;
	}
}

/* A cmdline column's cell that differs from its twin: only a skip that
 * names the command line is explained. */
static void judge_twin(struct matrix *m, struct row *r, int k)
{
	const struct col *c = &m->col[k];
	const char *v = r->verdict[k], *why = r->reason[k];

	if (c->twin < 0 || is(v, r->verdict[c->twin]))
		return;
	if (is(v, "skip") && strstr(why, "kernel command line") &&
	    strstr(why, "cgroup_disable=")) {
		m->col[k].cmdline_skips++;
		return;
	}
	bad(m,
	    "%s: %s differs from its plain twin without a command-line "
	    "reason (%s)",
	    c->label, r->id, v);
}

static void note_text(FILE *f, const struct matrix *m, const struct row *r,
		      int k, const char *lead);

static void judge_cell(struct matrix *m, struct row *r, int k)
{
	const char *v = r->verdict[k];

	if (!m->col[k].doc)
		v = r->verdict[k] = "error";
	else if (!v)
		v = r->verdict[k] = "absent";
	if (is(v, "fail") && m->strict &&
	    strncmp(m->col[k].label, m->strict, strlen(m->strict)) != 0) {
		fprintf(m->why,
			"matrix: differs: %s: %s is fail (not judged "
			"outside the %s columns)",
			m->col[k].label, r->id, m->strict);
		note_text(m->why, m, r, k, "\n  ");
		fprintf(m->why, "\n");
	} else if (is(v, "fail") || (is(v, "error") && m->col[k].doc))
		bad(m, "%s: %s is %s", m->col[k].label, r->id, v);
	if (is(v, "skip") && !*(r->reason[k] ?: ""))
		bad(m, "%s: %s skips without a reason%s", m->col[k].label,
		    r->id, "");
	judge_twin(m, r, k);
}

/* "root, cgroup:memory" names the controller name (a whole item)? */
static bool requires_ctrl(const char *req, const char *name, size_t n)
{
	for (const char *p = req; p && (p = strstr(p, "cgroup:")); p++)
		if (!strncmp(p + 7, name, n) &&
		    (p[7 + n] == ',' || p[7 + n] == '\0'))
			return true;
	return false;
}

/* The plain twin skips it too, for the same reason (v1 on a v2 kernel). */
static bool skips_as_twin(const struct matrix *m, const struct row *r, int k)
{
	int t = m->col[k].twin;

	return t >= 0 && is(r->verdict[t], "skip") && r->reason[t] &&
	       r->reason[k] && !strcmp(r->reason[t], r->reason[k]);
}

/*
 * With the scenario list (`boxcheck list --format json`): in a column
 * booted with cgroup_disable=X,Y, every scenario that requires cgroup:X
 * or cgroup:Y must skip, naming the command line, or skip as its plain
 * twin does (for a reason that is not the command line's).
 */
static void judge_disabled(struct matrix *m, json_t *list, int k)
{
	const char *off = strstr(m->col[k].append, "cgroup_disable=");
	json_t *s;
	size_t i;

	if (!off || !m->col[k].doc)
		return;
	off += strlen("cgroup_disable=");
	json_array_foreach(list, i, s) {
		const char *req = str(s, "requires") ?: "", *id = str(s, "id");
		struct row *r = find_row(m, id); /* NULL: not run */
		for (const char *p = off; r && *p && *p != ' ';) {
			size_t n = strcspn(p, ", ");
			if (requires_ctrl(req, p, n) &&
			    !(is(r->verdict[k], "skip") &&
			      (strstr(r->reason[k] ?: "", "cgroup_disable=") ||
			       skips_as_twin(m, r, k))))
				bad(m,
				    "%s: %s needs a controller the command "
				    "line disabled, yet is %s",
				    m->col[k].label, id, r->verdict[k]);
			p += n + (p[n] == ',');
		}
	}
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
	find_twins(m);
	for (int i = 0; i < m->n_rows; i++)
		for (int k = 0; k < m->n_cols; k++)
			judge_cell(m, &m->row[i], k);
	for (int k = 0; m->list && k < m->n_cols; k++)
		judge_disabled(m, m->list, k);
	for (int k = 0; k < m->n_cols; k++) {
		if (!m->col[k].doc)
			bad(m, "%s: %s", m->col[k].label, m->col[k].what, "");
		else if (m->col[k].twin >= 0 && !m->col[k].cmdline_skips)
			bad(m,
			    "%s: booted with %s, yet no scenario skips for it",
			    m->col[k].label, m->col[k].append, "");
	}
}

static bool row_differs(const struct row *r, int n_cols)
{
	for (int k = 1; k < n_cols; k++)
		if (strcmp(r->verdict[k], r->verdict[0]) != 0)
			return true;
	return false;
}

/* The row's most common verdict: the cells that differ are the others. */
static const char *usual(const struct row *r, int n_cols)
{
	const char *best = r->verdict[0];
	int best_n = 0;

	for (int k = 0; k < n_cols; k++) {
		int count = 0;
		for (int j = 0; j < n_cols; j++)
			count += !strcmp(r->verdict[j], r->verdict[k]);
		if (count > best_n) {
			best_n = count;
			best = r->verdict[k];
		}
	}
	return best;
}

static int id_width(const struct matrix *m)
{
	int w = 8;

	for (int i = 0; i < m->n_rows; i++)
		if ((int)strlen(m->row[i].id) > w)
			w = strlen(m->row[i].id);
	return w;
}

/* ---- what changed between kernels ------------------------------------ */

/* The plain VM columns of arch, oldest kernel first. */
static int kernels_of(const struct matrix *m, const char *arch, int *idx)
{
	int n = 0;

	for (int k = 0; k < m->n_cols; k++) {
		const struct col *c = &m->col[k];
		int at = n;
		if (!c->doc || !c->vm || *c->append || strcmp(c->arch, arch))
			continue;
		while (at > 0 &&
		       strverscmp(m->col[idx[at - 1]].kernel, c->kernel) > 0) {
			idx[at] = idx[at - 1];
			at--;
		}
		idx[at] = k;
		n++;
	}
	return n;
}

typedef void (*change_fn)(FILE *f, const struct matrix *m, const char *arch,
			  const struct row *r, const int *idx, int n);

/* One line per scenario whose verdict changes across arch's kernels. */
static int changes_of(FILE *f, const struct matrix *m, const char *arch,
		      change_fn out)
{
	int idx[MAX_COLS], n = kernels_of(m, arch, idx), lines = 0;

	for (int i = 0; n > 1 && i < m->n_rows; i++) {
		const struct row *r = &m->row[i];
		bool same = true;
		for (int j = 1; j < n; j++)
			same &= !strcmp(r->verdict[idx[j]], r->verdict[idx[0]]);
		if (same)
			continue;
		out(f, m, arch, r, idx, n);
		lines++;
	}
	return lines;
}

static int first_pass(const struct row *r, const int *idx, int n)
{
	for (int j = 0; j < n; j++)
		if (is(r->verdict[idx[j]], "pass"))
			return j;
	return -1;
}

static void md_escape(FILE *f, const char *s);

/* The known difference that explains a failing cell (a skip says why). */
static const struct known *note_of(const struct matrix *m, const struct row *r,
				   int k)
{
	if (!is(r->verdict[k], "fail"))
		return NULL;
	return known_find(&m->known, r->id, m->col[k].kernel);
}

static void note_text(FILE *f, const struct matrix *m, const struct row *r,
		      int k, const char *lead)
{
	const struct known *n = note_of(m, r, k);

	if (n)
		fprintf(f, "%sknown (%s%d.%d): %s [%s]", lead, n->op,
			n->version / 1000, n->version % 1000, n->what,
			n->source);
}

static void note_md(FILE *f, const struct matrix *m, const struct row *r, int k,
		    const char *lead)
{
	const struct known *n = note_of(m, r, k);

	if (!n)
		return;
	fprintf(f, "%s*known (%s%d.%d):* ", lead, n->op, n->version / 1000,
		n->version % 1000);
	md_escape(f, n->what);
	fprintf(f, " (");
	md_escape(f, n->source);
	fprintf(f, ")");
}

static void change_text(FILE *f, const struct matrix *m, const char *arch,
			const struct row *r, const int *idx, int n)
{
	int p = first_pass(r, idx, n);

	if (p >= 0)
		fprintf(f, "  %s: %s passes from %s", r->id, arch,
			m->col[idx[p]].kernel);
	else
		fprintf(f, "  %s: %s never passes", r->id, arch);
	for (int j = 0; j < n; j++)
		if (p < 0 || j < p || !is(r->verdict[idx[j]], "pass")) {
			fprintf(f, "; %s: %s (%s)", m->col[idx[j]].kernel,
				r->verdict[idx[j]], r->reason[idx[j]]);
			note_text(f, m, r, idx[j], " ");
		}
	fprintf(f, "\n");
}

static void md_escape(FILE *f, const char *s)
{
	for (; s && *s; s++)
		if (*s == '|')
			fputs("\\|", f);
		else if (*s != '\n')
			fputc(*s, f);
}

static void change_md(FILE *f, const struct matrix *m, const char *arch,
		      const struct row *r, const int *idx, int n)
{
	int p = first_pass(r, idx, n);

	fprintf(f, "| `%s` | %s | %s | ", r->id, arch,
		p >= 0 ? m->col[idx[p]].kernel : "never");
	for (int j = 0; j < n; j++)
		if (p < 0 || j < p || !is(r->verdict[idx[j]], "pass")) {
			fprintf(f, "%s: %s, ", m->col[idx[j]].kernel,
				r->verdict[idx[j]]);
			md_escape(f, r->reason[idx[j]]);
			note_md(f, m, r, idx[j], "<br>");
			fprintf(f, "<br>");
		}
	fprintf(f, " |\n");
}

/* Each arch once, in column order. */
static int arches(const struct matrix *m, const char **out)
{
	int n = 0;

	for (int k = 0; k < m->n_cols; k++) {
		bool seen = false;
		if (!m->col[k].vm)
			continue;
		for (int j = 0; j < n; j++)
			seen |= !strcmp(out[j], m->col[k].arch);
		if (!seen)
			out[n++] = m->col[k].arch;
	}
	return n;
}

/* ---- output ------------------------------------------------------------ */

static void emit_text(FILE *f, const struct matrix *m)
{
	const char *arch[MAX_COLS];
	int w = id_width(m), na = arches(m, arch), lines = 0;

	fprintf(f, "Columns:\n");
	for (int k = 0; k < m->n_cols; k++)
		fprintf(f, "  %-15s %s\n", m->col[k].label, m->col[k].what);
	fprintf(f, "\n%-*s", w + 2, "scenario");
	for (int k = 0; k < m->n_cols; k++)
		fprintf(f, " %-*s",
			(int)strlen(m->col[k].label) > 7
				? (int)strlen(m->col[k].label)
				: 7,
			m->col[k].label);
	fprintf(f, "\n");
	for (int i = 0; i < m->n_rows; i++) {
		const struct row *r = &m->row[i];
		fprintf(f, "%-*s", w + 2, r->id);
		for (int k = 0; k < m->n_cols; k++)
			fprintf(f, " %-*s",
				(int)strlen(m->col[k].label) > 7
					? (int)strlen(m->col[k].label)
					: 7,
				r->verdict[k]);
		fprintf(f, "%s\n",
			row_differs(r, m->n_cols) ? " <- differs" : "");
	}
	fprintf(f, "\nDiffering cells (the row's usual verdict, then each "
		   "other cell: verdict, reason):\n");
	for (int i = 0; i < m->n_rows; i++) {
		const struct row *r = &m->row[i];
		const char *u = usual(r, m->n_cols);
		if (!row_differs(r, m->n_cols))
			continue;
		fprintf(f, "  %s (usually %s)\n", r->id, u);
		for (int k = 0; k < m->n_cols; k++)
			if (strcmp(r->verdict[k], u)) {
				fprintf(f, "    %-15s %s: %s", m->col[k].label,
					r->verdict[k], r->reason[k] ?: "");
				note_text(f, m, r, k, "\n                    ");
				fprintf(f, "\n");
			}
		lines++;
	}
	if (!lines)
		fprintf(f, "  none\n");
	fprintf(f, "\nWhat changed between kernels (per arch, plain boots):\n");
	lines = 0;
	for (int a = 0; a < na; a++)
		lines += changes_of(f, m, arch[a], change_text);
	if (!lines)
		fprintf(f, "  nothing (or one kernel per arch)\n");
}

static void emit_md_table(FILE *f, const struct matrix *m)
{
	fprintf(f, "| scenario |");
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
}

static void emit_markdown(FILE *f, const struct matrix *m)
{
	const char *arch[MAX_COLS];
	int na = arches(m, arch), n = 0;

	fprintf(f, "# boxcheck matrix: kernels x architectures\n\n"
		   "| column | system |\n|---|---|\n");
	for (int k = 0; k < m->n_cols; k++)
		fprintf(f, "| %s | %s |\n", m->col[k].label, m->col[k].what);
	fprintf(f, "\n## What changed between kernels\n\n"
		   "Per arch, plain boots, oldest kernel first: the first "
		   "kernel where the scenario passes, and what the others "
		   "said.\n\n| scenario | arch | passes from | before "
		   "(verdict, reason) |\n|---|---|---|---|\n");
	for (int a = 0; a < na; a++)
		n += changes_of(f, m, arch[a], change_md);
	if (!n)
		fprintf(f, "| (nothing changed, or one kernel per arch) | | | "
			   "|\n");
	fprintf(f, "\n## Differing cells\n\n");
	n = 0;
	for (int i = 0; i < m->n_rows; i++) {
		const struct row *r = &m->row[i];
		const char *u = usual(r, m->n_cols);
		if (!row_differs(r, m->n_cols))
			continue;
		fprintf(f, "- `%s` (usually %s)\n", r->id, u);
		for (int k = 0; k < m->n_cols; k++) {
			if (!strcmp(r->verdict[k], u))
				continue;
			fprintf(f, "  - %s: %s, ", m->col[k].label,
				r->verdict[k]);
			md_escape(f, r->reason[k]);
			note_md(f, m, r, k, "<br>");
			fprintf(f, "\n");
		}
		n++;
	}
	if (!n)
		fprintf(f, "None.\n");
	fprintf(f, "\n## Every cell\n\n");
	emit_md_table(f, m);
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

	m.why = stderr;
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!strcmp(argv[i], "--text") && i + 1 < argc) {
			text = argv[++i];
		} else if (!strcmp(argv[i], "--markdown") && i + 1 < argc) {
			md = argv[++i];
		} else if (!strcmp(argv[i], "--strict") && i + 1 < argc) {
			m.strict = argv[++i];
		} else if (!strcmp(argv[i], "--known") && i + 1 < argc) {
			if ((r = known_load(argv[++i], &m.known)) < 0) {
				fprintf(stderr, "matrix: %s: %s\n", argv[i],
					strerror(-r));
				return 2;
			}
		} else if (!strcmp(argv[i], "--list") && i + 1 < argc) {
			json_error_t e;
			m.list = json_load_file(argv[++i], 0, &e);
			if (!json_is_array(m.list)) {
				fprintf(stderr,
					"matrix: %s: not a scenario "
					"list: %s\n",
					argv[i], e.text);
				return 2;
			}
		} else if (eq && m.n_cols < MAX_COLS) {
			*eq = '\0';
			m.col[m.n_cols].label = argv[i];
			m.col[m.n_cols++].path = eq + 1;
		} else {
			fprintf(stderr,
				"usage: matrix [--text F] [--markdown F] "
				"[--list F] [--strict PREFIX] [--known F] "
				"LABEL=RESULTS.json... (at most "
				"%d)\n",
				MAX_COLS);
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
	json_decref(m.list);
	known_free(&m.known);
	if (m.bad)
		fprintf(stderr, "matrix: %d problem(s): not clean\n", m.bad);
	return r < 0 ? 2 : m.bad ? 1 : 0;
}
