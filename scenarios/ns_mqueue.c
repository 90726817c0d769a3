// SPDX-License-Identifier: MIT
/*
 * The mqueue filesystem and its sysctls belong to the IPC namespace. A
 * child mounts mqueue, or changes fs.mqueue.msg_default or msgsize_default,
 * in a new IPC namespace, or (control) in the worker's own, which the
 * runner fenced off from the host's; queues made here are removed again.
 */
#include "nsmore.h"

#include <fcntl.h>
#include <mqueue.h>
#include <string.h>
#include <sys/mount.h>

#define OUTER_Q "boxcheck-outer"
#define INNER_Q "boxcheck-inner"

static int mq_make(const char *name, const struct mq_attr *attr)
{
	char path[64];
	mqd_t q;

	snprintf(path, sizeof(path), "/%s", name);
	q = mq_open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600, attr);
	if (q == (mqd_t)-1)
		return neg_errno();
	mq_close(q);
	return 0;
}

struct mq_listing {
	bool outer, inner; /* listed in the child's mqueue mount */
};

/* Mount mqueue, make our queue, list: M_MQ_VIEW shows our own only. */
static int list_mqueue(void *arg, void *out, size_t len)
{
	struct mq_listing *o = out;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	int r;

	(void)arg;
	(void)len;
	if (mkdir("mq", 0700) < 0 && errno != EEXIST)
		return child_fail("mkdir mq", neg_errno());
	if (mount("mqueue", "mq", "mqueue", 0, NULL) < 0)
		return child_fail("mount mqueue", neg_errno());
	if ((r = mq_make(INNER_Q, NULL)) < 0)
		return child_fail("mq_open " INNER_Q, r);
	if (!(d = opendir("mq")))
		return child_fail("opendir mq", neg_errno());
	while ((e = readdir(d))) {
		o->outer |= strcmp(e->d_name, OUTER_Q) == 0;
		o->inner |= strcmp(e->d_name, INNER_Q) == 0;
	}
	if (mutant_on(M_MQ_VIEW))
		o->outer = false;
	return 0;
}

static int observe_mqfs(struct ctx *c, struct mq_listing *o)
{
	TRY_OBS(ns_fenced(c, NS_IPC));
	TRY(c, mq_make(OUTER_Q, NULL), "mq_open " OUTER_Q " here");
	TRY_OBS(run_in_child(c, "list mqueue in the child",
			     CLONE_NEWNS | (c->isolate ? CLONE_NEWIPC : 0),
			     list_mqueue, NULL, o, sizeof(*o)));
	mq_unlink("/" OUTER_Q);
	mq_unlink("/" INNER_Q);
	return 0;
}

static enum obs judge_mqfs(struct judge *j, const struct mq_listing *o)
{
	judge_kv(j, OUTER_Q " listed", "%s", o->outer ? "yes" : "no");
	judge_kv(j, INNER_Q " listed", "%s", o->inner ? "yes" : "no");
	if (!o->inner)
		return judge_unknown(j, "the child's own queue is not listed");
	return judge_holds(j, !o->outer,
			   "the child's mqueue mount %s the outer queue",
			   o->outer ? "lists" : "does not list");
}
CHECK(mqfs_own_queues, struct mq_listing, observe_mqfs, judge_mqfs);

/* A queue made with default attributes: maxmsg and msgsize. */
static int mq_defaults(long *maxmsg, long *msgsize)
{
	struct mq_attr a;
	mqd_t q = mq_open("/boxcheck-dflt", O_CREAT | O_RDWR | O_CLOEXEC, 0600,
			  NULL);
	int r = 0;

	if (q == (mqd_t)-1)
		return neg_errno();
	if (mq_getattr(q, &a) < 0)
		r = neg_errno();
	mq_close(q);
	mq_unlink("/boxcheck-dflt");
	if (r < 0)
		return r;
	*maxmsg = mutant_on(M_MQ_VIEW) ? 10 : a.mq_maxmsg;
	*msgsize = mutant_on(M_MQ_VIEW) ? 8192 : a.mq_msgsize;
	return r;
}

struct mq_default {
	const char *sysctl, *value;
	bool size; /* msgsize, else maxmsg */
};
static const struct mq_default mq_dflt[] = {
	{ "fs/mqueue/msg_default", "5", false },
	{ "fs/mqueue/msgsize_default", "1024", true },
};

struct dflt_seen {
	int kind;
	char inside[32];
	long before, after; /* the default attribute of a new queue here */
};

static int observe_dflt(struct ctx *c, struct dflt_seen *o, int kind)
{
	const struct mq_default *d = &mq_dflt[kind];
	long other;

	o->kind = kind;
	TRY_OBS(ns_fenced(c, NS_IPC));
	TRY(c,
	    mq_defaults(d->size ? &other : &o->before,
			d->size ? &o->before : &other),
	    "make a queue");
	TRY_OBS(sysctl_in_child(c, NS_IPC, d->sysctl, d->value, o->inside,
				sizeof(o->inside)));
	TRY(c,
	    mq_defaults(d->size ? &other : &o->after,
			d->size ? &o->after : &other),
	    "make a queue again");
	return 0;
}

static enum obs judge_dflt(struct judge *j, const struct dflt_seen *o)
{
	const struct mq_default *d = &mq_dflt[o->kind];
	long v = atol(d->value);

	judge_kv(j, "child set", "%s = %s", d->sysctl, d->value);
	judge_kv(j, "before", "%ld", o->before);
	judge_kv(j, "after", "%ld", o->after);
	if (strcmp(o->inside, d->value) != 0)
		return judge_unknown(j, "the child's write did not take (%s)",
				     o->inside);
	if (o->before == v)
		return judge_unknown(j, "the default was %ld already", v);
	return judge_holds(j, o->after == o->before,
			   "a new queue outside gets %s %ld (was %ld)",
			   d->size ? "mq_msgsize" : "mq_maxmsg", o->after,
			   o->before);
}

static int observe_maxmsg(struct ctx *c, struct dflt_seen *o)
{
	return observe_dflt(c, o, 0);
}

static int observe_msgsize(struct ctx *c, struct dflt_seen *o)
{
	return observe_dflt(c, o, 1);
}
CHECK(mq_msg_default, struct dflt_seen, observe_maxmsg, judge_dflt);
CHECK(mq_msgsize_default, struct dflt_seen, observe_msgsize, judge_dflt);

#define MQ_REQ                                                                 \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_IPC) | NS_BIT(NS_MNT),           \
		.fs = { "mqueue" }                                             \
	}

static const struct scenario ns_mqueue[] = {
	{ .id = "mqueue/fs-shows-own-queues",
	  .title = "an mqueue mount shows its own namespace's queues",
	  .property = "mqueue mounted in a new IPC namespace lists the "
		      "queues made there and not the outer ones",
	  .expect = "the outer queue is not listed",
	  .req = MQ_REQ,
	  .tags = { "ipc", "mqueue" },
	  .check = &mqfs_own_queues },
	{ .id = "mqueue/msg-default-per-ns",
	  .title = "fs.mqueue.msg_default is per IPC namespace",
	  .property = "msg_default lowered in a new IPC namespace leaves the "
		      "mq_maxmsg of queues made outside unchanged",
	  .expect = "mq_maxmsg outside unchanged",
	  .req = { .root = true, .ns = NS_BIT(NS_IPC), .fs = { "mqueue" } },
	  .tags = { "ipc", "mqueue" },
	  .check = &mq_msg_default },
	{ .id = "mqueue/msgsize-default-per-ns",
	  .title = "fs.mqueue.msgsize_default is per IPC namespace",
	  .property = "msgsize_default lowered in a new IPC namespace leaves "
		      "the mq_msgsize of queues made outside unchanged",
	  .expect = "mq_msgsize outside unchanged",
	  .req = { .root = true, .ns = NS_BIT(NS_IPC), .fs = { "mqueue" } },
	  .tags = { "ipc", "mqueue" },
	  .check = &mq_msgsize_default },
};

BOXCHECK_AREA(ns_mqueue, ns_mqueue);
