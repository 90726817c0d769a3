// SPDX-License-Identifier: MIT
/*
 * seccomp and ptrace (seccomp(2) SECCOMP_RET_TRACE, NOTES): a tracer that
 * set PTRACE_O_TRACESECCOMP is told of a call its tracee's filter answers
 * with SECCOMP_RET_TRACE, gets the filter's data as the event message,
 * and may skip the call (its answer is returned) or change it into
 * another; without the option the call fails with ENOSYS. An action of
 * higher precedence in another filter keeps the tracer from being told.
 * PTRACE_SECCOMP_GET_FILTER hands a tracer the tracee's filter as
 * installed. The tracer is a forked child, the tracee its own child.
 */
#include "seccomp_more.h"
#include "../primitives/mutant.h"

#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#if defined(__aarch64__)
#include <asm/ptrace.h>
#include <elf.h> /* NT_PRSTATUS; linux/elf.h clashes with it on arm64 */
#endif

#define TRACE_DATA 0x123
#define SC_REQ                                                                 \
	{                                                                      \
		.root = true,                                                  \
		.caps = CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_SYS_PTRACE),      \
		.features = FEAT_BIT(FEAT_SECCOMP)                             \
	}

#if defined(__x86_64__) || defined(__aarch64__) || defined(__arm__)
#define CAN_EDIT 1
#else
#define CAN_EDIT 0
#endif

enum edit { EDIT_SKIP, EDIT_CHANGE };

/* The traced call: skipped (answered SCX_SKIP_VAL) or made a getpid. */
static int edit_call(pid_t pid, enum edit e)
{
#if defined(__x86_64__)
	struct user_regs_struct regs;

	if (ptrace(PTRACE_GETREGS, pid, 0, &regs) < 0)
		return neg_errno();
	regs.orig_rax = e == EDIT_SKIP ? (unsigned long long)-1 : SYS_getpid;
	if (e == EDIT_SKIP)
		regs.rax = SCX_SKIP_VAL;
	return ptrace(PTRACE_SETREGS, pid, 0, &regs) < 0 ? neg_errno() : 0;
#elif defined(__aarch64__)
	struct user_pt_regs regs;
	struct iovec io = { &regs, sizeof(regs) };
	int nr = e == EDIT_SKIP ? -1 : SYS_getpid;
	struct iovec ion = { &nr, sizeof(nr) };

	if (e == EDIT_SKIP) {
		if (ptrace(PTRACE_GETREGSET, pid, NT_PRSTATUS, &io) < 0)
			return neg_errno();
		regs.regs[0] = SCX_SKIP_VAL;
		if (ptrace(PTRACE_SETREGSET, pid, NT_PRSTATUS, &io) < 0)
			return neg_errno();
	}
	return ptrace(PTRACE_SETREGSET, pid, NT_ARM_SYSTEM_CALL, &ion) < 0
		       ? neg_errno()
		       : 0;
#elif defined(__arm__)
	/* r0 is the answer of a skipped call; the number, PTRACE_SET_SYSCALL. */
	struct user_regs regs;
	long nr = e == EDIT_SKIP ? -1 : SYS_getpid;

	if (e == EDIT_SKIP) {
		if (ptrace(PTRACE_GETREGS, pid, 0, &regs) < 0)
			return neg_errno();
		regs.uregs[0] = SCX_SKIP_VAL;
		if (ptrace(PTRACE_SETREGS, pid, 0, &regs) < 0)
			return neg_errno();
	}
	return ptrace(PTRACE_SET_SYSCALL, pid, 0, (void *)nr) < 0 ? neg_errno()
								  : 0;
#else
	(void)pid;
	(void)e;
	return -EOPNOTSUPP;
#endif
}

/* ---- a tracer and its tracee ----------------------------------------- */

struct trace_plan {
	bool opt;	/* PTRACE_O_TRACESECCOMP */
	bool errno_too; /* an ERRNO filter for getppid on top */
	enum edit edit;
};

struct call_res {
	long ret;
	int err;
	pid_t pid; /* the tracee's own */
};

struct trace_seen {
	bool event;	    /* a PTRACE_EVENT_SECCOMP stop came */
	unsigned long data; /* its event message */
	struct call_res call;
	pid_t tracer; /* getppid's honest answer */
};

static _Noreturn void tracee(int wr, const struct trace_plan *p)
{
	struct call_res r;

	if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0 || raise(SIGSTOP))
		_exit(10);
	if (scx_install_rule(SYS_getppid, SECCOMP_RET_TRACE | TRACE_DATA, 0) <
	    0)
		_exit(11);
	if (p->errno_too &&
	    scx_install_rule(SYS_getppid, SECCOMP_RET_ERRNO | SC_ERRNO, 0) < 0)
		_exit(12);
	r.pid = (pid_t)syscall(SYS_getpid);
	errno = 0;
	r.ret = syscall(SYS_getppid);
	r.err = r.ret < 0 ? errno : 0;
	_exit(write(wr, &r, sizeof(r)) == sizeof(r) ? 0 : 13);
}

/* Continue the tracee to its end; at a seccomp stop, apply the edit. */
static int follow(pid_t pid, const struct trace_plan *p, struct trace_seen *o)
{
	int st, r, sig;

	if (waitpid(pid, &st, 0) < 0)
		return child_fail("wait for the tracee's stop", neg_errno());
	if (!WIFSTOPPED(st))
		return child_fail("the tracee's first stop", -ECHILD);
	if (ptrace(PTRACE_SETOPTIONS, pid, 0,
		   PTRACE_O_EXITKILL | (p->opt ? PTRACE_O_TRACESECCOMP : 0)) <
	    0)
		return child_fail("PTRACE_SETOPTIONS", neg_errno());
	for (sig = 0;; sig = WSTOPSIG(st)) {
		if (ptrace(PTRACE_CONT, pid, 0, sig) < 0)
			return child_fail("PTRACE_CONT", neg_errno());
		if (waitpid(pid, &st, 0) < 0)
			return child_fail("wait for the tracee", neg_errno());
		if (!WIFSTOPPED(st))
			break;
		if (st >> 8 != (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8)))
			continue;
		o->event = true;
		if (ptrace(PTRACE_GETEVENTMSG, pid, 0, &o->data) < 0)
			return child_fail("PTRACE_GETEVENTMSG", neg_errno());
		if ((r = edit_call(pid, p->edit)) < 0)
			return child_fail("edit the traced call", r);
		st = 0; /* no signal to pass on */
	}
	return WIFEXITED(st) && WEXITSTATUS(st) == 0
		       ? 0
		       : child_fail("the tracee's end", -ECHILD);
}

static int trace_run(void *arg, void *out, size_t len)
{
	const struct trace_plan *p = arg;
	struct trace_seen *o = out;
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	pid_t pid;
	int r;

	(void)len;
	CHILD_TRY("pipe", chan_open(&ch));
	if ((pid = fork()) < 0)
		return child_fail("fork the tracee", neg_errno());
	if (pid == 0) {
		close(ch.rd);
		tracee(ch.wr, p);
	}
	closep(&ch.wr);
	ch.wr = -1;
	if ((r = follow(pid, p, o)) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return r;
	}
	if (fd_read_all(ch.rd, &o->call, sizeof(o->call)) != sizeof(o->call))
		return child_fail("read the tracee's report", -EIO);
	o->tracer = getpid();
	if (mutant_on(M_SECCOMP_NONE)) {
		o->event = false;
		o->data = 0;
		o->call = (struct call_res){ o->tracer, 0, o->call.pid };
	}
	return 0;
}

enum { T_SKIP, T_CHANGE, T_OUTRANKED };

static int observe_trace(struct ctx *c, struct trace_seen *o, int kind)
{
	struct trace_plan p = {
		.opt = kind == T_OUTRANKED || c->isolate,
		.errno_too = kind == T_OUTRANKED && c->isolate,
		.edit = kind == T_CHANGE ? EDIT_CHANGE : EDIT_SKIP,
	};

	if (!CAN_EDIT)
		return ctx_skip(c, "no way to edit a traced system call on "
				   "this architecture");
	TRY_OBS(run_in_child(c, "trace the filtered call", 0, trace_run, &p, o,
			     sizeof(*o)));
	return 0;
}

static void judge_trace_kv(struct judge *j, const struct trace_seen *o)
{
	judge_kv(j, "PTRACE_EVENT_SECCOMP", "%s, data %#lx",
		 o->event ? "seen" : "none", o->data);
	judge_kv(j, "getppid", "returned %ld%s%s (tracee pid %d)", o->call.ret,
		 o->call.ret < 0 ? " " : "",
		 o->call.ret < 0 ? strerrorname_np(o->call.err) : "",
		 o->call.pid);
}

static enum obs judge_trace(struct judge *j, const struct trace_seen *o,
			    int kind)
{
	bool told = o->event && o->data == TRACE_DATA;
	const struct call_res *r = &o->call;

	judge_trace_kv(j, o);
	switch (kind) {
	case T_SKIP:
		return judge_holds(j, told && r->ret == SCX_SKIP_VAL,
				   "tracer %s; getppid returned %ld",
				   told ? "told, skipped it" : "not told",
				   r->ret);
	case T_CHANGE:
		return judge_holds(j, told && r->ret == r->pid,
				   "tracer %s; getppid returned %ld%s",
				   told ? "told, made it getpid" : "not told",
				   r->ret,
				   r->ret == r->pid ? " (its own pid)" : "");
	default:
		return judge_holds(
			j, !o->event && r->ret == -1 && r->err == SC_ERRNO,
			"tracer %s; getppid returned %ld",
			o->event ? "told" : "not told", r->ret);
	}
}

#define TRACE_CHECK(name_, kind_)                                              \
	static int observe_##name_(struct ctx *c, struct trace_seen *o)        \
	{                                                                      \
		return observe_trace(c, o, kind_);                             \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct trace_seen *o)              \
	{                                                                      \
		return judge_trace(j, o, kind_);                               \
	}                                                                      \
	CHECK(name_, struct trace_seen, observe_##name_, judge_##name_)
TRACE_CHECK(trace_skip, T_SKIP);
TRACE_CHECK(trace_change, T_CHANGE);
TRACE_CHECK(trace_outranked, T_OUTRANKED);

/* ---- PTRACE_SECCOMP_GET_FILTER --------------------------------------- */

struct dump_seen {
	long n;	   /* instructions handed back, -1 on error */
	int err;   /* its errno */
	bool same; /* they are the ones installed */
};

static int dump_run(void *arg, void *out, size_t len)
{
	struct sock_filter want[SCX_RULE_LEN], got[SCX_RULE_LEN * 2];
	struct dump_seen *o = out;
	pid_t pid;
	int st;

	(void)len;
	scx_rule(want, SYS_getppid, SECCOMP_RET_ERRNO | SC_ERRNO);
	if ((pid = fork()) < 0)
		return child_fail("fork the tracee", neg_errno());
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, 0, 0) < 0)
			_exit(10);
		if (*(const bool *)arg &&
		    scx_install(want, SCX_RULE_LEN, 0) < 0)
			_exit(11);
		raise(SIGSTOP);
		_exit(12);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFSTOPPED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return child_fail("the tracee's stop", -ECHILD);
	}
	o->n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, got);
	o->err = o->n < 0 ? errno : 0;
	o->same = o->n == SCX_RULE_LEN && !memcmp(got, want, sizeof(want));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (mutant_on(M_SECCOMP_NONE))
		*o = (struct dump_seen){ -1, EINVAL, false };
	return 0;
}

static int observe_dump(struct ctx *c, struct dump_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "dump the tracee's filter", 0, dump_run, &act,
			     o, sizeof(*o)));
	if (o->err == EIO)
		return ctx_skip(c, "kernel has no PTRACE_SECCOMP_GET_FILTER "
				   "(CONFIG_CHECKPOINT_RESTORE): EIO");
	return 0;
}

static enum obs judge_dump(struct judge *j, const struct dump_seen *o)
{
	judge_kv(j, "PTRACE_SECCOMP_GET_FILTER", "%ld%s%s", o->n,
		 o->n < 0 ? " " : "", o->n < 0 ? strerrorname_np(o->err) : "");
	return judge_holds(
		j, o->same, "the tracee's filter %s (%ld instructions)",
		o->same ? "handed back as installed" : "not seen", o->n);
}
CHECK(get_filter, struct dump_seen, observe_dump, judge_dump);

static const struct scenario seccomp_trace[] = {
	{ .id = "seccomp/ret-trace-tracer-skips-call",
	  .title = "SECCOMP_RET_TRACE: the tracer is told and skips the call",
	  .property = "a tracer with PTRACE_O_TRACESECCOMP gets "
		      "PTRACE_EVENT_SECCOMP with the filter's data for a call "
		      "answered SECCOMP_RET_TRACE, and skipping it makes the "
		      "call return the tracer's answer; without the option "
		      "the call fails with ENOSYS",
	  .expect = "tracer told, skipped it; getppid returned 4243",
	  .req = SC_REQ,
	  .tags = { "seccomp", "ptrace" },
	  .check = &trace_skip },
	{ .id = "seccomp/ret-trace-tracer-changes-call",
	  .title = "SECCOMP_RET_TRACE: the tracer changes the call",
	  .property = "a tracer told of a getppid answered "
		      "SECCOMP_RET_TRACE turns it into getpid: the tracee "
		      "gets its own pid back",
	  .expect = "tracer told, made it getpid; getppid returned its pid",
	  .req = SC_REQ,
	  .tags = { "seccomp", "ptrace" },
	  .check = &trace_change },
	{ .id = "seccomp/ret-trace-outranked-tracer-untold",
	  .title = "a higher action keeps the tracer from being told",
	  .property = "with a SECCOMP_RET_ERRNO filter stacked on a "
		      "SECCOMP_RET_TRACE one, the tracer gets no "
		      "PTRACE_EVENT_SECCOMP and the call fails with the errno",
	  .expect = "tracer not told; getppid returned -1",
	  .req = SC_REQ,
	  .tags = { "seccomp", "ptrace", "stack" },
	  .check = &trace_outranked },
	{ .id = "seccomp/ptrace-get-filter",
	  .title = "PTRACE_SECCOMP_GET_FILTER dumps a tracee's filter",
	  .property = "a tracer's PTRACE_SECCOMP_GET_FILTER returns the "
		      "instructions of the filter its tracee installed",
	  .expect = "the tracee's filter handed back as installed",
	  .req = SC_REQ,
	  .tags = { "seccomp", "ptrace" },
	  .check = &get_filter },
};

BOXCHECK_AREA(seccomp_trace, seccomp_trace);
