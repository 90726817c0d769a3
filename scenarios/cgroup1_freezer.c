// SPDX-License-Identifier: MIT
/*
 * cgroup v1 freezer (admin-guide/cgroup-v1/freezer-subsystem.rst): the
 * state of a parent reaches its children (freezer.parent_freezing), a
 * child cannot thaw while its parent is frozen, and a task moved into a
 * frozen cgroup is frozen. Judged by a busy process's progress and by
 * the freezer's own files.
 */
#include "cgroup_util.h"

#define STILL_MS 50
#define STATE_MS 2000

/* parent/child on the freezer hierarchy, a spinner in the child. */
struct tree {
	struct cg_group p, k;
};

static int make_tree(struct ctx *c, struct tree *t)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "parent", CG_BIT(CG_FREEZER), &t->p),
	    "create cgroup parent");
	TRY(c, cg_group_child_on(&t->p, "child", CG_BIT(CG_FREEZER), &t->k),
	    "create cgroup parent/child");
	TRY_OBS(cgs_need(c, &t->k, CGK_FREEZER_PARENT));
	return cgs_need(c, &t->k, CGK_FREEZER_SELF);
}

/* The parent first: it is thawed before its child is killed. */
static void tree_destroy(struct tree *t)
{
	cg_group_destroyp(&t->p);
	cg_group_destroyp(&t->k);
}

/* Freeze (1) or thaw (0) g and wait for its state; a timeout is seen. */
static int set_state(struct ctx *c, const struct cg_group *g, uint64_t v)
{
	int r;

	TRY_OBS(cgs_set(c, g, CGK_FREEZE, v));
	r = cgs_wait(g, CGK_FROZEN, v, STATE_MS);
	return TRY(c, r == -ETIMEDOUT ? 0 : r, "wait for the freezer state"), 0;
}

struct v1_seen {
	uint64_t state;	     /* the child's freezer.state: 0 1 2 */
	uint64_t self, from; /* self_freezing, parent_freezing */
	bool moved;	     /* the spinner progressed in STILL_MS */
};

static int look(struct ctx *c, const struct cg_group *k,
		volatile unsigned long *n, struct v1_seen *o)
{
	unsigned long v = *n;

	TRY_OBS(cgs_get(c, k, CGK_FROZEN, &o->state));
	TRY_OBS(cgs_get(c, k, CGK_FREEZER_SELF, &o->self));
	TRY_OBS(cgs_get(c, k, CGK_FREEZER_PARENT, &o->from));
	o->moved = cgs_moves(n, v, STILL_MS);
	return 0;
}

static const char *state_name(uint64_t s)
{
	static const char *const names[] = { "THAWED", "FROZEN", "FREEZING" };

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

enum v1_case { V1_PARENT, V1_THAW_CHILD, V1_JOIN };

static int observe_v1(struct ctx *c, struct v1_seen *o, enum v1_case w)
{
	_cleanup_reap_ pid_t pid = -1; /* after the tree: thawed first */
	_cleanup_(tree_destroy) struct tree t = { 0 };
	_cleanup_counter_ volatile unsigned long *n = cgs_counter();

	TRY_OBS(make_tree(c, &t));
	if (!n)
		return ctx_error(c, -ENOMEM, "shared counter");
	pid = TRY(c,
		  cgs_fork_in(w == V1_JOIN ? &t.p : &t.k, cgs_spin, (void *)n),
		  "start a spinner");
	if (!cgs_moves(n, 0, STATE_MS))
		return ctx_error(c, 0, "the spinner never ran");
	/* The child freezes itself first (V1_THAW_CHILD, both runs). */
	if (w == V1_THAW_CHILD)
		TRY_OBS(set_state(c, &t.k, 1));
	/* 1. Freeze the parent, or the empty child (the isolated run). */
	if (c->isolate)
		TRY_OBS(set_state(c, w == V1_JOIN ? &t.k : &t.p, 1));
	/* 2. Thaw the child alone; or move the spinner into it. */
	if (w == V1_THAW_CHILD)
		TRY_OBS(cgs_set(c, &t.k, CGK_FREEZE, 0));
	if (w == V1_JOIN) {
		TRY(c, cg_group_attach(&t.k, pid), "move the spinner in");
		int r = cgs_wait(&t.k, CGK_FROZEN, c->isolate, STATE_MS);
		TRY(c, r == -ETIMEDOUT ? 0 : r, "wait for the state");
	}
	/* 3. The child's state and its process. */
	TRY_OBS(look(c, &t.k, n, o));
	return cgs_alive(c, &pid, "the spinner");
}

static enum obs judge_v1(struct judge *j, const struct v1_seen *o,
			 bool from_parent)
{
	judge_kv(j, "child freezer.state", "%s", state_name(o->state));
	judge_kv(j, "self_freezing", "%llu", (unsigned long long)o->self);
	judge_kv(j, "parent_freezing", "%llu", (unsigned long long)o->from);
	judge_kv(j, "spinner", "%s", o->moved ? "progress" : "no progress");
	if (o->state == 1 && o->moved)
		return judge_unknown(j, "FROZEN, yet the process ran");
	/* Frozen by the parent, or (a joiner) by its own cgroup. */
	bool why = from_parent ? o->from && !o->self : o->self && !o->from;

	return judge_holds(j, o->state == 1 && !o->moved && why,
			   "child %s (self_freezing %llu, parent_freezing "
			   "%llu), %s for %d ms",
			   state_name(o->state), (unsigned long long)o->self,
			   (unsigned long long)o->from,
			   o->moved ? "progress" : "no progress", STILL_MS);
}

static int observe_parent(struct ctx *c, struct v1_seen *o)
{
	return observe_v1(c, o, V1_PARENT);
}

static enum obs judge_parent(struct judge *j, const struct v1_seen *o)
{
	return judge_v1(j, o, true);
}
CHECK(freezer_parent, struct v1_seen, observe_parent, judge_parent);

static int observe_thaw(struct ctx *c, struct v1_seen *o)
{
	return observe_v1(c, o, V1_THAW_CHILD);
}
CHECK(freezer_thaw_child, struct v1_seen, observe_thaw, judge_parent);

static int observe_join(struct ctx *c, struct v1_seen *o)
{
	return observe_v1(c, o, V1_JOIN);
}

static enum obs judge_join(struct judge *j, const struct v1_seen *o)
{
	return judge_v1(j, o, false);
}
CHECK(freezer_join, struct v1_seen, observe_join, judge_join);

#define FREEZER_V1                                                             \
	{                                                                      \
		.root = true, .cgroup_version = 1, .ctrls = CG_BIT(CG_FREEZER) \
	}

static const struct scenario cgroup1_freezer[] = {
	{
		.id = "cgroup1/freezer-parent-freezing",
		.title = "a frozen v1 parent freezes its children",
		.property = "after FROZEN is written to a parent's "
			    "freezer.state, a busy process in its child stops, "
			    "and the child reads FROZEN with parent_freezing "
			    "1 and self_freezing 0",
		.expect = "child FROZEN, parent_freezing 1, self_freezing 0, "
			  "no progress",
		.req = FREEZER_V1,
		.tags = { "cgroup", "v1" },
		.timeout_s = 10,
		.check = &freezer_parent,
	},
	{
		.id = "cgroup1/freezer-child-cannot-thaw",
		.title = "a v1 child cannot thaw under a frozen parent",
		.property = "a frozen child cgroup written THAWED stays FROZEN "
			    "(parent_freezing 1) and its process stays "
			    "stopped while its parent is frozen",
		.expect = "child FROZEN, parent_freezing 1, no progress",
		.req = FREEZER_V1,
		.tags = { "cgroup", "v1" },
		.timeout_s = 10,
		.check = &freezer_thaw_child,
	},
	{
		.id = "cgroup1/freezer-joiner-frozen",
		.title = "a task moved into a frozen v1 cgroup is frozen",
		.property = "a busy process moved into a cgroup whose "
			    "freezer.state is FROZEN stops, and the cgroup "
			    "reads FROZEN again (self_freezing 1, "
			    "parent_freezing 0)",
		.expect = "FROZEN by itself, no progress after joining",
		.req = FREEZER_V1,
		.tags = { "cgroup", "v1" },
		.timeout_s = 10,
		.check = &freezer_join,
	},
};

BOXCHECK_AREA(cgroup1_freezer, cgroup1_freezer);
