// SPDX-License-Identifier: MIT
/*
 * pidfds and ptrace across PID and user namespaces. The target is a child
 * of the worker, root, asleep on a pipe; its pidfd (and one of its fds) is
 * inherited by a prober made in a new PID namespace or a new user namespace
 * (root there is uid 100000 outside), or (control) in neither.
 */
#include "nsmore.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/ptrace.h>

struct target {
	pid_t pid; /* as the worker sees it */
	int pidfd; /* inherited by the prober */
	int fd;	   /* an fd the target holds */
};

/* The probed calls: 0 or an fd (closed again), or -1 with errno. */
static long pr_signal(const struct target *t)
{
	return pidfd_send_signal(t->pidfd, 0, NULL, 0);
}

static long pr_open(const struct target *t)
{
	return pidfd_open(t->pid, 0);
}

static long pr_getfd(const struct target *t)
{
	return pidfd_getfd(t->pidfd, t->fd, 0);
}

static long pr_seize(const struct target *t)
{
	return ptrace(PTRACE_SEIZE, t->pid, 0, 0);
}

/* The probed call's errno (M_PERM_REFUSED: the one looked for). */
static int cross_probe(long (*call)(const struct target *),
		       const struct target *t, int want)
{
	long r = call(t);
	int err = probe_errno(M_PERM_REFUSED, r, want);

	if (r > 0 && call != pr_seize)
		close((int)r);
	return err;
}

struct cross_kind {
	long (*call)(const struct target *t);
	int want;
	bool userns; /* the isolating step: a user ns, else a PID ns */
	int cap;     /* the capability the prober holds in its own ns */
	const char *what;
};

enum {
	X_SIGNAL_PIDNS,
	X_OPEN_PIDNS,
	X_SIGNAL_USERNS,
	X_GETFD,
	X_SEIZE,
	X_SEIZE_PIDNS
};
static const struct cross_kind kinds[] = {
	[X_SIGNAL_PIDNS] = { pr_signal, EINVAL, false, -1,
			     "pidfd_send_signal(target's pidfd, 0)" },
	[X_OPEN_PIDNS] = { pr_open, ESRCH, false, -1,
			   "pidfd_open(target's pid)" },
	[X_SIGNAL_USERNS] = { pr_signal, EPERM, true, CAP_KILL,
			      "pidfd_send_signal(target's pidfd, 0)" },
	[X_GETFD] = { pr_getfd, EPERM, true, CAP_SYS_PTRACE,
		      "pidfd_getfd(target's pidfd, its fd)" },
	[X_SEIZE] = { pr_seize, EPERM, true, CAP_SYS_PTRACE,
		      "PTRACE_SEIZE of the target" },
	[X_SEIZE_PIDNS] = { pr_seize, ESRCH, false, -1,
			    "PTRACE_SEIZE of the target's pid" },
};

struct cross_arg {
	const struct cross_kind *k;
	const struct target *t;
};

struct cross_seen {
	int err;       /* errno of the probe, 0 if it succeeded */
	uint64_t caps; /* the prober's CapEff */
};

static int prober(void *arg, void *out, size_t len)
{
	const struct cross_arg *a = arg;
	struct cross_seen *o = out;
	int r;

	(void)len;
	if (a->k->userns && (r = nsmore_become_root()) < 0)
		return child_fail("become root", r);
	if (a->k->cap >= 0 && (r = cap_eff_self(&o->caps)) < 0)
		return child_fail("read CapEff", r);
	o->err = cross_probe(a->k->call, a->t, a->k->want);
	return 0;
}

static int observe_cross(struct ctx *c, struct cross_seen *o, int kind)
{
	const struct cross_kind *k = &kinds[kind];
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int pidfd = -1, fd = -1;
	struct target t;
	struct cross_arg a = { k, &t };
	struct nsrun r = nsmore_run(0, c->isolate, true);

	if (k->call == pr_seize)
		TRY_OBS(ptrace_scope_skip(c));
	fd = TRY(c, open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), "open .");
	TRY(c, holder_start(&h, 0), "start the target");
	pidfd = pidfd_open(h.pid, 0);
	if (pidfd < 0)
		return ctx_error(c, neg_errno(), "pidfd_open the target");
	t = (struct target){ h.pid, pidfd, fd };
	ctx_kv(c, "target pid", "%d", h.pid);
	if (k->userns)
		return nsrun(c, "probe from the child", &r, prober, &a, o,
			     sizeof(*o));
	return run_in_child(c, "probe from the child",
			    c->isolate ? CLONE_NEWPID : 0, prober, &a, o,
			    sizeof(*o));
}

static enum obs judge_cross(struct judge *j, const struct cross_seen *o,
			    int kind)
{
	const struct cross_kind *k = &kinds[kind];

	if (k->cap >= 0)
		judge_kv(j, "prober's CapEff", "%016llx",
			 (unsigned long long)o->caps);
	if (k->cap >= 0 && !HAS_CAP(o->caps, k->cap))
		return judge_unknown(j, "the prober holds no capability %d",
				     k->cap);
	return judge_errno(j, o->err, k->want, "probe", k->what);
}

#define CROSS_CHECK(name_, kind_)                                              \
	static int observe_##name_(struct ctx *c, struct cross_seen *o)        \
	{                                                                      \
		return observe_cross(c, o, kind_);                             \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct cross_seen *o)              \
	{                                                                      \
		return judge_cross(j, o, kind_);                               \
	}                                                                      \
	CHECK(name_, struct cross_seen, observe_##name_, judge_##name_)
CROSS_CHECK(signal_pidns, X_SIGNAL_PIDNS);
CROSS_CHECK(open_pidns, X_OPEN_PIDNS);
CROSS_CHECK(signal_userns, X_SIGNAL_USERNS);
CROSS_CHECK(getfd_userns, X_GETFD);
CROSS_CHECK(seize_userns, X_SEIZE);
CROSS_CHECK(seize_pidns, X_SEIZE_PIDNS);

/* ---- fdinfo of a pidfd ---------------------------------------------------- */

/* Mount proc for our PID namespace, read the pidfd's "Pid:" through it. */
static int fdinfo_pid(void *arg, void *out, size_t len)
{
	char path[64], buf[1024], *l;
	int r;

	(void)len;
	if (mkdir("p", 0755) < 0 && errno != EEXIST)
		return child_fail("mkdir p", neg_errno());
	if (mount("proc", "p", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) <
	    0)
		return child_fail("mount proc", neg_errno());
	snprintf(path, sizeof(path), "p/self/fdinfo/%d", *(const int *)arg);
	if ((r = read_text(path, buf, sizeof(buf))) < 0)
		return child_fail(path, r);
	if (!(l = strstr(buf, "\nPid:")) ||
	    sscanf(l + 5, "%d", (int *)out) != 1)
		return child_fail("find Pid: in the fdinfo", -ENOENT);
	if (mutant_on(M_PERM_REFUSED))
		*(int *)out = 0;
	return 0;
}

struct fdinfo_seen {
	pid_t target; /* its pid, as the worker sees it */
	int pid;      /* the pidfd's Pid: through the prober's proc */
};

static int observe_fdinfo(struct ctx *c, struct fdinfo_seen *o)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int pidfd = -1;

	TRY(c, holder_start(&h, 0), "start the target");
	pidfd = pidfd_open(h.pid, 0);
	if (pidfd < 0)
		return ctx_error(c, neg_errno(), "pidfd_open the target");
	o->target = h.pid;
	return run_in_child(c, "read the fdinfo in the child",
			    CLONE_NEWNS | (c->isolate ? CLONE_NEWPID : 0),
			    fdinfo_pid, &pidfd, &o->pid, sizeof(o->pid));
}

static enum obs judge_fdinfo(struct judge *j, const struct fdinfo_seen *o)
{
	judge_kv(j, "target pid here", "%d", o->target);
	judge_kv(j, "Pid: in the prober's fdinfo", "%d", o->pid);
	return judge_holds(j, o->pid == 0,
			   "the pidfd's fdinfo shows Pid %d to the prober",
			   o->pid);
}
CHECK(fdinfo_zero, struct fdinfo_seen, observe_fdinfo, judge_fdinfo);

#define PIDNS_REQ                                                              \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_PID),                            \
		.features = FEAT_BIT(FEAT_PIDFD_OPEN)                          \
	}
#define USERNS_REQ                                                             \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_USER),                           \
		.features = FEAT_BIT(FEAT_PIDFD_OPEN) | FEAT_BIT(FEAT_USERNS)  \
	}

static const struct scenario pidfd[] = {
	{ .id = "pidfd/send-signal-outside-pidns-einval",
	  .title = "a pidfd cannot signal out of a PID namespace",
	  .property = "from a new PID namespace, pidfd_send_signal() on an "
		      "inherited pidfd of a process outside fails with EINVAL",
	  .expect = "EINVAL",
	  .req = PIDNS_REQ,
	  .tags = { "pidfd", "pid" },
	  .check = &signal_pidns },
	{ .id = "pidfd/open-outer-pid-esrch",
	  .title = "pidfd_open cannot name a process outside",
	  .property = "from a new PID namespace, pidfd_open() of an outer "
		      "process's pid fails with ESRCH",
	  .expect = "ESRCH",
	  .req = PIDNS_REQ,
	  .tags = { "pidfd", "pid" },
	  .check = &open_pidns },
	{ .id = "pidfd/fdinfo-pid-zero-outside-pidns",
	  .title = "a pidfd's fdinfo hides a process outside",
	  .property = "through a proc of a new PID namespace, the fdinfo of "
		      "a pidfd of a process outside shows Pid 0",
	  .expect = "Pid 0",
	  .req = { .root = true,
		   .ns = NS_BIT(NS_PID) | NS_BIT(NS_MNT),
		   .features = FEAT_BIT(FEAT_PIDFD_OPEN) },
	  .tags = { "pidfd", "pid" },
	  .check = &fdinfo_zero },
	{ .id = "pidfd/send-signal-needs-permission",
	  .title = "capabilities in a user namespace do not signal host root",
	  .property = "root of a new user namespace, holding CAP_KILL there, "
		      "gets EPERM from pidfd_send_signal() on a host root "
		      "process",
	  .expect = "EPERM",
	  .req = USERNS_REQ,
	  .tags = { "pidfd", "userns" },
	  .check = &signal_userns },
	{ .id = "pidfd/getfd-needs-ptrace-access",
	  .title = "pidfd_getfd needs ptrace access over the target",
	  .property = "root of a new user namespace, holding CAP_SYS_PTRACE "
		      "there, gets EPERM from pidfd_getfd() on a host root "
		      "process",
	  .expect = "EPERM",
	  .req = USERNS_REQ,
	  .tags = { "pidfd", "userns" },
	  .check = &getfd_userns },
	{ .id = "ptrace/seize-across-userns-eperm",
	  .title = "ptrace cannot reach out of a user namespace",
	  .property = "root of a new user namespace, holding CAP_SYS_PTRACE "
		      "there, gets EPERM from PTRACE_SEIZE of a host root "
		      "process",
	  .expect = "EPERM",
	  .req = USERNS_REQ,
	  .tags = { "ptrace", "userns" },
	  .check = &seize_userns },
	{ .id = "ptrace/seize-outer-pid-esrch",
	  .title = "ptrace cannot name a process outside the PID namespace",
	  .property = "from a new PID namespace, PTRACE_SEIZE of an outer "
		      "process's pid fails with ESRCH",
	  .expect = "ESRCH",
	  .req = PIDNS_REQ,
	  .tags = { "ptrace", "pid" },
	  .check = &seize_pidns },
};

BOXCHECK_AREA(pidfd, pidfd);
