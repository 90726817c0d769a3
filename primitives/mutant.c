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
