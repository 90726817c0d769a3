/* SPDX-License-Identifier: MIT */
/*
 * mutant.h - built-in mutants: deliberately broken builds that prove every
 * check can fail (make check-mutants).
 *
 * A build with -DBOXCHECK_MUTANTS (build/mutant/boxcheck) reads
 * BOXCHECK_MUTANT=NAME once; mutant_on(M_X) is then true for that one
 * mutant, and records that the mutation was reached in a page shared with
 * every process forked after mutant_arm(), so a worker learns whether its
 * scenario (or a child of it) went through the broken code. In a normal
 * build mutant_on() is the constant false and the code around it vanishes.
 */
#ifndef BOXCHECK_MUTANT_H
#define BOXCHECK_MUTANT_H

#include <stdbool.h>

enum mutant {
	M_NONE,
	M_NO_ISOLATE, /* runner: the isolated run is run as a control */
	/* namespaces: ns_*, pidns, cgroupns, timens, mntns, mounts */
	M_NS_DIFFER, /* ns_differ(): every type asked about differs */
	/* namespaces: user, uts, ipc, net */
	/* rootfs: overlay, chroot, pivot_root, minrootfs */
	/* cgroups */
	M_CG_FORK_EAGAIN, /* the fork probe fails with EAGAIN at once */
	M_CG_FROZEN,	  /* the freezer state reads frozen */
	M_CG_COUNTERS_HIT, /* pids.events max, oom_kill, nr_throttled read >= 1 */
	M_CG_EMPTY,	   /* a cgroup reads empty: no process, populated 0 */
	M_CG_LISTED,	   /* cgroup.procs lists every pid asked about */
	M_CG_STATS_PARENT, /* usage statistics read from the parent cgroup */
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
/* A fresh "reached" flag for this process and the ones it forks. */
void mutant_arm(void);
/* Was the active mutant reached since mutant_arm()? */
bool mutant_reached(void);
/* The active mutant's name, or NULL. */
const char *mutant_active(void);
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
static inline bool mutant_reached(void)
{
	return false;
}
static inline const char *mutant_active(void)
{
	return (const char *)0;
}
static inline bool mutant_env_ok(void)
{
	return true;
}
#endif

#endif
