// SPDX-License-Identifier: MIT
/*
 * cgroup v2 tree rules: cgroup.max.depth and cgroup.max.descendants refuse
 * new cgroups, cgroup.stat counts them, threaded subtrees split a
 * process's threads, and controllers are handed down top-down only.
 */
#include "cgroup_util.h"

#include <string.h>

#define N_KIDS 3

/* A child of c->cg with a v2 directory (the unified one only: cheaper). */
static int v2_child(struct ctx *c, const struct cg_group *of, const char *name,
		    struct cg_group *g)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(of, name, 0, g), name);
	if (!cg_group_unified(g))
		return ctx_skip(c, "no cgroup v2 directory for this run");
	return 0;
}

static const char *err_name(int err)
{
	return err ? strerrorname_np(err) ?: "?" : "ok";
}

struct mkdir_seen {
	int made;    /* directories created before the refusal */
	int err;     /* errno of the first refused mkdir, 0 if none */
	int n_tried; /* mkdirs tried */
};

/* mkdir dir/name<i> for i < n (nested when deep), stop at the first error. */
static void mkdirs(const char *dir, int n, bool deep, struct mkdir_seen *o)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", dir);
	for (int i = 0; i < n && !o->err; i++) {
		size_t at = deep ? strlen(path) : strlen(dir);
		snprintf(path + at, sizeof(path) - at, "/k%d", i);
		o->n_tried++;
		o->err = -cgs_mkdir_probe(path);
		o->made += !o->err;
	}
}

static int observe_depth(struct ctx *c, struct mkdir_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };

	TRY_OBS(v2_child(c, c->cg, "deep", &g));
	TRY_OBS(cgs_need(c, &g, CGK_MAX_DEPTH));
	/* 1. One level below it at most (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_MAX_DEPTH, 1));
	/* 2. A child, then a grandchild. */
	mkdirs(cg_group_unified(&g), 2, true, o);
	return 0;
}

static enum obs judge_depth(struct judge *j, const struct mkdir_seen *o)
{
	judge_kv(j, "levels made", "%d of %d", o->made, o->n_tried);
	judge_kv(j, "refusal", "%s", err_name(o->err));
	if (o->err && o->err != EAGAIN)
		return judge_unknown(j, "mkdir failed with %s",
				     err_name(o->err));
	return judge_holds(j, o->made == 1 && o->err == EAGAIN,
			   "%d level(s) made below, then mkdir %s", o->made,
			   err_name(o->err));
}
CHECK(max_depth, struct mkdir_seen, observe_depth, judge_depth);

static int observe_desc(struct ctx *c, struct mkdir_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 };

	TRY_OBS(v2_child(c, c->cg, "wide", &g));
	TRY_OBS(cgs_need(c, &g, CGK_MAX_DESCENDANTS));
	/* 1. Two descendants at most (the isolated run). */
	if (c->isolate)
		TRY_OBS(cgs_set(c, &g, CGK_MAX_DESCENDANTS, 2));
	/* 2. Three children side by side. */
	mkdirs(cg_group_unified(&g), N_KIDS, false, o);
	return 0;
}

static enum obs judge_desc(struct judge *j, const struct mkdir_seen *o)
{
	judge_kv(j, "children made", "%d of %d", o->made, N_KIDS);
	judge_kv(j, "refusal", "%s", err_name(o->err));
	if (o->err && o->err != EAGAIN)
		return judge_unknown(j, "mkdir failed with %s",
				     err_name(o->err));
	return judge_holds(j, o->made == 2 && o->err == EAGAIN,
			   "%d children made, then mkdir %s", o->made,
			   err_name(o->err));
}
CHECK(max_descendants, struct mkdir_seen, observe_desc, judge_desc);

struct count_seen {
	uint64_t nr; /* cgroup.stat nr_descendants of the counted cgroup */
};

static int observe_count(struct ctx *c, struct count_seen *o)
{
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };
	struct mkdir_seen m = { 0 };

	TRY_OBS(v2_child(c, c->cg, "counted", &g));
	TRY_OBS(v2_child(c, c->cg, "sibling", &s));
	TRY_OBS(cgs_need(c, &g, CGK_NR_DESCENDANTS));
	/* 1. Three cgroups below the counted one (isolated) or its sibling. */
	mkdirs(cg_group_unified(c->isolate ? &g : &s), N_KIDS, false, &m);
	if (m.err)
		return ctx_error(c, -m.err, "mkdir of a child cgroup");
	/* 2. What its cgroup.stat says. */
	return cgs_get(c, &g, CGK_NR_DESCENDANTS, &o->nr);
}

static enum obs judge_count(struct judge *j, const struct count_seen *o)
{
	judge_kv(j, "nr_descendants", "%llu", (unsigned long long)o->nr);
	return judge_holds(j, o->nr == N_KIDS,
			   "cgroup.stat nr_descendants=%llu after %d mkdirs",
			   (unsigned long long)o->nr, N_KIDS);
}
CHECK(stat_descendants, struct count_seen, observe_count, judge_count);

struct split_seen {
	int err;	       /* the cgroup.threads write */
	char leader[PATH_MAX]; /* the leader's v2 cgroup */
	char thread[PATH_MAX]; /* the second thread's */
};

static int observe_threads(struct ctx *c, struct split_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 }, t = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT, tid = CHAN_INIT;
	struct cgs_threads tt;
	int u = c->cgl->unified, k = 0;
	char s[32];

	TRY_OBS(v2_child(c, c->cg, "domain", &g));
	TRY_OBS(v2_child(c, &g, "threads", &t));
	TRY(c, chan_open(&hold), "pipe");
	TRY(c, chan_open(&tid), "pipe");
	tt = (struct cgs_threads){ hold, tid };
	pid = TRY(c, cgs_fork_in(&g, cgs_two_threads, &tt), "start a process");
	close(TAKE_FD(tid.wr));
	TRY(c, chan_recv_int(&tid, &k), "learn the thread's id");
	/* 1. Make the child cgroup threaded (the isolated run). */
	if (c->isolate)
		TRY(c,
		    cgs_write_probe(cg_group_unified(&t), "cgroup.type",
				    "threaded"),
		    "write threaded to cgroup.type");
	/* 2. Move the second thread alone. */
	snprintf(s, sizeof(s), "%d", k);
	o->err = -cgs_write_probe(cg_group_unified(&t), "cgroup.threads", s);
	/* 3. Where each thread is. */
	TRY(c, cgs_tid_cgroup(c->cgl, u, pid, o->leader, sizeof(o->leader)),
	    "the leader's cgroup");
	TRY(c, cgs_tid_cgroup(c->cgl, u, k, o->thread, sizeof(o->thread)),
	    "the thread's cgroup");
	return 0;
}

static enum obs judge_threads(struct judge *j, const struct split_seen *o)
{
	bool split = strcmp(o->leader, o->thread) != 0;

	judge_kv(j, "cgroup.threads write", "%s", err_name(o->err));
	judge_kv(j, "leader's cgroup", "%s", o->leader);
	judge_kv(j, "thread's cgroup", "%s", o->thread);
	if (o->err && split)
		return judge_unknown(j, "the write failed, yet the threads "
					"are apart");
	return judge_holds(
		j, !o->err && split, "cgroup.threads write %s; threads %s",
		err_name(o->err), split ? "in two cgroups" : "together");
}
CHECK(threaded_split, struct split_seen, observe_threads, judge_threads);

struct invalid_seen {
	int err;       /* moving a process into the sibling */
	char type[64]; /* the sibling's cgroup.type */
};

static int observe_invalid(struct ctx *c, struct invalid_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 }, a = { 0 }, b = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	char s[32];

	TRY_OBS(v2_child(c, c->cg, "parent", &g));
	TRY_OBS(v2_child(c, &g, "threaded", &a));
	TRY_OBS(v2_child(c, &g, "domain", &b));
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, cgs_fork_in(NULL, cgs_hold, &hold), "start a process");
	/* 1. One child threaded (the isolated run). */
	if (c->isolate)
		TRY(c,
		    cgs_write_probe(cg_group_unified(&a), "cgroup.type",
				    "threaded"),
		    "write threaded to cgroup.type");
	/* 2. Its domain sibling's type; then move a process there. */
	TRY_OBS(cgs_read(c, cg_group_unified(&b), "cgroup.type", o->type,
			 sizeof(o->type)));
	snprintf(s, sizeof(s), "%d", pid);
	o->err = -cgs_write_probe(cg_group_unified(&b), "cgroup.procs", s);
	return 0;
}

static enum obs judge_invalid(struct judge *j, const struct invalid_seen *o)
{
	judge_kv(j, "sibling cgroup.type", "%s", o->type);
	judge_kv(j, "move into it", "%s", err_name(o->err));
	if (o->err && o->err != EOPNOTSUPP)
		return judge_unknown(j, "the move failed with %s",
				     err_name(o->err));
	return judge_holds(j,
			   o->err == EOPNOTSUPP &&
				   strcmp(o->type, "domain invalid") == 0,
			   "sibling of a threaded cgroup reads \"%s\", a move "
			   "into it: %s",
			   o->type, err_name(o->err));
}
CHECK(domain_invalid, struct invalid_seen, observe_invalid, judge_invalid);

struct handed_seen {
	char ctrl[32];	 /* the controller looked at */
	bool listed;	 /* in the child's cgroup.controllers */
	int err;	 /* enabling it below the child */
	char avail[256]; /* the child's cgroup.controllers */
};

/* The first controller p offers (pids if it does): a skip if none. */
static int pick_ctrl(struct ctx *c, const char *dir, char *ctrl, size_t len)
{
	char buf[256], *save = NULL;

	TRY_OBS(cgs_read(c, dir, "cgroup.controllers", buf, sizeof(buf)));
	if (!buf[0])
		return ctx_skip(c,
				"no controller is enabled for our cgroup "
				"on the v2 hierarchy (its cgroup.controllers "
				"is empty)");
	snprintf(ctrl, len, "%s",
		 strstr(buf, "pids") ? "pids" : strtok_r(buf, " ", &save));
	return 0;
}

static bool has_word(const char *list, const char *w)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, " ", &save); t;
	     t = strtok_r(NULL, " ", &save))
		if (strcmp(t, w) == 0)
			return true;
	return false;
}

static int observe_handed(struct ctx *c, struct handed_seen *o)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 };
	char on[40], off[40];

	TRY_OBS(v2_child(c, c->cg, "parent", &p));
	TRY_OBS(pick_ctrl(c, cg_group_unified(&p), o->ctrl, sizeof(o->ctrl)));
	snprintf(on, sizeof(on), "+%s", o->ctrl);
	snprintf(off, sizeof(off), "-%s", o->ctrl);
	TRY(c,
	    cgs_write_probe(cg_group_unified(&p), "cgroup.subtree_control", on),
	    "enable the controller in the parent");
	TRY_OBS(v2_child(c, &p, "child", &k));
	/* 1. The parent takes it back (the isolated run). */
	if (c->isolate)
		TRY(c,
		    cgs_write_probe(cg_group_unified(&p),
				    "cgroup.subtree_control", off),
		    "disable the controller in the parent");
	/* 2. Does the child have it, and can it hand it down? */
	TRY_OBS(cgs_read(c, cg_group_unified(&k), "cgroup.controllers",
			 o->avail, sizeof(o->avail)));
	o->listed = has_word(o->avail, o->ctrl);
	o->err = -cgs_write_probe(cg_group_unified(&k),
				  "cgroup.subtree_control", on);
	return 0;
}

static enum obs judge_handed(struct judge *j, const struct handed_seen *o)
{
	judge_kv(j, "controller", "%s", o->ctrl);
	judge_kv(j, "child cgroup.controllers", "%s", o->avail);
	judge_kv(j, "enabling it below the child", "%s", err_name(o->err));
	if (o->err && o->err != ENOENT)
		return judge_unknown(j, "enabling %s failed with %s", o->ctrl,
				     err_name(o->err));
	return judge_holds(j, !o->listed && o->err == ENOENT,
			   "%s %s in the child's cgroup.controllers; enabling "
			   "it below: %s",
			   o->ctrl, o->listed ? "listed" : "not listed",
			   err_name(o->err));
}
CHECK(top_down, struct handed_seen, observe_handed, judge_handed);

#define V2_CORE                                                                \
	{                                                                      \
		.root = true, .cgroup_version = 2                              \
	}

static const struct scenario cgroup2_tree[] = {
	{
		.id = "cgroup2/max-depth",
		.title = "cgroup.max.depth refuses deeper cgroups",
		.property = "with cgroup.max.depth=1 a cgroup can get a child "
			    "but not a grandchild: that mkdir fails with "
			    "EAGAIN",
		.expect = "1 level made, then mkdir EAGAIN",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.check = &max_depth,
	},
	{
		.id = "cgroup2/max-descendants",
		.title = "cgroup.max.descendants refuses more cgroups",
		.property = "with cgroup.max.descendants=2 the third child "
			    "cgroup cannot be made: mkdir fails with EAGAIN",
		.expect = "2 children made, then mkdir EAGAIN",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.check = &max_descendants,
	},
	{
		.id = "cgroup2/stat-nr-descendants",
		.title = "cgroup.stat counts the cgroups below",
		.property = "after three cgroups are made below a cgroup its "
			    "cgroup.stat reads nr_descendants 3",
		.expect = "nr_descendants=3",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.check = &stat_descendants,
	},
	{
		.id = "cgroup2/threaded-split",
		.title = "a threaded cgroup takes one thread of a process",
		.property = "once a child cgroup's type is threaded, one "
			    "thread of a process can be moved there through "
			    "cgroup.threads while its leader stays in the "
			    "parent",
		.expect = "cgroup.threads write ok; threads in two cgroups",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.check = &threaded_split,
	},
	{
		.id = "cgroup2/domain-invalid",
		.title = "a domain beside a threaded cgroup turns invalid",
		.property = "when a cgroup becomes threaded its domain sibling "
			    "reads \"domain invalid\" and moving a process "
			    "into it fails with EOPNOTSUPP",
		.expect = "\"domain invalid\", move EOPNOTSUPP",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.check = &domain_invalid,
	},
	{
		.id = "cgroup2/controllers-top-down",
		.title = "a child gets only the controllers its parent enables",
		.property = "a controller the parent removes from its "
			    "cgroup.subtree_control is missing from the "
			    "child's cgroup.controllers, and enabling it "
			    "below the child fails with ENOENT",
		.expect = "not listed in the child; enabling it ENOENT",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.check = &top_down,
	},
};

BOXCHECK_AREA(cgroup2_tree, cgroup2_tree);
