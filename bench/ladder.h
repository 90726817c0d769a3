/* SPDX-License-Identifier: MIT */
/*
 * ladder.h - the start-latency ladder: each step a variant that adds one
 * thing to the one before it, from an empty timing window to the full
 * reference container.
 *
 * Start: clone called -> the child's first instruction after execve (tiny,
 * bench/tiny/tiny.c) reads CLOCK_MONOTONIC and reports it over a pipe.
 * Teardown: that report -> the child reaped by waitpid (+ its cgroup
 * removed, for steps that made one). Network namespace cleanup, which the
 * kernel defers to a workqueue, is its own step (net-cleanup).
 */
#ifndef BOXCHECK_LADDER_H
#define BOXCHECK_LADDER_H

#include "../primitives/cgroup.h"
#include "bench.h"

enum ladder_step {
	LS_EMPTY,
	LS_SPIN,
	LS_FAULTS,
	LS_FORK,
	LS_EXEC,
	LS_NS_PID,
	LS_NS_MNT,
	LS_NS_UTS,
	LS_NS_IPC,
	LS_NS_NET,
	LS_NS_USER,
	LS_NS_CGROUP,
	LS_NS_TIME,
	LS_NS_ALL,
	LS_IDMAP,
	LS_CGROUP,
	LS_CGROUP_INTO,
	LS_OVERLAY,
	LS_PIVOT,
	LS_PSEUDOFS,
	LS_CAPS,
	LS_CONTAINER,
	LS_NET_CLEANUP,
	LS__COUNT,
};

/* What a step does beyond clone flags. */
enum ladder_add {
	ADD_EXEC = 1 << 0,     /* execve tiny (else: report and _exit) */
	ADD_IDMAP = 1 << 1,    /* parent writes uid_map/gid_map */
	ADD_CGROUP = 1 << 2,   /* create a cgroup and attach the child */
	ADD_INTO = 1 << 3,     /* ... with CLONE_INTO_CGROUP on cgroup2 */
	ADD_OVERLAY = 1 << 4,  /* child mounts an overlay of the rootfs */
	ADD_PIVOT = 1 << 5,    /* ... and pivot_roots into it */
	ADD_PSEUDOFS = 1 << 6, /* ... with /proc, /dev, /sys; root read-only */
	ADD_CAPS = 1 << 7,     /* hostname, capabilities, no_new_privs */
};

struct ladder_ctx {
	const char *rootfs;  /* fixture (bench/fixture.h) */
	const char *scratch; /* an empty dir the child may mount over */
	const struct cg_group *cg_parent; /* our bench cgroup, or NULL */
	/*
	 * Makes per-sample names unique, printed with a fixed width (%010u):
	 * a name one digit longer moved a string across a page boundary and
	 * the counts by a page fault.
	 */
	unsigned seq;
	int delay_step;	     /* test hook: step to slow, or -1 */
	double delay_s;	     /* ... by this much (busy wait) */
	int syscalls_step;   /* test hook: step to make more syscalls, or -1 */
	unsigned syscalls_n; /* ... this many more (getppid), in its window */
	bool have_into;	     /* CLONE_INTO_CGROUP usable */
};

struct ladder_sample {
	double start_s; /* < 0: not measured */
	double stop_s;	/* < 0: not measured */
};

struct ladder_step_info {
	const char *name;
	const char *desc;
	unsigned ns;   /* NS_BIT mask of new namespaces */
	unsigned adds; /* enum ladder_add */
	/* Custom sampler; NULL uses the generic clone3 path. */
	int (*sample)(const struct ladder_ctx *c, enum ladder_step s,
		      struct ladder_sample *out);
	/* Why the step cannot run here, or NULL. */
	const char *(*unavailable)(const struct ladder_ctx *c);
};

/*
 * The table. LS_CONTAINER has no sampler until primitives/container.c
 * lands: set its .sample to a function starting the reference container
 * (same start and end points) and it joins the ladder.
 */
extern struct ladder_step_info ladder_steps[LS__COUNT];

int ladder_step_by_name(const char *name);
/* Steps that time the harness or the host, not a start: empty, spin. */
bool ladder_step_is_calibration(enum ladder_step s);
/*
 * Host probes, calibration steps that time the host and not boxcheck:
 * spin (CPU speed) and faults (the cost of a page fault, most of fork's on
 * a VM). compare reports a shift in them as the host's, never a verdict.
 */
bool ladder_is_host_probe(const char *name);
/*
 * Rungs whose counts include a retry loop that waits on the kernel
 * (net-cleanup): shown, never judged by compare.
 */
bool ladder_counts_timed(const char *name);
/* A child's exit status e comes back as -(LADDER_ECHILD + e). */
#define LADDER_ECHILD 4096
const char *ladder_strerror(int err, char *buf, size_t len);
/* One sample of step s. 0 or -errno. */
int ladder_sample(const struct ladder_ctx *c, enum ladder_step s,
		  struct ladder_sample *out);

/*
 * clone3 like fork (SIGCHLD, the caller's stack copied) with flags, into
 * the cgroup directory cgroup_fd unless it is -1. Returns like fork().
 */
pid_t bench_clone3(uint64_t flags, int cgroup_fd);

/* Monotonic clock in seconds. */
double bench_now(void);

/* The test hooks (--delay, --syscalls) of step s, inside its window. */
void ladder_hook(const struct ladder_ctx *c, enum ladder_step s);

/* The full reference container (bench/ladder_container.c). */
struct container_spec;
struct idmap;
/* Its profile, shared with the concurrency sweep: every namespace, root
 * mapped to 100000, read-only root, default capabilities, no_new_privs,
 * FIXTURE_TINY as the command. The caller adds the root. */
void bench_container_base(struct container_spec *s, struct idmap *m);
int ladder_sample_container(const struct ladder_ctx *c, enum ladder_step s,
			    struct ladder_sample *out);
double bench_now(void);

#endif
