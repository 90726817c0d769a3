/* SPDX-License-Identifier: MIT */
/*
 * container.h - the reference container: the primitives composed, in order,
 * from one spec. What runtimes do, small enough to read in one sitting.
 */
#ifndef BOXCHECK_CONTAINER_H
#define BOXCHECK_CONTAINER_H

#include "base.h"
#include "caps.h"
#include "cgroup.h"
#include "userns.h"

struct container_spec {
	unsigned ns;		     /* NS_BIT mask of new namespaces */
	const struct idmap *uid_map; /* with NS_USER; required then */
	const struct idmap *gid_map;
	const char *hostname;	   /* with NS_UTS, or NULL */
	const char *root;	   /* new root directory, or NULL */
	const char *const *lowers; /* or an overlay of these (top first) */
	size_t n_lowers;
	const char *scratch; /* overlay: holds upper, work, merged */
	const struct cg_group
		*cg; /* cgroup to start in (limits set), or NULL */
	bool readonly_root;
	const char *const *masked; /* paths to mask inside, NULL-ended */
	bool set_caps;		   /* keep exactly caps, else leave them */
	capmask_t caps;
	capmask_t inheritable_caps; /* of caps, left inheritable (+ ambient) */
	capmask_t ambient_caps;	    /* of caps, raised in the ambient set */
	bool no_new_privs;
	/*
	 * Weaker variants, each one step left out (runtime validation's
	 * ref-without:STEP targets show what each step is for):
	 * no_pivot: chroot into the root instead of pivot_root, so the old
	 * root stays in the mount namespace (runc --no-pivot);
	 * keep_propagation: leave the mounts as copied (shared or slave of
	 * the launcher's) instead of making them private.
	 */
	bool no_pivot;
	bool keep_propagation;
	char *const *argv;
	char *const *envp;
	const int *pass_fds; /* become fds 3, 4, ... of the command */
	size_t n_pass_fds;
};

/* Why a start failed: the step's name and -errno. */
struct container_error {
	char step[48];
	int err;
};

/*
 * Start the container. Returns once the command was exec'd (*pid set, 0)
 * or failed to be (-errno, with the failing step in *e when given; the
 * child is reaped). A missing command gives -ENOENT at step "execve".
 */
int container_start(const struct container_spec *s, pid_t *pid,
		    struct container_error *e);

/*
 * The container's /sys, also used by the bench ladder: a read-only sysfs
 * at sys (a user namespace may mount one only for a network namespace it
 * owns) and, when cg is given, that cgroup read-only at sys/fs/cgroup as
 * runtimes show it. Before pivot_root: the cgroup dirs are host paths.
 */
int container_mount_sys(const char *sys, const struct cg_group *cg);

/* Check a spec before starting: -EINVAL and the reason in e->step. */
int container_check(const struct container_spec *s, struct container_error *e);

#endif
