// SPDX-License-Identifier: MIT
/* Bench writers (text, Markdown, JSON) and the JSON reader for compare. */
#include "bench.h"
#include "drift.h"
#include "ladder.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#define BENCH_FORMAT "boxcheck-results"
#define BENCH_FORMAT_VERSION 1

static double us(double s)
{
	return s * 1e6;
}

/* Per-start mean of a counter, or why there is none. */
static void counter_cell(const struct bench_variant *v, int i, char *buf,
			 size_t len)
{
	char why[160];

	if (!v->have_counters || !v->counters.n)
		snprintf(buf, len, "-");
	else if (v->counters.err[i])
		snprintf(buf, len, "%s",
			 counter_unavailable_reason(i, v->counters.err[i], why,
						    sizeof(why)));
	else if (i == CNT_TASK_CLOCK)
		snprintf(buf, len, "%.1f",
			 v->counters.total[i] / v->counters.n / 1e3);
	else if (counter_table[i].exact && v->count[i].n &&
		 v->count[i].st.min == v->count[i].st.max)
		snprintf(buf, len, "%.0f", v->count[i].st.min);
	else if (counter_table[i].exact && v->count[i].n)
		snprintf(buf, len, "%.0f..%.0f", v->count[i].st.min,
			 v->count[i].st.max);
	else
		snprintf(buf, len, "%.1f",
			 v->counters.total[i] / v->counters.n);
}

/* "[lo, hi]" in us, or that there is no 95% interval (n < 6). */
static void ci_cell(const struct stats *s, char *buf, size_t len)
{
	if (isnan(s->ci_lo) || isnan(s->ci_hi))
		snprintf(buf, len, "none (n < 6)");
	else
		snprintf(buf, len, "[%.1f, %.1f]", us(s->ci_lo), us(s->ci_hi));
}

/* The exact counts: syscalls, minor and major faults per start. */
static const enum counter_id exact_shown[3] = { CNT_SYSCALLS, CNT_MINOR_FAULTS,
						CNT_MAJOR_FAULTS };

static void exact_cells(const struct bench_variant *v, char ex[3][96])
{
	for (int i = 0; i < 3; i++) {
		counter_cell(v, exact_shown[i], ex[i], sizeof(ex[i]));
		if (!strncmp(ex[i], "unavailable", 11))
			snprintf(ex[i], sizeof(ex[i]), "n/a");
	}
}

static void text_row(FILE *f, const struct bench_variant *v)
{
	const struct stats *s = &v->start.st, *t = &v->stop.st;
	char tc[96], pf[96], cs[96], td[32] = "-", ci[48], ex[3][96];

	if (v->status != BS_OK) {
		fprintf(f, "%-12s %s: %s\n", v->name,
			bench_status_names[v->status], v->reason);
		return;
	}
	counter_cell(v, CNT_TASK_CLOCK, tc, sizeof(tc));
	counter_cell(v, CNT_PAGE_FAULTS, pf, sizeof(pf));
	counter_cell(v, CNT_CTX_SWITCHES, cs, sizeof(cs));
	exact_cells(v, ex);
	if (t->n)
		snprintf(td, sizeof(td), "%.1f", us(t->p50));
	if (!s->n) {
		fprintf(f, "%-12s %5zu %s (teardown only)\n", v->name, t->n,
			td);
		return;
	}
	ci_cell(s, ci, sizeof(ci));
	fprintf(f,
		"%-12s %5zu %9.1f %9.1f %-17s %9.1f %9.1f %9.1f "
		"%9.1f ±%.1f  %9s  %s %s %s | %s %s %s\n",
		v->name, s->n, us(s->min), us(s->p50), ci, us(s->p90),
		us(s->p99), us(s->max), us(s->mean), us(s->stddev), td, tc, pf,
		cs, ex[0], ex[1], ex[2]);
}

static void text_conc(FILE *f, const struct bench_result *r)
{
	if (!r->n_conc)
		return;
	fprintf(f,
		"\nconcurrency (%s; burst start -> each child's report):\n"
		"%6s %6s %8s %10s %10s %12s %14s %14s\n",
		r->conc_variant, "K", "rounds", "spawners", "p50 us", "p99 us",
		"starts/s", "memcg B/idle", "MemAvail B/idle");
	for (size_t i = 0; i < r->n_conc; i++) {
		const struct conc_level *l = &r->conc[i];
		fprintf(f,
			"%6u %6u %8u %10.1f %10.1f %12.0f %14.0f %14.0f %s\n",
			l->k, l->rounds, l->spawners, us(l->lat.st.p50),
			us(l->lat.st.p99), l->starts_per_s, l->mem_cgroup_bytes,
			l->mem_avail_bytes, l->error);
	}
}

/* Where the ladder ran, from meta.options (pin.h). */
static void pin_note(const struct bench_result *r, char *buf, size_t len)
{
	json_t *o = json_object_get(r->meta, "options");
	json_int_t cpu = json_integer_value(json_object_get(o, "pin"));
	const char *mode = json_string_value(json_object_get(o, "pin_mode"));

	if (!o || cpu < 0)
		snprintf(buf, len, "the ladder ran on any CPU (--pin %s)",
			 mode ? mode : "none");
	else if (mode && strcmp(mode, "auto") == 0)
		snprintf(buf, len, "the ladder ran on CPU %lld (--pin auto)",
			 (long long)cpu);
	else
		snprintf(buf, len, "the ladder ran on CPU %lld (--pin %lld)",
			 (long long)cpu, (long long)cpu);
}

/* How the ladder's layout was chosen, from meta.options.aslr. */
static const char *aslr_note(const struct bench_result *r)
{
	json_t *o = json_object_get(r->meta, "options");
	const char *a = json_string_value(json_object_get(o, "aslr"));

	if (a && !strcmp(a, "off"))
		return "ASLR off in the ladder (--aslr off): syscall and fault "
		       "counts are exact";
	return "ASLR on in the ladder: fault counts vary by a few from one "
	       "start to the next";
}

/* Whether the host moved within the run, one line per host probe. */
static void drift_lines(FILE *f, const struct bench_result *r,
			const char *prefix)
{
	char line[320];
	bool first = true;

	for (size_t i = 0; i < r->n; i++) {
		bench_drift_line(&r->v[i], line, sizeof(line));
		if (!line[0])
			continue;
		fprintf(f, "%s%s%s\n", first ? "\n" : "", prefix, line);
		first = false;
	}
}

/*
 * Below the VM table, how each row booted (KVM or TCG); below the external
 * one, a row whose description starts with its name: how it was run
 * ("crun (v1 view: ...)").
 */
static void text_labels(FILE *f, const struct bench_result *r,
			enum bench_group g)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct bench_variant *v = &r->v[i];
		size_t n = strlen(v->name);
		if (v->group != g || !v->desc[0])
			continue;
		if (g == BG_VM)
			fprintf(f, "note: %s: %s\n", v->name, v->desc);
		else if (g == BG_EXTERNAL && !strncmp(v->desc, v->name, n) &&
			 v->desc[n] == ' ')
			fprintf(f, "note: %s\n", v->desc);
	}
}

int bench_write_text(FILE *f, const struct bench_result *r)
{
	enum bench_group last = BG__COUNT;
	char pin[80];

	fprintf(f, "times in microseconds; start: clone called -> first "
		   "instruction after execve; teardown: report -> reaped\n"
		   "counters: per start (task-clock in us)\n");
	pin_note(r, pin, sizeof(pin));
	fprintf(f, "%s\n", pin);
	fprintf(f, "%s\n", aslr_note(r));
	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].group != last) {
			text_labels(f, r, last);
			last = r->v[i].group;
			fprintf(f,
				"\n[%s]\n%-12s %5s %9s %9s %-17s %9s %9s %9s "
				"%9s %6s  %9s  %s\n",
				bench_group_names[last], "variant", "n", "min",
				"p50", "[95% CI]", "p90", "p99", "max", "mean",
				"±sd", "teardown",
				"task-clock faults ctxsw | syscalls "
				"minor major");
		}
		text_row(f, &r->v[i]);
	}
	text_labels(f, r, last);
	drift_lines(f, r, "");
	text_conc(f, r);
	return ferror(f) ? -EIO : 0;
}

static void md_row(FILE *f, const struct bench_variant *v)
{
	const struct stats *s = &v->start.st;
	char tc[96], pf[96], cs[96], td[32] = "–", ci[48], ex[3][96];

	if (v->status != BS_OK || !s->n) {
		fprintf(f, "| %s | %s | | | | | | | %s | |\n", v->name,
			v->status != BS_OK ? bench_status_names[v->status]
					   : "teardown only",
			v->status != BS_OK ? v->reason : v->desc);
		if (v->status == BS_OK && v->stop.st.n)
			fprintf(f,
				"| %s (teardown) | %zu | | %.1f | | %.1f | "
				"| | | |\n",
				v->name, v->stop.st.n, us(v->stop.st.p50),
				us(v->stop.st.p99));
		return;
	}
	counter_cell(v, CNT_TASK_CLOCK, tc, sizeof(tc));
	counter_cell(v, CNT_PAGE_FAULTS, pf, sizeof(pf));
	counter_cell(v, CNT_CTX_SWITCHES, cs, sizeof(cs));
	exact_cells(v, ex);
	if (v->stop.st.n)
		snprintf(td, sizeof(td), "%.1f", us(v->stop.st.p50));
	ci_cell(s, ci, sizeof(ci));
	fprintf(f,
		"| %s | %zu | %.1f | %.1f %s | %.1f | %.1f | %.1f "
		"± %.1f | %s | %s / %s / %s | %s / %s / %s |\n",
		v->name, s->n, us(s->min), us(s->p50), ci, us(s->p90),
		us(s->p99), us(s->mean), us(s->stddev), td, tc, pf, cs, ex[0],
		ex[1], ex[2]);
}

int bench_write_markdown(FILE *f, const struct bench_result *r)
{
	char pin[80];

	pin_note(r, pin, sizeof(pin));
	fprintf(f,
		"Times in µs. Start: clone called → first instruction after "
		"execve; teardown: report → reaped; %s.\n\n"
		"| variant | n | min | p50 [95%% CI] | p90 | p99 | mean ± sd "
		"| teardown p50 | task-clock µs / faults / ctxsw "
		"| syscalls / minor / major faults |\n"
		"|---|---:|---:|---:|---:|---:|---:|---:|---|---|\n",
		pin);
	for (size_t i = 0; i < r->n; i++)
		md_row(f, &r->v[i]);
	drift_lines(f, r, "- ");
	if (r->n_conc) {
		fprintf(f,
			"\nConcurrency (%s): burst start → each child's "
			"report.\n\n| K | spawners | p50 µs | p99 µs | "
			"starts/s | memcg B per idle | MemAvailable B per "
			"idle |\n|---:|---:|---:|---:|---:|---:|---:|\n",
			r->conc_variant);
		for (size_t i = 0; i < r->n_conc; i++) {
			const struct conc_level *l = &r->conc[i];
			fprintf(f,
				"| %u | %u | %.1f | %.1f | %.0f | %.0f | %.0f "
				"|\n",
				l->k, l->spawners, us(l->lat.st.p50),
				us(l->lat.st.p99), l->starts_per_s,
				l->mem_cgroup_bytes, l->mem_avail_bytes);
		}
	}
	return ferror(f) ? -EIO : 0;
}

static json_t *series_json(const struct series *s)
{
	const struct stats *t = &s->st;
	json_t *samples, *ci;

	if (!s->n)
		return json_null();
	samples = json_array();
	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(samples, json_real(s->v[i]));
	/* median_ci: null when there is no 95% interval (n < 6) */
	if (isnan(t->ci_lo) || isnan(t->ci_hi))
		ci = json_null();
	else
		ci = json_pack("{s:f, s:f, s:f}", "lo", t->ci_lo, "hi",
			       t->ci_hi, "level", t->ci_level);
	return json_pack("{s:s, s:{s:I, s:f, s:f, s:f, s:f, s:f, s:f, s:f, "
			 "s:o}, s:o}",
			 "unit", "s", "stats", "n", (json_int_t)t->n, "min",
			 t->min, "p50", t->p50, "p90", t->p90, "p99", t->p99,
			 "max", t->max, "mean", t->mean, "stddev", t->stddev,
			 "median_ci", ci, "samples", samples);
}

/* An exact counter: also its floor, its ceiling and every sample. */
static json_t *exact_json(json_t *c, const struct series *s)
{
	json_t *samples = json_array();

	for (size_t i = 0; i < s->n; i++)
		json_array_append_new(samples,
				      json_integer((json_int_t)s->v[i]));
	json_object_set_new(c, "min", json_integer((json_int_t)s->st.min));
	json_object_set_new(c, "max", json_integer((json_int_t)s->st.max));
	json_object_set_new(c, "samples", samples);
	return c;
}

static json_t *counters_json(const struct bench_variant *v)
{
	json_t *o;
	char why[160];

	if (!v->have_counters)
		return json_null();
	o = json_object();
	for (int i = 0; i < CNT__COUNT; i++) {
		const struct counter_info *ci = &counter_table[i];
		json_t *c = v->counters.err[i]
				    ? json_pack("{s:s}", "unavailable",
						counter_unavailable_reason(
							i, v->counters.err[i],
							why, sizeof(why)))
				    : json_pack("{s:f, s:s, s:I}", "per_start",
						v->counters.total[i] /
							v->counters.n,
						"unit", ci->unit, "starts",
						(json_int_t)v->counters.n);
		if (!v->counters.err[i] && ci->exact && v->count[i].n)
			c = exact_json(c, &v->count[i]);
		json_object_set_new(o, ci->name, c);
	}
	return o;
}

/* A host probe's halves (drift.h), or NULL. */
static json_t *drift_json(const struct bench_variant *v)
{
	struct drift d;

	if (!ladder_is_host_probe(v->name) || bench_drift(&v->start, &d) < 0)
		return NULL;
	return json_pack("{s:f, s:f, s:f, s:f, s:b}", "first_p50", d.first_p50,
			 "second_p50", d.second_p50, "effect", d.effect, "p",
			 d.p, "moved", d.moved);
}

static json_t *variant_json(const struct bench_variant *v)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o*}",
			 "name", v->name, "group", bench_group_names[v->group],
			 "status", bench_status_names[v->status], "description",
			 v->desc, "reason", v->reason, "command", v->command,
			 "start", series_json(&v->start), "teardown",
			 series_json(&v->stop), "counters", counters_json(v),
			 "drift", drift_json(v));
}

static json_t *conc_json(const struct bench_result *r)
{
	json_t *levels;

	if (!r->n_conc)
		return json_null();
	levels = json_array();
	for (size_t i = 0; i < r->n_conc; i++) {
		const struct conc_level *l = &r->conc[i];
		json_array_append_new(
			levels,
			json_pack(
				"{s:i, s:i, s:i, s:o, s:f, s:{s:f, s:f}, s:s}",
				"k", l->k, "rounds", l->rounds, "spawners",
				l->spawners, "latency", series_json(&l->lat),
				"starts_per_s", l->starts_per_s,
				"memory_per_idle", "cgroup_bytes",
				l->mem_cgroup_bytes, "mem_available_bytes",
				l->mem_avail_bytes, "error", l->error));
	}
	return json_pack("{s:s, s:s, s:o}", "variant", r->conc_variant,
			 "latency", "burst start -> each child's report",
			 "levels", levels);
}

int bench_write_json(FILE *f, const struct bench_result *r)
{
	json_t *vs = json_array(), *doc;
	int err;

	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(vs, variant_json(&r->v[i]));
	doc = json_pack(
		"{s:s, s:i, s:s, s:o, s:o, s:o}", "format", BENCH_FORMAT,
		"format_version", BENCH_FORMAT_VERSION, "kind", "bench", "meta",
		r->meta ? json_incref((json_t *)r->meta) : json_object(),
		"variants", vs, "concurrency", conc_json(r));
	if (!doc)
		return -ENOMEM;
	err = json_dumpf(doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(doc);
	return err || ferror(f) ? -EIO : 0;
}
