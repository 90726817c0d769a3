/* SPDX-License-Identifier: MIT */
/* run.h - driving a benchmark: options, the ladder loop, concurrency. */
#ifndef BOXCHECK_BENCH_RUN_H
#define BOXCHECK_BENCH_RUN_H

#include "ladder.h"
#include "pin.h"

#include <signal.h>

#define BENCH_MAX_CONC 16
#define BENCH_MAX_EXT 16

struct bench_opts {
	unsigned runs, warmup;
	int pin_cpu; /* the ladder's CPU, -1: not pinned (pin.h) */
	enum bench_pin_mode pin_mode;
	bool quick;
	bool steps[LS__COUNT]; /* selected ladder steps */
	unsigned conc[BENCH_MAX_CONC];
	size_t n_conc;
	unsigned spawners; /* concurrency: 0 one per CPU we may use */
	const char *ext[BENCH_MAX_EXT]; /* external commands to compare */
	size_t n_ext;
	unsigned ext_runs, ext_warmup;
	const char *rundir; /* our temp dir, removed afterwards */
	/* Called after each ladder round (done of total), or NULL. */
	void (*progress)(unsigned done, unsigned total);
};

/* Set by the signal handler: stop after the sample in flight. */
extern volatile sig_atomic_t bench_interrupted;

/* Why step s cannot run with c (its variant is skipped), or NULL. */
const char *bench_step_unavailable(const struct ladder_ctx *c,
				   enum ladder_step s);

/*
 * The ladder without address space layout randomization, so that its
 * counts are exact: where a program's stack, heap and mappings start
 * within a page moves the number of pages it touches, by 0 to 3 page
 * faults from one start to the next with ASLR (and a sampling process's
 * own layout by as many between runs). bench_aslr_off re-executes us
 * (argv, from the program name on) with ADDR_NO_RANDOMIZE, which children
 * and their execve inherit, unless it is set already: then 0. -errno when
 * that failed; *restore says whether we set it (in the process before the
 * execve). bench_aslr_restore(restore) then gives ASLR back to what runs
 * after the ladder (concurrency, external runtimes, VMs).
 */
int bench_aslr_off(char **argv, bool *restore);
void bench_aslr_restore(bool restore);
bool bench_aslr_is_off(void);

/*
 * Before a sample, outside its window: every page of ours write-protected
 * again, as a fork leaves them, whatever ran since the last one. A page
 * the window writes then faults in every sample, not only in those where
 * nothing between two samples (a series growing, a line printed) wrote it
 * first: 1 or 2 minor faults that came and went otherwise.
 */
void bench_settle(void);

/*
 * fn(arg) with the stack pointer at the same place within its page in
 * every run: how much the environment and arguments take above it (3 KB
 * more of environment moved the counts by up to 3 page faults) no longer
 * decides which of fn's frames share a page. fn's value.
 */
int bench_steady_stack(int (*fn)(void *), void *arg);

/* Keep the allocator's brk and mmap calls out of the windows (run.c). */
void bench_steady_heap(void);

/* Warm-up, then o->runs rounds over the selected steps, round-robin. */
int bench_run_ladder(const struct bench_opts *o, const struct ladder_ctx *c,
		     struct bench_result *r);

/* A variant of step s in r, with its group and description. */
struct bench_variant *bench_ladder_variant(struct bench_result *r,
					   enum ladder_step s);

/*
 * One arm of an interleaved A/B run: a process sampling the ladder for us
 * (bench/ab.c has the one there is: a boxcheck build's `bench --serve`).
 */
struct bench_arm {
	struct bench_result *r; /* its variants */
	/*
	 * One sample of step s: 0; 1 when the arm cannot run s at all, -errno
	 * when the sample failed (why says why; the variant is then skipped
	 * or failed and not asked again).
	 */
	int (*sample)(struct bench_arm *a, enum ladder_step s,
		      struct ladder_sample *out, struct sample_counters *k,
		      char *why, size_t len);
	/* Replace its process by a fresh one: 0 or -errno (lost_why). */
	int (*renew)(struct bench_arm *a);
	void *data;
	bool lost;	    /* set by sample or renew: the run stops */
	char lost_why[256]; /* ... why */
};

#define BENCH_AB_RENEW 10 /* rounds per pair of arm processes */

/*
 * The A/B loop (bench/ab_run.c): warm-up, then o->runs rounds; in each,
 * every selected step is sampled once in each arm, back to back, arm 0
 * first in even rounds and arm 1 first in odd ones. Every BENCH_AB_RENEW
 * rounds both arms get fresh processes, which then do one round that is
 * not kept: no arm keeps a process's luck (its memory, its CPU) for the
 * whole run. -EINTR when interrupted, else 0.
 */
int bench_run_ladder_ab(const struct bench_opts *o, struct bench_arm *arm[2]);

/* Start K at once for each K in o->conc (ns-all), idle, measure, stop. */
int bench_run_concurrency(const struct bench_opts *o,
			  const struct ladder_ctx *c, struct bench_result *r);

#endif
