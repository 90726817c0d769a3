/* SPDX-License-Identifier: MIT */
/*
 * counters.h - per-task event counters through perf_event_open(2), events
 * encoded by libpfm4. Counters follow the calling task and, with inherit,
 * every child it starts after counters_open(): a child's counts are folded
 * into ours when it exits.
 */
#ifndef BOXCHECK_COUNTERS_H
#define BOXCHECK_COUNTERS_H

#include "base.h"

enum counter_id {
	CNT_TASK_CLOCK,
	CNT_PAGE_FAULTS,
	CNT_CTX_SWITCHES,
	CNT_CYCLES,
	CNT_INSTRUCTIONS,
	CNT_SYSCALLS,	  /* raw_syscalls:sys_enter, a tracepoint */
	CNT_MINOR_FAULTS, /* page faults served without I/O */
	CNT_MAJOR_FAULTS, /* page faults that waited for I/O */
	CNT__COUNT,
};

struct counter_info {
	const char *name;  /* perf(1)'s name, also the JSON key */
	const char *event; /* libpfm4 event string; NULL: the tracepoint */
	const char *unit;  /* "ns" or "count" */
	bool hardware;	   /* needs a PMU */
	/*
	 * A count of work done, the same in every run of the same code on
	 * the same kernel (no clock, no scheduler in it): bench keeps every
	 * sample and compare gates on it exactly (bench/compare.h).
	 */
	bool exact;
};
extern const struct counter_info counter_table[CNT__COUNT];

struct counters {
	int fd[CNT__COUNT];  /* -1 when unavailable */
	int err[CNT__COUNT]; /* 0 or -errno from encoding or opening */
};

/* Open every counter on the calling task. 0 if at least one opened. */
int counters_open(struct counters *c);
/* Current values (0 for unavailable counters). */
int counters_read(const struct counters *c, uint64_t v[CNT__COUNT]);
void counters_close(struct counters *c);

/* Sums of per-sample deltas; mean per sample is total / n. */
struct counter_set {
	double total[CNT__COUNT];
	uint64_t n;
	int err[CNT__COUNT]; /* copied from struct counters */
};
/* Why counter i is missing: "unavailable: no hardware PMU" and the like. */
const char *counter_unavailable_reason(int i, int err, char *buf, size_t len);

/*
 * The id of the raw_syscalls:sys_enter tracepoint, read from tracefs. Where
 * tracefs is not mounted, a child mounts it in a mount namespace of its
 * own (nothing changes outside) and reads it there. The id, or -errno.
 */
int counters_syscall_tracepoint(void);

#endif
