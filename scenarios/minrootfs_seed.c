// SPDX-License-Identifier: MIT
/*
 * The seed's chroot, literally: a minimal image of the distribution's
 * /bin/bash and /bin/ls with the libraries ldd would list, copied as real
 * files to the same paths (lib/arm-linux-gnueabihf/... and the hard-float
 * loader lib/ld-linux-armhf.so.3 on armhf), then `chroot image /bin/bash -c
 * 'ls; echo hello world'`. It must print the image's own entries and
 * "hello world". The control is the same tree missing one library (the
 * first the program needs after its loader): it must fail to run, which
 * shows that the chrooted program loads what the image holds and nothing
 * of the host's.
 */
#include "scenario.h"
#include "../primitives/rootfs.h"

#include <linux/capability.h>
#include <string.h>

static const char *const bash_at[] = { "/bin/bash", "/usr/bin/bash" };
static const char *const ls_at[] = { "/bin/ls", "/usr/bin/ls" };

static const char *first_of(const char *const *paths, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

struct seed {
	char built[512]; /* the image's top entries, sorted, one line */
	char out[1024];	 /* what bash printed on stdout, one line */
	char err[256];	 /* its stderr, one line (the loader's complaint) */
	int code;	 /* its exit code */
};

/*
 * Copy prog's closure into dir; skip (the control's missing library) is a
 * path not to copy, or NULL. Evidence: the loader and the library paths.
 */
static int add_closure(struct ctx *c, const char *dir, const char *prog,
		       const char *skip)
{
	_cleanup_elf_deps_ struct elf_deps d = { 0 };
	char libs[1024] = "";
	size_t at = 0;
	int r = elf_deps_collect(NULL, prog, &d);

	if (r == -ENOENT && d.missing[0])
		ctx_kv(c, "missing", "%s needed by %s", d.missing,
		       d.missing_from);
	if (r < 0)
		return r;
	for (size_t i = 0; i < d.n; i++) {
		if (skip && strcmp(d.paths[i], skip) == 0)
			continue;
		r = rootfs_copy_file(dir, NULL, d.paths[i]);
		if (r < 0)
			return r;
		if (i >= 2 && at < sizeof(libs))
			at += snprintf(libs + at, sizeof(libs) - at, "%s%s",
				       at ? " " : "", d.paths[i]);
	}
	ctx_kv(c, prog, "loader %s; libraries %s", d.n > 1 ? d.paths[1] : "-",
	       libs);
	return 0;
}

/* The first library bash loads after its loader: the one to leave out. */
static int first_library(const char *bash, char *buf, size_t len)
{
	_cleanup_elf_deps_ struct elf_deps d = { 0 };
	int r = elf_deps_collect(NULL, bash, &d);

	if (r < 0)
		return r;
	if (d.n < 3)
		return -ENOENT; /* static: nothing to leave out */
	snprintf(buf, len, "%s", d.paths[2]);
	return 0;
}

/* All of fd as one line: newlines become spaces, the rest cut at len. */
static int read_all_line(int fd, char *buf, size_t len)
{
	size_t at = 0;
	char b[512];
	ssize_t n;

	while ((n = read(fd, b, sizeof(b))) > 0 || (n < 0 && errno == EINTR))
		for (ssize_t i = 0; i < n; i++)
			if (at + 1 < len)
				buf[at++] = b[i] == '\n' ? ' ' : b[i];
	buf[at] = '\0';
	chomp(buf);
	return n < 0 ? neg_errno() : 0;
}

struct exec_fail {
	int err;
	char step[16];
};

static _Noreturn void fail_exit(int fd, const char *step, int err)
{
	struct exec_fail f = { .err = err };

	snprintf(f.step, sizeof(f.step), "%s", step);
	fd_write_all(fd, &f, sizeof(f));
	_exit(126);
}

/* The child: chroot, then exec bash; a failed step goes on the fail pipe. */
static _Noreturn void chroot_exec(int out, int err, int fail, const char *bash)
{
	static char *const env[] = { "PATH=/bin:/usr/bin", "LC_ALL=C", NULL };
	char *const argv[] = { "bash", "-c", "ls; echo hello world", NULL };
	int r = rootfs_chroot("image");

	if (r < 0)
		fail_exit(fail, "chroot", r);
	if (dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
		fail_exit(fail, "dup2", neg_errno());
	execve(bash, argv, env);
	fail_exit(fail, "execve", neg_errno());
}

static int run_chrooted(struct ctx *c, const char *bash, struct seed *o)
{
	_cleanup_chan_ struct chan out = CHAN_INIT, err = CHAN_INIT,
				   fail = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct exec_fail f;
	ssize_t n;
	int st;

	TRY(c, chan_open(&out), "pipe");
	TRY(c, chan_open(&err), "pipe");
	TRY(c, chan_open(&fail), "pipe");
	pid = TRY(c, ns_fork(0), "fork");
	if (pid == 0)
		chroot_exec(out.wr, err.wr, fail.wr, bash);
	closep(&out.wr);
	closep(&err.wr);
	closep(&fail.wr);
	out.wr = err.wr = fail.wr = -1;
	TRY(c, read_all_line(out.rd, o->out, sizeof(o->out)), "read stdout");
	TRY(c, read_all_line(err.rd, o->err, sizeof(o->err)), "read stderr");
	n = TRY(c, fd_read_all(fail.rd, &f, sizeof(f)), "read the child");
	TRY(c, wait_status(TAKE_PID(pid), &st), "wait for the child");
	if (n == (ssize_t)sizeof(f))
		return ctx_error(c, f.err, "%s in the child", f.step);
	if (n != 0 || WIFSIGNALED(st))
		return ctx_error(c, 0, "bash died (status 0x%x)", st);
	o->code = exit_code_of(st);
	return 0;
}

static int observe_seed(struct ctx *c, struct seed *o)
{
	const char *bash = first_of(bash_at, ARRAY_SIZE(bash_at));
	const char *ls = first_of(ls_at, ARRAY_SIZE(ls_at));
	char lib[PATH_MAX];

	if (!bash || !ls)
		return ctx_skip(c, "%s not installed here (/bin or /usr/bin)",
				bash ? "ls" : "bash");
	TRY(c, first_library(bash, lib, sizeof(lib)),
	    "find the first library bash loads");
	/* The action: the isolated image holds every library; the control's
	 * lacks one. */
	TRY(c, add_closure(c, "image", bash, c->isolate ? NULL : lib),
	    "copy bash and its libraries");
	TRY(c, add_closure(c, "image", ls, c->isolate ? NULL : lib),
	    "copy ls and its libraries");
	TRY(c, rootfs_listing("image", o->built, sizeof(o->built)),
	    "list the image");
	ctx_kv(c, "image", "%s", o->built);
	TRY_OBS(run_chrooted(c, bash, o));
	return 0;
}

static enum obs judge_seed(struct judge *j, const struct seed *o)
{
	char want[sizeof(o->built) + 16];

	snprintf(want, sizeof(want), "%s hello world", o->built);
	judge_kv(j, "exit", "%d", o->code);
	if (o->err[0])
		judge_kv(j, "stderr", "%.200s", o->err);
	return judge_holds(j, o->code == 0 && strcmp(o->out, want) == 0,
			   "chroot image bash -c 'ls; echo hello world' "
			   "printed \"%.300s\"",
			   o->out);
}
CHECK(seed, struct seed, observe_seed, judge_seed);

static const struct scenario minrootfs_seed[] = {
	{ .id = "minrootfs/seed-bash-ls",
	  .title = "the seed's image: bash and ls with their libraries",
	  .property = "an image of the distribution's /bin/bash and /bin/ls "
		      "with every library ldd lists, copied as real files "
		      "(lib/arm-linux-gnueabihf and the hard-float loader on "
		      "armhf), runs `ls` and `echo hello world` under chroot; "
		      "missing one library, it cannot run",
	  .expect = "prints the image's entries, then hello world",
	  .req = { .root = true, .caps = CAP_BIT(CAP_SYS_CHROOT) },
	  .tags = { "rootfs", "chroot", "seed", "armhf" },
	  .check = &seed },
};

BOXCHECK_AREA(minrootfs_seed, minrootfs_seed);
