/* SPDX-License-Identifier: MIT */
/*
 * cgroup.h - cgroup layout detection (v1, hybrid, unified v2) and groups of
 * directories, one per hierarchy, that act as one cgroup.
 *
 * Safety rule: groups are only ever created below the calling process's own
 * cgroup on each hierarchy, and only processes we started are moved, and
 * only into such groups.
 */
#ifndef BOXCHECK_CGROUP_H
#define BOXCHECK_CGROUP_H

#include "base.h"

#include <limits.h>

enum cg_ctrl {
	CG_CPU,
	CG_CPUACCT,
	CG_CPUSET,
	CG_MEMORY,
	CG_DEVICES,
	CG_FREEZER,
	CG_IO, /* "blkio" on v1 */
	CG_PIDS,
	CG_HUGETLB,
	CG_PERF_EVENT,
	CG_NET_CLS,
	CG_NET_PRIO,
	CG_RDMA,
	CG_MISC,
	CG__COUNT,
};
#define CG_BIT(c) (1u << (c))

enum cg_mode { CG_MODE_NONE, CG_MODE_V1, CG_MODE_HYBRID, CG_MODE_UNIFIED };

struct cg_ctrl_info {
	const char *v1_name; /* NULL: not a v1 controller */
	const char *v2_name; /* NULL: not a v2 controller */
};
extern const struct cg_ctrl_info cg_ctrl_table[CG__COUNT];
extern const char *const cg_mode_names[];

#define CG_MAX_HIER 16

struct cg_hier {
	int version;	      /* 1 or 2 */
	unsigned ctrls;	      /* CG_BIT mask of controllers on it */
	char name[64];	      /* v1 named hierarchy ("name=systemd") or "" */
	char mount[PATH_MAX]; /* mount point as seen by us */
	char own[PATH_MAX];   /* our cgroup path within it, "/" at the root */
};

struct cg_layout {
	enum cg_mode mode;
	int n;
	struct cg_hier hier[CG_MAX_HIER];
	int by_ctrl[CG__COUNT]; /* index into hier[] or -1 */
	int unified;		/* index of the cgroup2 hierarchy or -1 */
};

int cg_ctrl_by_name(const char *name); /* v1 or v2 name -> enum, -ENOENT */
/* root: a prefix for /proc and the mount points ("" for the real host). */
int cg_layout_detect_at(const char *root, struct cg_layout *l);
int cg_layout_detect(struct cg_layout *l);
unsigned cg_layout_ctrls(const struct cg_layout *l);
/* Absolute path of our own cgroup directory on hierarchy i. */
int cg_own_dir(const struct cg_layout *l, int i, char *buf, size_t len);

/* A cgroup made of one directory per hierarchy used. */
struct cg_group {
	const struct cg_layout *layout;
	unsigned hiers;			 /* bit i: dir[i] is ours */
	char dir[CG_MAX_HIER][PATH_MAX]; /* absolute paths */
};

/*
 * Create <own>/<name> on every hierarchy holding one of ctrls, and on the
 * unified hierarchy when there is one (v2 tracks every process and can kill
 * the group with cgroup.kill). EEXIST is an error: names must be unique.
 */
int cg_group_create(const struct cg_layout *l, const char *name, unsigned ctrls,
		    struct cg_group *g);
/* A child group of g, on the same hierarchies. */
int cg_group_child(const struct cg_group *g, const char *name,
		   struct cg_group *child);
/*
 * v2: enable in g's cgroup.subtree_control every controller g has, so its
 * children can use them. g must then hold no processes itself (the
 * no-internal-process rule). No-op on v1.
 */
void cg_group_delegate(const struct cg_group *g);
int cg_group_attach(const struct cg_group *g, pid_t pid);
/* Directory holding a controller's files, or NULL when not in the group. */
const char *cg_group_dir(const struct cg_group *g, enum cg_ctrl c);
const char *cg_group_unified(const struct cg_group *g);
/* Kill every process in the group and its descendants; wait till empty. */
int cg_group_kill(const struct cg_group *g);
/* Kill, then remove the directories depth-first. Idempotent. */
int cg_group_destroy(struct cg_group *g);
void cg_group_destroyp(struct cg_group *g);
#define _cleanup_cg_group_ _cleanup_(cg_group_destroyp)

/* Kill everything below one directory and remove it (also for leftovers). */
int cg_dir_kill(const char *dir);
int cg_dir_remove(const char *dir);
int cg_dir_nprocs(const char *dir); /* processes in dir and below */

#endif
