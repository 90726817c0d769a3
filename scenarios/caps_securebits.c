// SPDX-License-Identifier: MIT
/*
 * Capabilities across setuid, and the securebits (capabilities(7), "Effect
 * of user ID changes on capabilities", "The securebits flags"): a change
 * that leaves no uid 0 clears the permitted set unless SECBIT_KEEP_CAPS;
 * SECBIT_NO_SETUID_FIXUP keeps even the effective set; SECBIT_NOROOT takes
 * root's special treatment at execve away; a locked bit cannot change;
 * changing the bits needs CAP_SETPCAP.
 */
#include "caps_util.h"

#include <linux/securebits.h>
#include <sys/prctl.h>

#define SB_REQ                                                                 \
	{                                                                      \
		.root = true,                                                  \
		.caps = CAP_BIT(CAP_SETPCAP) | CAP_BIT(CAP_SETUID) |           \
			CAP_BIT(CAP_SETGID) | CAP_BIT(CAP_SYS_ADMIN)           \
	}

static int set_bits(unsigned long bits)
{
	return sysr(prctl(PR_SET_SECUREBITS, bits, 0, 0, 0));
}

/* ---- setresuid: what stays of root's sets ---------------------------- */

struct uid_change {
	struct capstat before, after; /* around setresuid */
};

/* { securebits to set first (the action, 0 in the control), saved uid } */
struct uid_plan {
	unsigned long bits;
	uid_t saved;
};

static int change_uid(void *arg, void *out, size_t len)
{
	const struct uid_plan *p = arg;
	struct uid_change *o = out;

	(void)len;
	if (p->bits)
		CHILD_TRY("PR_SET_SECUREBITS", set_bits(p->bits));
	CHILD_TRY("read the sets", capstat_self(&o->before));
	CHILD_TRY("setresuid", sysr(setresuid(CAPS_UID, CAPS_UID, p->saved)));
	CHILD_TRY("read the sets", capstat_self(&o->after));
	return 0;
}

static int uid_observe(struct ctx *c, const struct uid_plan *p,
		       struct uid_change *o)
{
	TRY_OBS(run_in_child(c, "setresuid in the child", 0, change_uid,
			     (void *)p, o, sizeof(*o)));
	return 0;
}

static void judge_uid_sets(struct judge *j, const struct uid_change *o)
{
	judge_mask(j, "CapPrm before", o->before.prm);
	judge_mask(j, "CapPrm after", o->after.prm);
	judge_mask(j, "CapEff after", o->after.eff);
}

/* All of real, effective and saved uid non-zero (the action: saved too). */
static int observe_all_nonzero(struct ctx *c, struct uid_change *o)
{
	struct uid_plan p = { .saved = c->isolate ? CAPS_UID : 0 };

	return uid_observe(c, &p, o);
}

static enum obs judge_cleared(struct judge *j, const struct uid_change *o)
{
	judge_uid_sets(j, o);
	if (!o->before.prm)
		return judge_unknown(j, "root held no capability before");
	return judge_holds(j, o->after.prm == 0,
			   "CapPrm %016llx after setresuid",
			   (unsigned long long)o->after.prm);
}
CHECK(all_nonzero, struct uid_change, observe_all_nonzero, judge_cleared);

static int observe_keep(struct ctx *c, struct uid_change *o)
{
	struct uid_plan p = { .bits = c->isolate ? SECBIT_KEEP_CAPS : 0,
			      .saved = CAPS_UID };

	return uid_observe(c, &p, o);
}

static enum obs judge_kept_prm(struct judge *j, const struct uid_change *o)
{
	judge_uid_sets(j, o);
	if (!o->before.prm)
		return judge_unknown(j, "root held no capability before");
	return judge_holds(j, o->after.prm == o->before.prm && !o->after.eff,
			   "CapPrm %s, CapEff %016llx after setresuid",
			   o->after.prm == o->before.prm ? "kept" : "not kept",
			   (unsigned long long)o->after.eff);
}
CHECK(keep_caps, struct uid_change, observe_keep, judge_kept_prm);

static int observe_fixup(struct ctx *c, struct uid_change *o)
{
	struct uid_plan p = { .bits = c->isolate ? SECBIT_NO_SETUID_FIXUP : 0,
			      .saved = CAPS_UID };

	return uid_observe(c, &p, o);
}

static enum obs judge_kept_eff(struct judge *j, const struct uid_change *o)
{
	judge_uid_sets(j, o);
	if (!o->before.eff)
		return judge_unknown(j, "root held no capability before");
	return judge_holds(j, o->after.eff == o->before.eff,
			   "CapEff %016llx after setresuid",
			   (unsigned long long)o->after.eff);
}
CHECK(no_fixup, struct uid_change, observe_fixup, judge_kept_eff);

/* ---- SECBIT_NOROOT: uid 0 gains nothing at execve -------------------- */

static int noroot(bool act, const char **step)
{
	*step = "set SECBIT_NOROOT";
	return act ? set_bits(SECBIT_NOROOT) : 0;
}

static int observe_noroot(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = noroot, .act = c->isolate };

	return exec_observe(c, &p, o);
}

static enum obs judge_noroot(struct judge *j, const struct exec_seen *o)
{
	judge_exec_sets(j, o);
	if (o->after.euid != 0)
		return judge_unknown(j, "the copy ran as uid %u",
				     o->after.euid);
	return judge_holds(j, o->after.prm == 0,
			   "uid 0: CapPrm %016llx after execve",
			   (unsigned long long)o->after.prm);
}
CHECK(sb_noroot, struct exec_seen, observe_noroot, judge_noroot);

/* ---- changing the bits: locks, CAP_SETPCAP --------------------------- */

struct bits_seen {
	int err;	   /* errno of the change probed, 0 if it worked */
	struct capstat at; /* the sets just before it */
};

/* SECBIT_KEEP_CAPS_LOCKED (the action), then PR_SET_KEEPCAPS 1. */
static int keep_locked(void *arg, void *out, size_t len)
{
	struct bits_seen *o = out;

	(void)len;
	if (*(const bool *)arg)
		CHILD_TRY("set SECBIT_KEEP_CAPS_LOCKED",
			  set_bits(SECBIT_KEEP_CAPS_LOCKED));
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err = sys_err(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0));
	return 0;
}

/* Without CAP_SETPCAP effective (the action), set SECBIT_NOROOT. */
static int bits_nopcap(void *arg, void *out, size_t len)
{
	struct bits_seen *o = out;

	(void)len;
	if (*(const bool *)arg)
		CHILD_TRY("clear CAP_SETPCAP from the effective set",
			  cap_flag_set(CAP_SETPCAP, CAP_EFFECTIVE, false));
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err = sys_err(prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0));
	return 0;
}

static int observe_locked(struct ctx *c, struct bits_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "PR_SET_KEEPCAPS in the child", 0, keep_locked,
			     &act, o, sizeof(*o)));
	return 0;
}

static int observe_nopcap(struct ctx *c, struct bits_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "PR_SET_SECUREBITS in the child", 0,
			     bits_nopcap, &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_bits(struct judge *j, const struct bits_seen *o)
{
	judge_mask(j, "CapEff", o->at.eff);
	if (!((o->at.prm >> CAP_SETPCAP) & 1))
		return judge_unknown(j, "CAP_SETPCAP is not permitted");
	return judge_errno(j, o->err, EPERM, "the securebits change",
			   "root changing a securebit");
}
CHECK(sb_locked, struct bits_seen, observe_locked, judge_bits);
CHECK(sb_nopcap, struct bits_seen, observe_nopcap, judge_bits);

static const struct scenario caps_securebits[] = {
	{ .id = "caps/setuid-nonzero-clears-permitted",
	  .title = "leaving uid 0 everywhere clears the permitted set",
	  .property = "root calling setresuid(1000, 1000, 1000) loses every "
		      "permitted capability (with the saved uid left 0 it "
		      "keeps them)",
	  .expect = "CapPrm 0 after setresuid",
	  .req = SB_REQ,
	  .tags = { "caps", "setuid" },
	  .check = &all_nonzero },
	{ .id = "caps/keep-caps-keeps-permitted",
	  .title = "SECBIT_KEEP_CAPS keeps the permitted set over setuid",
	  .property = "with SECBIT_KEEP_CAPS, root changing every uid to 1000 "
		      "keeps its permitted set; the effective set is cleared",
	  .expect = "CapPrm kept, CapEff 0",
	  .req = SB_REQ,
	  .tags = { "caps", "setuid", "securebits" },
	  .check = &keep_caps },
	{ .id = "caps/no-setuid-fixup-keeps-effective",
	  .title = "SECBIT_NO_SETUID_FIXUP keeps the effective set over setuid",
	  .property = "with SECBIT_NO_SETUID_FIXUP, root changing every uid "
		      "to 1000 keeps its effective set",
	  .expect = "CapEff kept after setresuid",
	  .req = SB_REQ,
	  .tags = { "caps", "setuid", "securebits" },
	  .check = &no_fixup },
	{ .id = "caps/securebits-noroot",
	  .title = "SECBIT_NOROOT: uid 0 gains nothing at execve",
	  .property = "with SECBIT_NOROOT, uid 0 executing a plain file gets "
		      "an empty permitted set",
	  .expect = "CapPrm 0 after execve",
	  .req = SB_REQ,
	  .tags = { "caps", "securebits", "exec" },
	  .check = &sb_noroot },
	{ .id = "caps/securebits-lock",
	  .title = "a locked securebit cannot change",
	  .property = "after SECBIT_KEEP_CAPS_LOCKED, PR_SET_KEEPCAPS fails "
		      "with EPERM even for root",
	  .expect = "EPERM",
	  .req = SB_REQ,
	  .tags = { "caps", "securebits" },
	  .check = &sb_locked },
	{ .id = "caps/securebits-need-setpcap",
	  .title = "changing securebits needs CAP_SETPCAP",
	  .property = "root without CAP_SETPCAP in its effective set gets "
		      "EPERM from PR_SET_SECUREBITS",
	  .expect = "EPERM",
	  .req = SB_REQ,
	  .tags = { "caps", "securebits" },
	  .check = &sb_nopcap },
};

BOXCHECK_AREA(caps_securebits, caps_securebits);
