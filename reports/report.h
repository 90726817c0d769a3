/* SPDX-License-Identifier: MIT */
/*
 * report.h - the human report of `boxcheck report`: sections written once
 * against a small document interface (struct doc_ops) that HTML and
 * Markdown implement; plots drawn by gnuplot as SVG.
 */
#ifndef BOXCHECK_REPORT_H
#define BOXCHECK_REPORT_H

#include "results.h"
#include "../primitives/base.h"

#include <stdio.h>

/* A table cell. Every string is plain text; backends escape it. */
struct cell {
	char *text;
	char *sub;	 /* a second, smaller line (control outcome) */
	char *hover;	 /* shown on hover (HTML title) */
	char *note;	 /* a numbered footnote under the table */
	const char *cls; /* a class: "pass", "fail", "skip", "error", "num" */
};

struct table {
	const char *id;
	size_t ncols, nrows;
	struct cell *head;  /* ncols */
	struct cell *cells; /* nrows * ncols, row-major */
	/* NULL, or ncols cells: a row above the head that groups columns
	 * (neighbours with the same text are one cell); table_groups(). */
	struct cell *group;
};

/* What a comparison test says about samples a (baseline) and b. */
struct cmp_result {
	double p;      /* two-sided p value */
	double effect; /* relative change of the median; NAN from a median 0 */
	int change;    /* +1 slower, -1 faster, 0 the same (compare's rule) */
};

/*
 * Options the caller hands in. compare is the test of `boxcheck compare`
 * (Mann-Whitney U plus a minimum effect size); reports/ does not do
 * statistics of its own. NULL: the comparison shows medians, untested.
 */
struct report_opts {
	int (*compare)(const double *a, size_t na, const double *b, size_t nb,
		       struct cmp_result *out);
	double alpha;	   /* for the text: the significance level */
	double min_effect; /* for the text: 0.05 is 5% */
	/* Plots drawn once, reused by the next document (may be NULL). */
	struct plot_cache *cache;
	/* Results of several machines: the matrix shows every row, not only
	 * the rows where the machines differ. */
	bool all_rows;
};

/* SVGs by script, so HTML and Markdown run gnuplot once per plot. */
struct plot_cache {
	struct plot_cache_entry {
		char *script, *svg, *why;
	} * e;
	size_t n;
};
void plot_cache_free(struct plot_cache *c);

struct doc;
struct doc_ops {
	void (*begin)(struct doc *d, const char *title);
	void (*end)(struct doc *d);
	void (*section)(struct doc *d, const char *id, const char *title);
	void (*end_section)(struct doc *d);
	void (*para)(struct doc *d, const char *text);
	void (*table)(struct doc *d, const struct table *t);
	/* svg is NULL when the plot failed; why says why. */
	void (*figure)(struct doc *d, const char *name, const char *caption,
		       const char *svg, const char *why);
	/* The first, larger line of a section (the headline). */
	void (*lead)(struct doc *d, const char *text);
	/* A bulleted list of plain-text items. */
	void (*list)(struct doc *d, const char *const *items, size_t n);
	/* A heading below the section's, or a part that folds (HTML
	 * <details>, no script), open or not, under its summary. */
	void (*heading)(struct doc *d, const char *text);
	void (*fold)(struct doc *d, const char *summary, bool open);
	void (*end_fold)(struct doc *d);
	/* Sections side by side where the page is wide (HTML only). */
	void (*box)(struct doc *d, const char *cls);
	void (*end_box)(struct doc *d);
};

struct doc {
	const struct doc_ops *ops;
	FILE *f;
	const char *dir;  /* Markdown: where the SVGs go */
	const char *stem; /* Markdown: the SVGs' name prefix */
	int notes;	  /* footnotes so far */
	int err;	  /* the first -errno */
	const struct report_opts *opts;
};

extern const struct doc_ops html_ops, markdown_ops;

/* Tables: build, fill, free. set_cell copies its strings. */
int table_init(struct table *t, const char *id, size_t ncols, size_t nrows);
void table_free(struct table *t);
struct cell *table_at(struct table *t, size_t row, size_t col);
/* Give t the row of column groups (empty cells). 0 or -ENOMEM. */
int table_groups(struct table *t);
int cell_set(struct cell *c, const char *text, const char *cls);
int cell_printf(struct cell *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int cell_extra(char **field, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Totals for the one-line summary. */
struct report_summary {
	size_t files[RK__COUNT];
	size_t scenarios, columns, verdicts[4], variants, plots, plots_failed;
	char plot_why[256]; /* why the first failed plot failed */
};

#define PLOT_TIMEOUT_MS 20000

/* Render every section of set into d. 0 or -errno. */
int report_render(struct doc *d, const struct result_set *set,
		  struct report_summary *sum);
/* The sections: one table in report.c, each a render function. */
struct section {
	const char *id, *title;
	bool (*wanted)(const struct result_set *set);
	int (*render)(struct doc *d, const struct result_set *set,
		      struct report_summary *sum);
	const char *box; /* sections side by side in one box (HTML) */
};

/* report_head.c: the headline and one line per area, as text. */
struct lines {
	char **v;
	size_t n;
};
void lines_free(struct lines *l);
/* The first line is the lead: the machine and how many properties hold. */
int report_headline(const struct result_set *set, struct lines *out);
int report_area_lines(const struct result_set *set, struct lines *out);
int render_headline(struct doc *d, const struct result_set *set,
		    struct report_summary *sum);
int render_areas(struct doc *d, const struct result_set *set,
		 struct report_summary *sum);

/* report_chart.c: one chart, bare process -> primitives -> the reference
 * container -> runtimes -> VM, from the first bench file's machine. */
enum chart_tier {
	TIER_BARE,
	TIER_PRIMITIVE,
	TIER_CONTAINER,
	TIER_RUNTIME,
	TIER_VM,
	TIER__COUNT
};
/* A variant's tier by its group and name; -1: not on the chart. */
int chart_tier(const char *group, const char *name);
bool has_chart(const struct result_set *set);
/* The chart in words: "fork 95 µs, container 1.9 ms, runtimes 12 ms
 * (bwrap) to 410 ms (podman), VM x86_64 (TCG) 1.4 s"; -ENOENT: no rows. */
int report_chart_line(const struct result_set *set, char *buf, size_t len);
int render_chart(struct doc *d, const struct result_set *set,
		 struct report_summary *sum);

/* report_run.c: run-kind files (the suite, validation, VMs). */
void run_tally(const struct result_set *set, struct report_summary *sum);
bool has_runs(const struct result_set *set);
bool has_failures(const struct result_set *set);
int render_matrix(struct doc *d, const struct result_set *set,
		  struct report_summary *sum);
int render_failures(struct doc *d, const struct result_set *set,
		    struct report_summary *sum);

/* report_bench.c: bench-kind files. */
json_t *bench_variants(const struct result_file *f); /* NULL if not bench */
const char *variant_label(const json_t *v);
bool variant_ok(const json_t *v); /* status ok, with stats */
double variant_stat(const json_t *v, const char *key); /* s, NAN if absent */
double series_stat(const json_t *series, const char *key); /* likewise */
size_t variant_samples(const json_t *v, double **sorted_s);
void bench_file_para(struct doc *d, const struct result_file *f);
void bench_tally(const struct result_set *set, struct report_summary *sum);
bool has_bench(const struct result_set *set);
bool has_samples(const struct result_set *set);
bool has_concurrency(const struct result_set *set);
bool has_counters(const struct result_set *set);
bool has_comparison(const struct result_set *set);
int render_ladder(struct doc *d, const struct result_set *set,
		  struct report_summary *sum);
int render_distributions(struct doc *d, const struct result_set *set,
			 struct report_summary *sum);
int render_concurrency(struct doc *d, const struct result_set *set,
		       struct report_summary *sum);
int render_counters(struct doc *d, const struct result_set *set,
		    struct report_summary *sum);
int render_comparison(struct doc *d, const struct result_set *set,
		      struct report_summary *sum);

/* Draw script as figure name into d; counts it in sum. */
void report_plot(struct doc *d, struct report_summary *sum, const char *name,
		 const char *caption, const char *script);

/*
 * Render set to path through tmp + rename, with ops (html_ops or
 * markdown_ops; Markdown's SVGs go beside path, named after it).
 */
int report_write(const char *path, const struct doc_ops *ops,
		 const struct result_set *set, const struct report_opts *o,
		 struct report_summary *sum);
/* One line: "4 scenarios x 3 columns: 10 pass, ...". */
void report_summary_line(char *buf, size_t len, const struct report_summary *s);

/* Escaping (every string put into a document goes through one). */
void html_escape(FILE *f, const char *s);
void markdown_escape(FILE *f, const char *s);
/* A gnuplot single-quoted string literal: '' for ', no control chars. */
void plot_quote(FILE *f, const char *s);

/* Run gnuplot on script; its SVG (caller frees) or -errno and why. */
int plot_svg(const char *script, int timeout_ms, char **svg, char *why,
	     size_t whylen);
/* The terminal line every plot starts with. */
void plot_header(FILE *f, int width, int height);

/* "123 µs", "4.56 ms", "1.20 s". */
const char *fmt_seconds(double s, char *buf, size_t len);

#endif
