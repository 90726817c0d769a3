// SPDX-License-Identifier: MIT
/*
 * cgroup v2 core files over a subtree: cgroup.freeze reaches descendants
 * and processes that join later, cgroup.kill reaches descendants,
 * cgroup.events populated counts descendants and its changes are
 * notified. These are core files: on a hybrid host they work on the
 * cgroup2 mount without any controller.
 */
#include "cgroup_util.h"

#include <string.h>

#define STILL_MS 50   /* a frozen process must not move in this window */
#define STATE_MS 2000 /* bound on waiting for the kernel's state change */
#define NOTIFY_MS 200 /* an event is due within 10 ms of the change */

/* A v2 directory for g, or a skip: the files below are v2 core files. */
static int need_v2(struct ctx *c, const struct cg_group *g)
{
	return cg_group_unified(g) ? 0
				   : ctx_skip(c, "no cgroup v2 directory for "
						 "this run");
}

/* parent/child below c->cg, with a v2 directory. */
static int make_pair(struct ctx *c, struct cg_group *p, struct cg_group *k)
{
	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "parent", p), "create cgroup parent");
	TRY(c, cg_group_child(p, "child", k), "create cgroup parent/child");
	return need_v2(c, k);
}

/* A timeout of a wait the action asked for is observed, not an error. */
static int wait_frozen(const struct cg_group *g, uint64_t want)
{
	int r = cgs_wait(g, CGK_FROZEN, want, STATE_MS);

	return r == -ETIMEDOUT ? 0 : r;
}

struct stilled {
	uint64_t frozen; /* cgroup.events frozen of the spinner's cgroup */
	uint64_t self;	 /* its own cgroup.freeze */
	bool moved;	 /* the spinner progressed in the still window */
	unsigned long c1, c2;
};

/* The state of k, then whether the spinner moves for STILL_MS. */
static int look_still(struct ctx *c, const struct cg_group *k,
		      volatile unsigned long *n, struct stilled *o)
{
	TRY_OBS(cgs_get(c, k, CGK_FROZEN, &o->frozen));
	TRY_OBS(cgs_get(c, k, CGK_FREEZE, &o->self));
	o->c1 = *n;
	o->moved = cgs_moves(n, o->c1, STILL_MS);
	o->c2 = *n;
	return 0;
}

static int observe_desc(struct ctx *c, struct stilled *o)
{
	_cleanup_reap_ pid_t pid = -1; /* after the groups: thawed first */
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 };
	_cleanup_counter_ volatile unsigned long *n = cgs_counter();

	TRY_OBS(make_pair(c, &p, &k));
	TRY_OBS(cgs_need(c, &k, CGK_FROZEN));
	if (!n)
		return ctx_error(c, -ENOMEM, "shared counter");
	pid = TRY(c, cgs_fork_in(&k, cgs_spin, (void *)n), "start a spinner");
	if (!cgs_moves(n, 0, STATE_MS))
		return ctx_error(c, 0, "the spinner never ran");
	/* 1. Freeze the parent only (the isolated run). */
	if (c->isolate) {
		TRY_OBS(cgs_set(c, &p, CGK_FREEZE, 1));
		TRY(c, wait_frozen(&k, 1), "wait for the child's state");
	}
	/* 2. The child's state and its process. */
	TRY_OBS(look_still(c, &k, n, o));
	return cgs_alive(c, &pid, "the spinner");
}

static enum obs judge_still(struct judge *j, const struct stilled *o)
{
	judge_kv(j, "child frozen", "%llu", (unsigned long long)o->frozen);
	judge_kv(j, "child cgroup.freeze", "%llu", (unsigned long long)o->self);
	judge_kv(j, "count over 50 ms", "%lu -> %lu", o->c1, o->c2);
	if (o->frozen == 1 && o->moved)
		return judge_unknown(j, "cgroup.events reads frozen, but the "
					"process ran");
	return judge_holds(j, o->frozen == 1 && o->self == 0 && !o->moved,
			   "child cgroup frozen=%llu with its own "
			   "cgroup.freeze=%llu, %s for %d ms",
			   (unsigned long long)o->frozen,
			   (unsigned long long)o->self,
			   o->moved ? "progress" : "no progress", STILL_MS);
}
CHECK(freeze_descendants, struct stilled, observe_desc, judge_still);

static int observe_joiner(struct ctx *c, struct stilled *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 };
	_cleanup_counter_ volatile unsigned long *n = cgs_counter();

	TRY_OBS(make_pair(c, &p, &k));
	TRY_OBS(cgs_need(c, &k, CGK_FROZEN));
	if (!n)
		return ctx_error(c, -ENOMEM, "shared counter");
	/* 1. Freeze the empty child (the isolated run). */
	if (c->isolate) {
		TRY_OBS(cgs_set(c, &k, CGK_FREEZE, 1));
		TRY(c, wait_frozen(&k, 1), "wait for the frozen state");
	}
	/* 2. A running process moves in. */
	pid = TRY(c, cgs_fork_in(&p, cgs_spin, (void *)n), "start a spinner");
	if (!cgs_moves(n, 0, STATE_MS))
		return ctx_error(c, 0, "the spinner never ran");
	TRY(c, cg_group_attach(&k, pid), "move the spinner in");
	TRY(c, wait_frozen(&k, c->isolate), "wait for the state to settle");
	/* 3. Its state, and whether it still runs. */
	TRY_OBS(look_still(c, &k, n, o));
	return cgs_alive(c, &pid, "the spinner");
}

static enum obs judge_joiner(struct judge *j, const struct stilled *o)
{
	judge_kv(j, "frozen", "%llu", (unsigned long long)o->frozen);
	judge_kv(j, "count over 50 ms", "%lu -> %lu", o->c1, o->c2);
	if (o->frozen == 1 && o->moved)
		return judge_unknown(j, "cgroup.events reads frozen, but the "
					"process ran");
	return judge_holds(j, o->frozen == 1 && !o->moved,
			   "frozen=%llu after the process joined, %s for %d "
			   "ms",
			   (unsigned long long)o->frozen,
			   o->moved ? "progress" : "no progress", STILL_MS);
}
CHECK(freeze_joiner, struct stilled, observe_joiner, judge_joiner);

struct kill_seen {
	int sig;	      /* how the grandchild's process ended */
	uint64_t populated;   /* the parent's, after the kill step */
	uint64_t k_populated; /* the child's, after the kill step */
};

static int observe_kill(struct ctx *c, struct kill_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 }, d = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	int r;

	TRY_OBS(make_pair(c, &p, &k));
	TRY(c, cg_group_child(&k, "leaf", &d), "create parent/child/leaf");
	TRY_OBS(cgs_need(c, &p, CGK_KILL));
	TRY_OBS(cgs_need(c, &p, CGK_POPULATED));
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, cgs_fork_in(&d, cgs_hold, &hold), "start a process");
	/* 1. Kill the parent (the isolated run): the leaf is two below. */
	if (c->isolate) {
		TRY_OBS(cgs_set(c, &p, CGK_KILL, 1));
		r = cgs_wait(&p, CGK_POPULATED, 0, STATE_MS);
		TRY(c, r == -ETIMEDOUT ? 0 : r, "wait for the parent to empty");
	}
	/* 2. What the cgroups say; then release it and see how it ended. */
	TRY_OBS(cgs_get(c, &p, CGK_POPULATED, &o->populated));
	TRY_OBS(cgs_get(c, &k, CGK_POPULATED, &o->k_populated));
	chan_close(&hold);
	return cgs_reap(c, TAKE_PID(pid), "the process", &o->sig);
}

static enum obs judge_kill(struct judge *j, const struct kill_seen *o)
{
	judge_kv(j, "process", "%s",
		 o->sig ? sigabbrev_np(o->sig) ?: "?" : "alive until released");
	judge_kv(j, "parent populated", "%llu",
		 (unsigned long long)o->populated);
	judge_kv(j, "child populated", "%llu",
		 (unsigned long long)o->k_populated);
	if (o->populated < o->k_populated)
		return judge_unknown(j, "the child is populated, its parent "
					"not");
	/* Alive when the cgroups were read, or killed before: both agree. */
	if ((o->sig == SIGKILL) == (o->populated != 0))
		return judge_unknown(j, "process %s, parent populated=%llu",
				     o->sig == SIGKILL ? "killed" : "alive",
				     (unsigned long long)o->populated);
	return judge_holds(j, o->sig == SIGKILL && !o->populated,
			   "process two levels below %s, parent populated=%llu",
			   o->sig == SIGKILL ? "killed by SIGKILL" : "alive",
			   (unsigned long long)o->populated);
}
CHECK(kill_descendants, struct kill_seen, observe_kill, judge_kill);

struct pop_seen {
	uint64_t during, after; /* the parent's populated */
};

static int observe_populated(struct ctx *c, struct pop_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 }, s = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	int sig, r;

	TRY_OBS(make_pair(c, &p, &k));
	TRY(c, cg_group_child(c->cg, "sibling", &s), "create cgroup sibling");
	TRY_OBS(cgs_need(c, &p, CGK_POPULATED));
	TRY(c, chan_open(&hold), "pipe");
	/* 1. A process in the child (isolated) or in a sibling (control). */
	pid = TRY(c, cgs_fork_in(c->isolate ? &k : &s, cgs_hold, &hold),
		  "start a process");
	/* 2. The parent's populated while it lives, and after it is gone. */
	TRY_OBS(cgs_get(c, &p, CGK_POPULATED, &o->during));
	chan_close(&hold);
	TRY_OBS(cgs_reap(c, TAKE_PID(pid), "the process", &sig));
	r = cgs_wait(&p, CGK_POPULATED, 0, STATE_MS);
	TRY(c, r == -ETIMEDOUT ? 0 : r, "wait for the parent to empty");
	TRY_OBS(cgs_get(c, &p, CGK_POPULATED, &o->after));
	return sig ? ctx_error(c, 0, "the process died of SIG%s",
			       sigabbrev_np(sig) ?: "?")
		   : 0;
}

static enum obs judge_populated(struct judge *j, const struct pop_seen *o)
{
	judge_kv(j, "parent populated while the process lived", "%llu",
		 (unsigned long long)o->during);
	judge_kv(j, "parent populated after it exited", "%llu",
		 (unsigned long long)o->after);
	return judge_holds(j, o->during == 1 && o->after == 0,
			   "parent populated=%llu while the process lived, "
			   "%llu after",
			   (unsigned long long)o->during,
			   (unsigned long long)o->after);
}
CHECK(populated_hierarchical, struct pop_seen, observe_populated,
      judge_populated);

struct notify_seen {
	uint64_t during;    /* populated while the process lived */
	int modified;	    /* cgroup.events reported modified */
	uint64_t populated; /* then read */
};

static int observe_notify(struct ctx *c, struct notify_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_cg_group_ struct cg_group g = { 0 }, s = { 0 };
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	_cleanup_close_ int fd = -1;
	int sig;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child(c->cg, "watched", &g), "create cgroup");
	TRY(c, cg_group_child(c->cg, "sibling", &s), "create cgroup sibling");
	TRY_OBS(need_v2(c, &g));
	TRY_OBS(cgs_need(c, &g, CGK_POPULATED));
	TRY(c, chan_open(&hold), "pipe");
	/* 1. The process lives in the watched cgroup (isolated) or not. */
	pid = TRY(c, cgs_fork_in(c->isolate ? &g : &s, cgs_hold, &hold),
		  "start a process");
	fd = TRY(c, cgs_watch(cg_group_unified(&g), "cgroup.events"),
		 "inotify watch on cgroup.events");
	TRY_OBS(cgs_get(c, &g, CGK_POPULATED, &o->during));
	/* 2. It exits; is cgroup.events modified? */
	chan_close(&hold);
	TRY_OBS(cgs_reap(c, TAKE_PID(pid), "the process", &sig));
	if (sig)
		return ctx_error(c, 0, "the process died of SIG%s",
				 sigabbrev_np(sig) ?: "?");
	o->modified = TRY(c, cgs_wait_modified(fd, NOTIFY_MS),
			  "wait for an inotify event");
	TRY_OBS(cgs_get(c, &g, CGK_POPULATED, &o->populated));
	return 0;
}

static enum obs judge_notify(struct judge *j, const struct notify_seen *o)
{
	judge_kv(j, "cgroup.events modified", "%s", o->modified ? "yes" : "no");
	judge_kv(j, "populated before, after", "%llu, %llu",
		 (unsigned long long)o->during,
		 (unsigned long long)o->populated);
	if (o->populated)
		return judge_unknown(j, "the cgroup is still populated");
	/* Nothing else of the file changes here: an event needs a change. */
	if (o->modified && o->during == o->populated)
		return judge_unknown(j, "cgroup.events reported modified, but "
					"populated did not change");
	return judge_holds(j, o->during == 1 && o->modified,
			   "populated %llu -> 0; cgroup.events %s within %d "
			   "ms of the process exiting",
			   (unsigned long long)o->during,
			   o->modified ? "modified" : "not modified",
			   NOTIFY_MS);
}
CHECK(events_notify, struct notify_seen, observe_notify, judge_notify);

#define V2_CORE                                                                \
	{                                                                      \
		.root = true, .cgroup_version = 2                              \
	}

static const struct scenario cgroup2_freeze[] = {
	{
		.id = "cgroup2/freeze-descendants",
		.title = "cgroup.freeze of a parent freezes its descendants",
		.property = "after writing 1 to a parent's cgroup.freeze, a "
			    "busy process in its child cgroup makes no "
			    "progress and the child's cgroup.events reads "
			    "frozen 1 while its own cgroup.freeze stays 0",
		.expect = "child frozen=1, cgroup.freeze=0, no progress",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.timeout_s = 10,
		.check = &freeze_descendants,
	},
	{
		.id = "cgroup2/freeze-joiner-frozen",
		.title = "a process moved into a frozen cgroup is frozen",
		.property = "a busy process migrated into a cgroup whose "
			    "cgroup.freeze is 1 stops, and cgroup.events "
			    "reads frozen 1 again",
		.expect = "frozen=1, no progress after joining",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.timeout_s = 10,
		.check = &freeze_joiner,
	},
	{
		.id = "cgroup2/kill-descendants",
		.title = "cgroup.kill of a parent kills its descendants",
		.property = "one write of 1 to a cgroup's cgroup.kill kills "
			    "a process two cgroup levels below with SIGKILL, "
			    "and the cgroup reads populated 0",
		.expect = "killed by SIGKILL, populated=0",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.timeout_s = 10,
		.check = &kill_descendants,
	},
	{
		.id = "cgroup2/populated-hierarchical",
		.title = "populated counts processes of descendants",
		.property = "cgroup.events of a cgroup reads populated 1 "
			    "while only its child cgroup holds a process, "
			    "and 0 once that process has exited",
		.expect = "populated 1 while the child holds it, 0 after",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.check = &populated_hierarchical,
	},
	{
		.id = "cgroup2/events-notify",
		.title = "cgroup.events is notified when a cgroup empties",
		.property = "when the last process of a cgroup exits, "
			    "populated turns 1 -> 0 and an inotify watch on "
			    "cgroup.events reports a modification within "
			    "200 ms",
		.expect = "populated 1 -> 0, cgroup.events modified",
		.req = V2_CORE,
		.tags = { "cgroup", "v2" },
		.check = &events_notify,
	},
};

BOXCHECK_AREA(cgroup2_freeze, cgroup2_freeze);
