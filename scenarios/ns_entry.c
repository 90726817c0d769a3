// SPDX-License-Identifier: MIT
/*
 * Entry points: the core properties through clone(), clone3() and
 * unshare()+fork alike. One observe function per property, the entry point
 * a parameter; and joining several namespaces at once through a pidfd.
 */
#include "pidns.h"
#include "../primitives/mutant.h"

#include <string.h>

#define ENTRY_NS (NS_BIT(NS_IPC) | NS_BIT(NS_NET) | NS_BIT(NS_UTS))
#define ENTRY_NAME "boxcheck-entry"

/*
 * Run fn through `via`, with the flags only when isolating. -ENOSYS from
 * the spawn itself is clone3 missing (the harness probed it: a skip);
 * anything else that did not report is an error naming `what`.
 */
static int entry_run(struct ctx *c, enum ns_via via, unsigned long flags,
		     child_fn fn, void *arg, void *out, size_t len)
{
	struct nsrun r = { .via = via, .flags = c->isolate ? flags : 0 };
	struct child_res res;
	int ret = nsrun_raw(&r, fn, arg, out, len, &res);

	ctx_kv(c, "entry", "%s", ns_via_names[via]);
	if (ret == -ENOSYS && via == NS_VIA_CLONE3 && !res.step[0])
		return ctx_skip(c, "%s", feature_table[FEAT_CLONE3].missing);
	if (ret < 0 && ret != -ECHILD && res.step[0])
		ret = -ECHILD; /* a named step: describe it */
	return child_res_check(c, "run the child", ret, &res);
}

/* ---- pid 1 ----------------------------------------------------------- */

static int report_view(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)len;
	pid_view_read(out);
	return 0;
}

static int observe_pid1(struct ctx *c, struct pid_view *o, enum ns_via via)
{
	return entry_run(c, via, CLONE_NEWPID, report_view, NULL, o,
			 sizeof(*o));
}

static enum obs judge_pid1(struct judge *j, const struct pid_view *o)
{
	judge_kv(j, "getpid", "%d", o->pid);
	return judge_holds(j, o->pid == 1, "getpid()=%d", o->pid);
}

/* ---- hostname -------------------------------------------------------- */

struct names {
	char inside[65];  /* the child's hostname after setting it */
	char outside[65]; /* ours, after the child set its own */
};

/* Sets our hostname and reads it back into out (len bytes). */
static int set_name(void *arg, void *out, size_t len)
{
	(void)arg;
	if (sethostname(ENTRY_NAME, strlen(ENTRY_NAME)) < 0)
		return child_fail("sethostname", neg_errno());
	if (gethostname(out, len - 1) < 0)
		return child_fail("gethostname", neg_errno());
	return 0;
}

/* Our hostname, read outside the child's namespace (mutation point). */
static int outside_name(char *buf, size_t len)
{
	if (mutant_on(M_NS_HOSTNAME)) {
		snprintf(buf, len, "(mutant)");
		return 0;
	}
	return gethostname(buf, len - 1) < 0 ? neg_errno() : 0;
}

static int observe_uts(struct ctx *c, struct names *o, enum ns_via via)
{
	TRY(c, unshare(CLONE_NEWUTS) < 0 ? neg_errno() : 0,
	    "make the stand-in outer UTS namespace");
	TRY_OBS(entry_run(c, via, CLONE_NEWUTS, set_name, NULL, o->inside,
			  sizeof(o->inside)));
	TRY(c, outside_name(o->outside, sizeof(o->outside)), "gethostname");
	return 0;
}

static enum obs judge_uts(struct judge *j, const struct names *o)
{
	bool set = strcmp(o->inside, ENTRY_NAME) == 0;

	judge_kv(j, "inside", "%s", o->inside);
	judge_kv(j, "outside after", "%s", o->outside);
	if (!set)
		return judge_unknown(j, "the child's hostname reads \"%s\"",
				     o->inside);
	return judge_holds(j, strcmp(o->outside, ENTRY_NAME) != 0,
			   "inside reads \"%s\", outside \"%s\"", o->inside,
			   o->outside);
}

/* ---- inodes ---------------------------------------------------------- */

struct entry_ids {
	unsigned differ; /* types whose inode differs from ours */
};

static int report_ids(void *arg, void *out, size_t len)
{
	struct ns_id *ids = out;
	int r;

	(void)arg;
	(void)len;
	for (int t = 0; t < NS__COUNT; t++)
		if ((ENTRY_NS & NS_BIT(t)) && (r = ns_id_of(0, t, &ids[t])) < 0)
			return child_fail(ns_table[t].name, r);
	return 0;
}

static int observe_inodes(struct ctx *c, struct entry_ids *o, enum ns_via via)
{
	struct ns_id ids[NS__COUNT];

	TRY_OBS(entry_run(c, via, ns_flags(ENTRY_NS), report_ids, NULL, ids,
			  sizeof(ids)));
	TRY(c, ns_differ_ids(0, ids, ENTRY_NS, &o->differ), "stat our inodes");
	return 0;
}

static enum obs judge_inodes(struct judge *j, const struct entry_ids *o)
{
	char list[64] = "";

	ns_format_list(o->differ, list, sizeof(list));
	judge_kv(j, "differ", "%s", o->differ ? list : "none");
	return judge_holds(j, o->differ == ENTRY_NS, "differing inodes: %s",
			   o->differ ? list : "none");
}

#define ENTRY_CHECK(prop_, type_, via_)                                        \
	static int observe_##prop_##_##via_(struct ctx *c, type_ *o)           \
	{                                                                      \
		return observe_##prop_(c, o, NS_VIA_##via_);                   \
	}                                                                      \
	CHECK(prop_##_##via_, type_, observe_##prop_##_##via_, judge_##prop_)
#define ENTRY_VARIANTS(prop_, type_)                                           \
	ENTRY_CHECK(prop_, type_, CLONE);                                      \
	ENTRY_CHECK(prop_, type_, CLONE3);                                     \
	ENTRY_CHECK(prop_, type_, UNSHARE)
ENTRY_VARIANTS(pid1, struct pid_view);
ENTRY_VARIANTS(uts, struct names);
ENTRY_VARIANTS(inodes, struct entry_ids);

/* ---- setns through a pidfd -------------------------------------------- */

struct pidfd_join {
	pid_t target;
	bool join; /* the action: the control does not join */
};

static int join_by_pidfd(void *arg, void *out, size_t len)
{
	const struct pidfd_join *a = arg;
	int r;

	if (a->join && (r = ns_join_pidfd(a->target, ENTRY_NS)) < 0)
		return child_fail("setns(pidfd, ipc|net|uts)", r);
	return report_ids(NULL, out, len);
}

struct joined {
	unsigned same; /* types where the joiner's inode is the target's */
};

static int observe_pidfd(struct ctx *c, struct joined *o)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	struct pidfd_join a = { .join = c->isolate };
	struct ns_id ids[NS__COUNT];
	unsigned differ;

	TRY(c, holder_start(&h, ns_flags(ENTRY_NS)), "clone the target");
	a.target = h.pid;
	TRY_OBS(run_in_child(c, "run the joiner", 0, join_by_pidfd, &a, ids,
			     sizeof(ids)));
	TRY(c, ns_differ_ids(h.pid, ids, ENTRY_NS, &differ),
	    "stat the target's inodes");
	o->same = ENTRY_NS & ~differ;
	return 0;
}

static enum obs judge_pidfd(struct judge *j, const struct joined *o)
{
	char list[64] = "";

	ns_format_list(o->same, list, sizeof(list));
	judge_kv(j, "joined", "%s", o->same ? list : "none");
	return judge_holds(j, o->same == ENTRY_NS,
			   "one setns(pidfd) joined: %s",
			   o->same ? list : "none");
}
CHECK(setns_pidfd_several, struct joined, observe_pidfd, judge_pidfd);

#define ENTRY_REQ(f_)                                                          \
	{                                                                      \
		.root = true,                                                  \
		.ns = NS_BIT(NS_PID) | NS_BIT(NS_UTS) | NS_BIT(NS_IPC) |       \
		      NS_BIT(NS_NET),                                          \
		.features = (f_)                                               \
	}
#define ENTRY_SCENARIO(via_, prop_, what_, expect_, check_, f_)                \
	{                                                                      \
		.id = "ns/entry-" via_ "-" prop_,                              \
		.title = what_ " through " via_,                               \
		.property =                                                    \
			what_ " when the namespaces are made through " via_,   \
		.expect = expect_, .req = ENTRY_REQ(f_),                       \
		.tags = { "ns", "entry" }, .check = &check_                    \
	}
#define ENTRY_ROWS(prop_, what_, expect_)                                      \
	ENTRY_SCENARIO("clone", #prop_, what_, expect_, prop_##_CLONE, 0),     \
		ENTRY_SCENARIO("clone3", #prop_, what_, expect_,               \
			       prop_##_CLONE3, FEAT_BIT(FEAT_CLONE3)),         \
		ENTRY_SCENARIO("unshare", #prop_, what_, expect_,              \
			       prop_##_UNSHARE, 0)

static const struct scenario ns_entry[] = {
	ENTRY_ROWS(pid1, "the first process of a new PID namespace is PID 1",
		   "getpid()=1"),
	ENTRY_ROWS(uts, "a hostname set inside is invisible outside",
		   "outside does not read the child's name"),
	ENTRY_ROWS(inodes, "new ipc, net and uts namespaces get new inodes",
		   "differing inodes: ipc,net,uts"),
	{ .id = "ns/setns-pidfd-several",
	  .title = "setns() through a pidfd joins several namespaces at once",
	  .property = "one setns(pidfd, CLONE_NEWIPC|CLONE_NEWNET|"
		      "CLONE_NEWUTS) gives the target's three namespaces",
	  .expect = "one setns(pidfd) joined: ipc,net,uts",
	  .req = ENTRY_REQ(FEAT_BIT(FEAT_PIDFD_SETNS)),
	  .tags = { "ns", "entry", "setns" },
	  .check = &setns_pidfd_several },
};

BOXCHECK_AREA(ns_entry, ns_entry);
