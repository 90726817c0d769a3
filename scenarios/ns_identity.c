// SPDX-License-Identifier: MIT
/* Namespace identity: /proc/PID/ns inodes, setns and the ioctl_ns(2) queries. */
#include "nsrun.h"

#include <string.h>
#include <sys/prctl.h>

/* Types clone() can create (time needs clone3 or unshare). */
#define CLONEABLE (NS_ALL & ~NS_BIT(NS_TIME))

/* ---- /proc/PID/ns inodes ---------------------------------------------- */

struct inodes {
	unsigned avail;	 /* types this kernel has */
	unsigned differ; /* types whose inode differs between child and us */
};

/* A child made with `mask` (only the action depends on the run). */
static int observe_inodes(struct ctx *c, struct inodes *o, unsigned mask)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;

	o->avail = ns_available();
	TRY(c, holder_start(&h, ns_flags(c->isolate ? mask & o->avail : 0)),
	    "clone the child");
	TRY(c, ns_differ(0, h.pid, o->avail, &o->differ), "stat the inodes");
	return 0;
}

/* The types in want differ, and only they: unasked types stay shared. */
static enum obs judge_differ(struct judge *j, const struct inodes *o,
			     unsigned want)
{
	char w[96] = "", d[96] = "";

	ns_format_list(want, w, sizeof(w));
	ns_format_list(o->differ, d, sizeof(d));
	judge_kv(j, "expected to differ", "%s", want ? w : "none");
	judge_kv(j, "differ", "%s", o->differ ? d : "none");
	return judge_holds(j, want && o->differ == want, "differing inodes: %s",
			   o->differ ? d : "none");
}

static int observe_all(struct ctx *c, struct inodes *o)
{
	return observe_inodes(c, o, CLONEABLE);
}

/* Expected: every type a container asks for that clone() can make. */
static enum obs judge_all(struct judge *j, const struct inodes *o)
{
	return judge_differ(j, o, o->avail & CLONEABLE);
}
CHECK(inodes_differ, struct inodes, observe_all, judge_all);

/* One type only: that one differs, the seven others are the parent's. */
#define NEW_ONE(name_, t_)                                                     \
	static int observe_##name_(struct ctx *c, struct inodes *o)            \
	{                                                                      \
		return observe_inodes(c, o, NS_BIT(t_));                       \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j, const struct inodes *o) \
	{                                                                      \
		return judge_differ(j, o, NS_BIT(t_));                         \
	}                                                                      \
	CHECK(new_##name_, struct inodes, observe_##name_, judge_##name_)
NEW_ONE(cgroup, NS_CGROUP);
NEW_ONE(ipc, NS_IPC);
NEW_ONE(mnt, NS_MNT);
NEW_ONE(net, NS_NET);
NEW_ONE(pid, NS_PID);
NEW_ONE(time, NS_TIME);
NEW_ONE(user, NS_USER);
NEW_ONE(uts, NS_UTS);

/* ---- setns ----------------------------------------------------------- */

struct join {
	pid_t target;
	unsigned mask;
	bool iso;
};

/* Our ids after joining; pid and time show in *_for_children. */
static int join_and_report(void *arg, void *out, size_t len)
{
	const struct join *jn = arg;
	struct ns_id *ids = out;
	char path[64];
	int r;

	(void)len;
	if (jn->iso && (r = ns_join(jn->target, jn->mask)) < 0)
		return child_fail("setns", r);
	for (int t = 0; t < NS__COUNT; t++) {
		const char *f = ns_table[t].for_children ?: ns_table[t].name;
		if (!(jn->mask & NS_BIT(t)))
			continue;
		snprintf(path, sizeof(path), "/proc/self/ns/%s", f);
		if ((r = ns_id_of_path(path, &ids[t])) < 0)
			return child_fail(path, r);
	}
	return 0;
}

struct joined {
	unsigned avail; /* types this kernel has */
	unsigned same;	/* types where the joiner's inode is the target's */
};

static int observe_setns(struct ctx *c, struct joined *o)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	struct join jn = { .mask = ns_available(), .iso = c->isolate };
	struct ns_id ids[NS__COUNT], want;

	o->avail = jn.mask;
	TRY(c, holder_start(&h, ns_flags(jn.mask)), "clone the target");
	jn.target = h.pid;
	TRY_OBS(run_in_child(c, "run the joiner", 0, join_and_report, &jn, ids,
			     sizeof(ids)));
	for (int t = 0; t < NS__COUNT; t++) {
		if (!(jn.mask & NS_BIT(t)))
			continue;
		TRY(c, ns_id_of(h.pid, t, &want), "stat the target's inodes");
		if (ns_id_equal(&want, &ids[t]))
			o->same |= NS_BIT(t);
	}
	return 0;
}

static enum obs judge_setns(struct judge *j, const struct joined *o)
{
	char list[96] = "";

	ns_format_list(o->same, list, sizeof(list));
	judge_kv(j, "same as the target", "%s", o->same ? list : "none");
	return judge_holds(j, o->same == o->avail,
			   "joiner's inodes equal the target's for: %s",
			   o->same ? list : "none");
}
CHECK(setns_gives_target, struct joined, observe_setns, judge_setns);

static int setns_typed(void *arg, void *out, size_t len)
{
	const int *a = arg; /* fd, type */

	(void)len;
	*(int *)out = -ns_setns(a[0], a[1]);
	return 0;
}

struct setns_err {
	int err; /* errno of setns(), 0 if it succeeded */
};

/* The action: the nstype given; the control gives the fd's own type. */
static int observe_wrong_type(struct ctx *c, struct setns_err *o)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int fd = -1;
	int a[2];

	TRY(c, holder_start(&h, CLONE_NEWNET), "clone the target");
	fd = TRY(c, ns_open(h.pid, NS_NET), "open its net ns");
	a[0] = fd;
	a[1] = c->isolate ? NS_UTS : NS_NET;
	ctx_kv(c, "nstype given", "%s", ns_table[a[1]].name);
	TRY_OBS(run_in_child(c, "run the joiner", 0, setns_typed, a, &o->err,
			     sizeof(o->err)));
	return 0;
}

static enum obs judge_wrong_type(struct judge *j, const struct setns_err *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "setns", "%s", e);
	return judge_holds(j, o->err == EINVAL, "setns(net fd, nstype): %s", e);
}
CHECK(setns_wrong_type, struct setns_err, observe_wrong_type, judge_wrong_type);

/* ---- ioctl_ns(2) ----------------------------------------------------- */

struct owner {
	struct ns_id got, theirs, mine; /* answer, child's user ns, ours */
};

static int observe_get_userns(struct ctx *c, struct owner *o)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int fd = -1, owner = -1;

	TRY(c,
	    holder_start(&h, CLONE_NEWUTS | (c->isolate ? CLONE_NEWUSER : 0)),
	    "clone the child");
	fd = TRY(c, ns_open(h.pid, NS_UTS), "open its uts ns");
	owner = TRY(c, ns_get_userns(fd), "NS_GET_USERNS");
	TRY(c, ns_id_of_fd(owner, &o->got), "fstat");
	TRY(c, ns_id_of(h.pid, NS_USER, &o->theirs), "stat its user ns");
	TRY(c, ns_id_of(0, NS_USER, &o->mine), "stat our user ns");
	return 0;
}

static enum obs judge_get_userns(struct judge *j, const struct owner *o)
{
	bool theirs = ns_id_equal(&o->got, &o->theirs);
	bool mine = ns_id_equal(&o->got, &o->mine);

	judge_kv(j, "owner", "%lu", (unsigned long)o->got.ino);
	judge_kv(j, "child's user ns", "%lu", (unsigned long)o->theirs.ino);
	return judge_holds(j, theirs && !mine,
			   "NS_GET_USERNS of the child's uts ns is %s",
			   mine ? "our user ns" : "the child's user ns");
}
CHECK(ioctl_get_userns, struct owner, observe_get_userns, judge_get_userns);

struct parent {
	int err; /* NS_GET_PARENT's errno, 0 if it gave an fd */
	struct ns_id got, mine;
};

static int observe_get_parent(struct ctx *c, struct parent *o)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	_cleanup_close_ int fd = -1, parent = -1;

	TRY(c, holder_start(&h, c->isolate ? CLONE_NEWPID : 0),
	    "clone the child");
	fd = TRY(c, ns_open(h.pid, NS_PID), "open its pid ns");
	TRY(c, ns_id_of(0, NS_PID, &o->mine), "stat our pid ns");
	parent = ns_get_parent(fd);
	if (parent >= 0)
		TRY(c, ns_id_of_fd(parent, &o->got), "fstat");
	o->err = parent < 0 ? -parent : 0;
	return 0;
}

static enum obs judge_get_parent(struct judge *j, const struct parent *o)
{
	bool ours = !o->err && ns_id_equal(&o->got, &o->mine);

	judge_kv(j, "NS_GET_PARENT", "%s",
		 o->err ? strerrorname_np(o->err) : "an fd");
	return judge_holds(j, ours, "NS_GET_PARENT of the child's pid ns: %s",
			   o->err ? strerrorname_np(o->err)
			   : ours ? "our pid ns"
				  : "another ns");
}
CHECK(ioctl_get_parent, struct parent, observe_get_parent, judge_get_parent);

struct owner_uid {
	uid_t uid; /* NS_GET_OWNER_UID of the child's user ns */
};

/* A child of uid 100000 makes (or not) a user ns; we query from outside. */
static int observe_owner_uid(struct ctx *c, struct owner_uid *o)
{
	_cleanup_chan_ struct chan ready = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_close_ int fd = -1;
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
	TRY(c, ns_get_owner_uid(fd, &o->uid), "NS_GET_OWNER_UID");
	return 0;
}

static enum obs judge_owner_uid(struct judge *j, const struct owner_uid *o)
{
	judge_kv(j, "NS_GET_OWNER_UID", "%u", o->uid);
	return judge_holds(j, o->uid == UNPRIV_ID,
			   "owner of the user ns of uid %u: %u", UNPRIV_ID,
			   o->uid);
}
CHECK(ioctl_owner_uid, struct owner_uid, observe_owner_uid, judge_owner_uid);

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
		.tags = { "ns", "identity" }, .check = &run_                   \
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
	  .check = &inodes_differ },
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
	  .check = &setns_gives_target },
	{ .id = "ns/setns-wrong-type-einval",
	  .title = "setns() with an fd of the wrong type fails",
	  .property = "setns() with a net namespace fd and nstype "
		      "CLONE_NEWUTS fails with EINVAL",
	  .expect = "EINVAL",
	  .req = { .root = true, .ns = NS_BIT(NS_NET) | NS_BIT(NS_UTS) },
	  .tags = { "ns", "setns" },
	  .check = &setns_wrong_type },
	{ .id = "ns/ioctl-get-userns",
	  .title = "NS_GET_USERNS returns the owning user namespace",
	  .property = "for a uts namespace created together with a new user "
		      "namespace, NS_GET_USERNS returns that user namespace",
	  .expect = "the child's user ns",
	  .req = USER_REQ,
	  .tags = { "ns", "identity", "ioctl" },
	  .check = &ioctl_get_userns },
	{ .id = "ns/ioctl-get-parent",
	  .title = "NS_GET_PARENT returns the parent PID namespace",
	  .property = "NS_GET_PARENT on a child's new pid namespace returns "
		      "ours (and EPERM at the top)",
	  .expect = "our pid ns",
	  .req = { .root = true, .ns = NS_BIT(NS_PID) },
	  .tags = { "ns", "identity", "ioctl" },
	  .check = &ioctl_get_parent },
	{ .id = "ns/ioctl-owner-uid",
	  .title = "NS_GET_OWNER_UID returns the creator's uid",
	  .property = "a user namespace created by uid 100000 answers "
		      "NS_GET_OWNER_UID with 100000",
	  .expect = "100000",
	  .req = USER_REQ,
	  .tags = { "ns", "identity", "ioctl" },
	  .check = &ioctl_owner_uid },
};

BOXCHECK_AREA(ns_identity, ns_identity);
