// SPDX-License-Identifier: MIT
/* PID namespace scenarios. */
#include "pidns.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

static int report_pids(void *arg, void *out, size_t len)
{
	struct pids *p = out;

	(void)len;
	if (arg && setsid() < 0)
		p->err = errno;
	p->pid = getpid();
	p->ppid = getppid();
	p->sid = getsid(0);
	p->pgid = getpgrp();
	return 0;
}

static enum obs init_is_pid1(struct ctx *c)
{
	struct pids p;

	TRY(c, legacy_run_in_child(PIDNS(c), report_pids, NULL, &p, sizeof(p), NULL),
	    "fork the child");
	ctx_kv(c, "getpid", "%d", p.pid);
	ctx_kv(c, "getppid", "%d", p.ppid);
	return ctx_holds(c, p.pid == 1 && p.ppid == 0,
			 "getpid()=%d getppid()=%d", p.pid, p.ppid);
}

/* After setsid(), init leads its session and group: both read 1. */
static enum obs session_is_1(struct ctx *c)
{
	struct pids p;

	TRY(c,
	    legacy_run_in_child(PIDNS(c), report_pids, "setsid", &p, sizeof(p), NULL),
	    "fork the child");
	if (p.err)
		return ctx_error(c, -p.err, "setsid in the child");
	ctx_kv(c, "getsid", "%d", p.sid);
	ctx_kv(c, "getpgrp", "%d", p.pgid);
	return ctx_holds(c, p.sid == 1 && p.pgid == 1,
			 "getsid()=%d getpgrp()=%d", p.sid, p.pgid);
}

/* The child reports its own pid and holds; the parent compares. */
static enum obs parent_sees_other_pid(struct ctx *c)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	char path[64], nspid[128] = "";
	pid_t inside = 0;

	TRY(c, chan_open(&ch), "pipe");
	pid = TRY(c, ns_fork(PIDNS(c)), "fork the child");
	if (pid == 0) {
		chan_send_int(&ch, getpid());
		pause();
		_exit(0);
	}
	TRY(c, chan_recv_int(&ch, &inside), "read the child's pid");
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	TRY(c, read_text(path, nspid, sizeof(nspid)), "read its status");
	ctx_kv(c, "pid seen by parent", "%d", pid);
	ctx_kv(c, "getpid in child", "%d", inside);
	return ctx_holds(c, inside != pid, "parent sees %d, child sees %d", pid,
			 inside);
}

/* ---- /proc mounted inside ----------------------------------------- */

static int count_proc(void *arg, void *out, size_t len)
{
	struct pids *p = out;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;

	(void)arg;
	(void)len;
	/* 1. Our own mount ns (clone flag), so this mount dies with us. */
	if (mkdir("proc", 0755) < 0 && errno != EEXIST)
		return p->err = errno, 1;
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return p->err = errno, 1;
	/* 2. Count the numeric entries: the processes procfs shows. */
	d = opendir("proc");
	while (d && (e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			p->n++;
	p->pid = getpid();
	return 0;
}

static enum obs proc_lists_only_ns(struct ctx *c)
{
	struct pids p;

	TRY(c,
	    legacy_run_in_child(PIDNS(c) | CLONE_NEWNS, count_proc, NULL, &p,
			 sizeof(p), NULL),
	    "fork the child");
	if (p.err)
		return ctx_error(c, -p.err, "mount proc in the child");
	ctx_kv(c, "processes in /proc", "%d", p.n);
	return ctx_holds(c, p.n == 1 && p.pid == 1,
			 "/proc lists %d process(es)", p.n);
}

/* ---- nesting ------------------------------------------------------- */

#define PID_NS_MAX_LEVEL 32

struct nest {
	int left;
	unsigned long flags;
};

struct nest_out {
	int levels; /* entries in NSpid */
	pid_t pid;
	int extra_err; /* errno of one more CLONE_NEWPID */
};

static int nspid_levels(void)
{
	char buf[4096], *l;
	int n = 0;

	if (read_text("/proc/self/status", buf, sizeof(buf)) < 0)
		return -1;
	l = strstr(buf, "NSpid:");
	if (!l)
		return -1;
	for (l += 6; *l && *l != '\n'; l++)
		if ((*l >= '0' && *l <= '9') && (l[-1] == ' ' || l[-1] == '\t'))
			n++;
	return n;
}

static int nest_down(void *arg, void *out, size_t len)
{
	struct nest next = *(struct nest *)arg;
	struct nest_out *o = out;
	pid_t pid;
	int st;

	if (next.left-- > 0) {
		if (legacy_run_in_child(next.flags, nest_down, &next, out, len, &st) <
		    0)
			return 3;
		return exit_code_of(st);
	}
	o->levels = nspid_levels();
	o->pid = getpid();
	pid = ns_fork(next.flags);
	if (pid == 0)
		_exit(0);
	o->extra_err = pid < 0 ? -pid : 0;
	if (pid > 0)
		wait_status(pid, NULL);
	return 0;
}

static enum obs nesting_to_max(struct ctx *c)
{
	int base = nspid_levels();
	struct nest n = { PID_NS_MAX_LEVEL + 1 - base, PIDNS(c) };
	struct nest_out o;
	int st;

	if (base < 1)
		return ctx_error(c, 0, "no NSpid line in /proc/self/status");
	TRY(c, legacy_run_in_child(0, nest_down, &n, &o, sizeof(o), &st),
	    "nest the children");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "a level failed (exit %d)",
				 exit_code_of(st));
	ctx_kv(c, "nested", "%d", n.left);
	ctx_kv(c, "NSpid entries", "%d", o.levels);
	ctx_kv(c, "one more", "%s",
	       o.extra_err ? strerrorname_np(o.extra_err) : "ok");
	return ctx_holds(c,
			 o.levels == PID_NS_MAX_LEVEL + 1 && o.pid == 1 &&
				 o.extra_err == ENOSPC,
			 "leaf: %d NSpid levels, pid %d; one more: %s",
			 o.levels, o.pid,
			 o.extra_err ? strerrorname_np(o.extra_err) : "ok");
}

/* unshare(CLONE_NEWPID): the caller stays, its next child is PID 1. */
static int unshare_then_fork(void *arg, void *out, size_t len)
{
	struct pids *p = out;
	struct pids g;

	(void)len;
	p->pid = getpid();
	if (*(bool *)arg && unshare(CLONE_NEWPID) < 0)
		return p->err = errno, 1;
	p->seen = getpid();
	if (legacy_run_in_child(0, report_pids, NULL, &g, sizeof(g), NULL) < 0)
		return 2;
	p->n = g.pid;
	return 0;
}

static enum obs unshare_moves_children(struct ctx *c)
{
	struct pids p;

	TRY(c,
	    legacy_run_in_child(0, unshare_then_fork, &c->isolate, &p, sizeof(p),
			 NULL),
	    "fork the child");
	if (p.err)
		return ctx_error(c, -p.err, "unshare(CLONE_NEWPID)");
	ctx_kv(c, "caller before/after", "%d/%d", p.pid, p.seen);
	ctx_kv(c, "its child", "%d", p.n);
	return ctx_holds(c, p.pid == p.seen && p.n == 1,
			 "caller pid %d -> %d, its child's pid %d", p.pid,
			 p.seen, p.n);
}

static const struct scenario pidns[] = {
	{ .id = "pidns/init-is-pid1",
	  .title = "first process of a new PID namespace is PID 1",
	  .property = "a child created with CLONE_NEWPID sees getpid() == 1 "
		      "and getppid() == 0",
	  .expect = "getpid()=1 getppid()=0",
	  .req = PID_REQ,
	  .tags = { "pid", "core" },
	  .run = init_is_pid1 },
	{ .id = "pidns/session-is-1",
	  .title = "init's session and process group are 1",
	  .property = "after setsid(), the first process of a new PID "
		      "namespace reads getsid() == getpgrp() == 1",
	  .expect = "getsid()=1 getpgrp()=1",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .run = session_is_1 },
	{ .id = "pidns/parent-sees-other-pid",
	  .title = "the parent sees the child under another pid",
	  .property = "the pid clone() returns differs from the child's own "
		      "getpid()",
	  .expect = "parent's pid != child's getpid()",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .run = parent_sees_other_pid },
	{ .id = "pidns/proc-lists-only-ns",
	  .title = "a /proc mounted inside lists only the namespace",
	  .property = "procfs mounted in a new PID (and mount) namespace "
		      "lists its one process and nothing of the host",
	  .expect = "/proc lists 1 process(es)",
	  .req = { .root = true,
		   .ns = NS_BIT(NS_PID) | NS_BIT(NS_MNT),
		   .fs = { "proc" } },
	  .tags = { "pid", "mnt", "core" },
	  .run = proc_lists_only_ns },
	{ .id = "pidns/nesting-to-max",
	  .title = "PID namespaces nest to 32 levels",
	  .property = "nested CLONE_NEWPID reaches level 32 (33 NSpid "
		      "entries); one more fails with ENOSPC",
	  .expect = "leaf: 33 NSpid levels, pid 1; one more: ENOSPC",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .run = nesting_to_max },
	{ .id = "pidns/unshare-moves-children-only",
	  .title = "unshare(CLONE_NEWPID) moves only the children",
	  .property = "after unshare(CLONE_NEWPID) the caller keeps its pid "
		      "and its next child is PID 1",
	  .expect = "caller pid unchanged, its child's pid 1",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .run = unshare_moves_children },
};

BOXCHECK_AREA(pidns, pidns);
