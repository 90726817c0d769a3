// SPDX-License-Identifier: MIT
/* Namespace identity: /proc/PID/ns inodes, setns and the ioctl_ns(2) queries. */
#include "nsrun.h"

#include <string.h>
#include <sys/prctl.h>

/* Types clone() can create (time needs clone3 or unshare). */
#define CLONEABLE (NS_ALL & ~NS_BIT(NS_TIME))

static enum obs differ_result(struct ctx *c, unsigned want, unsigned differ)
{
	char w[96] = "", d[96] = "";

	ns_format_list(want, w, sizeof(w));
	ns_format_list(differ, d, sizeof(d));
	ctx_kv(c, "requested", "%s", want ? w : "none");
	ctx_kv(c, "differ", "%s", differ ? d : "none");
	/* Requested types must differ, and only they: unrequested stay equal. */
	return ctx_holds(c, want && differ == want, "differing inodes: %s",
			 differ ? d : "none");
}

static enum obs inodes_differ(struct ctx *c)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	unsigned want = c->isolate ? (ns_available() & CLONEABLE) : 0;
	unsigned differ;

	TRY(c, holder_start(&h, ns_flags(want)),
	    "clone with every namespace flag");
	TRY(c, ns_differ(0, h.pid, ns_available(), &differ), "stat the inodes");
	return differ_result(c, want, differ);
}

/* One type only: that one differs, the seven others are the parent's. */
static enum obs new_one(struct ctx *c, enum ns_type t)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	unsigned want = c->isolate ? NS_BIT(t) : 0;
	unsigned differ;

	TRY(c, holder_start(&h, ns_flags(want)), "clone the child");
	TRY(c, ns_differ(0, h.pid, ns_available(), &differ), "stat the inodes");
	return differ_result(c, want, differ);
}

#define NEW_ONE(name_, t_)                                                     \
	static enum obs new_##name_(struct ctx *c)                             \
	{                                                                      \
		return new_one(c, t_);                                         \
	}
NEW_ONE(cgroup, NS_CGROUP)
NEW_ONE(ipc, NS_IPC)
NEW_ONE(mnt, NS_MNT)
NEW_ONE(net, NS_NET)
NEW_ONE(pid, NS_PID)
NEW_ONE(time, NS_TIME)
NEW_ONE(user, NS_USER)
NEW_ONE(uts, NS_UTS)

/* ---- setns ----------------------------------------------------------- */

struct join {
	pid_t target;
	unsigned mask;
	bool iso;
};

/* Our ids after joining; pid and time show in *_for_children. */
static int join_and_report(void *arg, void *out, size_t len)
{
	const struct join *j = arg;
	struct ns_id *ids = out;
	char path[64];

	(void)len;
	if (j->iso && ns_join(j->target, j->mask) < 0)
		return 1;
	for (int t = 0; t < NS__COUNT; t++) {
		const char *f = ns_table[t].for_children ?: ns_table[t].name;
		if (!(j->mask & NS_BIT(t)))
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", f);
		if (ns_id_of_path(path, &ids[t]) < 0)
			return 2;
	}
	return 0;
}

static enum obs setns_gives_target(struct ctx *c)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	struct join j = { .mask = ns_available(), .iso = c->isolate };
	struct ns_id ids[NS__COUNT];
	unsigned same = 0;
	char list[96] = "";
	int st;

	TRY(c, holder_start(&h, ns_flags(j.mask)), "clone the target");
	j.target = h.pid;
	TRY(c, run_in_child(0, join_and_report, &j, ids, sizeof(ids), &st),
	    "run the joiner");
	if (exit_code_of(st))
		return ctx_error(c, 0, "the joiner failed (exit %d)",
				 exit_code_of(st));
	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id want;
		if ((j.mask & NS_BIT(t)) && ns_id_of(h.pid, t, &want) == 0 &&
		    ns_id_equal(&want, &ids[t]))
			same |= NS_BIT(t);
	}
	ns_format_list(same, list, sizeof(list));
	ctx_kv(c, "same as the target", "%s", same ? list : "none");
	return ctx_holds(c, same == j.mask,
			 "joiner's inodes equal the "
			 "target's for: %s",
			 same ? list : "none");
}

static int setns_typed(void *arg, void *out, size_t len)
{
	const int *a = arg; /* fd, type */

	(void)len;
	*(int *)out = -ns_setns(a[0], a[1]);
	return 0;
}

static enum obs setns_wrong_type(struct ctx *c)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int fd = -1;
	int a[2], err;

	TRY(c, holder_start(&h, CLONE_NEWNET), "clone the target");
	fd = TRY(c, ns_open(h.pid, NS_NET), "open its net ns");
	a[0] = fd;
	a[1] = c->isolate ? NS_UTS : NS_NET;
	TRY(c, run_in_child(0, setns_typed, a, &err, sizeof(err), NULL),
	    "run the joiner");
	ctx_kv(c, "nstype given", "%s", ns_table[a[1]].name);
	ctx_kv(c, "setns", "%s", err ? strerrorname_np(err) : "ok");
	return ctx_holds(c, err == EINVAL, "setns(net fd, CLONE_NEW%s): %s",
			 c->isolate ? "UTS" : "NET",
			 err ? strerrorname_np(err) : "ok");
}

/* ---- ioctl_ns(2) ----------------------------------------------------- */

static enum obs ioctl_get_userns(struct ctx *c)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int fd = -1, owner = -1;
	struct ns_id got, theirs, mine;

	TRY(c,
	    holder_start(&h, CLONE_NEWUTS | (c->isolate ? CLONE_NEWUSER : 0)),
	    "clone the child");
	fd = TRY(c, ns_open(h.pid, NS_UTS), "open its uts ns");
	owner = TRY(c, ns_get_userns(fd), "NS_GET_USERNS");
	TRY(c, ns_id_of_fd(owner, &got), "fstat");
	TRY(c, ns_id_of(h.pid, NS_USER, &theirs), "stat its user ns");
	TRY(c, ns_id_of(0, NS_USER, &mine), "stat our user ns");
	ctx_kv(c, "owner", "%lu", (unsigned long)got.ino);
	ctx_kv(c, "child's user ns", "%lu", (unsigned long)theirs.ino);
	return ctx_holds(
		c, ns_id_equal(&got, &theirs) && !ns_id_equal(&got, &mine),
		"NS_GET_USERNS of the child's uts ns is %s",
		ns_id_equal(&got, &mine) ? "our user ns"
					 : "the child's user ns");
}

static enum obs ioctl_get_parent(struct ctx *c)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int fd = -1, parent = -1;
	struct ns_id got = { 0 }, mine;

	TRY(c, holder_start(&h, c->isolate ? CLONE_NEWPID : 0),
	    "clone the child");
	fd = TRY(c, ns_open(h.pid, NS_PID), "open its pid ns");
	TRY(c, ns_id_of(0, NS_PID, &mine), "stat our pid ns");
	parent = ns_get_parent(fd);
	if (parent >= 0)
		TRY(c, ns_id_of_fd(parent, &got), "fstat");
	ctx_kv(c, "NS_GET_PARENT", "%s",
	       parent < 0 ? strerrorname_np(-parent) : "an fd");
	return ctx_holds(c, parent >= 0 && ns_id_equal(&got, &mine),
			 "NS_GET_PARENT of the child's pid ns: %s",
			 parent < 0		    ? strerrorname_np(-parent)
			 : ns_id_equal(&got, &mine) ? "our pid ns"
						    : "another ns");
}

/* A child of uid 100000 makes (or not) a user ns; we query from outside. */
static enum obs ioctl_owner_uid(struct ctx *c)
{
	_cleanup_chan_ struct chan ready = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_close_ int fd = -1;
	uid_t uid = 0;
	int err = 0;

	TRY(c, chan_open(&ready), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, fork(), "fork");
	if (pid == 0) {
		char b;
		close(hold.wr);
		if (setresgid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID) < 0 ||
		    setresuid(UNPRIV_ID, UNPRIV_ID, UNPRIV_ID) < 0 ||
		    (c->isolate && unshare(CLONE_NEWUSER) < 0))
			err = neg_errno();
		chan_send_int(&ready, err);
		_exit(read(hold.rd, &b, 1) < 0);
	}
	TRY(c, chan_recv_int(&ready, &err), "wait for the child");
	TRY(c, err, "setresuid and unshare in the child");
	fd = TRY(c, ns_open(pid, NS_USER), "open its user ns");
	TRY(c, ns_get_owner_uid(fd, &uid), "NS_GET_OWNER_UID");
	ctx_kv(c, "NS_GET_OWNER_UID", "%u", uid);
	return ctx_holds(c, uid == UNPRIV_ID,
			 "owner of the user ns of uid %u: %u", UNPRIV_ID, uid);
}

#define NEW_SCENARIO(t_, bit_, run_)                                           \
	{                                                                      \
		.id = "ns/new-" t_ "-only",                                    \
		.title = "a new " t_                                           \
			 " namespace, and only that, gets a new inode",        \
		.property =                                                    \
			"a child made with only the " t_ " flag has a new "    \
			"/proc/PID/ns/" t_                                     \
			" inode and the parent's for every "                   \
			"other type",                                          \
		.expect = "differing inodes: " t_,                             \
		.req = { .root = true, .ns = NS_BIT(bit_) },                   \
		.tags = { "ns", "identity" }, .run = run_                      \
	}

#define USER_REQ                                                               \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_USER),                           \
		.features = FEAT_BIT(FEAT_USERNS)                              \
	}

static const struct scenario ns_identity[] = {
	{ .id = "ns/inodes-differ",
	  .title = "new namespaces have new /proc/PID/ns inodes",
	  .property = "each namespace type created anew has a /proc/PID/ns "
		      "inode different from the parent's, and only those",
	  .expect = "every requested type differs",
	  .req = { .root = true },
	  .tags = { "ns", "identity", "core" },
	  .run = inodes_differ },
	NEW_SCENARIO("cgroup", NS_CGROUP, new_cgroup),
	NEW_SCENARIO("ipc", NS_IPC, new_ipc),
	NEW_SCENARIO("mnt", NS_MNT, new_mnt),
	NEW_SCENARIO("net", NS_NET, new_net),
	NEW_SCENARIO("pid", NS_PID, new_pid),
	NEW_SCENARIO("time", NS_TIME, new_time),
	NEW_SCENARIO("user", NS_USER, new_user),
	NEW_SCENARIO("uts", NS_UTS, new_uts),
	{ .id = "ns/setns-gives-target-inode",
	  .title = "setns() gives the target's namespaces",
	  .property = "after setns() with each of a target's nsfs fds, the "
		      "joiner's inodes (for pid and time: *_for_children) "
		      "equal the target's",
	  .expect = "equal for every type",
	  .req = { .root = true },
	  .tags = { "ns", "identity", "setns", "core" },
	  .run = setns_gives_target },
	{ .id = "ns/setns-wrong-type-einval",
	  .title = "setns() with an fd of the wrong type fails",
	  .property = "setns() with a net namespace fd and nstype "
		      "CLONE_NEWUTS fails with EINVAL",
	  .expect = "EINVAL",
	  .req = { .root = true, .ns = NS_BIT(NS_NET) | NS_BIT(NS_UTS) },
	  .tags = { "ns", "setns" },
	  .run = setns_wrong_type },
	{ .id = "ns/ioctl-get-userns",
	  .title = "NS_GET_USERNS returns the owning user namespace",
	  .property = "for a uts namespace created together with a new user "
		      "namespace, NS_GET_USERNS returns that user namespace",
	  .expect = "the child's user ns",
	  .req = USER_REQ,
	  .tags = { "ns", "identity", "ioctl" },
	  .run = ioctl_get_userns },
	{ .id = "ns/ioctl-get-parent",
	  .title = "NS_GET_PARENT returns the parent PID namespace",
	  .property = "NS_GET_PARENT on a child's new pid namespace returns "
		      "ours (and EPERM at the top)",
	  .expect = "our pid ns",
	  .req = { .root = true, .ns = NS_BIT(NS_PID) },
	  .tags = { "ns", "identity", "ioctl" },
	  .run = ioctl_get_parent },
	{ .id = "ns/ioctl-owner-uid",
	  .title = "NS_GET_OWNER_UID returns the creator's uid",
	  .property = "a user namespace created by uid 100000 answers "
		      "NS_GET_OWNER_UID with 100000",
	  .expect = "100000",
	  .req = USER_REQ,
	  .tags = { "ns", "identity", "ioctl" },
	  .run = ioctl_owner_uid },
};

BOXCHECK_AREA(ns_identity, ns_identity);
