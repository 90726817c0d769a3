/* SPDX-License-Identifier: MIT */
/*
 * mutant.h - built-in mutants: deliberately broken builds that prove every
 * check can fail (make check-mutants).
 *
 * A build with -DBOXCHECK_MUTANTS (build/mutant/boxcheck) reads
 * BOXCHECK_MUTANT=NAME once; mutant_on(M_X) is then true for that one
 * mutant, and records that the mutation was reached in a page shared with
 * every process forked after mutant_arm(), so a worker learns whether its
 * scenario (or a child of it) went through the broken code. With
 * BOXCHECK_MUTANT=census nothing is mutated and every point passed is
 * recorded: tests/mutants.sh then runs each mutant only on the scenarios
 * that reach it. In a normal
 * build mutant_on() is the constant false and the code around it vanishes.
 */
#ifndef BOXCHECK_MUTANT_H
#define BOXCHECK_MUTANT_H

#include <stdbool.h>
#include <stddef.h>

enum mutant {
	M_NONE,
	M_NO_ISOLATE, /* runner: the isolated run is run as a control */
	/* namespaces: ns_*, pidns, cgroupns, timens, mntns, mounts */
	M_NS_DIFFER,	/* ns_differ*(): every type asked about differs */
	M_NS_SAME,	/* ns_differ_ids(): no type differs */
	M_NS_HOSTNAME,	/* ns_entry: the outside hostname is not the child's */
	M_NS_LIFETIME,	/* ns_gone, ns_lifetime: gone / kept as claimed */
	M_PID_VIEW,	/* pid_view_read(), pid_of_sender(): init's view */
	M_PID_PROC,	/* proc_list(): /proc lists only the lister */
	M_PID_DEPTH,	/* depth_probe(): 33 levels, one more ENOSPC */
	M_PID_SIGNAL,	/* pidns_signals probes: the pidns behaviour */
	M_CGNS_ROOT,	/* read_cgroup(): every line reads "/" */
	M_TIMENS_CLOCK, /* timens unshare_and_fork(): child = parent + a day */
	M_MNT_VIEW,	/* mntns probes: not mounted, bind EINVAL */
	M_MOUNTS_VIEW,	/* mounts probes: the hardened root's view */
	/* namespaces: user, uts, ipc, net */
	M_OUTER_UID,	  /* a process's uid seen from outside is 100000 */
	M_OWNER_OVERFLOW, /* file owners read as the overflow ids */
	M_IDMAP_READ,	  /* userns_read_map(): the identity map */
	M_USERNS_DEPTH,	  /* the user ns depth walk finds the levels made */
	M_CAPEFF_NONE,	  /* CapEff reads as no capability */
	M_UTS_READ,	  /* the hostname/domainname read is a fixed name */
	M_IPC_LOOKUP,	  /* IPC lookups by key or name find nothing */
	M_IFLIST_LO,	  /* the interface list is lo alone, down */
	M_BIND_INUSE,	  /* a TCP bind to a port in use succeeds */
	M_TCP_CONNECTS,	  /* a failed TCP probe reads as connected */
	/* rootfs: overlay, chroot, pivot_root, minrootfs */
	M_OVL_LAYERS, /* ovl_layer_digest() constant, ovl_upper_has() yes */
	M_PATH_REACH, /* rootfs_reach(): every path is out of reach */
	M_ROOT_WHERE, /* rootfs_whereami(): root and cwd are the one asked */
	M_ELF_DEPS,   /* elf_deps_collect(): no interpreter, no library */
	M_ROOTFS_CALL_OK, /* a probed chroot or pivot_root reads succeeded */
	M_PROC_ROOT,	  /* /proc/PID/root reads as the directory asked */
	/* cgroups */
	M_CG_FORK_EAGAIN, /* the fork probe fails with EAGAIN at once */
	M_CG_FROZEN,	  /* the freezer state reads frozen */
	M_CG_COUNTERS_HIT, /* pids.events max, oom_kill, nr_throttled read >= 1 */
	M_CG_EMPTY,	   /* a cgroup reads empty: no process, populated 0 */
	M_CG_LISTED,	   /* cgroup.procs lists every pid asked about */
	M_CG_STATS_PARENT, /* usage statistics read from the parent cgroup */
	/* cgroup v2 in depth, cgroup v1 */
	M_CG_PRESSURE, /* PSI totals grow at every read, triggers fire */
	M_CG_KILLED,   /* cgs_reap(): every child reads killed by SIGKILL */
	M_CG_WRITE_REFUSED, /* cgs_write_probe(): EACCES */
	M_CG_TREE_REFUSED, /* cgs_mkdir_probe() EAGAIN, cgs_rmdir_probe() EBUSY */
	M_CG_EVENTS_NOTIFY,  /* cgs_wait_modified(): modified at once */
	M_CG_RECLAIM_SPARED, /* cgs_pages_intact(): every page intact */
	M_CG1_FLAGS,	     /* v1 flags read 1: under_oom, freezing, notify */
	M_CG_DEV_DENIED,     /* cgs_dev_probe(): EPERM */
	M_CG_THREAD_SPLIT,   /* cgs_tid_cgroup(): not the leader's cgroup */
	M_CG_TYPE_DOMAIN,    /* cgc_type(): cgroup.type reads "domain" */
	M_CG_FILES_ABSENT,   /* cgc_has(), cgc_count_prefix(): no such file */
	M_CG_CTRL_LISTED,    /* cgc_ctrls(): every v2 controller listed */
	M_CG_MOUNT_REFUSED,  /* cgc_mount(): EBUSY */
	M_CGNS_PATH_UP,	     /* cgroupns_more: paths read "/.." first */
	M_CG_PERF_COUNTS,    /* cgroup perf counter reads a full window */
	M_CG_PERF_COUNT,     /* cgx_perf_read(): a second more at every read */
	/* capabilities, seccomp */
	M_CAPS_SETS_EMPTY,  /* capstat_parse(): every capability set is empty */
	M_CAPS_REFUSED,	    /* cap_call_err(): a gated call reads EPERM */
	M_CAPS_GATE_PASSED, /* gate_observe(): the call got past the check */
	M_CAPS_EXEC_EXTRAS, /* the executed program's securebits, AT_SECURE: 0 */
	M_CAPS_XATTR_V2,    /* security.capability reads as version 2 */
	M_SECCOMP_NONE,	    /* seccomp probes: as if no filter acted */
	M_SECCOMP_REFUSED,  /* sc_load(): a filter install reads EACCES */
	M_SECCOMP_CALL_OK,  /* scx_seccomp_probe(): the call reads 0 */
	/* namespace semantics, the mount API */
	M_SYSCTL_READ,	  /* sysctl_get(): every sysctl reads "mutant" */
	M_NET_PROBE,	  /* netns sysctl probes read the kernel defaults */
	M_IPC_LIMIT,	  /* IPC limit probes succeed */
	M_MQ_VIEW,	  /* mqueue views: own queue only, default attributes */
	M_UCOUNT,	  /* ucount probes fail at the limit */
	M_KEY_SEARCH,	  /* keyring searches find nothing */
	M_PERM_REFUSED,	  /* permission probes read refused */
	M_PID_NEXT,	  /* a forked child's pid reads 2 */
	M_MNT_SEEN,	  /* mounts read detached: not mounted, unreachable */
	M_MNT_ATTR,	  /* mount attribute probes read enforced */
	M_IDMAP_WRITE,	  /* id map and setgroups writes read refused */
	M_CRED_CALL,	  /* set*id probes refused, getuid() the overflow uid */
	M_TIMENS_OFFSETS, /* timens_offsets writes refused, reads 0 0 */
	M_TIMENS_VIEW,	  /* timers expired, uptime and clocks a day ahead */
	M_SCM_CREDS,	  /* received SCM_CREDENTIALS are the ones sent */
	M_NET_VIEW,	  /* net views read as a fresh namespace's */
	M_SETID_EXEC,	  /* the euid after a set-user-ID execve reads 1 */
	M_NS_LINK,	  /* ns link reads fail with the errno looked for */
	M_PIDNS_PROBE,	  /* PID namespace probes read as documented */
	M_MNT_TAGS,	  /* mnt_prop(): every mount reads private, no tag */
	M_MNT_REFUSED,	  /* mount refusal probes read the errno looked for */
	/* overlayfs in depth */
	M_OVL_INODE_DISTINCT, /* ovl_stat_id(): each path a new dev and ino */
	M_OVL_STATFS_SAME,    /* ovl_statfs_same(): any two paths agree */
	M_OVL_MOUNT_REFUSED,  /* ovl_mount_attempt(): refused, EINVAL */
	M_OVL_FD_STALE,	    /* an early fd or mapping rereads its first read */
	M_OVL_HANDLE_OPENS, /* a handle encodes, decodes (reads the path) */
	M_OVL_VIEW_TOP,	    /* ovl_view(): merged read from the top layer */
	M_OVL_DIR_LIVE,	    /* ovl_dir_lists(): an offset read is fresh */
	M_OVL_ACCESS,	    /* overlay access probes read allowed */
	/* kernels and the Raspberry Pi (VM-only scenarios) */
	M__COUNT,
};

struct mutant_info {
	const char *name;
	const char *does; /* one line for the README and the check's table */
};
extern const struct mutant_info mutant_table[M__COUNT];

#ifdef BOXCHECK_MUTANTS
#define BOXCHECK_MUTANT_BUILD 1
bool mutant_on(enum mutant m);
/* Fresh "reached" marks for this process and the ones it forks. */
void mutant_arm(void);
/*
 * The mutation points reached since mutant_arm(), as names separated by
 * blanks into buf: the active mutant's, or with BOXCHECK_MUTANT=census
 * (nothing mutated) every point passed. Returns true if any.
 */
int mutant_reached(char *buf, size_t len);
/* false when BOXCHECK_MUTANT names no mutant of this build. */
bool mutant_env_ok(void);
#else
#define BOXCHECK_MUTANT_BUILD 0
static inline bool mutant_on(enum mutant m)
{
	(void)m;
	return false;
}
static inline void mutant_arm(void)
{
}
static inline int mutant_reached(char *buf, size_t len)
{
	(void)buf;
	(void)len;
	return 0;
}
static inline bool mutant_env_ok(void)
{
	return true;
}
#endif

#endif
