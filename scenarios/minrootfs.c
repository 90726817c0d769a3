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

enum confine { BY_CHROOT, BY_PIVOT };

static const char *const programs[] = { "/bin/sh", "/bin/ls" };

/* The root's entries, sorted and space separated, as `ls -1` gives them. */
static int listing_of(const char *dir, char *buf, size_t len)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t at = 0;

	if (n < 0)
		return neg_errno();
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && at < len)
			at += snprintf(buf + at, len - at, "%s%s",
				       at ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return at < len ? 0 : -ENAMETOOLONG;
}

static _Noreturn void exec_inside(int out, bool isolate, enum confine how,
				  char *const argv[])
{
	static char *const env[] = { "PATH=/bin:/sbin:/usr/bin", "LC_ALL=C",
				     NULL };
	int r = 0;

	if (isolate)
		r = how == BY_PIVOT ? rootfs_pivot("root")
				    : rootfs_chroot("root");
	if (r < 0 || dup2(out, STDOUT_FILENO) < 0)
		_exit(126);
	execve(argv[0], argv, env);
	_exit(127);
}

/* Run argv (inside root when isolated) and collect its output, one line. */
static int run_cmd(bool isolate, enum confine how, char *const argv[],
		   char *buf, size_t len, int *code)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	ssize_t n;
	int st, r = chan_open(&ch);

	if (r < 0)
		return r;
	pid = ns_fork(how == BY_PIVOT ? CLONE_NEWNS : 0);
	if (pid < 0)
		return pid;
	if (pid == 0)
		exec_inside(ch.wr, isolate, how, argv);
	closep(&ch.wr);
	ch.wr = -1;
	n = fd_read_all(ch.rd, buf, len - 1);
	r = wait_status(TAKE_PID(pid), &st);
	if (n < 0 || r < 0)
		return n < 0 ? (int)n : r;
	buf[n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = p[1] ? ' ' : '\0';
	*code = exit_code_of(st);
	return 0;
}

static enum obs compare(struct ctx *c, enum confine how, const char *label,
			char *const argv[])
{
	char want[1024], got[4096];
	int code = -1;

	TRY(c, listing_of("root", want, sizeof(want)), "list the rootfs");
	TRY(c, run_cmd(c->isolate, how, argv, got, sizeof(got), &code),
	    "run the command");
	if (code == 126)
		return ctx_error(c, 0, "%s into the rootfs failed",
				 how == BY_PIVOT ? "pivot_root" : "chroot");
	ctx_kv(c, "built", "%s", want);
	ctx_kv(c, "exit", "%d", code);
	return ctx_holds(c, code == 0 && strcmp(want, got) == 0,
			 "%s %s lists: %.400s", label,
			 !c->isolate	   ? "unconfined"
			 : how == BY_PIVOT ? "under pivot_root"
					   : "under chroot",
			 got);
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

static enum obs ls_chroot(struct ctx *c)
{
	TRY(c, build(c), "build the rootfs from /bin/sh and /bin/ls");
	return compare(c, BY_CHROOT, "ls /", ls_argv);
}

static enum obs ls_pivot(struct ctx *c)
{
	TRY(c, build(c), "build the rootfs from /bin/sh and /bin/ls");
	return compare(c, BY_PIVOT, "ls /", ls_argv);
}

static enum obs busybox_sh(struct ctx *c)
{
	static char *const argv[] = { "/bin/sh", "-c", "ls -1 /", NULL };

	if (!rootfs_busybox_path())
		return ctx_skip(c, "busybox not installed (busybox-static)");
	TRY(c, rootfs_make_skeleton("root"), "make the skeleton");
	TRY(c, rootfs_add_busybox("root"), "add busybox and its applets");
	return compare(c, BY_CHROOT, "busybox sh -c 'ls /'", argv);
}

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
	  .expect = "ls / lists exactly the rootfs's top entries",
	  .req = ROOTFS_REQ,
	  .tags = { "rootfs", "chroot", "core" },
	  .run = ls_chroot },
	{ .id = "minrootfs/ls-pivot_root",
	  .title = "a copied /bin/ls runs under pivot_root",
	  .property = "the same rootfs runs `ls /` after pivot_root, listing "
		      "only what the builder put there",
	  .expect = "ls / lists exactly the rootfs's top entries",
	  .req = ROOTFS_REQ,
	  .tags = { "rootfs", "pivot_root" },
	  .run = ls_pivot },
	{ .id = "minrootfs/busybox",
	  .title = "a busybox rootfs runs its shell under chroot",
	  .property = "a rootfs of busybox and its applet links runs "
		      "`sh -c 'ls /'` under chroot, listing only its own",
	  .expect = "ls / lists exactly the rootfs's top entries",
	  .req = ROOTFS_REQ,
	  .tags = { "rootfs", "chroot", "busybox" },
	  .run = busybox_sh },
};

BOXCHECK_AREA(minrootfs, minrootfs);
