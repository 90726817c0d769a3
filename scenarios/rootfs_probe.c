// SPDX-License-Identifier: MIT
/* Observation helpers of chroot_more.c and pivot_root_errors.c. */
#include "rootfs_probe.h"
#include "../primitives/mutant.h"

#include <stdio.h>
#include <string.h>

int probe_chroot(const char *path)
{
	int err = chroot(path) < 0 ? errno : 0;

	return mutant_on(M_ROOTFS_CALL_OK) ? 0 : err;
}

int probe_pivot(const char *new_root, const char *put_old)
{
	int err = -sys_pivot_root(new_root, put_old);

	return mutant_on(M_ROOTFS_CALL_OK) ? 0 : err;
}

int proc_root_is(pid_t pid, const struct file_id *dir, bool *is, char *link,
		 size_t len)
{
	char path[64];
	struct file_id root;
	ssize_t n;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/root", pid);
	n = readlink(path, link, len - 1);
	if (n < 0)
		return neg_errno();
	link[n] = '\0';
	if ((r = file_id_of(path, &root)) < 0)
		return r;
	*is = root.dev == dir->dev && root.ino == dir->ino;
	if (mutant_on(M_PROC_ROOT))
		*is = true;
	return 0;
}
