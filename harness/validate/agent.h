/* SPDX-License-Identifier: MIT */
/*
 * agent.h - `boxcheck inspect`: facts seen from inside a container, as JSON
 * (json_t *). The agent only reports; harness/profile.c judges.
 *
 * Every fact is its value, null when there is nothing to see (no such
 * file: "not visible"), or {"error": "ENAME"} when it could not be read.
 * The judge reads an error as unknown, never as absent.
 */
#ifndef BOXCHECK_AGENT_H
#define BOXCHECK_AGENT_H

#include "../../primitives/base.h"

#include <jansson.h>

/* The fork probe stops here: the profile's limit and 16 more. */
#define AGENT_FORK_MAX 80
/*
 * The memory probe touches this much: the profile's limit and 16 MiB more
 * (first touches are slow in some VMs: ~0.1 s per 16 MiB).
 */
#define AGENT_MEM_PROBE (80ull << 20)
#define AGENT_FORMAT_VERSION 2

struct agent_opts {
	unsigned fork_max; /* 0: no fork probe */
	bool no_write;	   /* skip the write probe */
	bool no_memory;	   /* skip the memory probe */
};

json_t *agent_facts(const struct agent_opts *o);
json_t *agent_probes(const struct agent_opts *o);

/* {"error": "ENAME"} for -err. */
json_t *agent_error(int err);
const char *agent_errname(int err);

/*
 * A file of our own cgroup, for a v1 controller ("pids", "memory") or the
 * v2 hierarchy, wherever it is mounted inside (/sys/fs/cgroup,
 * /sys/fs/cgroup/unified, /sys/fs/cgroup/<ctrl>): a directory counts as
 * ours only when cgroup.procs lists this process. 0 and the chomped text,
 * -ENOENT when no mount shows it, or -errno.
 */
int agent_cg_read(const char *ctrl, const char *file, char *buf, size_t len);
/* The value as JSON: string, null (not visible) or an error. */
json_t *agent_cg_json(const char *ctrl, const char *file);
json_t *agent_cgroup(void);

/* The mounts' propagation: counts of shared and slave mounts. */
json_t *agent_mounts(void);

#endif
