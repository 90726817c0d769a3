// SPDX-License-Identifier: MIT
/*
 * The capability bounding set (capabilities(7)): a drop limits what any
 * later execve can give, survives execve, bounds the inheritable set, needs
 * CAP_SETPCAP, and PR_CAPBSET_READ agrees with /proc/self/status. Dropping
 * from the permitted set is one-way too. CAP_NET_RAW is the capability
 * moved throughout: in every default container set, harmless to hold.
 */
#include "caps_util.h"

#include <sys/prctl.h>

#define CAP CAP_NET_RAW
#define BND_REQ                                                                \
	{                                                                      \
		.root = true, .caps = CAP_BIT(CAP_NET_RAW) |                   \
				      CAP_BIT(CAP_SETPCAP) |                   \
				      CAP_BIT(CAP_SYS_ADMIN)                   \
	}

/* The action: CAP_NET_RAW out of the bounding set. */
static int drop_if(bool act)
{
	return act ? sysr(prctl(PR_CAPBSET_DROP, CAP, 0, 0, 0)) : 0;
}

static int drop_bound(bool act, const char **step)
{
	*step = "PR_CAPBSET_DROP CAP_NET_RAW";
	return drop_if(act);
}

/* ---- root's execve gets the bounding set, no more -------------------- */

static int observe_root_exec(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = drop_bound, .act = c->isolate };

	return exec_observe(c, &p, o);
}

static enum obs judge_root_exec(struct judge *j, const struct exec_seen *o)
{
	judge_exec_sets(j, o);
	if (!o->after.prm)
		return judge_unknown(j, "root's execve gained no capability");
	return judge_cap_in(j, "CapPrm after execve", o->after.prm, CAP, false);
}
CHECK(bnd_root_exec, struct exec_seen, observe_root_exec, judge_root_exec);

/* ---- file capabilities are masked by it ------------------------------ */

static int drop_then_uid(bool act, const char **step)
{
	int r = drop_bound(act, step);

	*step = "become uid 1000";
	return r < 0 ? r : become_uid(CAPS_UID);
}

static int observe_fcaps(struct ctx *c, struct exec_seen *o)
{
	struct exec_plan p = { .prep = drop_then_uid,
			       .act = c->isolate,
			       .fcaps = "cap_net_raw+p" };

	return exec_observe(c, &p, o);
}

static enum obs judge_fcaps(struct judge *j, const struct exec_seen *o)
{
	judge_exec_sets(j, o);
	if (o->after.euid != CAPS_UID)
		return judge_unknown(j, "the copy ran as uid %u",
				     o->after.euid);
	return judge_cap_in(j, "CapPrm after execve", o->after.prm, CAP, false);
}
CHECK(bnd_fcaps, struct exec_seen, observe_fcaps, judge_fcaps);

/* ---- the drop survives execve ---------------------------------------- */

static enum obs judge_survives(struct judge *j, const struct exec_seen *o)
{
	judge_mask(j, "CapBnd before execve", o->before.bnd);
	judge_mask(j, "CapBnd after execve", o->after.bnd);
	if (!o->after.bnd)
		return judge_unknown(j, "the bounding set read empty");
	return judge_cap_in(j, "CapBnd after execve", o->after.bnd, CAP, false);
}
CHECK(bnd_survives, struct exec_seen, observe_root_exec, judge_survives);

/* ---- calls refused after the drop, or without CAP_SETPCAP ------------ */

struct call_seen {
	int err;	   /* the probed call's errno, 0 if it succeeded */
	struct capstat at; /* the sets just before it */
};

/* need: a capability in CapPrm (>= 0), or else CAP in CapBnd (-1). */
static enum obs judge_eperm(struct judge *j, const struct call_seen *o,
			    int need, const char *what)
{
	judge_mask(j, "CapEff", o->at.eff);
	judge_mask(j, "CapBnd", o->at.bnd);
	if (need >= 0 ? !((o->at.prm >> need) & 1) : !((o->at.bnd >> CAP) & 1))
		return judge_unknown(j, "the capability the call is about is "
					"not bounded or not permitted");
	return judge_errno(j, o->err, EPERM, what, what);
}

/* After the drop: CAP_NET_RAW into the inheritable set (it is permitted). */
static int raise_inh(void *arg, void *out, size_t len)
{
	struct call_seen *o = out;

	(void)len;
	CHILD_TRY("drop from the bounding set", drop_if(*(const bool *)arg));
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err = cap_call_err(-cap_flag_set(CAP, CAP_INHERITABLE, true));
	return 0;
}

static int observe_inh(struct ctx *c, struct call_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "raise the inheritable set in the child", 0,
			     raise_inh, &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_inh(struct judge *j, const struct call_seen *o)
{
	return judge_eperm(j, o, CAP, "capset(CAP_NET_RAW inheritable)");
}
CHECK(bnd_inh, struct call_seen, observe_inh, judge_inh);

/* Without CAP_SETPCAP in the effective set (the action), drop a cap. */
static int drop_nopcap(void *arg, void *out, size_t len)
{
	struct call_seen *o = out;

	(void)len;
	if (*(const bool *)arg)
		CHILD_TRY("clear CAP_SETPCAP from the effective set",
			  cap_flag_set(CAP_SETPCAP, CAP_EFFECTIVE, false));
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err = sys_err(prctl(PR_CAPBSET_DROP, CAP, 0, 0, 0));
	return 0;
}

static int observe_pcap(struct ctx *c, struct call_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "drop from the bounding set in the child", 0,
			     drop_nopcap, &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_pcap(struct judge *j, const struct call_seen *o)
{
	return judge_eperm(j, o, CAP_SETPCAP, "PR_CAPBSET_DROP");
}
CHECK(bnd_pcap, struct call_seen, observe_pcap, judge_pcap);

/* Dropped from permitted (the action), CAP_NET_RAW cannot come back. */
static int reraise(void *arg, void *out, size_t len)
{
	struct call_seen *o = out;

	(void)len;
	if (*(const bool *)arg) {
		CHILD_TRY("drop CAP_NET_RAW from the effective set",
			  cap_flag_set(CAP, CAP_EFFECTIVE, false));
		CHILD_TRY("drop CAP_NET_RAW from the permitted set",
			  cap_flag_set(CAP, CAP_PERMITTED, false));
	}
	CHILD_TRY("read the sets", capstat_self(&o->at));
	o->err = cap_call_err(-cap_flag_set(CAP, CAP_PERMITTED, true));
	return 0;
}

static int observe_reraise(struct ctx *c, struct call_seen *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "raise the permitted set in the child", 0,
			     reraise, &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_reraise(struct judge *j, const struct call_seen *o)
{
	return judge_eperm(j, o, -1, "capset(CAP_NET_RAW permitted)");
}
CHECK(prm_reraise, struct call_seen, observe_reraise, judge_reraise);

/* ---- PR_CAPBSET_READ and CapBnd -------------------------------------- */

struct bnd_views {
	capmask_t prctl;  /* PR_CAPBSET_READ of each capability */
	capmask_t status; /* CapBnd of /proc/self/status */
};

static int read_views(void *arg, void *out, size_t len)
{
	struct bnd_views *o = out;
	struct capstat s;
	int last = cap_max_bits();

	(void)len;
	CHILD_TRY("drop from the bounding set", drop_if(*(const bool *)arg));
	for (int i = 0; i < last && i < 64; i++) {
		int r = prctl(PR_CAPBSET_READ, i, 0, 0, 0);
		if (r < 0)
			return child_fail("PR_CAPBSET_READ", neg_errno());
		o->prctl |= r ? CAPMASK(i) : 0;
	}
	CHILD_TRY("read /proc/self/status", capstat_self(&s));
	o->status = s.bnd;
	return 0;
}

static int observe_views(struct ctx *c, struct bnd_views *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "read the bounding set in the child", 0,
			     read_views, &act, o, sizeof(*o)));
	return 0;
}

static enum obs judge_views(struct judge *j, const struct bnd_views *o)
{
	judge_mask(j, "PR_CAPBSET_READ", o->prctl);
	judge_mask(j, "CapBnd", o->status);
	return judge_holds(j, o->prctl == o->status && !((o->prctl >> CAP) & 1),
			   "PR_CAPBSET_READ %s CapBnd; cap_net_raw %s",
			   o->prctl == o->status ? "agrees with"
						 : "differs from",
			   (o->prctl >> CAP) & 1 ? "bounded in" : "out");
}
CHECK(bnd_views, struct bnd_views, observe_views, judge_views);

static const struct scenario caps_bounding[] = {
	{ .id = "caps/bounding-limits-root-exec",
	  .title = "root's execve gets no capability outside the bounding set",
	  .property = "after PR_CAPBSET_DROP of CAP_NET_RAW, uid 0 executing a "
		      "plain program gets every bounded capability but that "
		      "one in its permitted set",
	  .expect = "cap_net_raw not in CapPrm after execve",
	  .req = BND_REQ,
	  .tags = { "caps", "bounding", "exec" },
	  .check = &bnd_root_exec },
	{ .id = "caps/bounding-limits-file-caps",
	  .title = "file capabilities cannot grant outside the bounding set",
	  .property = "uid 1000 executing a file with cap_net_raw+p gets no "
		      "CAP_NET_RAW once it is out of the bounding set",
	  .expect = "cap_net_raw not in CapPrm after execve",
	  .req = BND_REQ,
	  .tags = { "caps", "bounding", "fcaps" },
	  .check = &bnd_fcaps },
	{ .id = "caps/bounding-drop-survives-exec",
	  .title = "a bounding-set drop survives execve",
	  .property = "the bounding set of a program executed after "
		      "PR_CAPBSET_DROP still lacks the dropped capability",
	  .expect = "cap_net_raw not in CapBnd after execve",
	  .req = BND_REQ,
	  .tags = { "caps", "bounding", "exec" },
	  .check = &bnd_survives },
	{ .id = "caps/bounding-limits-inheritable",
	  .title = "a capability out of the bounding set cannot be inheritable",
	  .property = "after PR_CAPBSET_DROP, adding the still-permitted "
		      "capability to the inheritable set fails with EPERM",
	  .expect = "EPERM",
	  .req = BND_REQ,
	  .tags = { "caps", "bounding" },
	  .check = &bnd_inh },
	{ .id = "caps/bounding-drop-needs-setpcap",
	  .title = "dropping from the bounding set needs CAP_SETPCAP",
	  .property = "without CAP_SETPCAP in its effective set, a root "
		      "process gets EPERM from PR_CAPBSET_DROP",
	  .expect = "EPERM",
	  .req = BND_REQ,
	  .tags = { "caps", "bounding" },
	  .check = &bnd_pcap },
	{ .id = "caps/permitted-drop-irreversible",
	  .title = "a capability dropped from the permitted set stays out",
	  .property = "once CAP_NET_RAW is dropped from the permitted set, "
		      "capset() cannot raise it again (EPERM)",
	  .expect = "EPERM",
	  .req = BND_REQ,
	  .tags = { "caps" },
	  .check = &prm_reraise },
	{ .id = "caps/capbset-read-matches-status",
	  .title = "PR_CAPBSET_READ and CapBnd tell the same bounding set",
	  .property = "after a drop, PR_CAPBSET_READ of every capability "
		      "agrees with /proc/self/status CapBnd, both without it",
	  .expect = "agree, cap_net_raw out",
	  .req = BND_REQ,
	  .tags = { "caps", "bounding" },
	  .check = &bnd_views },
};

BOXCHECK_AREA(caps_bounding, caps_bounding);
