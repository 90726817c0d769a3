// SPDX-License-Identifier: MIT
#include "mutant.h"
#include "base.h"

#include <string.h>
#include <sys/mman.h>

const struct mutant_info mutant_table[M__COUNT] = {
	[M_NONE] = { "none", "no mutation" },
	[M_NO_ISOLATE] = { "no-isolate",
			   "the isolated run skips its isolating action" },
	/* namespaces: ns_*, pidns, cgroupns, timens, mntns, mounts */
	[M_NS_DIFFER] = { "ns-differ",
			  "ns_differ() and ns_differ_ids() say every namespace "
			  "type differs" },
	[M_NS_SAME] = { "ns-same",
			"ns_differ_ids() says no namespace type differs" },
	[M_NS_HOSTNAME] = { "ns-hostname",
			    "the hostname read outside the child's UTS "
			    "namespace is never the name the child set" },
	[M_NS_LIFETIME] = { "ns-lifetime",
			    "a namespace reads gone after its last process "
			    "(veth end vanished) and alive through a kept "
			    "reference (joined: same inode, same hostname)" },
	[M_PID_VIEW] = { "pid-view",
			 "a process reads its pids as init's (pid 1, ppid 0, "
			 "sid and pgid 1) and a signal's sender as 0" },
	[M_PID_PROC] = { "pid-proc",
			 "a /proc listing shows only the process listing it" },
	[M_PID_DEPTH] = { "pid-depth",
			  "the nesting leaf reads 33 NSpid levels and one more "
			  "CLONE_NEWPID fails with ENOSPC" },
	[M_PID_SIGNAL] = { "pid-signal",
			   "signal probes read as in a PID namespace: the "
			   "signalled parent survived, nothing is left after "
			   "init, kill(outer pid, 0) fails with ESRCH" },
	[M_CGNS_ROOT] = { "cgroupns-root",
			  "every /proc/self/cgroup line reads \"/\"" },
	[M_TIMENS_CLOCK] = { "timens-clock",
			     "the forked child's clock reads its parent's plus "
			     "a day" },
	[M_MNT_VIEW] = { "mnt-view",
			 "a mount point reads not mounted and a bind mount "
			 "attempt reads EINVAL" },
	[M_MOUNTS_VIEW] = { "mounts-view",
			    "a container root reads hardened: / read-only "
			    "with EROFS, masked paths hidden, /dev minimal, "
			    "/tmp a tmpfs" },
	/* namespaces: user, uts, ipc, net */
	[M_OUTER_UID] = { "outer-uid", "a process's uid read from outside "
				       "(/proc/PID/status) "
				       "is 100000, an unprivileged uid" },
	[M_OWNER_OVERFLOW] = { "owner-overflow",
			       "file owners read as the overflow uid and gid" },
	[M_IDMAP_READ] = { "idmap-read",
			   "userns_read_map() reads the identity map "
			   "(0 0 4294967295) whoever reads it" },
	[M_USERNS_DEPTH] = { "userns-depth",
			     "the NS_GET_PARENT walk finds as many user "
			     "namespace levels as were asked for, and the "
			     "step past the limit fails with ENOSPC" },
	[M_CAPEFF_NONE] = { "capeff-none", "CapEff in /proc/PID/status reads "
					   "as no capability" },
	[M_UTS_READ] = { "uts-read", "the hostname and domainname read back as "
				     "a fixed name" },
	[M_IPC_LOOKUP] = { "ipc-lookup",
			   "SysV IPC lookups by key and POSIX mq lookups by "
			   "name find nothing" },
	[M_IFLIST_LO] = { "iflist-lo",
			  "the interface list shows only lo, and lo down" },
	[M_BIND_INUSE] = { "bind-inuse",
			   "a TCP bind to a port in use reports success" },
	[M_TCP_CONNECTS] = { "tcp-connects",
			     "a TCP probe that could not connect reads as "
			     "connected" },
	/* rootfs: overlay, chroot, pivot_root, minrootfs */
	[M_OVL_LAYERS] = { "ovl-layers",
			   "overlay layer inspection sees an overlay's work: "
			   "a layer's digest never changes and upper has "
			   "every entry and mark asked about" },
	[M_PATH_REACH] = { "path-unreachable",
			   "rootfs_reach() finds no path (ENOENT): the host "
			   "marker reads as out of reach" },
	[M_ROOT_WHERE] = { "root-where",
			   "rootfs_whereami() says \"/\" and cwd are the "
			   "directory asked about" },
	[M_ELF_DEPS] = { "elf-no-libs",
			 "elf_deps_collect() resolves no interpreter and no "
			 "library: a program's closure is itself" },
	[M_ROOTFS_CALL_OK] = { "rootfs-call-ok",
			       "a probed chroot() or pivot_root() call reads "
			       "as succeeded" },
	[M_PROC_ROOT] = { "proc-root",
			  "/proc/PID/root reads as the directory asked about" },
	/* cgroups */
	[M_CG_FORK_EAGAIN] = { "cg-fork-eagain",
			       "the cgroup fork probe fails with EAGAIN at "
			       "once" },
	[M_CG_FROZEN] = { "cg-frozen", "the freezer state reads frozen" },
	[M_CG_COUNTERS_HIT] = { "cg-counters-hit",
				"cgroup event counters (pids.events max, "
				"memory oom_kill, cpu nr_throttled, "
				"memory.events high, low and oom_group_kill, "
				"memory.failcnt, hugetlb limit hits) read as "
				"hit" },
	[M_CG_EMPTY] = { "cg-empty",
			 "a cgroup reads empty (no process counted, "
			 "populated 0)" },
	[M_CG_LISTED] = { "cg-listed",
			  "cgroup.procs lists every pid asked about" },
	[M_CG_STATS_PARENT] = { "cg-stats-parent",
				"usage statistics (memory usage, peak and "
				"file memory, cpu time and per-CPU usage, "
				"pids.peak, nr_descendants) are read from the "
				"parent cgroup" },
	/* cgroup v2 in depth, cgroup v1 */
	[M_CG_PRESSURE] = { "cg-pressure",
			    "PSI stall totals (cpu, memory; some, full) grow "
			    "by a second at every read and a PSI trigger "
			    "fires at once" },
	[M_CG_KILLED] = { "cg-killed", "every child a cgroup scenario reaps "
				       "reads as killed by SIGKILL" },
	[M_CG_WRITE_REFUSED] = { "cg-write-refused",
				 "a probed write to a cgroup file "
				 "(cgroup.procs, cgroup.threads, "
				 "subtree_control, an interface file) fails "
				 "with EACCES" },
	[M_CG_TREE_REFUSED] = { "cg-tree-refused",
				"a probed cgroup mkdir fails with EAGAIN and "
				"a probed rmdir with EBUSY" },
	[M_CG_EVENTS_NOTIFY] = { "cg-events-notify",
				 "a watch on cgroup.events reports a "
				 "modification at once" },
	[M_CG_RECLAIM_SPARED] = { "cg-reclaim-spared",
				  "lazily freed pages read as all intact "
				  "after reclaim" },
	[M_CG1_FLAGS] = { "cg1-flags",
			  "v1 flags read as set: under_oom, "
			  "freezer.self_freezing and parent_freezing, "
			  "notify_on_release" },
	[M_CG_DEV_DENIED] = { "cg-dev-denied",
			      "device opens and mknods probed under the "
			      "devices controller fail with EPERM" },
	[M_CG_THREAD_SPLIT] = { "cg-thread-split",
				"a thread's cgroup reads different from its "
				"thread group leader's" },
	[M_CG_TYPE_DOMAIN] = { "cg-type-domain",
			       "every cgroup.type reads \"domain\"" },
	[M_CG_FILES_ABSENT] = { "cg-files-absent",
				"probed cgroup interface files (tasks, "
				"release_agent, a controller's files) read as "
				"absent" },
	[M_CG_CTRL_LISTED] = { "cg-ctrl-listed",
			       "cgroup.controllers and cgroup.subtree_control "
			       "read as listing every v2 controller" },
	[M_CG_MOUNT_REFUSED] = { "cg-mount-refused",
				 "a probed cgroup or cgroup2 mount fails with "
				 "EBUSY" },
	[M_CGNS_PATH_UP] = { "cgns-path-up",
			     "a cgroup path read in a cgroup namespace starts "
			     "\"/..\" and a mount's root reads \"/..\"" },
	[M_CG_PERF_COUNTS] = { "cg-perf-counts",
			       "a perf counter bound to a cgroup reads the "
			       "whole window counted" },
	[M_CG_PERF_COUNT] = { "cg-perf-count",
			      "a perf counter of a cgroup's tasks reads a "
			      "second more at every read" },
	/* capabilities, seccomp */
	[M_CAPS_SETS_EMPTY] = { "caps-sets-empty",
				"the capability sets read from "
				"/proc/PID/status "
				"(before or after an execve) are all empty" },
	[M_CAPS_REFUSED] = { "caps-refused",
			     "a capability-gated call (capset, prctl, mknod, "
			     "setpriority, bind, mount...) reads EPERM" },
	[M_CAPS_GATE_PASSED] = { "caps-gate-passed",
				 "a call a capability gates reads as having "
				 "got past the check (it worked, or failed "
				 "on its invalid argument; a mode bit kept)" },
	[M_CAPS_EXEC_EXTRAS] = { "caps-exec-extras",
				 "the securebits and AT_SECURE an executed "
				 "program reports read 0" },
	[M_CAPS_XATTR_V2] = { "caps-xattr-v2",
			      "a security.capability attribute reads as "
			      "version 2, with no root uid" },
	[M_SECCOMP_NONE] = { "seccomp-none",
			     "seccomp observations read as if no filter acted: "
			     "the probed call returns normally, the exec'd "
			     "program succeeds, no log line, status Seccomp "
			     "0" },
	[M_SECCOMP_REFUSED] = { "seccomp-refused",
				"installing a seccomp filter reads as refused "
				"with EACCES" },
	[M_SECCOMP_CALL_OK] = { "seccomp-call-ok",
				"a probed seccomp() call reads as succeeded "
				"(returned 0)" },
	/* namespace semantics, the mount API */
	[M_SYSCTL_READ] = { "sysctl-read",
			    "sysctl_get() reads every /proc/sys value as "
			    "\"mutant\"" },
	[M_NET_PROBE] = { "net-probe",
			  "network sysctl probes read the kernel defaults: "
			  "IP_TTL 64, an ephemeral port of 40000, ICMP "
			  "sockets EACCES, 11 datagrams queued" },
	[M_IPC_LIMIT] = { "ipc-limit",
			  "IPC limit probes (msgsnd, msgget, shmget, semget "
			  "past a limit) read as accepted" },
	[M_MQ_VIEW] = { "mq-view",
			"an mqueue listing shows only the lister's own "
			"queue; a new queue's attributes read 10 x 8192" },
	[M_UCOUNT] = { "ucount-limit",
		       "namespace and inotify creation probes read as failed "
		       "at a ucount limit" },
	[M_KEY_SEARCH] = { "key-search",
			   "keyring searches find nothing (ENOKEY)" },
	[M_PERM_REFUSED] = { "perm-refused",
			     "permission probes (pidfd, ptrace, setns, "
			     "CLONE_NEWUSER, sysctl writes, net admin, "
			     "mounts) read refused with the errno looked for" },
	[M_PID_NEXT] = { "pid-next", "a forked child's pid reads 2" },
	[M_MNT_SEEN] = { "mnt-seen",
			 "mounts read detached: no mount point is mounted, "
			 "no path through one reachable, unmount notices "
			 "read as seen" },
	[M_MNT_ATTR] = { "mnt-attr",
			 "mount attribute probes read enforced: EROFS, "
			 "EACCES, ELOOP, EOVERFLOW, setuid not raised, atime "
			 "kept" },
	[M_IDMAP_WRITE] = { "idmap-write",
			    "a probed write to uid_map, gid_map, projid_map or "
			    "setgroups reads refused with the errno looked "
			    "for" },
	[M_CRED_CALL] = { "cred-call",
			  "credential probes read as in a user namespace "
			  "without maps: set*id() and setgroups() refused "
			  "with the errno looked for, getuid() the overflow "
			  "uid, a setgroups file \"deny\"" },
	[M_TIMENS_OFFSETS] = { "timens-offsets",
			       "a probed timens_offsets write reads refused "
			       "with the errno looked for, and the offsets "
			       "read back 0 0" },
	[M_TIMENS_VIEW] = { "timens-view",
			    "time namespace views read a day ahead: absolute "
			    "timers expired at once, /proc/uptime and the "
			    "clocks shifted by 86400 s" },
	[M_SCM_CREDS] = { "scm-creds",
			  "SCM_CREDENTIALS read on receipt are the ones the "
			  "sender put in" },
	[M_NET_VIEW] = { "net-view",
			 "network namespace views read as a fresh "
			 "namespace's: an abstract name and a route free, "
			 "/proc/net and sysfs showing nothing of ours" },
	[M_SETID_EXEC] = { "setid-exec",
			   "the euid after executing a set-user-ID copy reads "
			   "1" },
	[M_NS_LINK] = { "ns-link",
			"reading an ns link fails with the errno looked for "
			"(ENOENT, EACCES)" },
	[M_PIDNS_PROBE] = { "pidns-probe",
			    "PID namespace probes read as documented: fork "
			    "ENOMEM, unshare and clone EINVAL, a signalled "
			    "init alive, reboot() ends init with SIGHUP, "
			    "/proc/self the reader's own pid" },
	[M_MNT_TAGS] = { "mnt-tags",
			 "mountinfo's propagation fields read empty: every "
			 "mount reads private" },
	[M_MNT_REFUSED] = { "mnt-refused",
			    "probed mount operations (a move out of a shared "
			    "parent, an invalid move, a locked mount's umount "
			    "or flag change) read refused with the errno "
			    "looked for" },
	/* overlayfs in depth */
	[M_OVL_INODE_DISTINCT] = { "ovl-inode-distinct",
				   "every overlay stat reads a new device and "
				   "inode: no two names are one inode" },
	[M_OVL_STATFS_SAME] = { "ovl-statfs-same",
				"statfs of any two paths reports the same "
				"filesystem" },
	[M_OVL_MOUNT_REFUSED] = { "ovl-mount-refused",
				  "every overlay mount attempt reads as "
				  "refused with EINVAL" },
	[M_OVL_FD_STALE] = { "ovl-fd-stale",
			     "a descriptor or mapping opened before a copy-up "
			     "rereads what it first read" },
	[M_OVL_HANDLE_OPENS] = { "ovl-handle-opens",
				 "an overlay file handle reads as encoded and "
				 "decoded (the file read by its path)" },
	[M_OVL_VIEW_TOP] = { "ovl-view-top",
			     "the merged view is read from the top layer "
			     "alone (upper, or the first lower)" },
	[M_OVL_DIR_LIVE] = { "ovl-dir-live",
			     "a directory read from a non-zero offset reads "
			     "it afresh, as a plain filesystem does" },
	[M_OVL_ACCESS] = { "ovl-access",
			   "access probes through and beside an overlay read "
			   "as allowed" },
	/* kernels and the Raspberry Pi (VM-only scenarios) */
};

#ifdef BOXCHECK_MUTANTS
/* BOXCHECK_MUTANT=census: nothing is mutated, every point reached is noted. */
#define CENSUS M__COUNT
static int active = -1;			/* -1: not read yet */
static volatile unsigned char *reached; /* one byte per mutant, shared */

static int read_active(void)
{
	const char *name = getenv("BOXCHECK_MUTANT");

	if (active >= 0)
		return active;
	active = M_NONE;
	if (name && strcmp(name, "census") == 0)
		active = CENSUS;
	for (int m = 1; name && m < M__COUNT; m++)
		if (strcmp(name, mutant_table[m].name) == 0)
			active = m;
	return active;
}

bool mutant_on(enum mutant m)
{
	int a = read_active();

	if (m == M_NONE || (a != (int)m && a != CENSUS))
		return false;
	if (reached)
		reached[m] = 1;
	return a == (int)m;
}

void mutant_arm(void)
{
	void *p = mmap(NULL, M__COUNT, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	reached = p == MAP_FAILED ? NULL : p;
}

int mutant_reached(char *buf, size_t len)
{
	size_t at = 0;

	if (len)
		buf[0] = '\0';
	for (int m = 1; reached && m < M__COUNT && at < len; m++)
		if (reached[m])
			at += snprintf(buf + at, len - at, "%s%s",
				       at ? " " : "", mutant_table[m].name);
	return at > 0;
}

bool mutant_env_ok(void)
{
	const char *name = getenv("BOXCHECK_MUTANT");

	return !name || !*name || read_active() != M_NONE;
}
#endif
