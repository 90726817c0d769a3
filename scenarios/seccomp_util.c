// SPDX-License-Identifier: MIT
/* The seccomp outcome probe (no scenarios here; filters: seccomp_filter.c). */
#include "seccomp_util.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

enum { MSG_FAIL = 1, MSG_ARMING, MSG_ARMED, MSG_RESULT, MSG_END };

/* One record on the pipe: small enough for an atomic write. */
struct sc_msg {
	int kind;
	int err; /* MSG_FAIL: -errno; MSG_ARMED: the install's errno */
	char step[40];
	struct sc_result res[2];
	bool trapped;
	int sys_code, sys_nr;
	unsigned sys_arch;
	int prober_death;
	long notif_nr;
	struct capstat st;
};

/* ---- the child ------------------------------------------------------- */

static int msg_fd = -1;
static volatile sig_atomic_t trapped;
static siginfo_t trap_info;
volatile long sc_notif_nr = -1;

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	trap_info = *si;
	trapped = 1;
}

/* Raw write(2) only: in strict mode nothing else is allowed. */
static void send_msg(struct sc_msg *m, int kind)
{
	m->kind = kind;
	if (write(msg_fd, m, sizeof(*m)) != sizeof(*m))
		_exit(3);
}

static _Noreturn void child_die(const char *step, int err)
{
	struct sc_msg m = { .err = err < 0 ? err : -EIO };

	snprintf(m.step, sizeof(m.step), "%s", step);
	send_msg(&m, MSG_FAIL);
	_exit(2);
}

static void do_calls(const struct sc_plan *p)
{
	struct sc_msg m = { 0 };

	for (int i = 0; i < 2 && p->call[i].nr; i++) {
		long r;
		errno = 0;
		r = syscall(p->call[i].nr, p->call[i].a0, p->call[i].a1, 0, 0,
			    0);
		m.res[i] = (struct sc_result){ true, r, r < 0 ? errno : 0 };
	}
	m.trapped = trapped;
	if (trapped) {
		m.sys_code = trap_info.si_code;
		m.sys_nr = trap_info.si_syscall;
		m.sys_arch = trap_info.si_arch;
	}
	m.notif_nr = sc_notif_nr;
	send_msg(&m, MSG_RESULT);
}

struct prober {
	const struct sc_plan *p;
	int gate; /* read end: the install is done when it reads a byte */
};

static void *prober_main(void *arg)
{
	const struct prober *t = arg;
	char b;

	if (t->gate >= 0 && read(t->gate, &b, 1) != 1)
		return NULL;
	do_calls(t->p);
	return NULL;
}

static void setup(void)
{
	struct rlimit none = { 0, 0 };
	struct sigaction sa = { .sa_sigaction = on_sigsys,
				.sa_flags = SA_SIGINFO };

	/* A kill by SIGSYS dumps core by default: never here. */
	if (setrlimit(RLIMIT_CORE, &none) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		child_die("no core dumps", neg_errno());
	if (sigaction(SIGSYS, &sa, NULL) < 0)
		child_die("sigaction SIGSYS", neg_errno());
}

/* Make the calls from where the plan says; returns a prober's death. */
static int probe_from(const struct sc_plan *p, pthread_t *th, int go)
{
	struct prober t = { .p = p, .gate = -1 };
	pid_t pid;
	int st;

	switch (p->where) {
	case SC_SELF:
		do_calls(p);
		return 0;
	case SC_THREAD_BEFORE:
		if (write(go, "g", 1) != 1 || pthread_join(*th, NULL))
			child_die("release the prober thread", -EIO);
		return 0;
	case SC_THREAD_AFTER:
		if (pthread_create(th, NULL, prober_main, &t) ||
		    pthread_join(*th, NULL))
			child_die("run the prober thread", -EAGAIN);
		return 0;
	case SC_FORK:
		pid = fork();
		if (pid < 0)
			child_die("fork the prober", neg_errno());
		if (pid == 0) {
			do_calls(p);
			_exit(0);
		}
		if (wait_status(pid, &st) < 0)
			child_die("reap the prober", neg_errno());
		return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
	return 0;
}

static _Noreturn void sc_child(const struct sc_plan *p)
{
	static struct prober t;
	struct sc_msg m = { 0 };
	pthread_t th;
	int go[2] = { -1, -1 }, r;

	setup();
	if (p->read_status && (r = capstat_self_raw(&m.st)) < 0)
		child_die("read the status before", r);
	if (p->where == SC_THREAD_BEFORE) {
		t = (struct prober){ .p = p };
		if (pipe2(go, O_CLOEXEC) < 0)
			child_die("pipe", neg_errno());
		t.gate = go[0];
		if (pthread_create(&th, NULL, prober_main, &t))
			child_die("start the prober thread", -EAGAIN);
	}
	send_msg(&m, MSG_ARMING);
	r = p->arm ? p->arm(p->arg) : 0;
	memset(&m, 0, sizeof(m));
	m.err = -r;
	if (p->read_status && (r = capstat_self_raw(&m.st)) < 0)
		child_die("read the status after", r);
	send_msg(&m, MSG_ARMED);
	if (m.err && !p->arm_err_ok)
		_exit(0);
	memset(&m, 0, sizeof(m));
	m.prober_death = probe_from(p, &th, go[1]);
	send_msg(&m, MSG_END);
	_exit(0);
}

/* ---- the parent ------------------------------------------------------ */

static void take(struct sc_outcome *o, const struct sc_msg *m)
{
	switch (m->kind) {
	case MSG_ARMING:
		o->before = m->st;
		break;
	case MSG_ARMED:
		o->armed = true;
		o->arm_err = m->err;
		o->after = m->st;
		break;
	case MSG_RESULT:
		memcpy(o->res, m->res, sizeof(o->res));
		o->trapped = m->trapped;
		o->sys_code = m->sys_code;
		o->sys_nr = m->sys_nr;
		o->sys_arch = m->sys_arch;
		o->notif_nr = m->notif_nr;
		break;
	case MSG_END:
		o->survived = true;
		o->prober_death = m->prober_death;
		break;
	}
}

/* Read records until every writer is gone: 0, or the child's failure. */
static int read_msgs(struct ctx *c, int rd, struct sc_outcome *o, bool *arming)
{
	struct sc_msg m;
	ssize_t n;

	while ((n = read(rd, &m, sizeof(m))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(m))
			return ctx_error(c, n < 0 ? neg_errno() : 0,
					 "seccomp probe: a short record");
		if (m.kind == MSG_FAIL) {
			m.step[sizeof(m.step) - 1] = '\0';
			return ctx_error(c, m.err, "seccomp probe: %s", m.step);
		}
		*arming |= m.kind == MSG_ARMING;
		take(o, &m);
	}
	return 0;
}

/* Nothing probed (an install alone): nothing for the outcome to lie about. */
static void mutate(const struct sc_plan *p, struct sc_outcome *o)
{
	if (!p->call[0].nr || !mutant_on(M_SECCOMP_NONE))
		return;
	o->before.seccomp = o->after.seccomp = 0;
	o->before.filters = o->after.filters = 0;
	for (int i = 0; i < 2 && p->call[i].nr; i++)
		o->res[i] = (struct sc_result){ true, 0, 0 };
	o->trapped = false;
	o->survived = true;
	o->death = o->prober_death = 0;
	o->exit_code = 0;
}

int sc_probe(struct ctx *c, const struct sc_plan *p, struct sc_outcome *o)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	bool arming = false;
	int st;

	TRY(c, chan_open(&ch), "pipe");
	pid = fork();
	if (pid < 0)
		return ctx_error(c, neg_errno(), "fork the seccomp child");
	if (pid == 0) {
		closep(&ch.rd);
		msg_fd = ch.wr;
		sc_child(p);
	}
	closep(&ch.wr);
	ch.wr = -1;
	o->notif_nr = -1;
	o->pid = pid;
	TRY_OBS(read_msgs(c, ch.rd, o, &arming));
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap the seccomp child");
	o->death = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	o->exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	if (!arming)
		return ctx_error(c, 0,
				 "the seccomp child ended before the "
				 "install (%s)",
				 o->death ? sc_sig_name(o->death) : "exited");
	if (o->armed && o->arm_err && !p->arm_err_ok)
		return ctx_error(c, -o->arm_err, "install the seccomp filter");
	if (!o->death && o->exit_code != 0)
		return ctx_error(c, 0, "the seccomp child exited %d",
				 o->exit_code);
	mutate(p, o);
	return 0;
}

const char *sc_sig_name(int sig)
{
	const char *n = sigabbrev_np(sig);

	return n ? n : "a signal";
}

void judge_sc_outcome(struct judge *j, const struct sc_outcome *o)
{
	for (int i = 0; i < 2; i++) {
		const struct sc_result *r = &o->res[i];
		char key[32];
		snprintf(key, sizeof(key), "call %d", i + 1);
		if (r->done)
			judge_kv(j, key, "returned %ld%s%s", r->ret,
				 r->ret < 0 ? " " : "",
				 r->ret < 0 ? strerrorname_np(r->err) : "");
	}
	if (o->trapped)
		judge_kv(j, "SIGSYS caught", "sys_code %d, sys_nr %d",
			 o->sys_code, o->sys_nr);
	judge_kv(j, "process", "%s%s",
		 o->death      ? "killed by SIG"
		 : o->survived ? "reached its end"
			       : "exited early",
		 o->death ? sc_sig_name(o->death) : "");
}
