// SPDX-License-Identifier: MIT
/*
 * setns(2) into a cgroup namespace (admin-guide/cgroup-v2.rst,
 * "Migration and setns(2)"): it needs CAP_SYS_ADMIN in the caller's user
 * namespace and in the one owning the target, and it moves no process.
 */
#include "cgcore.h"
#include "nsmore.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>

/* ---- setns needs CAP_SYS_ADMIN over both user namespaces --------------- */

enum lack { L_CAP, L_OWNER };

struct joiner {
	const char *ns; /* /proc/PID/ns/cgroup of the holder */
	bool lacking;	/* the isolated run's lack */
	enum lack what;
	const char *s;	   /* the joiner's own cgroup */
	const char *asked; /* the view looked for */
	const char *k;	   /* the namespace root, when s is set */
};

struct join_seen {
	int err;	     /* setns */
	int listed;	     /* afterwards, still listed in its cgroup */
	int in_root;	     /* afterwards, listed in the namespace root */
	char view[PATH_MAX]; /* its own path afterwards */
};

static int join_fn(void *arg, void *out, size_t len)
{
	const struct joiner *jn = arg;
	struct join_seen *o = out;
	_cleanup_close_ int fd = open(jn->ns, O_RDONLY | O_CLOEXEC);
	int e;

	(void)len;
	if (fd < 0)
		return child_fail("open the holder's cgroup namespace",
				  neg_errno());
	if (jn->s && (e = cgc_put(jn->s, "cgroup.procs", getpid())) < 0)
		return child_fail("join the cgroup", e);
	if (jn->lacking && jn->what == L_CAP && (e = cgc_become(CGC_UID)) < 0)
		return child_fail("drop to an unprivileged uid", e);
	if (jn->lacking && jn->what == L_OWNER && unshare(CLONE_NEWUSER) < 0)
		return child_fail("unshare(CLONE_NEWUSER)", neg_errno());
	o->err = probe_errno(M_PERM_REFUSED, setns(fd, CLONE_NEWCGROUP), EPERM);
	if ((e = cgc_ns_path(0, o->view, sizeof(o->view), jn->asked)) < 0)
		return child_fail("read /proc/self/cgroup", e);
	if (jn->s && (o->listed = cg_dir_has_pid(jn->s, getpid())) < 0)
		return child_fail("read cgroup.procs", o->listed);
	if (jn->k && (o->in_root = cg_dir_has_pid(jn->k, getpid())) < 0)
		return child_fail("read cgroup.procs", o->in_root);
	return 0;
}

struct ns_hold {
	struct chan hold, ready;
};

/* fn for cgs_fork_in: a cgroup namespace rooted where it is, held. */
static int ns_holder(void *arg)
{
	struct ns_hold *h = arg;

	cgc_keep_only(h->hold.rd, h->ready.wr);
	if (unshare(CLONE_NEWCGROUP) < 0)
		return 3;
	if (chan_send(&h->ready, "r", 1) < 0)
		return 3;
	close(TAKE_FD(h->ready.wr));
	return cgs_hold(&h->hold);
}

/* A process holding a namespace rooted at g; ns: its nsfs path. */
static int start_holder(struct ctx *c, const struct cg_group *g,
			struct cgc_proc *x, char *ns, size_t len)
{
	_cleanup_chan_ struct chan ready = CHAN_INIT;
	struct ns_hold h;
	char b;

	TRY(c, chan_open(&x->hold) ?: chan_open(&ready), "pipe");
	h = (struct ns_hold){ x->hold, ready };
	x->pid = TRY(c, cgs_fork_in(g, ns_holder, &h), "start the holder");
	close(TAKE_FD(x->hold.rd));
	close(TAKE_FD(ready.wr));
	TRY(c, chan_recv(&ready, &b, 1), "wait for its namespace");
	snprintf(ns, len, "/proc/%d/ns/cgroup", x->pid);
	return 0;
}

static int observe_setns(struct ctx *c, struct join_seen *o, enum lack what)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_(cgc_pair_destroy) struct cgc_pair p = { 0 };
	char ns[64];
	struct joiner jn;

	TRY_OBS(cgc_pair_make(c, &p, NULL));
	TRY_OBS(start_holder(c, &p.k, &x, ns, sizeof(ns)));
	/* 1. The joiner lacks the capability (isolated); 2. setns. */
	jn = (struct joiner){ ns, c->isolate, what, NULL, "/", NULL };
	return run_in_child(c, "the joiner", 0, join_fn, &jn, o, sizeof(*o));
}

static int observe_nocap(struct ctx *c, struct join_seen *o)
{
	return observe_setns(c, o, L_CAP);
}

static int observe_owner(struct ctx *c, struct join_seen *o)
{
	return observe_setns(c, o, L_OWNER);
}

static enum obs judge_setns(struct judge *j, const struct join_seen *o)
{
	judge_kv(j, "setns(CLONE_NEWCGROUP)", "%s", cgc_err(o->err));
	judge_kv(j, "its own view", "%s", o->view);
	if (o->err && o->err != EPERM)
		return judge_unknown(j, "setns failed with %s",
				     cgc_err(o->err));
	/* Joined or not, it is in no namespace root: our run's cgroup. */
	if (strcmp(o->view, "/") == 0)
		return judge_unknown(j, "the joiner reads itself at a "
					"namespace root");
	return judge_holds(j, o->err == EPERM, "setns into the namespace: %s",
			   cgc_err(o->err));
}
CHECK(setns_nocap, struct join_seen, observe_nocap, judge_setns);
CHECK(setns_owner, struct join_seen, observe_owner, judge_setns);

/* ---- setns into a cgroup namespace moves nobody ------------------------ */

static int observe_nomove(struct ctx *c, struct join_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_(cgc_pair_destroy) struct cgc_pair p = { 0 };
	char ns[64];
	struct joiner jn;

	TRY_OBS(cgc_pair_make(c, &p, NULL));
	TRY_OBS(start_holder(c, &p.k, &x, ns, sizeof(ns)));
	/* 1. A process in d/s joins the namespace rooted at d/k
	 *    (isolated); the control joins its own namespace again. */
	if (!c->isolate)
		snprintf(ns, sizeof(ns), "/proc/self/ns/cgroup");
	jn = (struct joiner){ ns,      false,	     L_CAP, cgc_dir(&p.s),
			      "/../s", cgc_dir(&p.k) };
	/* 2. Is it still in d/s, and how does it see that? */
	return run_in_child(c, "the joiner", 0, join_fn, &jn, o, sizeof(*o));
}

static enum obs judge_nomove(struct judge *j, const struct join_seen *o)
{
	judge_kv(j, "setns", "%s", cgc_err(o->err));
	judge_kv(j, "still listed in its cgroup", "%s",
		 o->listed ? "yes" : "no");
	judge_kv(j, "its own view", "%s", o->view);
	if (o->err)
		return judge_unknown(j, "setns failed: %s", cgc_err(o->err));
	if (o->in_root)
		return judge_unknown(j, "listed in d/s and in d/k at once");
	return judge_holds(j, o->listed && strcmp(o->view, "/../s") == 0,
			   "after setns it is %s in d/s and reads \"%s\"",
			   o->listed ? "still" : "no longer", o->view);
}
CHECK(setns_nomove, struct join_seen, observe_nomove, judge_nomove);

#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "core"                                               \
	}

static const struct scenario cgroupns_setns[] = {
	{
		.id = "cgroupns/setns-needs-cap",
		.title = "setns into a cgroup namespace needs CAP_SYS_ADMIN",
		.property = "a process without CAP_SYS_ADMIN cannot join "
			    "another's cgroup namespace: EPERM",
		.expect = "setns EPERM",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ns = NS_BIT(NS_CGROUP) },
		.tags = TAGS,
		.check = &setns_nocap,
	},
	{
		.id = "cgroupns/setns-needs-owner-cap",
		.title = "setns needs CAP_SYS_ADMIN over the namespace's owner",
		.property = "a process with every capability in a new user "
			    "namespace cannot join a cgroup namespace the "
			    "initial user namespace owns: EPERM",
		.expect = "setns EPERM",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ns = NS_BIT(NS_CGROUP) | NS_BIT(NS_USER) },
		.tags = TAGS,
		.check = &setns_owner,
	},
	{
		.id = "cgroupns/setns-moves-nothing",
		.title = "setns into a cgroup namespace moves no process",
		.property =
			"after joining a cgroup namespace rooted at d/k, a "
			"process in d/s is still there and reads its cgroup "
			"as \"/../s\"",
		.expect = "still listed; \"/../s\"",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ns = NS_BIT(NS_CGROUP) },
		.tags = TAGS,
		.check = &setns_nomove,
	},
};

BOXCHECK_AREA(cgroupns_setns, cgroupns_setns);
