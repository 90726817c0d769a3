// SPDX-License-Identifier: MIT
/*
 * cgroup hierarchy: where processes land (fork, migration, clone3 into a
 * cgroup) and the v2 no-internal-process rule.
 */
#include "cgroup_util.h"

#include <string.h>

/* On how many of g's directories pid is listed; *n gets their count. */
static int listed_in(const struct cg_group *g, pid_t pid, int *n)
{
	int in = 0;

	*n = 0;
	for (int i = 0; i < CG_MAX_HIER; i++) {
		if (!(g->hiers & (1u << i)))
			continue;
		(*n)++;
		in += cg_dir_has_pid(g->dir[i], pid) == 1;
	}
	return in;
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
	closep(&f->hold.wr);
	if (k < 0 || chan_send_int(&f->kid, k) < 0)
		return 1;
	cgs_hold(&f->hold);
	return wait_status(k, NULL) < 0;
}

static enum obs fork_joins_parent(struct ctx *c)
{
	_cleanup_reap_ pid_t p = -1;
	_cleanup_cg_group_ struct cg_group h = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT, kid = CHAN_INIT;
	struct family f;
	char pp[PATH_MAX], kp[PATH_MAX];
	int k = 0, n, in, i;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "home", &h), "create cgroup");
	TRY(c, chan_open(&hold), "pipe");
	TRY(c, chan_open(&kid), "pipe");
	f = (struct family){ hold, kid };
	/* 1. The parent joins the group (isolated run only), then forks. */
	p = TRY(c, cgs_fork_in(c->isolate ? &h : NULL, parent_fn, &f),
		"start the parent");
	close(TAKE_FD(kid.wr));
	TRY(c, chan_recv_int(&kid, &k), "learn the child's pid");
	/* 2. Where did the child land? */
	in = listed_in(&h, k, &n);
	i = ffs(h.hiers) - 1;
	TRY(c, cg_pid_path(c->cgl, i, p, pp, sizeof(pp)), "parent's cgroup");
	TRY(c, cg_pid_path(c->cgl, i, k, kp, sizeof(kp)), "child's cgroup");
	ctx_kv(c, "parent cgroup", "%s", pp);
	ctx_kv(c, "child cgroup", "%s", kp);
	ctx_kv(c, "child listed in group", "%d of %d hierarchies", in, n);
	return ctx_holds(c, n > 0 && in == n && strcmp(pp, kp) == 0,
			 "forked child listed in the parent's new cgroup on "
			 "%d of %d hierarchies",
			 in, n);
}

static enum obs move_process(struct ctx *c)
{
	_cleanup_reap_ pid_t k = -1;
	_cleanup_cg_group_ struct cg_group h = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	char old[CG_MAX_HIER][PATH_MAX];
	int n, in_new, in_old = 0;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "dest", &h), "create cgroup");
	TRY(c, chan_open(&hold), "pipe");
	k = TRY(c, cgs_fork_in(NULL, cgs_hold, &hold), "start a process");
	/* 1. Its cgroup directories now, on each hierarchy of the group. */
	for (int i = 0; i < CG_MAX_HIER; i++) {
		char path[PATH_MAX];
		if (!(h.hiers & (1u << i)))
			continue;
		TRY(c, cg_pid_path(c->cgl, i, k, path, sizeof(path)),
		    "read /proc/PID/cgroup");
		TRY(c, cg_path_dir(c->cgl, i, path, old[i], PATH_MAX),
		    "find its cgroup directory");
	}
	/* 2. Move it (cgroup.procs on every hierarchy). */
	if (c->isolate)
		TRY(c, cg_group_attach(&h, k), "move the process");
	/* 3. Listed in the new cgroup, gone from the old one. */
	in_new = listed_in(&h, k, &n);
	for (int i = 0; i < CG_MAX_HIER; i++)
		if (h.hiers & (1u << i))
			in_old += cg_dir_has_pid(old[i], k) == 1;
	ctx_kv(c, "listed in new", "%d of %d hierarchies", in_new, n);
	ctx_kv(c, "listed in old", "%d of %d hierarchies", in_old, n);
	return ctx_holds(c, n > 0 && in_new == n && in_old == 0,
			 "listed in the new cgroup on %d of %d hierarchies, "
			 "in the old on %d",
			 in_new, n, in_old);
}

static enum obs no_internal_process(struct ctx *c)
{
	_cleanup_reap_ pid_t k = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	char path[PATH_MAX + 32], avail[512] = "", sub[512] = "";
	int r;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "inner", &g), "create cgroup");
	if (!cg_group_unified(&g))
		return ctx_skip(c, "no cgroup v2 directory for this run");
	snprintf(path, sizeof(path), "%s/cgroup.controllers",
		 cg_group_unified(&g));
	TRY(c, read_text(path, avail, sizeof(avail)), "read controllers");
	if (!chomp(avail)[0])
		return ctx_skip(c, "no controller is delegated to our cgroup "
				   "on the v2 hierarchy: nothing to enable");
	/* 1. A process inside (isolated run only). */
	TRY(c, chan_open(&hold), "pipe");
	if (c->isolate)
		k = TRY(c, cgs_fork_in(&g, cgs_hold, &hold), "start a process");
	/* 2. Enable its controllers for children: refused with processes. */
	r = cg_group_enable(&g, ~0u);
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control",
		 cg_group_unified(&g));
	read_text(path, sub, sizeof(sub));
	ctx_kv(c, "cgroup.controllers", "%s", avail);
	ctx_kv(c, "subtree_control write", "%s",
	       r ? strerrorname_np(-r) : "ok");
	ctx_kv(c, "cgroup.subtree_control", "%s", chomp(sub));
	return ctx_holds(c, r == -EBUSY,
			 "enabling controllers on a cgroup %s processes: %s",
			 c->isolate ? "with" : "without",
			 r ? strerrorname_np(-r) : "ok");
}

static enum obs clone_into_cgroup(struct ctx *c)
{
	_cleanup_reap_ pid_t k = -1;
	_cleanup_cg_group_ struct cg_group t = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	char path[PATH_MAX] = "";
	int in;

	CGS_NEED_GROUP(c);
	TRY(c, cg_group_child(c->cg, "target", &t), "create cgroup");
	if (!cg_group_unified(&t))
		return ctx_skip(c, "no cgroup v2 directory for this run");
	TRY(c, chan_open(&hold), "pipe");
	/* 1. clone3 straight into the group, or a plain fork (control). */
	k = c->isolate ? cg_clone_into(&t) : fork();
	if (k == 0)
		_exit(cgs_hold(&hold));
	if (k == -ENOSYS)
		return ctx_skip(c, "kernel has no clone3()");
	if (k == -E2BIG || k == -EINVAL)
		return ctx_skip(c, "kernel has no CLONE_INTO_CGROUP");
	if (k < 0)
		return ctx_error(c, k < -1 ? k : neg_errno(), "clone");
	/* 2. Listed there from its first instruction on. */
	in = cg_dir_has_pid(cg_group_unified(&t), k);
	cg_pid_path(c->cgl, c->cgl->unified, k, path, sizeof(path));
	ctx_kv(c, "child v2 cgroup", "%s", path);
	return ctx_holds(c, in == 1, "child %s in the target v2 cgroup",
			 in == 1 ? "listed" : "not listed");
}

static const struct scenario cgroup_hier[] = {
	{
		.id = "cgroup/fork-joins-parent-cgroup",
		.title = "a forked child lands in its parent's cgroup",
		.property = "a process forked by a parent that joined a cgroup "
			    "is listed in that cgroup on every hierarchy",
		.expect = "child listed in the parent's new cgroup everywhere",
		.req = { .root = true },
		.tags = { "cgroup", "core" },
		.run = fork_joins_parent,
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
		.run = move_process,
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
		.run = no_internal_process,
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
		.run = clone_into_cgroup,
	},
};

BOXCHECK_AREA(cgroup_hier, cgroup_hier);
