// SPDX-License-Identifier: MIT
/*
 * Mount attributes set with mount_setattr(2), each judged by the behaviour
 * it governs: setuid on exec, device nodes, exec, symlinks, atime. Every
 * mount is a tmpfs made here, in the worker's private mount namespace.
 */
#include "nsmore.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/sysmacros.h>

/* ---- nosuid, nodev, noexec, nosymfollow, noatime ------------------------- */

/*
 * Exec the setuid-root copy as uid 100000, stopped at the exec by
 * PTRACE_TRACEME: its effective uid before it runs any code.
 */
static int setuid_euid(int fd, uint32_t *euid)
{
	char path[64], buf[2048], *l;
	_cleanup_reap_ pid_t pid = fork();
	int st, r;

	if (pid < 0)
		return neg_errno();
	if (pid == 0) {
		static char *const argv[] = { "boxcheck-setuid-probe", NULL };
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) == 0 &&
		    setresgid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID) == 0 &&
		    setresuid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID) == 0)
			execveat(fd, "", argv, environ, AT_EMPTY_PATH);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return neg_errno();
	if (!WIFSTOPPED(st))
		return -ECHILD; /* the exec did not happen */
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if ((r = read_text(path, buf, sizeof(buf))) < 0)
		return r;
	if (!(l = strstr(buf, "\nUid:")) || sscanf(l + 5, "%*u %u", euid) != 1)
		return -EINVAL;
	if (mutant_on(M_MNT_ATTR))
		*euid = UNPRIV_ID;
	return 0;
}

struct suid_seen {
	uint32_t euid; /* of uid 100000 right after the exec */
};

static int observe_nosuid(struct ctx *c, struct suid_seen *o)
{
	_cleanup_close_ int fd = -1;

	TRY_OBS(ptrace_scope_skip(c));
	TRY(c, tmpfs_at("t"), "mount tmpfs on t");
	TRY(c, copy_self("t/prog", 04755), "copy boxcheck to t/prog");
	TRY(c, chmod("t/prog", 04755) < 0 ? neg_errno() : 0, "chmod 4755");
	if (c->isolate)
		TRY(c, mnt_setattr("t", 0, MOUNT_ATTR_NOSUID, 0, 0),
		    "mount_setattr(MOUNT_ATTR_NOSUID)");
	fd = TRY(c, open("t/prog", O_PATH | O_CLOEXEC), "open t/prog");
	TRY(c, setuid_euid(fd, &o->euid), "exec t/prog as uid 100000");
	return 0;
}

static enum obs judge_nosuid(struct judge *j, const struct suid_seen *o)
{
	judge_kv(j, "euid after exec", "%u", o->euid);
	return judge_holds(j, o->euid == UNPRIV_ID,
			   "uid %u execs the setuid-root copy: euid %u",
			   UNPRIV_ID, o->euid);
}
CHECK(nosuid, struct suid_seen, observe_nosuid, judge_nosuid);

struct flag_seen {
	int err; /* errno of the probe governed by the flag */
};

static int make_null(void)
{
	return mknod("t/null", S_IFCHR | 0666, makedev(1, 3)) < 0 ? neg_errno()
								  : 0;
}

static int make_prog(void)
{
	return copy_self("t/prog", 0755);
}

static int make_link(void)
{
	int r = write_text_creat("t/f", "f\n");

	if (r == 0 && symlink("f", "t/l") < 0)
		r = neg_errno();
	return r;
}

struct flag_kind {
	uint64_t attr;
	int want;
	int (*make)(void); /* the file to probe: 0 or -errno */
	const char *path;  /* opened, or (NULL) executed: t/prog */
	int flags;
	const char *what;
};

enum { F_NODEV, F_NOEXEC, F_NOSYMFOLLOW };
static const struct flag_kind flags[] = {
	[F_NODEV] = { MOUNT_ATTR_NODEV, EACCES, make_null, "t/null", O_RDWR,
		      "open of a /dev/null node" },
	[F_NOEXEC] = { MOUNT_ATTR_NOEXEC, EACCES, make_prog, NULL, 0,
		       "execve of a program" },
	[F_NOSYMFOLLOW] = { MOUNT_ATTR_NOSYMFOLLOW, ELOOP, make_link, "t/l",
			    O_RDONLY, "open through a symlink" },
};

static int observe_flag(struct ctx *c, struct flag_seen *o, int kind)
{
	const struct flag_kind *k = &flags[kind];

	TRY(c, tmpfs_at("t"), "mount tmpfs on t");
	TRY(c, k->make(), "make the file to probe");
	if (c->isolate)
		TRY(c, mnt_setattr("t", 0, k->attr, 0, 0), "mount_setattr");
	if (!k->path)
		TRY(c, mnt_probe_exec(AT_FDCWD, "t/prog", &o->err), "exec");
	else
		o->err = mnt_probe_open(k->path, k->flags, k->want);
	return 0;
}

static enum obs judge_flag(struct judge *j, const struct flag_seen *o, int kind)
{
	return judge_errno(j, o->err, flags[kind].want, "probe",
			   flags[kind].what);
}

#define FLAG_CHECK(name_, kind_)                                               \
	static int observe_##name_(struct ctx *c, struct flag_seen *o)         \
	{                                                                      \
		return observe_flag(c, o, kind_);                              \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct flag_seen *o)               \
	{                                                                      \
		return judge_flag(j, o, kind_);                                \
	}                                                                      \
	CHECK(name_, struct flag_seen, observe_##name_, judge_##name_)
FLAG_CHECK(nodev, F_NODEV);
FLAG_CHECK(noexec, F_NOEXEC);
FLAG_CHECK(nosymfollow, F_NOSYMFOLLOW);

/* ---- noatime ------------------------------------------------------------- */

struct atime_seen {
	long long atime; /* of t/f after a read, set to 1 before it */
};

/* Read one byte, then the atime (M_MNT_ATTR: kept at 1). */
static int read_atime(const char *path, long long *atime)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char b;

	if (fd < 0 || read(fd, &b, 1) != 1 || fstat(fd, &st) < 0)
		return neg_errno();
	*atime = mutant_on(M_MNT_ATTR) ? 1 : (long long)st.st_atim.tv_sec;
	return 0;
}

static int observe_noatime(struct ctx *c, struct atime_seen *o)
{
	const struct timespec ts[2] = { { 1, 0 }, { 0, UTIME_NOW } };

	TRY(c, tmpfs_at("t"), "mount tmpfs on t");
	TRY(c, write_text_creat("t/f", "f\n"), "write t/f");
	TRY(c, utimensat(AT_FDCWD, "t/f", ts, 0) < 0 ? neg_errno() : 0,
	    "set t/f's atime to 1");
	if (c->isolate)
		TRY(c,
		    mnt_setattr("t", 0, MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME,
				0),
		    "mount_setattr(MOUNT_ATTR_NOATIME)");
	TRY(c, read_atime("t/f", &o->atime), "read t/f");
	return 0;
}

static enum obs judge_noatime(struct judge *j, const struct atime_seen *o)
{
	judge_kv(j, "atime after a read", "%lld", o->atime);
	return judge_holds(j, o->atime == 1,
			   "a read left the atime at %lld (was 1, older than "
			   "the mtime)",
			   o->atime);
}
CHECK(noatime, struct atime_seen, observe_noatime, judge_noatime);

#define ATTR_REQ                                                               \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT), .fs = { "tmpfs" },         \
		.features = FEAT_BIT(FEAT_MOUNT_SETATTR)                       \
	}
#define ATTR(id_, attr_, what_, expect_, check_)                               \
	{                                                                      \
		.id = "mountapi/setattr-" id_,                                 \
		.title = attr_ " set by mount_setattr is enforced",            \
		.property = "with " attr_ " set by mount_setattr, " what_,     \
		.expect = expect_, .req = ATTR_REQ,                            \
		.tags = { "mnt", "mountapi" }, .check = &check_                \
	}

static const struct scenario mount_attr[] = {
	ATTR("nosuid", "MOUNT_ATTR_NOSUID",
	     "uid 100000 executing a setuid-root program there keeps euid "
	     "100000",
	     "euid 100000", nosuid),
	ATTR("nodev", "MOUNT_ATTR_NODEV",
	     "opening a character device node there fails with EACCES",
	     "EACCES", nodev),
	ATTR("noexec", "MOUNT_ATTR_NOEXEC",
	     "executing a program there fails with EACCES", "EACCES", noexec),
	ATTR("nosymfollow", "MOUNT_ATTR_NOSYMFOLLOW",
	     "opening a path through a symlink there fails with ELOOP", "ELOOP",
	     nosymfollow),
	ATTR("noatime", "MOUNT_ATTR_NOATIME",
	     "reading a file whose atime is older than its mtime leaves the "
	     "atime",
	     "atime kept", noatime),
};

BOXCHECK_AREA(mount_attr, mount_attr);
