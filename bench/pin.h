/* SPDX-License-Identifier: MIT */
/*
 * pin.h - which CPU the ladder runs on. By default the ladder is pinned to
 * the highest-numbered CPU we may run on: the parent and the child it
 * starts then share one CPU, and a sample does not depend on where the
 * scheduler put either (on a 2-vCPU VM, three unpinned --quick runs moved
 * a variant's median by 28% typically, three pinned ones taken in turns
 * with them by 10%). The concurrency sweep and the external tools run on
 * every CPU we were given.
 */
#ifndef BOXCHECK_BENCH_PIN_H
#define BOXCHECK_BENCH_PIN_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>

enum bench_pin_mode { PIN_AUTO, PIN_CPU, PIN_NONE };

/*
 * "auto", "none" or a CPU number in our affinity mask: the mode and the
 * CPU (-1 for none). -EINVAL with a message in err for anything else.
 */
int bench_pin_parse(const char *arg, enum bench_pin_mode *mode, int *cpu,
		    char *err, size_t len);

/* The highest-numbered CPU in our affinity mask, or -errno. */
int bench_pin_auto_cpu(void);

/* The mode's name, as in the JSON: "auto", "cpu" or "none". */
const char *bench_pin_mode_name(enum bench_pin_mode mode);

struct bench_pin {
	cpu_set_t saved;
	bool active;
};

/* Run on cpu from now on (cpu < 0: no change); leave restores the mask. */
int bench_pin_enter(struct bench_pin *p, int cpu);
void bench_pin_leave(struct bench_pin *p);

#endif
