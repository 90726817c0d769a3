/* SPDX-License-Identifier: MIT */
/*
 * mounts.h - the ladder's overlay and pivot_root steps, run by the child in
 * its own mount namespace. Small on purpose: the lead swaps them for the
 * rootfs primitives (primitives/rootfs.c) when those land.
 */
#ifndef BOXCHECK_BENCH_MOUNTS_H
#define BOXCHECK_BENCH_MOUNTS_H

#include "../primitives/base.h"

/*
 * In a private mount namespace: make / rprivate, mount a tmpfs on scratch
 * for upper and work dirs and mount an overlay of lower at scratch/merged.
 * merged gets that path. 0 or -errno.
 */
int bench_overlay_setup(const char *scratch, const char *lower, char *merged,
			size_t len);
/* pivot_root into newroot (a mount point) and detach the old root. */
int bench_pivot_root(const char *newroot);

#endif
