// SPDX-License-Identifier: MIT
/*
 * What seccomp writes to the audit log (seccomp(2) SECCOMP_FILTER_FLAG_LOG,
 * "Audit logging of seccomp actions", /proc interfaces): the flag makes a
 * filter's SECCOMP_RET_ERRNO logged; SECCOMP_RET_ALLOW is never logged,
 * flag or not; a KILL action is logged without the flag; and RET_LOG
 * outranks RET_ALLOW, which follows it in actions_avail. Records are read
 * from /dev/kmsg (audit type 1326) up to a fence process's own record;
 * each probe runs in a forked child (seccomp_util.h).
 */
#include "seccomp_more.h"

#include <string.h>

#define SC_REQ                                                                 \
	{                                                                      \
		.root = true, .caps = CAP_BIT(CAP_SYS_ADMIN),                  \
		.features = FEAT_BIT(FEAT_SECCOMP)                             \
	}

struct log_seen {
	struct sc_outcome s;
	bool logged;	      /* a record for the probe's getppid */
	int log_at, allow_at; /* positions in actions_avail */
};

static bool ran(const struct log_seen *o)
{
	return o->s.res[0].done && o->s.res[0].ret > 0;
}

static bool want_flag_log(const struct log_seen *o)
{
	const struct sc_result *r = &o->s.res[0];

	return o->logged && r->done && r->ret == -1 && r->err == SC_ERRNO;
}

static bool want_allow_silent(const struct log_seen *o)
{
	return ran(o) && !o->logged;
}

static bool want_kill_logged(const struct log_seen *o)
{
	return o->logged && o->s.survived && !o->s.res[0].done;
}

static bool want_log_first(const struct log_seen *o)
{
	return o->logged && ran(o) && o->log_at && o->log_at + 1 == o->allow_at;
}

struct log_top {
	bool on; /* installed */
	uint32_t action;
	unsigned flags;
};

struct log_kind {
	const char *need;      /* actions_logged must list these */
	bool under_allow;      /* first an explicit ALLOW rule for getppid */
	struct log_top top[2]; /* then this rule: [0] control, [1] action */
	enum sc_where where;
	bool (*want)(const struct log_seen *o);
	const char *seen;
};

#define ERRNO_ACT (SECCOMP_RET_ERRNO | SC_ERRNO)
#define FLAG_LOG SECCOMP_FILTER_FLAG_LOG

enum { L_FLAG, L_ALLOW, L_KILL, L_PREC };
static const struct log_kind kinds[] = {
	[L_FLAG] = { "log errno",
		     false,
		     { { true, ERRNO_ACT, 0 }, { true, ERRNO_ACT, FLAG_LOG } },
		     SC_SELF,
		     want_flag_log,
		     "failed with EXFULL and logged" },
	[L_ALLOW] = { "log",
		      false,
		      { { true, SECCOMP_RET_LOG, FLAG_LOG },
			{ true, SECCOMP_RET_ALLOW, FLAG_LOG } },
		      SC_SELF,
		      want_allow_silent,
		      "ran, not logged" },
	[L_KILL] = { "log kill_thread",
		     false,
		     { { true, ERRNO_ACT, 0 },
		       { true, SECCOMP_RET_KILL_THREAD, 0 } },
		     SC_THREAD_AFTER,
		     want_kill_logged,
		     "killed the thread and logged" },
	[L_PREC] = { "log",
		     true,
		     { { false, 0, 0 }, { true, SECCOMP_RET_LOG, 0 } },
		     SC_SELF,
		     want_log_first,
		     "ran and logged; log listed just before allow" },
};

struct log_arm {
	const struct log_kind *k;
	bool act;
};

static int arm_log(const void *arg)
{
	const struct log_arm *a = arg;
	const struct log_top *t = &a->k->top[a->act];
	long r = 0;

	if (a->k->under_allow)
		r = scx_install_rule(SYS_getppid, SECCOMP_RET_ALLOW, 0);
	if (r >= 0 && t->on)
		r = scx_install_rule(SYS_getppid, t->action, t->flags);
	return r < 0 ? (int)r : 0;
}

struct log_probe {
	struct sc_plan p;
	struct sc_outcome *s;
};

static int probe_log(struct ctx *c, void *arg, pid_t *pid)
{
	struct log_probe *lp = arg;

	memset(lp->s, 0, sizeof(*lp->s));
	TRY_OBS(sc_probe(c, &lp->p, lp->s));
	*pid = lp->s->pid;
	return 0;
}

static int observe_log(struct ctx *c, struct log_seen *o, int kind)
{
	const struct log_kind *k = &kinds[kind];
	_cleanup_close_ int fd = -1;
	struct log_arm a = { k, c->isolate };
	struct log_probe lp = { .p = { .arm = arm_log,
				       .arg = &a,
				       .where = k->where,
				       .call = { { .nr = SYS_getppid } } },
				.s = &o->s };

	TRY_OBS(audit_open(c, k->need, &fd));
	o->log_at = scx_avail_pos("log");
	o->allow_at = scx_avail_pos("allow");
	return audit_observe(c, fd, probe_log, &lp, SYS_getppid, &o->logged);
}

static enum obs judge_log(struct judge *j, const struct log_seen *o, int kind)
{
	bool ok = kinds[kind].want(o);

	judge_sc_outcome(j, &o->s);
	judge_kv(j, "audit record for getppid", "%s", o->logged ? "yes" : "no");
	judge_kv(j, "actions_avail", "log at %d, allow at %d", o->log_at,
		 o->allow_at);
	if (o->s.death)
		return judge_unknown(j, "the child died of SIG%s",
				     sc_sig_name(o->s.death));
	return judge_holds(j, ok, "getppid: %s%s", ok ? "" : "not as wanted: ",
			   ok ? kinds[kind].seen
			      : (o->logged ? "logged" : "not logged"));
}

#define LOG_CHECK(name_, kind_)                                                \
	static int observe_##name_(struct ctx *c, struct log_seen *o)          \
	{                                                                      \
		return observe_log(c, o, kind_);                               \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct log_seen *o)                \
	{                                                                      \
		return judge_log(j, o, kind_);                                 \
	}                                                                      \
	CHECK(name_, struct log_seen, observe_##name_, judge_##name_)
LOG_CHECK(flag_log, L_FLAG);
LOG_CHECK(allow_silent, L_ALLOW);
LOG_CHECK(kill_logged, L_KILL);
LOG_CHECK(log_over_allow, L_PREC);

#define LOG_ROW(id_, title_, property_, expect_, check_)                       \
	{                                                                      \
		.id = "seccomp/" id_, .title = title_, .property = property_,  \
		.expect = expect_, .req = SC_REQ,                              \
		.tags = { "seccomp", "log" }, .check = &check_                 \
	}

static const struct scenario seccomp_log[] = {
	LOG_ROW("flag-log-logs-errno",
		"SECCOMP_FILTER_FLAG_LOG logs a filter's RET_ERRNO",
		"a filter installed with SECCOMP_FILTER_FLAG_LOG that fails "
		"getppid with SECCOMP_RET_ERRNO leaves an audit record of it; "
		"without the flag it leaves none",
		"getppid: failed with EXFULL and logged", flag_log),
	LOG_ROW("allow-never-logged", "SECCOMP_RET_ALLOW is never logged",
		"getppid allowed by a filter installed with "
		"SECCOMP_FILTER_FLAG_LOG runs and leaves no audit record; the "
		"same filter answering SECCOMP_RET_LOG leaves one",
		"getppid: ran, not logged", allow_silent),
	LOG_ROW("kill-logged-without-flag",
		"SECCOMP_RET_KILL_THREAD is logged without the flag",
		"a thread killed by SECCOMP_RET_KILL_THREAD leaves an audit "
		"record though its filter has no SECCOMP_FILTER_FLAG_LOG; a "
		"RET_ERRNO answer leaves none",
		"getppid: killed the thread and logged", kill_logged),
	LOG_ROW("precedence-log-over-allow",
		"SECCOMP_RET_LOG precedes SECCOMP_RET_ALLOW",
		"a filter answering getppid with SECCOMP_RET_LOG, stacked on "
		"one allowing it, has the call logged, and actions_avail lists "
		"log just before allow",
		"getppid: ran and logged; log listed just before allow",
		log_over_allow),
};

BOXCHECK_AREA(seccomp_log, seccomp_log);
