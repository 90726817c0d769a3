// SPDX-License-Identifier: MIT
/*
 * The A/B loop (run.h): two arms, sampled in turns, renewed in turns.
 *
 * Why neither arm is the master itself, and why the processes are renewed:
 * on the development VM, A/A runs of one build against itself showed the
 * master's own samples (fork and exec starts) 7-22% off the coprocess's in
 * some runs and not in others, and two long-lived coprocesses still up to
 * 8% apart: each process has a lasting speed of its own (where its memory
 * and its CPU fell). With two coprocesses renewed every 10 rounds, the A/A
 * start medians stayed within 3%.
 */
#include "run.h"

#include <string.h>

/* One step, in both arms. */
struct pair {
	enum ladder_step step;
	struct bench_variant *v[2];
	bool active[2];
};

static void set_status(struct bench_variant *v, enum bench_status st,
		       const char *why)
{
	v->status = st;
	snprintf(v->reason, sizeof(v->reason), "%s", why);
}

static size_t make_pairs(const struct bench_opts *o, struct bench_arm *arm[2],
			 struct pair *p)
{
	size_t n = 0;

	for (int s = 0; s < LS__COUNT; s++) {
		if (!o->steps[s])
			continue;
		p[n] = (struct pair){ .step = s, .active = { true, true } };
		for (int i = 0; i < 2; i++)
			if (!(p[n].v[i] = bench_ladder_variant(arm[i]->r, s)))
				return n;
		n++;
	}
	return n;
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

/* Arm i's sample of pair p's step. */
static void one(struct bench_arm *a, struct pair *p, int i, bool keep)
{
	struct ladder_sample out = { -1, -1 };
	struct sample_counters k = { 0 };
	struct bench_variant *v = p->v[i];
	char why[256] = "";
	int r;

	if (!p->active[i] || a->lost)
		return;
	r = a->sample(a, p->step, &out, &k, why, sizeof(why));
	if (r != 0 || a->lost) {
		p->active[i] = false;
		set_status(v, r > 0 ? BS_SKIPPED : BS_FAILED,
			   a->lost ? a->lost_why : why);
		return;
	}
	if (keep && out.start_s >= 0)
		series_push(&v->start, out.start_s);
	if (keep && out.stop_s >= 0)
		series_push(&v->stop, out.stop_s);
	if (keep && k.have)
		add_counters(v, &k);
}

static bool stop(struct bench_arm *arm[2])
{
	return bench_interrupted || arm[0]->lost || arm[1]->lost;
}

static void round_of(struct pair *p, size_t n, struct bench_arm *arm[2],
		     unsigned round, bool keep)
{
	int first = round & 1;

	for (size_t j = 0; j < n && !stop(arm); j++) {
		one(arm[first], &p[j], first, keep);
		one(arm[!first], &p[j], !first, keep);
	}
}

/* Fresh processes for both arms, warmed up by a round that is not kept. */
static void renew(struct pair *p, size_t n, struct bench_arm *arm[2],
		  unsigned round)
{
	for (int i = 0; i < 2 && !stop(arm); i++)
		if (arm[i]->renew(arm[i]) < 0)
			arm[i]->lost = true;
	round_of(p, n, arm, round, false);
}

int bench_run_ladder_ab(const struct bench_opts *o, struct bench_arm *arm[2])
{
	struct pair p[LS__COUNT];
	size_t n = make_pairs(o, arm, p);

	for (unsigned w = 0; w < o->warmup && !stop(arm); w++)
		round_of(p, n, arm, w, false);
	for (unsigned j = 0; j < o->runs && !stop(arm); j++) {
		if (j && j % BENCH_AB_RENEW == 0)
			renew(p, n, arm, j);
		round_of(p, n, arm, j, true);
	}
	for (size_t j = 0; j < n; j++)
		for (int i = 0; i < 2; i++)
			if (arm[i]->lost && p[j].active[i])
				set_status(p[j].v[i], BS_FAILED,
					   arm[i]->lost_why);
	return bench_interrupted ? -EINTR : 0;
}
