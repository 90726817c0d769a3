/* SPDX-License-Identifier: MIT */
/*
 * cgcore.h - helpers of the cgroup core scenarios (cgroup2_procs.c,
 * cgroup2_threaded.c, cgroup2_ctrl.c, cgroup2_life.c, cgroup_deleg2.c,
 * cgroup1_more.c, cgroupns_more.c, cgroup2_bpf.c): v2 children of the
 * run's cgroup, held processes, where a process is, and the probes whose
 * answer is the observation (each a mutation point, mutant.h).
 *
 * Like observe functions, the ctx helpers return 0 or what ctx_skip() or
 * ctx_error() returned: call them through TRY_OBS().
 */
#ifndef BOXCHECK_CGCORE_H
#define BOXCHECK_CGCORE_H

#include "cgroup_util.h"

#define CGC_UID 65534 /* the delegatee: uid and gid of a delegated subtree */

/* "ok", or the errno's name: "EBUSY". */
const char *cgc_err(int err);
bool cgc_ends(const char *s, const char *tail);

/* A child of `of` on the v2 hierarchy only, or a skip naming why. */
int cgc_child(struct ctx *c, const struct cg_group *of, const char *name,
	      struct cg_group *g);
/* Its v2 directory. */
static inline const char *cgc_dir(const struct cg_group *g)
{
	return cg_group_unified(g);
}

/* A process we started, blocked until stopped. */
struct cgc_proc {
	pid_t pid, tid; /* tid: its second thread, or its child */
	struct chan hold;
};
#define CGC_PROC_INIT                                                          \
	{                                                                      \
		-1, -1, CHAN_INIT                                              \
	}
void cgc_stop(struct cgc_proc *p); /* end it and reap it */
#define _cleanup_proc_ _cleanup_(cgc_stop)
/* Start one in g (where we are when g is NULL). */
int cgc_start(struct ctx *c, const struct cg_group *g, struct cgc_proc *p);
/* The same with a second thread, whose id goes to p->tid. */
int cgc_start_threads(struct ctx *c, const struct cg_group *g,
		      struct cgc_proc *p);
/* The same with a child of its own, whose pid goes to p->tid. */
int cgc_start_family(struct ctx *c, const struct cg_group *g,
		     struct cgc_proc *p);
/* In a child: close every fd but 0-2, a and b (no other's hold kept). */
void cgc_keep_only(int a, int b);
/* Let it leave (its hold closed) and wait until it is a zombie. */
int cgc_zombie(struct ctx *c, struct cgc_proc *p);

/* Write pid (or any text) to dir/file: the kernel's 0 or -errno. */
int cgc_put(const char *dir, const char *file, pid_t pid);
/* A thread's v2 cgroup path as it reads in /proc (cg-thread-split). */
int cgc_where(struct ctx *c, pid_t tid, char *buf, size_t len);

/* dir's cgroup.type. Mutant cg-type-domain: it reads "domain". */
int cgc_type(struct ctx *c, const char *dir, char *buf, size_t len);
/*
 * Whether dir/name exists: 1 or 0, or -errno. Mutant cg-files-absent: it
 * does not.
 */
int cgc_has(const char *dir, const char *name);
/* Files in dir whose name starts with prefix: n. Mutant cg-files-absent. */
int cgc_count_prefix(const char *dir, const char *prefix);
/*
 * dir's cgroup.controllers or cgroup.subtree_control (file) as a CG_BIT
 * mask of the known v2 controllers. Mutant cg-ctrl-listed: every known
 * v2 controller is listed.
 */
int cgc_ctrls(struct ctx *c, const char *dir, const char *file, unsigned *mask);
/* The v2 name of the first controller of mask (pids first): NULL if none. */
const char *cgc_pick(unsigned mask, enum cg_ctrl *which);
/* "+pids -memory": the write of a subtree_control text, 0 or -errno. */
int cgc_subtree(const char *dir, const char *text);

/* A key of dir/cgroup.stat. Mutant cg-counters-hit: it reads >= 1. */
int cgc_stat(struct ctx *c, const char *dir, const char *key, uint64_t *v);

/*
 * mount(src, target, fstype, 0, opts) with target made first: the
 * kernel's 0 or -errno. Mutant cg-mount-refused: EBUSY.
 */
int cgc_mount(const char *fstype, const char *opts, const char *target);

/* Give dir and the delegatable files in it to uid (give_files: them). */
int cgc_give(const char *dir, uid_t uid, bool give_files);
/* Leave our groups and capabilities: become the delegatee, 0 or -errno. */
int cgc_become(uid_t uid);

/* clone3 into the cgroup open at dfd: pid (child exits 0), or -errno. */
pid_t cgc_clone_into(int dfd);

/*
 * 1 when p ended within ms (reaped: p->pid -1, its wait status in *st),
 * 0 if not. Mutant cg-killed: it ended at once, killed by SIGKILL.
 */
int cgc_ended(struct cgc_proc *p, int ms, int *st);

/*
 * pid's (0: our) v2 cgroup path as our cgroup namespace shows it.
 * Mutant cgns-path-up: it reads `asked`, the path looked for.
 */
int cgc_ns_path(pid_t pid, char *buf, size_t len, const char *asked);

/* Two cgroups side by side below a third of ours: d/k and d/s. */
struct cgc_pair {
	struct cg_group d, k, s;
};
/* Make them (and d/k/deeper when not NULL); and remove them. */
int cgc_pair_make(struct ctx *c, struct cgc_pair *p, const char *deeper);
void cgc_pair_destroy(struct cgc_pair *p);

/* The v1 hierarchies (indexes): pids's, another with a controller, a
 * named one (-1: none); -o options naming the first two's controllers. */
struct cgc_v1 {
	int pids, other, named;
	char pids_opts[128], other_opts[128];
};
/* Fill v, or skip: pids on no v1 hierarchy, no second one. */
int cgc_need_v1(struct ctx *c, struct cgc_v1 *v);

#endif
