/* SPDX-License-Identifier: MIT */
/* runner.h - run scenarios in forked workers, isolated and as controls. */
#ifndef BOXCHECK_RUNNER_H
#define BOXCHECK_RUNNER_H

#include "host.h"

struct run_opts {
	int jobs;	    /* workers at once, >= 1 */
	unsigned timeout_s; /* 0: each scenario's own, else the default */
	void (*on_record)(const struct record *r, void *arg);
	void *arg;
};

#define DEFAULT_TIMEOUT_S 30

/* Set from a signal handler: stop starting work, kill what runs, clean up. */
extern volatile sig_atomic_t runner_interrupted;

/*
 * Run the n selected scenarios. recs (capacity n) receives the records of
 * the scenarios that completed, in selection order; returns their count
 * (less than n when interrupted), or -errno when the run could not start.
 */
int runner_run(const struct scenario *const *sel, size_t n,
	       const struct host *h, const struct run_opts *o,
	       struct record *recs);

/* Turn the two outcomes into a verdict and reason. Pure. */
void verdict_decide(struct record *r);
/* Fill a record's static fields from its scenario. */
void record_init(struct record *r, const struct scenario *s);

#endif
