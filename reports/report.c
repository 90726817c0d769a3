// SPDX-License-Identifier: MIT
/*
 * report.c - the report as one table of sections, each a render function,
 * written against struct doc_ops; tables of cells; the summary and the host
 * metadata of every input.
 */
#include "report.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int table_init(struct table *t, const char *id, size_t ncols, size_t nrows)
{
	memset(t, 0, sizeof(*t));
	t->id = id;
	t->ncols = ncols;
	t->nrows = nrows;
	t->head = calloc(ncols, sizeof(*t->head));
	t->cells = calloc(ncols * (nrows ? nrows : 1), sizeof(*t->cells));
	if (!t->head || !t->cells) {
		table_free(t);
		return -ENOMEM;
	}
	return 0;
}

static void cell_free(struct cell *c)
{
	free(c->text), free(c->sub), free(c->hover), free(c->note);
}

void table_free(struct table *t)
{
	for (size_t i = 0; t->head && i < t->ncols; i++)
		cell_free(&t->head[i]);
	for (size_t i = 0; t->cells && i < t->ncols * t->nrows; i++)
		cell_free(&t->cells[i]);
	for (size_t i = 0; t->group && i < t->ncols; i++)
		cell_free(&t->group[i]);
	free(t->head), free(t->cells), free(t->group);
	memset(t, 0, sizeof(*t));
}

struct cell *table_at(struct table *t, size_t row, size_t col)
{
	return &t->cells[row * t->ncols + col];
}

int table_groups(struct table *t)
{
	if (!t->group)
		t->group = calloc(t->ncols + 1, sizeof(*t->group));
	return t->group ? 0 : -ENOMEM;
}

static int vset(char **field, const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		return -ENOMEM;
	free(*field);
	*field = s;
	return 0;
}

int cell_set(struct cell *c, const char *text, const char *cls)
{
	c->cls = cls;
	return cell_extra(&c->text, "%s", text ? text : "");
}

int cell_printf(struct cell *c, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vset(&c->text, fmt, ap);
	va_end(ap);
	return r;
}

int cell_extra(char **field, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vset(field, fmt, ap);
	va_end(ap);
	return r;
}

const char *fmt_seconds(double s, char *buf, size_t len)
{
	static const struct {
		double scale;
		const char *unit;
	} steps[] = {
		{ 1, "s" }, { 1e-3, "ms" }, { 1e-6, "µs" }, { 1e-9, "ns" }
	};
	size_t i = 0;

	if (!isfinite(s)) {
		snprintf(buf, len, "-");
		return buf;
	}
	while (i + 1 < sizeof(steps) / sizeof(steps[0]) &&
	       fabs(s) < steps[i].scale)
		i++;
	double v = s / steps[i].scale;
	snprintf(buf, len,
		 v >= 100  ? "%.0f %s"
		 : v >= 10 ? "%.1f %s"
			   : "%.2f %s",
		 v, steps[i].unit);
	return buf;
}

void report_summary_line(char *buf, size_t len, const struct report_summary *s)
{
	snprintf(buf, len,
		 "%zu scenario%s x %zu column%s: %zu pass, %zu fail, %zu skip, "
		 "%zu error; %zu bench variant%s; %zu plot%s%s",
		 s->scenarios, s->scenarios == 1 ? "" : "s", s->columns,
		 s->columns == 1 ? "" : "s", s->verdicts[0], s->verdicts[1],
		 s->verdicts[2], s->verdicts[3], s->variants,
		 s->variants == 1 ? "" : "s", s->plots,
		 s->plots == 1 ? "" : "s",
		 s->plots_failed ? " (some could not be drawn)" : "");
}

void plot_cache_free(struct plot_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->e[i].script), free(c->e[i].svg), free(c->e[i].why);
	free(c->e);
	memset(c, 0, sizeof(*c));
}

static struct plot_cache_entry *cache_find(struct plot_cache *c,
					   const char *script)
{
	for (size_t i = 0; c && i < c->n; i++)
		if (!strcmp(c->e[i].script, script))
			return &c->e[i];
	return NULL;
}

static void cache_add(struct plot_cache *c, const char *script, const char *svg,
		      const char *why)
{
	struct plot_cache_entry *e;

	if (!c || !(e = reallocarray(c->e, c->n + 1, sizeof(*e))))
		return;
	c->e = e;
	e = &c->e[c->n];
	e->script = strdup(script);
	e->svg = svg ? strdup(svg) : NULL;
	e->why = strdup(why);
	if (e->script && e->why && (e->svg || !svg))
		c->n++;
	else
		free(e->script), free(e->svg), free(e->why);
}

void report_plot(struct doc *d, struct report_summary *sum, const char *name,
		 const char *caption, const char *script)
{
	struct plot_cache *cache = d->opts ? d->opts->cache : NULL;
	struct plot_cache_entry *hit =
		script ? cache_find(cache, script) : NULL;
	_cleanup_free_ char *svg = NULL;
	char why[256] = "";
	int r = -ENOMEM;

	if (hit) {
		r = hit->svg ? 0 : -EIO;
		snprintf(why, sizeof(why), "%s", hit->why);
	} else if (script) {
		r = plot_svg(script, PLOT_TIMEOUT_MS, &svg, why, sizeof(why));
		if (r < 0 && !why[0])
			snprintf(why, sizeof(why), "%s", strerror(-r));
		cache_add(cache, script, svg, why);
	}
	if (r < 0 && !why[0])
		snprintf(why, sizeof(why), "%s", strerror(-r));
	if (r < 0 && !sum->plots_failed++)
		snprintf(sum->plot_why, sizeof(sum->plot_why), "%s: %s", name,
			 why);
	if (r == 0)
		sum->plots++;
	d->ops->figure(d, name, caption, hit ? hit->svg : svg, why);
}

static bool always(const struct result_set *set)
{
	(void)set;
	return true;
}

/* What the report was made of: the input files and the totals. */
static void inputs_para(struct doc *d, const struct result_set *set,
			const struct report_summary *sum)
{
	char line[512], files[256];
	size_t at = 0;

	files[0] = '\0';
	for (int k = 0; k < RK__COUNT; k++)
		if (sum->files[k])
			at += snprintf(files + at, sizeof(files) - at,
				       "%s%zu %s", at ? ", " : "",
				       sum->files[k], result_kind_names[k]);
	snprintf(line, sizeof(line), "%zu input files (%s).", set->n, files);
	d->ops->para(d, line);
	if (sum->columns) {
		snprintf(line, sizeof(line),
			 "Conformance: %zu scenarios x %zu columns: %zu pass, "
			 "%zu fail, %zu skip, %zu error (the control not "
			 "counted).",
			 sum->scenarios, sum->columns, sum->verdicts[0],
			 sum->verdicts[1], sum->verdicts[2], sum->verdicts[3]);
		d->ops->para(d, line);
	}
	if (sum->variants) {
		snprintf(line, sizeof(line), "Benchmarks: %zu variants.",
			 sum->variants);
		d->ops->para(d, line);
	}
}

/* ---- host metadata ------------------------------------------------------ */

/* A JSON value as one line of text. */
static void jfmt(const json_t *v, char *buf, size_t len)
{
	size_t at = 0, i;
	const char *k;
	json_t *e;
	bool bools = json_is_object(v) && json_object_size(v);

	buf[0] = '\0';
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
	else if (json_is_array(v))
		json_array_foreach(v, i, e) {
			char one[256];
			jfmt(e, one, sizeof(one));
			if (at < len)
				at += snprintf(buf + at, len - at, "%s%s",
					       i ? ", " : "", one);
		}
	if (!json_is_object(v))
		return;
	json_object_foreach((json_t *)v, k, e)
		bools = bools && json_is_boolean(e);
	for (int pass = 0; pass < (bools ? 2 : 1); pass++) {
		bool first = true;
		json_object_foreach((json_t *)v, k, e) {
			char one[256];
			if (bools && json_is_true(e) != !pass)
				continue;
			jfmt(e, one, sizeof(one));
			if (at < len)
				at += snprintf(buf + at, len - at, "%s%s%s%s%s",
					       first && pass ? "; without: "
					       : first	     ? ""
							     : ", ",
					       k, bools ? "" : "=",
					       bools ? "" : one, "");
			first = false;
		}
	}
}

/* Dotted path below the document ("meta.host.cgroup.mode"). */
static json_t *jpath(json_t *doc, const char *path)
{
	char key[64];

	while (doc && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		doc = json_object_get(doc, key);
		path += n + (path[n] == '.');
	}
	return doc;
}

static const struct {
	const char *label, *path;
} host_rows[] = {
	{ "kind", "kind" },
	{ "command", "meta.command" },
	{ "started", "meta.started" },
	{ "boxcheck", "meta.version" },
	{ "git revision", "meta.git_rev" },
	{ "hostname", "meta.host.hostname" },
	{ "kernel", "meta.host.kernel" },
	{ "kernel build", "meta.host.kernel_version" },
	{ "kernel cmdline", "meta.host.kernel_cmdline" },
	{ "arch", "meta.host.arch" },
	{ "CPU", "meta.host.cpu_model" },
	{ "cores", "meta.host.cores" },
	{ "SMT", "meta.host.smt" },
	{ "governor", "meta.host.governor" },
	{ "virtualization", "meta.host.virtualization" },
	{ "VM", "meta.vm" },
	{ "root", "meta.host.root" },
	{ "cgroup mode", "meta.host.cgroup.mode" },
	{ "mounts", "meta.host.mounts" },
	{ "namespaces", "meta.host.namespaces" },
	{ "overlayfs", "meta.host.overlayfs" },
	{ "features", "meta.host.features" },
	{ "PMU", "meta.host.pmu" },
	{ "load before", "meta.host.load_before" },
	{ "load after", "meta.host.load_after" },
	{ "bench options", "meta.options" },
	{ "A/B arm", "meta.ab" },
	{ "runtimes and VMMs", "meta.tools" },
};

static int render_hosts(struct doc *d, const struct result_set *set,
			struct report_summary *sum)
{
	struct table t;
	char buf[1024];
	int r = table_init(&t, "hosts-table", set->n + 1,
			   ARRAY_SIZE(host_rows));

	if (r < 0)
		return r;
	inputs_para(d, set, sum);
	cell_set(&t.head[0], "", NULL);
	for (size_t i = 0; i < set->n; i++) {
		_cleanup_free_ char *copy = strdup(set->f[i].path);
		cell_set(&t.head[i + 1], copy ? basename(copy) : "?", NULL);
		cell_extra(&t.head[i + 1].hover, "%s", set->f[i].path);
	}
	for (size_t row = 0; row < ARRAY_SIZE(host_rows); row++) {
		cell_set(table_at(&t, row, 0), host_rows[row].label, NULL);
		for (size_t i = 0; i < set->n; i++) {
			jfmt(jpath(set->f[i].doc, host_rows[row].path), buf,
			     sizeof(buf));
			cell_set(table_at(&t, row, i + 1), buf, NULL);
		}
	}
	d->ops->table(d, &t);
	table_free(&t);
	return 0;
}

/* ---- the table of sections ---------------------------------------------- */

/*
 * The headline, the chart and the areas come first, side by side where the
 * page is wide (box "lead"): what a reader came for, before any long table.
 */
static const struct section sections[] = {
	{ "headline", NULL, always, render_headline, "lead" },
	{ "chart", "Start latency: from a bare process to a VM", has_chart,
	  render_chart, "lead" },
	{ "areas", "By area", has_runs, render_areas, "lead" },
	{ "matrix", "Conformance matrix", has_runs, render_matrix, NULL },
	{ "failures", "Failures", has_failures, render_failures, NULL },
	{ "ladder", "Start-latency ladder", has_bench, render_ladder, NULL },
	{ "distributions", "Distributions", has_samples, render_distributions,
	  NULL },
	{ "concurrency", "Concurrency and memory", has_concurrency,
	  render_concurrency, NULL },
	{ "counters", "Counters per variant", has_counters, render_counters,
	  NULL },
	{ "comparison", "Comparison", has_comparison, render_comparison, NULL },
	{ "hosts", "Hosts and inputs", always, render_hosts, NULL },
};

/* Open or close the box around sections when it changes. */
static void switch_box(struct doc *d, const char **open, const char *box,
		       const struct result_set *set)
{
	if (*open && (!box || strcmp(*open, box)))
		d->ops->end_box(d);
	if (box && (!*open || strcmp(*open, box)))
		d->ops->box(d, has_chart(set) ? box : "lead nochart");
	*open = box;
}

int report_render(struct doc *d, const struct result_set *set,
		  struct report_summary *sum)
{
	const char *box = NULL;

	memset(sum, 0, sizeof(*sum));
	for (size_t i = 0; i < set->n; i++)
		sum->files[set->f[i].kind]++;
	run_tally(set, sum);
	bench_tally(set, sum);
	d->ops->begin(d, "boxcheck report");
	for (size_t i = 0; i < ARRAY_SIZE(sections) && !d->err; i++) {
		const struct section *s = &sections[i];
		int r;
		if (!s->wanted(set))
			continue;
		switch_box(d, &box, s->box, set);
		d->ops->section(d, s->id, s->title);
		r = s->render(d, set, sum);
		d->ops->end_section(d);
		if (r < 0 && !d->err)
			d->err = r;
	}
	switch_box(d, &box, NULL, set);
	d->ops->end(d);
	return d->err;
}

int report_write(const char *path, const struct doc_ops *ops,
		 const struct result_set *set, const struct report_opts *o,
		 struct report_summary *sum)
{
	_cleanup_free_ char *d1 = strdup(path), *d2 = strdup(path);
	char tmp[4096], stem[256];
	struct doc d = { .ops = ops, .opts = o };
	int r;

	if (!d1 || !d2)
		return -ENOMEM;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	d.dir = dirname(d1);
	snprintf(stem, sizeof(stem), "%s", basename(d2));
	if (strrchr(stem, '.') && strrchr(stem, '.') != stem)
		*strrchr(stem, '.') = '\0';
	d.stem = stem;
	d.f = fopen(tmp, "we");
	if (!d.f)
		return -errno;
	r = report_render(&d, set, sum);
	if (fflush(d.f) != 0 || ferror(d.f))
		r = r ?: -EIO;
	if (fclose(d.f) != 0)
		r = r ?: -errno;
	if (!r && rename(tmp, path) != 0)
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}
