// SPDX-License-Identifier: MIT
/*
 * cgroup v1 beside v2 (cgroups(7), "Cgroups version 1 and version 2",
 * "Mounting v1 controllers", "Cgroup v1 named hierarchies", "CGROUPS
 * VERSION 2", "Cgroups v2 release notification", ERRORS, "/proc files";
 * admin-guide/cgroup-v2.rst, "Mounting", "Deprecated v1 Core Features"):
 * what a v1 mount takes and refuses, the files v1 has and v2 lacks, and
 * /proc/cgroups. They need a v1 hierarchy holding a controller (hybrid or
 * v1 hosts); every mount is made in a child's own mount namespace, of a
 * hierarchy that already exists: no hierarchy is made or changed.
 */
#include "cgcore.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

/* ---- what a v1 mount takes and refuses --------------------------------- */

struct m1_job {
	const char *target, *opts; /* opts NULL: no options at all */
	const char *look;	   /* a path inside to look for */
	const char *same_as;	   /* a mount point of the same hierarchy? */
};

struct m1_seen {
	int err;
	int found; /* look exists in the mount */
	int same;  /* the mount is the same superblock as same_as */
};

static int m1_fn(void *arg, void *out, size_t len)
{
	const struct m1_job *m = arg;
	struct m1_seen *o = out;
	struct stat a, b;

	(void)len;
	if (unshare(CLONE_NEWNS) < 0)
		return child_fail("unshare(CLONE_NEWNS)", neg_errno());
	o->err = -cgc_mount("cgroup", m->opts, m->target);
	if (o->err)
		return 0;
	if (m->look && (o->found = cgc_has(m->target, m->look)) < 0)
		return child_fail("look into the mount", o->found);
	if (m->same_as) {
		if (stat(m->target, &a) < 0 || stat(m->same_as, &b) < 0)
			return child_fail("stat", neg_errno());
		o->same = a.st_dev == b.st_dev;
	}
	umount2(m->target, MNT_DETACH);
	return 0;
}

enum m1_case { M_SAME, M_CONFLICT, M_NAMED, M_BARE };

static int observe_m1(struct ctx *c, struct m1_seen *o, enum m1_case w)
{
	_cleanup_cg_group_ struct cg_group mk = { 0 };
	const struct cg_hier *hp;
	char target[PATH_MAX + 8], both[260], named[260];
	struct cgc_v1 v;
	struct m1_job m = { target, NULL, NULL, NULL };

	TRY_OBS(cgc_need_v1(c, &v));
	TRY_OBS(cgs_need_group(c));
	hp = &c->cgl->hier[v.pids];
	if (strcmp(hp->mroot, "/") != 0)
		return ctx_skip(c, "the pids hierarchy is mounted from below "
				   "its root here");
	snprintf(target, sizeof(target), "%s/mnt", c->tmpdir);
	snprintf(both, sizeof(both), "%s,%s", v.pids_opts, v.other_opts);
	if (w == M_SAME) {
		/* A marker cgroup on pids's hierarchy only. */
		TRY(c, cg_group_child_on(c->cg, "marker", CG_BIT(CG_PIDS), &mk),
		    "create the marker cgroup");
		m.look = cg_group_dir(&mk, CG_PIDS) + strlen(hp->mount) + 1;
		/* pids's own set again (isolated), or another set. */
		m.opts = c->isolate ? v.pids_opts : v.other_opts;
	}
	if (w == M_CONFLICT) /* pids with another's controller (isolated) */
		m.opts = c->isolate ? both : v.pids_opts;
	if (w == M_NAMED) {
		if (v.named < 0)
			return ctx_skip(c,
					"no named v1 hierarchy mounted here");
		/* The name alone (isolated), or the name with pids. */
		snprintf(named, sizeof(named), "%s,%s",
			 c->isolate ? "none" : v.pids_opts,
			 c->cgl->hier[v.named].name);
		m.opts = named;
		m.same_as = c->cgl->hier[v.named].mount;
	}
	if (w == M_BARE) /* no options at all (isolated), or pids's set */
		m.opts = c->isolate ? NULL : v.pids_opts;
	return run_in_child(c, "the mount", 0, m1_fn, &m, o, sizeof(*o));
}

#define M1_OBSERVE(name_, w_)                                                  \
	static int observe_##name_(struct ctx *c, struct m1_seen *o)           \
	{                                                                      \
		return observe_m1(c, o, w_);                                   \
	}
M1_OBSERVE(same, M_SAME)
M1_OBSERVE(conflict, M_CONFLICT)
M1_OBSERVE(named, M_NAMED)
M1_OBSERVE(bare, M_BARE)

static enum obs judge_same(struct judge *j, const struct m1_seen *o)
{
	judge_kv(j, "mount", "%s", cgc_err(o->err));
	judge_kv(j, "our marker cgroup in it", "%s", o->found ? "yes" : "no");
	if (o->err)
		return judge_unknown(j, "the mount failed: %s",
				     cgc_err(o->err));
	return judge_holds(j, o->found, "the new mount %s our marker cgroup",
			   o->found ? "shows" : "does not show");
}
CHECK(remount_same, struct m1_seen, observe_same, judge_same);

static enum obs judge_busy(struct judge *j, const struct m1_seen *o)
{
	judge_kv(j, "mount", "%s", cgc_err(o->err));
	if (o->err && o->err != EBUSY)
		return judge_unknown(j, "the mount failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, o->err == EBUSY, "mount: %s", cgc_err(o->err));
}
CHECK(set_conflict, struct m1_seen, observe_conflict, judge_busy);
CHECK(bare_busy, struct m1_seen, observe_bare, judge_busy);

static enum obs judge_named(struct judge *j, const struct m1_seen *o)
{
	judge_kv(j, "mount", "%s", cgc_err(o->err));
	judge_kv(j, "the named hierarchy's superblock", "%s",
		 o->same ? "same" : "another");
	if (o->err && o->err != EBUSY)
		return judge_unknown(j, "the mount failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, !o->err && o->same, "mount by name: %s%s",
			   cgc_err(o->err),
			   o->err    ? ""
			   : o->same ? ", the same hierarchy"
				     : ", another hierarchy");
}
CHECK(named_mount, struct m1_seen, observe_named, judge_named);

/* ---- cgroup2 takes no controller on mount ------------------------------ */

struct opt_job {
	const char *target, *fstype, *opts;
};

static int opt_fn(void *arg, void *out, size_t len)
{
	const struct opt_job *m = arg;
	int *err = out;

	(void)len;
	if (unshare(CLONE_NEWNS | CLONE_NEWCGROUP) < 0)
		return child_fail("unshare mount and cgroup namespaces",
				  neg_errno());
	*err = -cgc_mount(m->fstype, m->opts, m->target);
	if (!*err)
		umount2(m->target, MNT_DETACH);
	return 0;
}

struct opt_seen {
	int err;
};

static int observe_opt(struct ctx *c, struct opt_seen *o)
{
	char target[PATH_MAX + 8];
	struct opt_job m;
	struct cgc_v1 v;

	TRY_OBS(cgc_need_v1(c, &v));
	snprintf(target, sizeof(target), "%s/mnt", c->tmpdir);
	/* pids's controllers named to cgroup2 (isolated), or to v1; in a
	 * new cgroup namespace: a cgroup2 mount sets no global option. */
	m = (struct opt_job){ target, c->isolate ? "cgroup2" : "cgroup",
			      v.pids_opts };
	return run_in_child(c, "the mount", 0, opt_fn, &m, o, sizeof(*o));
}

static enum obs judge_opt(struct judge *j, const struct opt_seen *o)
{
	judge_kv(j, "mount naming a controller", "%s", cgc_err(o->err));
	if (o->err && o->err != EINVAL)
		return judge_unknown(j, "the mount failed with %s",
				     cgc_err(o->err));
	return judge_holds(j, o->err == EINVAL, "mount with a controller: %s",
			   cgc_err(o->err));
}
CHECK(no_ctrl_option, struct opt_seen, observe_opt, judge_opt);

#define V1                                                                     \
	{                                                                      \
		.root = true, .cgroup_version = 1                              \
	}
#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v1"                                                 \
	}

static const struct scenario cgroup1_more[] = {
	{
		.id = "cgroup1/mount-same-set-same-hierarchy",
		.title = "mounting a v1 controller set again shows its "
			 "hierarchy",
		.property = "a second mount of pids's v1 controller set shows "
			    "the cgroups of the existing pids hierarchy (our "
			    "marker cgroup)",
		.expect = "mount ok; the marker is there",
		.req = V1,
		.tags = TAGS,
		.check = &remount_same,
	},
	{
		.id = "cgroup1/mount-other-set-busy",
		.title = "a v1 controller cannot join a second hierarchy",
		.property = "mounting pids together with a controller of "
			    "another v1 hierarchy fails with EBUSY",
		.expect = "mount EBUSY",
		.req = V1,
		.tags = TAGS,
		.check = &set_conflict,
	},
	{
		.id = "cgroup1/named-hierarchy-mount",
		.title = "a named v1 hierarchy mounts by its name",
		.property = "\"none,name=NAME\" mounts the existing named "
			    "hierarchy (same superblock); with a controller "
			    "added the name cannot be used (EBUSY)",
		.expect = "mount ok, same hierarchy",
		.req = V1,
		.tags = TAGS,
		.check = &named_mount,
	},
	{
		.id = "cgroup1/mount-needs-name-or-controller",
		.title = "a v1 mount naming nothing is refused",
		.property = "a cgroup v1 mount with neither name= nor a "
			    "controller (every controller) fails with EBUSY "
			    "while controllers sit on other hierarchies",
		.expect = "mount EBUSY",
		.req = V1,
		.tags = TAGS,
		.check = &bare_busy,
	},
	{
		.id = "cgroup2/mount-takes-no-controller",
		.title = "a cgroup2 mount names no controller",
		.property = "mounting cgroup2 with a controller as option (in "
			    "a new cgroup namespace) fails with EINVAL; a v1 "
			    "mount takes it",
		.expect = "mount EINVAL",
		.req = { .root = true,
			 .cgroup_version = 1,
			 .ns = NS_BIT(NS_CGROUP) | NS_BIT(NS_MNT) },
		.tags = TAGS,
		.check = &no_ctrl_option,
	},
};

BOXCHECK_AREA(cgroup1_more, cgroup1_more);
