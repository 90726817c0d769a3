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
			  "ns_differ() says every namespace type differs" },
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
			     "namespace levels as were asked for" },
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
