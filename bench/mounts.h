/* SPDX-License-Identifier: MIT */
/*
 * mounts.h - the ladder's root filesystem and lock-down steps, run by the
 * child in its own namespaces: the kernel calls the reference container
 * makes, without its spec, step table and error channel, so the container
 * row minus the last of these rows is what composing them costs.
 */
#ifndef BOXCHECK_BENCH_MOUNTS_H
#define BOXCHECK_BENCH_MOUNTS_H

#include "../primitives/base.h"
#include "../primitives/cgroup.h"

/*
 * In a private mount namespace: make / rprivate, mount a tmpfs on scratch
 * for upper and work dirs and mount an overlay of lower at scratch/merged.
 * merged gets that path. 0 or -errno.
 */
int bench_overlay_setup(const char *scratch, const char *lower, char *merged,
			size_t len);
/* pivot_root into newroot (a mount point) and detach the old root. */
int bench_pivot_root(const char *newroot);
/*
 * Before pivot_root, below root: /proc (new pid namespace), /dev (a tmpfs
 * of bound host nodes) and a read-only /sys with cg below it, as the
 * reference container mounts them.
 */
int bench_pseudo_fs(const char *root, const struct cg_group *cg);
/* Hostname "bench", the default capability sets, no_new_privs. */
int bench_lock_down(void);

#endif
