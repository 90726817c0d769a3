/* SPDX-License-Identifier: MIT */
/*
 * external.h - the external comparison: the same static program from the
 * same rootfs, started by /bin/true's exec path, util-linux unshare, bwrap,
 * runc, crun, systemd-nspawn, lxc-execute, podman and docker (the client of
 * a private dockerd), each timed by hyperfine. Configs and state live in a
 * temp dir of ours.
 */
#ifndef BOXCHECK_EXTERNAL_H
#define BOXCHECK_EXTERNAL_H

#include "bench.h"

struct cg_layout;

struct ext_ctx {
	const char *rootfs;  /* fixture */
	const char *dir;     /* our temp dir for configs and state */
	const char *cg_name; /* our bench cgroup's name, below our own */
	/* One absolute cgroup path below our own on every hierarchy, or NULL */
	const char *cg_abs;
	/*
	 * The v1 view for runtimes marked v1_view: the cgroup2 mount to detach
	 * in their private mount namespace (cg_hybrid_v2_mount), or NULL.
	 */
	const char *hide_v2;
	const struct cg_layout
		*cgl; /* our layout (a daemon's cgroup), or NULL */
	unsigned runs, warmup;
	void *state; /* the row's setup's (ext_runtime.setup), for prepare */
};

/* How a row run with the v1 view is labelled. */
#define EXT_V1_VIEW "v1 view: cgroup2 hidden in a private mount ns"

struct ext_runtime {
	const char *name;   /* variant name and --compare word */
	const char *binary; /* what must be installed */
	/* Write configs under dir, build the command. 0 or -errno. */
	int (*prepare)(const struct ext_ctx *c, const char *dir, char *cmd,
		       size_t len);
	const char *isolation; /* what it isolates, where it differs */
	/* Resolves a relative cgroup path from the hierarchy's root (crun):
	 * runs only with ext_ctx.cg_abs, a path below ours. */
	bool absolute_cgroup;
	/* Refuses a hybrid host (crun 1.8): run with ext_ctx.hide_v2. */
	bool v1_view;
	/*
	 * Optional: what the row's runs share, made once before prepare (a
	 * daemon started, an image imported) into *state, which prepare sees
	 * as ext_ctx.state. 0, or -errno with why: the row fails with it.
	 * teardown(state) follows every setup that set *state, after hyperfine.
	 */
	int (*setup)(const struct ext_ctx *c, const char *dir, void **state,
		     char *why, size_t len);
	void (*teardown)(void *state);
};
extern const struct ext_runtime ext_table[];

const struct ext_runtime *ext_by_name(const char *name);
bool ext_installed(const struct ext_runtime *e);
/* Time one runtime into a new variant of r (skipped/failed say why). */
int ext_run(const struct ext_ctx *c, const struct ext_runtime *e,
	    struct bench_result *r);

#endif
