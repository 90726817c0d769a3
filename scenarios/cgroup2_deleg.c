// SPDX-License-Identifier: MIT
/*
 * cgroup v2 delegation (admin-guide/cgroup-v2.rst, "Delegation"): a
 * migration needs write access to cgroup.procs of the common ancestor of
 * source and destination, and with nsdelegate a cgroup namespace is a
 * delegation boundary: nothing outside it can be reached, and the
 * namespace root's own interface files are not the delegatee's.
 */
#include "cgroup_util.h"

#include <grp.h>
#include <string.h>

#define DELEGATEE 65534 /* the uid and gid the delegated subtree is given */

static const char *err_name(int err)
{
	return err ? strerrorname_np(err) ?: "?" : "ok";
}

static int v2_child(struct ctx *c, const struct cg_group *of, const char *name,
		    struct cg_group *g)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(of, name, 0, g), name);
	if (!cg_group_unified(g))
		return ctx_skip(c, "no cgroup v2 directory for this run");
	return 0;
}

/* Give dir and the files a delegatee writes to uid (the guide's list). */
static int give(const char *dir, uid_t uid)
{
	static const char *const files[] = { "", "/cgroup.procs",
					     "/cgroup.threads",
					     "/cgroup.subtree_control" };
	char path[PATH_MAX + 32];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, files[i]);
		if (chown(path, uid, uid) < 0)
			return neg_errno();
	}
	return 0;
}

struct mover {
	const char *from, *to; /* v2 directories */
	uid_t uid;	       /* drop to it before the write (0: stay) */
	bool newns;	       /* a cgroup namespace rooted at from first */
	const char *file;      /* written in `to`: "cgroup.procs" or other */
	const char *text;
};

struct moved {
	int dst_access;	  /* access(to/file, W_OK): 0 or errno */
	int err;	  /* the write */
	char where[1024]; /* the mover's cgroup afterwards (its view) */
};

/* Join from, maybe a namespace, maybe a uid; then the write. */
static int mover_fn(void *arg, void *out, size_t len)
{
	const struct mover *m = arg;
	struct moved *o = out;
	char path[PATH_MAX + 32], buf[1024];
	int r;

	(void)len;
	snprintf(path, sizeof(path), "%s/cgroup.procs", m->from);
	if ((r = write_fmt(path, "%d", getpid())) < 0)
		return child_fail("join the source cgroup", r);
	if (m->newns && unshare(CLONE_NEWCGROUP) < 0)
		return child_fail("unshare(CLONE_NEWCGROUP)", neg_errno());
	if (m->uid &&
	    (setgroups(0, NULL) < 0 || setresgid(m->uid, m->uid, m->uid) < 0 ||
	     setresuid(m->uid, m->uid, m->uid) < 0))
		return child_fail("become the delegatee", neg_errno());
	snprintf(path, sizeof(path), "%s/%s", m->to, m->file);
	o->dst_access = access(path, W_OK) < 0 ? errno : 0;
	o->err = -cgs_write_probe(m->to, m->file, m->text);
	if ((r = read_text("/proc/self/cgroup", buf, sizeof(buf))) < 0)
		return child_fail("read /proc/self/cgroup", r);
	chomp(buf);
	snprintf(o->where, sizeof(o->where), "%s",
		 strrchr(buf, '\n') ? strrchr(buf, '\n') + 1 : buf);
	return 0;
}

static int observe_ancestor(struct ctx *c, struct moved *o)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, a = { 0 }, b = { 0 };
	char procs[PATH_MAX + 32];
	struct mover m = { .uid = DELEGATEE,
			   .file = "cgroup.procs",
			   .text = "0" };

	TRY_OBS(v2_child(c, c->cg, "deleg", &p));
	TRY_OBS(v2_child(c, &p, "a", &a));
	TRY_OBS(v2_child(c, &p, "b", &b));
	/* Both children given away, and the parent's cgroup.procs too. */
	TRY(c, give(cg_group_unified(&a), DELEGATEE), "delegate a");
	TRY(c, give(cg_group_unified(&b), DELEGATEE), "delegate b");
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg_group_unified(&p));
	TRY(c, chown(procs, DELEGATEE, DELEGATEE) < 0 ? neg_errno() : 0,
	    "give the parent's cgroup.procs");
	/* 1. Take the common ancestor's back (the isolated run). */
	if (c->isolate)
		TRY(c, chown(procs, 0, 0) < 0 ? neg_errno() : 0,
		    "take the parent's cgroup.procs back");
	/* 2. The delegatee moves itself from a to b. */
	m.from = cg_group_unified(&a);
	m.to = cg_group_unified(&b);
	return run_in_child(c, "the delegatee's move", 0, mover_fn, &m, o,
			    sizeof(*o));
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && strcmp(s + n - t, tail) == 0;
}

static enum obs judge_ancestor(struct judge *j, const struct moved *o)
{
	bool in_b = ends_with(o->where, "/deleg/b");

	judge_kv(j, "destination writable", "%s", err_name(o->dst_access));
	judge_kv(j, "move", "%s", err_name(o->err));
	judge_kv(j, "mover's cgroup", "%s", o->where);
	if (o->dst_access)
		return judge_unknown(j, "the destination's cgroup.procs is "
					"not writable: the test proves "
					"nothing");
	if (!o->err != in_b)
		return judge_unknown(j, "the move said %s, the mover is in %s",
				     err_name(o->err), o->where);
	return judge_holds(j, o->err == EACCES,
			   "the delegatee's move between its two cgroups: %s",
			   err_name(o->err));
}
CHECK(common_ancestor, struct moved, observe_ancestor, judge_ancestor);

/* Skip unless the v2 mount delegates at cgroup namespaces. */
static int need_nsdelegate(struct ctx *c)
{
	const struct cg_layout *l = c->cgl;

	if (l->unified < 0)
		return ctx_skip(c, "no cgroup v2 hierarchy");
	if (!strstr(l->hier[l->unified].opts, "nsdelegate"))
		return ctx_skip(c, "the cgroup2 mount has no nsdelegate option "
				   "(mounted by the host, not changed here)");
	return 0;
}

static int observe_boundary(struct ctx *c, struct moved *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };
	struct mover m = { .file = "cgroup.procs", .text = "0" };

	TRY_OBS(need_nsdelegate(c));
	TRY_OBS(v2_child(c, c->cg, "inside", &g));
	TRY_OBS(v2_child(c, c->cg, "outside", &s));
	m.from = cg_group_unified(&g);
	m.to = cg_group_unified(&s);
	/* 1. A cgroup namespace rooted where it sits (the isolated run). */
	m.newns = c->isolate;
	/* 2. It moves itself out to a sibling. */
	return run_in_child(c, "the move out", 0, mover_fn, &m, o, sizeof(*o));
}

static enum obs judge_boundary(struct judge *j, const struct moved *o)
{
	judge_kv(j, "move out of the namespace root", "%s", err_name(o->err));
	judge_kv(j, "mover's cgroup (its view)", "%s", o->where);
	if (o->err && o->err != ENOENT)
		return judge_unknown(j, "the move failed with %s",
				     err_name(o->err));
	return judge_holds(j, o->err == ENOENT,
			   "moving to a cgroup outside its namespace root: %s",
			   err_name(o->err));
}
CHECK(nsdelegate_boundary, struct moved, observe_boundary, judge_boundary);

static int observe_root_files(struct ctx *c, struct moved *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };
	struct mover m = { .file = "cgroup.max.descendants", .text = "5" };

	TRY_OBS(need_nsdelegate(c));
	TRY_OBS(v2_child(c, c->cg, "nsroot", &g));
	m.from = m.to = cg_group_unified(&g);
	/* 1. The cgroup becomes a namespace root (the isolated run). */
	m.newns = c->isolate;
	/* 2. A process inside writes one of its interface files. */
	return run_in_child(c, "the write", 0, mover_fn, &m, o, sizeof(*o));
}

static enum obs judge_root_files(struct judge *j, const struct moved *o)
{
	judge_kv(j, "write of cgroup.max.descendants", "%s", err_name(o->err));
	if (o->err && o->err != EPERM)
		return judge_unknown(j, "the write failed with %s",
				     err_name(o->err));
	return judge_holds(j, o->err == EPERM,
			   "root (uid 0) writing its own cgroup's "
			   "cgroup.max.descendants: %s",
			   err_name(o->err));
}
CHECK(nsdelegate_root_files, struct moved, observe_root_files,
      judge_root_files);

static const struct scenario cgroup2_deleg[] = {
	{
		.id = "cgroup2/delegation-common-ancestor",
		.title = "a migration needs the common ancestor's cgroup.procs",
		.property = "a delegatee owning both the source and the "
			    "destination cgroups, but not cgroup.procs of "
			    "their common parent, cannot move itself between "
			    "them: EACCES",
		.expect = "destination writable, move EACCES",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = { "cgroup", "v2" },
		.check = &common_ancestor,
	},
	{
		.id = "cgroup2/nsdelegate-migration-boundary",
		.title = "with nsdelegate a process cannot leave its cgroup "
			 "namespace",
		.property = "on a cgroup2 mount with nsdelegate, root inside "
			    "a cgroup namespace cannot move itself to a cgroup "
			    "outside the namespace root: ENOENT",
		.expect = "move out ENOENT",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ns = NS_BIT(NS_CGROUP) },
		.tags = { "cgroup", "v2" },
		.check = &nsdelegate_boundary,
	},
	{
		.id = "cgroup2/nsdelegate-root-files",
		.title = "with nsdelegate the namespace root's files are not "
			 "the delegatee's",
		.property = "on a cgroup2 mount with nsdelegate, root inside "
			    "a cgroup namespace cannot write an interface "
			    "file (cgroup.max.descendants) of the namespace "
			    "root: EPERM",
		.expect = "write EPERM",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ns = NS_BIT(NS_CGROUP) },
		.tags = { "cgroup", "v2" },
		.check = &nsdelegate_root_files,
	},
};

BOXCHECK_AREA(cgroup2_deleg, cgroup2_deleg);
