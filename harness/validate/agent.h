/* SPDX-License-Identifier: MIT */
/*
 * agent.h - `boxcheck inspect`: facts seen from inside a container, as JSON
 * (json_t *). The agent only reports; props.c's predicates judge.
 *
 * Every fact is its value, null when there is nothing to see (no such
 * file: "not visible"), or {"error": "ENAME"} when it could not be read.
 * The judge reads an error as unknown, never as absent.
 *
 * Each active probe says whether it could have a side effect (agent_probe
 * table in agent_probe.c): --no-side-effects runs only those that cannot,
 * or only their side-effect-free way (a private mount namespace of a
 * forked child), and reports {"skipped": "side effect"} for the rest.
 * Probes are non-destructive: open for write and close without writing,
 * read-only opens, invalid-argument system calls, forked children.
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
/* The cpu probe: children spinning, for at most this long (ms). */
#define AGENT_CPU_KIDS 8
#define AGENT_CPU_MS 500
#define AGENT_FORMAT_VERSION 3
/* The first line of a lifecycle agent, printed as it starts. */
#define AGENT_STARTED "boxcheck-started"
/* Where the launcher's later mount shows (lifecycle): a file in it. */
#define AGENT_PROP_DIR "/tmp"
#define AGENT_PROP_MARK ".boxcheck-prop"
/* The root's marker, holding the run's token. */
#define AGENT_ROOT_MARK "/.boxcheck-root"

struct agent_opts {
	unsigned fork_max;    /* 0: no fork probe */
	bool no_write;	      /* skip the write probe */
	bool no_memory;	      /* skip the memory probe */
	bool no_cpu;	      /* skip the cpu probe */
	bool no_side_effects; /* only probes that cannot have one */
	bool lifecycle;	      /* print AGENT_STARTED, wait for a signal */
	unsigned wait_s;      /* lifecycle: how long to wait for it */
	int argc;
	char **argv; /* the agent's own, for "argv" */
};

json_t *agent_facts(const struct agent_opts *o);
/* The lifecycle agent: 0 after printing its facts, or -errno. */
int agent_lifecycle(struct agent_opts *o);

/* The parts (agent.c, agent_fs.c, agent_cg.c, agent_probe.c, ...). */
void agent_process(json_t *f, const struct agent_opts *o);
void agent_fs(json_t *f);
json_t *agent_cgroup(void);
json_t *agent_probes(const struct agent_opts *o);
json_t *agent_syscalls(void);
/* The attacker's view (agent_attack.c). */
typedef json_t *agent_probe_fn(const struct agent_opts *o);
agent_probe_fn probe_sysrq, probe_core_pattern, probe_devices, probe_mknod,
	probe_release_agent, probe_cgroup_mount, probe_keyring, probe_procs,
	probe_engine_sockets;

/* {"error": "ENAME"} for -err; {"skipped": why}. */
json_t *agent_error(int err);
json_t *agent_skipped(const char *why);
const char *agent_errname(int err);
/* "ok" for r >= 0, else the errno name of -r (or of errno when r == -1). */
json_t *agent_result(long r);

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

/* The mounts' propagation: counts of shared and slave mounts. */
json_t *agent_mounts(void);

/*
 * In a forked child: fn(arg) with its report of len bytes sent back; 0
 * and the report, or -errno (the child failed or died).
 */
int agent_in_child(int (*fn)(void *arg, void *report), void *arg, void *report,
		   size_t len);

#endif
