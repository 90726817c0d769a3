/* SPDX-License-Identifier: MIT */
/*
 * caps_rules.h - what the capability rule scenarios (caps_rules_*.c)
 * share (caps_rules_util.c): the sets plus the two facts status does not
 * show (securebits, AT_SECURE), read by this process, a forked child or the
 * executed copy of boxcheck (harness/main.c prints them after its status;
 * a mutation point where a judge reads them); an execve whose errno is the observation; the raw
 * security.capability attribute (a mutation point).
 */
#ifndef BOXCHECK_CAPS_RULES_H
#define BOXCHECK_CAPS_RULES_H

#include "caps_util.h"

/* The sets, the securebits and AT_SECURE of a process. */
struct xstat {
	struct capstat s;
	int secbits;
	unsigned long at_secure;
};
/* Parse what the executed copy prints (status, then the two lines). */
int xstat_parse(const char *text, struct xstat *x);
/*
 * For the observations that judge the securebits or AT_SECURE of a new
 * program or child: the mutation point M_CAPS_EXEC_EXTRAS (both read 0).
 */
void xstat_extras_seen(struct xstat *x);
/* This process's, made and parsed the same way. */
int xstat_self(struct xstat *x);
/* A forked child's, without an execve: 0 or -errno. */
int xstat_fork(struct xstat *x);
/*
 * Execute the copy in fd as "boxcheck-status": 0 with *err the execve's
 * errno (0: it ran, and *x is what it printed), or -errno.
 */
int xstat_exec(int fd, int *err, struct xstat *x);

/*
 * An execve scenario: the child's steps (prep, with the action when act),
 * then it executes the copy (file capabilities fcaps, NULL: none; mode,
 * 0: 0755; owner uid and gid) and records what it got.
 */
struct rexec_plan {
	prep_fn prep;
	bool act;
	const char *fcaps;
	mode_t mode;
	uid_t owner;
	bool no_exec; /* read a forked child's sets instead of executing */
	bool extras;  /* the judge reads securebits or AT_SECURE after */
};
struct rexec_seen {
	struct xstat before, after;
	int exec_err; /* the execve's errno; after is zero unless 0 */
};
int rexec_observe(struct ctx *c, const struct rexec_plan *p,
		  struct rexec_seen *o);
void judge_rexec(struct judge *j, const struct rexec_seen *o);

/* The security.capability attribute as stored (or as this caller reads). */
struct fcap_raw {
	int size;	 /* bytes; 0: none */
	unsigned rev;	 /* 1, 2 or 3 (VFS_CAP_REVISION_n >> 24) */
	unsigned rootid; /* version 3 only */
	bool effective;
	capmask_t prm, inh;
};
/* fgetxattr of fd: 0, or -errno (-ENODATA: none). */
int fcap_read(int fd, struct fcap_raw *r);

#endif
