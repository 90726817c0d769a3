// SPDX-License-Identifier: MIT
/*
 * The rules of the thread capability sets without execve (capabilities(7),
 * "Thread capability sets", "Capability bounding set", "Effect of user ID
 * changes on capabilities", "Programmatically adjusting capability sets",
 * "The securebits flags"): the effective set holds only permitted
 * capabilities; without CAP_SETPCAP the inheritable set grows only within
 * the permitted one; a bounding-set drop leaves the inheritable set alone;
 * an euid back to 0 makes the permitted set effective; an fsuid away from
 * 0 takes the file capabilities out of the effective set, and back puts
 * them in; SECBIT_NO_SETUID_FIXUP overrides SECBIT_KEEP_CAPS; fork copies
 * the sets and securebits; cap_last_cap names the highest capability.
 */
#include "caps_rules.h"

#include <linux/securebits.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>

#define CAP CAP_NET_RAW
#define SETS_REQ                                                               \
	{                                                                      \
		.root = true,                                                  \
		.caps = CAP_BIT(CAP_NET_RAW) | CAP_BIT(CAP_SETPCAP) |          \
			CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID) |            \
			CAP_BIT(CAP_SYS_ADMIN)                                 \
	}
#define HAS(m_, c_) (((m_) >> (c_)) & 1)

/* ---- capset refusals -------------------------------------------------- */

struct call_seen {
	int err;	   /* the capset's errno, 0 if it worked */
	struct capstat at; /* the sets just before it */
};

/* CAP out of the effective set, and out of the permitted set when act. */
static int raise_eff(void *arg, void *out, size_t len)
{
	struct call_seen *o = out;

	(void)len;
	CHILD_TRY("clear CAP_NET_RAW from the effective set",
		  cap_flag_set(CAP, CAP_EFFECTIVE, false));
	if (*(const bool *)arg)
		CHILD_TRY("clear CAP_NET_RAW from the permitted set",
			  cap_flag_set(CAP, CAP_PERMITTED, false));
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err = cap_call_err(-cap_flag_set(CAP, CAP_EFFECTIVE, true));
	return 0;
}

/* CAP in neither set; CAP_SETPCAP out of the effective set when act. */
static int raise_inh(void *arg, void *out, size_t len)
{
	struct call_seen *o = out;

	(void)len;
	CHILD_TRY("clear CAP_NET_RAW",
		  cap_flag_set(CAP, CAP_EFFECTIVE, false)
			  ?: cap_flag_set(CAP, CAP_PERMITTED, false));
	if (*(const bool *)arg)
		CHILD_TRY("clear CAP_SETPCAP from the effective set",
			  cap_flag_set(CAP_SETPCAP, CAP_EFFECTIVE, false));
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err = cap_call_err(-cap_flag_set(CAP, CAP_INHERITABLE, true));
	return 0;
}

static int observe_call(struct ctx *c, struct call_seen *o, child_fn fn)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "capset in the child", 0, fn, &act, o,
			     sizeof(*o)));
	return 0;
}

static int observe_eff(struct ctx *c, struct call_seen *o)
{
	return observe_call(c, o, raise_eff);
}

static int observe_inh(struct ctx *c, struct call_seen *o)
{
	return observe_call(c, o, raise_inh);
}

static enum obs judge_eff(struct judge *j, const struct call_seen *o)
{
	judge_mask(j, "CapPrm", o->at.prm);
	if (!HAS(o->at.bnd, CAP))
		return judge_unknown(j, "cap_net_raw is not bounded");
	return judge_errno(j, o->err, EPERM, "capset",
			   "capset raising cap_net_raw in the effective set");
}
CHECK(eff_prm, struct call_seen, observe_eff, judge_eff);

static enum obs judge_inh(struct judge *j, const struct call_seen *o)
{
	judge_mask(j, "CapEff", o->at.eff);
	judge_mask(j, "CapPrm", o->at.prm);
	if (!HAS(o->at.bnd, CAP) || HAS(o->at.prm, CAP))
		return judge_unknown(j, "cap_net_raw is out of the bounding "
					"set, or permitted");
	return judge_errno(j, o->err, EPERM, "capset",
			   "capset raising a capability that is not "
			   "permitted in the inheritable set");
}
CHECK(inh_pcap, struct call_seen, observe_inh, judge_inh);

/* ---- the sets around one step ----------------------------------------- */

struct pair_seen {
	struct capstat before, after;
};

/* CAP inheritable, then (the action) out of the bounding set. */
static int drop_bnd(void *arg, void *out, size_t len)
{
	struct pair_seen *o = out;

	(void)len;
	CHILD_TRY("raise CAP_NET_RAW in the inheritable set",
		  cap_flag_set(CAP, CAP_INHERITABLE, true));
	CHILD_TRY("read the sets", capstat_self(&o->before));
	if (*(const bool *)arg)
		CHILD_TRY("PR_CAPBSET_DROP",
			  sysr(prctl(PR_CAPBSET_DROP, CAP, 0, 0, 0)));
	CHILD_TRY("read the sets", capstat_self(&o->after));
	return 0;
}

static int observe_bnd(struct ctx *c, struct pair_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "drop from the bounding set in the child", 0,
			     drop_bnd, &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_bnd(struct judge *j, const struct pair_seen *o)
{
	judge_mask(j, "CapInh before", o->before.inh);
	judge_mask(j, "CapInh after", o->after.inh);
	judge_mask(j, "CapBnd after", o->after.bnd);
	if (!HAS(o->before.inh, CAP))
		return judge_unknown(j, "cap_net_raw was not inheritable");
	return judge_holds(
		j, !HAS(o->after.bnd, CAP) && o->after.inh == o->before.inh,
		"cap_net_raw %s the bounding set, CapInh %s",
		HAS(o->after.bnd, CAP) ? "in" : "out of",
		o->after.inh == o->before.inh ? "unchanged" : "changed");
}
CHECK(bnd_inh, struct pair_seen, observe_bnd, judge_bnd);

/* euid 1000 (ruid, suid 0), then euid 0 (the action) or 1000 again. */
static int euid_back(void *arg, void *out, size_t len)
{
	struct pair_seen *o = out;
	uid_t to = *(const bool *)arg ? 0 : CAPS_UID;

	(void)len;
	CHILD_TRY("setresuid(0, 1000, 0)", sysr(setresuid(0, CAPS_UID, 0)));
	CHILD_TRY("read the sets", capstat_self(&o->before));
	CHILD_TRY("seteuid", sysr(setresuid(-1, to, -1)));
	CHILD_TRY("read the sets", capstat_self(&o->after));
	return 0;
}

static int observe_euid(struct ctx *c, struct pair_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "seteuid in the child", 0, euid_back, &act, o,
			     sizeof(*o)));
	return 0;
}

static enum obs judge_euid(struct judge *j, const struct pair_seen *o)
{
	judge_mask(j, "CapEff at euid 1000", o->before.eff);
	judge_mask(j, "CapPrm at euid 1000", o->before.prm);
	judge_mask(j, "CapEff after", o->after.eff);
	if (o->before.eff || !o->before.prm)
		return judge_unknown(j, "euid 1000 did not have an empty "
					"effective and a full permitted set");
	return judge_holds(j, o->after.eff == o->before.prm,
			   "CapEff %016llx after the euid change",
			   (unsigned long long)o->after.eff);
}
CHECK(euid_zero, struct pair_seen, observe_euid, judge_euid);

/* SECBIT_KEEP_CAPS, and SECBIT_NO_SETUID_FIXUP when act; all uids 1000. */
static int keep_fixup(void *arg, void *out, size_t len)
{
	struct pair_seen *o = out;
	unsigned long bits = SECBIT_KEEP_CAPS;

	(void)len;
	if (*(const bool *)arg)
		bits |= SECBIT_NO_SETUID_FIXUP;
	CHILD_TRY("PR_SET_SECUREBITS",
		  sysr(prctl(PR_SET_SECUREBITS, bits, 0, 0, 0)));
	CHILD_TRY("read the sets", capstat_self(&o->before));
	CHILD_TRY("setresuid", sysr(setresuid(CAPS_UID, CAPS_UID, CAPS_UID)));
	CHILD_TRY("read the sets", capstat_self(&o->after));
	return 0;
}

static int observe_fixup(struct ctx *c, struct pair_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "setresuid in the child", 0, keep_fixup, &act,
			     o, sizeof(*o)));
	return 0;
}

static enum obs judge_fixup(struct judge *j, const struct pair_seen *o)
{
	judge_mask(j, "CapEff before", o->before.eff);
	judge_mask(j, "CapPrm after", o->after.prm);
	judge_mask(j, "CapEff after", o->after.eff);
	if (!o->before.eff)
		return judge_unknown(j, "root held no capability before");
	if (o->after.prm != o->before.prm)
		return judge_unknown(j, "SECBIT_KEEP_CAPS did not keep CapPrm");
	return judge_holds(j, o->after.eff == o->before.eff,
			   "KEEP_CAPS set: CapEff %016llx after setresuid",
			   (unsigned long long)o->after.eff);
}
CHECK(fixup_keep, struct pair_seen, observe_fixup, judge_fixup);

/* ---- the fsuid and the file capabilities ------------------------------ */

/* What capabilities(7) lists as dropped with the fsuid. */
#define FS_CAPS                                                                \
	(CAPMASK(CAP_CHOWN) | CAPMASK(CAP_DAC_OVERRIDE) |                      \
	 CAPMASK(CAP_DAC_READ_SEARCH) | CAPMASK(CAP_FOWNER) |                  \
	 CAPMASK(CAP_FSETID) | CAPMASK(CAP_LINUX_IMMUTABLE) |                  \
	 CAPMASK(CAP_MAC_OVERRIDE) | CAPMASK(CAP_MKNOD))

struct fsuid_seen {
	capmask_t eff0, eff1, eff2; /* before, at the new fsuid, back at 0 */
};

static int fsuid_there_back(void *arg, void *out, size_t len)
{
	struct fsuid_seen *o = out;
	struct capstat s;

	(void)len;
	CHILD_TRY("read the sets", capstat_self(&s));
	o->eff0 = s.eff;
	setfsuid(*(const bool *)arg ? CAPS_UID : 0);
	CHILD_TRY("read the sets", capstat_self(&s));
	o->eff1 = s.eff;
	setfsuid(0);
	CHILD_TRY("read the sets", capstat_self(&s));
	o->eff2 = s.eff;
	return setfsuid(-1) == 0 ? 0 : child_fail("fsuid not back at 0", -EIO);
}

static int observe_fsuid(struct ctx *c, struct fsuid_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "setfsuid in the child", 0, fsuid_there_back,
			     &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_fsuid(struct judge *j, const struct fsuid_seen *o)
{
	judge_mask(j, "CapEff before", o->eff0);
	judge_mask(j, "CapEff at the new fsuid", o->eff1);
	judge_mask(j, "CapEff back at fsuid 0", o->eff2);
	if ((o->eff0 & FS_CAPS) != FS_CAPS)
		return judge_unknown(j, "root lacked a file capability before");
	return judge_holds(
		j, o->eff1 == (o->eff0 & ~FS_CAPS) && o->eff2 == o->eff0,
		"the file capabilities %s at the new fsuid, %s "
		"back at 0",
		o->eff1 == (o->eff0 & ~FS_CAPS) ? "left"
						: "did "
						  "not leave",
		o->eff2 == o->eff0 ? "returned" : "did not return");
}
CHECK(fsuid_caps, struct fsuid_seen, observe_fsuid, judge_fsuid);

static const struct scenario caps_rules_sets[] = {
	{ .id = "caps/effective-needs-permitted",
	  .title = "the effective set holds only permitted capabilities",
	  .property = "capset raising CAP_NET_RAW in the effective set fails "
		      "with EPERM once it is out of the permitted set",
	  .expect = "EPERM",
	  .req = SETS_REQ,
	  .tags = { "caps" },
	  .check = &eff_prm },
	{ .id = "caps/inheritable-within-permitted",
	  .title = "without CAP_SETPCAP the inheritable set stays within the "
		   "permitted set",
	  .property = "root without CAP_SETPCAP gets EPERM adding to its "
		      "inheritable set a bounded capability it does not "
		      "hold; with CAP_SETPCAP it may",
	  .expect = "EPERM",
	  .req = SETS_REQ,
	  .tags = { "caps" },
	  .check = &inh_pcap },
	{ .id = "caps/bounding-drop-keeps-inheritable",
	  .title = "a bounding-set drop leaves the inheritable set alone",
	  .property = "PR_CAPBSET_DROP of an inheritable capability leaves it "
		      "in the inheritable set",
	  .expect = "out of CapBnd, CapInh unchanged",
	  .req = SETS_REQ,
	  .tags = { "caps", "bounding" },
	  .check = &bnd_inh },
	{ .id = "caps/euid-zero-restores-effective",
	  .title = "euid back to 0 makes the permitted set effective",
	  .property = "root that set its euid to 1000 (empty effective set) "
		      "and back to 0 has its permitted set effective again",
	  .expect = "CapEff = CapPrm",
	  .req = SETS_REQ,
	  .tags = { "caps", "setuid" },
	  .check = &euid_zero },
	{ .id = "caps/fsuid-drops-file-caps",
	  .title = "an fsuid away from 0 drops the file capabilities",
	  .property = "setfsuid(1000) takes exactly the file-related "
		      "capabilities out of root's effective set, and "
		      "setfsuid(0) puts them back",
	  .expect = "file caps out, then back",
	  .req = SETS_REQ,
	  .tags = { "caps", "setuid" },
	  .check = &fsuid_caps },
	{ .id = "caps/no-setuid-fixup-overrides-keep-caps",
	  .title = "SECBIT_KEEP_CAPS does not matter under "
		   "SECBIT_NO_SETUID_FIXUP",
	  .property = "with SECBIT_KEEP_CAPS and SECBIT_NO_SETUID_FIXUP, "
		      "setresuid to 1000 keeps the effective set that "
		      "SECBIT_KEEP_CAPS alone clears",
	  .expect = "CapEff kept",
	  .req = SETS_REQ,
	  .tags = { "caps", "securebits", "setuid" },
	  .check = &fixup_keep },
};

BOXCHECK_AREA(caps_rules_sets, caps_rules_sets);
