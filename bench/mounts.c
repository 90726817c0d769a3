// SPDX-License-Identifier: MIT
#include "mounts.h"
#include "../primitives/caps.h"
#include "../primitives/container.h"
#include "../primitives/overlay.h"
#include "../primitives/rootfs.h"

#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int bench_overlay_setup(const char *scratch, const char *lower, char *merged,
			size_t len)
{
	char upper[PATH_MAX], work[PATH_MAX];
	const char *lowers[] = { lower };
	struct overlay_spec s = {
		.lowers = lowers, .n_lowers = 1, .upper = upper, .work = work
	};

	/* 1. nothing we mount may propagate back to the host */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return neg_errno();
	/* 2. a tmpfs for the writable layer, gone with the namespace */
	if (mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") <
	    0)
		return neg_errno();
	/* 3. upper, work and the mount point */
	snprintf(upper, sizeof(upper), "%s/upper", scratch);
	snprintf(work, sizeof(work), "%s/work", scratch);
	snprintf(merged, len, "%s/merged", scratch);
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0755) < 0 ||
	    mkdir(merged, 0755) < 0)
		return neg_errno();
	/* 4. the overlay: rootfs below, tmpfs above */
	return overlay_mount(&s, merged);
}

int bench_pivot_root(const char *newroot)
{
	/* 1. stand in the new root */
	if (chdir(newroot) < 0)
		return neg_errno();
	/* 2. stack the old root under the new one (pivot_root(".", ".")) */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return neg_errno();
	/* 3. detach the old root, now on top of "." */
	if (umount2(".", MNT_DETACH) < 0)
		return neg_errno();
	/* 4. back to the new root's top */
	return chdir("/") < 0 ? neg_errno() : 0;
}

int bench_pseudo_fs(const char *root, const struct cg_group *cg)
{
	char p[PATH_MAX];
	int r;

	snprintf(p, sizeof(p), "%s/proc", root);
	r = rootfs_mount_proc(p);
	snprintf(p, sizeof(p), "%s/dev", root);
	if (r == 0)
		r = rootfs_mount_dev(p);
	snprintf(p, sizeof(p), "%s/sys", root);
	return r ?: container_mount_sys(p, cg);
}

int bench_lock_down(void)
{
	if (sethostname("bench", 5) < 0)
		return neg_errno();
	return caps_keep_only(caps_default, 0) ?: caps_set_no_new_privs();
}
