// SPDX-License-Identifier: MIT
/* The ladder loop: warm-up, then round-robin samples with counters. */
#include "run.h"

#include <malloc.h>
#include <string.h>
#include <sys/personality.h>

volatile sig_atomic_t bench_interrupted;

struct slot {
	enum ladder_step step;
	struct bench_variant *v;
	bool active;
};

static void fail(struct slot *s, int err)
{
	char why[256];

	s->active = false;
	s->v->status = BS_FAILED;
	snprintf(s->v->reason, sizeof(s->v->reason), "%s",
		 ladder_strerror(err, why, sizeof(why)));
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

struct bench_variant *bench_ladder_variant(struct bench_result *r,
					   enum ladder_step s)
{
	struct bench_variant *v = bench_add(
		r, ladder_steps[s].name,
		ladder_step_is_calibration(s) ? BG_CALIBRATION : BG_LADDER);

	if (v)
		snprintf(v->desc, sizeof(v->desc), "%s", ladder_steps[s].desc);
	return v;
}

/* Variants for the selected steps; those that cannot run say why. */
static size_t make_slots(const struct bench_opts *o, const struct ladder_ctx *c,
			 struct bench_result *r, struct slot *slots)
{
	size_t n = 0;

	for (int s = 0; s < LS__COUNT; s++) {
		const char *why = bench_step_unavailable(c, s);
		struct bench_variant *v;

		if (!o->steps[s])
			continue;
		v = bench_ladder_variant(r, s);
		if (!v)
			return n;
		if (why) {
			v->status = BS_SKIPPED;
			snprintf(v->reason, sizeof(v->reason), "%s", why);
		}
		bench_variant_reserve(v, o->runs);
		slots[n++] = (struct slot){ s, v, !why };
	}
	return n;
}

static void one(struct ladder_ctx *c, struct slot *s, const struct counters *k,
		bool keep)
{
	struct ladder_sample out;
	uint64_t before[CNT__COUNT], after[CNT__COUNT];
	struct sample_counters d;
	int r;

	c->seq++;
	bench_settle();
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
	sample_counters_of(k, before, after, &d);
	bench_add_counters(s->v, &d);
}

/*
 * The allocator's system calls out of the sampling windows: glibc gives
 * memory back at a free (brk down) and takes it again at a later malloc
 * (brk up), wherever the heap's top happens to be, so a window that
 * mallocs (opendir, a path) made 3 to 5 system calls more in some samples
 * than in others. A heap that never shrinks and grows 64 MiB at a time
 * does not.
 */
void bench_steady_heap(void)
{
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	mallopt(M_TOP_PAD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 1 << 30);
}

void bench_settle(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

#define ASLR_MARK "BOXCHECK_BENCH_ASLR_WAS_ON"

int bench_aslr_off(char **argv, bool *restore)
{
	int p = personality(0xffffffff);

	*restore = false;
	if (p < 0)
		return neg_errno();
	if (p & ADDR_NO_RANDOMIZE) {
		*restore = getenv(ASLR_MARK) != NULL;
		unsetenv(ASLR_MARK);
		return 0;
	}
	if (personality(p | ADDR_NO_RANDOMIZE) < 0 ||
	    setenv(ASLR_MARK, "1", 1) < 0)
		return neg_errno();
	execv("/proc/self/exe", argv);
	personality(p);
	unsetenv(ASLR_MARK);
	return neg_errno();
}

void bench_aslr_restore(bool restore)
{
	int p = personality(0xffffffff);

	if (restore && p >= 0 && (p & ADDR_NO_RANDOMIZE))
		personality(p & ~ADDR_NO_RANDOMIZE);
}

bool bench_aslr_is_off(void)
{
	int p = personality(0xffffffff);

	return p >= 0 && (p & ADDR_NO_RANDOMIZE);
}

int bench_steady_stack(int (*fn)(void *), void *arg)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
	volatile char pad[(sp & 4095) + 64];

	pad[0] = 0;
	__asm__ volatile("" : : "r"(pad) : "memory"); /* kept: it is the pad */
	return fn(arg);
}

struct ladder_args {
	const struct bench_opts *o;
	const struct ladder_ctx *c0;
	struct bench_result *r;
};

static int ladder_loop(void *arg)
{
	const struct ladder_args *a = arg;
	const struct bench_opts *o = a->o;
	struct slot slots[LS__COUNT];
	struct ladder_ctx c = *a->c0;
	struct counters k;
	size_t n = make_slots(o, a->c0, a->r, slots);

	counters_open(&k);
	for (unsigned round = 0; round < o->warmup + o->runs; round++) {
		for (size_t i = 0; i < n && !bench_interrupted; i++)
			if (slots[i].active)
				one(&c, &slots[i], &k, round >= o->warmup);
		if (bench_interrupted)
			break;
		if (o->progress)
			o->progress(round + 1, o->warmup + o->runs);
	}
	/* Counter errors are per counter; record them even if nothing ran. */
	for (size_t i = 0; i < n; i++)
		memcpy(slots[i].v->counters.err, k.err, sizeof(k.err));
	counters_close(&k);
	return bench_interrupted ? -EINTR : 0;
}

int bench_run_ladder(const struct bench_opts *o, const struct ladder_ctx *c0,
		     struct bench_result *r)
{
	struct ladder_args a = { o, c0, r };

	bench_steady_heap();
	return bench_steady_stack(ladder_loop, &a);
}
