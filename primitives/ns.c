// SPDX-License-Identifier: MIT
#include "ns.h"
#include "mutant.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

const struct ns_info ns_table[NS__COUNT] = {
	[NS_CGROUP] = { .name = "cgroup",
			.flag = CLONE_NEWCGROUP,
			.nstype = CLONE_NEWCGROUP },
	[NS_IPC] = { .name = "ipc",
		     .flag = CLONE_NEWIPC,
		     .nstype = CLONE_NEWIPC },
	[NS_MNT] = { .name = "mnt",
		     .flag = CLONE_NEWNS,
		     .nstype = CLONE_NEWNS },
	[NS_NET] = { .name = "net",
		     .flag = CLONE_NEWNET,
		     .nstype = CLONE_NEWNET },
	[NS_PID] = { .name = "pid",
		     .flag = CLONE_NEWPID,
		     .nstype = CLONE_NEWPID,
		     .children_only = true,
		     .for_children = "pid_for_children" },
	[NS_TIME] = { .name = "time",
		      .flag = CLONE_NEWTIME,
		      .nstype = CLONE_NEWTIME,
		      .no_clone = true,
		      .children_only = true,
		      .for_children = "time_for_children" },
	[NS_USER] = { .name = "user",
		      .flag = CLONE_NEWUSER,
		      .nstype = CLONE_NEWUSER },
	[NS_UTS] = { .name = "uts",
		     .flag = CLONE_NEWUTS,
		     .nstype = CLONE_NEWUTS },
};

const char *const ns_via_names[NS_VIA__COUNT] = {
	[NS_VIA_CLONE] = "clone",
	[NS_VIA_CLONE3] = "clone3",
	[NS_VIA_UNSHARE] = "unshare",
};

int ns_type_by_name(const char *name)
{
	for (int t = 0; t < NS__COUNT; t++)
		if (strcmp(ns_table[t].name, name) == 0)
			return t;
	return -EINVAL;
}

int ns_type_by_flag(unsigned long flag)
{
	for (int t = 0; t < NS__COUNT; t++)
		if (ns_table[t].flag == flag)
			return t;
	return -EINVAL;
}

unsigned long ns_flags(unsigned mask)
{
	unsigned long flags = 0;

	for (int t = 0; t < NS__COUNT; t++)
		if (mask & NS_BIT(t))
			flags |= ns_table[t].flag;
	return flags;
}

unsigned ns_mask_of_flags(unsigned long flags)
{
	unsigned mask = 0;

	for (int t = 0; t < NS__COUNT; t++)
		if (flags & ns_table[t].flag)
			mask |= NS_BIT(t);
	return mask;
}

/* Comma-separated names, or "all". */
int ns_parse_list(const char *list, unsigned *mask)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int t = strcmp(tok, "all") == 0 ? -1 : ns_type_by_name(tok);
		if (t == -1) {
			*mask |= NS_ALL;
			continue;
		}
		if (t < 0)
			return -EINVAL;
		*mask |= NS_BIT(t);
	}
	return 0;
}

int ns_format_list(unsigned mask, char *buf, size_t len)
{
	size_t at = 0;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (int t = 0; t < NS__COUNT; t++) {
		int n;
		if (!(mask & NS_BIT(t)))
			continue;
		n = snprintf(buf + at, len - at, "%s%s", at ? "," : "",
			     ns_table[t].name);
		if (n < 0 || (size_t)n >= len - at)
			return -ENOSPC;
		at += n;
	}
	return at;
}

int ns_id_of_path(const char *path, struct ns_id *id)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return neg_errno();
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

int ns_id_of_fd(int fd, struct ns_id *id)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return neg_errno();
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

static void ns_path(pid_t pid, const char *file, char *buf, size_t len)
{
	if (pid > 0)
		snprintf(buf, len, "/proc/%d/ns/%s", pid, file);
	else
		snprintf(buf, len, "/proc/self/ns/%s", file);
}

int ns_id_of(pid_t pid, enum ns_type t, struct ns_id *id)
{
	char path[64];

	ns_path(pid, ns_table[t].name, path, sizeof(path));
	return ns_id_of_path(path, id);
}

bool ns_id_equal(const struct ns_id *a, const struct ns_id *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* The type named name in ns_table, or -1 ("pid_for_children" is none). */
static int ns_by_name(const char *name)
{
	for (int t = 0; t < NS__COUNT; t++)
		if (strcmp(ns_table[t].name, name) == 0)
			return t;
	return -1;
}

/*
 * The entries of /proc/self/ns, read in one getdents64 (open, read, close:
 * 3 system calls where a stat per type took 8; `boxcheck exec` asks this
 * at every start). A buffer the kernel left room in holds them all.
 */
unsigned ns_available(void)
{
	char buf[4096] __attribute__((aligned(8)));
	unsigned mask = 0;
	long n;
	int fd = open("/proc/self/ns", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	do {
		n = syscall(SYS_getdents64, fd, buf, sizeof(buf));
		for (long at = 0; at < n;) {
			const struct dirent64 *d = (void *)(buf + at);
			int t = ns_by_name(d->d_name);
			if (t >= 0)
				mask |= NS_BIT(t);
			at += d->d_reclen;
		}
	} while (n > (long)sizeof(buf) - 512);
	close(fd);
	return mask;
}

int ns_differ(pid_t a, pid_t b, unsigned types, unsigned *differ)
{
	if (mutant_on(M_NS_DIFFER)) {
		*differ = types;
		return 0;
	}
	*differ = 0;
	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id ia, ib;
		int r;
		if (!(types & NS_BIT(t)))
			continue;
		r = ns_id_of(a, t, &ia);
		if (r == 0)
			r = ns_id_of(b, t, &ib);
		if (r < 0)
			return r;
		if (!ns_id_equal(&ia, &ib))
			*differ |= NS_BIT(t);
	}
	return 0;
}

int ns_differ_ids(pid_t pid, const struct ns_id ids[NS__COUNT], unsigned types,
		  unsigned *differ)
{
	*differ = 0;
	if (mutant_on(M_NS_DIFFER)) {
		*differ = types;
		return 0;
	}
	if (mutant_on(M_NS_SAME))
		return 0;
	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id mine;
		int r;
		if (!(types & NS_BIT(t)))
			continue;
		if ((r = ns_id_of(pid, t, &mine)) < 0)
			return r;
		if (!ns_id_equal(&mine, &ids[t]))
			*differ |= NS_BIT(t);
	}
	return 0;
}

/* ---- creation ------------------------------------------------------ */

/* The clone3 argument block, version 0 fields plus set_tid and cgroup. */
struct ns_clone_args {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
		stack_size, tls, set_tid, set_tid_size, cgroup;
};

pid_t ns_clone3(unsigned long flags, int *pidfd)
{
	struct ns_clone_args a = { .flags = flags, .exit_signal = SIGCHLD };
	int fd = -1;
	long pid;

#ifndef SYS_clone3
	return -ENOSYS;
#else
	if (pidfd) {
		a.flags |= CLONE_PIDFD;
		a.pidfd = (uintptr_t)&fd;
	}
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid < 0)
		return neg_errno();
	if (pid > 0 && pidfd)
		*pidfd = fd;
	return pid;
#endif
}

/*
 * The raw clone syscall with a NULL stack behaves like fork(): the child runs
 * on a copy of the caller's stack. The argument order differs between
 * architectures only after the stack argument, and those are all zero here.
 */
static pid_t ns_clone(unsigned long flags)
{
	long pid;

	if (flags & CLONE_NEWTIME)
		return -EINVAL;
	pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return neg_errno();
	return pid;
}

pid_t ns_fork(unsigned long flags)
{
	if (flags & CLONE_NEWTIME) {
		pid_t pid = ns_clone3(flags, NULL);
		return pid == -ENOSYS ? -EINVAL : pid;
	}
	return ns_clone(flags);
}

static pid_t ns_unshare_fork(unsigned long flags)
{
	pid_t pid;

	if (unshare(flags) < 0)
		return neg_errno();
	pid = fork();
	return pid < 0 ? neg_errno() : pid;
}

pid_t ns_spawn(enum ns_via via, unsigned long flags)
{
	switch (via) {
	case NS_VIA_CLONE:
		return ns_clone(flags);
	case NS_VIA_CLONE3:
		return ns_clone3(flags, NULL);
	case NS_VIA_UNSHARE:
		return ns_unshare_fork(flags);
	case NS_VIA__COUNT:
		break;
	}
	return -EINVAL;
}

pid_t ns_fork_best(unsigned long flags)
{
	pid_t pid = ns_clone3(flags, NULL);

	return pid == -ENOSYS ? ns_clone(flags) : pid;
}

/* ---- joining and identity ------------------------------------------ */

int ns_open(pid_t pid, enum ns_type t)
{
	char path[64];
	int fd;

	ns_path(pid, ns_table[t].name, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? neg_errno() : fd;
}

int ns_setns(int fd, int t)
{
	if (setns(fd, t < 0 ? 0 : (int)ns_table[t].flag) < 0)
		return neg_errno();
	return 0;
}

int ns_join(pid_t pid, unsigned mask)
{
	int fds[NS__COUNT];
	int r = 0;

	/* 1. Open every file first: joining a pid or mnt ns changes /proc. */
	for (int t = 0; t < NS__COUNT; t++) {
		fds[t] = -1;
		if ((mask & NS_BIT(t)) && r == 0) {
			fds[t] = ns_open(pid, t);
			r = fds[t] < 0 ? fds[t] : 0;
		}
	}
	/* 2. The user namespace first: it grants the rights for the rest. */
	if (r == 0 && fds[NS_USER] >= 0)
		r = ns_setns(fds[NS_USER], NS_USER);
	/* 3. Then every other type. */
	for (int t = 0; t < NS__COUNT && r == 0; t++)
		if (t != NS_USER && fds[t] >= 0)
			r = ns_setns(fds[t], t);
	for (int t = 0; t < NS__COUNT; t++)
		closep(&fds[t]);
	return r;
}

int ns_join_pidfd(pid_t pid, unsigned mask)
{
	_cleanup_close_ int fd = syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0)
		return neg_errno();
	if (setns(fd, ns_flags(mask)) < 0)
		return neg_errno();
	return 0;
}

int ns_get_type(int fd)
{
	int flag = ioctl(fd, NS_GET_NSTYPE);

	if (flag < 0)
		return neg_errno();
	return ns_type_by_flag(flag);
}

static int ns_ioctl_fd(int fd, unsigned long req)
{
	int r = ioctl(fd, req);

	if (r < 0)
		return neg_errno();
	/* The kernel's new fd lacks O_CLOEXEC; every fd of ours has it. */
	if (fcntl(r, F_SETFD, FD_CLOEXEC) < 0) {
		int err = neg_errno();
		close(r);
		return err;
	}
	return r;
}

int ns_get_userns(int fd)
{
	return ns_ioctl_fd(fd, NS_GET_USERNS);
}

int ns_get_parent(int fd)
{
	return ns_ioctl_fd(fd, NS_GET_PARENT);
}

int ns_get_owner_uid(int fd, uid_t *uid)
{
	if (ioctl(fd, NS_GET_OWNER_UID, uid) < 0)
		return neg_errno();
	return 0;
}

/* ---- lifetime -------------------------------------------------------- */

int ns_bind_keep(pid_t pid, enum ns_type t, const char *target)
{
	char path[64];
	int r;

	/* 1. A file to mount on (nsfs files are files, not directories). */
	r = write_text_creat(target, "");
	if (r < 0)
		return r;
	/* 2. Bind the nsfs file: the mount holds a reference. */
	ns_path(pid, ns_table[t].name, path, sizeof(path));
	if (mount(path, target, NULL, MS_BIND, NULL) < 0) {
		r = neg_errno();
		unlink(target);
		return r;
	}
	return 0;
}

int ns_bind_release(const char *target)
{
	if (umount2(target, MNT_DETACH) < 0)
		return neg_errno();
	if (unlink(target) < 0)
		return neg_errno();
	return 0;
}
