// SPDX-License-Identifier: MIT
/*
 * ucounts: the limits in /proc/sys/user belong to the user namespace that
 * reads them. The host's are never touched: the worker makes a user
 * namespace U0 of its own (root there is uid 100000 outside), the stand-in
 * for the host. In it, a child sets one limit to 0 in a new user namespace
 * U1 below U0, or (control) in U0 itself, and is refused there; then a
 * sibling in U0 tries the same creation.
 */
#include "nsmore.h"

#include <sys/inotify.h>

/* A creation probe in this process: 0, or -errno. */
static int try_unshare(unsigned long flag)
{
	return unshare(flag) < 0 ? neg_errno() : 0;
}

static int try_inotify(bool watch)
{
	_cleanup_close_ int fd = inotify_init1(IN_CLOEXEC);

	if (fd < 0)
		return neg_errno();
	if (watch && inotify_add_watch(fd, "/", IN_ACCESS) < 0)
		return neg_errno();
	return 0;
}

struct ucount_kind {
	const char *sysctl;
	unsigned long flag; /* a namespace type to create, or 0: inotify */
	bool watch;	    /* inotify: add a watch too */
	int limit_err;	    /* the errno at the limit */
};

enum {
	U_USER,
	U_PID,
	U_IPC,
	U_UTS,
	U_NET,
	U_MNT,
	U_CGROUP,
	U_TIME,
	U_INOTIFY_INST,
	U_INOTIFY_WATCH,
};
static const struct ucount_kind kinds[] = {
	[U_USER] = { "user/max_user_namespaces", CLONE_NEWUSER, false, ENOSPC },
	[U_PID] = { "user/max_pid_namespaces", CLONE_NEWPID, false, ENOSPC },
	[U_IPC] = { "user/max_ipc_namespaces", CLONE_NEWIPC, false, ENOSPC },
	[U_UTS] = { "user/max_uts_namespaces", CLONE_NEWUTS, false, ENOSPC },
	[U_NET] = { "user/max_net_namespaces", CLONE_NEWNET, false, ENOSPC },
	[U_MNT] = { "user/max_mnt_namespaces", CLONE_NEWNS, false, ENOSPC },
	[U_CGROUP] = { "user/max_cgroup_namespaces", CLONE_NEWCGROUP, false,
		       ENOSPC },
	[U_TIME] = { "user/max_time_namespaces", CLONE_NEWTIME, false, ENOSPC },
	[U_INOTIFY_INST] = { "user/max_inotify_instances", 0, false, EMFILE },
	[U_INOTIFY_WATCH] = { "user/max_inotify_watches", 0, true, ENOSPC },
};

/* The probe's errno. Mutation point M_UCOUNT: refused at the limit. */
static int ucount_probe(const struct ucount_kind *k)
{
	int r = k->flag ? try_unshare(k->flag) : try_inotify(k->watch);

	return mutant_on(M_UCOUNT) ? k->limit_err : -r;
}

struct ucount_arg {
	const struct ucount_kind *k;
	bool user; /* the limit is set in a new user namespace */
};

/* In U1 (or U0): the limit to 0, then the creation here. */
static int limit_and_try(void *arg, void *out, size_t len)
{
	const struct ucount_arg *a = arg;
	int r = sysctl_set(a->k->sysctl, "0");

	(void)len;
	if (r < 0)
		return child_fail(a->k->sysctl, r);
	*(int *)out = ucount_probe(a->k);
	return 0;
}

static int try_here(void *arg, void *out, size_t len)
{
	(void)len;
	*(int *)out = ucount_probe(arg);
	return 0;
}

struct ucount_seen {
	int inner; /* errno of the creation where the limit was set */
	int outer; /* errno of the creation in U0 afterwards */
};

/* In U0, as its root. */
static int in_u0(void *arg, void *out, size_t len)
{
	const struct ucount_arg *a = arg;
	struct ucount_seen *o = out;
	struct nsrun r = nsmore_run(0, a->user, false);
	struct child_res res;
	int err;

	(void)len;
	if ((err = nsmore_become_root()) < 0)
		return child_fail("become root in U0", err);
	if (nsrun_raw(&r, limit_and_try, (void *)a, &o->inner, sizeof(o->inner),
		      &res) < 0)
		return child_relay_fail(&res, "set the limit in a child");
	if (child_run(0, try_here, (void *)a->k, &o->outer, sizeof(o->outer),
		      &res) < 0)
		return child_relay_fail(&res, "try the creation in U0");
	return 0;
}

static int observe_ucount(struct ctx *c, struct ucount_seen *o, int kind)
{
	struct ucount_arg a = { &kinds[kind], c->isolate };
	struct nsrun u0 = nsmore_run(0, true, true);

	ctx_kv(c, "limit", "%s = 0", kinds[kind].sysctl);
	return nsrun(c, "run in U0", &u0, in_u0, &a, o, sizeof(*o));
}

static enum obs judge_ucount(struct judge *j, const struct ucount_seen *o,
			     int kind)
{
	const struct ucount_kind *k = &kinds[kind];
	const char *what = k->flag ? "unshare" : "inotify";

	judge_kv(j, "where the limit is 0", "%s", errname(o->inner));
	judge_kv(j, "in U0 afterwards", "%s", errname(o->outer));
	if (o->inner && o->inner != k->limit_err)
		return judge_unknown(j, "%s where the limit was set: %s", what,
				     errname(o->inner));
	if (o->outer && o->outer != k->limit_err)
		return judge_unknown(j, "%s in U0: %s", what,
				     errname(o->outer));
	return judge_holds(j, o->inner == k->limit_err && !o->outer,
			   "%s = 0: %s where set, %s in U0", k->sysctl,
			   errname(o->inner), errname(o->outer));
}

#define UCOUNT_CHECK(name_, kind_)                                             \
	static int observe_##name_(struct ctx *c, struct ucount_seen *o)       \
	{                                                                      \
		return observe_ucount(c, o, kind_);                            \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct ucount_seen *o)             \
	{                                                                      \
		return judge_ucount(j, o, kind_);                              \
	}                                                                      \
	CHECK(name_, struct ucount_seen, observe_##name_, judge_##name_)
UCOUNT_CHECK(max_user, U_USER);
UCOUNT_CHECK(max_pid, U_PID);
UCOUNT_CHECK(max_ipc, U_IPC);
UCOUNT_CHECK(max_uts, U_UTS);
UCOUNT_CHECK(max_net, U_NET);
UCOUNT_CHECK(max_mnt, U_MNT);
UCOUNT_CHECK(max_cgroup, U_CGROUP);
UCOUNT_CHECK(max_time, U_TIME);
UCOUNT_CHECK(max_inotify_instances, U_INOTIFY_INST);
UCOUNT_CHECK(max_inotify_watches, U_INOTIFY_WATCH);

#define UCOUNT(id_, what_, extra_ns_, check_)                                  \
	{                                                                      \
		.id = "ucounts/" id_,                                          \
		.title = "user." id_ " is per user namespace",                 \
		.property = "user." id_ " set to 0 in a child user "           \
			    "namespace refuses " what_                         \
			    " there and not in its parent",                    \
		.expect = "refused where set, allowed in the parent",          \
		.req = { .root = true,                                         \
			 .ns = NS_BIT(NS_USER) | (extra_ns_),                  \
			 .features = FEAT_BIT(FEAT_USERNS) },                  \
		.tags = { "userns", "ucounts" }, .check = &check_              \
	}

static const struct scenario ns_ucounts[] = {
	UCOUNT("max_user_namespaces", "a new user namespace", 0, max_user),
	UCOUNT("max_pid_namespaces", "a new PID namespace", NS_BIT(NS_PID),
	       max_pid),
	UCOUNT("max_ipc_namespaces", "a new IPC namespace", NS_BIT(NS_IPC),
	       max_ipc),
	UCOUNT("max_uts_namespaces", "a new UTS namespace", NS_BIT(NS_UTS),
	       max_uts),
	UCOUNT("max_net_namespaces", "a new network namespace", NS_BIT(NS_NET),
	       max_net),
	UCOUNT("max_mnt_namespaces", "a new mount namespace", NS_BIT(NS_MNT),
	       max_mnt),
	UCOUNT("max_cgroup_namespaces", "a new cgroup namespace",
	       NS_BIT(NS_CGROUP), max_cgroup),
	UCOUNT("max_time_namespaces", "a new time namespace", NS_BIT(NS_TIME),
	       max_time),
	UCOUNT("max_inotify_instances", "inotify_init()", 0,
	       max_inotify_instances),
	UCOUNT("max_inotify_watches", "inotify_add_watch()", 0,
	       max_inotify_watches),
};

BOXCHECK_AREA(ns_ucounts, ns_ucounts);
