// SPDX-License-Identifier: MIT
/* PID namespace scenarios: signals to and from init, orphans. */
#include "pidns.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <string.h>

/* ---- signals to init ----------------------------------------------- */

/* The parent (init, or a plain process) forks a child that signals it. */
static int signal_parent(void *arg, void *out, size_t len)
{
	int sig = *(const int *)arg, st, r;
	pid_t pid = fork();

	(void)out;
	(void)len;
	if (pid < 0)
		return child_fail("fork the sender", neg_errno());
	if (pid == 0)
		_exit(kill(getppid(), sig) < 0 ? errno : 0);
	if ((r = wait_status(pid, &st)) < 0)
		return child_fail("reap the sender", r);
	if (exit_code_of(st) != 0)
		return child_fail("kill(getppid(), sig) in the sender",
				  WIFEXITED(st) ? -WEXITSTATUS(st) : -ECHILD);
	return 0; /* reached only if the signal did not end us */
}

struct sig_seen {
	bool survived; /* reported after the signal was sent */
	int killed_by; /* or ended by this signal before reporting */
};

/*
 * How the signalled process ended (mutation point M_PID_SIGNAL): it
 * reported, or died of the very signal sent. Anything else is an error.
 */
static int signal_outcome(struct ctx *c, int r, const struct child_res *res,
			  int sig, struct sig_seen *o)
{
	if (mutant_on(M_PID_SIGNAL) || r == 0) {
		o->survived = true;
		return 0;
	}
	if (r == -ECHILD && !res->reported && res->err == 0 &&
	    res->status >= 0 && WIFSIGNALED(res->status) &&
	    WTERMSIG(res->status) == sig) {
		o->killed_by = sig;
		return 0;
	}
	return child_res_check(c, "run the signalled process", r, res);
}

static int observe_ignores(struct ctx *c, struct sig_seen *o, int sig)
{
	struct child_res res;
	int r = child_run(PIDNS(c), signal_parent, &sig, NULL, 0, &res);

	ctx_kv(c, "signal", "SIG%s", sigabbrev_np(sig));
	return signal_outcome(c, r, &res, sig, o);
}

static enum obs judge_ignores(struct judge *j, const struct sig_seen *o)
{
	const char *how = o->survived ? "survived" : "was killed";

	if (!o->survived && !o->killed_by)
		return judge_unknown(j, "neither survived nor killed");
	judge_kv(j, "signalled process", "%s", how);
	return judge_holds(j, o->survived,
			   "the signal from its child: the process %s%s%s", how,
			   o->killed_by ? " by SIG" : "",
			   o->killed_by ? sigabbrev_np(o->killed_by) : "");
}

static int observe_sigkill(struct ctx *c, struct sig_seen *o)
{
	return observe_ignores(c, o, SIGKILL);
}
CHECK(init_ignores_sigkill, struct sig_seen, observe_sigkill, judge_ignores);

static int observe_sigterm(struct ctx *c, struct sig_seen *o)
{
	return observe_ignores(c, o, SIGTERM);
}
CHECK(init_ignores_sigterm, struct sig_seen, observe_sigterm, judge_ignores);

/* ---- killing init --------------------------------------------------- */

struct left {
	bool gone; /* every holder of the pipe's write end has exited */
};

/* EOF on rd: no process holds the write end (mutation point). */
static int holders_gone(int rd, bool *gone)
{
	char b;
	ssize_t n;

	if (mutant_on(M_PID_SIGNAL)) {
		*gone = true;
		return 0;
	}
	if (fcntl(rd, F_SETFL, O_NONBLOCK) < 0)
		return neg_errno();
	n = read(rd, &b, 1);
	if (n < 0 && errno != EAGAIN)
		return neg_errno();
	*gone = n == 0;
	return 0;
}

/* Init's child holds `alive`'s write end until it dies. */
static _Noreturn void init_with_child(struct chan *alive, struct chan *hold,
				      struct chan *ready)
{
	char b;
	pid_t pid;

	close(alive->rd);
	close(hold->wr);
	pid = fork();
	if (pid < 0) {
		chan_send_int(ready, neg_errno());
		_exit(1);
	}
	if (pid == 0) {
		chan_send_int(ready, 0);
		_exit(read(hold->rd, &b, 1) < 0);
	}
	close(alive->wr);
	pause();
	_exit(0);
}

static int observe_kill_init(struct ctx *c, struct left *o)
{
	_cleanup_chan_ struct chan alive = CHAN_INIT, hold = CHAN_INIT,
				   ready = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	int err, st;

	TRY(c, chan_open(&alive), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	TRY(c, chan_open(&ready), "pipe");
	pid = TRY(c, ns_fork(PIDNS(c)), "fork the init");
	if (pid == 0)
		init_with_child(&alive, &hold, &ready);
	closep(&alive.wr);
	closep(&hold.rd);
	closep(&ready.wr);
	alive.wr = hold.rd = ready.wr = -1;
	TRY(c, chan_recv_int(&ready, &err), "wait for init's child");
	TRY(c, err, "fork in the init");
	/* 1. Kill init and reap it: the kernel has killed the rest by then. */
	TRY(c, kill(pid, SIGKILL) < 0 ? neg_errno() : 0, "kill the init");
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap the init");
	if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		return ctx_error(c, 0, "the init ended otherwise (status %d)",
				 exit_code_of(st));
	/* 2. EOF now means every holder of `alive` is gone. */
	TRY(c, holders_gone(alive.rd, &o->gone), "read the alive pipe");
	return 0;
}

static enum obs judge_kill_init(struct judge *j, const struct left *o)
{
	const char *s = o->gone ? "gone" : "still running";

	judge_kv(j, "init's child", "%s", s);
	return judge_holds(j, o->gone, "after init was killed its child is %s",
			   s);
}
CHECK(kill_init_kills_all, struct left, observe_kill_init, judge_kill_init);

/* ---- orphans ------------------------------------------------------- */

struct orphan {
	pid_t parent; /* the orphan's getppid() after its parent exited */
	pid_t first;  /* the first process's own pid */
	pid_t reaped; /* what the first process's waitpid(-1) reaped, or 0 */
};

/* A forks B and exits; B waits for go, then reports its parent. */
static _Noreturn void orphan_maker(struct chan *go, struct chan *res)
{
	pid_t pid = fork();
	struct pid_view v;
	char b;

	if (pid != 0)
		_exit(pid < 0);
	close(go->wr);
	if (read(go->rd, &b, 1) != 1)
		_exit(1);
	pid_view_read(&v);
	_exit(chan_send_int(res, v.ppid) < 0);
}

/* The first process (init, or a plain one) makes an orphan. */
static int make_orphan(void *arg, void *out, size_t len)
{
	_cleanup_chan_ struct chan go = CHAN_INIT, res = CHAN_INIT;
	struct orphan *o = out;
	struct pid_view me;
	pid_t a;
	int st, r;

	(void)arg;
	(void)len;
	if ((r = chan_open(&go)) < 0 || (r = chan_open(&res)) < 0)
		return child_fail("pipe", r);
	a = fork();
	if (a < 0)
		return child_fail("fork A", neg_errno());
	if (a == 0)
		orphan_maker(&go, &res);
	closep(&res.wr);
	res.wr = -1;
	/* 1. A is reaped: its child B has been reparented already. */
	if ((r = wait_status(a, &st)) < 0)
		return child_fail("reap A", r);
	if (exit_code_of(st))
		return child_fail("fork B in A", -ECHILD);
	if ((r = chan_send(&go, "g", 1)) < 0)
		return child_fail("wake B", r);
	if ((r = chan_recv_int(&res, &o->parent)) < 0)
		return child_fail("read B's parent", r);
	pid_view_read(&me);
	o->first = me.pid;
	/* 2. Only B's new parent can reap it; ECHILD: not us. */
	o->reaped = waitpid(-1, NULL, 0);
	if (o->reaped < 0 && errno != ECHILD)
		return child_fail("waitpid", neg_errno());
	o->reaped = o->reaped < 0 ? 0 : o->reaped;
	return 0;
}

static int observe_orphans(struct ctx *c, struct orphan *o)
{
	return run_in_child(c, "run the first process", PIDNS(c), make_orphan,
			    NULL, o, sizeof(*o));
}

static enum obs judge_orphans(struct judge *j, const struct orphan *o)
{
	judge_kv(j, "orphan's parent", "%d", o->parent);
	judge_kv(j, "the first process", "%d", o->first);
	judge_kv(j, "it reaped", "%d", o->reaped);
	return judge_holds(j, o->parent == o->first && o->reaped > 0,
			   "orphan's parent %d, the first process %d, %s",
			   o->parent, o->first,
			   o->reaped > 0 ? "reaped it" : "could not reap it");
}
CHECK(orphans_reaped_by_init, struct orphan, observe_orphans, judge_orphans);

/* ---- signals across the boundary ------------------------------------ */

struct kill_seen {
	pid_t target; /* the worker, outside the child's namespace */
	int err;      /* errno of kill(target, 0) from the child, 0: ok */
};

/* kill(pid, 0): the errno, 0 if pid is visible (mutation point). */
static int kill_probe(pid_t pid)
{
	if (mutant_on(M_PID_SIGNAL))
		return ESRCH;
	return kill(pid, 0) < 0 ? errno : 0;
}

static int signal_outside(void *arg, void *out, size_t len)
{
	(void)len;
	*(int *)out = kill_probe(*(const pid_t *)arg);
	return 0;
}

static int observe_outside(struct ctx *c, struct kill_seen *o)
{
	o->target = getpid();
	return run_in_child(c, "run the child", PIDNS(c), signal_outside,
			    &o->target, &o->err, sizeof(o->err));
}

static enum obs judge_outside(struct judge *j, const struct kill_seen *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "kill(parent, 0)", "%s", e);
	return judge_holds(j, o->err == ESRCH, "kill(%d, 0) from the child: %s",
			   o->target, e);
}
CHECK(cannot_signal_outside, struct kill_seen, observe_outside, judge_outside);

struct si_seen {
	pid_t sender; /* the worker, which sends SIGUSR1 */
	pid_t got;    /* si_pid: the child's siginfo says */
};

/* Blocks SIGUSR1, says ready, reports the sender or -errno. */
static _Noreturn void await_usr1(struct chan *ch)
{
	siginfo_t si = { 0 };
	sigset_t set;
	int v = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		v = neg_errno();
	chan_send_int(ch, v);
	if (v == 0)
		v = sigwaitinfo(&set, &si) < 0 ? neg_errno()
					       : pid_of_sender(&si);
	_exit(chan_send_int(ch, v) < 0);
}

/* The child waits for SIGUSR1 from us and reports si_pid. */
static int observe_si_pid(struct ctx *c, struct si_seen *o)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	int v, st;

	TRY(c, chan_open(&ch), "pipe");
	pid = TRY(c, ns_fork(PIDNS(c)), "fork the child");
	if (pid == 0)
		await_usr1(&ch);
	closep(&ch.wr);
	ch.wr = -1;
	TRY(c, chan_recv_int(&ch, &v), "wait for the child");
	TRY(c, v, "block SIGUSR1 in the child");
	o->sender = getpid();
	TRY(c, kill(pid, SIGUSR1) < 0 ? neg_errno() : 0, "signal the child");
	TRY(c, chan_recv_int(&ch, &v), "read si_pid");
	TRY(c, v, "sigwaitinfo in the child");
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap the child");
	if (exit_code_of(st))
		return ctx_error(c, 0, "the child exited %d", exit_code_of(st));
	o->got = v;
	return 0;
}

static enum obs judge_si_pid(struct judge *j, const struct si_seen *o)
{
	judge_kv(j, "si_pid", "%d", o->got);
	judge_kv(j, "sender", "%d", o->sender);
	return judge_holds(j, o->got == 0, "si_pid=%d (sender %d)", o->got,
			   o->sender);
}
CHECK(si_pid_zero, struct si_seen, observe_si_pid, judge_si_pid);
static const struct scenario pidns_signals[] = {
	{ .id = "pidns/init-ignores-sigkill",
	  .title = "init ignores SIGKILL sent from inside",
	  .property = "a process inside sends SIGKILL to PID 1, which has "
		      "no handler, and init survives",
	  .expect = "the process survived",
	  .req = PID_REQ,
	  .tags = { "pid", "signal" },
	  .check = &init_ignores_sigkill },
	{ .id = "pidns/init-ignores-sigterm",
	  .title = "init ignores SIGTERM sent from inside",
	  .property = "a process inside sends SIGTERM to PID 1, which has "
		      "no handler, and init survives",
	  .expect = "the process survived",
	  .req = PID_REQ,
	  .tags = { "pid", "signal" },
	  .check = &init_ignores_sigterm },
	{ .id = "pidns/kill-init-kills-all",
	  .title = "killing init kills the whole namespace",
	  .property = "once init is killed and reaped, its other processes "
		      "are gone too",
	  .expect = "its child is gone",
	  .req = PID_REQ,
	  .tags = { "pid", "signal", "core" },
	  .check = &kill_init_kills_all },
	{ .id = "pidns/orphans-reaped-by-init",
	  .title = "orphans are reparented to the namespace's init",
	  .property = "a process whose parent exits gets the namespace's "
		      "init as its parent, which reaps it",
	  .expect = "orphan's parent is the first process, which reaps it",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .check = &orphans_reaped_by_init },
	{ .id = "pidns/cannot-signal-outside",
	  .title = "a process inside cannot signal one outside",
	  .property = "kill(outer pid, 0) from inside fails with ESRCH",
	  .expect = "ESRCH",
	  .req = PID_REQ,
	  .tags = { "pid", "signal" },
	  .check = &cannot_signal_outside },
	{ .id = "pidns/si-pid-zero-from-ancestor",
	  .title = "signals from an ancestor namespace carry si_pid 0",
	  .property = "a signal sent by the parent arrives inside with "
		      "si_pid == 0",
	  .expect = "si_pid=0",
	  .req = PID_REQ,
	  .tags = { "pid", "signal" },
	  .check = &si_pid_zero },
};

BOXCHECK_AREA(pidns_signals, pidns_signals);
