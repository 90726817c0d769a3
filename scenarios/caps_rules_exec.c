// SPDX-License-Identifier: MIT
/*
 * What execve does to capabilities (capabilities(7), "Transformation of
 * capabilities during execve()", "Safety checking for capability-dumb
 * binaries", "Execution of programs by root", "Set-user-ID-root programs
 * that have file capabilities", "Capability bounding set", "The
 * securebits flags"): the inheritable set and the securebits but
 * SECBIT_KEEP_CAPS survive it; a gain through the ambient set sets no
 * AT_SECURE; a file with the effective bit whose permitted capabilities
 * cannot all be granted is refused; a setuid-root file gives a non-root
 * caller the bounding set, or only its file capabilities when it has any;
 * the bounding set does not mask what the inheritable sets give. Each runs
 * a copy of boxcheck that reports its sets (caps_rules.h).
 */
#include "caps_rules.h"

#include <string.h>
#include <linux/securebits.h>
#include <sys/prctl.h>

#define CAP CAP_NET_RAW
#define EXEC_REQ                                                               \
	{                                                                      \
		.root = true,                                                  \
		.caps = CAP_BIT(CAP_NET_RAW) | CAP_BIT(CAP_SETFCAP) |          \
			CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID) |            \
			CAP_BIT(CAP_SETPCAP) | CAP_BIT(CAP_SYS_ADMIN) |        \
			CAP_BIT(CAP_CHOWN)                                     \
	}
#define HAS(m_, c_) (((m_) >> (c_)) & 1)

static int to_uid(bool act, const char **step)
{
	(void)act;
	*step = "become uid 1000";
	return become_uid(CAPS_UID);
}

/* Unknown unless the copy ran and the caller was a bare uid 1000. */
static bool ran_bare(struct judge *j, const struct rexec_seen *o)
{
	judge_rexec(j, o);
	if (o->exec_err)
		judge_unknown(j, "execve failed with %s",
			      strerrorname_np(o->exec_err));
	else if (o->before.s.prm || o->before.s.euid != CAPS_UID)
		judge_unknown(j, "the caller was not a bare uid 1000");
	else
		return true;
	return false;
}

/* ---- a gain through the ambient set is not secure-execution ---------- */

/* uid 1000 keeping CAP permitted and inheritable, ambient when act. */
static int ambient_uid(bool act, const char **step)
{
	int r;

	*step = "PR_SET_KEEPCAPS";
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return neg_errno();
	*step = "become uid 1000";
	if ((r = become_uid(CAPS_UID)) < 0)
		return r;
	*step = "raise CAP_NET_RAW in the inheritable set";
	if ((r = cap_flag_set(CAP, CAP_INHERITABLE, true)) < 0)
		return r;
	*step = "PR_CAP_AMBIENT_RAISE";
	if (act && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP, 0, 0) < 0)
		return neg_errno();
	return 0;
}

/* The same gain, through the ambient set (action) or file capabilities. */
static int observe_secure(struct ctx *c, struct rexec_seen *o)
{
	struct rexec_plan p = { .prep = ambient_uid,
				.act = c->isolate,
				.extras = true,
				.fcaps = c->isolate ? NULL : "cap_net_raw+p" };

	return rexec_observe(c, &p, o);
}

static enum obs judge_secure(struct judge *j, const struct rexec_seen *o)
{
	judge_rexec(j, o);
	if (o->exec_err)
		return judge_unknown(j, "execve failed");
	if (!HAS(o->after.s.prm, CAP))
		return judge_unknown(j, "cap_net_raw was not gained");
	return judge_holds(j, o->after.at_secure == 0,
			   "cap_net_raw gained, AT_SECURE %lu",
			   o->after.at_secure);
}
CHECK(ambient_secure, struct rexec_seen, observe_secure, judge_secure);

/* ---- the inheritable set survives execve ----------------------------- */

static int inh_uid(bool act, const char **step)
{
	int r;

	*step = "raise CAP_NET_RAW in the inheritable set";
	if (act && (r = cap_flag_set(CAP, CAP_INHERITABLE, true)) < 0)
		return r;
	return to_uid(act, step);
}

static int observe_inh(struct ctx *c, struct rexec_seen *o)
{
	struct rexec_plan p = { .prep = inh_uid, .act = c->isolate };

	return rexec_observe(c, &p, o);
}

static enum obs judge_inh(struct judge *j, const struct rexec_seen *o)
{
	if (!ran_bare(j, o))
		return OBS_ERROR;
	return judge_holds(j,
			   HAS(o->after.s.inh, CAP) &&
				   o->after.s.inh == o->before.s.inh,
			   "CapInh %016llx after execve (before: %016llx)",
			   (unsigned long long)o->after.s.inh,
			   (unsigned long long)o->before.s.inh);
}
CHECK(exec_inh, struct rexec_seen, observe_inh, judge_inh);

/* ---- a capability-dumb file that cannot get all it asks is refused --- */

static int drop_bnd_uid(bool act, const char **step)
{
	*step = "PR_CAPBSET_DROP CAP_NET_RAW";
	if (act && prctl(PR_CAPBSET_DROP, CAP, 0, 0, 0) < 0)
		return neg_errno();
	return to_uid(act, step);
}

static int observe_dumb(struct ctx *c, struct rexec_seen *o)
{
	struct rexec_plan p = { .prep = drop_bnd_uid,
				.act = c->isolate,
				.fcaps = "cap_net_raw+ep" };

	return rexec_observe(c, &p, o);
}

static enum obs judge_dumb(struct judge *j, const struct rexec_seen *o)
{
	judge_rexec(j, o);
	if (o->before.s.euid != CAPS_UID || !o->before.s.bnd)
		return judge_unknown(j, "the caller was not uid 1000, or its "
					"bounding set read empty");
	return judge_errno(j, o->exec_err, EPERM, "execve of cap_net_raw+ep",
			   "execve of a file with cap_net_raw+ep");
}
CHECK(exec_dumb, struct rexec_seen, observe_dumb, judge_dumb);

/* ---- setuid-root files run by uid 1000 ------------------------------- */

/* A setuid-root copy (the action; the control's is 0755). */
static int observe_suid(struct ctx *c, struct rexec_seen *o)
{
	struct rexec_plan p = { .prep = to_uid,
				.mode = c->isolate ? 04755 : 0755 };

	return rexec_observe(c, &p, o);
}

static enum obs judge_suid(struct judge *j, const struct rexec_seen *o)
{
	if (!ran_bare(j, o))
		return OBS_ERROR;
	if (!o->before.s.bnd)
		return judge_unknown(j, "the bounding set is empty");
	return judge_holds(j,
			   o->after.s.euid == 0 &&
				   o->after.s.prm == o->before.s.bnd &&
				   o->after.s.eff == o->before.s.bnd,
			   "euid %u, CapPrm %016llx after execve (CapBnd "
			   "%016llx)",
			   o->after.s.euid, (unsigned long long)o->after.s.prm,
			   (unsigned long long)o->before.s.bnd);
}
CHECK(suid_root, struct rexec_seen, observe_suid, judge_suid);

/* A setuid-root copy with file capabilities (the action: fcaps). */
static int observe_suid_fcaps(struct ctx *c, struct rexec_seen *o)
{
	struct rexec_plan p = { .prep = to_uid,
				.mode = 04755,
				.fcaps = c->isolate ? "cap_net_raw+ep" : NULL };

	return rexec_observe(c, &p, o);
}

static enum obs judge_only(struct judge *j, const struct rexec_seen *o,
			   capmask_t want)
{
	if (!ran_bare(j, o))
		return OBS_ERROR;
	if (o->after.s.euid != 0)
		return judge_unknown(j, "the copy did not run as euid 0");
	return judge_holds(j, o->after.s.prm == want,
			   "euid 0, CapPrm %016llx after execve",
			   (unsigned long long)o->after.s.prm);
}

static enum obs judge_suid_fcaps(struct judge *j, const struct rexec_seen *o)
{
	return judge_only(j, o, CAPMASK(CAP));
}
CHECK(suid_fcaps, struct rexec_seen, observe_suid_fcaps, judge_suid_fcaps);

/* The same with an empty capability set on the file. */
static int observe_suid_empty(struct ctx *c, struct rexec_seen *o)
{
	struct rexec_plan p = { .prep = to_uid,
				.mode = 04755,
				.fcaps = c->isolate ? "=" : NULL };

	return rexec_observe(c, &p, o);
}

static enum obs judge_suid_empty(struct judge *j, const struct rexec_seen *o)
{
	return judge_only(j, o, 0);
}
CHECK(suid_empty, struct rexec_seen, observe_suid_empty, judge_suid_empty);

/* ---- the bounding set masks file permitted, not inheritable ---------- */

static int inh_drop_uid(bool act, const char **step)
{
	int r;

	*step = "raise CAP_NET_RAW in the inheritable set";
	if ((r = cap_flag_set(CAP, CAP_INHERITABLE, true)) < 0)
		return r;
	*step = "PR_CAPBSET_DROP CAP_NET_RAW";
	if (prctl(PR_CAPBSET_DROP, CAP, 0, 0, 0) < 0)
		return neg_errno();
	return to_uid(act, step);
}

/* The file grants it as inheritable (the action) or permitted. */
static int observe_bnd_inh(struct ctx *c, struct rexec_seen *o)
{
	struct rexec_plan p = { .prep = inh_drop_uid,
				.fcaps = c->isolate ? "cap_net_raw+i"
						    : "cap_net_raw+p" };

	return rexec_observe(c, &p, o);
}

static enum obs judge_bnd_inh(struct judge *j, const struct rexec_seen *o)
{
	if (!ran_bare(j, o))
		return OBS_ERROR;
	if (HAS(o->before.s.bnd, CAP) || !HAS(o->before.s.inh, CAP))
		return judge_unknown(j, "cap_net_raw was bounded or not "
					"inheritable before");
	return judge_cap_in(j, "CapPrm after execve", o->after.s.prm, CAP,
			    true);
}
CHECK(bnd_inh_gain, struct rexec_seen, observe_bnd_inh, judge_bnd_inh);

/* ---- securebits over execve ------------------------------------------ */

static int set_bits(bool act, const char **step)
{
	(void)act;
	*step = "PR_SET_SECUREBITS";
	return sysr(prctl(PR_SET_SECUREBITS,
			  SECBIT_KEEP_CAPS | SECBIT_NO_CAP_AMBIENT_RAISE, 0, 0,
			  0));
}

/* The bits' reader executes the copy (the action) or is a forked child. */
static int observe_bits(struct ctx *c, struct rexec_seen *o)
{
	struct rexec_plan p = { .prep = set_bits,
				.no_exec = !c->isolate,
				.extras = true };

	return rexec_observe(c, &p, o);
}

static enum obs judge_bits(struct judge *j, const struct rexec_seen *o)
{
	int want = SECBIT_KEEP_CAPS | SECBIT_NO_CAP_AMBIENT_RAISE;

	judge_rexec(j, o);
	if (o->exec_err)
		return judge_unknown(j, "execve failed");
	if ((o->before.secbits & want) != want || !o->before.s.bnd)
		return judge_unknown(j, "the securebits did not take, or the "
					"bounding set read empty");
	return judge_holds(
		j, o->after.secbits == (o->before.secbits & ~SECBIT_KEEP_CAPS),
		"securebits %#x in the new program (before: %#x)",
		o->after.secbits, o->before.secbits);
}
CHECK(exec_bits, struct rexec_seen, observe_bits, judge_bits);

static const struct scenario caps_rules_exec[] = {
	{ .id = "caps/ambient-gain-not-secure-exec",
	  .title = "a gain through the ambient set sets no AT_SECURE",
	  .property = "uid 1000 gaining CAP_NET_RAW at execve through its "
		      "ambient set runs with AT_SECURE 0 (through file "
		      "capabilities: 1)",
	  .expect = "AT_SECURE 0",
	  .req = EXEC_REQ,
	  .tags = { "caps", "ambient", "exec" },
	  .check = &ambient_secure },
	{ .id = "caps/exec-keeps-inheritable",
	  .title = "execve leaves the inheritable set as it was",
	  .property = "uid 1000 with CAP_NET_RAW inheritable still has it "
		      "inheritable after execve of a plain file",
	  .expect = "CapInh unchanged",
	  .req = EXEC_REQ,
	  .tags = { "caps", "exec" },
	  .check = &exec_inh },
	{ .id = "caps/exec-refuses-file-short-of-caps",
	  .title = "a capability-dumb file that would miss a capability is "
		   "refused",
	  .property = "execve of a file with cap_net_raw+ep fails with EPERM "
		      "when CAP_NET_RAW is out of the bounding set",
	  .expect = "EPERM",
	  .req = EXEC_REQ,
	  .tags = { "caps", "fcaps", "exec" },
	  .check = &exec_dumb },
	{ .id = "caps/setuid-root-gives-bounding-set",
	  .title = "a setuid-root file gives uid 1000 the bounding set",
	  .property = "uid 1000 executing a setuid-root file without file "
		      "capabilities runs as euid 0 with every capability of "
		      "its bounding set permitted and effective",
	  .expect = "CapPrm = CapBnd",
	  .req = EXEC_REQ,
	  .tags = { "caps", "setuid", "exec" },
	  .check = &suid_root },
	{ .id = "caps/setuid-root-file-caps-only",
	  .title = "a setuid-root file with file capabilities gives only those",
	  .property = "uid 1000 executing a setuid-root file with "
		      "cap_net_raw+ep gets CAP_NET_RAW alone",
	  .expect = "CapPrm = cap_net_raw",
	  .req = EXEC_REQ,
	  .tags = { "caps", "setuid", "fcaps" },
	  .check = &suid_fcaps },
	{ .id = "caps/setuid-root-empty-file-caps",
	  .title = "a setuid-root file with empty file capabilities gives none",
	  .property = "uid 1000 executing a setuid-root file whose file "
		      "capability sets are empty runs as euid 0 with none",
	  .expect = "CapPrm 0",
	  .req = EXEC_REQ,
	  .tags = { "caps", "setuid", "fcaps" },
	  .check = &suid_empty },
	{ .id = "caps/bounding-spares-inheritable-gain",
	  .title = "the bounding set does not mask the inheritable sets",
	  .property = "with CAP_NET_RAW inheritable but out of the bounding "
		      "set, a file with cap_net_raw+i still gives it (one with "
		      "cap_net_raw+p does not)",
	  .expect = "cap_net_raw in CapPrm after execve",
	  .req = EXEC_REQ,
	  .tags = { "caps", "bounding", "fcaps" },
	  .check = &bnd_inh_gain },
	{ .id = "caps/exec-clears-keep-caps-only",
	  .title = "execve clears SECBIT_KEEP_CAPS and keeps the other bits",
	  .property = "after execve, SECBIT_KEEP_CAPS is off and "
		      "SECBIT_NO_CAP_AMBIENT_RAISE still on (a forked child "
		      "keeps both)",
	  .expect = "securebits = before without KEEP_CAPS",
	  .req = EXEC_REQ,
	  .tags = { "caps", "securebits", "exec" },
	  .check = &exec_bits },
};

BOXCHECK_AREA(caps_rules_exec, caps_rules_exec);
