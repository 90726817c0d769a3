// SPDX-License-Identifier: MIT
/*
 * A minimal rootfs made as a user would by hand: the host's /bin/sh and
 * /bin/ls with every library they need (or busybox and its applet links),
 * then `ls /` run inside under chroot and under pivot_root. The listing must
 * show exactly what the builder put there. The control runs the same command
 * without the confining step, and so lists the host's root.
 */
#include "scenario.h"
#include "../primitives/rootfs.h"

#include <string.h>

enum confine { UNCONFINED, BY_CHROOT, BY_PIVOT };

static const char *const programs[] = { "/bin/sh", "/bin/ls" };

/* How the child failed before its command ran: sent on a CLOEXEC pipe. */
struct exec_fail {
	int err;
	char step[32];
};

static _Noreturn void fail_exit(int fd, const char *step, int err)
{
	struct exec_fail f = { .err = err };

	snprintf(f.step, sizeof(f.step), "%s", step);
	fd_write_all(fd, &f, sizeof(f));
	_exit(126);
}

/* The child: confine (the action), then exec argv with out as stdout. */
static _Noreturn void exec_inside(int out, int fail, enum confine how,
				  char *const argv[])
{
	static char *const env[] = { "PATH=/bin:/sbin:/usr/bin", "LC_ALL=C",
				     NULL };
	int r = 0;

	if (how == BY_PIVOT)
		r = rootfs_pivot("root");
	else if (how == BY_CHROOT)
		r = rootfs_chroot("root");
	if (r < 0)
		fail_exit(fail, how == BY_PIVOT ? "pivot_root" : "chroot", r);
	if (dup2(out, STDOUT_FILENO) < 0)
		fail_exit(fail, "dup2", neg_errno());
	execve(argv[0], argv, env);
	fail_exit(fail, "execve", neg_errno());
}

/* All of fd, one line: newlines become spaces; the rest past len dropped. */
static int read_line(int fd, char *buf, size_t len)
{
	size_t at = 0;
	char b[512];
	ssize_t n;

	while ((n = read(fd, b, sizeof(b))) > 0 || (n < 0 && errno == EINTR))
		for (ssize_t i = 0; i < n; i++)
			if (at + 1 < len)
				buf[at++] = b[i] == '\n' ? ' ' : b[i];
	buf[at] = '\0';
	return n < 0 ? neg_errno() : 0;
}

struct listing {
	char built[1024]; /* the rootfs's top entries, as the builder left */
	char got[2048];	  /* what the command printed, as one line */
	int code;	  /* its exit code */
};

/* Run argv (inside root unless how is UNCONFINED); a failed step errors. */
static int run_cmd(struct ctx *c, enum confine how, char *const argv[],
		   struct listing *o)
{
	_cleanup_chan_ struct chan out = CHAN_INIT, fail = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct exec_fail f;
	ssize_t n;
	int st;

	TRY(c, chan_open(&out), "pipe");
	TRY(c, chan_open(&fail), "pipe");
	pid = TRY(c, ns_fork(how == BY_PIVOT ? CLONE_NEWNS : 0), "fork");
	if (pid == 0)
		exec_inside(out.wr, fail.wr, how, argv);
	closep(&out.wr);
	closep(&fail.wr);
	out.wr = fail.wr = -1;
	TRY(c, read_line(out.rd, o->got, sizeof(o->got)), "read the output");
	n = TRY(c, fd_read_all(fail.rd, &f, sizeof(f)), "read the child");
	TRY(c, wait_status(TAKE_PID(pid), &st), "wait for the child");
	if (n == (ssize_t)sizeof(f))
		return ctx_error(c, f.err, "%s in the child", f.step);
	if (n != 0 || WIFSIGNALED(st))
		return ctx_error(c, 0, "the command died (status 0x%x)", st);
	chomp(o->got);
	o->code = exit_code_of(st);
	return 0;
}

static int observe_listing(struct ctx *c, struct listing *o, enum confine how,
			   char *const argv[])
{
	TRY(c, rootfs_listing("root", o->built, sizeof(o->built)),
	    "list the rootfs");
	ctx_kv(c, "built", "%s", o->built);
	TRY_OBS(run_cmd(c, c->isolate ? how : UNCONFINED, argv, o));
	return 0;
}

static enum obs judge_listing(struct judge *j, const struct listing *o)
{
	judge_kv(j, "exit", "%d", o->code);
	return judge_holds(j, o->code == 0 && strcmp(o->built, o->got) == 0,
			   "ls / %s the rootfs's entries: %.400s",
			   strcmp(o->built, o->got) ? "lists other than"
						    : "lists exactly",
			   o->got);
}

static int build(struct ctx *c)
{
	struct elf_deps d;
	size_t files = 0;
	int r = rootfs_make_skeleton("root");

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(programs); i++) {
		r = rootfs_add_program_at("root", NULL, programs[i], &d);
		if (r == -ENOENT && d.missing[0])
			ctx_kv(c, "missing", "%s needed by %s", d.missing,
			       d.missing_from);
		files += d.n;
		elf_deps_free(&d);
	}
	ctx_kv(c, "files copied", "%zu", files);
	return r;
}

static char *const ls_argv[] = { "/bin/ls", "-1", "/", NULL };

static int observe_ls_chroot(struct ctx *c, struct listing *o)
{
	TRY(c, build(c), "build the rootfs from /bin/sh and /bin/ls");
	return observe_listing(c, o, BY_CHROOT, ls_argv);
}
CHECK(ls_chroot, struct listing, observe_ls_chroot, judge_listing);

static int observe_ls_pivot(struct ctx *c, struct listing *o)
{
	TRY(c, build(c), "build the rootfs from /bin/sh and /bin/ls");
	return observe_listing(c, o, BY_PIVOT, ls_argv);
}
CHECK(ls_pivot, struct listing, observe_ls_pivot, judge_listing);

static int observe_busybox(struct ctx *c, struct listing *o)
{
	static char *const argv[] = { "/bin/sh", "-c", "ls -1 /", NULL };

	if (!rootfs_busybox_path())
		return ctx_skip(c, "busybox not installed (busybox-static)");
	TRY(c, rootfs_make_skeleton("root"), "make the skeleton");
	TRY(c, rootfs_add_busybox("root"), "add busybox and its applets");
	return observe_listing(c, o, BY_CHROOT, argv);
}
CHECK(busybox_sh, struct listing, observe_busybox, judge_listing);

#define ROOTFS_REQ                                                             \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_MNT)                             \
	}

static const struct scenario minrootfs[] = {
	{ .id = "minrootfs/ls-chroot",
	  .title = "a copied /bin/ls runs under chroot",
	  .property = "a rootfs made of the host's /bin/sh and /bin/ls and "
		      "their libraries runs `ls /` under chroot, listing only "
		      "what the builder put there",
	  .expect = "ls / lists exactly the rootfs's entries",
	  .req = ROOTFS_REQ,
	  .tags = { "rootfs", "chroot", "core" },
	  .check = &ls_chroot },
	{ .id = "minrootfs/ls-pivot_root",
	  .title = "a copied /bin/ls runs under pivot_root",
	  .property = "the same rootfs runs `ls /` after pivot_root, listing "
		      "only what the builder put there",
	  .expect = "ls / lists exactly the rootfs's entries",
	  .req = ROOTFS_REQ,
	  .tags = { "rootfs", "pivot_root" },
	  .check = &ls_pivot },
	{ .id = "minrootfs/busybox",
	  .title = "a busybox rootfs runs its shell under chroot",
	  .property = "a rootfs of busybox and its applet links runs "
		      "`sh -c 'ls /'` under chroot, listing only its own",
	  .expect = "ls / lists exactly the rootfs's entries",
	  .req = ROOTFS_REQ,
	  .tags = { "rootfs", "chroot", "busybox" },
	  .check = &busybox_sh },
};

BOXCHECK_AREA(minrootfs, minrootfs);
