// SPDX-License-Identifier: MIT
/*
 * The A/B loop (run.h): two arms, sampled in turns, renewed in turns.
 *
 * Why neither arm is the master itself, and why the processes are renewed:
 * on the development VM, full-ladder A/A runs with the master sampling its
 * own arm flagged 14, 0 and 11 of 36 series (starts 5-12% slower in the
 * master's arm, in some runs and not in others): each process keeps a
 * speed of its own for its lifetime. In runs of 5 variants interleaved in
 * time, the A/A start effects spread with sd 6.3% (master and coprocess),
 * 3.4% (two long-lived coprocesses) and 1.6% (two coprocesses renewed
 * every 30 rounds). With two coprocesses renewed every 10 rounds, three
 * full-ladder A/A runs flagged 0, 0 and 1 of 36 series.
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
		bench_add_counters(v, &k);
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

/*
 * Fresh processes for both arms, started in turns (arm 1 first every other
 * time), warmed up by a round that is not kept. That round has the order
 * of the round before, so the kept round begins as after any other: with
 * the arm that ended the last (which samples faster when it goes again at
 * once: `empty` took 40 ns so and 60 ns after the other arm; a warm-up
 * round in the kept round's order made arm 0 the slower one in A/A runs).
 */
static void renew(struct pair *p, size_t n, struct bench_arm *arm[2],
		  unsigned round)
{
	int first = (round / BENCH_AB_RENEW) & 1;

	for (int i = 0; i < 2 && !stop(arm); i++) {
		struct bench_arm *a = arm[i ^ first];
		if (a->renew(a) < 0)
			a->lost = true;
	}
	round_of(p, n, arm, round + 1, false);
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
