/* SPDX-License-Identifier: MIT */
/*
 * reaper.h - the runner as a child subreaper. Processes a scenario leaves
 * behind (a daemon that double-forked out of its worker's process group) are
 * re-parented to the runner, not to the host's init: the runner reaps them,
 * and at the end kills any still alive. Children the caller had before the
 * run are never touched.
 */
#ifndef BOXCHECK_REAPER_H
#define BOXCHECK_REAPER_H

#include "../primitives/base.h"

struct reaper {
	int was_subreaper;
	pid_t before[64]; /* children we already had */
	size_t n_before;
};

/* Become a subreaper; note the children we already have. 0 or -errno. */
int reaper_start(struct reaper *r);
/*
 * Reap exited adopted children. Stops at the first one for which
 * keep(pid, arg) is true (a worker: its owner waits for it).
 */
void reaper_reap(const struct reaper *r, bool (*keep)(pid_t, void *),
		 void *arg);
/* Kill and reap every adopted child still alive; restore the flag. */
void reaper_stop(struct reaper *r);
/* Pids whose parent is us, from /proc; returns the count (<= cap). */
size_t reaper_children(pid_t *out, size_t cap);

#endif
