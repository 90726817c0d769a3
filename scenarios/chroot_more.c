// SPDX-License-Identifier: MIT
/*
 * More of chroot(2): it is no sandbox against a directory moved out from
 * under a process inside, nor against a file descriptor opened before it;
 * /proc/PID/root shows a process's root; and the errors of a path that
 * cannot be a root (EACCES, ENOENT, ENOTDIR, EFAULT, ELOOP, ENAMETOOLONG).
 * Every chroot happens in a forked child; the worker's root is untouched.
 * A host marker lies outside the new root: reaching it is rootfs_reach's.
 */
#include "caps_util.h"
#include "rootfs_probe.h"
#include "userns.h"

#include <fcntl.h>
#include <string.h>

#define DEPTH 64 /* more ".." than any path here has components */

struct reach_seen {
	int err; /* errno reaching the marker, 0 when it was read */
};

static const char *reach_str(int err)
{
	return err ? strerrorname_np(err) : "read";
}

static enum obs judge_reach(struct judge *j, const struct reach_seen *o,
			    const char *how)
{
	judge_kv(j, "marker", "%s", reach_str(o->err));
	if (o->err && o->err != ENOENT)
		return judge_unknown(j, "reaching the marker: %s",
				     reach_str(o->err));
	return judge_holds(j, o->err == 0, "the marker %s: %s", how,
			   reach_str(o->err));
}

/* root/a/b and the marker beside root/; its path relative to "/". */
static int make_tree(struct ctx *c, char *rel, size_t len)
{
	char abs[PATH_MAX];

	TRY(c, mkdir_p("root/a/b", 0755), "mkdir root/a/b");
	TRY(c, write_text_creat("marker", "host\n"), "write the marker");
	if (!realpath("marker", abs))
		return ctx_error(c, neg_errno(), "realpath marker");
	snprintf(rel, len, "%s", abs + 1);
	return 0;
}

/* ---- a directory moved out of the chroot ----------------------------- */

struct moved_plan {
	char rel[PATH_MAX]; /* the marker, relative to "/" */
	const char *to;	    /* where root/a goes */
};

/* In the chroot with cwd /a/b; once root/a moved, climb and look. */
static _Noreturn void climber(int ready, int go, int res, const char *rel)
{
	struct reach_seen o = { 0 };
	char b = 0;

	if (chroot("root") < 0 || chdir("/a/b") < 0)
		_exit(10);
	if (write(ready, &b, 1) != 1 || read(go, &b, 1) != 1)
		_exit(11);
	for (int i = 0; i < DEPTH; i++)
		if (chdir("..") < 0)
			_exit(12);
	o.err = -rootfs_reach(rel);
	_exit(write(res, &o, sizeof(o)) == sizeof(o) ? 0 : 13);
}

static int move_under(void *arg, void *out, size_t len)
{
	const struct moved_plan *p = arg;
	_cleanup_chan_ struct chan ready = CHAN_INIT, go = CHAN_INIT,
				   res = CHAN_INIT;
	pid_t pid;
	int st;
	char b = 0;

	CHILD_TRY("pipes", chan_open(&ready));
	CHILD_TRY("pipes", chan_open(&go));
	CHILD_TRY("pipes", chan_open(&res));
	if ((pid = fork()) < 0)
		return child_fail("fork", neg_errno());
	if (pid == 0)
		climber(ready.wr, go.rd, res.wr, p->rel);
	closep(&ready.wr);
	closep(&res.wr);
	ready.wr = res.wr = -1;
	if (read(ready.rd, &b, 1) == 1 && rename("root/a", p->to) == 0 &&
	    write(go.wr, &b, 1) == 1 &&
	    fd_read_all(res.rd, out, len) == (ssize_t)len)
		return wait_status(pid, &st) < 0 || exit_code_of(st)
			       ? child_fail("the climber's end", -ECHILD)
			       : 0;
	kill(pid, SIGKILL);
	wait_status(pid, &st);
	return child_fail("chroot, move, climb", -ECHILD);
}

static int observe_moved(struct ctx *c, struct reach_seen *o)
{
	struct moved_plan p = { .to = c->isolate ? "away" : "root/away" };

	TRY_OBS(make_tree(c, p.rel, sizeof(p.rel)));
	TRY_OBS(run_in_child(c, "climb out of a moved directory", 0, move_under,
			     &p, o, sizeof(*o)));
	return 0;
}

static enum obs judge_moved(struct judge *j, const struct reach_seen *o)
{
	return judge_reach(j, o, "after 64 chdir(\"..\") from the moved dir");
}
CHECK(moved_out, struct reach_seen, observe_moved, judge_moved);

/* ---- a descriptor opened before chroot ------------------------------- */

struct fd_plan {
	char rel[PATH_MAX];
	bool before; /* the action: open "/" before chroot, not after */
};

static int use_fd(void *arg, void *out, size_t len)
{
	const struct fd_plan *p = arg;
	struct reach_seen *o = out;
	_cleanup_close_ int fd = -1;
	int r;

	(void)len;
	if (p->before && (fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return child_fail("open / before chroot", neg_errno());
	if ((r = rootfs_chroot("root")) < 0)
		return child_fail("chroot root", r);
	if (!p->before &&
	    (fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return child_fail("open / after chroot", neg_errno());
	o->err = -rootfs_reach_at(fd, p->rel);
	return 0;
}

static int observe_fd(struct ctx *c, struct reach_seen *o)
{
	struct fd_plan p = { .before = c->isolate };

	TRY_OBS(make_tree(c, p.rel, sizeof(p.rel)));
	TRY_OBS(run_in_child(c, "reach the marker through an fd of \"/\"", 0,
			     use_fd, &p, o, sizeof(*o)));
	return 0;
}

static enum obs judge_fd(struct judge *j, const struct reach_seen *o)
{
	return judge_reach(j, o, "by openat from an fd of \"/\"");
}
CHECK(fd_before, struct reach_seen, observe_fd, judge_fd);

/* ---- /proc/PID/root -------------------------------------------------- */

struct root_seen {
	bool is;	     /* /proc/PID/root is root/ */
	char link[PATH_MAX]; /* what the link reads */
};

struct root_plan {
	struct file_id dir; /* root/ */
	bool chroot;	    /* the action */
};

static int show_root(void *arg, void *out, size_t len)
{
	const struct root_plan *p = arg;
	struct root_seen *o = out;
	_cleanup_chan_ struct chan ready = CHAN_INIT, hold = CHAN_INIT;
	pid_t pid;
	int r, st;
	char b = 0;

	(void)len;
	CHILD_TRY("pipes", chan_open(&ready));
	CHILD_TRY("pipes", chan_open(&hold));
	if ((pid = fork()) < 0)
		return child_fail("fork", neg_errno());
	if (pid == 0) {
		close(hold.wr); /* its end is the parent's alone */
		if (p->chroot && chroot("root") < 0)
			_exit(10);
		_exit(write(ready.wr, &b, 1) == 1 && read(hold.rd, &b, 1) >= 0
			      ? 0
			      : 11);
	}
	r = read(ready.rd, &b, 1) == 1 ? proc_root_is(pid, &p->dir, &o->is,
						      o->link, sizeof(o->link))
				       : -ECHILD;
	closep(&hold.wr);
	hold.wr = -1;
	if (wait_status(pid, &st) < 0 || exit_code_of(st))
		return child_fail("the chrooted process", -ECHILD);
	return r < 0 ? child_fail("read /proc/PID/root", r) : 0;
}

static int observe_root(struct ctx *c, struct root_seen *o)
{
	struct root_plan p = { .chroot = c->isolate };

	TRY(c, mkdir_p("root", 0755), "mkdir root");
	TRY(c, file_id_of("root", &p.dir), "stat root");
	TRY_OBS(run_in_child(c, "a process's /proc/PID/root", 0, show_root, &p,
			     o, sizeof(*o)));
	return 0;
}

static enum obs judge_root(struct judge *j, const struct root_seen *o)
{
	judge_kv(j, "/proc/PID/root", "%s", o->link);
	return judge_holds(j, o->is, "/proc/PID/root (%s) %s", o->link,
			   o->is ? "is the chroot" : "is not root/");
}
CHECK(proc_root, struct root_seen, observe_root, judge_root);

/* ---- errors ---------------------------------------------------------- */

struct err_seen {
	int err; /* chroot's errno, 0 when it worked */
};

struct err_kind {
	const char *path;     /* the isolated run's; the control's is root */
	bool no_dac;	      /* drop CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH */
	const char *lock_dir; /* the action also makes it mode 0 */
	int want;
};

static char long_path[PATH_MAX + 8]; /* ././././...root */

enum { E_ACCES, E_NOENT, E_NOTDIR, E_FAULT, E_LOOP, E_NAMETOOLONG };
static const struct err_kind kinds[] = {
	[E_ACCES] = { "locked/root", true, "locked", EACCES },
	[E_NOENT] = { "missing", false, NULL, ENOENT },
	[E_NOTDIR] = { "file/sub", false, NULL, ENOTDIR },
	[E_FAULT] = { (const char *)8, false, NULL, EFAULT },
	[E_LOOP] = { "loop1", false, NULL, ELOOP },
	[E_NAMETOOLONG] = { long_path, false, NULL, ENAMETOOLONG },
};

struct err_plan {
	const struct err_kind *k;
	bool act;
};

static int try_chroot(void *arg, void *out, size_t len)
{
	const struct err_plan *p = arg;
	struct err_seen *o = out;

	(void)len;
	if (p->k->no_dac)
		CHILD_TRY("drop the DAC capabilities",
			  cap_flags_set(CAP_BIT(CAP_DAC_OVERRIDE) |
						CAP_BIT(CAP_DAC_READ_SEARCH),
					CAP_EFFECTIVE, false));
	if (p->act && p->k->lock_dir)
		CHILD_TRY("chmod 0", sysr(chmod(p->k->lock_dir, 0)));
	o->err = probe_chroot(p->act ? p->k->path : "locked/root");
	return 0;
}

static int observe_err(struct ctx *c, struct err_seen *o, int kind)
{
	struct err_plan p = { &kinds[kind], c->isolate };

	for (size_t i = 0; i + 2 < PATH_MAX; i += 2) {
		long_path[i] = '.';
		long_path[i + 1] = '/';
	}
	strcpy(long_path + PATH_MAX - 2, "root"); /* fits: 8 more bytes */
	TRY(c, mkdir_p("locked/root", 0755), "mkdir locked/root");
	TRY(c, write_text_creat("file", "f\n"), "write file");
	TRY(c, sysr(symlink("loop2", "loop1")), "symlink loop1");
	TRY(c, sysr(symlink("loop1", "loop2")), "symlink loop2");
	TRY_OBS(run_in_child(c, "chroot", 0, try_chroot, &p, o, sizeof(*o)));
	return 0;
}

static enum obs judge_err(struct judge *j, const struct err_seen *o, int kind)
{
	return judge_errno(j, o->err, kinds[kind].want, "chroot", "chroot");
}

#define ERR_CHECK(name_, kind_)                                                \
	static int observe_##name_(struct ctx *c, struct err_seen *o)          \
	{                                                                      \
		return observe_err(c, o, kind_);                               \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct err_seen *o)                \
	{                                                                      \
		return judge_err(j, o, kind_);                                 \
	}                                                                      \
	CHECK(name_, struct err_seen, observe_##name_, judge_##name_)
ERR_CHECK(eacces, E_ACCES);
ERR_CHECK(enoent, E_NOENT);
ERR_CHECK(enotdir, E_NOTDIR);
ERR_CHECK(efault, E_FAULT);
ERR_CHECK(eloop, E_LOOP);
ERR_CHECK(enametoolong, E_NAMETOOLONG);

#define ERR_ROW(id_, what_, expect_, check_)                                   \
	{                                                                      \
		.id = "chroot/" id_, .title = "chroot " what_,                 \
		.property = "chroot " what_ "; chroot into a plain directory " \
			    "works",                                           \
		.expect = "chroot: " expect_, .req = { .root = true },         \
		.tags = { "chroot", "rootfs", "errors" }, .check = &check_     \
	}

static const struct scenario chroot_more[] = {
	{ .id = "chroot/moved-dir-walks-out",
	  .title = "a directory moved out of a chroot leads out of it",
	  .property = "a process chrooted with its cwd in a directory that "
		      "is then moved out of the chroot climbs with "
		      "chdir(\"..\") above the chroot and reads a host file; "
		      "moved within the chroot it cannot",
	  .expect = "the marker after 64 chdir(\"..\") from the moved dir: "
		    "read",
	  .req = { .root = true },
	  .tags = { "chroot", "rootfs", "security" },
	  .check = &moved_out },
	{ .id = "chroot/fd-before-chroot-reaches-out",
	  .title = "a descriptor opened before chroot reaches outside",
	  .property = "an fd of \"/\" opened before chroot still resolves "
		      "paths from the old root: openat reads a host file "
		      "outside the chroot; one opened after cannot",
	  .expect = "the marker by openat from an fd of \"/\": read",
	  .req = { .root = true },
	  .tags = { "chroot", "rootfs", "security" },
	  .check = &fd_before },
	{ .id = "chroot/proc-pid-root-shows-root",
	  .title = "/proc/PID/root shows a process's root",
	  .property = "/proc/PID/root of a chrooted process is its new root "
		      "directory",
	  .expect = "/proc/PID/root is the chroot",
	  .req = { .root = true },
	  .tags = { "chroot", "rootfs", "proc" },
	  .check = &proc_root },
	ERR_ROW("eacces-no-search",
		"into a directory under one without search permission fails "
		"with EACCES for root without CAP_DAC_OVERRIDE and "
		"CAP_DAC_READ_SEARCH",
		"EACCES", eacces),
	ERR_ROW("enoent-missing", "into a missing path fails with ENOENT",
		"ENOENT", enoent),
	ERR_ROW("enotdir-component",
		"through a regular file as a directory fails with ENOTDIR",
		"ENOTDIR", enotdir),
	ERR_ROW("efault-bad-pointer",
		"with a path at address 8 fails with EFAULT", "EFAULT", efault),
	ERR_ROW("eloop-symlink-loop",
		"through two symlinks pointing at each other fails with "
		"ELOOP",
		"ELOOP", eloop),
	ERR_ROW("enametoolong-path",
		"into a path of 4098 bytes (\"./\" repeated, then \"root\") "
		"fails with ENAMETOOLONG",
		"ENAMETOOLONG", enametoolong),
};

BOXCHECK_AREA(chroot_more, chroot_more);
