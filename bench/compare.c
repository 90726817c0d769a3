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

/* The verdict for one series, counted in t. */
static const char *verdict_of(const struct mwu *m, const struct compare_opts *o,
			      struct compare_tally *t)
{
	t->compared++;
	if (m->p < o->alpha && m->effect > o->threshold) {
		t->regressed++;
		return "REGRESSED";
	}
	if (m->p < o->alpha && m->effect < -o->threshold) {
		t->improved++;
		return "improved";
	}
	t->same++;
	return "same";
}

/* A host probe: reported, the largest mover kept in t, never a verdict. */
static const char *host_of(const char *name, const struct mwu *m,
			   const struct compare_opts *o,
			   struct compare_tally *t)
{
	bool moved = m->p < o->alpha && fabs(m->effect) > o->threshold;

	if (!t->host_compared++ || fabs(m->effect) > fabs(t->host_effect)) {
		t->host_effect = m->effect;
		snprintf(t->host_name, sizeof(t->host_name), "%s", name);
	}
	t->host_moved |= moved;
	return "host";
}

static void compare_series(FILE *f, const char *name, const char *what,
			   const struct series *a, const struct series *b,
			   const struct compare_opts *o,
			   struct compare_tally *t)
{
	struct mwu m;
	const char *verdict;

	if (!a->n || !b->n)
		return;
	stats_mann_whitney(a->v, a->n, b->v, b->n, &m);
	if (fabs(b->st.p50 - a->st.p50) < COMPARE_FLOOR_S)
		m.p = 1; /* reported as measured, never a verdict */
	verdict = ladder_is_host_probe(name) ? host_of(name, &m, o, t)
					     : verdict_of(&m, o, t);
	fprintf(f,
		"%-10s %-14s %-9s p50 %10.1f -> %10.1f us  %+7.1f%%  "
		"U=%.0f p=%.3g (n=%zu/%zu)\n",
		verdict, name, what, a->st.p50 * 1e6, b->st.p50 * 1e6,
		m.effect * 100, m.u, m.p, a->n, b->n);
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
		if (!b) {
			t->unmatched++;
			fprintf(f, "%-10s %-14s only in the base\n", "missing",
				a->name);
			continue;
		}
		if (a->status == BS_OK && b->status == BS_FAILED) {
			t->compared++;
			t->regressed++;
			fprintf(f, "%-10s %-14s now fails\n", "REGRESSED",
				a->name);
			continue;
		}
		compare_series(f, a->name, "start", &a->start, &b->start, o, t);
		compare_series(f, a->name, "teardown", &a->stop, &b->stop, o,
			       t);
	}
	for (size_t i = 0; i < cur->n; i++)
		if (!bench_find((struct bench_result *)base, cur->v[i].name)) {
			t->unmatched++;
			fprintf(f, "%-10s %-14s only in the new result\n",
				"new", cur->v[i].name);
		}
	if (!t->compared) {
		snprintf(err, len,
			 "the results have no measured variant in "
			 "common");
		return -EINVAL;
	}
	return 0;
}
