/* SPDX-License-Identifier: MIT */
/*
 * container.h - the reference container: the primitives composed, in order,
 * from one spec. What runtimes do, small enough to read in one sitting.
 * container.c holds the order and the parent's side, container_fs.c the
 * mounts, container_proc.c the process's own steps.
 */
#ifndef BOXCHECK_CONTAINER_H
#define BOXCHECK_CONTAINER_H

#include "base.h"
#include "caps.h"
#include "cgroup.h"
#include "ns.h"
#include "userns.h"

struct container_rlimit {
	int resource;
	unsigned long long soft, hard;
};

/*
 * Weaker variants, each one step left out (runtime validation's
 * ref-without:STEP targets show what each step is for). All false: the
 * full container.
 */
struct container_weak {
	bool no_pivot; /* chroot, the old root stays (runc --no-pivot) */
	bool keep_propagation;	/* mounts as copied: shared or slave */
	bool slave_propagation; /* slaves of the launcher's: receive only */
	bool no_dev_tmpfs;	/* /dev: the root's own directory */
	bool no_dev_symlinks;	/* no fd, stdin, stdout, stderr */
	const char *dev_omit;	/* a default node left out */
	bool no_devpts, no_shm, no_mqueue;
	bool host_console;    /* the host's /dev/console bound in */
	bool host_dev;	      /* the host's /dev bound in (rbind) */
	bool proc_plain;      /* /proc without nosuid, nodev, noexec */
	bool host_proc;	      /* the launcher's /proc bound in */
	bool sys_rw;	      /* a read-write sysfs */
	bool cgroup_rw;	      /* our cgroup shown read-write */
	bool cgroupns_early;  /* cgroup namespace made before joining */
	bool host_cgroups;    /* the v1 hierarchies' roots, read-write */
	bool mask_weak_files; /* masked files: an empty regular file */
	bool mask_rw_dirs;    /* masked dirs: a writable tmpfs */
	bool keep_fds;	      /* inherited fds >= 3 stay open */
	bool keep_keyring;    /* the launcher's session keyring */
	bool secure_noroot;   /* SECBIT_NOROOT: root gets no caps at execve */
};

struct container_spec {
	unsigned ns;		     /* NS_BIT mask of new namespaces */
	const char *join[NS__COUNT]; /* or join these, by path */
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
	const char *const *masked;   /* paths to mask inside, NULL-ended */
	const char *const *ro_paths; /* paths made read-only, NULL-ended */
	/*
	 * The OCI /dev: with a root, a tmpfs /dev holds the default nodes
	 * and links, and devpts (with ptmx), shm and mqueue are mounted.
	 * Without: /dev is a tmpfs with the nodes and links only.
	 */
	bool oci_dev;
	bool set_caps; /* keep exactly caps, else leave them */
	capmask_t caps;
	capmask_t inheritable_caps; /* of caps, left inheritable (+ ambient) */
	capmask_t ambient_caps;	    /* of caps, raised in the ambient set */
	bool no_new_privs;
	/* The process: ids, groups, cwd, umask, limits, oom, keyring. */
	bool set_ids;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t n_groups;
	const char *cwd; /* after the root, or NULL: "/" */
	int umask;	 /* -1: leave it */
	const struct container_rlimit *rlimits;
	size_t n_rlimits;
	bool set_oom;
	int oom_score_adj;
	bool new_keyring; /* join a new session keyring */
	bool close_fds;	  /* close every fd >= 3 but pass_fds */
	const char *lsm;  /* LSM label to exec into, or NULL */
	/* A seccomp deny list (NULL-ended names), refused with errno. */
	const char *const *seccomp_deny;
	int seccomp_errno;
	const char *bind_in; /* a host directory bound at the same path */
	struct container_weak weak;
	/*
	 * create/start: the child stops right before execve until someone
	 * opens this fifo for reading (container_start returns when it got
	 * there). NULL: execve at once.
	 */
	const char *hold_fifo;
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
 * or, with hold_fifo, once it waits there; or failed to be (-errno, with
 * the failing step in *e when given; the child is reaped). A missing
 * command gives -ENOENT at step "execve".
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

/*
 * Map what container_start needs once per process (the stack its child
 * runs on while it shares our memory; in a fork, where it is wiped, its
 * pages again), so that a launcher can do it before it measures its own
 * memory. Optional: container_start maps it on first use. 0, or -ENOMEM
 * (container_start then forks).
 */
int container_prepare(void);

/*
 * After the container is gone: remove its overlay scratch dir (upper, work
 * with the overlay's work/work, merged, then scratch itself) by one rmdir
 * each, and with rm_rf (never across a mount) what is not empty: the
 * container's writes in upper. 0 or the first -errno.
 */
int container_scratch_remove(const char *scratch);

/* Check a spec before starting: -EINVAL and the reason in e->step. */
int container_check(const struct container_spec *s, struct container_error *e);

#endif
