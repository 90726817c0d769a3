// SPDX-License-Identifier: MIT
/*
 * More of pid_namespaces(7): no fork into a namespace whose init has died,
 * signals from an ancestor reach init only through a handler, reboot()
 * ends the namespace instead of the machine, unshare(CLONE_NEWPID) works
 * once, CLONE_NEWPID and CLONE_THREAD do not mix, and /proc/self follows
 * the procfs mount's namespace. Every probe that could read as the
 * property has mutation point M_PIDNS_PROBE.
 */
#include "nsw.h"
#include "pidns.h"

#include <linux/reboot.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>

/* A probed call's errno (r < 0: errno is set), M_PIDNS_PROBE: `want`. */
static int pid_probe(long r, int want)
{
	return probe_errno(M_PIDNS_PROBE, r, want);
}

static int fork_probe(int want)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid > 0)
		wait_status(pid, NULL);
	return pid_probe(pid, want);
}

/* ---- fork after init has died ------------------------------------------- */

struct dead_seen {
	int err; /* errno of the fork into the namespace */
};

/* unshare, a first child (init), then (act) its end, then a second fork. */
static int dead_unshare(void *arg, void *out, size_t len)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	pid_t init;

	(void)len;
	NSW_TRY("pipe", chan_open(&hold));
	NSW_TRY("unshare(CLONE_NEWPID)",
		unshare(CLONE_NEWPID) < 0 ? neg_errno() : 0);
	init = fork();
	if (init == 0) {
		live_wait(&hold);
		_exit(0);
	}
	NSW_TRY("fork init", init < 0 ? neg_errno() : 0);
	if (*(const bool *)arg) {
		chan_close(&hold);
		NSW_TRY("reap init", wait_status(init, NULL));
	}
	*(int *)out = fork_probe(ENOMEM);
	chan_close(&hold);
	wait_status(init, NULL);
	return 0;
}

/* setns into a PID namespace (whose init, in the isolated run, died). */
static int dead_setns(void *arg, void *out, size_t len)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int fd = -1;

	(void)len;
	NSW_TRY("start init", holder_start(&h, CLONE_NEWPID));
	NSW_TRY("open its PID namespace", fd = ns_open(h.pid, NS_PID));
	if (*(const bool *)arg)
		NSW_TRY("end init", holder_stop(&h, NULL));
	NSW_TRY("setns", ns_setns(fd, NS_PID));
	*(int *)out = fork_probe(ENOMEM);
	return 0;
}

static int observe_dead(struct ctx *c, struct dead_seen *o, child_fn fn)
{
	bool act = c->isolate;

	return run_in_child(c, "fork into the namespace from a child", 0, fn,
			    &act, o, sizeof(*o));
}

static int observe_dead_unshare(struct ctx *c, struct dead_seen *o)
{
	return observe_dead(c, o, dead_unshare);
}

static int observe_dead_setns(struct ctx *c, struct dead_seen *o)
{
	return observe_dead(c, o, dead_setns);
}

static enum obs judge_dead(struct judge *j, const struct dead_seen *o)
{
	return judge_errno(j, o->err, ENOMEM, "fork",
			   "fork into the namespace after its init");
}
CHECK(dead_unshare_enomem, struct dead_seen, observe_dead_unshare, judge_dead);
CHECK(dead_setns_enomem, struct dead_seen, observe_dead_setns, judge_dead);

/* ---- signals from an ancestor ------------------------------------------ */

static volatile sig_atomic_t got_usr2;

static void on_usr2(int sig)
{
	(void)sig;
	got_usr2 = 1;
}

struct sig_seen {
	int status;    /* the target's wait status */
	bool replied;  /* it answered after the signals */
	bool got_usr2; /* its SIGUSR2 handler ran */
};

/* The target: a SIGUSR2 handler, none for SIGUSR1; answers, ends. */
static _Noreturn void sig_target(struct chan *ready, struct chan *go)
{
	char b;

	closep(&ready->rd);
	closep(&go->wr);
	signal(SIGUSR2, on_usr2);
	signal(SIGUSR1, SIG_DFL);
	chan_send_int(ready, 0);
	while (read(go->rd, &b, 1) < 0 && errno == EINTR)
		;
	chan_send_int(ready, got_usr2);
	_exit(0);
}

static int observe_sig(struct ctx *c, struct sig_seen *o)
{
	_cleanup_chan_ struct chan ready = CHAN_INIT, go = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	int x;

	TRY(c, chan_open(&ready), "pipe");
	TRY(c, chan_open(&go), "pipe");
	pid = TRY(c, ns_fork(PIDNS(c)), "fork the target");
	if (pid == 0)
		sig_target(&ready, &go);
	closep(&ready.wr);
	closep(&go.rd);
	ready.wr = go.rd = -1;
	TRY(c, chan_recv_int(&ready, &x), "wait for the target");
	TRY(c, sysr(kill(pid, SIGUSR1)), "kill(SIGUSR1)");
	TRY(c, sysr(kill(pid, SIGUSR2)), "kill(SIGUSR2)");
	/* the control's target (no init) may be dead of SIGUSR1 already */
	signal(SIGPIPE, SIG_IGN);
	x = chan_send(&go, "g", 1);
	TRY(c, x == -EPIPE ? 0 : x, "cue the target");
	o->replied = chan_recv_int(&ready, &x) == 0;
	o->got_usr2 = o->replied && x;
	TRY(c, wait_status(TAKE_PID(pid), &o->status), "reap the target");
	if (mutant_on(M_PIDNS_PROBE))
		*o = (struct sig_seen){ 0, true, true };
	return 0;
}

static enum obs judge_sig(struct judge *j, const struct sig_seen *o)
{
	bool killed = WIFSIGNALED(o->status);

	judge_kv(j, "target", "%s %d", killed ? "killed by signal" : "exited",
		 killed ? WTERMSIG(o->status) : WEXITSTATUS(o->status));
	judge_kv(j, "SIGUSR2 handler ran", "%s", o->got_usr2 ? "yes" : "no");
	if (killed && WTERMSIG(o->status) != SIGUSR1)
		return judge_unknown(j, "the target died of signal %d",
				     WTERMSIG(o->status));
	if (!killed && !o->got_usr2)
		return judge_unknown(j, "the handled SIGUSR2 never arrived");
	return judge_holds(j, !killed && o->replied, "an unhandled SIGUSR1 %s",
			   killed ? "killed the target"
				  : "left the target alone");
}
CHECK(ancestor_signal, struct sig_seen, observe_sig, judge_sig);

/* ---- reboot() ------------------------------------------------------------ */

struct reboot_seen {
	int status; /* the caller's wait status */
	int err;    /* reboot()'s errno when it returned */
};

/*
 * Root of a new user namespace (and, isolated, init of a new PID
 * namespace) calls reboot(RESTART). It holds CAP_SYS_BOOT in no namespace
 * of the host's: refused unless the PID namespace is its own, where the
 * kernel ends the namespace instead. The guard refuses to call it from the
 * worker's user namespace at all.
 */
static _Noreturn void rebooter(const struct ns_id *outer, struct chan *res)
{
	struct ns_id mine;
	int r = userns_become_root();

	if (r == 0)
		r = ns_id_of(0, NS_USER, &mine);
	if (r == 0 && ns_id_equal(&mine, outer))
		r = -EPERM; /* never from the worker's user namespace */
	if (r < 0) {
		chan_send_int(res, r);
		_exit(2);
	}
	r = reboot(LINUX_REBOOT_CMD_RESTART) < 0 ? errno : 0;
	chan_send_int(res, r);
	_exit(0);
}

static int observe_reboot(struct ctx *c, struct reboot_seen *o)
{
	_cleanup_chan_ struct chan res = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct ns_id outer;
	int x = 0, r;

	TRY(c, ns_id_of(0, NS_USER, &outer), "note our user namespace");
	TRY(c, chan_open(&res), "pipe");
	idmap_single(&userns_one_map, 0, UNPRIV_ID, 1);
	pid = TRY(
		c,
		userns_fork(PIDNS(c), &userns_one_map, &userns_one_map, false),
		"fork a user namespace");
	if (pid == 0)
		rebooter(&outer, &res);
	closep(&res.wr);
	res.wr = -1;
	r = chan_recv_int(&res, &x);
	TRY(c, wait_status(TAKE_PID(pid), &o->status), "reap the caller");
	if (r == 0 && x < 0)
		return ctx_error(c, x, "prepare the caller");
	o->err = r == 0 ? x : 0;
	if (mutant_on(M_PIDNS_PROBE))
		*o = (struct reboot_seen){ .status = SIGHUP };
	return 0;
}

static enum obs judge_reboot(struct judge *j, const struct reboot_seen *o)
{
	bool hup = WIFSIGNALED(o->status) && WTERMSIG(o->status) == SIGHUP;

	judge_kv(j, "reboot()", "%s", errname(o->err));
	judge_kv(j, "the caller", "%s %d",
		 WIFSIGNALED(o->status) ? "ended by signal" : "exited",
		 WIFSIGNALED(o->status) ? WTERMSIG(o->status)
					: WEXITSTATUS(o->status));
	if (!hup && o->err != EPERM)
		return judge_unknown(j, "reboot() returned %s",
				     errname(o->err));
	return judge_holds(j, hup, "reboot(): %s",
			   hup ? "the namespace's init ended with SIGHUP"
			       : "refused (EPERM)");
}
CHECK(reboot_ends_ns, struct reboot_seen, observe_reboot, judge_reboot);

/* ---- unshare once, no CLONE_THREAD -------------------------------------- */

struct call_seen {
	int err;
};

static int unshare_twice(void *arg, void *out, size_t len)
{
	(void)len;
	if (*(const bool *)arg)
		NSW_TRY("the first unshare(CLONE_NEWPID)",
			unshare(CLONE_NEWPID) < 0 ? neg_errno() : 0);
	*(int *)out = pid_probe(unshare(CLONE_NEWPID), EINVAL);
	return 0;
}

static int observe_once(struct ctx *c, struct call_seen *o)
{
	bool act = c->isolate;

	return run_in_child(c, "unshare in a child", 0, unshare_twice, &act, o,
			    sizeof(*o));
}

static enum obs judge_once(struct judge *j, const struct call_seen *o)
{
	return judge_errno(j, o->err, EINVAL, "unshare(CLONE_NEWPID)",
			   "unshare(CLONE_NEWPID) after one");
}
CHECK(unshare_once, struct call_seen, observe_once, judge_once);

static int thread_fn(void *arg)
{
	return write(*(const int *)arg, "t", 1) == 1 ? 0 : 1;
}

#define THREAD_STACK (64 * 1024ul)

static int clone_thread(void *arg, void *out, size_t len)
{
	unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES |
			      CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	char *stack = malloc(THREAD_STACK), b;
	int r;

	(void)len;
	if (!stack)
		return child_fail("allocate a stack", -ENOMEM);
	NSW_TRY("pipe", chan_open(&ch));
	if (*(const bool *)arg)
		flags |= CLONE_NEWPID;
	r = clone(thread_fn, stack + THREAD_STACK, flags, &ch.wr);
	*(int *)out = pid_probe(r, EINVAL);
	/* A thread was made: wait for its byte; the stack stays ours. */
	if (r >= 0 && read(ch.rd, &b, 1) != 1)
		return child_fail("hear from the thread", -EIO);
	return 0;
}

static int observe_thread(struct ctx *c, struct call_seen *o)
{
	bool act = c->isolate;

	return run_in_child(c, "clone a thread in a child", 0, clone_thread,
			    &act, o, sizeof(*o));
}

static enum obs judge_thread(struct judge *j, const struct call_seen *o)
{
	return judge_errno(j, o->err, EINVAL, "clone(CLONE_THREAD ...)",
			   "clone(CLONE_NEWPID | CLONE_THREAD)");
}
CHECK(newpid_thread, struct call_seen, observe_thread, judge_thread);

/* ---- /proc/self -------------------------------------------------------- */

struct self_seen {
	int pid;    /* the reader's getpid() */
	int own;    /* /proc/self of the procfs it mounted */
	int worker; /* /proc/self of the worker's procfs */
};

static int self_of(const char *path, int *pid)
{
	char buf[32];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return neg_errno();
	buf[n] = '\0';
	*pid = mutant_on(M_PIDNS_PROBE) ? getpid() : atoi(buf);
	return 0;
}

static int mount_and_read(void *arg, void *out, size_t len)
{
	struct self_seen *o = out;

	(void)arg;
	(void)len;
	NSW_TRY("mount proc on p", sysr(mount("proc", "p", "proc", 0, NULL)));
	o->pid = getpid();
	NSW_TRY("readlink p/self", self_of("p/self", &o->own));
	NSW_TRY("readlink /proc/self", self_of("/proc/self", &o->worker));
	umount2("p", MNT_DETACH);
	return 0;
}

static int observe_self(struct ctx *c, struct self_seen *o)
{
	TRY(c, sysr(mkdir("p", 0755)), "mkdir p");
	return run_in_child(c, "mount proc in a child", CLONE_NEWNS | PIDNS(c),
			    mount_and_read, NULL, o, sizeof(*o));
}

static enum obs judge_self(struct judge *j, const struct self_seen *o)
{
	judge_kv(j, "getpid()", "%d", o->pid);
	judge_kv(j, "its procfs' self", "%d", o->own);
	judge_kv(j, "the worker's procfs' self", "%d", o->worker);
	return judge_holds(j, o->own == o->pid && o->own != o->worker,
			   "self reads %d in the procfs it mounted, %d in "
			   "the worker's",
			   o->own, o->worker);
}
CHECK(proc_self_mount_ns, struct self_seen, observe_self, judge_self);

#define PROC_REQ                                                               \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_PID) | NS_BIT(NS_MNT),           \
		.fs = { "proc" }                                               \
	}
#define PIDM(id_, title_, prop_, expect_, req_, check_)                        \
	{                                                                      \
		.id = "pidns/" id_, .title = title_, .property = prop_,        \
		.expect = expect_, .req = req_, .tags = { "pid" },             \
		.check = &check_                                               \
	}

static const struct scenario pidns_more[] = {
	PIDM("fork-after-init-died-unshare-enomem",
	     "no fork into a namespace whose init died (unshare)",
	     "after unshare(CLONE_NEWPID) and the end of the first child "
	     "(its init), fork() fails with ENOMEM",
	     "ENOMEM", PID_REQ, dead_unshare_enomem),
	PIDM("fork-after-init-died-setns-enomem",
	     "no fork into a namespace whose init died (setns)",
	     "after setns() into a PID namespace whose init has ended, fork() "
	     "fails with ENOMEM",
	     "ENOMEM", PID_REQ, dead_setns_enomem),
	PIDM("ancestor-signal-needs-handler",
	     "signals from an ancestor reach init only through a handler",
	     "SIGUSR1, which init does not handle, sent from the parent "
	     "namespace leaves it alive; its SIGUSR2 handler runs",
	     "an unhandled SIGUSR1 left the target alone", PID_REQ,
	     ancestor_signal),
	PIDM("reboot-ends-namespace",
	     "reboot() in a PID namespace ends the namespace",
	     "reboot(RESTART) by root of a user namespace, in a PID namespace "
	     "of its own, ends the namespace's init with SIGHUP (EPERM "
	     "outside it)",
	     "the namespace's init ended with SIGHUP",
	     NSW_USER_REQ(NS_BIT(NS_PID)), reboot_ends_ns),
	PIDM("unshare-newpid-once-einval", "unshare(CLONE_NEWPID) works once",
	     "a second unshare(CLONE_NEWPID) by the same process fails with "
	     "EINVAL",
	     "EINVAL", PID_REQ, unshare_once),
	PIDM("newpid-with-thread-einval", "CLONE_NEWPID cannot make a thread",
	     "clone() with CLONE_NEWPID and CLONE_THREAD fails with EINVAL",
	     "EINVAL", PID_REQ, newpid_thread),
	PIDM("proc-self-follows-mount",
	     "/proc/self is the pid in the procfs' namespace",
	     "in a procfs mounted from a new PID namespace, self reads the "
	     "reader's pid there, not the one the worker's procfs shows",
	     "self reads 1 in the procfs it mounted", PROC_REQ,
	     proc_self_mount_ns),
};

BOXCHECK_AREA(pidns_more, pidns_more);
