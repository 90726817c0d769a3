// SPDX-License-Identifier: MIT
/*
 * The order of the filter actions (seccomp(2), "Filter return values",
 * /proc interfaces): for each pair of neighbours in
 * kernel.seccomp.actions_avail, a filter with the higher action stacked
 * on one with the lower decides the call, whatever the order, and the
 * listing names the higher first; a supervisor outranked is never told.
 * The control has only the filter with the lower action. Also: an action
 * the kernel does not know kills the process, SECCOMP_RET_USER_NOTIF with
 * no listener fails the call with ENOSYS, and prctl(PR_SET_SECCOMP)
 * installs a filter. The probed call is getppid, in a forked child.
 */
#include "seccomp_more.h"

#include <string.h>
#include <sys/prctl.h>

#define SC_REQ                                                                 \
	{                                                                      \
		.root = true, .caps = CAP_BIT(CAP_SYS_ADMIN),                  \
		.features = FEAT_BIT(FEAT_SECCOMP)                             \
	}

/* ---- precedence ------------------------------------------------------ */

struct prec_seen {
	struct sc_outcome s;
	int hi_at, lo_at; /* positions in actions_avail, 0: not listed */
};

struct prec_kind {
	uint32_t hi, lo; /* the actions, as libseccomp spells them */
	const char *hi_name, *lo_name;
	enum sc_where where;
	bool (*hi_won)(const struct sc_outcome *o);
	const char *seen; /* what the higher action's win looks like */
};

static bool killed_process(const struct sc_outcome *o)
{
	return o->death == SIGSYS && !o->survived;
}

static bool killed_thread(const struct sc_outcome *o)
{
	return o->survived && !o->res[0].done && !o->trapped;
}

static bool trapped(const struct sc_outcome *o)
{
	return o->trapped && o->sys_nr == SYS_getppid;
}

static bool failed_with(const struct sc_outcome *o, int err)
{
	return o->res[0].done && o->res[0].ret == -1 && o->res[0].err == err;
}

static bool errno_untold(const struct sc_outcome *o)
{
	return failed_with(o, SC_ERRNO) && o->notif_nr == -1;
}

static bool answered(const struct sc_outcome *o)
{
	return o->res[0].done && o->res[0].ret == SC_NOTIF_VAL;
}

static bool enosys(const struct sc_outcome *o)
{
	return failed_with(o, ENOSYS);
}

enum { P_KILL, P_THREAD, P_TRAP, P_ERRNO, P_NOTIF, P_TRACE };
static const struct prec_kind precs[] = {
	[P_KILL] = { SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD,
		     "kill_process", "kill_thread", SC_THREAD_AFTER,
		     killed_process, "the whole process killed by SIGSYS" },
	[P_THREAD] = { SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, "kill_thread",
		       "trap", SC_THREAD_AFTER, killed_thread,
		       "the thread ended, no SIGSYS caught" },
	[P_TRAP] = { SCMP_ACT_TRAP, SCMP_ACT_ERRNO(SC_ERRNO), "trap", "errno",
		     SC_SELF, trapped, "SIGSYS caught" },
	[P_ERRNO] = { SCMP_ACT_ERRNO(SC_ERRNO), SCMP_ACT_NOTIFY, "errno",
		      "user_notif", SC_SELF, errno_untold,
		      "EXFULL, the supervisor not told" },
	[P_NOTIF] = { SCMP_ACT_NOTIFY, SCMP_ACT_TRACE(1), "user_notif", "trace",
		      SC_SELF, answered, "the supervisor's answer" },
	[P_TRACE] = { SCMP_ACT_TRACE(1), SCMP_ACT_LOG, "trace", "log", SC_SELF,
		      enosys, "ENOSYS (no tracer)" },
};

static int arm_action(uint32_t action)
{
	bool on = true;

	if (action == SCMP_ACT_NOTIFY)
		return sc_arm_notify(&on);
	return sc_load_rule(action, SCMP_SYS(getppid), 0);
}

struct prec_arm {
	const struct prec_kind *k;
	bool act; /* the higher action's filter, on top */
};

static int arm_prec(const void *arg)
{
	const struct prec_arm *a = arg;
	int r = arm_action(a->k->lo);

	if (r == 0 && a->act)
		r = arm_action(a->k->hi);
	return r;
}

static int observe_prec(struct ctx *c, struct prec_seen *o, int kind)
{
	const struct prec_kind *k = &precs[kind];
	struct prec_arm a = { k, c->isolate };
	struct sc_plan p = { .arm = arm_prec,
			     .arg = &a,
			     .where = k->where,
			     .call = { { .nr = SYS_getppid } } };

	o->hi_at = scx_avail_pos(k->hi_name);
	o->lo_at = scx_avail_pos(k->lo_name);
	return sc_probe(c, &p, &o->s);
}

static enum obs judge_prec(struct judge *j, const struct prec_seen *o, int kind)
{
	const struct prec_kind *k = &precs[kind];
	bool won = k->hi_won(&o->s);
	bool listed = o->hi_at && o->hi_at + 1 == o->lo_at;

	judge_sc_outcome(j, &o->s);
	judge_kv(j, "supervisor told of", "syscall %ld", o->s.notif_nr);
	judge_kv(j, "actions_avail", "%s at %d, %s at %d", k->hi_name, o->hi_at,
		 k->lo_name, o->lo_at);
	if (o->s.death && o->s.death != SIGSYS)
		return judge_unknown(j, "the child died of SIG%s",
				     sc_sig_name(o->s.death));
	return judge_holds(j, won && listed, "%s over %s: %s; listed %s",
			   k->hi_name, k->lo_name,
			   won ? k->seen : "the lower action acted",
			   listed ? "next, higher first" : "otherwise");
}

#define PREC_CHECK(name_, kind_)                                               \
	static int observe_##name_(struct ctx *c, struct prec_seen *o)         \
	{                                                                      \
		return observe_prec(c, o, kind_);                              \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct prec_seen *o)               \
	{                                                                      \
		return judge_prec(j, o, kind_);                                \
	}                                                                      \
	CHECK(name_, struct prec_seen, observe_##name_, judge_##name_)
PREC_CHECK(prec_kill, P_KILL);
PREC_CHECK(prec_thread, P_THREAD);
PREC_CHECK(prec_trap, P_TRAP);
PREC_CHECK(prec_errno, P_ERRNO);
PREC_CHECK(prec_notif, P_NOTIF);
PREC_CHECK(prec_trace, P_TRACE);

/* ---- an unknown action, no listener, prctl --------------------------- */

/* What the isolated run installs; the control installs `ctl` (or none). */
struct raw_arm {
	bool act;
	uint32_t action; /* a raw rule for getppid */
	int (*ctl)(void);
};

static int notify_with_listener(void)
{
	bool on = true;

	return sc_arm_notify(&on);
}

static int arm_raw(const void *arg)
{
	const struct raw_arm *a = arg;

	if (a->act)
		return (int)scx_install_rule(SYS_getppid, a->action, 0);
	return a->ctl ? a->ctl() : 0;
}

static int probe_raw(struct ctx *c, struct sc_outcome *o, uint32_t action,
		     int (*ctl)(void), enum sc_where where)
{
	struct raw_arm a = { c->isolate, action, ctl };
	struct sc_plan p = { .arm = arm_raw,
			     .arg = &a,
			     .where = where,
			     .call = { { .nr = SYS_getppid } } };

	return sc_probe(c, &p, o);
}

static int observe_unknown(struct ctx *c, struct sc_outcome *o)
{
	return probe_raw(c, o, SCX_UNKNOWN_ACTION, NULL, SC_THREAD_AFTER);
}

static enum obs judge_unknown_act(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	if (o->death && o->death != SIGSYS)
		return judge_unknown(j, "the child died of SIG%s",
				     sc_sig_name(o->death));
	return judge_holds(j, killed_process(o), "a thread's getppid: %s",
			   o->death ? "the whole process killed by SIGSYS"
				    : "the process lived on");
}
CHECK(unknown_action, struct sc_outcome, observe_unknown, judge_unknown_act);

/* The control's filter has a listener and a supervisor that answers. */
static int observe_no_listener(struct ctx *c, struct sc_outcome *o)
{
	return probe_raw(c, o, SECCOMP_RET_USER_NOTIF, notify_with_listener,
			 SC_SELF);
}

static enum obs judge_no_listener(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	if (!o->res[0].done)
		return judge_unknown(j, "getppid did not return");
	return judge_holds(j, enosys(o),
			   "getppid under RET_USER_NOTIF returned %ld (%s)",
			   o->res[0].ret,
			   o->res[0].ret < 0 ? strerrorname_np(o->res[0].err)
					     : "no error");
}
CHECK(no_listener, struct sc_outcome, observe_no_listener, judge_no_listener);

static int arm_prctl(const void *arg)
{
	struct sock_filter f[SCX_RULE_LEN];
	struct sock_fprog prog = { SCX_RULE_LEN, f };

	if (!*(const bool *)arg)
		return 0;
	scx_rule(f, SYS_getppid, SECCOMP_RET_ERRNO | SC_ERRNO);
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0
		       ? neg_errno()
		       : 0;
}

static int observe_prctl(struct ctx *c, struct sc_outcome *o)
{
	bool act = c->isolate;
	struct sc_plan p = { .arm = arm_prctl,
			     .arg = &act,
			     .where = SC_SELF,
			     .call = { { .nr = SYS_getppid } } };

	return sc_probe(c, &p, o);
}

static enum obs judge_prctl(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	if (!o->res[0].done)
		return judge_unknown(j, "getppid did not return");
	return judge_holds(j, failed_with(o, SC_ERRNO),
			   "getppid returned %ld (%s)", o->res[0].ret,
			   o->res[0].ret < 0 ? strerrorname_np(o->res[0].err)
					     : "no error");
}
CHECK(prctl_filter, struct sc_outcome, observe_prctl, judge_prctl);

#define PREC_ROW(hi_, lo_, what_, expect_, check_)                             \
	{                                                                      \
		.id = "seccomp/precedence-" hi_ "-over-" lo_,                  \
		.title = "SECCOMP_RET_" what_ " precedes its neighbour",       \
		.property =                                                    \
			"a filter answering getppid with " hi_                 \
			" decides the call over a filter answering " lo_       \
			", and actions_avail lists " hi_ " just before " lo_,  \
		.expect = expect_, .req = SC_REQ,                              \
		.tags = { "seccomp", "stack" }, .check = &check_               \
	}

static const struct scenario seccomp_prec[] = {
	PREC_ROW("kill_process", "kill_thread", "KILL_PROCESS",
		 "the whole process killed by SIGSYS; listed next, higher "
		 "first",
		 prec_kill),
	PREC_ROW("kill_thread", "trap", "KILL_THREAD",
		 "the thread ended, no SIGSYS caught; listed next, higher "
		 "first",
		 prec_thread),
	PREC_ROW("trap", "errno", "TRAP",
		 "SIGSYS caught; listed next, higher first", prec_trap),
	PREC_ROW("errno", "user_notif", "ERRNO",
		 "EXFULL, the supervisor not told; listed next, higher first",
		 prec_errno),
	PREC_ROW("user_notif", "trace", "USER_NOTIF",
		 "the supervisor's answer; listed next, higher first",
		 prec_notif),
	PREC_ROW("trace", "log", "TRACE",
		 "ENOSYS (no tracer); listed next, higher first", prec_trace),
	{ .id = "seccomp/unknown-action-kills-process",
	  .title = "an unknown filter action kills the process",
	  .property = "a thread calling getppid under a filter returning "
		      "the undefined action 0x00010000 takes the whole "
		      "process down with SIGSYS, as SECCOMP_RET_KILL_PROCESS",
	  .expect = "the whole process killed by SIGSYS",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &unknown_action },
	{ .id = "seccomp/user-notif-without-listener-enosys",
	  .title = "SECCOMP_RET_USER_NOTIF with no listener fails with ENOSYS",
	  .property = "getppid under a filter returning "
		      "SECCOMP_RET_USER_NOTIF, installed without "
		      "SECCOMP_FILTER_FLAG_NEW_LISTENER, fails with ENOSYS; "
		      "with a listener a supervisor answers it",
	  .expect = "getppid under RET_USER_NOTIF returned -1 (ENOSYS)",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &no_listener },
	{ .id = "seccomp/prctl-installs-filter",
	  .title = "prctl(PR_SET_SECCOMP) installs a filter",
	  .property = "a filter installed with prctl(PR_SET_SECCOMP, "
		      "SECCOMP_MODE_FILTER) fails getppid with its errno",
	  .expect = "getppid returned -1 (EXFULL)",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &prctl_filter },
};

BOXCHECK_AREA(seccomp_prec, seccomp_prec);
