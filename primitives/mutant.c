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
	/* rootfs: overlay, chroot, pivot_root, minrootfs */
	/* cgroups */
};

#ifdef BOXCHECK_MUTANTS
static enum mutant active = M__COUNT; /* M__COUNT: not read yet */
static volatile int *reached;

static enum mutant read_active(void)
{
	const char *name = getenv("BOXCHECK_MUTANT");

	if (active != M__COUNT)
		return active;
	active = M_NONE;
	for (int m = 1; name && m < M__COUNT; m++)
		if (strcmp(name, mutant_table[m].name) == 0)
			active = m;
	return active;
}

bool mutant_on(enum mutant m)
{
	if (m == M_NONE || read_active() != m)
		return false;
	if (reached)
		*reached = 1;
	return true;
}

void mutant_arm(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	reached = p == MAP_FAILED ? NULL : p;
}

bool mutant_reached(void)
{
	return reached && *reached;
}

bool mutant_env_ok(void)
{
	const char *name = getenv("BOXCHECK_MUTANT");

	return !name || !*name || read_active() != M_NONE;
}

const char *mutant_active(void)
{
	enum mutant m = read_active();

	return m == M_NONE ? NULL : mutant_table[m].name;
}
#endif
