/* SPDX-License-Identifier: MIT */
/* pidns.h - what the PID namespace scenario files share. */
#ifndef BOXCHECK_PIDNS_H
#define BOXCHECK_PIDNS_H

#include "nsrun.h"

#include <signal.h>

/* The isolating step: a new PID namespace, or none in the control. */
#define PIDNS(c) ((c)->isolate ? CLONE_NEWPID : 0)

/* A process's own ids, as it reads them. */
struct pid_view {
	pid_t pid, ppid, sid, pgid;
};

/* The observation helpers (mutation point M_PID_VIEW). */
void pid_view_read(struct pid_view *v);
pid_t pid_of_sender(const siginfo_t *si);

#define PID_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_PID)                             \
	}

#endif
