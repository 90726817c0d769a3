/* SPDX-License-Identifier: MIT */
/*
 * cgroup2_memstat.h - the actions behind the memory.stat scenarios: what
 * a process of the observed cgroup does so that a field moves.
 */
#ifndef BOXCHECK_CGROUP2_MEMSTAT_H
#define BOXCHECK_CGROUP2_MEMSTAT_H

#include "cgctl_util.h"

#include "../primitives/net.h"

enum ms_act {
	ACT_ANON,      /* touch 4 MiB of anonymous memory */
	ACT_THREADS,   /* start MS_THREADS threads that wait */
	ACT_PGTABLES,  /* touch a page every 2 MiB of 512 MiB */
	ACT_PERCPU,    /* make memory cgroups in percpu_dir until it shows */
	ACT_SOCK,      /* fill a TCP connection over lo nobody reads */
	ACT_FILES,     /* create 2000 empty files */
	ACT_BPFMAP,    /* create a 1 MiB BPF array map */
	ACT_SHMEM,     /* write 4 MiB to a memfd */
	ACT_MAPPED,    /* map a 4 MiB memfd and touch it */
	ACT_DIRTY,     /* buffered write of 2 MiB to the loop device */
	ACT_READ,      /* buffered read of 2 MiB of it */
	ACT_REREAD,    /* the same, three times */
	ACT_MAJFAULT,  /* fault 1 MiB of it in through a mapping */
	ACT_THP,       /* touch MS_THP_RANGES MADV_HUGEPAGE 2 MiB ranges */
	ACT_SHMEM_THP, /* write 4 MiB to a tmpfs huge=always file */
	ACT_MLOCK,     /* mlock 2 MiB */
	ACT_LAZYFREE,  /* touch 4 MiB, then MADV_FREE it */
	ACT_RECLAIM,   /* the same, then memory.reclaim 4M of its cgroup */
	ACT__COUNT,
};

#define MS_THREADS 32
#define MS_PERCPU_GROUPS 32 /* a round */
#define MS_PERCPU_MAX 512
#define MS_THP_RANGES 40

/* Where the action happens: paths made by the scenario. */
struct ms_where {
	enum ms_act act;
	const char *dev;	/* the loop device */
	const char *mnt;	/* a tmpfs mounted huge=always */
	const char *percpu_dir; /* a cgroup offering memory below */
	const char *own_dir;	/* the acting process's own cgroup */
	uint64_t until;		/* ACT_PERCPU: percpu_dir's growth to stop at */
};

/*
 * cgx_act_fn: do w->act (struct ms_where *). How many things it made
 * (threads, cgroups; 0 where it does not count them), or -errno.
 */
int ms_act(void *where, int cmd);

#endif
