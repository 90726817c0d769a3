// SPDX-License-Identifier: MIT
/*
 * The ambient set (capabilities(7), PR_CAP_AMBIENT): raising a capability
 * needs it permitted and inheritable, and SECBIT_NO_CAP_AMBIENT_RAISE
 * forbids it; it leaves the set when it leaves the inheritable set; a
 * non-zero uid keeps it over execve of a plain file, and loses it over
 * execve of a file with capabilities or a setuid bit.
 */
#include "caps_util.h"

#include <linux/securebits.h>
#include <sys/prctl.h>

#define CAP CAP_NET_RAW
#define AMB_REQ                                                                \
	{                                                                      \
		.root = true,                                                  \
		.caps = CAP_BIT(CAP_NET_RAW) | CAP_BIT(CAP_SETFCAP) |          \
			CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID) |            \
			CAP_BIT(CAP_SETPCAP) | CAP_BIT(CAP_SYS_ADMIN) |        \
			CAP_BIT(CAP_CHOWN)                                     \
	}

static int amb_raise(void)
{
	return sysr(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP, 0, 0));
}

/* uid 1000 keeping CAP permitted and inheritable; ambient when raise. */
static int uid_with_inh(bool raise, const char **step)
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
	return raise ? amb_raise() : 0;
}

static enum obs judge_amb(struct judge *j, const struct exec_seen *o,
			  bool present)
{
	judge_exec_sets(j, o);
	if (!((o->before.amb >> CAP) & 1) && !present)
		return judge_unknown(j, "cap_net_raw was not ambient before");
	return judge_cap_in(j, "CapAmb after execve", o->after.amb, CAP,
			    present);
}

static enum obs judge_amb_gone(struct judge *j, const struct exec_seen *o)
{
	return judge_amb(j, o, false);
}

/* ---- kept over execve of a plain file -------------------------------- */

static int observe_survives(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = uid_with_inh, .act = c->isolate };

	return exec_observe(c, &p, o);
}

static enum obs judge_survives(struct judge *j, const struct exec_seen *o)
{
	judge_exec_sets(j, o);
	if (o->after.euid != CAPS_UID)
		return judge_unknown(j, "the copy ran as uid %u",
				     o->after.euid);
	return judge_holds(
		j, (o->after.eff >> CAP) & 1 && (o->after.amb >> CAP) & 1,
		"uid %u after execve: cap_net_raw %s", o->after.euid,
		(o->after.eff >> CAP) & 1 ? "effective" : "gone");
}
CHECK(amb_survives, struct exec_seen, observe_survives, judge_survives);

/* ---- cleared by execve of a file with capabilities or setuid --------- */

static int raised(bool act, const char **step)
{
	(void)act;
	return uid_with_inh(true, step);
}

static int observe_fcaps(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = raised,
			       .fcaps = c->isolate ? "cap_kill+p" : NULL };

	return exec_observe(c, &p, o);
}
CHECK(amb_fcaps, struct exec_seen, observe_fcaps, judge_amb_gone);

static int observe_setuid(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = raised,
			       .mode = c->isolate ? 04755 : 0755,
			       .owner = CAPS_UID2 };

	return exec_observe(c, &p, o);
}
CHECK(amb_setuid, struct exec_seen, observe_setuid, judge_amb_gone);

/* ---- raising: needs inheritable, refused under the securebit --------- */

struct raise_seen {
	int err;	   /* errno of PR_CAP_AMBIENT_RAISE, 0 if it worked */
	struct capstat at; /* the sets just before it */
};

/* Root: CAP inheritable unless act; then the raise. */
static int raise_noinh(void *arg, void *out, size_t len)
{
	struct raise_seen *o = out;

	(void)len;
	CHILD_TRY("set the inheritable set",
		  cap_flag_set(CAP, CAP_INHERITABLE, !*(const bool *)arg));
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err =
		sys_err(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP, 0, 0));
	return 0;
}

/* Root, CAP inheritable: the securebit when act; then the raise. */
static int raise_secbit(void *arg, void *out, size_t len)
{
	struct raise_seen *o = out;

	(void)len;
	CHILD_TRY("raise CAP_NET_RAW in the inheritable set",
		  cap_flag_set(CAP, CAP_INHERITABLE, true));
	if (*(const bool *)arg)
		CHILD_TRY("set SECBIT_NO_CAP_AMBIENT_RAISE",
			  sysr(prctl(PR_SET_SECUREBITS,
				     SECBIT_NO_CAP_AMBIENT_RAISE, 0, 0, 0)));
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err =
		sys_err(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP, 0, 0));
	return 0;
}

static int observe_noinh(struct ctx *c, struct raise_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "raise the ambient set in the child", 0,
			     raise_noinh, &act, o, sizeof(*o)));
	return 0;
}

static int observe_secbit(struct ctx *c, struct raise_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "raise the ambient set in the child", 0,
			     raise_secbit, &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_raise(struct judge *j, const struct raise_seen *o)
{
	judge_mask(j, "CapPrm", o->at.prm);
	judge_mask(j, "CapInh", o->at.inh);
	if (!((o->at.prm >> CAP) & 1))
		return judge_unknown(j, "cap_net_raw is not permitted");
	return judge_errno(j, o->err, EPERM, "PR_CAP_AMBIENT_RAISE",
			   "PR_CAP_AMBIENT_RAISE of a permitted capability");
}
CHECK(amb_noinh, struct raise_seen, observe_noinh, judge_raise);
CHECK(amb_secbit, struct raise_seen, observe_secbit, judge_raise);

/* ---- leaving the inheritable set leaves the ambient one -------------- */

struct lower_seen {
	struct capstat before, after; /* around the capset */
};

static int lower_inh(void *arg, void *out, size_t len)
{
	struct lower_seen *o = out;
	const char *step = "prepare";

	(void)len;
	CHILD_TRY(step, uid_with_inh(true, &step));
	CHILD_TRY("read the sets", capstat_self(&o->before));
	/* The same capset() in both runs: CAP stays inheritable unless act. */
	CHILD_TRY("capset the inheritable set",
		  cap_flag_set(CAP, CAP_INHERITABLE, !*(const bool *)arg));
	CHILD_TRY("read the sets", capstat_self(&o->after));
	return 0;
}

static int observe_lower(struct ctx *c, struct lower_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "lower the inheritable set in the child", 0,
			     lower_inh, &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_lower(struct judge *j, const struct lower_seen *o)
{
	judge_mask(j, "CapAmb before", o->before.amb);
	judge_mask(j, "CapInh after", o->after.inh);
	if (!((o->before.amb >> CAP) & 1))
		return judge_unknown(j, "cap_net_raw was not ambient before");
	return judge_cap_in(j, "CapAmb after the capset", o->after.amb, CAP,
			    false);
}
CHECK(amb_lower, struct lower_seen, observe_lower, judge_lower);

static const struct scenario caps_ambient[] = {
	{ .id = "caps/ambient-survives-exec",
	  .title = "an ambient capability survives execve for a non-zero uid",
	  .property = "uid 1000 with CAP_NET_RAW ambient still has it "
		      "effective after execve of a plain file",
	  .expect = "cap_net_raw effective and ambient after execve",
	  .req = AMB_REQ,
	  .tags = { "caps", "ambient", "exec" },
	  .check = &amb_survives },
	{ .id = "caps/ambient-cleared-by-file-caps-exec",
	  .title = "execve of a file with capabilities clears the ambient set",
	  .property = "uid 1000 with CAP_NET_RAW ambient loses it executing "
		      "a file that carries file capabilities (cap_kill+p)",
	  .expect = "cap_net_raw not in CapAmb after execve",
	  .req = AMB_REQ,
	  .tags = { "caps", "ambient", "fcaps" },
	  .check = &amb_fcaps },
	{ .id = "caps/ambient-cleared-by-setuid-exec",
	  .title = "execve of a setuid file clears the ambient set",
	  .property = "uid 1000 with CAP_NET_RAW ambient loses it executing "
		      "a file setuid to uid 1001",
	  .expect = "cap_net_raw not in CapAmb after execve",
	  .req = AMB_REQ,
	  .tags = { "caps", "ambient", "setuid" },
	  .check = &amb_setuid },
	{ .id = "caps/ambient-raise-needs-inheritable",
	  .title = "raising an ambient capability needs it inheritable",
	  .property = "PR_CAP_AMBIENT_RAISE of a permitted capability that is "
		      "not in the inheritable set fails with EPERM",
	  .expect = "EPERM",
	  .req = AMB_REQ,
	  .tags = { "caps", "ambient" },
	  .check = &amb_noinh },
	{ .id = "caps/ambient-raise-refused-by-securebit",
	  .title = "SECBIT_NO_CAP_AMBIENT_RAISE forbids ambient raises",
	  .property = "with SECBIT_NO_CAP_AMBIENT_RAISE set, raising a "
		      "permitted and inheritable capability fails with EPERM",
	  .expect = "EPERM",
	  .req = AMB_REQ,
	  .tags = { "caps", "ambient", "securebits" },
	  .check = &amb_secbit },
	{ .id = "caps/ambient-follows-inheritable",
	  .title = "a capability leaving the inheritable set leaves the "
		   "ambient set",
	  .property = "dropping an ambient capability from the inheritable "
		      "set drops it from the ambient set too",
	  .expect = "cap_net_raw not in CapAmb after the capset",
	  .req = AMB_REQ,
	  .tags = { "caps", "ambient" },
	  .check = &amb_lower },
};

BOXCHECK_AREA(caps_ambient, caps_ambient);
