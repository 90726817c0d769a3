// SPDX-License-Identifier: MIT
/*
 * Stacked filters and what a filter sees (seccomp(2)): every installed
 * filter runs and the action of highest precedence wins, so a later,
 * looser filter cannot undo an earlier one, and among equals the newest
 * filter's data is returned; rules can compare arguments; a filter made
 * for another architecture kills (SECCOMP_RET_KILL for a mismatched
 * AUDIT_ARCH); strict mode lets read and write through and kills on
 * anything else; /proc/PID/status counts the filters (proc(5)).
 */
#include "seccomp_util.h"

#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define SC_REQ                                                                 \
	{                                                                      \
		.root = true, .caps = CAP_BIT(CAP_SYS_ADMIN),                  \
		.features = FEAT_BIT(FEAT_SECCOMP)                             \
	}

static const struct sc_call getppid_call = { .nr = SYS_getppid };

static int errno_rule(int err)
{
	return sc_load_rule(SCMP_ACT_ERRNO(err), SCMP_SYS(getppid), 0);
}

static int probe_self(struct ctx *c, sc_arm_fn arm, struct sc_outcome *o)
{
	bool act = c->isolate;
	struct sc_plan p = { .arm = arm,
			     .arg = &act,
			     .where = SC_SELF,
			     .call = { getppid_call } };

	return sc_probe(c, &p, o);
}

static enum obs judge_errno_is(struct judge *j, const struct sc_outcome *o,
			       int want)
{
	const struct sc_result *r = &o->res[0];

	judge_sc_outcome(j, o);
	if (!r->done)
		return judge_unknown(j, "getppid did not return");
	return judge_holds(j, r->ret == -1 && r->err == want,
			   "getppid returned %ld (%s)", r->ret,
			   r->ret < 0 ? strerrorname_np(r->err) : "no error");
}

/* ---- a later allow-all filter cannot loosen an earlier one ----------- */

static int arm_then_allow(const void *arg)
{
	int r;

	if (*(const bool *)arg && (r = errno_rule(SC_ERRNO)) < 0)
		return r;
	return sc_load(seccomp_init(SCMP_ACT_ALLOW), 0);
}

static int observe_loosen(struct ctx *c, struct sc_outcome *o)
{
	return probe_self(c, arm_then_allow, o);
}

static enum obs judge_loosen(struct judge *j, const struct sc_outcome *o)
{
	return judge_errno_is(j, o, SC_ERRNO);
}
CHECK(no_loosen, struct sc_outcome, observe_loosen, judge_loosen);

/* ---- equal precedence: the newest filter's errno --------------------- */

static int arm_two_errnos(const void *arg)
{
	int r = errno_rule(SC_ERRNO);

	if (r == 0 && *(const bool *)arg)
		r = errno_rule(SC_ERRNO2);
	return r;
}

static int observe_newest(struct ctx *c, struct sc_outcome *o)
{
	return probe_self(c, arm_two_errnos, o);
}

static enum obs judge_newest(struct judge *j, const struct sc_outcome *o)
{
	return judge_errno_is(j, o, SC_ERRNO2);
}
CHECK(newest_data, struct sc_outcome, observe_newest, judge_newest);

/* ---- the strictest action wins, whatever the order ------------------- */

static int arm_trap_then_errno(const void *arg)
{
	int r;

	if (*(const bool *)arg &&
	    (r = sc_load_rule(SCMP_ACT_TRAP, SCMP_SYS(getppid), 0)) < 0)
		return r;
	return errno_rule(SC_ERRNO);
}

static int observe_strictest(struct ctx *c, struct sc_outcome *o)
{
	return probe_self(c, arm_trap_then_errno, o);
}

static enum obs judge_strictest(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	return judge_holds(j, o->trapped && o->sys_nr == SYS_getppid,
			   "getppid under a later ERRNO filter: %s",
			   o->trapped ? "trapped (SIGSYS)" : "not trapped");
}
CHECK(strictest, struct sc_outcome, observe_strictest, judge_strictest);

/* ---- rules compare arguments ----------------------------------------- */

static int arm_arg(const void *arg)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (!*(const bool *)arg || !ctx) {
		seccomp_release(ctx);
		return ctx ? 0 : -ENOMEM;
	}
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(SC_ERRNO),
			     SCMP_SYS(getpriority), 1,
			     SCMP_A0(SCMP_CMP_EQ, PRIO_PROCESS)) < 0) {
		seccomp_release(ctx);
		return -EINVAL;
	}
	return sc_load(ctx, 0);
}

static int observe_arg(struct ctx *c, struct sc_outcome *o)
{
	bool act = c->isolate;
	struct sc_plan p = { .arm = arm_arg,
			     .arg = &act,
			     .where = SC_SELF,
			     .call = { { SYS_getpriority, PRIO_PROCESS },
				       { SYS_getpriority, PRIO_PGRP } } };

	return sc_probe(c, &p, o);
}

static enum obs judge_arg(struct judge *j, const struct sc_outcome *o)
{
	const struct sc_result *m = &o->res[0], *other = &o->res[1];

	judge_sc_outcome(j, o);
	if (!m->done || !other->done)
		return judge_unknown(j, "a getpriority did not return");
	if (other->ret < 0)
		return judge_unknown(j, "getpriority(PRIO_PGRP) failed: %s",
				     strerrorname_np(other->err));
	return judge_holds(j, m->ret == -1 && m->err == SC_ERRNO,
			   "getpriority(PRIO_PROCESS) %s, (PRIO_PGRP) ran",
			   m->ret == -1 && m->err == SC_ERRNO ? "filtered"
							      : "ran");
}
CHECK(arg_compare, struct sc_outcome, observe_arg, judge_arg);

/* ---- a filter for another architecture kills ------------------------- */

/* Allow everything, for this arch or (the action) another one only. */
static int arm_arch(const void *arg)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r = ctx ? 0 : -ENOMEM;

	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH,
				     SCMP_ACT_KILL_PROCESS);
	if (r == 0 && *(const bool *)arg) {
		r = seccomp_arch_add(ctx, sc_foreign_arch());
		if (r == 0)
			r = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	}
	if (r < 0) {
		seccomp_release(ctx);
		return r;
	}
	return sc_load(ctx, 0);
}

static int observe_arch(struct ctx *c, struct sc_outcome *o)
{
	if (!sc_foreign_arch())
		return ctx_skip(c, "no second seccomp architecture known for "
				   "this build's own");
	return probe_self(c, arm_arch, o);
}

static enum obs judge_arch(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	if (o->death && o->death != SIGSYS)
		return judge_unknown(j, "the child died of SIG%s",
				     sc_sig_name(o->death));
	return judge_holds(j, o->death == SIGSYS && !o->survived,
			   "after the allow-all filter: %s",
			   o->death ? "killed by SIGSYS" : "alive");
}
CHECK(arch_kill, struct sc_outcome, observe_arch, judge_arch);

/* ---- strict mode ----------------------------------------------------- */

static int arm_strict(const void *arg)
{
	if (!*(const bool *)arg)
		return 0;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT, 0, 0, 0) < 0
		       ? neg_errno()
		       : 0;
}

static int observe_strict(struct ctx *c, struct sc_outcome *o)
{
	return probe_self(c, arm_strict, o);
}

static enum obs judge_strict(struct judge *j, const struct sc_outcome *o)
{
	judge_sc_outcome(j, o);
	if (!o->armed)
		return judge_unknown(j, "write(2) after the install did not "
					"reach us");
	if (o->death && o->death != SIGKILL)
		return judge_unknown(j, "the child died of SIG%s",
				     sc_sig_name(o->death));
	return judge_holds(j, o->death == SIGKILL && !o->res[0].done,
			   "write ran; getppid: %s",
			   o->death ? "killed by SIGKILL" : "returned");
}
CHECK(strict, struct sc_outcome, observe_strict, judge_strict);

/* ---- /proc/PID/status ------------------------------------------------ */

static int arm_two(const void *arg)
{
	int r;

	if (!*(const bool *)arg)
		return 0;
	if ((r = errno_rule(SC_ERRNO)) < 0)
		return r;
	return sc_load_rule(SCMP_ACT_ERRNO(SC_ERRNO), SCMP_SYS(getsid), 0);
}

static int observe_status(struct ctx *c, struct sc_outcome *o)
{
	bool act = c->isolate;
	struct sc_plan p = { .arm = arm_two,
			     .arg = &act,
			     .where = SC_SELF,
			     .call = { getppid_call },
			     .read_status = true };

	return sc_probe(c, &p, o);
}

static enum obs judge_status(struct judge *j, const struct sc_outcome *o)
{
	judge_kv(j, "Seccomp before, after", "%d, %d", o->before.seccomp,
		 o->after.seccomp);
	judge_kv(j, "Seccomp_filters before, after", "%d, %d",
		 o->before.filters, o->after.filters);
	if (o->after.filters < 0)
		return judge_unknown(j, "the kernel shows no Seccomp_filters");
	return judge_holds(j,
			   o->after.seccomp == SECCOMP_MODE_FILTER &&
				   o->after.filters == o->before.filters + 2,
			   "after two filters: Seccomp %d, Seccomp_filters "
			   "%d (%d before)",
			   o->after.seccomp, o->after.filters,
			   o->before.filters);
}
CHECK(status, struct sc_outcome, observe_status, judge_status);

static const struct scenario seccomp_stack[] = {
	{ .id = "seccomp/later-filter-cannot-loosen",
	  .title = "a later allow-all filter cannot undo an earlier filter",
	  .property = "after a filter failing getppid with EXFULL, an "
		      "allow-everything filter installed on top changes "
		      "nothing",
	  .expect = "getppid returned -1 (EXFULL)",
	  .req = SC_REQ,
	  .tags = { "seccomp", "stack" },
	  .check = &no_loosen },
	{ .id = "seccomp/same-precedence-newest-wins",
	  .title = "among equal actions the newest filter's data wins",
	  .property = "two filters answering getppid with SECCOMP_RET_ERRNO "
		      "(EXFULL, then ENOTUNIQ): the call fails with the newest "
		      "one's errno",
	  .expect = "getppid returned -1 (ENOTUNIQ)",
	  .req = SC_REQ,
	  .tags = { "seccomp", "stack" },
	  .check = &newest_data },
	{ .id = "seccomp/strictest-action-wins",
	  .title = "stacked filters: the strictest action wins",
	  .property = "a SECCOMP_RET_TRAP filter for getppid still traps "
		      "after a later filter answers it with SECCOMP_RET_ERRNO",
	  .expect = "trapped (SIGSYS)",
	  .req = SC_REQ,
	  .tags = { "seccomp", "stack" },
	  .check = &strictest },
	{ .id = "seccomp/rule-compares-argument",
	  .title = "a rule matches on a syscall argument",
	  .property = "a rule for getpriority with which == PRIO_PROCESS "
		      "fails that call and lets getpriority(PRIO_PGRP) run",
	  .expect = "PRIO_PROCESS filtered, PRIO_PGRP ran",
	  .req = SC_REQ,
	  .tags = { "seccomp" },
	  .check = &arg_compare },
	{ .id = "seccomp/foreign-arch-filter-kills",
	  .title = "a filter for another architecture kills",
	  .property = "after an allow-all filter built only for another "
		      "architecture (i386 or arm), the next system call kills "
		      "the process with SIGSYS",
	  .expect = "killed by SIGSYS",
	  .req = SC_REQ,
	  .tags = { "seccomp", "arch" },
	  .check = &arch_kill },
	{ .id = "seccomp/strict-mode",
	  .title = "strict mode allows write and kills on anything else",
	  .property = "after SECCOMP_MODE_STRICT, write(2) works and "
		      "getppid kills the process with SIGKILL",
	  .expect = "write ran; getppid killed by SIGKILL",
	  .req = SC_REQ,
	  .tags = { "seccomp", "strict" },
	  .check = &strict },
	{ .id = "seccomp/status-counts-filters",
	  .title = "/proc/PID/status shows the mode and counts filters",
	  .property = "after two filters are installed, Seccomp reads 2 and "
		      "Seccomp_filters is two more than before",
	  .expect = "Seccomp 2, Seccomp_filters + 2",
	  .req = SC_REQ,
	  .tags = { "seccomp", "proc" },
	  .check = &status },
};

BOXCHECK_AREA(seccomp_stack, seccomp_stack);
