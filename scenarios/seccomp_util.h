/* SPDX-License-Identifier: MIT */
/*
 * seccomp_util.h - the seccomp outcome probe the seccomp scenario files
 * share (seccomp_util.c). A forked child (never the worker: filters are
 * for life) installs what the plan says, then makes the probed calls from
 * where the plan says (itself, a thread made before or after the install,
 * a forked child); the probe reports what each call returned, a SIGSYS the
 * child caught, whether the process reached its end, and the signal that
 * ended it. Filters are built with libseccomp.
 */
#ifndef BOXCHECK_SECCOMP_UTIL_H
#define BOXCHECK_SECCOMP_UTIL_H

#include "caps_util.h"

#include <seccomp.h>
#include <sys/syscall.h>

/* The errno values a filter returns: rare, so they cannot come by chance. */
#define SC_ERRNO EXFULL
#define SC_ERRNO2 ENOTUNIQ
#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1 /* si_code of a SIGSYS from seccomp */
#endif
/* What a user-notification supervisor answers. */
#define SC_NOTIF_VAL 4242

enum sc_where {
	SC_SELF,	  /* the thread that installed the filter */
	SC_THREAD_BEFORE, /* a thread made before the install */
	SC_THREAD_AFTER,  /* a thread made after it */
	SC_FORK,	  /* a child forked after it */
};

struct sc_call {
	long nr, a0, a1; /* the syscall and its first two arguments */
};

/* In the child: install what the run asks for. 0 or -errno. */
typedef int (*sc_arm_fn)(const void *arg);

struct sc_plan {
	sc_arm_fn arm;
	const void *arg;
	enum sc_where where;
	struct sc_call call[2]; /* nr 0: no second call */
	bool arm_err_ok;	/* the install's errno is an observation */
	bool read_status;	/* read Seccomp fields around the install */
};

struct sc_result {
	bool done; /* the call returned and was reported */
	long ret;
	int err; /* errno when ret < 0 */
};

struct sc_outcome {
	bool armed;  /* the install step reported (an error or not) */
	int arm_err; /* its errno, 0 if it succeeded */
	struct sc_result res[2];
	bool trapped; /* a SIGSYS handler ran */
	int sys_code, sys_nr;
	unsigned sys_arch;
	bool survived;	  /* the child reached its end */
	int prober_death; /* the signal that ended an SC_FORK prober */
	int death;	  /* the signal that ended the child, 0 if it exited */
	int exit_code;
	struct capstat before, after; /* with read_status: around the install */
	long notif_nr;		      /* the call a supervisor was told about */
	pid_t pid;		      /* the child's, for its log lines */
};

/* 0, or ctx_error() naming what broke (never an observation). */
int sc_probe(struct ctx *c, const struct sc_plan *p, struct sc_outcome *o);
/* In the child: the call sc_arm_notify()'s supervisor was told of, or -1. */
extern volatile long sc_notif_nr;

/* ---- filters (in the child; seccomp_filter.c) ------------------------------------------ */

enum {
	SC_TSYNC = 1 << 0, /* SCMP_FLTATR_CTL_TSYNC */
	SC_NNP = 1 << 1,   /* let libseccomp set no_new_privs first */
};
/* Load ctx (then freed): 0 or -errno, as the kernel said. */
int sc_load(scmp_filter_ctx ctx, unsigned flags);
/* Default allow, `action` for syscall nr (any arguments). */
int sc_load_rule(uint32_t action, int nr, unsigned flags);

/* An arm step: when act, sc_load_rule(action, nr, flags); else nothing. */
struct sc_rule_arm {
	bool act;
	uint32_t action;
	int nr;
	unsigned flags;
};
int sc_arm_rule(const void *arg);
/*
 * When *(bool *)arg: a SCMP_ACT_NOTIFY filter on getppid, and a supervisor
 * thread that answers its first notification with SC_NOTIF_VAL and
 * records the call it was told about (sc_outcome.notif_nr).
 */
int sc_arm_notify(const void *arg);

/* This build's audit arch and one the kernel also knows but is not it. */
uint32_t sc_native_arch(void);
uint32_t sc_foreign_arch(void); /* 0: none for this build */

void judge_sc_outcome(struct judge *j, const struct sc_outcome *o);
const char *sc_sig_name(int sig);

#endif
