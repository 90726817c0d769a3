/* SPDX-License-Identifier: MIT */
/*
 * legacy.h - TRANSITIONAL: the run-function API that judged inside the run.
 * Scenario files are being moved to CHECK(observe, judge); this file and
 * everything in it is deleted when the last one has moved.
 */
#ifndef BOXCHECK_LEGACY_H
#define BOXCHECK_LEGACY_H

enum obs ctx_holds(struct ctx *c, bool holds, const char *fmt, ...)
	_printf_(3, 4);
int legacy_run_in_child(unsigned long flags, child_fn fn, void *arg, void *out,
			size_t len, int *status);

#endif
