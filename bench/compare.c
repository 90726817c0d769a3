// SPDX-License-Identifier: MIT
#include "compare.h"
#include "ladder.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

/* ---- reading a bench JSON document back -------------------------------- */

static int read_series(json_t *o, struct series *s, char *err, size_t len)
{
	json_t *samples, *x;
	size_t i;

	if (!o || json_is_null(o))
		return 0;
	samples = json_object_get(o, "samples");
	if (!json_is_array(samples)) {
		snprintf(err, len, "a series without \"samples\"");
		return -EINVAL;
	}
	json_array_foreach(samples, i, x) {
		if (!json_is_number(x)) {
			snprintf(err, len, "a sample that is not a number");
			return -EINVAL;
		}
		if (series_push(s, json_number_value(x)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int enum_of(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (names[i] && strcmp(names[i], s) == 0)
			return i;
	return -1;
}

/* The exact counters' samples (counters.<name>.samples), where given. */
static int read_counts(json_t *o, struct bench_variant *v)
{
	json_t *cs = json_object_get(o, "counters"), *x;
	size_t k;

	for (int i = 0; json_is_object(cs) && i < CNT__COUNT; i++) {
		json_t *c = json_object_get(cs, counter_table[i].name);
		json_t *samples = json_object_get(c, "samples");
		if (!counter_table[i].exact || !json_is_array(samples))
			continue;
		json_array_foreach(samples, k, x) {
			if (!json_is_integer(x) || json_integer_value(x) < 0)
				return -EINVAL;
			if (series_push(&v->count[i], json_integer_value(x)) <
			    0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int read_variant(json_t *o, struct bench_result *r, char *err,
			size_t len)
{
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *g = json_string_value(json_object_get(o, "group"));
	const char *st = json_string_value(json_object_get(o, "status"));
	int gi = enum_of(g, bench_group_names, BG__COUNT);
	int si = enum_of(st, bench_status_names, BS_FAILED + 1);
	struct bench_variant *v;
	int ret;

	if (!name || gi < 0 || si < 0) {
		snprintf(err, len,
			 "a variant without a valid name, group or "
			 "status");
		return -EINVAL;
	}
	v = bench_add(r, name, gi);
	if (!v)
		return -ENOMEM;
	v->status = si;
	ret = read_series(json_object_get(o, "start"), &v->start, err, len);
	if (ret == 0)
		ret = read_series(json_object_get(o, "teardown"), &v->stop, err,
				  len);
	if (ret == 0 && (ret = read_counts(o, v)) == -EINVAL)
		snprintf(err, len, "%s: a count that is not a whole number",
			 name);
	return ret;
}

int bench_read_json(const char *path, struct bench_result *r, char *err,
		    size_t len)
{
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je), *vs, *v;
	const char *fmt, *kind;
	size_t i;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	if (!doc) {
		snprintf(err, len, "%s: not JSON: %s (line %d)", path, je.text,
			 je.line);
		return -EINVAL;
	}
	fmt = json_string_value(json_object_get(doc, "format"));
	kind = json_string_value(json_object_get(doc, "kind"));
	vs = json_object_get(doc, "variants");
	if (!fmt || strcmp(fmt, "boxcheck-results") != 0)
		snprintf(err, len, "%s: not a boxcheck result", path);
	else if (!kind || strcmp(kind, "bench") != 0)
		snprintf(err, len, "%s: a \"%s\" result, not a bench result",
			 path, kind ? kind : "?");
	else if (json_integer_value(json_object_get(doc, "format_version")) !=
		 1)
		snprintf(err, len, "%s: unknown format_version", path);
	else if (!json_is_array(vs))
		snprintf(err, len, "%s: no \"variants\" array", path);
	else
		err[0] = '\0';
	if (err[0])
		ret = -EINVAL;
	json_array_foreach(vs, i, v) {
		if (ret < 0)
			break;
		ret = read_variant(v, r, err, len);
	}
	if (ret == 0)
		r->meta = json_incref(json_object_get(doc, "meta"));
	json_decref(doc);
	if (ret < 0)
		bench_free(r);
	bench_finish(r);
	return ret;
}

/* ---- comparing --------------------------------------------------------- */

/*
 * A median that moved by less than this is unchanged whatever the test
 * says: below the harness's own timing overhead, as the empty variant's
 * 0.05 -> 0.08 us in A/A pairs showed.
 */
#define COMPARE_FLOOR_S 1e-6

int compare_test(const double *a, size_t na, const double *b, size_t nb,
		 const struct compare_opts *o, struct compare_test *ct)
{
	struct stats sa, sb;
	int r;

	memset(ct, 0, sizeof(*ct));
	if ((r = stats_mann_whitney(a, na, b, nb, &ct->m)) < 0 ||
	    (r = stats_compute(a, na, &sa)) < 0 ||
	    (r = stats_compute(b, nb, &sb)) < 0)
		return r;
	ct->p50a = sa.p50;
	ct->p50b = sb.p50;
	if (fabs(ct->p50b - ct->p50a) < COMPARE_FLOOR_S)
		ct->m.p = 1; /* reported as measured, never a verdict */
	if (ct->m.p >= o->alpha)
		return 0;
	if (isnan(ct->m.effect)) /* from a median of 0: no relative size */
		ct->change = ct->p50b > ct->p50a ? 1 : -1;
	else if (ct->m.effect > o->threshold)
		ct->change = 1;
	else if (ct->m.effect < -o->threshold)
		ct->change = -1;
	return 0;
}

/* The verdict for one series, counted in t. */
static const char *verdict_of(const struct compare_test *ct,
			      struct compare_tally *t)
{
	t->compared++;
	if (ct->change > 0) {
		t->regressed++;
		return "REGRESSED";
	}
	if (ct->change < 0) {
		t->improved++;
		return "improved";
	}
	t->same++;
	return "same";
}

/* A host probe: reported, the largest mover kept in t, never a verdict. */
static const char *host_of(const char *name, const struct compare_test *ct,
			   struct compare_tally *t)
{
	double e = isnan(ct->m.effect) ? 0 : ct->m.effect; /* from 0 */

	if (!t->host_compared++ || fabs(e) > fabs(t->host_effect)) {
		t->host_effect = e;
		snprintf(t->host_name, sizeof(t->host_name), "%s", name);
	}
	t->host_moved |= ct->change != 0;
	return "host";
}

/* One series of one variant; BASE measured it (a->n > 0). */
static void compare_series(FILE *f, const char *name, const char *what,
			   const struct series *a, const struct series *b,
			   const struct compare_opts *o,
			   struct compare_tally *t)
{
	struct compare_test ct;
	const char *verdict;
	char effect[16] = "n/a";

	if (!b->n) {
		t->lost++;
		fprintf(f, "%-10s %-14s %-9s measured in BASE, not in NEW\n",
			"MISSING", name, what);
		return;
	}
	if (compare_test(a->v, a->n, b->v, b->n, o, &ct) < 0) {
		t->lost++; /* out of memory: never a silent pass */
		fprintf(f, "%-10s %-14s %-9s could not be tested\n", "ERROR",
			name, what);
		return;
	}
	verdict = ladder_is_host_probe(name) ? host_of(name, &ct, t)
					     : verdict_of(&ct, t);
	if (!isnan(ct.m.effect))
		snprintf(effect, sizeof(effect), "%+.1f%%", ct.m.effect * 100);
	fprintf(f,
		"%-10s %-14s %-9s p50 %10.1f -> %10.1f us  %8s  "
		"U=%.0f p=%.3g (n=%zu/%zu)\n",
		verdict, name, what, ct.p50a * 1e6, ct.p50b * 1e6, effect,
		ct.m.u, ct.m.p, a->n, b->n);
}

static bool measured(const struct bench_variant *v)
{
	return v->status == BS_OK && (v->start.n || v->stop.n);
}

/* BASE measured a; NEW skipped it, failed it or has no such variant. */
static void lost_variant(FILE *f, const struct bench_variant *a,
			 const struct bench_variant *b, struct compare_tally *t)
{
	t->lost++;
	if (!b)
		fprintf(f, "%-10s %-14s measured in BASE, absent from NEW\n",
			"MISSING", a->name);
	else
		fprintf(f, "%-10s %-14s measured in BASE, %s in NEW: %s\n",
			b->status == BS_FAILED ? "FAILED" : "SKIPPED", a->name,
			bench_status_names[b->status],
			b->reason[0] ? b->reason : "no reason given");
}

/* A variant BASE did not measure: nothing to hold NEW to; said, not gated. */
static void unmeasured(FILE *f, const struct bench_variant *a,
		       const struct bench_variant *b, struct compare_tally *t)
{
	t->unmatched++;
	fprintf(f, "%-10s %-14s %s in BASE, %s in NEW\n", "unmatched", a->name,
		bench_status_names[a->status],
		!b	      ? "absent"
		: measured(b) ? "measured"
			      : bench_status_names[b->status]);
}

/* Whether a result's ladder ran with ASLR off (meta.options.aslr). */
static bool aslr_off(const struct bench_result *r)
{
	json_t *o = json_object_get(r->meta, "options");
	const char *v = json_string_value(json_object_get(o, "aslr"));

	return v && !strcmp(v, "off");
}

/*
 * One exact count of a variant both measured, judged by its floor: the
 * least any sample counted. With ASLR off and the sampler steady
 * (bench/run.h), every sample counts the same; what the host still adds
 * now and then (a page migrated under us, a page-cache page another
 * process held locked while ours was mapped around it) is one fault more
 * in one sample, never one less, so the floor does not move with it, and
 * one system call or fault more in every start moves it by one. Not
 * judged: runs with ASLR on (it moves counts both ways) and rungs whose
 * count includes a retry loop (ladder_counts_timed).
 */
static void compare_count(FILE *f, const char *name, int i,
			  const struct series *a, const struct series *b,
			  bool judged, struct compare_tally *t)
{
	const char *what = counter_table[i].name, *verdict = "same";
	const struct stats *sa = &a->st, *sb = &b->st;
	bool steady = sa->min == sa->max && sb->min == sb->max;
	double d = sb->min - sa->min;
	char how[96];

	if (!judged) {
		t->counts_unsteady++;
		fprintf(f,
			"%-10s %-14s %-12s %.0f..%.0f -> %.0f..%.0f  not "
			"judged: %s\n",
			"counted", name, what, sa->min, sa->max, sb->min,
			sb->max,
			ladder_counts_timed(name) ? "its count includes retries"
						  : "ASLR on in a run");
		return;
	}
	t->counts_compared++;
	t->counts_floor += !steady;
	if (d > 0) {
		t->counts_regressed++;
		verdict = "REGRESSED";
	} else if (d < 0) {
		t->counts_improved++;
		verdict = "improved";
	}
	if (steady)
		snprintf(how, sizeof(how), "exact");
	else
		snprintf(how, sizeof(how), "floor of %.0f..%.0f -> %.0f..%.0f",
			 sa->min, sa->max, sb->min, sb->max);
	fprintf(f,
		"%-10s %-14s %-12s %10.0f -> %10.0f  %+.0f  (%s, n=%zu/%zu)\n",
		verdict, name, what, sa->min, sb->min, d, how, a->n, b->n);
}

static void compare_counts(FILE *f, const struct bench_variant *a,
			   const struct bench_variant *b, bool aslr_both_off,
			   struct compare_tally *t)
{
	bool judged = aslr_both_off && !ladder_counts_timed(a->name);

	for (int i = 0; i < CNT__COUNT; i++)
		if (counter_table[i].exact && a->count[i].n && b->count[i].n)
			compare_count(f, a->name, i, &a->count[i], &b->count[i],
				      judged, t);
}

int bench_compare(FILE *f, const struct bench_result *base,
		  const struct bench_result *cur, const struct compare_opts *o,
		  struct compare_tally *t, char *err, size_t len)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < base->n; i++) {
		const struct bench_variant *a = &base->v[i];
		const struct bench_variant *b =
			bench_find((struct bench_result *)cur, a->name);
		if (!measured(a))
			unmeasured(f, a, b, t);
		else if (!b || b->status != BS_OK)
			lost_variant(f, a, b, t);
		else {
			if (a->start.n && o->time)
				compare_series(f, a->name, "start", &a->start,
					       &b->start, o, t);
			if (a->stop.n && o->time)
				compare_series(f, a->name, "teardown", &a->stop,
					       &b->stop, o, t);
			if (o->counts)
				compare_counts(f, a, b,
					       aslr_off(base) && aslr_off(cur),
					       t);
		}
	}
	for (size_t i = 0; i < cur->n; i++)
		if (!bench_find((struct bench_result *)base, cur->v[i].name)) {
			t->unmatched++;
			fprintf(f, "%-10s %-14s only in the new result\n",
				"new", cur->v[i].name);
		}
	if (!t->compared && !t->counts_compared) {
		snprintf(err, len,
			 "the results have no series measured in both (%u "
			 "measured in BASE only)",
			 t->lost);
		return -EINVAL;
	}
	return 0;
}

bool compare_gate_failed(const struct compare_tally *t)
{
	return t->regressed > 0 || t->lost > 0 || t->counts_regressed > 0;
}
