// SPDX-License-Identifier: MIT
/*
 * Cgroup namespaces, views and moves (cgroup_namespaces(7), DESCRIPTION;
 * admin-guide/cgroup-v2.rst, "Namespace": "The Root and Views",
 * "Migration and setns(2)"): paths outside the namespace root read with
 * one "/.." per level, the root stays where it was made when its creator
 * moves, a process moves out and back given access.
 */
#include "cgcore.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>

/* ---- a path outside the root reads one "/.." per level ----------------- */

struct reader {
	const char *join; /* the cgroup the reader sits in */
	bool newns;	  /* a cgroup namespace rooted there first */
	pid_t target;
	const char *asked;
};

struct view_seen {
	char path[PATH_MAX];
};

static int read_view(void *arg, void *out, size_t len)
{
	const struct reader *r = arg;
	struct view_seen *o = out;
	int e;

	(void)len;
	if ((e = cgc_put(r->join, "cgroup.procs", getpid())) < 0)
		return child_fail("join the cgroup", e);
	if (r->newns && unshare(CLONE_NEWCGROUP) < 0)
		return child_fail("unshare(CLONE_NEWCGROUP)", neg_errno());
	if ((e = cgc_ns_path(r->target, o->path, sizeof(o->path), r->asked)) <
	    0)
		return child_fail("read /proc/PID/cgroup", e);
	return 0;
}

#define UP2 "/../../s"

static int observe_up(struct ctx *c, struct view_seen *o)
{
	_cleanup_proc_ struct cgc_proc t = CGC_PROC_INIT;
	_cleanup_(cgc_pair_destroy) struct cgc_pair p = { 0 };
	char deep[PATH_MAX + 8];
	struct reader r;

	TRY_OBS(cgc_pair_make(c, &p, "deep"));
	snprintf(deep, sizeof(deep), "%s/deep", cgc_dir(&p.k));
	TRY_OBS(cgc_start(c, &p.s, &t));
	/* 1. The reader's namespace rooted at d/k/deep (isolated). */
	r = (struct reader){ deep, c->isolate, t.pid, UP2 };
	/* 2. It reads the path of a process in d/s. */
	return run_in_child(c, "the reader", 0, read_view, &r, o, sizeof(*o));
}

static enum obs judge_up(struct judge *j, const struct view_seen *o)
{
	judge_kv(j, "the other process's path", "%s", o->path);
	if (!cgc_ends(o->path, "/s"))
		return judge_unknown(j, "the path does not name its cgroup");
	return judge_holds(j, strcmp(o->path, UP2) == 0,
			   "two levels below the common parent, a sibling's "
			   "process reads \"%s\"",
			   o->path);
}
CHECK(path_up, struct view_seen, observe_up, judge_up);

/* ---- the root stays put when its creator moves ------------------------- */

struct mover {
	struct chan ready, go, rep;
	bool early; /* the namespace before the move */
};

/* fn for cgs_fork_in: a namespace before or after being moved. */
static int moved_fn(void *arg)
{
	struct mover *m = arg;
	struct view_seen v = { 0 };
	char b;

	if (m->early && unshare(CLONE_NEWCGROUP) < 0)
		return 3;
	if (chan_send(&m->ready, "r", 1) < 0 || chan_recv(&m->go, &b, 1) < 0)
		return 3;
	if (!m->early && unshare(CLONE_NEWCGROUP) < 0)
		return 3;
	if (cgc_ns_path(0, v.path, sizeof(v.path), "/../s") < 0)
		return 3;
	return chan_send(&m->rep, &v, sizeof(v)) < 0 ? 3 : 0;
}

static int observe_stays(struct ctx *c, struct view_seen *o)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_(cgc_pair_destroy) struct cgc_pair p = { 0 };
	_cleanup_chan_ struct chan ready = CHAN_INIT, go = CHAN_INIT,
				   rep = CHAN_INIT;
	struct mover m;
	char b;
	int sig;

	TRY_OBS(cgc_pair_make(c, &p, NULL));
	TRY(c, chan_open(&ready) ?: chan_open(&go) ?: chan_open(&rep), "pipe");
	/* 1. The namespace made before the move (isolated) or after it. */
	m = (struct mover){ ready, go, rep, c->isolate };
	pid = TRY(c, cgs_fork_in(&p.k, moved_fn, &m), "start it");
	close(TAKE_FD(ready.wr));
	close(TAKE_FD(rep.wr));
	TRY(c, chan_recv(&ready, &b, 1), "wait until it is ready");
	/* 2. We move it from d/k to d/s; it reads its own path. */
	TRY(c, cgc_put(cgc_dir(&p.s), "cgroup.procs", pid), "move it");
	TRY(c, chan_send(&go, "g", 1), "let it go on");
	TRY(c, chan_recv(&rep, o, sizeof(*o)), "its path");
	TRY_OBS(cgs_reap(c, TAKE_PID(pid), "the mover", &sig));
	return sig ? ctx_error(c, 0, "the mover died of SIG%s",
			       sigabbrev_np(sig) ?: "?")
		   : 0;
}

static enum obs judge_stays(struct judge *j, const struct view_seen *o)
{
	judge_kv(j, "its own path after the move", "%s", o->path);
	return judge_holds(j, strcmp(o->path, "/../s") == 0,
			   "moved from d/k to d/s, it reads its cgroup as "
			   "\"%s\"",
			   o->path);
}
CHECK(root_stays, struct view_seen, observe_stays, judge_stays);

/* ---- given access, a process moves out of its namespace root and back -- */

struct roam {
	const char *k, *s; /* its namespace root, and a sibling */
	uid_t uid;	   /* it drops to this uid (0: stays root) */
};

struct roam_seen {
	int out, back;			/* the two moves */
	char there[PATH_MAX], home[64]; /* its own path after each */
};

static int roam_fn(void *arg, void *out, size_t len)
{
	const struct roam *r = arg;
	struct roam_seen *o = out;
	int e;

	(void)len;
	if ((e = cgc_put(r->k, "cgroup.procs", getpid())) < 0)
		return child_fail("join the cgroup", e);
	if (unshare(CLONE_NEWCGROUP) < 0)
		return child_fail("unshare(CLONE_NEWCGROUP)", neg_errno());
	if (r->uid && (e = cgc_become(r->uid)) < 0)
		return child_fail("drop to an unprivileged uid", e);
	o->out = -cgs_write_probe(r->s, "cgroup.procs", "0");
	if ((e = cgc_ns_path(0, o->there, sizeof(o->there), "/../s")) < 0)
		return child_fail("read /proc/self/cgroup", e);
	o->back = -cgs_write_probe(r->k, "cgroup.procs", "0");
	if ((e = cgc_ns_path(0, o->home, sizeof(o->home), "/")) < 0)
		return child_fail("read /proc/self/cgroup", e);
	return 0;
}

static int observe_roam(struct ctx *c, struct roam_seen *o)
{
	_cleanup_(cgc_pair_destroy) struct cgc_pair p = { 0 };
	const struct cg_hier *h;
	struct roam r;

	if (c->cgl->unified >= 0) {
		h = &c->cgl->hier[c->cgl->unified];
		if (strstr(h->opts, "nsdelegate"))
			return ctx_skip(c, "the cgroup2 mount has nsdelegate: "
					   "a namespace root is a boundary");
	}
	TRY_OBS(cgc_pair_make(c, &p, NULL));
	/* 1. Root keeps its access (isolated), or drops to a uid that may
	 *    not write the sibling's cgroup.procs. */
	r = (struct roam){ cgc_dir(&p.k), cgc_dir(&p.s),
			   c->isolate ? 0 : CGC_UID };
	TRY(c, cgc_give(cgc_dir(&p.k), CGC_UID, true), "give k");
	/* 2. Out to the sibling, then back. */
	return run_in_child(c, "the roamer", 0, roam_fn, &r, o, sizeof(*o));
}

static enum obs judge_roam(struct judge *j, const struct roam_seen *o)
{
	judge_kv(j, "move out", "%s, then reads \"%s\"", cgc_err(o->out),
		 o->there);
	judge_kv(j, "move back", "%s, then reads \"%s\"", cgc_err(o->back),
		 o->home);
	if (o->out && o->out != EACCES)
		return judge_unknown(j, "the move out failed with %s",
				     cgc_err(o->out));
	if (o->out && strcmp(o->there, "/") != 0)
		return judge_unknown(j,
				     "the move out was refused, yet it "
				     "reads \"%s\"",
				     o->there);
	return judge_holds(j,
			   !o->out && strcmp(o->there, "/../s") == 0 &&
				   !o->back && strcmp(o->home, "/") == 0,
			   "out of its namespace root: %s (\"%s\"); back: %s "
			   "(\"%s\")",
			   cgc_err(o->out), o->there, cgc_err(o->back),
			   o->home);
}
CHECK(move_out_back, struct roam_seen, observe_roam, judge_roam);

#define NS_CG                                                                  \
	{                                                                      \
		.root = true, .cgroup_version = 2, .ns = NS_BIT(NS_CGROUP)     \
	}
#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "core"                                               \
	}

static const struct scenario cgroupns_more[] = {
	{
		.id = "cgroupns/path-outside-root",
		.title = "a path outside the namespace root reads \"/..\"",
		.property =
			"in a cgroup namespace rooted at d/k/deep, the "
			"cgroup of a process in d/s reads \"/../../s\": one "
			"\"/..\" per level above",
		.expect = "\"/../../s\"",
		.req = NS_CG,
		.tags = TAGS,
		.check = &path_up,
	},
	{
		.id = "cgroupns/root-stays-on-move",
		.title = "the namespace root stays when its creator moves",
		.property = "a process that made its cgroup namespace in d/k "
			    "and was then moved to d/s reads its cgroup as "
			    "\"/../s\"",
		.expect = "\"/../s\"",
		.req = NS_CG,
		.tags = TAGS,
		.check = &root_stays,
	},
	{
		.id = "cgroupns/move-out-and-back",
		.title = "a process leaves its namespace root and comes back",
		.property = "root in a cgroup namespace (no nsdelegate) moves "
			    "itself to a sibling of its namespace root, reads "
			    "\"/../s\", and back, reading \"/\"",
		.expect = "out ok (\"/../s\"), back ok (\"/\")",
		.req = NS_CG,
		.tags = TAGS,
		.check = &move_out_back,
	},
};

BOXCHECK_AREA(cgroupns_more, cgroupns_more);
