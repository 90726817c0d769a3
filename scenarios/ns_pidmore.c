// SPDX-License-Identifier: MIT
/*
 * More PID namespace rules: ns_last_pid, and which PID namespaces setns()
 * may enter. The host's PID namespace is never written or entered: the
 * worker makes a PID namespace P0 of its own as the stand-in, and its init
 * runs each probe in a child made in a new PID namespace P1 below P0, or
 * (control) in P0 itself.
 */
#include "nsmore.h"

#include <fcntl.h>
#include <sys/pidfd.h>

#define LAST_PID 400

/* Fork a child that exits at once: its pid. M_PID_NEXT: 2. */
static int next_pid(pid_t *pid)
{
	pid_t p = fork();

	if (p < 0)
		return neg_errno();
	if (p == 0)
		_exit(0);
	if (wait_status(p, NULL) < 0)
		return neg_errno();
	*pid = mutant_on(M_PID_NEXT) ? 2 : p;
	return 0;
}

/* ---- ns_last_pid ---------------------------------------------------------- */

static int set_last_pid(void *arg, void *out, size_t len)
{
	char v[16];
	int r;

	(void)arg;
	(void)len;
	snprintf(v, sizeof(v), "%d", LAST_PID);
	if ((r = sysctl_set("kernel/ns_last_pid", v)) < 0)
		return child_fail("write kernel/ns_last_pid", r);
	r = next_pid(out);
	return r < 0 ? child_fail("fork", r) : 0;
}

struct last_pid_seen {
	pid_t inner; /* the child forked after the write, where written */
	pid_t outer; /* a child forked in P0 afterwards */
};

/* What init of P0 is given: the flags of the probe's child. */
struct p0_arg {
	unsigned long flags; /* CLONE_NEWPID, or 0 */
};

/* As init of P0. */
static int last_pid_in_p0(void *arg, void *out, size_t len)
{
	const struct p0_arg *a = arg;
	struct last_pid_seen *o = out;
	struct child_res res;
	int r;

	(void)len;
	if (child_run(a->flags, set_last_pid, NULL, &o->inner, sizeof(o->inner),
		      &res) < 0)
		return child_relay_fail(&res, "write ns_last_pid in a child");
	if ((r = next_pid(&o->outer)) < 0)
		return child_fail("fork in P0", r);
	return 0;
}

static int observe_last_pid(struct ctx *c, struct last_pid_seen *o)
{
	struct p0_arg a = { c->isolate ? CLONE_NEWPID : 0 };

	return run_in_child(c, "run as init of P0", CLONE_NEWPID,
			    last_pid_in_p0, &a, o, sizeof(*o));
}

static enum obs judge_last_pid(struct judge *j, const struct last_pid_seen *o)
{
	judge_kv(j, "pid forked after the write", "%d", o->inner);
	judge_kv(j, "pid forked in P0 afterwards", "%d", o->outer);
	if (o->inner != LAST_PID + 1)
		return judge_unknown(j, "ns_last_pid %d was not followed: %d",
				     LAST_PID, o->inner);
	return judge_holds(j, o->outer < LAST_PID,
			   "after ns_last_pid %d: %d where written, %d in P0",
			   LAST_PID, o->inner, o->outer);
}
CHECK(last_pid, struct last_pid_seen, observe_last_pid, judge_last_pid);

/* ---- setns into a PID namespace ----------------------------------------- */

static int try_setns(void *arg, void *out, size_t len)
{
	(void)len;
	*(int *)out = probe_errno(
		M_PERM_REFUSED, setns(*(const int *)arg, CLONE_NEWPID), EINVAL);
	return 0;
}

struct setns_seen {
	int err; /* errno of setns(CLONE_NEWPID), 0 if it worked */
};

/* As init of P0: a child tries to enter P0 itself. */
static int ancestor_in_p0(void *arg, void *out, size_t len)
{
	const struct p0_arg *a = arg;
	struct child_res res;
	_cleanup_close_ int fd =
		open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);

	(void)len;
	if (fd < 0)
		return child_fail("open our pid namespace", neg_errno());
	if (child_run(a->flags, try_setns, &fd, out, sizeof(int), &res) < 0)
		return child_relay_fail(&res, "setns in a child");
	return 0;
}

/* As init of P0: a child tries to enter P2, a PID namespace below P0. */
static int sibling_in_p0(void *arg, void *out, size_t len)
{
	const struct p0_arg *a = arg;
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int pidfd = -1;
	struct child_res res;
	int r;

	(void)len;
	if ((r = holder_start(&h, CLONE_NEWPID)) < 0)
		return child_fail("start a holder in P2", r);
	if ((pidfd = pidfd_open(h.pid, 0)) < 0)
		return child_fail("pidfd_open the holder", neg_errno());
	if (child_run(a->flags, try_setns, &pidfd, out, sizeof(int), &res) < 0)
		return child_relay_fail(&res, "setns in a child");
	return 0;
}

static int observe_ancestor(struct ctx *c, struct setns_seen *o)
{
	struct p0_arg a = { c->isolate ? CLONE_NEWPID : 0 };

	return run_in_child(c, "run as init of P0", CLONE_NEWPID,
			    ancestor_in_p0, &a, &o->err, sizeof(o->err));
}

static int observe_sibling(struct ctx *c, struct setns_seen *o)
{
	struct p0_arg a = { c->isolate ? CLONE_NEWPID : 0 };

	return run_in_child(c, "run as init of P0", CLONE_NEWPID, sibling_in_p0,
			    &a, &o->err, sizeof(o->err));
}

static enum obs judge_setns(struct judge *j, const struct setns_seen *o)
{
	return judge_errno(j, o->err, EINVAL, "setns(CLONE_NEWPID)",
			   "setns into the PID namespace");
}
CHECK(setns_ancestor, struct setns_seen, observe_ancestor, judge_setns);
CHECK(setns_sibling, struct setns_seen, observe_sibling, judge_setns);

#define PID_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_PID)                             \
	}

static const struct scenario ns_pidmore[] = {
	{ .id = "pidns/ns-last-pid-per-ns",
	  .title = "ns_last_pid sets the next pid of its own namespace only",
	  .property = "after kernel.ns_last_pid = 400 in a new PID namespace "
		      "the next pid there is 401, and the parent namespace "
		      "goes on from its own last pid",
	  .expect = "401 where written, below 400 in the parent",
	  .req = PID_REQ,
	  .tags = { "pid", "sysctl" },
	  .check = &last_pid },
	{ .id = "pidns/setns-ancestor-einval",
	  .title = "setns cannot enter an ancestor PID namespace",
	  .property = "a process in a new PID namespace gets EINVAL from "
		      "setns() into its parent PID namespace",
	  .expect = "EINVAL",
	  .req = PID_REQ,
	  .tags = { "pid", "setns" },
	  .check = &setns_ancestor },
	{ .id = "pidns/setns-sibling-einval",
	  .title = "setns enters only descendant PID namespaces",
	  .property = "a process in a new PID namespace gets EINVAL from "
		      "setns() into a sibling PID namespace, which its parent "
		      "may enter",
	  .expect = "EINVAL",
	  .req = { .root = true,
		   .ns = NS_BIT(NS_PID),
		   .features = FEAT_BIT(FEAT_PIDFD_SETNS) },
	  .tags = { "pid", "setns" },
	  .check = &setns_sibling },
};

BOXCHECK_AREA(ns_pidmore, ns_pidmore);
