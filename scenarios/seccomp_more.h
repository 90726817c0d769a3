/* SPDX-License-Identifier: MIT */
/*
 * seccomp_more.h - what the second wave of seccomp scenario files shares
 * (seccomp_more_util.c): filters written as raw classic BPF, for what
 * libseccomp will not build (an unknown action, a bad program, a filter
 * with no listener); seccomp(2) called directly, its observed calls a
 * mutation point; a forked process that reports with a single write(2),
 * all a process in strict mode may still do; and the audit record probe
 * (/dev/kmsg) behind the logging scenarios.
 */
#ifndef BOXCHECK_SECCOMP_MORE_H
#define BOXCHECK_SECCOMP_MORE_H

#include "seccomp_util.h"

#include <linux/filter.h>
#include <linux/seccomp.h>

/* An action value no kernel defines (seccomp(2): acts as KILL_PROCESS). */
#define SCX_UNKNOWN_ACTION 0x00010000u
/* What a tracer answers for a call it skips. */
#define SCX_SKIP_VAL 4243

/* The longest program the kernel takes (BPF_MAXINSNS). */
#define SCX_MAXINSNS 4096

/*
 * A rule in raw BPF: for this build's arch and syscall nr, `action`;
 * anything else allowed. Fills f (SCX_RULE_LEN instructions).
 */
#define SCX_RULE_LEN 6
void scx_rule(struct sock_filter *f, long nr, uint32_t action);
/* Install n instructions of f with seccomp(2) flags: its return or -errno. */
long scx_install(const struct sock_filter *f, unsigned short n, unsigned flags);
/* scx_rule() installed: 0 (or a listener fd) or -errno. */
long scx_install_rule(long nr, uint32_t action, unsigned flags);

/* seccomp(2) itself: its return value, or -errno. */
long scx_seccomp(unsigned op, unsigned flags, void *args);
/*
 * The same for the call a scenario observes (a mutation point:
 * M_SECCOMP_CALL_OK reads it as 0 after making it).
 */
long scx_seccomp_probe(unsigned op, unsigned flags, void *args);
/* The errno of a scx_*() result: 0 when it did not fail. */
static inline int scx_err(long r)
{
	return r < 0 ? (int)-r : 0;
}

/*
 * A process that reports with one write(2). scx_run() forks it with no
 * core dumps (soft RLIMIT_CORE 0, not dumpable: fn may undo both), runs
 * fn, which fills out (len bytes, at most SCX_OUT_MAX) and returns 0, or
 * scx_fail("the step", -errno); its report is then written in one call
 * and it leaves with exit(2), which strict mode allows (fn must leave a
 * single thread). 0 when a report came; the way it ended is in
 * *end. Otherwise ctx_error() naming what and fn's step.
 */
#define SCX_OUT_MAX 1024
typedef int (*scx_fn)(const void *arg, void *out);
int scx_fail(const char *step, int err);
struct scx_end {
	pid_t pid;
	int death; /* the signal that ended it, 0 if it exited */
	bool core; /* WCOREDUMP: it dumped core */
	int code;  /* its exit code, -1 if killed */
};
int scx_run(struct ctx *c, const char *what, scx_fn fn, const void *arg,
	    void *out, size_t len, struct scx_end *end);

/* ---- audit records of seccomp (type 1326) in the kernel log ------------ */

/*
 * Skip unless the actions named in need ("log errno") are all in
 * kernel.seccomp.actions_logged and /dev/kmsg is readable; *fd is then
 * open on it, at its end.
 */
int audit_open(struct ctx *c, const char *need, int *fd);
/*
 * probe makes the logged call in a process of its own (it fills the
 * caller's observation afresh at each call) and says which. *logged:
 * whether the kernel log then has a record of that process's syscall nr
 * (M_SECCOMP_NONE: never). When it is not there yet, a fence process logs
 * getsid with SECCOMP_RET_LOG and the records up to the fence's are read.
 * printk's rate limit (10 records in 5 s for the whole machine) may drop
 * the fence's record: then the window is waited out and everything done
 * once more. Skips when no fence's record ever shows (an audit daemon
 * takes them).
 */
typedef int (*audit_probe_fn)(struct ctx *c, void *arg, pid_t *pid);
int audit_observe(struct ctx *c, int fd, audit_probe_fn probe, void *arg,
		  long nr, bool *logged);

/* 1 based position of the action `name` in actions_avail, 0 if absent. */
int scx_avail_pos(const char *name);

#endif
