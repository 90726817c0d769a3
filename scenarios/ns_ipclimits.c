// SPDX-License-Identifier: MIT
/*
 * IPC limits and the mqueue filesystem belong to the IPC namespace. A child
 * changes a limit (kernel.msgmax, fs.mqueue.msg_default, ...) in a new IPC
 * namespace, or (control) in the worker's own, which the runner fenced off
 * from the host's; the worker then probes the limit from outside with an
 * object of its own, removed again.
 */
#include "nsmore.h"

#include <fcntl.h>
#include <mqueue.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

struct sysctl_arg {
	const char *name, *value;
};

static int set_sysctl(void *arg, void *out, size_t len)
{
	const struct sysctl_arg *a = arg;
	int r = sysctl_set(a->name, a->value);

	if (r < 0)
		return child_fail(a->name, r);
	r = sysctl_get(a->name, out, len);
	return r < 0 ? child_fail("read it back", r) : 0;
}

/* The action: a child writes name=value in a new IPC namespace. */
static int set_in_child(struct ctx *c, const char *name, const char *value,
			char *inside, size_t len)
{
	struct sysctl_arg a = { name, value };

	TRY_OBS(ns_fenced(c, NS_IPC));
	ctx_kv(c, "child writes", "%s = %s", name, value);
	return run_in_child(c, "write the limit in the child",
			    c->isolate ? CLONE_NEWIPC : 0, set_sysctl, &a,
			    inside, len);
}

/* ---- SysV limits: probes with private objects -------------------------- */

static int msg_send(size_t size, int flags)
{
	struct {
		long type;
		char text[256];
	} m = { 1, { 0 } };
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600), r;

	if (id < 0)
		return neg_errno();
	r = msgsnd(id, &m, size, flags) < 0 ? neg_errno() : 0;
	msgctl(id, IPC_RMID, NULL);
	return r;
}

static int probe_msgmax(void)
{
	return msg_send(256, IPC_NOWAIT);
}

static int probe_msgmnb(void)
{
	return msg_send(128, IPC_NOWAIT);
}

static int probe_msgmni(void)
{
	int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);

	if (id < 0)
		return neg_errno();
	msgctl(id, IPC_RMID, NULL);
	return 0;
}

static int probe_shm(void)
{
	int id = shmget(IPC_PRIVATE, 8192, IPC_CREAT | 0600);

	if (id < 0)
		return neg_errno();
	shmctl(id, IPC_RMID, NULL);
	return 0;
}

static int probe_sem(void)
{
	int id = semget(IPC_PRIVATE, 4, IPC_CREAT | 0600);

	if (id < 0)
		return neg_errno();
	semctl(id, 0, IPC_RMID);
	return 0;
}

struct ipc_limit {
	const char *sysctl, *value, *what;
	int (*probe)(void); /* 0 or -errno */
	int limit_err;	    /* its errno at the child's limit */
};

enum { L_MSGMAX, L_MSGMNB, L_MSGMNI, L_SHMMAX, L_SHMALL, L_SHMMNI, L_SEM };
static const struct ipc_limit limits[] = {
	[L_MSGMAX] = { "kernel/msgmax", "128", "msgsnd of 256 bytes",
		       probe_msgmax, EINVAL },
	[L_MSGMNB] = { "kernel/msgmnb", "64",
		       "msgsnd of 128 bytes to a new queue", probe_msgmnb,
		       EAGAIN },
	[L_MSGMNI] = { "kernel/msgmni", "0", "msgget of a new queue",
		       probe_msgmni, ENOSPC },
	[L_SHMMAX] = { "kernel/shmmax", "4096", "shmget of 8192 bytes",
		       probe_shm, EINVAL },
	[L_SHMALL] = { "kernel/shmall", "1", "shmget of 8192 bytes", probe_shm,
		       ENOSPC },
	[L_SHMMNI] = { "kernel/shmmni", "0", "shmget of a new segment",
		       probe_shm, ENOSPC },
	[L_SEM] = { "kernel/sem", "2 32000 32 128", "semget of 4 semaphores",
		    probe_sem, EINVAL },
};

/* The probe's errno; M_IPC_LIMIT: accepted. */
static int ipc_probe(const struct ipc_limit *l, int *err)
{
	int r = l->probe();

	*err = mutant_on(M_IPC_LIMIT) ? 0 : -r;
	return r == 0 || -r == l->limit_err ? 0 : r;
}

struct limit_seen {
	int kind;
	char inside[80];   /* the child's limit read back */
	int before, after; /* errno of the probe outside */
};

static int observe_limit(struct ctx *c, struct limit_seen *o, int kind)
{
	const struct ipc_limit *l = &limits[kind];

	o->kind = kind;
	TRY_OBS(ns_fenced(c, NS_IPC));
	TRY(c, ipc_probe(l, &o->before), "probe outside");
	TRY_OBS(set_in_child(c, l->sysctl, l->value, o->inside,
			     sizeof(o->inside)));
	TRY(c, ipc_probe(l, &o->after), "probe outside again");
	return 0;
}

/* "2\t32000\t32\t128" reads as "2 32000 32 128". */
static bool same_words(const char *a, const char *b)
{
	while (*a && *b) {
		if (strchr(" \t", *a) && strchr(" \t", *b)) {
			a += strspn(a, " \t");
			b += strspn(b, " \t");
		} else if (*a++ != *b++) {
			return false;
		}
	}
	return !*a && !*b;
}

static enum obs judge_limit(struct judge *j, const struct limit_seen *o)
{
	const struct ipc_limit *l = &limits[o->kind];

	judge_kv(j, "child set", "%s = %s", l->sysctl, l->value);
	judge_kv(j, "before", "%s", errname(o->before));
	if (!same_words(o->inside, l->value))
		return judge_unknown(j, "the child's write did not take (%s)",
				     o->inside);
	if (o->before)
		return judge_unknown(j, "%s failed before the child ran (%s)",
				     l->what, errname(o->before));
	return judge_ok(j, o->after, l->limit_err, "outside after", l->what);
}

#define LIMIT_CHECK(name_, kind_)                                              \
	static int observe_##name_(struct ctx *c, struct limit_seen *o)        \
	{                                                                      \
		return observe_limit(c, o, kind_);                             \
	}                                                                      \
	CHECK(name_, struct limit_seen, observe_##name_, judge_limit)
LIMIT_CHECK(msgmax, L_MSGMAX);
LIMIT_CHECK(msgmnb, L_MSGMNB);
LIMIT_CHECK(msgmni, L_MSGMNI);
LIMIT_CHECK(shmmax, L_SHMMAX);
LIMIT_CHECK(shmall, L_SHMALL);
LIMIT_CHECK(shmmni, L_SHMMNI);
LIMIT_CHECK(sem, L_SEM);

/* ---- a new namespace starts from the defaults --------------------------- */

static int read_msgmax(void *arg, void *out, size_t len)
{
	int r = sysctl_get("kernel/msgmax", out, len);

	(void)arg;
	return r < 0 ? child_fail("read kernel/msgmax", r) : 0;
}

struct fresh_seen {
	char ours[32], child[32]; /* msgmax here (set to 128), in the child */
};

static int observe_fresh(struct ctx *c, struct fresh_seen *o)
{
	TRY_OBS(ns_fenced(c, NS_IPC));
	TRY(c, sysctl_set("kernel/msgmax", "128"), "set our msgmax to 128");
	TRY(c, sysctl_get("kernel/msgmax", o->ours, sizeof(o->ours)),
	    "read our msgmax");
	TRY_OBS(run_in_child(c, "read msgmax in the child",
			     c->isolate ? CLONE_NEWIPC : 0, read_msgmax, NULL,
			     o->child, sizeof(o->child)));
	return 0;
}

static enum obs judge_fresh(struct judge *j, const struct fresh_seen *o)
{
	judge_kv(j, "msgmax here", "%s", o->ours);
	judge_kv(j, "msgmax in the child", "%s", o->child);
	if (strcmp(o->ours, "128") != 0)
		return judge_unknown(j, "our msgmax did not take 128 (%s)",
				     o->ours);
	return judge_holds(j, strcmp(o->child, "8192") == 0,
			   "the child reads msgmax %s (ours: 128, default "
			   "8192)",
			   o->child);
}
CHECK(limits_fresh, struct fresh_seen, observe_fresh, judge_fresh);

/* ---- mqueue ------------------------------------------------------------- */

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
	TRY_OBS(set_in_child(c, d->sysctl, d->value, o->inside,
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

#define IPC_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_IPC)                             \
	}
#define LIMIT(id_, sysctl_, expect_, check_)                                   \
	{                                                                      \
		.id = "ipcns/limit-" id_,                                      \
		.title = sysctl_ " is per IPC namespace",                      \
		.property = sysctl_ " lowered in a new IPC namespace does "    \
				    "not limit objects made outside",          \
		.expect = expect_, .req = IPC_REQ,                             \
		.tags = { "ipc", "limits" }, .check = &check_                  \
	}
#define MQ_REQ                                                                 \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_IPC) | NS_BIT(NS_MNT),           \
		.fs = { "mqueue" }                                             \
	}

static const struct scenario ns_ipclimits[] = {
	LIMIT("msgmax", "kernel.msgmax", "a 256-byte message is sent outside",
	      msgmax),
	LIMIT("msgmnb", "kernel.msgmnb",
	      "a 128-byte message fits a new queue outside", msgmnb),
	LIMIT("msgmni", "kernel.msgmni", "a queue is made outside", msgmni),
	LIMIT("shmmax", "kernel.shmmax", "an 8 KiB segment is made outside",
	      shmmax),
	LIMIT("shmall", "kernel.shmall", "an 8 KiB segment is made outside",
	      shmall),
	LIMIT("shmmni", "kernel.shmmni", "a segment is made outside", shmmni),
	LIMIT("sem", "kernel.sem (SEMMSL)",
	      "a set of 4 semaphores is made outside", sem),
	{ .id = "ipcns/limits-start-at-defaults",
	  .title = "a new IPC namespace starts with the default limits",
	  .property = "a new IPC namespace reads kernel.msgmax 8192, not "
		      "the value its creator's namespace was given",
	  .expect = "8192 in the child",
	  .req = IPC_REQ,
	  .tags = { "ipc", "limits" },
	  .check = &limits_fresh },
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

BOXCHECK_AREA(ns_ipclimits, ns_ipclimits);
