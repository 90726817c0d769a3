/* SPDX-License-Identifier: MIT */
/* pidns.h - what the PID namespace scenario files share. */
#ifndef BOXCHECK_PIDNS_H
#define BOXCHECK_PIDNS_H

#include "nsrun.h"

/* The isolating step: a new PID namespace, or none in the control. */
#define PIDNS(c) ((c)->isolate ? CLONE_NEWPID : 0)

struct pids {
	pid_t pid, ppid, sid, pgid, seen; /* seen: as the parent sees it */
	int err, n;
};

#define PID_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_PID)                             \
	}

#endif
