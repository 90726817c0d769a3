// SPDX-License-Identifier: MIT
/* pin.c - the ladder's CPU (pin.h). */
#include "pin.h"

#include "../primitives/base.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const mode_names[] = {
	[PIN_AUTO] = "auto",
	[PIN_CPU] = "cpu",
	[PIN_NONE] = "none",
};

const char *bench_pin_mode_name(enum bench_pin_mode mode)
{
	return mode_names[mode];
}

int bench_pin_auto_cpu(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return neg_errno();
	for (int cpu = CPU_SETSIZE - 1; cpu >= 0; cpu--)
		if (CPU_ISSET(cpu, &set))
			return cpu;
	return -ESRCH;
}

static int parse_cpu(const char *arg, int *cpu, char *err, size_t len)
{
	cpu_set_t set;
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0 || v >= CPU_SETSIZE) {
		snprintf(err, len,
			 "--pin wants auto, none or a CPU number, "
			 "not '%s'",
			 arg);
		return -EINVAL;
	}
	if (sched_getaffinity(0, sizeof(set), &set) == 0 &&
	    !CPU_ISSET((int)v, &set)) {
		snprintf(err, len,
			 "--pin %ld: not a CPU this process may run "
			 "on (see taskset -p $$)",
			 v);
		return -EINVAL;
	}
	*cpu = (int)v;
	return 0;
}

int bench_pin_parse(const char *arg, enum bench_pin_mode *mode, int *cpu,
		    char *err, size_t len)
{
	if (strcmp(arg, "none") == 0) {
		*mode = PIN_NONE;
		*cpu = -1;
		return 0;
	}
	if (strcmp(arg, "auto") == 0) {
		*mode = PIN_AUTO;
		*cpu = bench_pin_auto_cpu();
		return 0;
	}
	*mode = PIN_CPU;
	return parse_cpu(arg, cpu, err, len);
}

int bench_pin_enter(struct bench_pin *p, int cpu)
{
	cpu_set_t set;

	p->active = false;
	if (cpu < 0)
		return 0;
	if (sched_getaffinity(0, sizeof(p->saved), &p->saved) < 0)
		return neg_errno();
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return neg_errno();
	p->active = true;
	return 0;
}

void bench_pin_leave(struct bench_pin *p)
{
	if (p->active)
		sched_setaffinity(0, sizeof(p->saved), &p->saved);
	p->active = false;
}
