/* SPDX-License-Identifier: MIT */
/*
 * caps_util.h - what the capability scenario files share (caps_util.c):
 * the five sets as /proc/PID/status shows them (a mutation point), a copy
 * of boxcheck on a tmpfs of the run's own to execute as "boxcheck-status",
 * which prints its own status (harness/main.c; file capabilities and
 * setuid bits go on the copy), a child's execve of it that reports the
 * sets the new program got, credential steps and the errno probe of a
 * capability-gated call (a mutation point).
 */
#ifndef BOXCHECK_CAPS_UTIL_H
#define BOXCHECK_CAPS_UTIL_H

#include "userns.h"
#include "../primitives/caps.h"

#include <sys/capability.h>

/* A non-zero uid and gid, and a second one (a setuid file's owner). */
#define CAPS_UID 1000u
#define CAPS_UID2 1001u

/* The sets and flags of /proc/PID/status. */
struct capstat {
	capmask_t inh, prm, eff, bnd, amb;
	int nnp;       /* NoNewPrivs */
	int seccomp;   /* Seccomp: 0 off, 1 strict, 2 filter */
	int filters;   /* Seccomp_filters, -1 if the kernel has no line */
	unsigned euid; /* the second field of Uid: */
};
/*
 * Parse a status text; capstat_self() reads /proc/self/status. The _raw
 * forms skip the capability sets' mutation point: for readers that judge
 * the other fields (the seccomp probe has its own).
 */
int capstat_parse(const char *status, struct capstat *s);
int capstat_self(struct capstat *s);
int capstat_parse_raw(const char *status, struct capstat *s);
int capstat_self_raw(struct capstat *s);

/*
 * In observe, before any child: a tmpfs at "bin" in the run's directory
 * (mounted with mflags, e.g. MS_NOSUID; the worker's mount namespace is
 * private), boxcheck copied to bin/status (0755, root's), and *fd open on it
 * (O_RDONLY, close-on-exec). The fd is executed with fexecve, so a uid
 * that cannot search the 0700 run directory still runs it.
 */
int capbin_setup(struct ctx *c, unsigned long mflags, int *fd);
/* File capabilities in cap_from_text() form ("cap_net_raw+p") on fd. */
int capbin_set_caps(int fd, const char *text);

/*
 * From a child: fork, execute the copy in fd as "boxcheck-status"
 * with the caller's credentials, and parse what it printed. 0, or -errno
 * (-ECHILD: it did not exit 0).
 */
int exec_capstat(int fd, struct capstat *after);

/*
 * An execve scenario: the child's steps (prep, the action when act), then
 * it executes the copy, which reports the sets it got. The copy's
 * tmpfs mount flags, file capabilities (NULL: none), mode and owner are
 * the observe function's to choose (they may be the action too).
 */
typedef int (*prep_fn)(bool act, const char **step);
struct exec_plan {
	prep_fn prep;
	bool act;
	unsigned long mflags;
	const char *fcaps;
	mode_t mode; /* 0: 0755 */
	uid_t owner;
};
struct exec_seen {
	struct capstat before; /* the child's own, just before execve */
	struct capstat after;  /* what the executed program read */
};
int exec_observe(struct ctx *c, const struct exec_plan *p, struct exec_seen *o);
void judge_exec_sets(struct judge *j, const struct exec_seen *o);

/* In a child function: fail naming the step when expr is negative. */
#define CHILD_TRY(step, expr)                                                  \
	do {                                                                   \
		long _r = (expr);                                              \
		if (_r < 0)                                                    \
			return child_fail((step), (int)_r);                    \
	} while (0)
/* A libc call's result as 0 or -errno. */
static inline int sysr(long r)
{
	return r < 0 ? neg_errno() : 0;
}

/* Credentials: every uid (and gid) to uid; groups cleared. */
int become_uid(uid_t uid);
/* Set one capability's flag (CAP_EFFECTIVE...) to on or off. */
int cap_flag_set(cap_value_t cap, int flag, bool on);
/* The same flag for every capability of mask. */
int cap_flags_set(capmask_t mask, int flag, bool on);

/*
 * What the probes of a capability-gated call record: its errno (0 when
 * it succeeded). cap_call_err() takes the errno, sys_err() a libc call's
 * result (errno read when negative); call it right after the call.
 */
int cap_call_err(int err);
int sys_err(long r);

/*
 * Judge one capability in one set: holds when its presence is `present`.
 * `set` names the set in the verdict ("CapPrm after execve").
 */
enum obs judge_cap_in(struct judge *j, const char *set, capmask_t mask, int cap,
		      bool present);
/* Evidence: a set as hex under key. */
void judge_mask(struct judge *j, const char *key, capmask_t mask);

#endif
