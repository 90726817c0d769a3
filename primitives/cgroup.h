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
/*
 * A hierarchy's paths are held to CG_PATH_MAX bytes, not PATH_MAX: a
 * layout is written in every `boxcheck exec`, and three PATH_MAX arrays
 * put each hierarchy on three or four pages of its own (31 page faults
 * for a hybrid host's ten; 5 now). Cgroup paths run to a few hundred
 * bytes (a Kubernetes pod's scope: about 200); a longer one makes its
 * hierarchy unusable (err -ENAMETOOLONG). A group's dirs stay PATH_MAX.
 */
#define CG_PATH_MAX 512

struct cg_hier {
	int version;		 /* 1 or 2 */
	unsigned ctrls;		 /* CG_BIT mask of controllers on it */
	char name[64];		 /* v1 named hierarchy ("name=systemd") or "" */
	char opts[256];		 /* super options ("rw,nsdelegate") */
	char mount[CG_PATH_MAX]; /* mount point as seen by us */
	char mroot[CG_PATH_MAX]; /* the cgroup mounted there ("/" usually) */
	char own[CG_PATH_MAX];	 /* our cgroup below mount, "/" at its root */
	/*
	 * 0, or why the hierarchy cannot be used: -ENOENT our cgroup is
	 * not visible through the mount, -EMEDIUMTYPE statfs finds no
	 * cgroup filesystem there (overmounted), -ENAMETOOLONG a path over
	 * CG_PATH_MAX, -ESRCH not checked (cg_layout_detect_for), or
	 * statfs's errno.
	 */
	int err;
};

struct cg_layout {
	enum cg_mode mode;
	int n;
	struct cg_hier hier[CG_MAX_HIER];
	int by_ctrl[CG__COUNT]; /* index into hier[] or -1 */
	int unified;		/* index of the cgroup2 hierarchy or -1 */
};

int cg_ctrl_by_name(const char *name); /* v1 or v2 name -> enum, -ENOENT */
/*
 * Detect the layout from <root>/proc/self/mountinfo, <root>/proc/self/cgroup
 * and statfs of each mount point. root: a prefix for /proc and the mount
 * points ("" for the real host). With a prefix (fake trees in unit tests) a
 * mount point that is not a cgroup filesystem is accepted.
 */
int cg_layout_detect_at(const char *root, struct cg_layout *l);
int cg_layout_detect(struct cg_layout *l);
/*
 * The same for a caller that will use only the hierarchies holding one of
 * ctrls (and cgroup2): only those are checked with statfs, the others are
 * unusable (err -ESRCH). `boxcheck exec --pids-max` on a hybrid host: one
 * statfs of the pids hierarchy and one of cgroup2, not ten.
 */
int cg_layout_detect_for(struct cg_layout *l, unsigned ctrls);
unsigned cg_layout_ctrls(const struct cg_layout *l);
/*
 * One "ID:CONTROLLERS:PATH" line of /proc/PID/cgroup (modified): the index
 * of its hierarchy in l, or -1; *path points at PATH inside line.
 */
int cg_line_hier(const struct cg_layout *l, char *line, const char **path);
/* Absolute path of our own cgroup directory on hierarchy i; h->err if unusable. */
int cg_own_dir(const struct cg_layout *l, int i, char *buf, size_t len);

/*
 * A cgroup made of one directory per hierarchy used. dir[i] is defined
 * only where bit i of hiers is set: a group is made on the stack of many
 * starts, and writing the others (a page each) cost a page fault each.
 */
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
 * A child of g only on the hierarchies holding one of ctrls, and on the
 * unified one (CG_ALL: every hierarchy of g). Fewer directories make a
 * cheaper group when a job needs only a few controllers.
 */
#define CG_ALL (~0u)
int cg_group_child_on(const struct cg_group *g, const char *name,
		      unsigned ctrls, struct cg_group *child);
/*
 * v2: enable in g's cgroup.subtree_control every controller g has, so its
 * children can use them. g must then hold no processes itself (the
 * no-internal-process rule). No-op on v1.
 */
void cg_group_delegate(const struct cg_group *g);
/*
 * v2: enable the controllers in ctrls that g's cgroup offers, in g's
 * cgroup.subtree_control. 0 or the first -errno (-EBUSY: g holds
 * processes). No-op on v1 and for controllers not on v2.
 */
int cg_group_enable(const struct cg_group *g, unsigned ctrls);
int cg_group_attach(const struct cg_group *g, pid_t pid);
/* Directory holding a controller's files, or NULL when not in the group. */
const char *cg_group_dir(const struct cg_group *g, enum cg_ctrl c);
/* dir/file on the hierarchy of controller c: 0, -ENOENT (no such dir). */
int cg_group_path(const struct cg_group *g, enum cg_ctrl c, const char *file,
		  char *buf, size_t len);
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

/*
 * Knobs: the controller files a scenario uses, by meaning. One table per
 * version (cgroup_knob.c) says which file holds a knob, where in the file
 * and in what unit; the hierarchy each controller sits on picks the row,
 * so hybrid layouts mix v1 and v2 rows. Values are plain numbers in the
 * knob's unit; CG_VAL_MAX is "max" (unlimited).
 */
enum cg_knob {
	CGK_PIDS_MAX,	      /* pids.max */
	CGK_PIDS_CURRENT,     /* pids.current */
	CGK_PIDS_EVENTS_MAX,  /* pids.events max: forks refused */
	CGK_MEM_MAX,	      /* bytes: memory.max | memory.limit_in_bytes */
	CGK_MEM_SWAP_MAX,     /* bytes: memory.swap.max | memsw (mem+swap) */
	CGK_MEM_CURRENT,      /* bytes: memory.current | usage_in_bytes */
	CGK_MEM_OOM_KILL,     /* memory.events | memory.oom_control oom_kill */
	CGK_MEM_FAILCNT,      /* memory.events max | memory.failcnt */
	CGK_CPU_QUOTA,	      /* us per period: cpu.max | cpu.cfs_quota_us */
	CGK_CPU_PERIOD,	      /* us: cpu.max | cpu.cfs_period_us */
	CGK_CPU_NR_PERIODS,   /* cpu.stat nr_periods */
	CGK_CPU_NR_THROTTLED, /* cpu.stat nr_throttled */
	CGK_CPU_USAGE,	      /* us: cpu.stat usage_usec | cpuacct.usage */
	CGK_CPU_USER,	      /* us: user_usec | cpuacct.usage_user */
	CGK_CPU_SYSTEM,	      /* us: system_usec | cpuacct.usage_sys */
	CGK_FREEZE,	      /* 1 freeze, 0 thaw: cgroup.freeze | freezer */
	CGK_FROZEN,	      /* 1 frozen, 0 thawed, 2 freezing (v1) */
	CGK_KILL,	      /* write 1: cgroup.kill (v2 only) */
	CGK_POPULATED,	      /* cgroup.events populated (v2 only) */
	/* cgroup v2 in depth, cgroup v1 (issue 20) */
	CGK_MEM_HIGH,	      /* bytes: memory.high (v2) */
	CGK_MEM_LOW,	      /* bytes: memory.low (v2) */
	CGK_MEM_MIN,	      /* bytes: memory.min (v2) */
	CGK_MEM_OOM_GROUP,    /* 1: memory.oom.group (v2) */
	CGK_MEM_EV_HIGH,      /* memory.events high: over-high events */
	CGK_MEM_EV_LOW,	      /* memory.events low: protection breached */
	CGK_MEM_EV_OOM_GROUP, /* memory.events oom_group_kill */
	CGK_MEM_PEAK,	      /* bytes: memory.peak | max_usage_in_bytes */
	CGK_MEM_FILE,	      /* bytes: memory.stat file | cache */
	CGK_MEM_OOM_DISABLE,  /* 1: v1 memory.oom_control oom_kill_disable */
	CGK_MEM_UNDER_OOM,    /* v1 memory.oom_control under_oom */
	CGK_MEM_FORCE_EMPTY,  /* write 0: v1 memory.force_empty */
	CGK_PIDS_PEAK,	      /* pids.peak */
	CGK_CPU_WEIGHT,	      /* cpu.weight | cpu.shares (1024 per 100) */
	CGK_CPU_IDLE,	      /* 1: cpu.idle (v2) */
	CGK_MAX_DEPTH,	      /* cgroup.max.depth (v2) */
	CGK_MAX_DESCENDANTS,  /* cgroup.max.descendants (v2) */
	CGK_NR_DESCENDANTS,   /* cgroup.stat nr_descendants (v2) */
	CGK_FREEZER_SELF,     /* v1 freezer.self_freezing */
	CGK_FREEZER_PARENT,   /* v1 freezer.parent_freezing */
	CGK_NOTIFY_RELEASE,   /* v1 notify_on_release (pids hierarchy) */
	CGK_HUGETLB_MAX,      /* bytes: hugetlb.2MB.max | limit_in_bytes */
	CGK_HUGETLB_EV_MAX,   /* hugetlb.2MB.events max | failcnt */
	CGK_PSI_CPU_SOME,     /* us: cpu.pressure some total (v2) */
	CGK_PSI_CPU_FULL,     /* us: cpu.pressure full total (v2) */
	CGK_PSI_MEM_SOME,     /* us: memory.pressure some total (v2) */
	CGK_PSI_MEM_FULL,     /* us: memory.pressure full total (v2) */
	CGK__COUNT,
};
#define CG_VAL_MAX UINT64_MAX

/* The knob's own name for messages: "pids.max", "cpu quota". */
const char *cg_knob_name(enum cg_knob k);
/*
 * The file holding knob k for group g ("memory.limit_in_bytes") and its
 * directory in g; -EOPNOTSUPP when this layout has no such knob (cgroup.kill
 * on pure v1) or g lacks the hierarchy.
 */
int cg_knob_locate(const struct cg_group *g, enum cg_knob k, const char **dir,
		   const char **file);
/*
 * 0, or -EOPNOTSUPP (no such knob here), -ENOENT (the kernel has no such
 * file), -ENODATA (the key is missing), -EBADMSG (a value we cannot parse),
 * -EROFS (a statistic), or the kernel's answer to the write.
 */
int cg_get(const struct cg_group *g, enum cg_knob k, uint64_t *v);
int cg_set(const struct cg_group *g, enum cg_knob k, uint64_t v);
/* The same on a bare directory of a given version (tests, cleanup). */
int cg_get_dir(const char *dir, int version, enum cg_knob k, uint64_t *v);
int cg_set_dir(const char *dir, int version, enum cg_knob k, uint64_t v);
/* True when err means "this layout or kernel lacks the knob": skip. */
bool cg_knob_missing(int err);

/* 1 if pid is listed in dir/cgroup.procs, 0 if not, or -errno. */
int cg_dir_has_pid(const char *dir, pid_t pid);
/* pid's cgroup path on hierarchy i of l, as /proc/PID/cgroup gives it. */
int cg_pid_path(const struct cg_layout *l, int i, pid_t pid, char *buf,
		size_t len);
/* The directory of cgroup path cgpath on hierarchy i; -ENOENT if hidden. */
int cg_path_dir(const struct cg_layout *l, int i, const char *cgpath, char *buf,
		size_t len);

/*
 * fork() straight into g's v2 cgroup with clone3(CLONE_INTO_CGROUP): 0 in
 * the child, its pid in the parent, or -errno: -EOPNOTSUPP g has no v2
 * directory, -ENOSYS no clone3, -E2BIG or -EINVAL no CLONE_INTO_CGROUP.
 */
pid_t cg_clone_into(const struct cg_group *g);
/* The same with more clone flags (CLONE_NEW*). */
pid_t cg_clone_into_flags(const struct cg_group *g, unsigned long flags);

/* ---- absolute paths handed to other tools --------------------------- */

/*
 * Our deepest own path when every other hierarchy's own path is an
 * ancestor of it: an absolute cgroup path below our own everywhere, for
 * tools that take one path for all hierarchies (podman --cgroup-parent,
 * OCI cgroupsPath). -ENOENT when the own paths diverge.
 */
int cg_common_own(const struct cg_layout *l, char *buf, size_t len);

/*
 * Such a tool creates the path on every hierarchy, parents included. Before
 * handing it over, record on each hierarchy the first directory of abs that
 * does not exist yet; afterwards kill and remove exactly those subtrees:
 * what appeared during the run, and nothing that was there before.
 */
struct cg_abs_track {
	char first_new[CG_MAX_HIER][PATH_MAX]; /* "" when abs existed */
};
void cg_abs_track(const struct cg_layout *l, const char *abs,
		  struct cg_abs_track *t);
void cg_abs_release(const struct cg_layout *l, struct cg_abs_track *t);

/* ---- the v1 view of a hybrid host (cgroup_view.c) -------------------- */

/*
 * A hybrid layout (v1 hierarchies with controllers) whose cgroup2
 * hierarchy has controllers at its root, which crun 1.8 refuses: that
 * cgroup2 mount point (in l), else NULL.
 */
const char *cg_hybrid_v2_mount(const struct cg_layout *l);
/*
 * Detach that mount in the caller's mount namespace, which must be a
 * private one of its own (-EPERM in the initial one): what runs there sees
 * cgroup v1 only. -EMEDIUMTYPE when mount is not a cgroup2 mount.
 */
int cg_detach_v2(const char *mount);

#endif
