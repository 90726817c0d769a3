// SPDX-License-Identifier: MIT
/*
 * File capabilities and what execve gives (capabilities(7), "Transformation
 * of capabilities during execve()"): a file's permitted set raises the
 * process's, its effective bit raises the effective set, its inheritable
 * set needs the process's; nosuid and no_new_privs turn the gain off, as
 * they do a setuid-root file's; setting them needs CAP_SETFCAP; a non-zero
 * uid loses its capabilities over execve. Each runs a copy of boxcheck
 * (see caps_util.h) that reports its own sets.
 */
#include "caps_util.h"

#include <sys/mount.h>
#include <sys/prctl.h>

#define CAP CAP_NET_RAW
#define FILE_REQ                                                               \
	{                                                                      \
		.root = true,                                                  \
		.caps = CAP_BIT(CAP_NET_RAW) | CAP_BIT(CAP_SETFCAP) |          \
			CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID) |            \
			CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_CHOWN)            \
	}

static int to_uid(bool act, const char **step)
{
	(void)act;
	*step = "become uid 1000";
	return become_uid(CAPS_UID);
}

/* What a uid-1000 execve gave: CAP in `set`, present or not. */
static enum obs judge_gain(struct judge *j, const struct exec_seen *o,
			   bool in_eff, bool present)
{
	judge_exec_sets(j, o);
	if (o->before.prm)
		return judge_unknown(j, "the caller held capabilities before");
	return in_eff ? judge_cap_in(j, "CapEff after execve", o->after.eff,
				     CAP, present)
		      : judge_cap_in(j, "CapPrm after execve", o->after.prm,
				     CAP, present);
}

static enum obs judge_gained(struct judge *j, const struct exec_seen *o)
{
	return judge_gain(j, o, false, true);
}

static enum obs judge_not_gained(struct judge *j, const struct exec_seen *o)
{
	return judge_gain(j, o, false, false);
}

/* ---- the file's permitted set raises the process's ------------------- */

static int observe_raise(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = to_uid,
			       .fcaps = c->isolate ? "cap_net_raw+p" : NULL };

	return exec_observe(c, &p, o);
}
CHECK(fcaps_raise, struct exec_seen, observe_raise, judge_gained);

/* ---- its effective bit raises the effective set ---------------------- */

static int observe_eff(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = to_uid,
			       .fcaps = c->isolate ? "cap_net_raw+ep"
						   : "cap_net_raw+p" };

	return exec_observe(c, &p, o);
}

static enum obs judge_eff(struct judge *j, const struct exec_seen *o)
{
	if (!((o->after.prm >> CAP) & 1))
		return judge_unknown(j, "cap_net_raw+p did not reach CapPrm");
	return judge_gain(j, o, true, true);
}
CHECK(fcaps_eff, struct exec_seen, observe_eff, judge_eff);

/* ---- its inheritable set needs the process's ------------------------- */

/* Root puts CAP in its inheritable set (the action); setuid keeps it. */
static int inh_then_uid(bool act, const char **step)
{
	int r;

	*step = "raise CAP_NET_RAW in the inheritable set";
	if (act && (r = cap_flag_set(CAP, CAP_INHERITABLE, true)) < 0)
		return r;
	return to_uid(act, step);
}

static int observe_inh(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = inh_then_uid,
			       .act = c->isolate,
			       .fcaps = "cap_net_raw+i" };

	return exec_observe(c, &p, o);
}
CHECK(fcaps_inh, struct exec_seen, observe_inh, judge_gained);

/* ---- nosuid and no_new_privs turn the gain off ----------------------- */

static int observe_nosuid(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = to_uid,
			       .mflags = c->isolate ? MS_NOSUID : 0,
			       .fcaps = "cap_net_raw+p" };

	return exec_observe(c, &p, o);
}
CHECK(fcaps_nosuid, struct exec_seen, observe_nosuid, judge_not_gained);

static int nnp_then_uid(bool act, const char **step)
{
	*step = "PR_SET_NO_NEW_PRIVS";
	if (act && caps_set_no_new_privs() < 0)
		return neg_errno();
	return to_uid(act, step);
}

static int observe_nnp(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = nnp_then_uid,
			       .act = c->isolate,
			       .fcaps = "cap_net_raw+p" };

	return exec_observe(c, &p, o);
}
CHECK(fcaps_nnp, struct exec_seen, observe_nnp, judge_not_gained);

/* A setuid-root copy: no_new_privs (the action) keeps uid 1000 bare. */
static int observe_suid_nnp(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = nnp_then_uid,
			       .act = c->isolate,
			       .mode = 04755 };

	return exec_observe(c, &p, o);
}

static enum obs judge_suid_nnp(struct judge *j, const struct exec_seen *o)
{
	judge_exec_sets(j, o);
	if (o->before.prm)
		return judge_unknown(j, "the caller held capabilities before");
	return judge_holds(j, o->after.prm == 0,
			   "after execve of a setuid-root file: euid %u, "
			   "CapPrm %016llx",
			   o->after.euid, (unsigned long long)o->after.prm);
}
CHECK(suid_nnp, struct exec_seen, observe_suid_nnp, judge_suid_nnp);

/* ---- a non-zero uid's capabilities end at execve --------------------- */

/* KEEPCAPS, then uid 1000 (the action; else uid 0), effective raised. */
static int keep_then_uid(bool act, const char **step)
{
	int r;

	*step = "PR_SET_KEEPCAPS";
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return neg_errno();
	*step = "setresuid";
	if ((r = become_uid(act ? CAPS_UID : 0)) < 0)
		return r;
	*step = "raise the effective set";
	return cap_flag_set(CAP, CAP_EFFECTIVE, true);
}

static int observe_nonroot(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = keep_then_uid, .act = c->isolate };

	return exec_observe(c, &p, o);
}

static enum obs judge_nonroot(struct judge *j, const struct exec_seen *o)
{
	judge_exec_sets(j, o);
	if (!((o->before.eff >> CAP) & 1))
		return judge_unknown(j, "cap_net_raw not effective before");
	return judge_holds(
		j, o->after.prm == 0 && o->after.eff == 0,
		"uid %u: CapPrm %016llx, CapEff %016llx after execve",
		o->after.euid, (unsigned long long)o->after.prm,
		(unsigned long long)o->after.eff);
}
CHECK(exec_nonroot, struct exec_seen, observe_nonroot, judge_nonroot);

/* ---- setting file capabilities needs CAP_SETFCAP --------------------- */

struct setfcap_seen {
	int err;	   /* errno of the xattr write, 0 if it worked */
	struct capstat at; /* the sets just before it */
};

static int set_fcaps(void *arg, void *out, size_t len)
{
	const int *a = arg; /* { act, fd } */
	struct setfcap_seen *o = out;

	(void)len;
	if (a[0])
		CHILD_TRY("clear CAP_SETFCAP from the effective set",
			  cap_flag_set(CAP_SETFCAP, CAP_EFFECTIVE, false));
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err = cap_call_err(-capbin_set_caps(a[1], "cap_net_raw+p"));
	return 0;
}

static int observe_setfcap(struct ctx *c, struct setfcap_seen *o)
{
	_cleanup_close_ int fd = -1;
	int a[2] = { c->isolate, -1 };

	TRY_OBS(capbin_setup(c, 0, &fd));
	a[1] = fd;
	TRY_OBS(run_in_child(c, "set file capabilities in the child", 0,
			     set_fcaps, a, o, sizeof(*o)));
	return 0;
}

static enum obs judge_setfcap(struct judge *j, const struct setfcap_seen *o)
{
	judge_mask(j, "CapEff", o->at.eff);
	if (!((o->at.prm >> CAP_SETFCAP) & 1))
		return judge_unknown(j, "CAP_SETFCAP is not permitted");
	return judge_errno(j, o->err, EPERM, "setxattr security.capability",
			   "root setting file capabilities");
}
CHECK(setfcap, struct setfcap_seen, observe_setfcap, judge_setfcap);

static const struct scenario caps_file[] = {
	{ .id = "caps/file-caps-raise-permitted",
	  .title = "a file's permitted capabilities raise the process's",
	  .property = "uid 1000, holding no capability, executes a file "
		      "with cap_net_raw+p and has CAP_NET_RAW permitted",
	  .expect = "cap_net_raw in CapPrm after execve",
	  .req = FILE_REQ,
	  .tags = { "caps", "fcaps", "exec" },
	  .check = &fcaps_raise },
	{ .id = "caps/file-caps-effective-bit",
	  .title = "a file capability's effective bit raises the effective set",
	  .property = "executing a file with cap_net_raw+ep (not +p alone) "
		      "makes CAP_NET_RAW effective at once",
	  .expect = "cap_net_raw in CapEff after execve",
	  .req = FILE_REQ,
	  .tags = { "caps", "fcaps", "exec" },
	  .check = &fcaps_eff },
	{ .id = "caps/file-caps-inheritable-needs-process",
	  .title = "a file's inheritable set needs the process's",
	  .property = "a file with cap_net_raw+i gives CAP_NET_RAW only to "
		      "a process that has it in its own inheritable set",
	  .expect = "cap_net_raw in CapPrm after execve",
	  .req = FILE_REQ,
	  .tags = { "caps", "fcaps", "exec" },
	  .check = &fcaps_inh },
	{ .id = "caps/file-caps-ignored-nosuid",
	  .title = "file capabilities are ignored on a nosuid mount",
	  .property = "a file with cap_net_raw+p on a mount with nosuid "
		      "gives uid 1000 nothing",
	  .expect = "cap_net_raw not in CapPrm after execve",
	  .req = FILE_REQ,
	  .tags = { "caps", "fcaps", "mount" },
	  .check = &fcaps_nosuid },
	{ .id = "caps/file-caps-ignored-no-new-privs",
	  .title = "no_new_privs stops file capabilities",
	  .property = "with no_new_privs set, a file with cap_net_raw+p "
		      "gives uid 1000 nothing",
	  .expect = "cap_net_raw not in CapPrm after execve",
	  .req = FILE_REQ,
	  .tags = { "caps", "fcaps", "nnp" },
	  .check = &fcaps_nnp },
	{ .id = "caps/no-new-privs-blocks-setuid-root",
	  .title = "no_new_privs stops a setuid-root file",
	  .property = "with no_new_privs set, uid 1000 executing a "
		      "setuid-root file stays uid 1000 with no capability",
	  .expect = "euid not 0, CapPrm 0",
	  .req = FILE_REQ,
	  .tags = { "caps", "setuid", "nnp" },
	  .check = &suid_nnp },
	{ .id = "caps/exec-clears-caps-nonroot",
	  .title = "execve as a non-zero uid clears capabilities",
	  .property = "uid 1000 holding CAP_NET_RAW (kept over setuid with "
		      "PR_SET_KEEPCAPS) has no capability after execve of a "
		      "plain file, in the initial user namespace",
	  .expect = "CapPrm 0 and CapEff 0 after execve",
	  .req = FILE_REQ,
	  .tags = { "caps", "exec" },
	  .check = &exec_nonroot },
	{ .id = "caps/setfcap-needs-cap",
	  .title = "setting file capabilities needs CAP_SETFCAP",
	  .property = "root without CAP_SETFCAP in its effective set gets "
		      "EPERM writing security.capability",
	  .expect = "EPERM",
	  .req = FILE_REQ,
	  .tags = { "caps", "fcaps" },
	  .check = &setfcap },
};

BOXCHECK_AREA(caps_file, caps_file);
