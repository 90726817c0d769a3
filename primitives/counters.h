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
	CNT__COUNT,
};

struct counter_info {
	const char *name;  /* perf(1)'s name, also the JSON key */
	const char *event; /* libpfm4 event string */
	const char *unit;  /* "ns" or "count" */
	bool hardware;	   /* needs a PMU */
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
void counter_set_add(struct counter_set *s, const struct counters *c,
		     const uint64_t before[CNT__COUNT],
		     const uint64_t after[CNT__COUNT]);
/* Why a counter is missing: "unavailable: no hardware PMU" and the like. */
const char *counter_unavailable_reason(int err, bool hardware, char *buf,
				       size_t len);

#endif
