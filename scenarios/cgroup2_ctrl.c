// SPDX-License-Identifier: MIT
/*
 * Controlling controllers (admin-guide/cgroup-v2.rst, "Enabling and
 * Disabling", "Top-down Constraint", "No Internal Process Constraint",
 * "Conventions"; cgroups(7), "Cgroups v2 subtree control"): what
 * cgroup.subtree_control starts with and takes, what enabling makes
 * appear, what the root may do that others may not. Most need a
 * controller on v2 (pids, memory): they run in the VMs and skip on a
 * hybrid host. The root's controllers are seen anywhere.
 */
#include "cgcore.h"

#include <string.h>

#define PIDS CG_BIT(CG_PIDS)
#define MEM CG_BIT(CG_MEMORY)

/* ---- subtree_control starts empty; enabling makes files appear -------- */

struct enable_seen {
	unsigned sc0;		    /* the new cgroup's subtree_control */
	int files0, files1, files2; /* pids.* in its child: new, +, - */
	int e_on, e_off;	    /* the writes (isolated) */
};

static int observe_enable(struct ctx *c, struct enable_seen *o)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 };
	const char *pd, *kd;

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	TRY_OBS(cgc_child(c, &p, "k", &k));
	pd = cgc_dir(&p);
	kd = cgc_dir(&k);
	TRY_OBS(cgc_ctrls(c, pd, "cgroup.subtree_control", &o->sc0));
	o->files0 = TRY(c, cgc_count_prefix(kd, "pids."), "list the child");
	/* 1. Enable pids for the children (the isolated run). */
	if (c->isolate)
		o->e_on = -cgc_subtree(pd, "+pids");
	o->files1 = TRY(c, cgc_count_prefix(kd, "pids."), "list the child");
	/* 2. And disable it again. */
	if (c->isolate)
		o->e_off = -cgc_subtree(pd, "-pids");
	o->files2 = TRY(c, cgc_count_prefix(kd, "pids."), "list the child");
	return 0;
}

static void enable_kv(struct judge *j, const struct enable_seen *o)
{
	judge_kv(j, "new cgroup's subtree_control", "%s",
		 o->sc0 ? "not empty" : "empty");
	judge_kv(j, "pids.* files in its child", "%d new, %d, then %d",
		 o->files0, o->files1, o->files2);
	judge_kv(j, "writes", "+pids %s, -pids %s", cgc_err(o->e_on),
		 cgc_err(o->e_off));
}

static enum obs judge_empty(struct judge *j, const struct enable_seen *o)
{
	enable_kv(j, o);
	if (o->e_on)
		return judge_unknown(j, "enabling pids failed: %s",
				     cgc_err(o->e_on));
	return judge_holds(j, !o->sc0 && !o->files0 && o->files1 > 0,
			   "subtree_control %s and no pids files below until "
			   "+pids was written (then %d)",
			   o->sc0 ? "not empty" : "empty", o->files1);
}
CHECK(starts_empty, struct enable_seen, observe_enable, judge_empty);

static enum obs judge_files(struct judge *j, const struct enable_seen *o)
{
	enable_kv(j, o);
	if (o->e_on || o->e_off)
		return judge_unknown(j, "a write failed");
	return judge_holds(j, o->files1 > 0 && !o->files2,
			   "%d pids files in the child after +pids, %d after "
			   "-pids",
			   o->files1, o->files2);
}
CHECK(creates_files, struct enable_seen, observe_enable, judge_files);

/* ---- one write, several operations ------------------------------------- */

struct ops_seen {
	int err;
	unsigned sc; /* subtree_control afterwards */
};

static int observe_ops(struct ctx *c, struct ops_seen *o, const char *with,
		       const char *without)
{
	_cleanup_cg_group_ struct cg_group p = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	/* The write: the run's own text (the action), then its answer. */
	if (c->isolate)
		o->err = -cgc_subtree(cgc_dir(&p), with);
	else
		o->err = -cgc_subtree(cgc_dir(&p), without);
	return cgc_ctrls(c, cgc_dir(&p), "cgroup.subtree_control", &o->sc);
}

static int observe_whole(struct ctx *c, struct ops_seen *o)
{
	/* A bad operation after a good one (isolated), or the good alone. */
	return observe_ops(c, o, "+pids +boxcheck", "+pids");
}

static int observe_last(struct ctx *c, struct ops_seen *o)
{
	/* Enable, then disable (isolated), or the other way round. */
	return observe_ops(c, o, "+pids -pids", "-pids +pids");
}

static enum obs judge_whole(struct judge *j, const struct ops_seen *o)
{
	bool on = o->sc & PIDS;

	judge_kv(j, "write", "%s", cgc_err(o->err));
	judge_kv(j, "pids enabled", "%s", on ? "yes" : "no");
	return judge_holds(j, o->err && !on, "write %s; pids %s",
			   cgc_err(o->err), on ? "enabled" : "not enabled");
}
CHECK(all_or_nothing, struct ops_seen, observe_whole, judge_whole);

static enum obs judge_last(struct judge *j, const struct ops_seen *o)
{
	bool on = o->sc & PIDS;

	judge_kv(j, "write", "%s", cgc_err(o->err));
	judge_kv(j, "pids enabled", "%s", on ? "yes" : "no");
	if (o->err)
		return judge_unknown(j, "the write failed: %s",
				     cgc_err(o->err));
	return judge_holds(j, !on, "the last operation was -pids: pids %s",
			   on ? "enabled" : "not enabled");
}
CHECK(last_wins, struct ops_seen, observe_last, judge_last);

/* ---- no disabling while a child uses it -------------------------------- */

static int observe_disable(struct ctx *c, struct ops_seen *o)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	TRY_OBS(cgc_child(c, &p, "k", &k));
	TRY(c, cgc_subtree(cgc_dir(&p), "+pids"), "enable pids in p");
	/* 1. The child hands it on too (the isolated run). */
	if (c->isolate)
		TRY(c, cgc_subtree(cgc_dir(&k), "+pids"), "enable pids in k");
	/* 2. The parent takes it back. */
	o->err = -cgc_subtree(cgc_dir(&p), "-pids");
	return cgc_ctrls(c, cgc_dir(&p), "cgroup.subtree_control", &o->sc);
}

static enum obs judge_disable(struct judge *j, const struct ops_seen *o)
{
	bool on = o->sc & PIDS;

	judge_kv(j, "-pids in the parent", "%s", cgc_err(o->err));
	judge_kv(j, "pids still enabled there", "%s", on ? "yes" : "no");
	if (!o->err == on)
		return judge_unknown(j, "the write said %s, pids is %s",
				     cgc_err(o->err), on ? "on" : "off");
	return judge_holds(j, o->err == EBUSY, "disabling pids: %s",
			   cgc_err(o->err));
}
CHECK(disable_busy, struct ops_seen, observe_disable, judge_disable);

/* ---- with no controller enabled, a populated cgroup may have children -- */

struct mixed_seen {
	int in_p, in_k; /* each process listed where it was moved */
	int err_p;	/* moving one into the parent */
};

static int observe_mixed(struct ctx *c, struct mixed_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT, y = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	TRY_OBS(cgc_child(c, &p, "k", &k));
	/* 1. The parent enables memory for its children (the control). */
	if (!c->isolate)
		TRY(c, cgc_subtree(cgc_dir(&p), "+memory"), "enable memory");
	/* 2. A process into the child, another into the parent. */
	TRY_OBS(cgc_start(c, &k, &y));
	TRY_OBS(cgc_start(c, NULL, &x));
	o->err_p = -cgc_put(cgc_dir(&p), "cgroup.procs", x.pid);
	o->in_p = TRY(c, cg_dir_has_pid(cgc_dir(&p), x.pid), "read procs");
	o->in_k = TRY(c, cg_dir_has_pid(cgc_dir(&k), y.pid), "read procs");
	return 0;
}

static enum obs judge_mixed(struct judge *j, const struct mixed_seen *o)
{
	judge_kv(j, "move into the parent", "%s", cgc_err(o->err_p));
	judge_kv(j, "listed", "parent %s, child %s", o->in_p ? "yes" : "no",
		 o->in_k ? "yes" : "no");
	if (o->err_p && o->err_p != EBUSY)
		return judge_unknown(j, "the move failed with %s",
				     cgc_err(o->err_p));
	return judge_holds(j, o->in_p && o->in_k,
			   "a process in the parent (%s) and one in its child "
			   "(%s)",
			   o->in_p ? "there" : cgc_err(o->err_p),
			   o->in_k ? "there" : "missing");
}
CHECK(mixed_ok, struct mixed_seen, observe_mixed, judge_mixed);

#define V2_WITH(ctrls_)                                                        \
	{                                                                      \
		.root = true, .cgroup_version = 2, .ctrls = (ctrls_)           \
	}
#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v2"                                                 \
	}

static const struct scenario cgroup2_ctrl[] = {
	{
		.id = "cgroup2/subtree-control-starts-empty",
		.title = "no controller is enabled by default",
		.property = "a new cgroup's cgroup.subtree_control is empty "
			    "and its child has no pids files until +pids is "
			    "written",
		.expect = "empty; pids files only after +pids",
		.req = V2_WITH(PIDS),
		.tags = TAGS,
		.check = &starts_empty,
	},
	{
		.id = "cgroup2/enable-creates-files",
		.title = "enabling a controller makes its files in the "
			 "children",
		.property = "+pids in a cgroup's subtree_control creates the "
			    "pids interface files in its child; -pids removes "
			    "them",
		.expect = "pids files after +pids, none after -pids",
		.req = V2_WITH(PIDS),
		.tags = TAGS,
		.check = &creates_files,
	},
	{
		.id = "cgroup2/subtree-write-all-or-nothing",
		.title = "a subtree_control write fails as a whole",
		.property = "a write of \"+pids +boxcheck\" to "
			    "cgroup.subtree_control fails and leaves pids "
			    "disabled",
		.expect = "write refused; pids not enabled",
		.req = V2_WITH(PIDS),
		.tags = TAGS,
		.check = &all_or_nothing,
	},
	{
		.id = "cgroup2/subtree-last-op-wins",
		.title = "in one subtree_control write the last operation wins",
		.property = "a write of \"+pids -pids\" to "
			    "cgroup.subtree_control succeeds and leaves pids "
			    "disabled",
		.expect = "write ok; pids not enabled",
		.req = V2_WITH(PIDS),
		.tags = TAGS,
		.check = &last_wins,
	},
	{
		.id = "cgroup2/disable-refused-below",
		.title = "a controller a child enables cannot be disabled "
			 "above",
		.property = "while its child enables pids for its own "
			    "children, a cgroup cannot disable pids: EBUSY",
		.expect = "-pids EBUSY",
		.req = V2_WITH(PIDS),
		.tags = TAGS,
		.check = &disable_busy,
	},
	{
		.id = "cgroup2/populated-parent-children-ok",
		.title = "without controllers a populated cgroup may have "
			 "populated children",
		.property = "with no controller enabled for its children, a "
			    "cgroup can hold a process while its child holds "
			    "another (memory enabled: EBUSY)",
		.expect = "processes in the parent and the child",
		.req = V2_WITH(MEM),
		.tags = TAGS,
		.check = &mixed_ok,
	},
};

BOXCHECK_AREA(cgroup2_ctrl, cgroup2_ctrl);
