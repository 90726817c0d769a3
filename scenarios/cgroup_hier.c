// SPDX-License-Identifier: MIT
/*
 * cgroup hierarchy: where processes land (fork, migration, clone3 into a
 * cgroup) and the v2 no-internal-process rule.
 */
#include "cgroup_util.h"

#include <string.h>

/* On how many of g's directories pid is listed: n, or -errno. */
static int listed_in(const struct cg_group *g, pid_t pid)
{
	int in = 0;

	for (int i = 0; i < CG_MAX_HIER; i++) {
		int r;
		if (!(g->hiers & (1u << i)))
			continue;
		r = cg_dir_has_pid(g->dir[i], pid);
		if (r < 0)
			return r;
		in += r;
	}
	return in;
}

static int n_hiers(const struct cg_group *g)
{
	return __builtin_popcount(g->hiers);
}

struct family {
	struct chan hold, kid; /* hold: release; kid: the child's pid */
};

/* The parent: fork a child, tell the scenario its pid, wait for release. */
static int parent_fn(void *arg)
{
	struct family *f = arg;
	pid_t k;

	closep(&f->kid.rd);
	k = fork();
	if (k == 0)
		_exit(cgs_hold(&f->hold));
	if (k < 0 || chan_send_int(&f->kid, k) < 0)
		return 1;
	cgs_hold(&f->hold);
	return wait_status(k, NULL) < 0;
}

struct landing {
	int hiers;  /* hierarchies of the group */
	int listed; /* on how many of them the child is listed */
	char parent[PATH_MAX], child[PATH_MAX]; /* /proc/PID/cgroup paths */
};

/* Where the parent p and its child k are, seen from both sides. */
static int where_family(struct ctx *c, const struct cg_group *h, pid_t p,
			pid_t k, struct landing *o)
{
	int i = ffs(h->hiers) - 1;

	o->hiers = n_hiers(h);
	o->listed = TRY(c, listed_in(h, k), "read cgroup.procs");
	TRY(c, cg_pid_path(c->cgl, i, p, o->parent, sizeof(o->parent)),
	    "the parent's cgroup");
	TRY(c, cg_pid_path(c->cgl, i, k, o->child, sizeof(o->child)),
	    "the child's cgroup");
	return 0;
}

static int observe_fork_joins(struct ctx *c, struct landing *o)
{
	_cleanup_reap_ pid_t p = -1;
	_cleanup_cg_group_ struct cg_group h = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT, kid = CHAN_INIT;
	struct family f;
	char how[64];
	int k = 0, st;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "home", &h), "create cgroup");
	TRY(c, chan_open(&hold), "pipe");
	TRY(c, chan_open(&kid), "pipe");
	f = (struct family){ hold, kid };
	/* 1. The parent joins the group (the isolated run only), forks. */
	p = TRY(c, cgs_fork_in(c->isolate ? &h : NULL, parent_fn, &f),
		"start the parent");
	close(TAKE_FD(kid.wr));
	TRY(c, chan_recv_int(&kid, &k), "learn the child's pid");
	/* 2. Where did the child land? */
	TRY_OBS(where_family(c, &h, p, k, o));
	/* 3. Release both; the parent reaps its child and reports. */
	chan_close(&hold);
	TRY(c, wait_status(p, &st), "wait for the parent");
	p = -1;
	if (exit_code_of(st))
		return ctx_error(c, 0, "the parent %s",
				 cgs_status(st, how, sizeof(how)));
	return 0;
}

static enum obs judge_fork_joins(struct judge *j, const struct landing *o)
{
	judge_kv(j, "parent cgroup", "%s", o->parent);
	judge_kv(j, "child cgroup", "%s", o->child);
	judge_kv(j, "child listed in group", "%d of %d hierarchies", o->listed,
		 o->hiers);
	return judge_holds(j,
			   o->hiers > 0 && o->listed == o->hiers &&
				   strcmp(o->parent, o->child) == 0,
			   "forked child listed in the parent's new cgroup on "
			   "%d of %d hierarchies",
			   o->listed, o->hiers);
}
CHECK(fork_joins_parent, struct landing, observe_fork_joins, judge_fork_joins);

struct moved {
	int hiers;  /* hierarchies of the new cgroup */
	int in_new; /* on how many the process is listed in the new cgroup */
	int in_old; /* and in its old cgroup */
};

/* k's cgroup directory on each hierarchy of g, as it is now. */
static int dirs_of(struct ctx *c, const struct cg_group *g, pid_t k,
		   char (*old)[PATH_MAX])
{
	char path[PATH_MAX];

	for (int i = 0; i < CG_MAX_HIER; i++) {
		if (!(g->hiers & (1u << i)))
			continue;
		TRY(c, cg_pid_path(c->cgl, i, k, path, sizeof(path)),
		    "read /proc/PID/cgroup");
		TRY(c, cg_path_dir(c->cgl, i, path, old[i], PATH_MAX),
		    "find its cgroup directory");
	}
	return 0;
}

static int observe_move(struct ctx *c, struct moved *o)
{
	_cleanup_reap_ pid_t k = -1;
	_cleanup_cg_group_ struct cg_group h = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	char old[CG_MAX_HIER][PATH_MAX];

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "dest", &h), "create cgroup");
	TRY(c, chan_open(&hold), "pipe");
	k = TRY(c, cgs_fork_in(NULL, cgs_hold, &hold), "start a process");
	/* 1. Its cgroup directories now, on each hierarchy of the group. */
	TRY_OBS(dirs_of(c, &h, k, old));
	/* 2. Move it (cgroup.procs on every hierarchy). */
	if (c->isolate)
		TRY(c, cg_group_attach(&h, k), "move the process");
	/* 3. Listed in the new cgroup, gone from the old one. */
	o->hiers = n_hiers(&h);
	o->in_new = TRY(c, listed_in(&h, k), "read the new cgroup.procs");
	for (int i = 0; i < CG_MAX_HIER; i++)
		if (h.hiers & (1u << i))
			o->in_old += TRY(c, cg_dir_has_pid(old[i], k),
					 "read the old cgroup.procs");
	return 0;
}

static enum obs judge_move(struct judge *j, const struct moved *o)
{
	judge_kv(j, "listed in new", "%d of %d hierarchies", o->in_new,
		 o->hiers);
	judge_kv(j, "listed in old", "%d of %d hierarchies", o->in_old,
		 o->hiers);
	return judge_holds(j,
			   o->hiers > 0 && o->in_new == o->hiers && !o->in_old,
			   "listed in the new cgroup on %d of %d hierarchies, "
			   "in the old on %d",
			   o->in_new, o->hiers, o->in_old);
}
CHECK(move_process, struct moved, observe_move, judge_move);

struct enable_seen {
	int procs;	   /* processes in the cgroup when enabling */
	int err;	   /* errno of the subtree_control write, 0 if ok */
	char avail[256];   /* cgroup.controllers */
	char subtree[256]; /* cgroup.subtree_control afterwards */
};

static int read_file(struct ctx *c, const char *dir, const char *name,
		     char *buf, size_t len)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	TRY(c, read_text(path, buf, len), name);
	chomp(buf);
	return 0;
}

static int observe_internal(struct ctx *c, struct enable_seen *o)
{
	_cleanup_reap_ pid_t k = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	const char *dir;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "inner", &g), "create cgroup");
	if (!(dir = cg_group_unified(&g)))
		return ctx_skip(c, "no cgroup v2 directory for this run");
	TRY_OBS(read_file(c, dir, "cgroup.controllers", o->avail,
			  sizeof(o->avail)));
	if (!o->avail[0])
		return ctx_skip(c, "no controller is delegated to our cgroup "
				   "on the v2 hierarchy: nothing to enable");
	/* 1. A process inside (the isolated run only). */
	TRY(c, chan_open(&hold), "pipe");
	if (c->isolate)
		k = TRY(c, cgs_fork_in(&g, cgs_hold, &hold), "start a process");
	/* 2. Enable its controllers for children. */
	o->procs = TRY(c, cgs_nprocs(dir), "count its processes");
	o->err = -cg_group_enable(&g, ~0u);
	TRY_OBS(read_file(c, dir, "cgroup.subtree_control", o->subtree,
			  sizeof(o->subtree)));
	return 0;
}

static enum obs judge_internal(struct judge *j, const struct enable_seen *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "processes inside", "%d", o->procs);
	judge_kv(j, "cgroup.controllers", "%s", o->avail);
	judge_kv(j, "subtree_control write", "%s", e);
	judge_kv(j, "cgroup.subtree_control", "%s", o->subtree);
	if (o->err && o->err != EBUSY)
		return judge_unknown(j, "subtree_control write: %s", e);
	if ((o->err == EBUSY && !o->procs) || (!o->err && !o->subtree[0]))
		return judge_unknown(j,
				     "subtree_control write %s with %d "
				     "processes inside, subtree_control "
				     "\"%s\"",
				     e, o->procs, o->subtree);
	return judge_holds(j, o->err == EBUSY,
			   "enabling controllers on a cgroup with %d "
			   "processes: %s",
			   o->procs, e);
}
CHECK(no_internal_process, struct enable_seen, observe_internal,
      judge_internal);

struct cloned {
	int listed;	     /* in the target's cgroup.procs */
	bool in_target;	     /* its /proc/PID/cgroup names the target */
	char path[PATH_MAX]; /* that path */
};

/* Where child k is: the target's list, and its own /proc/PID/cgroup. */
static int where_child(struct ctx *c, const struct cg_group *t, pid_t k,
		       struct cloned *o)
{
	const char *dir = cg_group_unified(t);
	char d[PATH_MAX];
	int u = c->cgl->unified;

	o->listed = TRY(c, cg_dir_has_pid(dir, k), "read cgroup.procs");
	TRY(c, cg_pid_path(c->cgl, u, k, o->path, sizeof(o->path)),
	    "read /proc/PID/cgroup");
	TRY(c, cg_path_dir(c->cgl, u, o->path, d, sizeof(d)),
	    "find its cgroup directory");
	o->in_target = strcmp(d, dir) == 0;
	return 0;
}

/* The action: clone3 into t, or a plain fork. 0 in the child. */
static pid_t spawn(const struct cg_group *t, bool into)
{
	pid_t k;

	if (into)
		return cg_clone_into(t);
	k = fork();
	return k < 0 ? neg_errno() : k;
}

static int observe_clone_into(struct ctx *c, struct cloned *o)
{
	_cleanup_reap_ pid_t k = -1;
	_cleanup_cg_group_ struct cg_group t = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "target", &t), "create cgroup");
	if (!cg_group_unified(&t))
		return ctx_skip(c, "no cgroup v2 directory for this run");
	TRY(c, chan_open(&hold), "pipe");
	/* 1. clone3 straight into the group, or a plain fork (control). */
	k = spawn(&t, c->isolate);
	if (k == 0)
		_exit(cgs_hold(&hold));
	TRY(c, k, c->isolate ? "clone3(CLONE_INTO_CGROUP)" : "fork");
	/* 2. Listed there from its first instruction on. */
	return where_child(c, &t, k, o);
}

static enum obs judge_clone_into(struct judge *j, const struct cloned *o)
{
	judge_kv(j, "child v2 cgroup", "%s", o->path);
	judge_kv(j, "listed in the target", "%s", o->listed ? "yes" : "no");
	if (o->listed != o->in_target)
		return judge_unknown(j,
				     "the target's cgroup.procs %s the "
				     "child, its /proc/PID/cgroup says %s",
				     o->listed ? "lists" : "does not list",
				     o->path);
	return judge_holds(j, o->listed && o->in_target,
			   "child %s in the target v2 cgroup",
			   o->listed ? "listed" : "not listed");
}
CHECK(clone_into_cgroup, struct cloned, observe_clone_into, judge_clone_into);

static const struct scenario cgroup_hier[] = {
	{
		.id = "cgroup/fork-joins-parent-cgroup",
		.title = "a forked child lands in its parent's cgroup",
		.property = "a process forked by a parent that joined a cgroup "
			    "is listed in that cgroup on every hierarchy",
		.expect = "child listed in the parent's new cgroup everywhere",
		.req = { .root = true },
		.tags = { "cgroup", "core" },
		.check = &fork_joins_parent,
	},
	{
		.id = "cgroup/move-process",
		.title = "a moved process is listed in its new cgroup only",
		.property = "after writing its pid to cgroup.procs, a process "
			    "is listed in the new cgroup and no longer in the "
			    "old one",
		.expect = "listed in the new cgroup on every hierarchy, in "
			  "the old on none",
		.req = { .root = true },
		.tags = { "cgroup" },
		.check = &move_process,
	},
	{
		.id = "cgroup/v2-no-internal-process",
		.title = "v2 refuses controllers for children of a cgroup "
			 "with processes",
		.property = "enabling controllers in cgroup.subtree_control "
			    "of a v2 cgroup that holds a process fails with "
			    "EBUSY",
		.expect = "subtree_control write EBUSY",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = { "cgroup", "v2" },
		.check = &no_internal_process,
	},
	{
		.id = "cgroup/clone-into-cgroup",
		.title = "clone3(CLONE_INTO_CGROUP) places the child directly",
		.property = "a child made by clone3 with CLONE_INTO_CGROUP is "
			    "listed in the target v2 cgroup",
		.expect = "child listed in the target v2 cgroup",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .features = FEAT_BIT(FEAT_CLONE_INTO_CGROUP) },
		.tags = { "cgroup", "v2" },
		.check = &clone_into_cgroup,
	},
};

BOXCHECK_AREA(cgroup_hier, cgroup_hier);
