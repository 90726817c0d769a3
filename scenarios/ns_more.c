// SPDX-License-Identifier: MIT
/*
 * namespaces(7), the general rules: creating a namespace other than a
 * user namespace needs CAP_SYS_ADMIN, pid_for_children reads empty until
 * the first child, the ns links need ptrace read access, and the
 * /proc/sys/user limits count per user and in every ancestor user
 * namespace, starting at INT_MAX below the initial one. The limits are set
 * only in user namespaces of our own (U0 stands in for the host).
 */
#include "nsw.h"

#include <limits.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/fsuid.h>

/* ---- CAP_SYS_ADMIN for every type but user -------------------------- */

static int unshare_child(void *arg, void *out, size_t len)
{
	const unsigned long *a = arg; /* [0] the flag, [1] drop the cap */

	(void)len;
	if (a[1])
		NSW_TRY("drop CAP_SYS_ADMIN",
			drop_effective(CAPMASK(CAP_SYS_ADMIN)));
	*(int *)out =
		probe_errno(M_PERM_REFUSED, unshare(a[0]) < 0 ? -1 : 0, EPERM);
	return 0;
}

struct admin_seen {
	int err; /* errno of unshare(), 0 if it worked */
};

static int observe_admin(struct ctx *c, struct admin_seen *o, enum ns_type t)
{
	unsigned long a[2] = { ns_table[t].flag, c->isolate };

	ctx_kv(c, "unshare", "%s", ns_table[t].name);
	return run_in_child(c, "unshare in a child", 0, unshare_child, a, o,
			    sizeof(*o));
}

static enum obs judge_admin(struct judge *j, const struct admin_seen *o)
{
	return judge_errno(j, o->err, EPERM, "unshare",
			   "unshare() of a new namespace");
}

#define ADMIN_CHECK(name_, t_)                                                 \
	static int observe_##name_(struct ctx *c, struct admin_seen *o)        \
	{                                                                      \
		return observe_admin(c, o, t_);                                \
	}                                                                      \
	CHECK(name_, struct admin_seen, observe_##name_, judge_admin)
ADMIN_CHECK(admin_uts, NS_UTS);
ADMIN_CHECK(admin_ipc, NS_IPC);
ADMIN_CHECK(admin_net, NS_NET);
ADMIN_CHECK(admin_mnt, NS_MNT);
ADMIN_CHECK(admin_pid, NS_PID);
ADMIN_CHECK(admin_cgroup, NS_CGROUP);
ADMIN_CHECK(admin_time, NS_TIME);

/* ---- the ns links ------------------------------------------------------ */

/* readlink's errno, 0 if it read. Mutation point M_NS_LINK: `want`. */
static int link_err(const char *path, int want)
{
	char buf[64];

	return probe_errno(M_NS_LINK, readlink(path, buf, sizeof(buf)), want);
}

struct pfc_seen {
	int before; /* readlink pid_for_children before the first child */
	int after;  /* and after it */
};

static int pfc_child(void *arg, void *out, size_t len)
{
	struct pfc_seen *o = out;
	pid_t pid;

	(void)len;
	if (*(const bool *)arg)
		NSW_TRY("unshare(CLONE_NEWPID)",
			unshare(CLONE_NEWPID) < 0 ? neg_errno() : 0);
	o->before = link_err("/proc/self/ns/pid_for_children", ENOENT);
	pid = fork();
	if (pid == 0)
		_exit(0);
	NSW_TRY("fork the first child", pid < 0 ? neg_errno() : 0);
	NSW_TRY("reap it", wait_status(pid, NULL));
	o->after = link_err("/proc/self/ns/pid_for_children", ENOENT);
	return 0;
}

static int observe_pfc(struct ctx *c, struct pfc_seen *o)
{
	bool act = c->isolate;

	return run_in_child(c, "read pid_for_children in a child", 0, pfc_child,
			    &act, o, sizeof(*o));
}

static enum obs judge_pfc(struct judge *j, const struct pfc_seen *o)
{
	judge_kv(j, "before the first child", "%s", errname(o->before));
	judge_kv(j, "after it", "%s", errname(o->after));
	if (o->after)
		return judge_unknown(j,
				     "pid_for_children unreadable after "
				     "the first child: %s",
				     errname(o->after));
	return judge_err_is(j, o->before, ENOENT, 0, "before",
			    "readlink pid_for_children before the first "
			    "child");
}
CHECK(pfc_empty, struct pfc_seen, observe_pfc, judge_pfc);

struct link_seen {
	int err;	/* readlink /proc/T/ns/uts as uid 100000 */
	int len;	/* what that readlink returned (bytes, or -1) */
	int exe_err;	/* readlink /proc/T/exe: the same ptrace check */
	uint32_t t_uid; /* /proc/T's owner, as the reader sees it */
	uint32_t fsuid; /* and its fsuid */
};

/* readlink /proc/PID/NAME: its errno, 0 if it read; *len what it returned. */
static int read_proc_link(pid_t pid, const char *name, int *len)
{
	char path[64], buf[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	n = readlink(path, buf, sizeof(buf));
	*len = (int)n;
	return n < 0 ? errno : 0;
}

static int read_link_as(void *arg, void *out, size_t len)
{
	pid_t t = *(const pid_t *)arg;
	struct link_seen *o = out;
	struct stat st;
	char path[64];
	int n;

	(void)len;
	NSW_TRY("become uid 100000", become_dumpable(UNPRIV_ID));
	snprintf(path, sizeof(path), "/proc/%d", t);
	NSW_TRY("stat /proc/T", stat(path, &st) < 0 ? neg_errno() : 0);
	o->t_uid = st.st_uid;
	o->fsuid = (uint32_t)setfsuid((uid_t)-1);
	o->exe_err = read_proc_link(t, "exe", &n);
	o->err = read_proc_link(t, "ns/uts", &o->len);
	if (mutant_on(M_NS_LINK)) /* the mutation point of link_err() */
		o->err = EACCES;
	return 0;
}

/* T is root's (the isolating step) or, in the control, uid 100000's. */
static int observe_link(struct ctx *c, struct link_seen *o)
{
	_cleanup_chan_ struct chan ready = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t t = -1;
	bool other = c->isolate;
	int x;

	TRY(c, chan_open(&ready), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	t = TRY(c, ns_fork(0), "fork T");
	if (t == 0) {
		closep(&hold.wr);
		chan_send_int(&ready, other ? 0 : become_dumpable(UNPRIV_ID));
		live_wait(&hold);
		_exit(0);
	}
	closep(&ready.wr);
	ready.wr = -1;
	TRY(c, chan_recv_int(&ready, &x), "hear from T");
	TRY(c, x, "T: become uid 100000");
	return run_in_child(c, "read T's ns link as uid 100000", 0,
			    read_link_as, &t, o, sizeof(*o));
}

static enum obs judge_link(struct judge *j, const struct link_seen *o)
{
	judge_kv(j, "readlink returned", "%d", o->len);
	judge_kv(j, "readlink /proc/T/exe", "%s", errname(o->exe_err));
	judge_kv(j, "reader", "fsuid %u; /proc/T owned by %u", o->fsuid,
		 o->t_uid);
	return judge_errno(j, o->err, EACCES, "readlink /proc/T/ns/uts",
			   "readlink of root's ns link by uid 100000");
}
CHECK(link_needs_ptrace, struct link_seen, observe_link, judge_link);

/* ---- the /proc/sys/user limits ------------------------------------------ */

/* A creation probe: unshare's errno. M_UCOUNT: refused at the limit. */
static int ucount_try(unsigned long flags)
{
	int r = unshare(flags) < 0 ? errno : 0;

	return mutant_on(M_UCOUNT) ? ENOSPC : r;
}

/* A forked child as uid `uid` (0: as we are) tries unshare(flags). */
static int try_as(uid_t uid, unsigned long flags, bool hold, pid_t *held)
{
	_cleanup_chan_ struct chan res = CHAN_INIT;
	pid_t pid;
	int r = chan_open(&res), err;

	if (r < 0)
		return r;
	if ((pid = fork()) < 0)
		return neg_errno();
	if (pid == 0) {
		close(res.rd);
		r = uid ? become_uid(uid) : 0;
		chan_send_int(&res, r < 0 ? r : ucount_try(flags));
		if (hold)
			pause();
		_exit(0);
	}
	closep(&res.wr);
	res.wr = -1;
	r = chan_recv_int(&res, &err);
	if (!hold || r < 0 || err) { /* a holder that holds nothing ends */
		if (hold)
			kill(pid, SIGKILL);
		wait_status(pid, NULL), pid = -1;
	}
	*held = pid;
	return r < 0 ? r : err;
}

struct peruser_seen {
	int holder; /* user 1's creation, up to the limit of 1 */
	int err;    /* the prober's */
};

/* In U0: max_user_namespaces = 1, user 1 holds one, a prober tries. */
static int peruser_u0(void *arg, void *out, size_t len)
{
	struct peruser_seen *o = out;
	uid_t prober = *(const bool *)arg ? 2 : 1;
	pid_t held = -1, none;

	(void)len;
	NSW_TRY("become root of U0", nsmore_become_root());
	NSW_TRY("set user.max_user_namespaces = 1 in U0",
		sysctl_set("user/max_user_namespaces", "1"));
	o->holder = try_as(1, CLONE_NEWUSER, true, &held);
	if (o->holder < 0)
		return child_fail("user 1 makes a user namespace", o->holder);
	o->err = try_as(prober, CLONE_NEWUSER, false, &none);
	if (held > 0) {
		kill(held, SIGKILL);
		wait_status(held, NULL);
	}
	return o->err < 0 ? child_fail("the prober", o->err) : 0;
}

static int observe_peruser(struct ctx *c, struct peruser_seen *o)
{
	static struct idmap m;
	struct nsrun r = { .via = NS_VIA_CLONE,
			   .flags = CLONE_NEWUSER,
			   .uid = &m,
			   .gid = &m };
	bool other = c->isolate;

	idmap_single(&m, 0, UNPRIV_ID, 3);
	return nsrun(c, "run in U0", &r, peruser_u0, &other, o, sizeof(*o));
}

static enum obs judge_peruser(struct judge *j, const struct peruser_seen *o)
{
	judge_kv(j, "user 1's namespace", "%s", errname(o->holder));
	if (o->holder)
		return judge_unknown(j, "user 1 made no namespace: %s",
				     errname(o->holder));
	return judge_ok(j, o->err, ENOSPC, "the prober's",
			"with user 1 at the limit of 1, another user's "
			"unshare(CLONE_NEWUSER)");
}
CHECK(limit_per_user, struct peruser_seen, observe_peruser, judge_peruser);

static const char *const ns_limits[] = {
	"user/max_cgroup_namespaces", "user/max_ipc_namespaces",
	"user/max_mnt_namespaces",    "user/max_net_namespaces",
	"user/max_pid_namespaces",    "user/max_time_namespaces",
	"user/max_user_namespaces",   "user/max_uts_namespaces",
};
#define N_LIMITS ARRAY_SIZE(ns_limits)

struct defaults_seen {
	long long v[N_LIMITS]; /* as read in the child */
};

static int read_limits(void *arg, void *out, size_t len)
{
	struct defaults_seen *o = out;
	char buf[32];

	(void)arg;
	(void)len;
	for (size_t i = 0; i < N_LIMITS; i++) {
		NSW_TRY(ns_limits[i],
			sysctl_get(ns_limits[i], buf, sizeof(buf)));
		o->v[i] = strtoll(buf, NULL, 10);
	}
	return 0;
}

static int observe_defaults(struct ctx *c, struct defaults_seen *o)
{
	struct nsrun r = userns_run(c);
	uint64_t tmax;

	TRY_OBS(nsrun(c, "read the limits in a child", &r, read_limits, NULL, o,
		      sizeof(*o)));
	if (read_u64("/proc/sys/kernel/threads-max", &tmax) == 0)
		ctx_kv(c, "kernel.threads-max / 2", "%llu",
		       (unsigned long long)tmax / 2);
	return 0;
}

static enum obs judge_defaults(struct judge *j, const struct defaults_seen *o)
{
	size_t at_max = 0;

	for (size_t i = 0; i < N_LIMITS; i++) {
		at_max += o->v[i] == INT_MAX;
		judge_kv(j, ns_limits[i] + 5, "%lld", o->v[i]);
	}
	return judge_holds(j, at_max == N_LIMITS,
			   "%zu of %zu namespace limits read INT_MAX", at_max,
			   N_LIMITS);
}
CHECK(limits_default, struct defaults_seen, observe_defaults, judge_defaults);

struct ancestor_seen {
	int err; /* unshare(CLONE_NEWUTS) in U1, below U0 */
};

/* In a sibling S of U1: a limit of 0 that binds nobody else. */
static int zero_in_sibling(void)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return neg_errno();
	if (pid == 0)
		_exit(unshare(CLONE_NEWUSER) < 0 ||
		      sysctl_set("user/max_uts_namespaces", "0") < 0);
	if (wait_status(pid, &st) < 0)
		return neg_errno();
	return exit_code_of(st) ? -EIO : 0;
}

static int ancestor_u0(void *arg, void *out, size_t len)
{
	bool in_u0 = *(const bool *)arg;
	pid_t none;
	int r;

	(void)len;
	NSW_TRY("become root of U0", nsmore_become_root());
	NSW_TRY("set user.max_uts_namespaces = 0",
		in_u0 ? sysctl_set("user/max_uts_namespaces", "0")
		      : zero_in_sibling());
	r = try_as(0, CLONE_NEWUSER | CLONE_NEWUTS, false, &none);
	if (r < 0)
		return child_fail("U1 makes a UTS namespace", r);
	*(int *)out = r;
	return 0;
}

static int observe_ancestor(struct ctx *c, struct ancestor_seen *o)
{
	struct nsrun u0 = nsmore_run(0, true, true);
	bool in_u0 = c->isolate;

	ctx_kv(c, "limit set in", "%s", in_u0 ? "U0" : "a sibling of U1");
	return nsrun(c, "run in U0", &u0, ancestor_u0, &in_u0, o, sizeof(*o));
}

static enum obs judge_ancestor(struct judge *j, const struct ancestor_seen *o)
{
	return judge_err_is(j, o->err, ENOSPC, 0, "unshare in U1",
			    "a UTS namespace made in U1");
}
CHECK(limit_ancestor, struct ancestor_seen, observe_ancestor, judge_ancestor);

#define ADMIN(t_, bit_, check_)                                                \
	{                                                                      \
		.id = "ns/new-" t_ "-needs-cap-sys-admin",                     \
		.title = "a new " t_ " namespace needs CAP_SYS_ADMIN",         \
		.property =                                                    \
			"root without CAP_SYS_ADMIN in its effective "         \
			"set gets EPERM from unshare() of a " t_ " namespace", \
		.expect = "EPERM",                                             \
		.req = { .root = true, .ns = NS_BIT(bit_) },                   \
		.tags = { "ns", "caps" }, .check = &check_                     \
	}
#define UCOUNT_REQ NSW_USER_REQ(NS_BIT(NS_UTS))

static const struct scenario ns_more[] = {
	ADMIN("uts", NS_UTS, admin_uts),
	ADMIN("ipc", NS_IPC, admin_ipc),
	ADMIN("net", NS_NET, admin_net),
	ADMIN("mnt", NS_MNT, admin_mnt),
	ADMIN("pid", NS_PID, admin_pid),
	ADMIN("cgroup", NS_CGROUP, admin_cgroup),
	ADMIN("time", NS_TIME, admin_time),
	{ .id = "ns/pid-for-children-empty-until-child",
	  .title = "pid_for_children is empty until the first child",
	  .property = "after unshare(CLONE_NEWPID), readlink of "
		      "pid_for_children fails with ENOENT until the first "
		      "child is made",
	  .expect = "ENOENT, then readable",
	  .req = { .root = true, .ns = NS_BIT(NS_PID) },
	  .tags = { "ns", "pid" },
	  .check = &pfc_empty },
	{ .id = "ns/link-needs-ptrace-read",
	  .title = "ns links need ptrace read access",
	  .property = "uid 100000 gets EACCES reading the ns links of a "
		      "process of root's",
	  .expect = "EACCES",
	  .req = { .root = true },
	  .tags = { "ns" },
	  .check = &link_needs_ptrace },
	{ .id = "ucounts/limit-per-user",
	  .title = "the namespace limits count each user",
	  .property = "with user.max_user_namespaces = 1 and user 1 holding "
		      "one, user 2 of the same user namespace still makes one",
	  .expect = "ok",
	  .req = USER_REQ,
	  .tags = { "userns", "ucounts" },
	  .check = &limit_per_user },
	{ .id = "ucounts/limits-int-max-below-initial",
	  .title = "the namespace limits start at INT_MAX",
	  .property = "the eight max_*_namespaces of a new user namespace "
		      "read 2147483647",
	  .expect = "8 of 8 namespace limits read INT_MAX",
	  .req = USER_REQ,
	  .tags = { "userns", "ucounts" },
	  .check = &limits_default },
	{ .id = "ucounts/limit-binds-descendants",
	  .title = "a namespace limit binds every descendant",
	  .property = "with user.max_uts_namespaces = 0 in U0, a UTS "
		      "namespace made in a user namespace below U0 fails "
		      "with ENOSPC (a limit in a sibling does not bind)",
	  .expect = "ENOSPC",
	  .req = UCOUNT_REQ,
	  .tags = { "userns", "ucounts" },
	  .check = &limit_ancestor },
};

BOXCHECK_AREA(ns_more, ns_more);
