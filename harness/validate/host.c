// SPDX-License-Identifier: MIT
/*
 * The host as the control of `boxcheck validate`: fenced off from the
 * targets, and, where it already shows a property by itself, named as
 * unusable for that property (found here, without the agent or the judge,
 * so that a broken judge still shows as "does not discriminate"). Each
 * unusable_* function is named by a row of the property table.
 */
#include "agent.h"
#include "props.h"
#include "validate.h"
#include "../../primitives/caps.h"

#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
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
			    strncmp(val, "max", 3) && strncmp(val, "-1", 2)) {
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

int unusable_nnp(const struct profile *pr _unused_, char *why, size_t len)
{
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 0;
	snprintf(why, len, "boxcheck itself runs with no_new_privs set");
	return 1;
}

int unusable_ro_root(const struct profile *pr _unused_, char *why, size_t len)
{
	struct statvfs sv;

	if (statvfs("/", &sv) < 0 || !(sv.f_flag & ST_RDONLY))
		return 0;
	snprintf(why, len, "the host's root is mounted read-only");
	return 1;
}

int unusable_caps(const struct profile *pr, char *why, size_t len)
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

int unusable_mounts(const struct profile *pr _unused_, char *why, size_t len)
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

int unusable_pids(const struct profile *pr _unused_, char *why, size_t len)
{
	return limit_above(CG_PIDS, "pids.max", "pids.max", AGENT_FORK_MAX, why,
			   len);
}

int unusable_memory(const struct profile *pr _unused_, char *why, size_t len)
{
	return limit_above(CG_MEMORY, "memory.limit_in_bytes", "memory.max",
			   AGENT_MEM_PROBE, why, len);
}

int unusable_cpu(const struct profile *pr, char *why, size_t len)
{
	return limit_above(CG_CPU, "cpu.cfs_quota_us", "cpu.max",
			   pr->cpu_quota_us, why, len);
}

int unusable_seccomp(const struct profile *pr _unused_, char *why, size_t len)
{
	char buf[8192];
	const char *p;

	if (read_text("/proc/self/status", buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "\nSeccomp:")) || strtol(p + 9, NULL, 10) != 2)
		return 0;
	snprintf(why, len, "boxcheck itself runs under a seccomp filter");
	return 1;
}

int unusable_umask(const struct profile *pr, char *why, size_t len)
{
	mode_t m = umask(0);

	umask(m);
	if (m != pr->umask)
		return 0;
	snprintf(why, len, "boxcheck itself runs with umask %04o", m);
	return 1;
}

int unusable_oom(const struct profile *pr, char *why, size_t len)
{
	char buf[32];

	if (read_text("/proc/self/oom_score_adj", buf, sizeof(buf)) < 0 ||
	    atoi(buf) != pr->oom_score_adj)
		return 0;
	snprintf(why, len, "boxcheck itself runs with oom_score_adj %d",
		 pr->oom_score_adj);
	return 1;
}

/* "not on this host:": every target skips it. */
int unusable_lsm(const struct profile *pr, char *why, size_t len)
{
	char buf[256];

	if (read_text("/proc/self/attr/current", buf, sizeof(buf)) < 0) {
		snprintf(why, len,
			 "not on this host: no LSM active "
			 "(/proc/self/attr/current unreadable)");
		return 1;
	}
	if (!pr->lsm_label) {
		snprintf(why, len,
			 "not on this host: no label asked for "
			 "(validate --lsm-label LABEL)");
		return 1;
	}
	return 0;
}

int unusable_cgroup_v1(const struct profile *pr _unused_, char *why, size_t len)
{
	struct cg_layout l;

	if (cg_layout_detect(&l) == 0 &&
	    (l.mode == CG_MODE_V1 || l.mode == CG_MODE_HYBRID))
		return 0;
	snprintf(why, len,
		 "not on this host: no cgroup v1 hierarchy "
		 "(release_agent and v1 mounts are v1 only)");
	return 1;
}

int unusable_cgroup_own(const struct profile *pr _unused_, char *why,
			size_t len)
{
	char buf[4096], *line, *save = NULL;

	if (read_text("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = strrchr(line, ':');
		if (p && strcmp(p + 1, "/"))
			return 0;
	}
	snprintf(why, len,
		 "boxcheck itself is in the root cgroup of every "
		 "hierarchy");
	return 1;
}

int unusable_sysrq(const struct profile *pr _unused_, char *why, size_t len)
{
	if (path_exists("/proc/sysrq-trigger"))
		return 0;
	snprintf(why, len,
		 "not on this host: no /proc/sysrq-trigger (a "
		 "kernel without magic SysRq)");
	return 1;
}
