// SPDX-License-Identifier: MIT
/*
 * Threaded subtrees (admin-guide/cgroup-v2.rst, "Threads", "cgroup.type",
 * "cgroup.threads"; cgroups(7), "CGROUPS VERSION 2 THREAD MODE"): when a
 * cgroup may turn threaded, what its type reads before and after, how the
 * threaded domain reverts, where cgroup.procs reads, what cgroup.kill and
 * thread moves refuse there, and which controllers a threaded subtree
 * takes. The last three need controllers on v2: they run in the VMs.
 */
#include "cgcore.h"

#include <string.h>

static int threaded(struct ctx *c, const struct cg_group *g)
{
	TRY(c, cgs_write_probe(cgc_dir(g), "cgroup.type", "threaded"),
	    "write threaded to cgroup.type");
	return 0;
}

/* Skip unless dir offers every controller of want on v2. */
static int need_ctrls(struct ctx *c, const char *dir, unsigned want)
{
	unsigned have = 0;

	TRY_OBS(cgc_ctrls(c, dir, "cgroup.controllers", &have));
	for (int k = 0; k < CG__COUNT; k++)
		if ((want & CG_BIT(k)) && !(have & CG_BIT(k)))
			return ctx_skip(c,
					"the %s controller is not offered to "
					"our cgroup on the v2 hierarchy",
					cg_ctrl_table[k].v2_name);
	return 0;
}

/* ---- when "threaded" is refused --------------------------------------- */

enum refusal {
	R_POP_SELF,	  /* the cgroup holds a process */
	R_POP_SIBLING,	  /* a domain sibling holds a process */
	R_INVALID_PARENT, /* the parent reads "domain invalid" */
	R_DOMAIN_CTRL,	  /* the parent enables a domain controller */
};

struct refused_seen {
	int err; /* writing "threaded" */
};

static int observe_refused(struct ctx *c, struct refused_seen *o,
			   enum refusal why)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group p = { 0 }, a = { 0 }, b = { 0 },
					   bc = { 0 }, out = { 0 };
	const struct cg_group *target = &a, *home = &out;

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	TRY_OBS(cgc_child(c, c->cg, "elsewhere", &out));
	TRY_OBS(cgc_child(c, &p, "a", &a));
	TRY_OBS(cgc_child(c, &p, "b", &b));
	TRY_OBS(cgc_child(c, &b, "c", &bc));
	if (why == R_DOMAIN_CTRL)
		TRY_OBS(need_ctrls(c, cgc_dir(&p),
				   CG_BIT(CG_MEMORY) | CG_BIT(CG_PIDS)));
	/* 1. The condition (isolated); the control lacks it. */
	if (why == R_POP_SELF && c->isolate)
		home = &a;
	if (why == R_POP_SIBLING && c->isolate)
		home = &b;
	TRY_OBS(cgc_start(c, home, &x));
	if (why == R_INVALID_PARENT) {
		target = &bc;
		if (c->isolate)
			TRY_OBS(threaded(c, &a));
	}
	if (why == R_DOMAIN_CTRL)
		TRY(c,
		    cgc_subtree(cgc_dir(&p), c->isolate ? "+memory" : "+pids"),
		    "enable a controller in the parent");
	/* 2. The write. */
	o->err = -cgs_write_probe(cgc_dir(target), "cgroup.type", "threaded");
	return 0;
}

static enum obs judge_refused(struct judge *j, const struct refused_seen *o)
{
	judge_kv(j, "write of \"threaded\"", "%s", cgc_err(o->err));
	if (o->err && o->err != EOPNOTSUPP)
		return judge_unknown(j, "the write failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, o->err == EOPNOTSUPP, "write of threaded: %s",
			   cgc_err(o->err));
}

#define REFUSED_CHECK(name_, why_)                                             \
	static int observe_##name_(struct ctx *c, struct refused_seen *o)      \
	{                                                                      \
		return observe_refused(c, o, why_);                            \
	}                                                                      \
	CHECK(name_, struct refused_seen, observe_##name_, judge_refused)
REFUSED_CHECK(refused_self, R_POP_SELF);
REFUSED_CHECK(refused_sibling, R_POP_SIBLING);
REFUSED_CHECK(refused_invalid, R_INVALID_PARENT);
REFUSED_CHECK(refused_domain_ctrl, R_DOMAIN_CTRL);

/* ---- what cgroup.type reads and takes --------------------------------- */

struct type_seen {
	char t0[32], t1[32], t2[32], t3[32]; /* after each step */
	int e_domain, e_dthreaded, e_again;  /* the later writes */
};

static int observe_types(struct ctx *c, struct type_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group p = { 0 }, a = { 0 };
	const char *d;

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	TRY_OBS(cgc_child(c, &p, "a", &a));
	d = cgc_dir(&a);
	TRY_OBS(cgc_type(c, d, o->t0, sizeof(o->t0)));
	/* 1. Turn it threaded (the isolated run). */
	if (c->isolate)
		TRY_OBS(threaded(c, &a));
	TRY_OBS(cgc_type(c, d, o->t1, sizeof(o->t1)));
	/* 2. Try to turn it back; write "threaded" once more. */
	o->e_domain = -cgs_write_probe(d, "cgroup.type", "domain");
	o->e_dthreaded = -cgs_write_probe(d, "cgroup.type", "domain threaded");
	TRY_OBS(cgc_type(c, d, o->t2, sizeof(o->t2)));
	o->e_again = -cgs_write_probe(d, "cgroup.type", "threaded");
	return cgc_type(c, d, o->t3, sizeof(o->t3));
}

static void types_kv(struct judge *j, const struct type_seen *o)
{
	judge_kv(j, "types", "new \"%s\", then \"%s\", \"%s\", \"%s\"", o->t0,
		 o->t1, o->t2, o->t3);
	judge_kv(j, "writes", "domain %s, domain threaded %s, threaded %s",
		 cgc_err(o->e_domain), cgc_err(o->e_dthreaded),
		 cgc_err(o->e_again));
}

static enum obs judge_never_back(struct judge *j, const struct type_seen *o)
{
	types_kv(j, o);
	if (o->e_domain && o->e_domain != EINVAL)
		return judge_unknown(j, "writing domain failed with %s",
				     cgc_err(o->e_domain));
	return judge_holds(j,
			   strcmp(o->t0, "domain") == 0 &&
				   strcmp(o->t1, "threaded") == 0 &&
				   o->e_domain &&
				   strcmp(o->t2, "threaded") == 0,
			   "new cgroup \"%s\", then \"%s\"; writing domain %s, "
			   "type \"%s\"",
			   o->t0, o->t1, cgc_err(o->e_domain), o->t2);
}
CHECK(never_back, struct type_seen, observe_types, judge_never_back);

static enum obs judge_noop(struct judge *j, const struct type_seen *o)
{
	types_kv(j, o);
	return judge_holds(j,
			   o->e_domain == EINVAL && o->e_dthreaded == EINVAL &&
				   !o->e_again &&
				   strcmp(o->t2, "threaded") == 0 &&
				   strcmp(o->t3, o->t2) == 0,
			   "only threaded taken (domain %s, domain threaded "
			   "%s); threaded again: %s, \"%s\" -> \"%s\"",
			   cgc_err(o->e_domain), cgc_err(o->e_dthreaded),
			   cgc_err(o->e_again), o->t2, o->t3);
}
CHECK(rewrite_noop, struct type_seen, observe_types, judge_noop);

/* ---- the threaded domain reverts -------------------------------------- */

struct revert_seen {
	char p1[32], b1[32]; /* parent and domain sibling, with a threaded a */
	char p2[32], b2[32]; /* once a is removed */
	int rm;		     /* that rmdir */
};

static int observe_revert(struct ctx *c, struct revert_seen *o)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, a = { 0 }, b = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "p", &p));
	TRY_OBS(cgc_child(c, &p, "a", &a));
	TRY_OBS(cgc_child(c, &p, "b", &b));
	/* 1. a turns threaded (the isolated run). */
	if (c->isolate)
		TRY_OBS(threaded(c, &a));
	TRY_OBS(cgc_type(c, cgc_dir(&p), o->p1, sizeof(o->p1)));
	TRY_OBS(cgc_type(c, cgc_dir(&b), o->b1, sizeof(o->b1)));
	/* 2. a goes away. */
	o->rm = -cgs_rmdir_probe(cgc_dir(&a));
	TRY_OBS(cgc_type(c, cgc_dir(&p), o->p2, sizeof(o->p2)));
	return cgc_type(c, cgc_dir(&b), o->b2, sizeof(o->b2));
}

static enum obs judge_revert(struct judge *j, const struct revert_seen *o)
{
	judge_kv(j, "with a threaded child", "parent \"%s\", sibling \"%s\"",
		 o->p1, o->b1);
	judge_kv(j, "once it is removed", "parent \"%s\", sibling \"%s\"",
		 o->p2, o->b2);
	if (o->rm)
		return judge_unknown(j, "rmdir of the child failed: %s",
				     cgc_err(o->rm));
	return judge_holds(j,
			   strcmp(o->p1, "domain threaded") == 0 &&
				   strcmp(o->b1, "domain invalid") == 0 &&
				   strcmp(o->p2, "domain") == 0 &&
				   strcmp(o->b2, "domain") == 0,
			   "parent \"%s\" -> \"%s\", sibling \"%s\" -> \"%s\"",
			   o->p1, o->p2, o->b1, o->b2);
}
CHECK(domain_reverts, struct revert_seen, observe_revert, judge_revert);

/* ---- cgroup.procs in a threaded subtree -------------------------------- */

struct procs_seen {
	int move;	  /* writing the pid to t's cgroup.procs */
	int read_t;	  /* reading t's cgroup.procs */
	int at_domain;	  /* the pid listed at the threaded domain */
	int at_elsewhere; /* ... in a cgroup it never joined */
};

static int observe_procs(struct ctx *c, struct procs_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group d = { 0 }, t = { 0 }, e = { 0 };
	char path[PATH_MAX + 32], buf[4096];

	TRY_OBS(cgc_child(c, c->cg, "d", &d));
	TRY_OBS(cgc_child(c, &d, "t", &t));
	TRY_OBS(cgc_child(c, c->cg, "elsewhere", &e));
	TRY_OBS(cgc_start(c, &d, &x));
	/* 1. t turns threaded (the isolated run). */
	if (c->isolate)
		TRY_OBS(threaded(c, &t));
	/* 2. The whole process to t; where is it listed? */
	o->move = -cgc_put(cgc_dir(&t), "cgroup.procs", x.pid);
	snprintf(path, sizeof(path), "%s/cgroup.procs", cgc_dir(&t));
	o->read_t = read_text(path, buf, sizeof(buf)) < 0 ? errno : 0;
	o->at_domain = TRY(c, cg_dir_has_pid(cgc_dir(&d), x.pid),
			   "read the domain's cgroup.procs");
	o->at_elsewhere = TRY(c, cg_dir_has_pid(cgc_dir(&e), x.pid),
			      "read another cgroup.procs");
	return 0;
}

static enum obs judge_procs(struct judge *j, const struct procs_seen *o)
{
	judge_kv(j, "move into t", "%s", cgc_err(o->move));
	judge_kv(j, "read of t's cgroup.procs", "%s", cgc_err(o->read_t));
	judge_kv(j, "listed at the domain", "%s", o->at_domain ? "yes" : "no");
	if (o->move || o->at_elsewhere)
		return judge_unknown(j,
				     "move %s, listed where it never was: "
				     "%s",
				     cgc_err(o->move),
				     o->at_elsewhere ? "yes" : "no");
	return judge_holds(j, o->read_t == EOPNOTSUPP && o->at_domain,
			   "moved into t; its cgroup.procs read: %s; the "
			   "process %s at the domain above",
			   cgc_err(o->read_t),
			   o->at_domain ? "listed" : "not listed");
}
CHECK(procs_at_domain, struct procs_seen, observe_procs, judge_procs);

/* ---- cgroup.kill in a threaded cgroup ---------------------------------- */

static int observe_kill(struct ctx *c, struct refused_seen *o)
{
	_cleanup_cg_group_ struct cg_group d = { 0 }, t = { 0 };

	TRY_OBS(cgc_child(c, c->cg, "d", &d));
	TRY_OBS(cgc_child(c, &d, "t", &t));
	/* 1. t turns threaded (the isolated run). */
	if (c->isolate)
		TRY_OBS(threaded(c, &t));
	/* 2. Kill its (empty) membership. */
	o->err = -cgs_write_probe(cgc_dir(&t), "cgroup.kill", "1");
	return 0;
}
static enum obs judge_kill(struct judge *j, const struct refused_seen *o)
{
	judge_kv(j, "write of 1 to cgroup.kill", "%s", cgc_err(o->err));
	if (o->err && o->err != EOPNOTSUPP)
		return judge_unknown(j, "the write failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, o->err == EOPNOTSUPP, "cgroup.kill write: %s",
			   cgc_err(o->err));
}
CHECK(kill_threaded, struct refused_seen, observe_kill, judge_kill);

#define V2_CORE                                                                \
	{                                                                      \
		.root = true, .cgroup_version = 2                              \
	}
#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v2"                                                 \
	}
#define REFUSED(id_, title_, prop_, check_, ...)                               \
	{                                                                      \
		.id = "cgroup2/" id_, .title = title_, .property = prop_,      \
		.expect = "write of threaded EOPNOTSUPP", .req = __VA_ARGS__,  \
		.tags = TAGS, .check = &check_,                                \
	}

static const struct scenario cgroup2_threaded[] = {
	REFUSED("threaded-refused-populated",
		"a cgroup holding a process cannot turn threaded",
		"writing threaded to the cgroup.type of a cgroup that holds a "
		"process fails with EOPNOTSUPP",
		refused_self, V2_CORE),
	REFUSED("threaded-refused-populated-sibling",
		"no threaded child beside a populated domain child",
		"writing threaded to a cgroup whose domain sibling holds a "
		"process fails with EOPNOTSUPP",
		refused_sibling, V2_CORE),
	REFUSED("threaded-refused-under-invalid",
		"a cgroup below a domain invalid parent cannot turn threaded",
		"once its parent reads \"domain invalid\" (beside a threaded "
		"sibling), writing threaded to a cgroup fails with EOPNOTSUPP",
		refused_invalid, V2_CORE),
	REFUSED("threaded-refused-domain-controller",
		"no threaded child below enabled domain controllers",
		"writing threaded to a cgroup whose parent enables the memory "
		"controller for its children fails with EOPNOTSUPP (pids, a "
		"threaded controller, does not stop it)",
		refused_domain_ctrl,
		{ .root = true,
		  .cgroup_version = 2,
		  .ctrls = CG_BIT(CG_MEMORY) | CG_BIT(CG_PIDS) }),
	{
		.id = "cgroup2/type-never-back-to-domain",
		.title = "a new cgroup is a domain; a threaded one stays so",
		.property = "a new cgroup's cgroup.type reads domain; once "
			    "threaded, writing domain is refused and it still "
			    "reads threaded",
		.expect = "domain, threaded; writing domain refused",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &never_back,
	},
	{
		.id = "cgroup2/type-rewrite-threaded-noop",
		.title = "cgroup.type takes only threaded, which then changes "
			 "nothing",
		.property = "writing domain or domain threaded to cgroup.type "
			    "fails with EINVAL, and writing threaded to a "
			    "threaded cgroup succeeds and changes nothing",
		.expect = "EINVAL, EINVAL; threaded again ok, still threaded",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &rewrite_noop,
	},
	{
		.id = "cgroup2/threaded-domain-reverts",
		.title = "a threaded domain turns back into a domain",
		.property =
			"with a threaded child a cgroup reads \"domain "
			"threaded\" and its other child \"domain invalid\"; "
			"once the threaded child is removed both read "
			"\"domain\"",
		.expect = "domain threaded -> domain, domain invalid -> domain",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &domain_reverts,
	},
	{
		.id = "cgroup2/threaded-procs-read-at-domain",
		.title = "in a threaded subtree cgroup.procs reads at the "
			 "domain",
		.property = "a process written to a threaded cgroup's "
			    "cgroup.procs moves there, but that file cannot "
			    "be read (EOPNOTSUPP): the process is listed at "
			    "the threaded domain",
		.expect = "read EOPNOTSUPP; listed at the domain",
		.req = V2_CORE,
		.tags = TAGS,
		.check = &procs_at_domain,
	},
	{
		.id = "cgroup2/kill-refused-threaded",
		.title = "cgroup.kill refuses a threaded cgroup",
		.property = "writing 1 to cgroup.kill of a threaded cgroup "
			    "fails with EOPNOTSUPP",
		.expect = "write EOPNOTSUPP",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .features = FEAT_BIT(FEAT_CGROUP_KILL) },
		.tags = TAGS,
		.check = &kill_threaded,
	},
};

BOXCHECK_AREA(cgroup2_threaded, cgroup2_threaded);
