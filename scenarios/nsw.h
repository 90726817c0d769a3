/* SPDX-License-Identifier: MIT */
/*
 * nsw.h - what the namespace scenario files of the coverage map's third
 * wave share (nsw_util.c): writes to /proc files that read an errno,
 * credential and capability steps for children, and the verdict helpers.
 * Their mutation points are in the "namespace semantics" section of
 * primitives/mutant.h.
 */
#ifndef BOXCHECK_SCENARIOS_NSW_H
#define BOXCHECK_SCENARIOS_NSW_H

#include "caps_util.h"
#include "nsmore.h"

/* The step a child function names when expr is negative (-errno). */
#define NSW_TRY(step, expr) CHILD_TRY(step, expr)

/*
 * Write text in one write(2) at offset off of /proc/PID/file (pid 0:
 * self): its errno, 0 when it was taken whole. With mutant m on it reads
 * `want`, the errno the scenario looks for.
 */
int nsw_proc_write(enum mutant m, pid_t pid, const char *file, const char *text,
		   off_t off, int want);
/* A write that must work: 0 or -errno (a short write is -EIO). */
int proc_write(pid_t pid, const char *file, const char *text);
/* /proc/PID/file (pid 0: self) into buf, NUL-terminated: 0 or -errno. */
int proc_read(pid_t pid, const char *file, char *buf, size_t len);

/* The effective set without mask: 0 or -errno. */
int drop_effective(capmask_t mask);
/* Every uid and gid to id, no groups, and dumpable again: 0 or -errno. */
int become_dumpable(uid_t id);

/*
 * A child in a new user namespace (plus flags) whose maps are not written
 * and which blocks until released: holder_start() from nsrun.h.
 */
int userns_holder(struct holder *h, unsigned long flags);

/*
 * An errno probe with a named absence: `want` holds, `absent` (0: the call
 * worked) does not, anything else cannot decide.
 */
enum obs judge_err_is(struct judge *j, int err, int want, int absent,
		      const char *key, const char *what);

/*
 * Execute the boxcheck copy open on fd (capbin_setup() in caps_util.h) as
 * "boxcheck-status" from a forked child with our credentials, and read
 * what it printed of itself, only the facts asked for (the others stay 0):
 * EXEC_CAPS its CapEff (mutation point M_CAPEFF_NONE) and CapBnd,
 * EXEC_EUID its euid (mutation point M_SETID_EXEC: 1). 0, or -errno
 * (-ECHILD: it did not exit 0).
 */
struct exec_view {
	uint64_t eff, bnd;
	uint32_t euid;
};
enum { EXEC_CAPS = 1, EXEC_EUID = 2 };
int exec_view(int fd, unsigned what, struct exec_view *v);

/* Our user namespace is the initial one: its uid_map is the full range. */
int in_initial_userns(bool *initial);

#define NSW_USER_REQ(ns_)                                                      \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_USER) | (ns_),                   \
		.features = FEAT_BIT(FEAT_USERNS)                              \
	}

#endif
