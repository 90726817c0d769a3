// SPDX-License-Identifier: MIT
/* PID namespace scenarios: signals to and from init, orphans. */
#include "pidns.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

/* ---- signals to init ----------------------------------------------- */

/* Init forks a child that signals its parent (init, or a plain process). */
static int signal_parent(void *arg, void *out, size_t len)
{
	int sig = *(int *)arg, *survived = out;
	pid_t pid = fork();

	(void)len;
	if (pid < 0)
		return 2;
	if (pid == 0)
		_exit(kill(getppid(), sig) < 0);
	wait_status(pid, NULL);
	*survived = 1; /* only reached if the signal did not kill us */
	return 0;
}

static enum obs init_ignores(struct ctx *c, int sig)
{
	int survived = 0, st = 0;
	int r = legacy_run_in_child(PIDNS(c), signal_parent, &sig, &survived,
			     sizeof(survived), &st);

	/* EPIPE: it died before reporting, which is an observation. */
	if (r < 0 && r != -EPIPE)
		return ctx_error(c, r, "fork the child");
	ctx_kv(c, "signal", "SIG%s", sigabbrev_np(sig));
	ctx_kv(c, "status", "%d", exit_code_of(st));
	return ctx_holds(c, survived && exit_code_of(st) == 0,
			 "SIG%s from a child: %s", sigabbrev_np(sig),
			 survived ? "init survived" : "process died");
}

static enum obs init_ignores_sigkill(struct ctx *c)
{
	return init_ignores(c, SIGKILL);
}

static enum obs init_ignores_sigterm(struct ctx *c)
{
	return init_ignores(c, SIGTERM);
}

/* Init's grandchild holds `alive`'s write end until it dies. */
static enum obs kill_init_kills_all(struct ctx *c)
{
	_cleanup_chan_ struct chan alive = CHAN_INIT, hold = CHAN_INIT,
				   ready = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	char b;
	ssize_t n;

	TRY(c, chan_open(&alive), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	TRY(c, chan_open(&ready), "pipe");
	pid = TRY(c, ns_fork(PIDNS(c)), "fork the init");
	if (pid == 0) {
		close(alive.rd);
		close(hold.wr);
		if (fork() == 0) {
			chan_send(&ready, "r", 1);
			_exit(read(hold.rd, &b, 1) < 0);
		}
		close(alive.wr);
		pause();
		_exit(0);
	}
	closep(&alive.wr);
	alive.wr = -1;
	closep(&hold.rd);
	hold.rd = -1;
	TRY(c, chan_recv(&ready, &b, 1), "wait for the grandchild");
	/* 1. Kill init and reap it: the kernel has killed the rest by then. */
	kill(pid, SIGKILL);
	TRY(c, wait_status(TAKE_PID(pid), NULL), "reap init");
	/* 2. EOF now means every holder of `alive` is gone. */
	fcntl(alive.rd, F_SETFL, O_NONBLOCK);
	n = read(alive.rd, &b, 1);
	ctx_kv(c, "grandchild", "%s", n == 0 ? "gone" : "still running");
	return ctx_holds(c, n == 0, "after init was killed its child is %s",
			 n == 0 ? "gone" : "still running");
}

/* ---- orphans, signals across the boundary --------------------------- */

/* X forks A, A forks B and exits; B reports its new parent. */
static int make_orphan(void *arg, void *out, size_t len)
{
	_cleanup_chan_ struct chan go = CHAN_INIT, res = CHAN_INIT;
	struct pids *p = out;
	pid_t a;

	(void)arg;
	(void)len;
	if (chan_open(&go) < 0 || chan_open(&res) < 0)
		return 2;
	a = fork();
	if (a == 0) {
		if (fork() == 0) {
			char b;
			close(go.wr);
			if (read(go.rd, &b, 1) != 1)
				_exit(1);
			chan_send_int(&res, getppid());
			_exit(0);
		}
		_exit(0);
	}
	/* 1. A is reaped: its child B has been reparented already. */
	if (a < 0 || wait_status(a, NULL) < 0)
		return 2;
	chan_send(&go, "g", 1);
	if (chan_recv_int(&res, &p->ppid) < 0)
		return 2;
	p->pid = getpid();
	/* 2. Only B's new parent can reap it. */
	p->seen = waitpid(-1, NULL, 0);
	return 0;
}

static enum obs orphans_reaped_by_init(struct ctx *c)
{
	struct pids p;

	TRY(c, legacy_run_in_child(PIDNS(c), make_orphan, NULL, &p, sizeof(p), NULL),
	    "fork the child");
	ctx_kv(c, "orphan's parent", "%d", p.ppid);
	ctx_kv(c, "init", "%d", p.pid);
	return ctx_holds(c, p.ppid == p.pid && p.seen > 0,
			 "orphan's parent %d, the first process %d, %s", p.ppid,
			 p.pid, p.seen > 0 ? "reaped it" : "could not reap it");
}

static int signal_outside(void *arg, void *out, size_t len)
{
	int *err = out;

	(void)len;
	*err = kill(*(pid_t *)arg, 0) < 0 ? errno : 0;
	return 0;
}

static enum obs cannot_signal_outside(struct ctx *c)
{
	pid_t me = getpid();
	int err;

	TRY(c,
	    legacy_run_in_child(PIDNS(c), signal_outside, &me, &err, sizeof(err),
			 NULL),
	    "fork the child");
	ctx_kv(c, "kill(parent, 0)", "%s", err ? strerrorname_np(err) : "ok");
	return ctx_holds(c, err == ESRCH, "kill(%d, 0) from the child: %s", me,
			 err ? strerrorname_np(err) : "ok");
}

/* The child waits for SIGUSR1 from us and reports si_pid. */
static enum obs si_pid_zero(struct ctx *c)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	int ready, got = -1;

	TRY(c, chan_open(&ch), "pipe");
	pid = TRY(c, ns_fork(PIDNS(c)), "fork the child");
	if (pid == 0) {
		siginfo_t si = { 0 };
		sigset_t set;
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigprocmask(SIG_BLOCK, &set, NULL);
		chan_send_int(&ch, 0);
		if (sigwaitinfo(&set, &si) < 0)
			_exit(1);
		chan_send_int(&ch, si.si_pid);
		_exit(0);
	}
	TRY(c, chan_recv_int(&ch, &ready), "wait for the child");
	TRY(c, kill(pid, SIGUSR1) < 0 ? neg_errno() : 0, "signal the child");
	TRY(c, chan_recv_int(&ch, &got), "read si_pid");
	ctx_kv(c, "si_pid", "%d", got);
	ctx_kv(c, "sender", "%d", getpid());
	return ctx_holds(c, got == 0, "si_pid=%d (sender %d)", got, getpid());
}

static const struct scenario pidns_signals[] = {
	{ .id = "pidns/init-ignores-sigkill",
	  .title = "init ignores SIGKILL sent from inside",
	  .property = "a process inside sends SIGKILL to PID 1, which has "
		      "no handler, and init survives",
	  .expect = "init survived",
	  .req = PID_REQ,
	  .tags = { "pid", "signal" },
	  .run = init_ignores_sigkill },
	{ .id = "pidns/init-ignores-sigterm",
	  .title = "init ignores SIGTERM sent from inside",
	  .property = "a process inside sends SIGTERM to PID 1, which has "
		      "no handler, and init survives",
	  .expect = "init survived",
	  .req = PID_REQ,
	  .tags = { "pid", "signal" },
	  .run = init_ignores_sigterm },
	{ .id = "pidns/kill-init-kills-all",
	  .title = "killing init kills the whole namespace",
	  .property = "once init is killed and reaped, its other processes "
		      "are gone too",
	  .expect = "its child is gone",
	  .req = PID_REQ,
	  .tags = { "pid", "signal", "core" },
	  .run = kill_init_kills_all },
	{ .id = "pidns/orphans-reaped-by-init",
	  .title = "orphans are reparented to the namespace's init",
	  .property = "a process whose parent exits gets the namespace's "
		      "init as its parent, which reaps it",
	  .expect = "orphan's parent is the first process, which reaps it",
	  .req = PID_REQ,
	  .tags = { "pid" },
	  .run = orphans_reaped_by_init },
	{ .id = "pidns/cannot-signal-outside",
	  .title = "a process inside cannot signal one outside",
	  .property = "kill(outer pid, 0) from inside fails with ESRCH",
	  .expect = "ESRCH",
	  .req = PID_REQ,
	  .tags = { "pid", "signal" },
	  .run = cannot_signal_outside },
	{ .id = "pidns/si-pid-zero-from-ancestor",
	  .title = "signals from an ancestor namespace carry si_pid 0",
	  .property = "a signal sent by the parent arrives inside with "
		      "si_pid == 0",
	  .expect = "si_pid=0",
	  .req = PID_REQ,
	  .tags = { "pid", "signal" },
	  .run = si_pid_zero },
};

BOXCHECK_AREA(pidns_signals, pidns_signals);
