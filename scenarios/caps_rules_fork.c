// SPDX-License-Identifier: MIT
/*
 * What a child gets, and which capabilities there are (capabilities(7),
 * "Thread capability sets", "The securebits flags"): fork gives the child
 * its parent's five sets and securebits as they are at the fork (the
 * control changes them only after it); /proc/sys/kernel/cap_last_cap
 * names the highest capability the kernel knows.
 */
#include "caps_rules.h"

#include <fcntl.h>
#include <string.h>
#include <linux/securebits.h>
#include <sys/prctl.h>

#define FORK_REQ                                                               \
	{                                                                      \
		.root = true,                                                  \
		.caps = CAP_BIT(CAP_NET_RAW) | CAP_BIT(CAP_SETPCAP) |          \
			CAP_BIT(CAP_KILL) | CAP_BIT(CAP_SYS_BOOT)              \
	}
#define HAS(m_, c_) (((m_) >> (c_)) & 1)

/* ---- fork copies the sets and the securebits --------------------------- */

/*
 * A state no process starts with: CAP_NET_RAW inheritable and ambient,
 * CAP_SYS_BOOT out of the bounding set, CAP_KILL out of the effective set,
 * SECBIT_NO_CAP_AMBIENT_RAISE.
 */
static int odd_state(void)
{
	int r;

	if ((r = cap_flag_set(CAP_NET_RAW, CAP_INHERITABLE, true)) < 0 ||
	    (r = sysr(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_RAW,
			    0, 0))) < 0 ||
	    (r = sysr(prctl(PR_CAPBSET_DROP, CAP_SYS_BOOT, 0, 0, 0))) < 0 ||
	    (r = cap_flag_set(CAP_KILL, CAP_EFFECTIVE, false)) < 0)
		return r;
	return sysr(
		prctl(PR_SET_SECUREBITS, SECBIT_NO_CAP_AMBIENT_RAISE, 0, 0, 0));
}

static bool odd(const struct xstat *x)
{
	return HAS(x->s.inh, CAP_NET_RAW) && HAS(x->s.amb, CAP_NET_RAW) &&
	       !HAS(x->s.bnd, CAP_SYS_BOOT) && !HAS(x->s.eff, CAP_KILL) &&
	       x->secbits == SECBIT_NO_CAP_AMBIENT_RAISE;
}

struct fork_seen {
	struct xstat parent, child;
};

/* The child: wait for go (EOF), then print its sets on out. */
static _Noreturn void reader(int go, int out)
{
	char b, text[8192];
	struct xstat x;

	while (read(go, &b, 1) < 0 && errno == EINTR)
		;
	if (xstat_self(&x) < 0)
		_exit(1);
	snprintf(text, sizeof(text), "%llx %llx %llx %llx %llx %d",
		 (unsigned long long)x.s.inh, (unsigned long long)x.s.prm,
		 (unsigned long long)x.s.eff, (unsigned long long)x.s.bnd,
		 (unsigned long long)x.s.amb, x.secbits);
	_exit(fd_write_all(out, text, strlen(text)) < 0);
}

static int read_child(int out, struct xstat *x)
{
	unsigned long long m[5];
	char text[256];
	ssize_t n = fd_read_all(out, text, sizeof(text) - 1);

	if (n < 0)
		return (int)n;
	text[n] = '\0';
	if (sscanf(text, "%llx %llx %llx %llx %llx %d", &m[0], &m[1], &m[2],
		   &m[3], &m[4], &x->secbits) != 6)
		return -EPROTO;
	x->s.inh = m[0], x->s.prm = m[1], x->s.eff = m[2];
	x->s.bnd = m[3], x->s.amb = m[4];
	return 0;
}

static void drop_fd(int *fd)
{
	closep(fd);
	*fd = -1;
}

/* The state before the fork (the action), or after it. */
static int fork_steps(bool before, struct fork_seen *o, int go[2], int out[2])
{
	_cleanup_reap_ pid_t pid = -1;
	int st;

	if (before)
		CHILD_TRY("set the state", odd_state());
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		close(out[0]);
		reader(go[0], out[1]);
	}
	drop_fd(&go[0]);
	drop_fd(&out[1]);
	if (pid < 0)
		return child_fail("fork", neg_errno());
	if (!before)
		CHILD_TRY("set the state", odd_state());
	CHILD_TRY("read the sets", xstat_self(&o->parent));
	drop_fd(&go[1]);
	CHILD_TRY("read the child's sets", read_child(out[0], &o->child));
	xstat_extras_seen(&o->child);
	CHILD_TRY("reap the child", wait_status(TAKE_PID(pid), &st));
	return WIFEXITED(st) && !WEXITSTATUS(st)
		       ? 0
		       : child_fail("the forked child", -ECHILD);
}

static int fork_child(void *arg, void *out, size_t len)
{
	int go[2], p[2], r;

	(void)len;
	if (pipe2(go, O_CLOEXEC) < 0)
		return child_fail("pipe", neg_errno());
	if (pipe2(p, O_CLOEXEC) < 0) {
		r = neg_errno();
		close(go[0]);
		close(go[1]);
		return child_fail("pipe", r);
	}
	r = fork_steps(*(const bool *)arg, out, go, p);
	for (int i = 0; i < 2; i++) {
		drop_fd(&go[i]);
		drop_fd(&p[i]);
	}
	return r;
}

static int observe_fork(struct ctx *c, struct fork_seen *o)
{
	bool before = c->isolate;

	TRY_OBS(run_in_child(c, "fork in the child", 0, fork_child, &before, o,
			     sizeof(*o)));
	return 0;
}

static enum obs judge_fork(struct judge *j, const struct fork_seen *o)
{
	const struct xstat *p = &o->parent, *k = &o->child;
	bool same = p->s.inh == k->s.inh && p->s.prm == k->s.prm &&
		    p->s.eff == k->s.eff && p->s.bnd == k->s.bnd &&
		    p->s.amb == k->s.amb && p->secbits == k->secbits;

	judge_mask(j, "parent CapInh", p->s.inh);
	judge_mask(j, "child CapInh", k->s.inh);
	judge_mask(j, "parent CapBnd", p->s.bnd);
	judge_mask(j, "child CapBnd", k->s.bnd);
	judge_kv(j, "securebits", "parent %#x, child %#x", p->secbits,
		 k->secbits);
	if (!odd(p))
		return judge_unknown(j, "the parent's state did not take");
	return judge_holds(j, same,
			   "the child's sets and securebits %s the "
			   "parent's",
			   same ? "are" : "differ from");
}
CHECK(fork_copies, struct fork_seen, observe_fork, judge_fork);

/* ---- cap_last_cap ------------------------------------------------------ */

struct last_seen {
	int last;      /* /proc/sys/kernel/cap_last_cap */
	int read_last; /* PR_CAPBSET_READ of it: 0 or 1, or -errno */
	int read_next; /* the errno of PR_CAPBSET_READ of the next, or 0 */
	capmask_t bnd; /* CapBnd, after the drop of cap_last_cap */
};

static int last_cap(void *arg, void *out, size_t len)
{
	struct last_seen *o = out;
	struct capstat s;
	char v[16];

	(void)len;
	CHILD_TRY("read cap_last_cap",
		  read_text("/proc/sys/kernel/cap_last_cap", v, sizeof(v)));
	o->last = atoi(v);
	o->read_last = prctl(PR_CAPBSET_READ, o->last, 0, 0, 0);
	if (o->read_last < 0)
		o->read_last = neg_errno();
	o->read_next = sys_err(prctl(PR_CAPBSET_READ, o->last + 1, 0, 0, 0));
	if (*(const bool *)arg)
		CHILD_TRY("PR_CAPBSET_DROP of cap_last_cap",
			  sysr(prctl(PR_CAPBSET_DROP, o->last, 0, 0, 0)));
	CHILD_TRY("read the sets", capstat_self(&s));
	o->bnd = s.bnd;
	return 0;
}

static int observe_last(struct ctx *c, struct last_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "read the bounding set in the child", 0,
			     last_cap, &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_last(struct judge *j, const struct last_seen *o)
{
	int top = 63;

	while (top >= 0 && !HAS(o->bnd, top))
		top--;
	judge_kv(j, "cap_last_cap", "%d", o->last);
	judge_kv(j, "PR_CAPBSET_READ of it", "%d", o->read_last);
	judge_kv(j, "PR_CAPBSET_READ of the next", "%s",
		 o->read_next ? strerrorname_np(o->read_next) : "ok");
	judge_mask(j, "CapBnd", o->bnd);
	if (o->read_last < 0)
		return judge_unknown(j,
				     "PR_CAPBSET_READ of cap_last_cap failed");
	return judge_holds(j, o->read_next == EINVAL && top < o->last,
			   "capability %d %s, the highest bounded %d",
			   o->last + 1,
			   o->read_next == EINVAL ? "unknown" : "known", top);
}
CHECK(last_cap_top, struct last_seen, observe_last, judge_last);

static const struct scenario caps_rules_fork[] = {
	{ .id = "caps/fork-copies-sets",
	  .title = "fork gives the child its parent's sets and securebits",
	  .property = "a child forked after its parent changed all five "
		      "sets and its securebits has the same (forked before "
		      "the change, it has the old ones)",
	  .expect = "child = parent",
	  .req = FORK_REQ,
	  .tags = { "caps", "securebits" },
	  .check = &fork_copies },
	{ .id = "caps/cap-last-cap-is-highest",
	  .title = "cap_last_cap names the highest capability",
	  .property = "the capability after cap_last_cap is unknown "
		      "(PR_CAPBSET_READ: EINVAL), and dropping cap_last_cap "
		      "leaves no higher bit in the bounding set",
	  .expect = "next unknown, no bit above",
	  .req = FORK_REQ,
	  .tags = { "caps", "bounding" },
	  .check = &last_cap_top },
};

BOXCHECK_AREA(caps_rules_fork, caps_rules_fork);
