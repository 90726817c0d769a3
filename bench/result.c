// SPDX-License-Identifier: MIT
/* The bench result model: variants, series, finishing. */
#include "bench.h"

#include <jansson.h>
#include <string.h>

const char *const bench_group_names[BG__COUNT] = {
	[BG_CALIBRATION] = "calibration",
	[BG_LADDER] = "ladder",
	[BG_EXTERNAL] = "external",
	[BG_VM] = "vm",
};

const char *const bench_status_names[] = {
	[BS_OK] = "ok",
	[BS_SKIPPED] = "skipped",
	[BS_FAILED] = "failed",
};

int series_push(struct series *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 64;
		double *nv = realloc(s->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

int series_reserve(struct series *s, size_t n)
{
	double *nv;

	if (n <= s->cap)
		return 0;
	nv = realloc(s->v, n * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	s->v = nv;
	s->cap = n;
	return 0;
}

void bench_variant_reserve(struct bench_variant *v, size_t n)
{
	series_reserve(&v->start, n);
	series_reserve(&v->stop, n);
	for (int i = 0; i < CNT__COUNT; i++)
		if (counter_table[i].exact)
			series_reserve(&v->count[i], n);
}

void series_free(struct series *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct bench_variant *bench_add(struct bench_result *r, const char *name,
				enum bench_group g)
{
	struct bench_variant *v;

	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 32;
		struct bench_variant *nv = realloc(r->v, cap * sizeof(*nv));
		if (!nv)
			return NULL;
		r->v = nv;
		r->cap = cap;
	}
	v = &r->v[r->n++];
	memset(v, 0, sizeof(*v));
	snprintf(v->name, sizeof(v->name), "%s", name);
	v->group = g;
	return v;
}

struct bench_variant *bench_find(struct bench_result *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].name, name) == 0)
			return &r->v[i];
	return NULL;
}

void sample_counters_of(const struct counters *k, const uint64_t *before,
			const uint64_t *after, struct sample_counters *d)
{
	d->have = true;
	for (int i = 0; i < CNT__COUNT; i++) {
		d->err[i] = k->err[i];
		d->delta[i] =
			k->fd[i] >= 0 ? (double)(after[i] - before[i]) : 0;
	}
}

void bench_add_counters(struct bench_variant *v,
			const struct sample_counters *k)
{
	for (int i = 0; i < CNT__COUNT; i++) {
		v->counters.err[i] = k->err[i];
		if (k->err[i])
			continue;
		v->counters.total[i] += k->delta[i];
		if (counter_table[i].exact)
			series_push(&v->count[i], k->delta[i]);
	}
	v->counters.n++;
	v->have_counters = true;
}

void bench_finish(struct bench_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		struct bench_variant *v = &r->v[i];
		stats_compute(v->start.v, v->start.n, &v->start.st);
		stats_compute(v->stop.v, v->stop.n, &v->stop.st);
		for (int k = 0; k < CNT__COUNT; k++)
			stats_compute(v->count[k].v, v->count[k].n,
				      &v->count[k].st);
	}
	for (size_t i = 0; i < r->n_conc; i++)
		stats_compute(r->conc[i].lat.v, r->conc[i].lat.n,
			      &r->conc[i].lat.st);
}

void bench_free(struct bench_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		series_free(&r->v[i].start);
		series_free(&r->v[i].stop);
		for (int k = 0; k < CNT__COUNT; k++)
			series_free(&r->v[i].count[k]);
	}
	for (size_t i = 0; i < r->n_conc; i++)
		series_free(&r->conc[i].lat);
	free(r->v);
	free(r->conc);
	if (r->meta)
		json_decref(r->meta);
	memset(r, 0, sizeof(*r));
}
