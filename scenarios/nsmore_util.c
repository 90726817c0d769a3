// SPDX-License-Identifier: MIT
/* Helpers the nsmore scenario files share (no scenarios here). */
#include "nsmore.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>

int ns_fenced(struct ctx *c, enum ns_type t)
{
	struct ns_id mine, runner;

	TRY(c, ns_id_of(0, t, &mine), "stat our namespace");
	TRY(c, ns_id_of(getppid(), t, &runner), "stat the runner's namespace");
	if (ns_id_equal(&mine, &runner))
		return ctx_error(c, 0,
				 "refusing: the worker shares the runner's %s "
				 "namespace (no fence)",
				 ns_table[t].name);
	return 0;
}

/* ---- sysctls and probes ---------------------------------------------- */

int sysctl_get(const char *name, char *buf, size_t len)
{
	char path[256];
	int r;

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	r = read_text(path, buf, len);
	if (r < 0)
		return r;
	chomp(buf);
	if (mutant_on(M_SYSCTL_READ))
		snprintf(buf, len, "mutant");
	return 0;
}

int sysctl_set(const char *name, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "/proc/sys/%s", name);
	return write_text(path, val);
}

struct sysctl_arg {
	const char *name, *value;
};

/* In the child: write the sysctl and read it back into out. */
static int set_sysctl(void *arg, void *out, size_t len)
{
	const struct sysctl_arg *a = arg;
	int r = sysctl_set(a->name, a->value);

	if (r < 0)
		return child_fail(a->name, r);
	r = sysctl_get(a->name, out, len);
	return r < 0 ? child_fail("read it back", r) : 0;
}

int sysctl_in_child(struct ctx *c, enum ns_type t, const char *name,
		    const char *value, char *inside, size_t len)
{
	struct sysctl_arg a = { name, value };

	TRY_OBS(ns_fenced(c, t));
	ctx_kv(c, "child writes", "%s = %s", name, value);
	return run_in_child(c, "write the sysctl in the child",
			    c->isolate ? ns_table[t].flag : 0, set_sysctl, &a,
			    inside, len);
}

bool sysctl_same(const char *a, const char *b)
{
	while (*a && *b) {
		if (strchr(" \t", *a) && strchr(" \t", *b)) {
			a += strspn(a, " \t");
			b += strspn(b, " \t");
		} else if (*a++ != *b++) {
			return false;
		}
	}
	return !*a && !*b;
}

int probe_errno(enum mutant m, long r, int want)
{
	int err = r < 0 ? (errno ?: EIO) : 0;

	return mutant_on(m) ? want : err;
}

const char *errname(int err)
{
	return err ? strerrorname_np(err) ?: "?" : "ok";
}

enum obs judge_ok(struct judge *j, int err, int limit, const char *key,
		  const char *what)
{
	judge_kv(j, key, "%s", errname(err));
	if (err && err != limit)
		return judge_unknown(j, "%s failed with %s, neither ok nor %s",
				     what, errname(err), errname(limit));
	return judge_holds(j, err == 0, "%s: %s", what, errname(err));
}

struct idmap nsmore_root_map, nsmore_unpriv_map;

struct nsrun nsmore_run(unsigned long flags, bool user, bool unpriv)
{
	struct idmap *m = unpriv ? &nsmore_unpriv_map : &nsmore_root_map;

	idmap_single(&nsmore_root_map, 0, 0, 1);
	idmap_single(&nsmore_unpriv_map, 0, UNPRIV_ID, 1);
	return (struct nsrun){ .via = NS_VIA_CLONE,
			       .flags = flags | (user ? CLONE_NEWUSER : 0),
			       .uid = m,
			       .gid = m };
}

int nsmore_become_root(void)
{
	int r = userns_become_root();

	if (r == 0 && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		r = neg_errno();
	return r;
}

/* ---- mounts ------------------------------------------------------------ */

int tmpfs_at(const char *path)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	if (mount("boxcheck", path, "tmpfs", 0, "size=64m,mode=0755") < 0)
		return neg_errno();
	return 0;
}

int set_propagation(const char *path, unsigned long how)
{
	return mount(NULL, path, NULL, how, NULL) < 0 ? neg_errno() : 0;
}

int mnt_setattr(const char *path, unsigned flags, uint64_t set, uint64_t clr,
		uint64_t propagation)
{
	struct mount_attr a = { .attr_set = set,
				.attr_clr = clr,
				.propagation = propagation };

	return mount_setattr(AT_FDCWD, path, flags, &a, sizeof(a)) < 0
		       ? neg_errno()
		       : 0;
}

int mnt_is_mounted(const char *path, bool *mounted)
{
	char parent[PATH_MAX];
	struct stat a, b;

	snprintf(parent, sizeof(parent), "%s/..", path);
	if (stat(path, &a) < 0 || stat(parent, &b) < 0)
		return neg_errno();
	*mounted = a.st_dev != b.st_dev && !mutant_on(M_MNT_SEEN);
	return 0;
}

int mnt_reach(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : neg_errno();
	return !mutant_on(M_MNT_SEEN);
}

int mnt_count(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	int n = 0, ch;

	if (!f)
		return neg_errno();
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	return mutant_on(M_MNT_SEEN) ? 1 : n;
}

int mnt_probe_create(int dfd, const char *name, int want)
{
	int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			0644);
	int err = probe_errno(M_MNT_ATTR, fd, want);

	if (fd >= 0)
		close(fd);
	return err;
}

int mnt_probe_open(const char *path, int flags, int want)
{
	int fd = open(path, flags | O_CLOEXEC);
	int err = probe_errno(M_MNT_ATTR, fd, want);

	if (fd >= 0)
		close(fd);
	return err;
}

/* execveat(dfd, name), output discarded: *err its errno, 0 once it ran. */
int mnt_probe_exec(int dfd, const char *name, int *err)
{
	static char *const argv[] = { "boxcheck-exec-probe", NULL };
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	int e = 0, st, r = chan_open(&ch);
	pid_t pid;

	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		close(ch.rd);
		if (null >= 0 && (dup2(null, STDOUT_FILENO) < 0 ||
				  dup2(null, STDERR_FILENO) < 0))
			_exit(126);
		execveat(dfd, name, argv, environ, 0);
		e = errno;
		(void)!write(ch.wr, &e, sizeof(e));
		_exit(127);
	}
	closep(&ch.wr);
	ch.wr = -1;
	if (fd_read_all(ch.rd, &e, sizeof(e)) != (ssize_t)sizeof(e))
		e = 0; /* the pipe closed on exec: it ran */
	if (wait_status(pid, &st) < 0)
		return neg_errno();
	errno = e;
	*err = probe_errno(M_MNT_ATTR, e ? -1 : 0, EACCES);
	return 0;
}

int copy_self(const char *to, mode_t mode)
{
	return copy_file("/proc/self/exe", to, mode);
}

int ptrace_scope_skip(struct ctx *c)
{
	char v[16];

	if (read_text("/proc/sys/kernel/yama/ptrace_scope", v, sizeof(v)) < 0)
		return 0;
	if (atoi(v) >= 3)
		return ctx_skip(c, "ptrace is disabled here (Yama ptrace_scope "
				   "3)");
	return 0;
}
