// SPDX-License-Identifier: MIT
/*
 * report_chart.c - the one chart the report leads with: start latency from
 * a bare process through each primitive and the reference container to
 * every runtime and a VM boot, on a log scale (bars: medians; whiskers:
 * the 10th to 90th percentile of the samples). Rows come from the bench
 * files of one machine (the first bench file's; the base arm of an A/B
 * run is left out); a row the data does not have is simply absent, a
 * variant in two files is drawn from the first.
 */
#include "report.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHART_WIDTH 720
#define ROW_PX 15
#define MAX_ROWS 64
#define REASON_MAX 120
#define SPREAD_MIN_N 5 /* fewer samples: the whisker is min to max */

static const struct {
	const char *name;
	unsigned rgb;
} tiers[TIER__COUNT] = {
	[TIER_BARE] = { "bare process", 0x8c8c8c },
	[TIER_PRIMITIVE] = { "primitives", 0x4a7ab5 },
	[TIER_CONTAINER] = { "reference container", 0x6a3d9a },
	[TIER_RUNTIME] = { "runtimes (hyperfine: whole command)", 0xd9822b },
	[TIER_VM] = { "VM boot (qemu start to guest init)", 0x4f9a5a },
};

/* Ladder steps that are not primitives of their own. */
static const struct {
	const char *name;
	enum chart_tier tier;
} ladder_tiers[] = {
	{ "fork", TIER_BARE },
	{ "exec", TIER_BARE },
	{ "container", TIER_CONTAINER },
};

int chart_tier(const char *group, const char *name)
{
	if (!strcmp(group, "external"))
		return TIER_RUNTIME;
	if (!strcmp(group, "vm"))
		return TIER_VM;
	if (strcmp(group, "ladder") != 0 || !strcmp(name, "net-cleanup"))
		return -1; /* calibration; teardown only */
	for (size_t i = 0; i < ARRAY_SIZE(ladder_tiers); i++)
		if (!strcmp(name, ladder_tiers[i].name))
			return ladder_tiers[i].tier;
	return TIER_PRIMITIVE;
}

/*
 * External rows whose name alone does not say what they start; a baseline
 * (hyperfine's own, boxcheck's, a variant of another row) is not one of
 * the runtimes the headline's range spans.
 */
static const struct {
	const char *name, *label;
	bool baseline;
} ext_labels[] = {
	{ "true", "true (/bin/true)", true },
	{ "exec", "exec (hyperfine)", true },
	{ "ref", "ref (boxcheck exec)", true },
	{ "ref-nocg", "ref-nocg (no cgroup)", true },
	{ "bwrap-dev", "bwrap-dev (/proc, /dev)", true },
	{ "docker", "docker (own dockerd)", false },
};

struct crow {
	const json_t *v;
	int tier;
	double p50, lo, hi;
	char label[80];
};

/* "KVM" or "TCG" as the VM variant says: its accel, or a word of its
 * description or command. */
static const char *vm_accel(const json_t *v)
{
	static const char *const accels[] = { "KVM", "TCG" };
	static const char *const keys[] = { "description", "command" };

	if (*jstr(v, "accel", ""))
		return jstr(v, "accel", "");
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		const char *s = jstr(v, keys[k], "");
		for (size_t a = 0; a < ARRAY_SIZE(accels); a++) {
			const char *p = strstr(s, accels[a]);
			if (p && (p == s || !isalnum((unsigned char)p[-1])) &&
			    !isalnum((unsigned char)p[3]))
				return accels[a];
		}
	}
	return NULL;
}

static void row_label(struct crow *r)
{
	const char *name = variant_label(r->v), *accel;

	snprintf(r->label, sizeof(r->label), "%s", name);
	if (r->tier == TIER_VM) {
		accel = vm_accel(r->v);
		snprintf(r->label, sizeof(r->label), "VM %s%s%s%s",
			 strncmp(name, "vm-", 3) ? name : name + 3,
			 accel ? " (" : "", accel ? accel : "",
			 accel ? ")" : "");
	}
	for (size_t i = 0;
	     r->tier == TIER_RUNTIME && i < ARRAY_SIZE(ext_labels); i++)
		if (!strcmp(name, ext_labels[i].name))
			snprintf(r->label, sizeof(r->label), "%s",
				 ext_labels[i].label);
}

/* The p-th quantile of sorted s (nearest rank). */
static double quantile(const double *s, size_t n, double p)
{
	size_t k = (size_t)ceil(p * n);

	return s[k ? k - 1 : 0];
}

static void row_spread(struct crow *r)
{
	_cleanup_free_ double *s = NULL;
	size_t n = variant_samples(r->v, &s);

	r->p50 = variant_stat(r->v, "p50");
	if (n >= SPREAD_MIN_N) {
		r->lo = quantile(s, n, 0.10);
		r->hi = quantile(s, n, 0.90);
	} else {
		r->lo = variant_stat(r->v, "min");
		r->hi = variant_stat(r->v, "max");
	}
	if (!(r->lo > 0) || r->lo > r->p50)
		r->lo = r->p50;
	if (!(r->hi >= r->p50))
		r->hi = r->p50;
}

static bool same_machine(const struct result_file *a,
			 const struct result_file *b)
{
	static const char *const keys[] = { "hostname", "arch", "kernel" };
	char x[128], y[128];

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (strcmp(host_fact(a, keys[i], x, sizeof(x)),
			   host_fact(b, keys[i], y, sizeof(y))))
			return false;
	return true;
}

static bool is_base_arm(const struct result_file *f)
{
	return !strcmp(jstr(jget(f->meta, "ab"), "arm", ""), "base");
}

static const struct result_file *chart_file(const struct result_set *set)
{
	for (size_t i = 0; i < set->n; i++)
		if (json_array_size(bench_variants(&set->f[i])) &&
		    !is_base_arm(&set->f[i]))
			return &set->f[i];
	return NULL;
}

static bool taken(const struct crow *rows, size_t n, const json_t *v)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(variant_label(rows[i].v), variant_label(v)) &&
		    !strcmp(jstr(rows[i].v, "group", ""), jstr(v, "group", "")))
			return true;
	return false;
}

/* The rows of tier t from every file of first's machine, in file order. */
static size_t collect_tier(const struct result_set *set,
			   const struct result_file *first, int t,
			   struct crow *rows, size_t n)
{
	for (size_t fi = 0; fi < set->n; fi++) {
		const struct result_file *f = &set->f[fi];
		json_t *v;
		size_t i;
		if (is_base_arm(f) || !same_machine(f, first))
			continue;
		json_array_foreach(bench_variants(f), i, v) {
			if (n == MAX_ROWS ||
			    chart_tier(jstr(v, "group", ""),
				       variant_label(v)) != t ||
			    !variant_ok(v) || !(variant_stat(v, "p50") > 0) ||
			    taken(rows, n, v))
				continue;
			rows[n] = (struct crow){ .v = v, .tier = t };
			row_label(&rows[n]);
			row_spread(&rows[n]);
			n++;
		}
	}
	return n;
}

static size_t chart_rows(const struct result_set *set, struct crow *rows)
{
	const struct result_file *first = chart_file(set);
	size_t n = 0;

	for (int t = 0; first && t < TIER__COUNT; t++)
		n = collect_tier(set, first, t, rows, n);
	return n;
}

bool has_chart(const struct result_set *set)
{
	struct crow rows[MAX_ROWS];

	return chart_rows(set, rows) > 0;
}

static void chart_data(FILE *f, const struct crow *rows, size_t n)
{
	char med[32];

	fputs("$d << EOD\n", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%zu %.9g %.9g %.9g %u \"%s\"\n", i, rows[i].p50,
			rows[i].lo, rows[i].hi, tiers[rows[i].tier].rgb,
			fmt_seconds(rows[i].p50, med, sizeof(med)));
	fputs("EOD\n", f);
}

static char *chart_script(const struct crow *rows, size_t n)
{
	double xmin = INFINITY, xmax = 0;
	bool present[TIER__COUNT] = { 0 };
	char *script = NULL;
	size_t len;
	FILE *f = open_memstream(&script, &len);

	if (!f)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		xmin = fmin(xmin, rows[i].lo);
		xmax = fmax(xmax, rows[i].hi);
		present[rows[i].tier] = true;
	}
	/* Room on the left for the bars' start, on the right for labels. */
	xmin /= 3, xmax *= 15;
	plot_header(f, CHART_WIDTH, 70 + ROW_PX * (int)n);
	fprintf(f,
		"set logscale x\nset format x '%%.0s%%cs'\nset xtics nomirror\n"
		"set xrange [%.9g:%.9g]\nset yrange [%zu-0.5:-0.5]\n"
		"set ytics nomirror scale 0 font ',10'\nset grid x\n"
		"set tmargin 1\nset key top right box font ',10' "
		"samplen 1 spacing 1.1\nset style fill solid 1.0 border "
		"lc rgb '#333333'\nset xlabel 'start latency, log scale: "
		"median "
		"(bar), 10th to 90th percentile (whisker)'\nset ytics (",
		xmin, xmax, n);
	for (size_t i = 0; i < n; i++) {
		fputs(i ? ", " : "", f);
		plot_quote(f, rows[i].label);
		fprintf(f, " %zu", i);
	}
	fputs(")\n", f);
	for (size_t i = 1; i < n; i++)
		if (rows[i].tier != rows[i - 1].tier)
			fprintf(f,
				"set arrow from graph 0, first %zu-0.5 to "
				"graph 1, first %zu-0.5 nohead dt 2 lc rgb "
				"'#aaaaaa'\n",
				i, i);
	chart_data(f, rows, n);
	fprintf(f,
		"plot $d using (%.9g):1:(%.9g):2:($1-0.36):($1+0.36):5 with "
		"boxxyerror lc rgb variable notitle, \\\n"
		"  $d using 2:1:3:4 with xerrorbars lc rgb '#222222' pt 7 "
		"ps 0.3 notitle, \\\n"
		"  $d using ($4*1.12):1:6 with labels left font ',9' "
		"tc rgb '#333333' notitle",
		xmin, xmin);
	for (int t = 0; t < TIER__COUNT; t++) {
		if (!present[t])
			continue;
		fprintf(f, ", \\\n  NaN with boxes lc rgb '#%06x' title ",
			tiers[t].rgb);
		plot_quote(f, tiers[t].name);
	}
	fputc('\n', f);
	if (fclose(f) != 0)
		return free(script), NULL;
	return script;
}

/* hyperfine's own baselines and the reference container under it. */
static bool is_baseline(const struct crow *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(ext_labels); i++)
		if (!strcmp(variant_label(r->v), ext_labels[i].name))
			return ext_labels[i].baseline;
	return false;
}

/* ", runc 71 ms" after at; the new end. */
static size_t add_row(char *buf, size_t len, size_t at, const struct crow *r)
{
	char a[32];

	if (!r || at >= len)
		return at;
	return at + snprintf(buf + at, len - at, "%s%s %s", at ? ", " : "",
			     r->label, fmt_seconds(r->p50, a, sizeof(a)));
}

/* "fork 95 µs, container 1.9 ms, runtimes 12 ms (bwrap) to 410 ms
 * (podman), VM x86_64 (TCG) 1.4 s": the first row of the bare, container
 * and VM tiers, and the fastest and slowest runtime. */
static void milestones(const struct crow *rows, size_t n, char *buf, size_t len)
{
	const struct crow *first[TIER__COUNT] = { 0 }, *lo = NULL, *hi = NULL;
	char a[32], b[32];
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const struct crow *r = &rows[i];
		first[r->tier] = first[r->tier] ?: r;
		if (r->tier != TIER_RUNTIME || is_baseline(r))
			continue;
		lo = !lo || r->p50 < lo->p50 ? r : lo;
		hi = !hi || r->p50 > hi->p50 ? r : hi;
	}
	at = add_row(buf, len, at, first[TIER_BARE]);
	at = add_row(buf, len, at, first[TIER_CONTAINER]);
	if (lo && lo != hi && at < len)
		at += snprintf(buf + at, len - at,
			       "%sruntimes %s (%s) to %s (%s)", at ? ", " : "",
			       fmt_seconds(lo->p50, a, sizeof(a)),
			       variant_label(lo->v),
			       fmt_seconds(hi->p50, b, sizeof(b)),
			       variant_label(hi->v));
	else
		at = add_row(buf, len, at, lo);
	add_row(buf, len, at, first[TIER_VM]);
}

int report_chart_line(const struct result_set *set, char *buf, size_t len)
{
	struct crow rows[MAX_ROWS];
	size_t n = chart_rows(set, rows);

	buf[0] = '\0';
	if (n)
		milestones(rows, n, buf, len);
	return n ? 0 : -ENOENT;
}

/* The runtimes and VMs of f that were asked for and are not drawn. */
static void absent_para(struct doc *d, const struct result_set *set,
			const struct result_file *f)
{
	char text[1024];
	size_t at, n = 0, i;
	json_t *v;

	(void)set;
	at = snprintf(text, sizeof(text), "Not on the chart:");
	json_array_foreach(bench_variants(f), i, v) {
		int t = chart_tier(jstr(v, "group", ""), variant_label(v));
		const char *why = jstr(v, "reason", "");
		if (t < TIER_RUNTIME || variant_ok(v) || at >= sizeof(text))
			continue;
		at += snprintf(text + at, sizeof(text) - at, "%s %s %s%s%.*s%s",
			       n++ ? ";" : "", variant_label(v),
			       jstr(v, "status", "?"), *why ? ": " : "",
			       REASON_MAX, why,
			       strlen(why) > REASON_MAX ? "..." : "");
	}
	if (n && at < sizeof(text))
		snprintf(text + at, sizeof(text) - at, ".");
	if (n)
		d->ops->para(d, text);
}

int render_chart(struct doc *d, const struct result_set *set,
		 struct report_summary *sum)
{
	struct crow rows[MAX_ROWS];
	size_t n = chart_rows(set, rows);
	const struct result_file *f = chart_file(set);
	char caption[1024], ms[512], host[128], kernel[128];
	_cleanup_free_ char *script = n ? chart_script(rows, n) : NULL;

	if (!n)
		return 0;
	milestones(rows, n, ms, sizeof(ms));
	snprintf(caption, sizeof(caption),
		 "Start latency, bare process to VM. On %s (kernel %s): %s. "
		 "Ladder rows: "
		 "clone called to the child's first instruction after execve; "
		 "runtimes: hyperfine's wall time of the whole command; VM: "
		 "qemu start to guest init.",
		 host_fact(f, "hostname", host, sizeof(host)),
		 host_fact(f, "kernel", kernel, sizeof(kernel)), ms);
	report_plot(d, sum, "chart", caption, script);
	absent_para(d, set, f);
	return 0;
}
