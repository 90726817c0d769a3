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
	/* rootfs: overlay, chroot, pivot_root, minrootfs */
	/* cgroups */
	[M_CG_FORK_EAGAIN] = { "cg-fork-eagain",
			       "the cgroup fork probe fails with EAGAIN at "
			       "once" },
	[M_CG_FROZEN] = { "cg-frozen", "the freezer state reads frozen" },
	[M_CG_COUNTERS_HIT] = { "cg-counters-hit",
				"cgroup event counters (pids.events max, "
				"memory oom_kill, cpu nr_throttled) read as "
				"hit" },
	[M_CG_EMPTY] = { "cg-empty",
			 "a cgroup reads empty (no process counted, "
			 "populated 0)" },
	[M_CG_LISTED] = { "cg-listed",
			  "cgroup.procs lists every pid asked about" },
	[M_CG_STATS_PARENT] = { "cg-stats-parent",
				"usage statistics (memory usage, cpu time) "
				"are read from the parent cgroup" },
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
