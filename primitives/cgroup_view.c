// SPDX-License-Identifier: MIT
/*
 * The v1 view of a hybrid host: its cgroup2 mount detached in a private
 * mount namespace, for tools that refuse a hybrid layout (crun 1.8: "cgroups
 * in hybrid mode not supported, drop all controllers from cgroupv2").
 */
#include "cgroup.h"
#include "rootfs.h"

#include <sys/mount.h>
#include <sys/statfs.h>
#include <linux/magic.h>

const char *cg_hybrid_v2_mount(const struct cg_layout *l)
{
	char path[PATH_MAX + 32], buf[512];
	bool v1 = false;
	int v2 = -1;

	for (int i = 0; i < l->n; i++) {
		if (l->hier[i].version == 1 && l->hier[i].ctrls)
			v1 = true;
		else if (l->hier[i].version == 2 && v2 < 0)
			v2 = i;
	}
	if (!v1 || v2 < 0)
		return NULL;
	/* What crun reads: the controllers of the hierarchy's root. */
	snprintf(path, sizeof(path), "%s/cgroup.controllers",
		 l->hier[v2].mount);
	if (read_text(path, buf, sizeof(buf)) <= 0 || !chomp(buf)[0])
		return NULL;
	return l->hier[v2].mount;
}

int cg_detach_v2(const char *mount)
{
	struct statfs sf;
	int r = rootfs_private_mntns();

	if (r < 0)
		return r;
	if (statfs(mount, &sf) < 0)
		return neg_errno();
	if (sf.f_type != CGROUP2_SUPER_MAGIC)
		return -EMEDIUMTYPE;
	/* lazily: nothing of ours is open below it, and nobody else sees it */
	return umount2(mount, MNT_DETACH) < 0 ? neg_errno() : 0;
}
