/* SPDX-License-Identifier: MIT */
/*
 * external.h - the external comparison: the same static program from the
 * same rootfs, started by /bin/true's exec path, util-linux unshare, bwrap,
 * runc, crun, systemd-nspawn, lxc-execute and podman, each timed by
 * hyperfine. Configs and state live in a temp dir of ours.
 */
#ifndef BOXCHECK_EXTERNAL_H
#define BOXCHECK_EXTERNAL_H

#include "bench.h"

struct ext_ctx {
	const char *rootfs;  /* fixture */
	const char *dir;     /* our temp dir for configs and state */
	const char *cg_name; /* our bench cgroup's name, below our own */
	/* One absolute cgroup path below our own on every hierarchy, or NULL */
	const char *cg_abs;
	unsigned runs, warmup;
};

struct ext_runtime {
	const char *name;   /* variant name and --compare word */
	const char *binary; /* what must be installed */
	/* Write configs under dir, build the command. 0 or -errno. */
	int (*prepare)(const struct ext_ctx *c, const char *dir, char *cmd,
		       size_t len);
	const char *isolation; /* what it isolates, where it differs */
};
extern const struct ext_runtime ext_table[];

const struct ext_runtime *ext_by_name(const char *name);
bool ext_installed(const struct ext_runtime *e);
/* Time one runtime into a new variant of r (skipped/failed say why). */
int ext_run(const struct ext_ctx *c, const struct ext_runtime *e,
	    struct bench_result *r);

#endif
