/* SPDX-License-Identifier: MIT */
/*
 * rootfs_probe.h - the observation helpers of the chroot and pivot_root
 * scenario files of the second wave (rootfs_probe.c): the errno of a
 * probed chroot() or pivot_root() (a mutation point: M_ROOTFS_CALL_OK),
 * and whether /proc/PID/root is a given directory (M_PROC_ROOT).
 */
#ifndef BOXCHECK_ROOTFS_PROBE_H
#define BOXCHECK_ROOTFS_PROBE_H

#include "scenario.h"
#include "../primitives/rootfs.h"

/* chroot(path): its errno, 0 when it worked. */
int probe_chroot(const char *path);
/* pivot_root(new_root, put_old): its errno, 0 when it worked. */
int probe_pivot(const char *new_root, const char *put_old);

/*
 * Is /proc/PID/root the directory dir? *is says; *link gets what the
 * link reads (len bytes at most). 0 or -errno.
 */
int proc_root_is(pid_t pid, const struct file_id *dir, bool *is, char *link,
		 size_t len);

#endif
