// SPDX-License-Identifier: MIT
/*
 * seccomp and threads (seccomp(2)): strict mode kills only the thread that
 * breaks it; SECCOMP_FILTER_FLAG_TSYNC fails, installs nothing and names
 * the thread when another thread has a filter tree of its own or is in
 * strict mode; SECCOMP_RET_KILL_THREAD in a process of one thread dumps
 * core (the whole process goes, as by SIGSYS). Everything happens in a
 * forked child and its threads.
 */
#include "seccomp_more.h"
#include "../primitives/mutant.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define SC_REQ                                                                 \
	{                                                                      \
		.root = true, .caps = CAP_BIT(CAP_SYS_ADMIN),                  \
		.features = FEAT_BIT(FEAT_SECCOMP)                             \
	}

/* ---- strict mode in one thread --------------------------------------- */

struct strict_seen {
	bool returned; /* the thread's getppid returned */
	bool joined;   /* its thread ended, the process went on */
};

struct strict_thread {
	bool act; /* the thread enters strict mode first */
	int err;  /* entering it failed: -errno */
	bool returned;
};

static void *strict_main(void *arg)
{
	struct strict_thread *t = arg;

	if (t->act && scx_seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL) < 0) {
		t->err = -EPERM;
		return NULL;
	}
	syscall(SYS_getppid);
	t->returned = true;
	return NULL;
}

static int strict_run(void *arg, void *out, size_t len)
{
	struct strict_thread t = { .act = *(const bool *)arg };
	struct strict_seen *o = out;
	pthread_t th;

	(void)len;
	if (pthread_create(&th, NULL, strict_main, &t))
		return child_fail("start the thread", -EAGAIN);
	if (pthread_join(th, NULL))
		return child_fail("join the thread", -EINVAL);
	if (t.err)
		return child_fail("strict mode in the thread", t.err);
	o->returned = t.returned || mutant_on(M_SECCOMP_NONE);
	o->joined = true;
	return 0;
}

static int observe_strict(struct ctx *c, struct strict_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "a thread's getppid", 0, strict_run, &act, o,
			     sizeof(*o)));
	return 0;
}

static enum obs judge_strict(struct judge *j, const struct strict_seen *o)
{
	judge_kv(j, "thread's getppid", "%s",
		 o->returned ? "returned" : "never returned");
	return judge_holds(j, o->joined && !o->returned,
			   "the thread's getppid %s; the process %s",
			   o->returned ? "returned" : "killed the thread",
			   o->joined ? "went on" : "?");
}
CHECK(strict_thread, struct strict_seen, observe_strict, judge_strict);

/* ---- TSYNC names the thread it cannot sync --------------------------- */

struct tsync_seen {
	long ret;      /* seccomp(TSYNC): 0, a thread id, or -errno */
	pid_t tid;     /* the other thread's */
	int after_err; /* errno of the caller's getppid after it */
};

enum { TS_DIVERGED, TS_STRICT };

struct tsync_thread {
	int kind;
	bool act; /* the thread's own filter, or strict mode */
	int ready, gate;
	pid_t tid;
	int err;
};

static void *tsync_main(void *arg)
{
	struct tsync_thread *t = arg;
	char b = 0;
	long r = 0;

	t->tid = gettid();
	if (t->act)
		r = t->kind == TS_STRICT
			    ? scx_seccomp(SECCOMP_SET_MODE_STRICT, 0, NULL)
			    : scx_install_rule(SYS_getsid,
					       SECCOMP_RET_ERRNO | SC_ERRNO2,
					       0);
	t->err = (int)(r < 0 ? r : 0);
	/* read and write only: all strict mode allows. */
	if (write(t->ready, &b, 1) != 1 || read(t->gate, &b, 1) != 1)
		return NULL;
	return NULL;
}

static int tsync_run(void *arg, void *out, size_t len)
{
	struct tsync_thread t = *(const struct tsync_thread *)arg;
	_cleanup_chan_ struct chan ready = CHAN_INIT, gate = CHAN_INIT;
	struct sock_filter f[SCX_RULE_LEN];
	struct sock_fprog prog = { SCX_RULE_LEN, f };
	struct tsync_seen *o = out;
	pthread_t th;
	char b;

	(void)len;
	CHILD_TRY("pipes", chan_open(&ready));
	CHILD_TRY("pipes", chan_open(&gate));
	t.ready = ready.wr;
	t.gate = gate.rd;
	if (pthread_create(&th, NULL, tsync_main, &t))
		return child_fail("start the thread", -EAGAIN);
	if (read(ready.rd, &b, 1) != 1)
		_exit(3); /* the thread is gone: leave it all */
	if (!t.err) {
		scx_rule(f, SYS_getppid, SECCOMP_RET_ERRNO | SC_ERRNO);
		o->ret = scx_seccomp_probe(SECCOMP_SET_MODE_FILTER,
					   SECCOMP_FILTER_FLAG_TSYNC, &prog);
		o->tid = t.tid;
		o->after_err = syscall(SYS_getppid) < 0 ? errno : 0;
	}
	if (write(gate.wr, &b, 1) != 1 || pthread_join(th, NULL))
		return child_fail("release the thread", -EIO);
	return t.err ? child_fail("the thread's own seccomp step", t.err) : 0;
}

static int observe_tsync(struct ctx *c, struct tsync_seen *o, int kind)
{
	struct tsync_thread t = { .kind = kind, .act = c->isolate };

	TRY_OBS(run_in_child(c, "TSYNC with another thread", 0, tsync_run, &t,
			     o, sizeof(*o)));
	return 0;
}

static enum obs judge_tsync(struct judge *j, const struct tsync_seen *o)
{
	judge_kv(j, "seccomp(TSYNC)", "%ld%s%s", o->ret, o->ret < 0 ? " " : "",
		 o->ret < 0 ? strerrorname_np((int)-o->ret) : "");
	judge_kv(j, "other thread", "%d", o->tid);
	judge_kv(j, "getppid after", "%s",
		 o->after_err ? strerrorname_np(o->after_err) : "ran");
	if (o->ret < 0)
		return judge_unknown(j, "seccomp(TSYNC) failed: %s",
				     strerrorname_np((int)-o->ret));
	return judge_holds(j, o->ret == o->tid && !o->after_err,
			   "TSYNC returned %ld (the other thread is %d); the "
			   "caller's getppid %s",
			   o->ret, o->tid,
			   o->after_err ? "filtered" : "not filtered");
}

static int observe_diverged(struct ctx *c, struct tsync_seen *o)
{
	return observe_tsync(c, o, TS_DIVERGED);
}

static int observe_tstrict(struct ctx *c, struct tsync_seen *o)
{
	return observe_tsync(c, o, TS_STRICT);
}
CHECK(tsync_diverged, struct tsync_seen, observe_diverged, judge_tsync);
CHECK(tsync_strict, struct tsync_seen, observe_tstrict, judge_tsync);

/* ---- KILL_THREAD in a single-threaded process dumps core ------------- */

struct core_seen {
	int death; /* the signal that ended the process, 0 if it exited */
	bool core; /* WCOREDUMP */
	int code;  /* its exit code, -1 if killed */
	int files; /* entries in cores/ */
};

static void *join_main(void *arg)
{
	pthread_join(*(pthread_t *)arg, NULL);
	_exit(0);
}

/* The process to kill; the control keeps a second thread alive. */
static _Noreturn void doomed(bool single)
{
	static pthread_t main_th, th;
	struct rlimit lim = { 64 << 20, 64 << 20 };

	if (setrlimit(RLIMIT_CORE, &lim) < 0 ||
	    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0 || chdir("cores") < 0)
		_exit(10);
	if (scx_install_rule(SYS_getppid, SECCOMP_RET_KILL_THREAD, 0) < 0)
		_exit(11);
	main_th = pthread_self();
	if (!single && pthread_create(&th, NULL, join_main, &main_th))
		_exit(12);
	syscall(SYS_getppid);
	_exit(13);
}

static int count_entries(const char *dir)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return neg_errno();
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	return n;
}

static int core_run(void *arg, void *out, size_t len)
{
	struct core_seen *o = out;
	pid_t pid;
	int st;

	(void)len;
	if ((pid = fork()) < 0)
		return child_fail("fork", neg_errno());
	if (pid == 0)
		doomed(*(const bool *)arg);
	CHILD_TRY("reap the filtered process", wait_status(pid, &st));
	if (WIFEXITED(st) && WEXITSTATUS(st) >= 10)
		return child_fail("set up the filtered process", -ECHILD);
	o->death = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	o->core = WIFSIGNALED(st) && WCOREDUMP(st);
	o->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	CHILD_TRY("list cores/", o->files = count_entries("cores"));
	if (mutant_on(M_SECCOMP_NONE))
		*o = (struct core_seen){ 0, false, 0, 0 };
	return 0;
}

static int observe_core(struct ctx *c, struct core_seen *o)
{
	char pattern[256];
	bool single = c->isolate;

	TRY(c,
	    read_text("/proc/sys/kernel/core_pattern", pattern,
		      sizeof(pattern)),
	    "read kernel.core_pattern");
	chomp(pattern);
	if (pattern[0] == '|' || strchr(pattern, '/'))
		return ctx_skip(c,
				"kernel.core_pattern \"%s\" sends cores out of "
				"the run's directory",
				pattern);
	ctx_kv(c, "core_pattern", "%s", pattern);
	TRY(c, sysr(mkdir("cores", 0700)), "mkdir cores");
	TRY_OBS(run_in_child(c, "a KILL_THREAD call", 0, core_run, &single, o,
			     sizeof(*o)));
	return 0;
}

static enum obs judge_core(struct judge *j, const struct core_seen *o)
{
	judge_kv(j, "process", "%s%s%s", o->death ? "killed by SIG" : "exited",
		 o->death ? sc_sig_name(o->death) : "",
		 o->core ? ", core dumped" : "");
	judge_kv(j, "files in cores/", "%d", o->files);
	return judge_holds(j, o->death == SIGSYS && o->core && o->files > 0,
			   "after KILL_THREAD: %s%s, %d core file(s)",
			   o->death ? "killed by SIG" : "exited",
			   o->death ? sc_sig_name(o->death) : "", o->files);
}
CHECK(kill_thread_core, struct core_seen, observe_core, judge_core);

static const struct scenario seccomp_threads[] = {
	{ .id = "seccomp/strict-kills-only-the-thread",
	  .title = "strict mode kills only the offending thread",
	  .property = "a thread that entered strict mode and calls getppid "
		      "ends; the rest of its process goes on",
	  .expect = "the thread's getppid killed the thread; the process "
		    "went on",
	  .req = SC_REQ,
	  .tags = { "seccomp", "strict", "threads" },
	  .check = &strict_thread },
	{ .id = "seccomp/tsync-fails-on-diverged-thread",
	  .title = "TSYNC fails on a thread with a filter of its own",
	  .property = "when another thread installed a filter of its own, "
		      "a TSYNC install returns that thread's id and installs "
		      "nothing, not even on the caller",
	  .expect = "TSYNC returned the other thread's id; the caller's "
		    "getppid not filtered",
	  .req = SC_REQ,
	  .tags = { "seccomp", "threads" },
	  .check = &tsync_diverged },
	{ .id = "seccomp/tsync-fails-on-strict-thread",
	  .title = "TSYNC fails on a thread in strict mode",
	  .property = "when another thread is in strict mode, a TSYNC "
		      "install returns that thread's id and installs nothing",
	  .expect = "TSYNC returned the other thread's id; the caller's "
		    "getppid not filtered",
	  .req = SC_REQ,
	  .tags = { "seccomp", "threads", "strict" },
	  .check = &tsync_strict },
	{ .id = "seccomp/kill-thread-single-dumps-core",
	  .title = "KILL_THREAD on a lone thread dumps core",
	  .property = "a process of one thread whose call is answered "
		      "SECCOMP_RET_KILL_THREAD dies of SIGSYS with a core "
		      "dump; with a second thread only the caller ends",
	  .expect = "killed by SIGSYS, core dumped",
	  .req = SC_REQ,
	  .tags = { "seccomp", "threads" },
	  .check = &kill_thread_core },
};

BOXCHECK_AREA(seccomp_threads, seccomp_threads);
