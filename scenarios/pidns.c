// SPDX-License-Identifier: MIT
/* PID namespace scenarios. */
#include "pidns.h"
#include "../primitives/mutant.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

void pid_view_read(struct pid_view *v)
{
	if (mutant_on(M_PID_VIEW)) {
		*v = (struct pid_view){ 1, 0, 1, 1 };
		return;
	}
	v->pid = getpid();
	v->ppid = getppid();
	v->sid = getsid(0);
	v->pgid = getpgrp();
}

pid_t pid_of_sender(const siginfo_t *si)
{
	return mutant_on(M_PID_VIEW) ? 0 : si->si_pid;
}

static int report_view(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)len;
	pid_view_read(out);
	return 0;
}

static int observe_init(struct ctx *c, struct pid_view *o)
{
	return run_in_child(c, "run the child", PIDNS(c), report_view, NULL, o,
			    sizeof(*o));
}

static enum obs judge_init(struct judge *j, const struct pid_view *o)
{
	judge_kv(j, "getpid", "%d", o->pid);
	judge_kv(j, "getppid", "%d", o->ppid);
	return judge_holds(j, o->pid == 1 && o->ppid == 0,
			   "getpid()=%d getppid()=%d", o->pid, o->ppid);
}
CHECK(init_is_pid1, struct pid_view, observe_init, judge_init);

/* After setsid(), init leads its session and group: both read 1. */
static int setsid_and_report(void *arg, void *out, size_t len)
{
	if (setsid() < 0)
		return child_fail("setsid", neg_errno());
	return report_view(arg, out, len);
}

static int observe_session(struct ctx *c, struct pid_view *o)
{
	return run_in_child(c, "run the child", PIDNS(c), setsid_and_report,
			    NULL, o, sizeof(*o));
}

static enum obs judge_session(struct judge *j, const struct pid_view *o)
{
	judge_kv(j, "getsid", "%d", o->sid);
	judge_kv(j, "getpgrp", "%d", o->pgid);
	return judge_holds(j, o->sid == 1 && o->pgid == 1,
			   "getsid()=%d getpgrp()=%d", o->sid, o->pgid);
}
CHECK(session_is_1, struct pid_view, observe_session, judge_session);

/* ---- the parent's view ------------------------------------------- */

struct two_views {
	pid_t seen;   /* the pid clone() returned to the parent */
	pid_t inside; /* the child's own getpid() */
};

/* The child reports its own pid and holds; the parent compares. */
static int observe_other_pid(struct ctx *c, struct two_views *o)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	char path[64], status[2048] = "", *nspid;
	struct pid_view v;

	TRY(c, chan_open(&ch), "pipe");
	pid = TRY(c, ns_fork(PIDNS(c)), "fork the child");
	if (pid == 0) {
		pid_view_read(&v);
		chan_send(&ch, &v, sizeof(v));
		pause();
		_exit(0);
	}
	closep(&ch.wr);
	ch.wr = -1;
	TRY(c, chan_recv(&ch, &v, sizeof(v)), "read the child's pid");
	o->seen = pid;
	o->inside = v.pid;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	TRY(c, read_text(path, status, sizeof(status)), "read its status");
	nspid = strstr(status, "NSpid:");
	if (nspid)
		ctx_kv(c, "NSpid", "%.*s", (int)strcspn(nspid + 6, "\n"),
		       nspid + 6);
	return 0;
}

static enum obs judge_other_pid(struct judge *j, const struct two_views *o)
{
	judge_kv(j, "pid seen by parent", "%d", o->seen);
	judge_kv(j, "getpid in child", "%d", o->inside);
	return judge_holds(j, o->inside != o->seen,
			   "parent sees %d, child sees %d", o->seen, o->inside);
}
CHECK(parent_sees_other_pid, struct two_views, observe_other_pid,
      judge_other_pid);

/* ---- /proc mounted inside ----------------------------------------- */

struct proc_seen {
	int n;		  /* numeric entries: the processes procfs lists */
	pid_t self;	  /* the lister, as that procfs names it */
	pid_t first;	  /* the first pid listed */
	bool self_listed; /* the lister is among them */
};

/* What the procfs at dir lists (mutation point M_PID_PROC). */
static int proc_list(const char *dir, struct proc_seen *o)
{
	_cleanup_closedir_ DIR *d = NULL;
	char path[PATH_MAX], link[32];
	struct dirent *e;
	ssize_t k;

	snprintf(path, sizeof(path), "%s/self", dir);
	k = readlink(path, link, sizeof(link) - 1);
	if (k < 0)
		return neg_errno();
	link[k] = '\0';
	o->self = atoi(link);
	if (mutant_on(M_PID_PROC)) {
		*o = (struct proc_seen){ 1, o->self, o->self, true };
		return 0;
	}
	d = opendir(dir);
	if (!d)
		return neg_errno();
	for (errno = 0; (e = readdir(d)); errno = 0) {
		pid_t p;
		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		p = atoi(e->d_name);
		if (o->n++ == 0)
			o->first = p;
		o->self_listed |= p == o->self;
	}
	return errno ? neg_errno() : 0;
}

/* In its own mount namespace (the clone flag): the mount dies with it. */
static int mount_and_list(void *arg, void *out, size_t len)
{
	int r;

	(void)arg;
	(void)len;
	if (mkdir("proc", 0755) < 0 && errno != EEXIST)
		return child_fail("mkdir proc", neg_errno());
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return child_fail("mount proc", neg_errno());
	if ((r = proc_list("proc", out)) < 0)
		return child_fail("list proc", r);
	return 0;
}

static int observe_proc(struct ctx *c, struct proc_seen *o)
{
	return run_in_child(c, "mount and list proc in the child",
			    PIDNS(c) | CLONE_NEWNS, mount_and_list, NULL, o,
			    sizeof(*o));
}

/* Only the lister itself: one entry, and it is the lister. */
static enum obs judge_proc(struct judge *j, const struct proc_seen *o)
{
	judge_kv(j, "processes in /proc", "%d", o->n);
	judge_kv(j, "first listed", "%d", o->first);
	judge_kv(j, "the lister", "%d (%s)", o->self,
		 o->self_listed ? "listed" : "not listed");
	return judge_holds(j, o->n == 1 && o->self_listed,
			   "/proc lists %d process(es)%s", o->n,
			   o->self_listed ? ", the lister among them"
					  : ", not the lister");
}
CHECK(proc_lists_only_ns, struct proc_seen, observe_proc, judge_proc);

/* ---- nesting ------------------------------------------------------- */

#define PID_NS_MAX_LEVEL 32

struct nest {
	int left;
	unsigned long flags;
};

struct nest_out {
	int levels;    /* entries in the leaf's NSpid */
	pid_t pid;     /* the leaf's getpid() */
	int extra_err; /* errno of one more fork with the flags, 0: ok */
};

/* Entries in /proc/self/status's NSpid: one per PID namespace level. */
static int nspid_levels(void)
{
	char buf[4096], *l;
	int n = 0, r = read_text("/proc/self/status", buf, sizeof(buf));

	if (r < 0)
		return r;
	l = strstr(buf, "NSpid:");
	if (!l)
		return -ENOENT;
	for (l += 6; *l && *l != '\n'; l++)
		if ((*l >= '0' && *l <= '9') && (l[-1] == ' ' || l[-1] == '\t'))
			n++;
	return n;
}

/* The leaf: how deep it is, and one more level (mutation point). */
static int depth_probe(unsigned long flags, struct nest_out *o)
{
	pid_t pid;
	int r;

	o->pid = getpid();
	if (mutant_on(M_PID_DEPTH)) {
		o->levels = PID_NS_MAX_LEVEL + 1;
		o->extra_err = ENOSPC;
		return 0;
	}
	if ((o->levels = nspid_levels()) < 0)
		return o->levels;
	pid = ns_fork(flags);
	if (pid == 0)
		_exit(0);
	o->extra_err = pid < 0 ? -pid : 0;
	if (pid > 0 && (r = wait_status(pid, NULL)) < 0)
		return r;
	return 0;
}

static int nest_down(void *arg, void *out, size_t len)
{
	struct nest next = *(struct nest *)arg;
	struct child_res res;
	int r;

	if (next.left-- <= 0) {
		r = depth_probe(next.flags, out);
		return r < 0 ? child_fail("the depth probe", r) : 0;
	}
	r = child_run(next.flags, nest_down, &next, out, len, &res);
	return r < 0 ? child_relay_fail(&res, "nest a level") : 0;
}

static int observe_nesting(struct ctx *c, struct nest_out *o)
{
	int base = TRY(c, nspid_levels(), "read NSpid of /proc/self/status");
	struct nest n = { PID_NS_MAX_LEVEL + 1 - base, PIDNS(c) };

	ctx_kv(c, "levels nested", "%d", n.left);
	return run_in_child(c, "nest the children", 0, nest_down, &n, o,
			    sizeof(*o));
}

static enum obs judge_nesting(struct judge *j, const struct nest_out *o)
{
	const char *e = o->extra_err ? strerrorname_np(o->extra_err) : "ok";

	judge_kv(j, "NSpid entries", "%d", o->levels);
	judge_kv(j, "leaf pid", "%d", o->pid);
	judge_kv(j, "one more", "%s", e);
	return judge_holds(
		j, o->levels == PID_NS_MAX_LEVEL + 1 && o->extra_err == ENOSPC,
		"leaf: %d NSpid levels; one more: %s", o->levels, e);
}
CHECK(nesting_to_max, struct nest_out, observe_nesting, judge_nesting);

/* ---- unshare ------------------------------------------------------- */

struct moved {
	pid_t before, after; /* the caller's pid around unshare() */
	pid_t child;	     /* its next child's getpid() */
};

/* unshare(CLONE_NEWPID): the caller stays, its next child is PID 1. */
static int unshare_then_fork(void *arg, void *out, size_t len)
{
	unsigned long flags = *(const unsigned long *)arg;
	struct moved *o = out;
	struct pid_view me, kid;
	struct child_res res;

	(void)len;
	pid_view_read(&me);
	o->before = me.pid;
	if (flags && unshare(flags) < 0)
		return child_fail("unshare(CLONE_NEWPID)", neg_errno());
	pid_view_read(&me);
	o->after = me.pid;
	if (child_run(0, report_view, NULL, &kid, sizeof(kid), &res) < 0)
		return child_relay_fail(&res, "fork after unshare");
	o->child = kid.pid;
	return 0;
}

static int observe_unshare(struct ctx *c, struct moved *o)
{
	unsigned long flags = PIDNS(c);

	return run_in_child(c, "run the unsharing child", 0, unshare_then_fork,
			    &flags, o, sizeof(*o));
}

static enum obs judge_unshare(struct judge *j, const struct moved *o)
{
	judge_kv(j, "caller before/after", "%d/%d", o->before, o->after);
	judge_kv(j, "its child", "%d", o->child);
	return judge_holds(j, o->before == o->after && o->child == 1,
			   "caller pid %d -> %d, its child's pid %d", o->before,
			   o->after, o->child);
}
CHECK(unshare_moves_children, struct moved, observe_unshare, judge_unshare);

static const struct scenario pidns[] = {
	{ .id = "pidns/init-is-pid1",
	  .title = "first process of a new PID namespace is PID 1",
	  .property = "a child created with CLONE_NEWPID sees getpid() == 1 "
		      "and getppid() == 0",
	  .expect = "getpid()=1 getppid()=0",
	  .req = PID_REQ,
	  .tags = { "pid", "core" },
	  .check = &init_is_pid1 },
	{ .id = "pidns/session-is-1",
	  .title = "init's session and process group are 1",
	  .property = "after setsid(), the first process of a new PID "
		      "namespace reads getsid() == getpgrp() == 1",
	  .expect = "getsid()=1 getpgrp()=1",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .check = &session_is_1 },
	{ .id = "pidns/parent-sees-other-pid",
	  .title = "the parent sees the child under another pid",
	  .property = "the pid clone() returns differs from the child's own "
		      "getpid()",
	  .expect = "parent's pid != child's getpid()",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .check = &parent_sees_other_pid },
	{ .id = "pidns/proc-lists-only-ns",
	  .title = "a /proc mounted inside lists only the namespace",
	  .property = "procfs mounted in a new PID (and mount) namespace "
		      "lists its one process and nothing of the host",
	  .expect = "/proc lists 1 process(es), the lister among them",
	  .req = { .root = true,
		   .ns = NS_BIT(NS_PID) | NS_BIT(NS_MNT),
		   .fs = { "proc" } },
	  .tags = { "pid", "mnt", "core" },
	  .check = &proc_lists_only_ns },
	{ .id = "pidns/nesting-to-max",
	  .title = "PID namespaces nest to 32 levels",
	  .property = "nested CLONE_NEWPID reaches level 32 (33 NSpid "
		      "entries); one more fails with ENOSPC",
	  .expect = "leaf: 33 NSpid levels; one more: ENOSPC",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .check = &nesting_to_max },
	{ .id = "pidns/unshare-moves-children-only",
	  .title = "unshare(CLONE_NEWPID) moves only the children",
	  .property = "after unshare(CLONE_NEWPID) the caller keeps its pid "
		      "and its next child is PID 1",
	  .expect = "caller pid unchanged, its child's pid 1",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .check = &unshare_moves_children },
};

BOXCHECK_AREA(pidns, pidns);
