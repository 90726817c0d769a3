/* SPDX-License-Identifier: MIT */
/*
 * cgroup_util.h - small helpers shared by the cgroup scenarios: knob probes
 * that skip with a named reason, knob reads and writes that are errors when
 * they fail, children that join a group, the observed fork and process
 * count (mutation points), and bounded waits for kernel state.
 *
 * Like observe functions, the ctx helpers return 0 or what ctx_skip() or
 * ctx_error() returned: call them through TRY_OBS().
 */
#ifndef BOXCHECK_CGROUP_UTIL_H
#define BOXCHECK_CGROUP_UTIL_H

#include "scenario.h"

#include <sched.h>

/* No cgroup for this run (the runner could not make one): a skip. */
int cgs_need_group(struct ctx *c);
/*
 * Skip, naming the file, when g's layout or kernel lacks knob k. Call it
 * in both runs before the isolating step, so both skip alike.
 */
int cgs_need(struct ctx *c, const struct cg_group *g, enum cg_knob k);
/*
 * Read or write a knob the scenario needs (probed by cgs_need): a failure
 * is an error naming the file. The one skip: a statistic whose line this
 * kernel's file lacks (-ENODATA), named.
 */
int cgs_get(struct ctx *c, const struct cg_group *g, enum cg_knob k,
	    uint64_t *v);
int cgs_set(struct ctx *c, const struct cg_group *g, enum cg_knob k,
	    uint64_t v);

/*
 * Fork a child that joins g (none when g is NULL), then runs fn(arg) and
 * _exits with its result. Returns once the child has joined: its pid, or
 * -errno (the join's error when it failed; the child is reaped then).
 */
pid_t cgs_fork_in(const struct cg_group *g, int (*fn)(void *), void *arg);
/* fn for cgs_fork_in: close hold's write end, block until EOF, return 0. */
int cgs_hold(void *hold);

/*
 * The fork whose outcome a scenario observes (a limit's refusal): 0 in
 * the child, its pid in the parent, or -errno. Mutant cg-fork-eagain.
 */
pid_t cgs_fork_probe(void);
/* Processes in dir and below, as observed: n or -errno. Mutant cg-empty. */
int cgs_nprocs(const char *dir);
/* "killed by SIGKILL", "exited 0": how a child we waited for ended. */
const char *cgs_status(int status, char *buf, size_t len);

/* Poll knob k until it reads want: 0, -ETIMEDOUT after ms, or -errno. */
int cgs_wait(const struct cg_group *g, enum cg_knob k, uint64_t want, int ms);
/* Wait until dir holds no process: 0, -ETIMEDOUT or -errno. */
int cgs_wait_empty(const char *dir, int ms);

/* Anonymous shared memory for counters seen by parent and children. */
void *cgs_shared(size_t len);
void cgs_unshare(void *p, size_t len);

/*
 * Wait for a child and say how it ended: *sig its terminating signal, 0
 * when it exited 0; any other exit is an error naming who. Mutant
 * cg-killed.
 */
int cgs_reap(struct ctx *c, pid_t pid, const char *who, int *sig);

/* dir/name's text, the trailing newline cut: 0 or an error naming it. */
int cgs_read(struct ctx *c, const char *dir, const char *name, char *buf,
	     size_t len);
/* The same of a process's file: /proc/PID/name. */
int cgs_read_proc(struct ctx *c, pid_t pid, const char *name, char *buf,
		  size_t len);

/*
 * Probes whose answer is the observation: the kernel's 0 or -errno.
 * A write of text to dir/name (mutant cg-write-refused); mkdir and rmdir
 * of a cgroup directory (mutant cg-tree-refused); a device open and a
 * mknod (mutant cg-dev-denied).
 */
int cgs_write_probe(const char *dir, const char *name, const char *text);
int cgs_mkdir_probe(const char *path);
int cgs_rmdir_probe(const char *path);
int cgs_open_probe(const char *path, int flags);
int cgs_mknod_probe(const char *path, mode_t mode, dev_t dev);

/*
 * An inotify descriptor watching dir/name for modification, and a wait
 * for one: 1 modified, 0 not within ms, or -errno. Mutant
 * cg-events-notify.
 */
int cgs_watch(const char *dir, const char *name);
int cgs_wait_modified(int fd, int ms);

/*
 * A PSI trigger ("some 50000 500000") on dir/name: its descriptor, or
 * -errno; and a wait for its event: 1 fired, 0 not within ms. Mutant
 * cg-pressure.
 */
int cgs_psi_trigger(const char *dir, const char *name, const char *trig);
int cgs_psi_wait(int fd, int ms);
/* Skip naming why when the kernel keeps no pressure information. */
int cgs_need_psi(struct ctx *c);

/* CPU affinity: the number of CPUs in *set (filled), or -errno; and an
 * attempt to set it (0 or -errno). */
int cgs_affinity(pid_t pid, cpu_set_t *set);
int cgs_set_affinity_probe(pid_t pid, const cpu_set_t *set);
/* A cpu list ("0-1,3"): how many CPUs, and the last one in *last. */
int cgs_cpulist(const char *list, int *last);

/* Pages of p (len bytes) still holding mark: n. Mutant cg-reclaim-spared. */
long cgs_pages_intact(const volatile char *p, size_t len, char mark);

/* Read n blocks with O_DIRECT from dev: seconds taken, -errno. */
double cgs_timed_reads(const char *dev, int n, int *err);
/*
 * A process of g reads n blocks of dev with O_DIRECT: *s the seconds it
 * took. 0, or an error verdict (the reads failed, the reader died).
 */
int cgs_timed_in(struct ctx *c, const struct cg_group *g, const char *dev,
		 int n, double *s);

/*
 * v1 cpuacct.usage_percpu of g: up to n values (ns) into v; how many, or
 * -errno. Mutant cg-stats-parent (read from the parent cgroup).
 */
int cgs_percpu(const struct cg_group *g, uint64_t *v, int n);

/* A thread's cgroup path on hierarchy i. Mutant cg-thread-split. */
int cgs_tid_cgroup(const struct cg_layout *l, int i, pid_t tid, char *buf,
		   size_t len);

/* fn for cgs_fork_in: pin to one CPU, then spin (struct cgs_pinned). */
struct cgs_pinned {
	int cpu;
	volatile unsigned long *n; /* counts here, or NULL */
};
int cgs_spin_on(void *pinned);
/* The last CPU we may run on: n, or -errno. */
int cgs_last_cpu(void);

/* Touch every page of a fresh anonymous mapping (no THP): 0 or -errno. */
int cgs_touch_pages(size_t len);
/* fn for cgs_fork_in: touch *(size_t *)len bytes, exit 0 (3 failed). */
int cgs_touch_fn(void *len);

/*
 * Touch fresh anonymous pages (no THP) 64 at a time until dir's
 * memory.current reaches target bytes or max bytes are touched: 0, or
 * -errno. For a child in the cgroup dir.
 */
int cgs_grow_to(const char *dir, uint64_t target, size_t max);
/* fn for cgs_fork_in: cgs_grow_to, then exit 0 (3 if it failed). */
struct cgs_grow {
	const char *dir;
	uint64_t target;
	size_t max;
};
int cgs_grow_fn(void *grow);

/*
 * fn for cgs_fork_in: a process with a second thread, which sends its
 * tid on tid and blocks until hold's write end is closed.
 */
struct cgs_threads {
	struct chan hold, tid;
};
int cgs_two_threads(void *threads);

/* fn for cgs_fork_in: count as fast as it can in *(unsigned long *)n. */
int cgs_spin(void *n);
/* Wait until the counter moves past v: true if it did within ms. */
bool cgs_moves(volatile unsigned long *n, unsigned long v, int ms);
/* 0 while *pid runs; an error (it is reaped, *pid -1) once it ended. */
int cgs_alive(struct ctx *c, pid_t *pid, const char *who);
/* A counter in shared memory, and its cleanup. */
volatile unsigned long *cgs_counter(void);
void cgs_counter_free(volatile unsigned long **n);
#define _cleanup_counter_ _cleanup_(cgs_counter_free)

double cgs_now(void); /* CLOCK_MONOTONIC seconds */
void cgs_sleep_ms(long ms);

#endif
