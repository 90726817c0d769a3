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

void bench_finish(struct bench_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		stats_compute(r->v[i].start.v, r->v[i].start.n,
			      &r->v[i].start.st);
		stats_compute(r->v[i].stop.v, r->v[i].stop.n, &r->v[i].stop.st);
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
	}
	for (size_t i = 0; i < r->n_conc; i++)
		series_free(&r->conc[i].lat);
	free(r->v);
	free(r->conc);
	if (r->meta)
		json_decref(r->meta);
	memset(r, 0, sizeof(*r));
}
