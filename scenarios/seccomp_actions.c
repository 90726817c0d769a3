// SPDX-License-Identifier: MIT
/*
 * What each seccomp filter action does to the call it matches (seccomp(2),
 * "Filter return values"): SECCOMP_RET_ERRNO fails it with the filter's
 * errno, RET_KILL_PROCESS kills every thread with SIGSYS, RET_KILL_THREAD
 * only the caller, RET_TRAP delivers SIGSYS with si_syscall, RET_TRACE
 * with no tracer fails it with ENOSYS, RET_USER_NOTIF hands it to a
 * supervisor whose answer the caller gets, RET_LOG lets it run and logs
 * it. The probed call is getppid(2), in a forked child (seccomp_util.h);
 * the control makes the same call with no filter.
 */
#include "seccomp_util.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <time.h>

#define SC_REQ                                                                 \
	{                                                                      \
		.root = true, .caps = CAP_BIT(CAP_SYS_ADMIN),                  \
		.features = FEAT_BIT(FEAT_SECCOMP)                             \
	}

/* A filter with `action` for getppid when isolated; the call from where. */
static int observe_action(struct ctx *c, struct sc_outcome *o, uint32_t action,
			  enum sc_where where)
{
	struct sc_rule_arm a = { .act = c->isolate,
				 .action = action,
				 .nr = SCMP_SYS(getppid) };
	struct sc_plan p = { .arm = sc_arm_rule,
			     .arg = &a,
			     .where = where,
			     .call = { { SYS_getppid, 0 } } };

	return sc_probe(c, &p, o);
}

/* ---- RET_ERRNO ------------------------------------------------------- */

static int observe_errno(struct ctx *c, struct sc_outcome *o)
{
	return observe_action(c, o, SCMP_ACT_ERRNO(SC_ERRNO), SC_SELF);
}

static enum obs judge_errno_act(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	if (!o->res[0].done)
		return judge_unknown(j, "getppid did not return");
	return judge_holds(j, o->res[0].ret == -1 && o->res[0].err == SC_ERRNO,
			   "getppid returned %ld (%s)", o->res[0].ret,
			   o->res[0].ret < 0 ? strerrorname_np(o->res[0].err)
					     : "no error");
}
CHECK(ret_errno, struct sc_outcome, observe_errno, judge_errno_act);

/* ---- RET_KILL_PROCESS, RET_KILL_THREAD ------------------------------- */

static int observe_kill_proc(struct ctx *c, struct sc_outcome *o)
{
	return observe_action(c, o, SCMP_ACT_KILL_PROCESS, SC_THREAD_AFTER);
}

static enum obs judge_kill_proc(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	if (o->death && o->death != SIGSYS)
		return judge_unknown(j, "the child died of SIG%s",
				     sc_sig_name(o->death));
	return judge_holds(j, o->death == SIGSYS && !o->survived,
			   "a thread's getppid: %s",
			   o->death ? "the whole process killed by SIGSYS"
				    : "the process lived on");
}
CHECK(kill_proc, struct sc_outcome, observe_kill_proc, judge_kill_proc);

static int observe_kill_thread(struct ctx *c, struct sc_outcome *o)
{
	return observe_action(c, o, SCMP_ACT_KILL_THREAD, SC_THREAD_AFTER);
}

static enum obs judge_kill_thread(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	if (!o->survived)
		return judge_unknown(j, "the process did not reach its end");
	return judge_holds(j, !o->res[0].done,
			   "a thread's getppid: %s, the process lived on",
			   o->res[0].done ? "returned" : "the thread ended");
}
CHECK(kill_thread, struct sc_outcome, observe_kill_thread, judge_kill_thread);

/* ---- RET_TRAP -------------------------------------------------------- */

static int observe_trap(struct ctx *c, struct sc_outcome *o)
{
	return observe_action(c, o, SCMP_ACT_TRAP, SC_SELF);
}

static enum obs judge_trap(struct judge *j, const struct sc_outcome *o)
{
	bool ok = o->trapped && o->sys_code == SYS_SECCOMP &&
		  o->sys_nr == SYS_getppid && o->sys_arch == sc_native_arch();

	judge_sc_outcome(j, o);
	judge_kv(j, "sys_arch", "%#x", o->sys_arch);
	return judge_holds(j, ok, "getppid: %s",
			   !o->trapped ? "no SIGSYS"
			   : ok ? "SIGSYS, SYS_SECCOMP, si_syscall getppid"
				: "SIGSYS with other siginfo");
}
CHECK(trap, struct sc_outcome, observe_trap, judge_trap);

/* ---- RET_TRACE without a tracer -------------------------------------- */

static int observe_trace(struct ctx *c, struct sc_outcome *o)
{
	return observe_action(c, o, SCMP_ACT_TRACE(1), SC_SELF);
}

static enum obs judge_trace(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	if (!o->res[0].done)
		return judge_unknown(j, "getppid did not return");
	return judge_holds(j, o->res[0].ret == -1 && o->res[0].err == ENOSYS,
			   "getppid with no tracer returned %ld",
			   o->res[0].ret);
}
CHECK(trace, struct sc_outcome, observe_trace, judge_trace);

/* ---- RET_USER_NOTIF -------------------------------------------------- */

static int observe_notif(struct ctx *c, struct sc_outcome *o)
{
	bool act = c->isolate;
	struct sc_plan p = { .arm = sc_arm_notify,
			     .arg = &act,
			     .where = SC_SELF,
			     .call = { { SYS_getppid, 0 } } };

	return sc_probe(c, &p, o);
}

static enum obs judge_notif(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	judge_kv(j, "supervisor told of", "syscall %ld", o->notif_nr);
	if (!o->res[0].done)
		return judge_unknown(j, "getppid did not return");
	return judge_holds(
		j, o->res[0].ret == SC_NOTIF_VAL && o->notif_nr == SYS_getppid,
		"getppid returned %ld (the supervisor answers %d)",
		o->res[0].ret, SC_NOTIF_VAL);
}
CHECK(notif, struct sc_outcome, observe_notif, judge_notif);

/* ---- RET_LOG --------------------------------------------------------- */

#define LOG_WAIT_MS 2000

struct logged {
	struct sc_outcome o;
	bool probe_line, fence_line; /* audit lines for getppid, getsid */
};

/* Both runs log getsid (the fence); the action: getppid logged too. */
static int arm_log(const void *arg)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	uint32_t act = *(const bool *)arg ? SCMP_ACT_LOG : SCMP_ACT_ALLOW;

	if (!ctx)
		return -ENOMEM;
	if (seccomp_rule_add(ctx, SCMP_ACT_LOG, SCMP_SYS(getsid), 0) < 0 ||
	    (act != SCMP_ACT_ALLOW &&
	     seccomp_rule_add(ctx, act, SCMP_SYS(getppid), 0) < 0)) {
		seccomp_release(ctx);
		return -EINVAL;
	}
	return sc_load(ctx, 0);
}

static bool line_for(const char *l, pid_t pid, long nr)
{
	char want[64];

	snprintf(want, sizeof(want), " pid=%d ", pid);
	if (!strstr(l, "type=1326") || !strstr(l, want))
		return false;
	snprintf(want, sizeof(want), " syscall=%ld ", nr);
	return strstr(l, want) != NULL;
}

/* Records after the probe, until the fence's (in order: kauditd's). */
static void scan_kmsg(int fd, pid_t pid, struct logged *o)
{
	struct timespec end, now;
	char rec[2048];

	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += LOG_WAIT_MS / 1000;
	while (!o->fence_line) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		if (n > 0) {
			rec[n] = '\0';
			o->probe_line |= line_for(rec, pid, SYS_getppid);
			o->fence_line |= line_for(rec, pid, SYS_getsid);
			continue;
		}
		if (n < 0 && errno == EPIPE)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec ||
		    (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec))
			return;
		poll(&p, 1, 50);
	}
	if (mutant_on(M_SECCOMP_NONE))
		o->probe_line = false;
}

static int observe_log(struct ctx *c, struct logged *o)
{
	_cleanup_close_ int fd = -1;
	char avail[256];
	bool act = c->isolate;
	struct sc_plan p = {
		.arm = arm_log,
		.arg = &act,
		.where = SC_SELF,
		.call = { { SYS_getppid, 0 }, { SYS_getsid, 0 } },
	};

	if (read_text("/proc/sys/kernel/seccomp/actions_logged", avail,
		      sizeof(avail)) < 0 ||
	    !strstr(avail, "log"))
		return ctx_skip(c, "kernel.seccomp.actions_logged lacks log");
	fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return ctx_skip(c, "no readable /dev/kmsg (%s)",
				strerrorname_np(errno));
	TRY(c, lseek(fd, 0, SEEK_END) < 0 ? neg_errno() : 0,
	    "seek to the end of /dev/kmsg");
	TRY_OBS(sc_probe(c, &p, &o->o));
	scan_kmsg(fd, o->o.pid, o);
	if (!o->fence_line)
		return ctx_skip(c, "the kernel log shows no seccomp audit "
				   "record (an audit daemon takes them)");
	return 0;
}

static enum obs judge_log(struct judge *j, const struct logged *o)
{
	judge_sc_outcome(j, &o->o);
	judge_kv(j, "audit line for getppid", "%s",
		 o->probe_line ? "yes" : "no");
	if (!o->o.res[0].done)
		return judge_unknown(j, "getppid did not return");
	return judge_holds(j, o->o.res[0].ret > 0 && o->probe_line,
			   "getppid returned %ld, %s", o->o.res[0].ret,
			   o->probe_line ? "logged" : "not logged");
}
CHECK(ret_log, struct logged, observe_log, judge_log);

static const struct scenario seccomp_actions[] = {
	{ .id = "seccomp/ret-errno",
	  .title = "SECCOMP_RET_ERRNO fails the call with the filter's errno",
	  .property = "a filter returning SECCOMP_RET_ERRNO|EXFULL for "
		      "getppid makes getppid return -1 with errno EXFULL",
	  .expect = "getppid returned -1 (EXFULL)",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &ret_errno },
	{ .id = "seccomp/ret-kill-process",
	  .title = "SECCOMP_RET_KILL_PROCESS kills every thread",
	  .property = "a thread calling a syscall its filter answers with "
		      "SECCOMP_RET_KILL_PROCESS takes the whole process down "
		      "with SIGSYS",
	  .expect = "the whole process killed by SIGSYS",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &kill_proc },
	{ .id = "seccomp/ret-kill-thread",
	  .title = "SECCOMP_RET_KILL_THREAD kills only the calling thread",
	  .property = "a thread calling a syscall its filter answers with "
		      "SECCOMP_RET_KILL_THREAD ends; the other threads live on",
	  .expect = "the thread ended, the process lived on",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &kill_thread },
	{ .id = "seccomp/ret-trap",
	  .title = "SECCOMP_RET_TRAP delivers SIGSYS naming the call",
	  .property = "a call answered with SECCOMP_RET_TRAP raises SIGSYS "
		      "with sys_code SYS_SECCOMP, sys_nr and sys_arch of "
		      "the call",
	  .expect = "SIGSYS, SYS_SECCOMP, si_syscall getppid",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &trap },
	{ .id = "seccomp/ret-trace-without-tracer",
	  .title = "SECCOMP_RET_TRACE with no tracer fails with ENOSYS",
	  .property = "a call answered with SECCOMP_RET_TRACE in a process "
		      "nobody traces is not run and fails with ENOSYS",
	  .expect = "getppid returned -1 (ENOSYS)",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &trace },
	{ .id = "seccomp/ret-user-notif",
	  .title = "SECCOMP_RET_USER_NOTIF: a supervisor answers the call",
	  .property = "a call answered with SECCOMP_RET_USER_NOTIF reaches "
		      "the supervisor holding the listener fd, and returns "
		      "the value it answers",
	  .expect = "getppid returned 4242",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &notif },
	{ .id = "seccomp/ret-log",
	  .title = "SECCOMP_RET_LOG runs the call and logs it",
	  .property = "a call answered with SECCOMP_RET_LOG runs as if "
		      "allowed and leaves an audit record (type 1326) naming "
		      "it in the kernel log",
	  .expect = "getppid returned its parent, logged",
	  .req = SC_REQ,
	  .tags = { "seccomp", "log" },
	  .check = &ret_log },
};

BOXCHECK_AREA(seccomp_actions, seccomp_actions);
