// SPDX-License-Identifier: MIT
/*
 * Entry points: the core properties through clone(), clone3() and
 * unshare()+fork alike. One run function per property, the entry point a
 * parameter; and joining several namespaces at once through a pidfd.
 */
#include "nsrun.h"

#include <string.h>

#define ENTRY_NS (NS_BIT(NS_IPC) | NS_BIT(NS_NET) | NS_BIT(NS_UTS))
#define ENTRY_NAME "boxcheck-entry"

static int report_pid(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)len;
	*(pid_t *)out = getpid();
	return 0;
}

static int set_name(void *arg, void *out, size_t len)
{
	(void)arg;
	(void)len;
	*(int *)out =
		sethostname(ENTRY_NAME, strlen(ENTRY_NAME)) < 0 ? errno : 0;
	return 0;
}

static int report_ids(void *arg, void *out, size_t len)
{
	struct ns_id *ids = out;

	(void)arg;
	(void)len;
	for (int t = 0; t < NS__COUNT; t++)
		if (ENTRY_NS & NS_BIT(t))
			ns_id_of(0, t, &ids[t]);
	return 0;
}

/* Run fn through `via`; a missing clone3 is a skip, not an error. */
static int entry_run(struct ctx *c, enum ns_via via, unsigned long flags,
		     child_fn fn, void *out, size_t len)
{
	struct nsrun r = { .via = via, .flags = c->isolate ? flags : 0 };

	return legacy_nsrun(&r, fn, NULL, out, len, NULL);
}

#define SKIP_OR_TRY(c, r, what)                                                \
	do {                                                                   \
		if ((r) == -ENOSYS)                                            \
			return ctx_skip(c, "%s",                               \
					feature_table[FEAT_CLONE3].missing);   \
		TRY(c, r, what);                                               \
	} while (0)

static enum obs entry_pid1(struct ctx *c, enum ns_via via)
{
	pid_t pid = 0;
	int r = entry_run(c, via, CLONE_NEWPID, report_pid, &pid, sizeof(pid));

	SKIP_OR_TRY(c, r, "run the child");
	ctx_kv(c, "entry", "%s", ns_via_names[via]);
	ctx_kv(c, "getpid", "%d", pid);
	return ctx_holds(c, pid == 1, "via %s: getpid()=%d", ns_via_names[via],
			 pid);
}

static enum obs entry_uts(struct ctx *c, enum ns_via via)
{
	char after[65] = "";
	int err = 0, r;

	TRY(c, unshare(CLONE_NEWUTS) < 0 ? neg_errno() : 0,
	    "make the stand-in outer UTS namespace");
	r = entry_run(c, via, CLONE_NEWUTS, set_name, &err, sizeof(err));
	SKIP_OR_TRY(c, r, "run the child");
	if (err)
		return ctx_error(c, -err, "sethostname in the child");
	gethostname(after, sizeof(after) - 1);
	ctx_kv(c, "entry", "%s", ns_via_names[via]);
	ctx_kv(c, "outside after", "%s", after);
	return ctx_holds(c, strcmp(after, ENTRY_NAME) != 0,
			 "via %s: outside reads \"%s\"", ns_via_names[via],
			 after);
}

static enum obs entry_inodes(struct ctx *c, enum ns_via via)
{
	struct ns_id ids[NS__COUNT];
	unsigned differ = 0;
	char list[64] = "";
	int r = entry_run(c, via, ns_flags(ENTRY_NS), report_ids, ids,
			  sizeof(ids));

	SKIP_OR_TRY(c, r, "run the child");
	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id mine;
		if ((ENTRY_NS & NS_BIT(t)) && ns_id_of(0, t, &mine) == 0 &&
		    !ns_id_equal(&mine, &ids[t]))
			differ |= NS_BIT(t);
	}
	ns_format_list(differ, list, sizeof(list));
	ctx_kv(c, "entry", "%s", ns_via_names[via]);
	ctx_kv(c, "differ", "%s", differ ? list : "none");
	return ctx_holds(c, differ == ENTRY_NS, "via %s: differing inodes: %s",
			 ns_via_names[via], differ ? list : "none");
}

#define ENTRY_VARIANTS(prop_)                                                  \
	static enum obs prop_##_clone(struct ctx *c)                           \
	{                                                                      \
		return entry_##prop_(c, NS_VIA_CLONE);                         \
	}                                                                      \
	static enum obs prop_##_clone3(struct ctx *c)                          \
	{                                                                      \
		return entry_##prop_(c, NS_VIA_CLONE3);                        \
	}                                                                      \
	static enum obs prop_##_unshare(struct ctx *c)                         \
	{                                                                      \
		return entry_##prop_(c, NS_VIA_UNSHARE);                       \
	}
ENTRY_VARIANTS(pid1)
ENTRY_VARIANTS(uts)
ENTRY_VARIANTS(inodes)

/* ---- setns through a pidfd -------------------------------------------- */

static int join_by_pidfd(void *arg, void *out, size_t len)
{
	const pid_t *a = arg; /* target pid, isolate */

	if (a[1] && ns_join_pidfd(a[0], ENTRY_NS) < 0)
		return 1;
	return report_ids(NULL, out, len);
}

static enum obs setns_pidfd_several(struct ctx *c)
{
	_cleanup_holder_ struct holder h = HOLDER_INIT;
	struct ns_id ids[NS__COUNT];
	unsigned same = 0;
	char list[64] = "";
	pid_t a[2];
	int st;

	TRY(c, holder_start(&h, ns_flags(ENTRY_NS)), "clone the target");
	a[0] = h.pid;
	a[1] = c->isolate;
	TRY(c, legacy_run_in_child(0, join_by_pidfd, a, ids, sizeof(ids), &st),
	    "run the joiner");
	if (exit_code_of(st))
		return ctx_error(c, 0, "setns(pidfd, ipc|net|uts) failed");
	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id want;
		if ((ENTRY_NS & NS_BIT(t)) && ns_id_of(h.pid, t, &want) == 0 &&
		    ns_id_equal(&want, &ids[t]))
			same |= NS_BIT(t);
	}
	ns_format_list(same, list, sizeof(list));
	ctx_kv(c, "joined", "%s", same ? list : "none");
	return ctx_holds(c, same == ENTRY_NS, "one setns(pidfd) joined: %s",
			 same ? list : "none");
}

#define ENTRY_REQ(f_)                                                          \
	{                                                                      \
		.root = true,                                                  \
		.ns = NS_BIT(NS_PID) | NS_BIT(NS_UTS) | NS_BIT(NS_IPC) |       \
		      NS_BIT(NS_NET),                                          \
		.features = (f_)                                               \
	}
#define ENTRY_SCENARIO(via_, prop_, what_, expect_, run_, f_)                  \
	{                                                                      \
		.id = "ns/entry-" via_ "-" prop_,                              \
		.title = what_ " through " via_,                               \
		.property =                                                    \
			what_ " when the namespaces are made through " via_,   \
		.expect = expect_, .req = ENTRY_REQ(f_),                       \
		.tags = { "ns", "entry" }, .run = run_                         \
	}
#define ENTRY_ROWS(prop_, what_, expect_)                                      \
	ENTRY_SCENARIO("clone", #prop_, what_, expect_, prop_##_clone, 0),     \
		ENTRY_SCENARIO("clone3", #prop_, what_, expect_,               \
			       prop_##_clone3, 0),                             \
		ENTRY_SCENARIO("unshare", #prop_, what_, expect_,              \
			       prop_##_unshare, 0)

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
	  .run = setns_pidfd_several },
};

BOXCHECK_AREA(ns_entry, ns_entry);
