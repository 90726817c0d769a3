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

struct ctx {
	bool isolate;		     /* false in the control run */
	const char *tmpdir;	     /* this run's own directory, our cwd */
	const struct cg_layout *cgl; /* host cgroup layout */
	const struct cg_group *cg;   /* this run's cgroup, NULL if none */
	unsigned features;	     /* FEAT_BIT mask found on this host */
	struct outcome *out;
};

struct scenario {
	const char *id; /* "area/name" */
	const char *title;
	const char *property; /* one sentence */
	const char *expect;   /* what isolated must observe: "getpid() == 1" */
	struct requirements req;
	const char *tags[6];
	unsigned timeout_s; /* 0: the runner's default */
	enum obs (*run)(struct ctx *c);
};

struct area {
	const char *name;
	const struct scenario *scenarios;
	size_t n;
};

/* Each scenarios/<area>.c ends with one of these; the build lists them. */
#define BOXCHECK_AREA(name_, table_)                                           \
	const struct area area_##name_ = { #name_, table_, ARRAY_SIZE(table_) }

/* Report the observation: the property holds or is absent. */
enum obs ctx_holds(struct ctx *c, bool holds, const char *fmt, ...)
	_printf_(3, 4);
/* A missing feature found only at run time: say which. */
enum obs ctx_skip(struct ctx *c, const char *fmt, ...) _printf_(2, 3);
/* Setup broke: err is -errno (or 0), fmt says what was being done. */
enum obs ctx_error(struct ctx *c, int err, const char *fmt, ...) _printf_(3, 4);
/* Evidence: a key and its observed value. */
void ctx_kv(struct ctx *c, const char *key, const char *fmt, ...)
	_printf_(3, 4);

/* Return from a run function with an error if a call failed. */
#define TRY(c, expr, what)                                                     \
	({                                                                     \
		long _r = (expr);                                              \
		if (_r < 0)                                                    \
			return ctx_error((c), (int)_r, "%s", (what));          \
		_r;                                                            \
	})

/*
 * Run fn in a child made with clone flags (0: a plain fork). fn fills out
 * (len bytes, zeroed first) and returns the child's exit code. The parent
 * gets out back and the wait status. 0 or -errno.
 */
typedef int (*child_fn)(void *arg, void *out, size_t len);
int run_in_child(unsigned long flags, child_fn fn, void *arg, void *out,
		 size_t len, int *status);

#endif
