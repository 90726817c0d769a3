/* SPDX-License-Identifier: MIT */
/* host.h - facts about the running host, probed once per run. */
#ifndef BOXCHECK_HOST_H
#define BOXCHECK_HOST_H

#include "../scenarios/scenario.h"

struct host {
	bool root;		 /* euid 0 */
	unsigned long long caps; /* effective capabilities */
	unsigned ns;		 /* namespace types the kernel has */
	struct cg_layout cg;
	bool cg_ok;		 /* layout detected */
	unsigned cg_cmdline_off; /* CG_BIT: cgroup_disable= on /proc/cmdline */
	unsigned features;	 /* FEAT_BIT mask */
	char filesystems[2048];	 /* from /proc/filesystems, space separated */
};

int host_probe(struct host *h);
bool host_has_fs(const struct host *h, const char *fs);
bool host_has_cmd(const char *cmd);
/* Each feature probe returns true when the kernel has it. */
bool feature_probe(enum feature f);

/*
 * Check a scenario's requirements against the host. true if met; otherwise
 * why names the first missing thing ("needs root", "kernel has no clone3()").
 */
bool req_met(const struct requirements *r, const struct host *h, char *why,
	     size_t len);

/* "root, ns:pid, cgroup:pids, fs:overlay" or "none". */
void req_describe(const struct requirements *r, char *buf, size_t len);

/* Facts for `boxcheck probe` and run metadata: a JSON object (json_t *). */
void *host_facts_json(const struct host *h);

#endif
