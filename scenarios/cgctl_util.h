/* SPDX-License-Identifier: MIT */
/*
 * cgctl_util.h - helpers of the scenarios on the cgroup v2 controllers'
 * interface files (admin-guide/cgroup-v2.rst, "Controllers"): keyed reads
 * of any interface file by name (mutation points of the existing cgroup
 * families), a process that acts on command and then holds what it made,
 * lazily freed pages, a loop device of our own, a perf counter of a
 * cgroup and a BPF device program.
 *
 * Like observe functions, the ctx helpers return 0 or what ctx_skip() or
 * ctx_error() returned: call them through TRY_OBS().
 */
#ifndef BOXCHECK_CGCTL_UTIL_H
#define BOXCHECK_CGCTL_UTIL_H

#include "cgroup_util.h"

#define MIB (1024ull * 1024)
#define KIB 1024ull

/*
 * What a value read is, for the mutants: a value of this cgroup's own
 * (cg-stats-parent reads the parent's file), an event counter
 * (cg-counters-hit reads at least 1), a PSI total (cg-pressure grows it
 * by a second at every read), or plain (no mutation).
 */
enum cgx_kind { CGX_PLAIN, CGX_OWN, CGX_EVENT, CGX_PSI };

/*
 * dir/file's value: the line `key` of a flat-keyed file ("oom_kill 3"),
 * the total= of the line `key` of a PSI file (kind CGX_PSI), or the
 * whole single value (key NULL). "max" reads CG_VAL_MAX. 0, -ENODATA (no
 * such line), -EBADMSG, or -errno of the read.
 */
int cgx_key(const char *dir, const char *file, const char *key,
	    enum cgx_kind kind, uint64_t *v);
/* The same from an observe function: a failure is an error naming it. */
int cgx_get(struct ctx *c, const char *dir, const char *file, const char *key,
	    enum cgx_kind kind, uint64_t *v);
/* "ok", or the name of -r's errno ("EAGAIN"). */
const char *cgx_err(int r);
/* Skip, naming the file, when the kernel gives dir no such file. */
int cgx_need(struct ctx *c, const char *dir, const char *file);
/* Write text to dir/file: an error naming it when the kernel refuses. */
int cgx_set(struct ctx *c, const char *dir, const char *file, const char *text);

/*
 * A child of `of` on the hierarchies of ctrls and the unified one, with a
 * v2 directory (skip when there is none); then, when sub is not 0, those
 * controllers offered to its own children.
 */
int cgx_group(struct ctx *c, const struct cg_group *of, const char *name,
	      unsigned ctrls, unsigned sub, struct cg_group *g);

/*
 * A process in a cgroup that runs fn(arg, cmd) on each command sent and
 * reports its result (>= 0, or -errno), keeping whatever it made until
 * it is ended.
 */
typedef int (*cgx_act_fn)(void *arg, int cmd);
struct cgx_actor {
	pid_t pid;
	struct chan go, rep;
};
#define CGX_ACTOR_INIT                                                         \
	{                                                                      \
		-1, CHAN_INIT, CHAN_INIT                                       \
	}
int cgx_actor_start(struct ctx *c, const struct cg_group *g, cgx_act_fn fn,
		    void *arg, struct cgx_actor *a);
/* Send cmd; *res its result. A negative result is an error naming what. */
int cgx_actor_do(struct ctx *c, struct cgx_actor *a, int cmd, const char *what,
		 int *res);
/* Release it and say how it ended (cgs_reap: *sig, 0 for exit 0). */
int cgx_actor_finish(struct ctx *c, struct cgx_actor *a, const char *who,
		     int *sig);
void cgx_actor_end(struct cgx_actor *a);
#define _cleanup_actor_ _cleanup_(cgx_actor_end)

/*
 * cgx_act_fn for lazily freed pages (struct cgx_lazy): cmd 0 fills len
 * bytes with a mark and frees them with MADV_FREE; cmd 1 counts the pages
 * still holding it (cgs_pages_intact: mutant cg-reclaim-spared).
 */
struct cgx_lazy {
	size_t len;
	char *p;
};
enum { CGX_LAZY_FILL, CGX_LAZY_COUNT };
int cgx_lazy_fn(void *lazy, int cmd);
/* Start a lazy actor in g with len bytes filled and freed. */
int cgx_lazy_start(struct ctx *c, const struct cg_group *g, struct cgx_lazy *l,
		   struct cgx_actor *a);

/*
 * A parent p at memory.max `max` with children a and b; a holds `lazy`
 * bytes of lazily freed pages in its process. Skips when the knob file
 * (memory.min, memory.low) is missing from a.
 */
struct cgx_squeeze {
	struct cg_group p, a, b;
	struct cgx_actor lazy;
};
#define CGX_SQUEEZE_INIT                                                       \
	{                                                                      \
		.lazy = CGX_ACTOR_INIT                                         \
	}
int cgx_squeeze_start(struct ctx *c, struct cgx_squeeze *s, uint64_t max,
		      const char *knob, size_t lazy);
void cgx_squeeze_end(struct cgx_squeeze *s);
#define _cleanup_squeeze_ _cleanup_(cgx_squeeze_end)
/* A v2 child of `of` with the memory controller (sub: offered below). */
int cgx_mem_group(struct ctx *c, const struct cg_group *of, const char *name,
		  unsigned sub, struct cg_group *g);
/* A process of g touches len bytes: how it ended (cgs_reap). */
int cgx_press(struct ctx *c, const struct cg_group *g, size_t len, int *sig);
/* Pages in len bytes. */
long cgx_pages(uint64_t len);

/* fn for cgs_fork_in: write *(int *)adj to oom_score_adj, then cgs_hold. */
struct cgx_adj_hold {
	int adj;
	bool set;
	struct chan *hold;
};
int cgx_adj_hold_fn(void *arg);

/* A loop device over a file of ours in the cwd, detached on the last close. */
struct cgx_loop {
	int fd;
	char path[32];
	dev_t rdev;
};
#define CGX_LOOP_INIT                                                          \
	{                                                                      \
		-1, "", 0                                                      \
	}
int cgx_loop_attach(struct ctx *c, const char *backing, size_t size,
		    bool writable, struct cgx_loop *l);
void cgx_loop_close(struct cgx_loop *l);
#define _cleanup_loop_ _cleanup_(cgx_loop_close)
/* A key of dev's line in dir/io.stat ("wbytes"): 0 when no line names it. */
int cgx_io_stat(const char *dir, dev_t dev, const char *key, uint64_t *v);

/*
 * A task-clock counter of the tasks of the cgroup dir on one CPU
 * (perf_event_open with PERF_FLAG_PID_CGROUP): its fd or -errno; and its
 * count in ns (mutant cg-perf-count: a second more at every read).
 */
int cgx_perf_cgroup(const char *dir, int cpu);
int cgx_perf_read(int fd, uint64_t *ns);

/*
 * A BPF_CGROUP_DEVICE program that answers 0 (deny) for the accesses in
 * deny (BPF_DEVCG_ACC_*) to the character device major:minor and 1 to
 * everything else: its fd, or -errno of BPF_PROG_LOAD. Then its
 * attachment to the cgroup dir: 0 or -errno.
 */
int cgx_devcg_load(unsigned major, unsigned minor, unsigned deny);
int cgx_devcg_attach(const char *dir, int prog);

#endif
