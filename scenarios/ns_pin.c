// SPDX-License-Identifier: MIT
/*
 * What keeps a namespace alive once its last process has left: a child
 * namespace (of a user or PID namespace), a non-user namespace it owns
 * (of a user namespace), a process's pid_for_children or
 * time_for_children. Each row makes namespace X, notes its inode, lets
 * every process of X go, and then reaches for X through what is left:
 * NS_GET_PARENT or NS_GET_USERNS of an fd we kept, or the *_for_children
 * link of a living process. The control keeps the same kind of thing,
 * but one that does not refer to X, and so reaches something else.
 */
#include "nsw.h"

#include <fcntl.h>
#include <string.h>

/* A child running steps on cue: `step` sends an int, then waits. */
struct stepper {
	pid_t pid;
	struct chan res, go;
};

static int step_send(struct stepper *s, int v)
{
	char b;

	if (chan_send_int(&s->res, v) < 0)
		return -EPIPE;
	return read(s->go.rd, &b, 1) == 1 ? 0 : -EPIPE;
}

static int stepper_start(struct stepper *s)
{
	int r;

	*s = (struct stepper){ .pid = -1, .res = CHAN_INIT, .go = CHAN_INIT };
	if ((r = chan_open(&s->res)) < 0 || (r = chan_open(&s->go)) < 0)
		return r;
	s->pid = ns_fork(0);
	if (s->pid > 0) {
		closep(&s->res.wr);
		closep(&s->go.rd);
		s->res.wr = s->go.rd = -1;
	} else if (s->pid == 0) {
		closep(&s->res.rd);
		closep(&s->go.wr);
		s->res.rd = s->go.wr = -1;
	}
	return s->pid < 0 ? s->pid : 0;
}

/* Parent side: the child's next report (its -errno fails the step). */
static int stepper_wait(struct stepper *s)
{
	int v, r = chan_recv_int(&s->res, &v);

	return r < 0 ? r : v;
}

static int stepper_next(struct stepper *s)
{
	return chan_send(&s->go, "g", 1);
}

/* Let it end and reap it. */
static void stepper_stop(struct stepper *s)
{
	chan_close(&s->go);
	chan_close(&s->res);
	if (s->pid > 0)
		wait_status(s->pid, NULL);
	s->pid = -1;
}

/* ---- the rows ------------------------------------------------------------ */

/* What a row leaves once X has no process: an fd, or a living process. */
struct left {
	int fd;		  /* an nsfs fd we kept, or -1 */
	pid_t keeper;	  /* a process whose *_for_children names X */
	struct ns_id x;	  /* X, noted while it had a process */
	struct stepper s; /* the keeper */
};

static int map_self_root(void)
{
	if (proc_write(0, "uid_map", "0 0 1") < 0 ||
	    proc_write(0, "setgroups", "deny") < 0 ||
	    proc_write(0, "gid_map", "0 0 1") < 0)
		return -EPROTO;
	return 0;
}

static int unshare_r(unsigned long flags)
{
	return unshare(flags) < 0 ? neg_errno() : 0;
}

/*
 * X: a user namespace A made; A then makes U2 inside X and leaves X (or,
 * in the control, a sibling user namespace is what we keep).
 */
static int row_user_child(struct ctx *c, bool act, struct left *l)
{
	_cleanup_holder_ struct holder sib = HOLDER_INIT;
	struct stepper *s = &l->s;
	int r;

	/* Before A, which then holds no end of the sibling's pipe. */
	if (!act)
		TRY(c, userns_holder(&sib, 0), "a sibling user namespace");
	TRY(c, stepper_start(s), "fork A");
	if (s->pid == 0) {
		r = unshare_r(CLONE_NEWUSER);
		if (r == 0)
			r = map_self_root();
		if (step_send(s, r) == 0 && r == 0)
			step_send(s, act ? unshare_r(CLONE_NEWUSER) : 0);
		_exit(0);
	}
	TRY(c, stepper_wait(s), "A: a user namespace X");
	TRY(c, ns_id_of(s->pid, NS_USER, &l->x), "note X");
	TRY(c, stepper_next(s), "cue A");
	TRY(c, stepper_wait(s), "A: a user namespace U2 inside X");
	l->fd = TRY(c, ns_open(act ? s->pid : sib.pid, NS_USER),
		    "keep an fd of U2");
	stepper_stop(s);
	return 0;
}

/* Our pid in the worker's procfs (the initial PID namespace's). */
static int outer_pid(void)
{
	char self[32];
	ssize_t n = readlink("/proc/self", self, sizeof(self) - 1);

	if (n < 0)
		return neg_errno();
	self[n] = '\0';
	return atoi(self);
}

/*
 * X: a PID namespace; its init I makes C in a PID namespace below X (in
 * the control we keep a sibling PID namespace instead).
 */
static int row_pid_child(struct ctx *c, bool act, struct left *l)
{
	_cleanup_holder_ struct holder sib = HOLDER_INIT;
	struct stepper *s = &l->s;
	int init, kid;

	if (!act)
		TRY(c, holder_start(&sib, CLONE_NEWPID),
		    "a sibling PID namespace");
	TRY(c, stepper_start(s), "fork the parent of X's init");
	if (s->pid == 0) {
		pid_t i = ns_fork(CLONE_NEWPID), k;

		if (i != 0)
			_exit(i < 0 || wait_status(i, NULL) < 0);
		if (step_send(s, outer_pid()) < 0)
			_exit(1);
		k = act ? ns_fork(CLONE_NEWPID) : 0;
		if (k == 0) {
			step_send(s, act ? outer_pid() : 0);
			_exit(0);
		}
		if (k < 0)
			step_send(s, k);
		_exit(k < 0 || wait_status(k, NULL) < 0);
	}
	init = TRY(c, stepper_wait(s), "I: X's init");
	TRY(c, ns_id_of(init, NS_PID, &l->x), "note X");
	TRY(c, stepper_next(s), "cue I");
	kid = TRY(c, stepper_wait(s), "C: a PID namespace below X");
	l->fd = TRY(c, ns_open(act ? kid : sib.pid, NS_PID),
		    "keep an fd of C's PID namespace");
	stepper_stop(s);
	return 0;
}

/*
 * X: a user namespace that A makes with a UTS namespace it owns (in the
 * control, A's UTS namespace is the worker's).
 */
static int row_user_owner(struct ctx *c, bool act, struct left *l)
{
	struct stepper *s = &l->s;

	TRY(c, stepper_start(s), "fork A");
	if (s->pid == 0) {
		step_send(s,
			  unshare_r(CLONE_NEWUSER | (act ? CLONE_NEWUTS : 0)));
		_exit(0);
	}
	TRY(c, stepper_wait(s), "A: a user namespace X");
	TRY(c, ns_id_of(s->pid, NS_USER, &l->x), "note X");
	l->fd = TRY(c, ns_open(s->pid, NS_UTS), "keep an fd of A's UTS ns");
	stepper_stop(s);
	return 0;
}

/*
 * X: a namespace (PID or time) the keeper K made for its children with
 * unshare(); its one member C has gone. In the control K made X with
 * clone() for C alone, and keeps its own for its children.
 */
static int row_for_children(struct ctx *c, bool act, struct left *l,
			    enum ns_type t)
{
	struct stepper *s = &l->s;
	unsigned long flag = ns_table[t].flag;
	int member;

	TRY(c, stepper_start(s), "fork K");
	if (s->pid == 0) {
		int r = act ? unshare_r(flag) : 0;
		pid_t m = r < 0 ? r : ns_fork(act ? 0 : flag);

		if (m == 0) {
			pause();
			_exit(0);
		}
		if (step_send(s, m) < 0 || m < 0)
			_exit(1);
		kill(m, SIGKILL);
		step_send(s, wait_status(m, NULL));
		_exit(0);
	}
	member = TRY(c, stepper_wait(s), "K: fork C into X");
	TRY(c, ns_id_of(member, t, &l->x), "note X");
	TRY(c, stepper_next(s), "cue K");
	TRY(c, stepper_wait(s), "K: end C");
	l->keeper = s->pid;
	return 0;
}

static int row_pid_for_children(struct ctx *c, bool act, struct left *l)
{
	return row_for_children(c, act, l, NS_PID);
}

static int row_time_for_children(struct ctx *c, bool act, struct left *l)
{
	return row_for_children(c, act, l, NS_TIME);
}

/* ---- reaching X ----------------------------------------------------------- */

enum reach_by { BY_PARENT, BY_USERNS, BY_LINK };

struct pin_row {
	int (*make)(struct ctx *c, bool act, struct left *l);
	enum reach_by by;
	enum ns_type t; /* BY_LINK: which *_for_children */
	const char *what;
};

enum { PIN_USER, PIN_PID, PIN_OWNER, PIN_PFC, PIN_TFC };
static const struct pin_row pin_rows[] = {
	[PIN_USER] = { row_user_child, BY_PARENT, NS_USER,
		       "NS_GET_PARENT of a kept user namespace" },
	[PIN_PID] = { row_pid_child, BY_PARENT, NS_PID,
		      "NS_GET_PARENT of a kept PID namespace" },
	[PIN_OWNER] = { row_user_owner, BY_USERNS, NS_UTS,
			"NS_GET_USERNS of a kept UTS namespace" },
	[PIN_PFC] = { row_pid_for_children, BY_LINK, NS_PID,
		      "the keeper's pid_for_children" },
	[PIN_TFC] = { row_time_for_children, BY_LINK, NS_TIME,
		      "the keeper's time_for_children" },
};

struct pin_seen {
	int err;   /* errno of reaching a namespace through what is left */
	bool same; /* it is X */
};

/* Mutation point M_NS_LIFETIME: X reads as reached. */
static int reach(const struct pin_row *row, struct left *l, struct pin_seen *o)
{
	char path[64];
	struct ns_id at;
	int fd, r;

	if (row->by == BY_LINK) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", l->keeper,
			 ns_table[row->t].for_children);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		fd = fd < 0 ? neg_errno() : fd;
	} else {
		fd = row->by == BY_PARENT ? ns_get_parent(l->fd)
					  : ns_get_userns(l->fd);
	}
	if (fd < 0) {
		o->err = -fd;
	} else {
		r = ns_id_of_fd(fd, &at);
		close(fd);
		if (r < 0)
			return r;
		o->same = ns_id_equal(&at, &l->x);
	}
	if (mutant_on(M_NS_LIFETIME))
		*o = (struct pin_seen){ .same = true };
	return 0;
}

static int observe_pin(struct ctx *c, struct pin_seen *o, int k)
{
	const struct pin_row *row = &pin_rows[k];
	struct left l = { .fd = -1, .keeper = -1 };
	int r = row->make(c, c->isolate, &l);

	if (r == 0)
		r = reach(row, &l, o) < 0
			    ? ctx_error(c, -EIO, "stat what was reached")
			    : 0;
	if (l.fd >= 0)
		close(l.fd);
	stepper_stop(&l.s);
	return r;
}

static enum obs judge_pin(struct judge *j, const struct pin_seen *o, int k)
{
	judge_kv(j, "reached", "%s",
		 o->err	   ? errname(o->err)
		 : o->same ? "X"
			   : "another");
	if (o->err)
		return judge_unknown(j, "%s: %s", pin_rows[k].what,
				     errname(o->err));
	return judge_holds(j, o->same, "%s is %s", pin_rows[k].what,
			   o->same ? "X, with no process left in it" : "not X");
}

#define PIN_CHECK(name_, k_)                                                   \
	static int observe_##name_(struct ctx *c, struct pin_seen *o)          \
	{                                                                      \
		return observe_pin(c, o, k_);                                  \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct pin_seen *o)                \
	{                                                                      \
		return judge_pin(j, o, k_);                                    \
	}                                                                      \
	CHECK(name_, struct pin_seen, observe_##name_, judge_##name_)
PIN_CHECK(pin_user, PIN_USER);
PIN_CHECK(pin_pid, PIN_PID);
PIN_CHECK(pin_owner, PIN_OWNER);
PIN_CHECK(pin_pfc, PIN_PFC);
PIN_CHECK(pin_tfc, PIN_TFC);

#define PIN(id_, title_, prop_, ns_, check_)                                   \
	{                                                                      \
		.id = "ns/" id_, .title = title_, .property = prop_,           \
		.expect = "X, with no process left in it",                     \
		.req = { .root = true,                                         \
			 .ns = (ns_),                                          \
			 .features = FEAT_BIT(FEAT_USERNS) },                  \
		.tags = { "ns", "lifetime" }, .check = &check_                 \
	}

static const struct scenario ns_pin[] = {
	PIN("pinned-by-child-userns",
	    "a user namespace lives while a child user namespace does",
	    "with no process left in user namespace X, NS_GET_PARENT of a "
	    "kept child user namespace still returns X",
	    NS_BIT(NS_USER), pin_user),
	PIN("pinned-by-child-pidns",
	    "a PID namespace lives while a child PID namespace does",
	    "with every process of PID namespace X gone, NS_GET_PARENT of a "
	    "kept child PID namespace still returns X",
	    NS_BIT(NS_PID), pin_pid),
	PIN("pinned-by-owned-ns",
	    "a user namespace lives while a namespace it owns does",
	    "with no process left in user namespace X, NS_GET_USERNS of a "
	    "kept UTS namespace X owns still returns X",
	    NS_BIT(NS_USER) | NS_BIT(NS_UTS), pin_owner),
	PIN("pinned-by-pid-for-children",
	    "pid_for_children keeps a PID namespace",
	    "after unshare(CLONE_NEWPID) and the exit of its only member, the "
	    "PID namespace is still the caller's pid_for_children",
	    NS_BIT(NS_PID), pin_pfc),
	PIN("pinned-by-time-for-children",
	    "time_for_children keeps a time namespace",
	    "after unshare(CLONE_NEWTIME) and the exit of its only member, "
	    "the time namespace is still the caller's time_for_children",
	    NS_BIT(NS_TIME), pin_tfc),
};

BOXCHECK_AREA(ns_pin, ns_pin);
