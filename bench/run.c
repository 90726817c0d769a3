// SPDX-License-Identifier: MIT
/* The ladder loop: warm-up, then round-robin samples with counters. */
#include "run.h"

#include <string.h>

volatile sig_atomic_t bench_interrupted;

/* One step: our variant and, in an A/B run, the other arm's. */
struct slot {
	enum ladder_step step;
	struct bench_variant *v, *ov;
	bool active, oactive;
};

static void set_status(struct bench_variant *v, enum bench_status st,
		       const char *why)
{
	v->status = st;
	snprintf(v->reason, sizeof(v->reason), "%s", why);
}

static void fail(struct slot *s, int err)
{
	char why[256];

	s->active = false;
	set_status(s->v, BS_FAILED, ladder_strerror(err, why, sizeof(why)));
}

const char *bench_step_unavailable(const struct ladder_ctx *c,
				   enum ladder_step s)
{
	const struct ladder_step_info *i = &ladder_steps[s];

	if (s == LS_CONTAINER && !i->sample)
		return "reference container not built yet "
		       "(primitives/container.c)";
	return i->unavailable ? i->unavailable(c) : NULL;
}

static struct bench_variant *variant(struct bench_result *r, enum ladder_step s)
{
	struct bench_variant *v =
		bench_add(r, ladder_steps[s].name,
			  s == LS_EMPTY ? BG_CALIBRATION : BG_LADDER);

	if (v)
		snprintf(v->desc, sizeof(v->desc), "%s", ladder_steps[s].desc);
	return v;
}

/*
 * Variants for the selected steps, ours and the other arm's (or); those
 * that cannot run here say why. The other arm finds out for itself.
 */
static size_t make_slots(const struct bench_opts *o, const struct ladder_ctx *c,
			 struct bench_result *r, struct bench_result * or,
			 struct slot *slots)
{
	size_t n = 0;

	for (int s = 0; s < LS__COUNT; s++) {
		const char *why = bench_step_unavailable(c, s);
		struct slot *t = &slots[n];

		if (!o->steps[s])
			continue;
		*t = (struct slot){ .step = s, .v = variant(r, s) };
		if (!t->v || (or &&!(t->ov = variant(or, s))))
			return n;
		if (why)
			set_status(t->v, BS_SKIPPED, why);
		t->active = !why;
		t->oactive = or != NULL;
		n++;
	}
	return n;
}

static void one(struct ladder_ctx *c, struct slot *s, const struct counters *k,
		bool keep)
{
	struct ladder_sample out;
	uint64_t before[CNT__COUNT], after[CNT__COUNT];
	int r;

	c->seq++;
	counters_read(k, before);
	r = ladder_sample(c, s->step, &out);
	counters_read(k, after);
	if (r < 0)
		return fail(s, r);
	if (!keep)
		return;
	if (out.start_s >= 0)
		series_push(&s->v->start, out.start_s);
	if (out.stop_s >= 0)
		series_push(&s->v->stop, out.stop_s);
	counter_set_add(&s->v->counters, k, before, after);
	s->v->have_counters = true;
}

static void add_counters(struct bench_variant *v,
			 const struct sample_counters *k)
{
	for (int i = 0; i < CNT__COUNT; i++) {
		v->counters.err[i] = k->err[i];
		if (!k->err[i])
			v->counters.total[i] += k->delta[i];
	}
	v->counters.n++;
	v->have_counters = true;
}

/* The other arm's sample of the same step. */
static void other_one(struct bench_arm *a, struct slot *s, bool keep)
{
	struct ladder_sample out = { -1, -1 };
	struct sample_counters k = { 0 };
	char why[256] = "";
	int r;

	if (!s->oactive || a->lost)
		return;
	r = a->sample(a, s->step, &out, &k, why, sizeof(why));
	if (r != 0 || a->lost) {
		s->oactive = false;
		set_status(s->ov, r > 0 ? BS_SKIPPED : BS_FAILED,
			   a->lost ? a->lost_why : why);
		return;
	}
	if (keep && out.start_s >= 0)
		series_push(&s->ov->start, out.start_s);
	if (keep && out.stop_s >= 0)
		series_push(&s->ov->stop, out.stop_s);
	if (keep && k.have)
		add_counters(s->ov, &k);
}

static bool stop(const struct bench_arm *a)
{
	return bench_interrupted || (a && a->lost);
}

/* Round round of every slot; with another arm, its samples alongside. */
static void round_of(struct ladder_ctx *c, struct slot *slots, size_t n,
		     const struct counters *k, struct bench_arm *a,
		     unsigned round, bool keep)
{
	bool theirs_first = round & 1;

	for (size_t i = 0; i < n && !stop(a); i++) {
		if (a && theirs_first)
			other_one(a, &slots[i], keep);
		if (slots[i].active && !stop(a))
			one(c, &slots[i], k, keep);
		if (a && !theirs_first)
			other_one(a, &slots[i], keep);
	}
}

int bench_run_ladder_ab(const struct bench_opts *o, const struct ladder_ctx *c0,
			struct bench_result *r, struct bench_arm *a)
{
	struct slot slots[LS__COUNT];
	struct ladder_ctx c = *c0;
	struct counters k;
	size_t n = make_slots(o, c0, r, a ? a->r : NULL, slots);

	counters_open(&k);
	for (unsigned round = 0; round < o->warmup + o->runs && !stop(a);
	     round++)
		round_of(&c, slots, n, &k, a, round, round >= o->warmup);
	for (size_t i = 0; i < n; i++) {
		/* Counter errors are per counter; kept even if nothing ran. */
		memcpy(slots[i].v->counters.err, k.err, sizeof(k.err));
		if (a && a->lost && slots[i].oactive)
			set_status(slots[i].ov, BS_FAILED, a->lost_why);
	}
	counters_close(&k);
	return bench_interrupted ? -EINTR : 0;
}

int bench_run_ladder(const struct bench_opts *o, const struct ladder_ctx *c,
		     struct bench_result *r)
{
	return bench_run_ladder_ab(o, c, r, NULL);
}
