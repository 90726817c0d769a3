// SPDX-License-Identifier: MIT
/*
 * Host probe: every fact is probed, never inferred from the kernel version.
 * A syscall exists when it answers anything but ENOSYS to a harmless call.
 */
#include "host.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

struct clone3_args {
	unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal,
		stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

static bool answers(long r)
{
	return r >= 0 || errno != ENOSYS;
}

static bool probe_clone3(void)
{
	/* A NULL argument block: EFAULT when clone3 exists. */
	return answers(syscall(SYS_clone3, NULL, 0));
}

static bool probe_clone_into_cgroup(void)
{
	/* Known flag + a descriptor that cannot be open: EBADF, no child. */
	struct clone3_args a = { .flags = CLONE_INTO_CGROUP,
				 .exit_signal = SIGCHLD,
				 .cgroup = 0x7ffffff0 };
	long r = syscall(SYS_clone3, &a, sizeof(a));

	if (r == 0)
		_exit(0); /* cannot happen; never run the caller twice */
	if (r > 0)
		waitpid(r, NULL, 0);
	return r > 0 || errno == EBADF;
}

static bool probe_pidfd_open(void)
{
	long fd = syscall(SYS_pidfd_open, getpid(), 0);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

/* setns() by pidfd: joining our own UTS namespace is a no-op. */
static bool probe_pidfd_setns(void)
{
	_cleanup_close_ int fd = syscall(SYS_pidfd_open, getpid(), 0);

	if (fd < 0)
		return false;
	return setns(fd, CLONE_NEWUTS) == 0 || errno == EPERM;
}

static bool probe_fsopen(void)
{
	long fd = syscall(SYS_fsopen, "tmpfs", 1 /* FSOPEN_CLOEXEC */);

	if (fd >= 0)
		close(fd);
	return answers(fd);
}

static bool probe_mount_setattr(void)
{
	return answers(syscall(SYS_mount_setattr, -1, "", 0, NULL, 0));
}

/*
 * No child cgroup to look at: make an empty one of our own below our own
 * cgroup, look, and remove it. Not root, or not allowed: false.
 */
static bool probe_in_scratch_child(const char *own)
{
	char dir[PATH_MAX + 64], path[PATH_MAX + 96];
	bool has;

	snprintf(dir, sizeof(dir), "%s/boxcheck-probe-%d", own, getpid());
	if (mkdir(dir, 0755) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	has = path_exists(path);
	rmdir(dir);
	return has;
}

static bool probe_cgroup_kill(void)
{
	struct cg_layout l;
	char dir[PATH_MAX], path[PATH_MAX + 32];
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;

	if (cg_layout_detect(&l) < 0 || l.unified < 0 ||
	    cg_own_dir(&l, l.unified, dir, sizeof(dir)) < 0)
		return false;
	/* The root cgroup has no cgroup.kill; any non-root one does. */
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (path_exists(path))
		return true;
	d = opendir(l.hier[l.unified].mount);
	while (d && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/cgroup.kill",
			 l.hier[l.unified].mount, e->d_name);
		if (path_exists(path))
			return true;
	}
	return probe_in_scratch_child(dir);
}

static bool probe_seccomp(void)
{
	/* Filter mode with a NULL program: EFAULT when filters exist. */
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, NULL, 0, 0) < 0 &&
	       errno == EFAULT;
}

static bool probe_userns(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0);
	if (pid < 0 || wait_status(pid, &st) < 0)
		return false;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static bool probe_pmu(void)
{
	struct perf_event_attr a = { .type = PERF_TYPE_HARDWARE,
				     .size = sizeof(a),
				     .config = PERF_COUNT_HW_CPU_CYCLES,
				     .disabled = 1,
				     .exclude_kernel = 1,
				     .exclude_hv = 1 };
	long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);

	if (fd >= 0)
		close(fd);
	return fd >= 0;
}

static bool probe_kvm(void)
{
	return access("/dev/kvm", R_OK | W_OK) == 0;
}

static bool (*const probes[FEAT__COUNT])(void) = {
	[FEAT_CLONE3] = probe_clone3,
	[FEAT_CLONE_INTO_CGROUP] = probe_clone_into_cgroup,
	[FEAT_PIDFD_OPEN] = probe_pidfd_open,
	[FEAT_PIDFD_SETNS] = probe_pidfd_setns,
	[FEAT_FSOPEN] = probe_fsopen,
	[FEAT_MOUNT_SETATTR] = probe_mount_setattr,
	[FEAT_CGROUP_KILL] = probe_cgroup_kill,
	[FEAT_SECCOMP] = probe_seccomp,
	[FEAT_USERNS] = probe_userns,
	[FEAT_PMU] = probe_pmu,
	[FEAT_KVM] = probe_kvm,
};

bool feature_probe(enum feature f)
{
	return probes[f]();
}

static unsigned long long effective_caps(void)
{
	char buf[4096], *p;

	if (read_text("/proc/self/status", buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "CapEff:");
	return p ? strtoull(p + 7, NULL, 16) : 0;
}

static void read_filesystems(struct host *h)
{
	char buf[4096], *line, *save = NULL;
	size_t at = 0;

	h->filesystems[0] = '\0';
	if (read_text("/proc/filesystems", buf, sizeof(buf)) < 0)
		return;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *name = strrchr(line, '\t');
		name = name ? name + 1 : line;
		at += snprintf(h->filesystems + at, sizeof(h->filesystems) - at,
			       " %s", name);
		if (at >= sizeof(h->filesystems))
			break;
	}
}

/* Listed, or built as a module the kernel can load on first mount. */
bool host_has_fs(const struct host *h, const char *fs)
{
	char word[64], path[512], dep[1 << 16];
	struct utsname u;

	snprintf(word, sizeof(word), " %s", fs);
	for (const char *p = h->filesystems; (p = strstr(p, word)); p++)
		if (p[strlen(word)] == '\0' || p[strlen(word)] == ' ')
			return true;
	if (uname(&u) < 0)
		return false;
	snprintf(path, sizeof(path), "/lib/modules/%s/modules.dep", u.release);
	snprintf(word, sizeof(word), "/%s.ko", fs);
	/* modules.dep is large; a window of it is read line by line. */
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	while (f && fgets(dep, sizeof(dep), f))
		if (strstr(dep, word))
			return true;
	return false;
}

bool host_has_cmd(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0;
	if (!path)
		path = "/usr/sbin:/usr/bin:/sbin:/bin";
	for (const char *p = path; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, cmd);
		if (n && access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* The controllers named in a "a,b,c" list of cgroup_disable=/_enable=. */
static unsigned cg_bits_of(const char *list)
{
	unsigned bits = 0;
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save))
		for (int c = 0; c < CG__COUNT; c++) {
			const struct cg_ctrl_info *ci = &cg_ctrl_table[c];
			if ((ci->v2_name && !strcmp(t, ci->v2_name)) ||
			    (ci->v1_name && !strcmp(t, ci->v1_name)))
				bits |= CG_BIT(c);
		}
	return bits;
}

/*
 * Controllers the kernel command line turns off: cgroup_disable=memory
 * (what Raspberry Pi OS boots with); a later cgroup_enable= (the Pi
 * kernel's own switch) turns them back on, as the later token wins there.
 */
static unsigned cmdline_cg_off(void)
{
	char line[4096], *save = NULL;
	unsigned off = 0;

	if (read_text("/proc/cmdline", line, sizeof(line)) < 0)
		return 0;
	for (char *t = strtok_r(line, " \t\n", &save); t;
	     t = strtok_r(NULL, " \t\n", &save)) {
		if (!strncmp(t, "cgroup_disable=", 15))
			off |= cg_bits_of(t + 15);
		else if (!strncmp(t, "cgroup_enable=", 14))
			off &= ~cg_bits_of(t + 14);
	}
	return off;
}

int host_probe(struct host *h)
{
	memset(h, 0, sizeof(*h));
	h->root = geteuid() == 0;
	h->caps = effective_caps();
	h->ns = ns_available();
	h->cg_ok = cg_layout_detect(&h->cg) == 0;
	h->cg_cmdline_off = cmdline_cg_off();
	for (int f = 0; f < FEAT__COUNT; f++)
		if (probes[f]())
			h->features |= FEAT_BIT(f);
	read_filesystems(h);
	return 0;
}
