// SPDX-License-Identifier: MIT
/*
 * The host as the control of `boxcheck validate`: fenced off from the
 * targets, and, where it already shows a property by itself, named as
 * unusable for that property (found here, without the agent or the judge,
 * so that a broken judge still shows as "does not discriminate").
 */
#include "agent.h"
#include "validate.h"
#include "../../primitives/caps.h"

#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>

int validate_fence(const struct profile *pr)
{
	char host[256] = "", other[300];

	if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET) <
		    0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) < 0)
		return neg_errno();
	/* The control never shows the asked hostname: not by construction. */
	if (gethostname(host, sizeof(host) - 1) < 0)
		return neg_errno();
	if (strcmp(host, pr->hostname) == 0) {
		snprintf(other, sizeof(other), "%.200s-control", pr->hostname);
		if (sethostname(other, strlen(other)) < 0)
			return neg_errno();
	}
	return 0;
}

/*
 * A limit on our own cgroup or one above it, at most max: the file's
 * value and the directory, read along the hierarchy with ctrl (v1) and
 * the v2 one. 0 when none, 1 when found.
 */
static int limit_above(enum cg_ctrl ctrl, const char *v1file,
		       const char *v2file, unsigned long long max, char *why,
		       size_t len)
{
	struct cg_layout l;

	if (cg_layout_detect(&l) < 0)
		return 0;
	for (int i = 0; i < l.n; i++) {
		bool v2 = l.hier[i].version == 2;
		char dir[PATH_MAX], path[PATH_MAX + 64], val[64];
		size_t mnt = strlen(l.hier[i].mount);
		if (!v2 && !(l.hier[i].ctrls & CG_BIT(ctrl)))
			continue;
		if (cg_own_dir(&l, i, dir, sizeof(dir)) < 0)
			continue;
		while (strlen(dir) >= mnt) {
			char *slash;
			snprintf(path, sizeof(path), "%s/%s", dir,
				 v2 ? v2file : v1file);
			if (read_text(path, val, sizeof(val)) > 0 &&
			    strtoull(val, NULL, 10) <= max &&
			    strncmp(val, "max", 3)) {
				snprintf(why, len, "%s is %s", path,
					 chomp(val));
				return 1;
			}
			if (!(slash = strrchr(dir, '/')) || slash == dir)
				break;
			*slash = '\0';
		}
	}
	return 0;
}

static int nnp_set(char *why, size_t len)
{
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 0;
	snprintf(why, len, "boxcheck itself runs with no_new_privs set");
	return 1;
}

static int root_ro(char *why, size_t len)
{
	struct statvfs sv;

	if (statvfs("/", &sv) < 0 || !(sv.f_flag & ST_RDONLY))
		return 0;
	snprintf(why, len, "the host's root is mounted read-only");
	return 1;
}

static int caps_within(const struct profile *pr, char *why, size_t len)
{
	struct cap_sets c;

	if (caps_read_self(&c) < 0 || (c.bounding & ~pr->caps) ||
	    (c.inheritable | c.ambient))
		return 0;
	snprintf(why, len,
		 "boxcheck itself runs with bounding set 0x%llx, within "
		 "the asked set",
		 (unsigned long long)c.bounding);
	return 1;
}

static int mounts_private(char *why, size_t len)
{
	json_t *m = agent_mounts();
	int shared = json_integer_value(json_object_get(m, "shared")),
	    slave = json_integer_value(json_object_get(m, "slave"));
	int r = json_is_integer(json_object_get(m, "shared")) && !shared &&
		!slave;

	json_decref(m);
	if (r)
		snprintf(why, len,
			 "no mount here is shared or a slave (not "
			 "root: no fence of our own to make one)");
	return r;
}

int validate_host_unusable(enum prop p, const struct profile *pr, char *why,
			   size_t len)
{
	switch (p) {
	case P_NNP:
		return nnp_set(why, len);
	case P_RO_ROOT:
		return root_ro(why, len);
	case P_CAPS:
		return caps_within(pr, why, len);
	case P_MOUNTS_PRIVATE:
		return mounts_private(why, len);
	case P_PIDS:
		return limit_above(CG_PIDS, "pids.max", "pids.max",
				   AGENT_FORK_MAX, why, len);
	case P_MEMORY:
		return limit_above(CG_MEMORY, "memory.limit_in_bytes",
				   "memory.max", AGENT_MEM_PROBE, why, len);
	default:
		return 0;
	}
}
