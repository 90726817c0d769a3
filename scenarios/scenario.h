/* SPDX-License-Identifier: MIT */
/*
 * scenario.h - what a scenario is, and the small API its run function uses.
 *
 * A scenario checks one isolation property. The runner calls its run function
 * twice, each time in a fresh forked worker (own process group, private mount
 * namespace, own temp dir, own cgroup): once with ctx->isolate set, and once
 * as the control with it clear. The run function performs the isolating step
 * only when ctx->isolate is set, and reports whether the property was
 * observed. It passes only if the property holds isolated and is absent in
 * the control.
 */
#ifndef BOXCHECK_SCENARIO_H
#define BOXCHECK_SCENARIO_H

#include "../primitives/base.h"

#include <sched.h>
#include <sys/stat.h>
#include "../primitives/cgroup.h"
#include "../primitives/ns.h"
#include "../reports/record.h"

/* Kernel features probed at run time (harness/probe.c has the probes). */
enum feature {
	FEAT_CLONE3,
	FEAT_CLONE_INTO_CGROUP,
	FEAT_PIDFD_OPEN,
	FEAT_PIDFD_SETNS,
	FEAT_FSOPEN,
	FEAT_MOUNT_SETATTR,
	FEAT_CGROUP_KILL,
	FEAT_SECCOMP,
	FEAT_USERNS,
	FEAT_PMU,
	FEAT_KVM,
	FEAT__COUNT,
};
#define FEAT_BIT(f) (1u << (f))

struct feature_info {
	const char *name;    /* short id: "clone3" */
	const char *missing; /* skip reason: "kernel has no clone3()" */
};
extern const struct feature_info feature_table[FEAT__COUNT];

#define CAP_BIT(c) (1ull << (c))

/* Declared as data; the harness decides skips and says why. */
struct requirements {
	bool root;
	unsigned long long caps; /* CAP_BIT(CAP_SYS_ADMIN) | ... */
	unsigned ns;		 /* NS_BIT(NS_PID) | ... */
	int cgroup_version;	 /* 0: any; 1 or 2: needs that hierarchy */
	unsigned ctrls;		 /* CG_BIT(CG_PIDS) | ... */
	const char *fs[4];	 /* filesystem types: "overlay" */
	unsigned features;	 /* FEAT_BIT(FEAT_CLONE3) | ... */
	const char *cmds[4];	 /* external commands in PATH */
};

/*
 * What the observing half of a scenario sees: which run this is, where to
 * work, and the evidence sink. Only the action (a clone flag, a limit
 * write, a mount) may depend on `isolate`; the judgement cannot, because
 * the judge is never given a ctx.
 */
struct ctx {
	bool isolate;		     /* false in the control run */
	const char *tmpdir;	     /* this run's own directory, our cwd */
	const struct cg_layout *cgl; /* host cgroup layout */
	const struct cg_group *cg;   /* this run's cgroup, NULL if none */
	unsigned features;	     /* FEAT_BIT mask found on this host */
	struct outcome *out;
};

/* What the judging half sees: the evidence sink, nothing of the run. */
struct judge {
	struct outcome *out;
};

/*
 * A check is two functions with an observation struct between them:
 *
 *   int observe(struct ctx *c, struct T *o)
 *	acts (the isolating step only when c->isolate) and records in *o
 *	what it saw. Returns 0 once *o holds an observation, otherwise what
 *	ctx_skip() or ctx_error() returned (TRY and run_in_child do that).
 *   enum obs judge(struct judge *j, const struct T *o)
 *	the property, as a predicate of *o alone: the same call in both
 *	runs, so a broken observation shows up as "does not discriminate".
 *
 * *o starts zeroed. Record raw facts in it, never the run's own request:
 * the expected value is a constant of the scenario (tests/lint-truth.sh).
 * CHECK(name, T, observe, judge) defines `name` with type-safe wrappers.
 */
struct check {
	int (*observe)(struct ctx *c, void *obs);
	enum obs (*judge)(struct judge *j, const void *obs);
	size_t obs_size;
};

#define CHECK(name_, type_, observe_, judge_)                                  \
	static int name_##_observe(struct ctx *c, void *o)                     \
	{                                                                      \
		return observe_(c, (type_ *)o);                                \
	}                                                                      \
	static enum obs name_##_judge(struct judge *j, const void *o)          \
	{                                                                      \
		return judge_(j, (const type_ *)o);                            \
	}                                                                      \
	static const struct check name_ = { name_##_observe, name_##_judge,    \
					    sizeof(type_) }

struct scenario {
	const char *id; /* "area/name" */
	const char *title;
	const char *property; /* one sentence */
	const char *expect;   /* what isolated must observe: "getpid() == 1" */
	struct requirements req;
	const char *tags[6];
	unsigned timeout_s; /* 0: the runner's default */
	const struct check *check;
};

struct area {
	const char *name;
	const struct scenario *scenarios;
	size_t n;
};

/* Each scenarios/<area>.c ends with one of these; the build lists them. */
#define BOXCHECK_AREA(name_, table_)                                           \
	const struct area area_##name_ = { #name_, table_, ARRAY_SIZE(table_) }

/* ---- observe: evidence, skips and errors ---------------------------- */

/* A missing feature found only at run time: say which. */
int ctx_skip(struct ctx *c, const char *fmt, ...) _printf_(2, 3);
/* Setup broke: err is -errno (or 0), fmt says what was being done. */
int ctx_error(struct ctx *c, int err, const char *fmt, ...) _printf_(3, 4);
/* Evidence: a key and its observed value. */
void ctx_kv(struct ctx *c, const char *key, const char *fmt, ...)
	_printf_(3, 4);

/* Return from an observe function with an error if a call failed. */
#define TRY(c, expr, what)                                                     \
	({                                                                     \
		long _r = (expr);                                              \
		if (_r < 0)                                                    \
			return ctx_error((c), (int)_r, "%s", (what));          \
		_r;                                                            \
	})

/*
 * Return from an observe function when a call that reports for itself
 * (run_in_child, nsrun, a helper that calls ctx_skip or ctx_error) did not
 * observe: it returns 0 or what ctx_skip()/ctx_error() returned.
 */
#define TRY_OBS(expr)                                                          \
	do {                                                                   \
		int _o = (expr);                                               \
		if (_o)                                                        \
			return _o;                                             \
	} while (0)

/* ---- judge: the verdict of one run ---------------------------------- */

/* The property holds in this observation, or is absent. */
enum obs judge_holds(struct judge *j, bool holds, const char *fmt, ...)
	_printf_(3, 4);
/* The observation does not decide (a fact missing): an error, never absent. */
enum obs judge_unknown(struct judge *j, const char *fmt, ...) _printf_(2, 3);
void judge_kv(struct judge *j, const char *key, const char *fmt, ...)
	_printf_(3, 4);

/* ---- children ------------------------------------------------------- */

/*
 * A child's function fills out (len bytes, zeroed first) and returns 0 once
 * it holds an observation. Anything else is a failure: return
 * child_fail("the step", -errno) to name it. A failed child, one that dies
 * or exits before reporting, or a short report is an error to the caller,
 * never an observation: a zeroed buffer must never read as a fact.
 */
typedef int (*child_fn)(void *arg, void *out, size_t len);
int child_fail(const char *step, int err);

/* How a child ended when it did not report an observation. */
struct child_res {
	int err;	/* the child's own error, or -errno of the machinery */
	char step[120]; /* the failing step the child named, or "" */
	int status;	/* wait status, -1 if not reaped */
	bool reported;	/* a whole report arrived */
};
/* One line: "lo_up: Operation not permitted", "killed by SIGSEGV". */
void child_res_describe(const struct child_res *r, char *buf, size_t len);

/*
 * Run fn in a child made with clone flags (0: a plain fork). 0 when the
 * child reported an observation into out and exited 0; otherwise -errno
 * (-ECHILD when the child failed) with *res saying how. For use inside
 * children too, where there is no ctx.
 */
int child_run(unsigned long flags, child_fn fn, void *arg, void *out,
	      size_t len, struct child_res *res);
/* The same from an observe function: 0, or ctx_error() naming `what`. */
int run_in_child(struct ctx *c, const char *what, unsigned long flags,
		 child_fn fn, void *arg, void *out, size_t len);
/* For nsrun() and other launchers: the child side of the report. */
_Noreturn void child_report_exit(int wr, child_fn fn, void *arg, size_t len);
/* The parent side: read the report and payload from rd into res and out. */
int child_report_read(int rd, void *out, size_t len, struct child_res *res);
/* After the wait: 0 if everything reported, else ctx_error() naming what. */
int child_res_check(struct ctx *c, const char *what, int r,
		    const struct child_res *res);

#endif
