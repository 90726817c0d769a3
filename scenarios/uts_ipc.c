// SPDX-License-Identifier: MIT
/*
 * UTS and IPC namespaces. The runner fences each worker in private UTS and
 * IPC namespaces, stand-ins for the host's (checked before anything is
 * changed); the child makes (or, in the control, does not make) a
 * namespace of its own inside them, then changes its name or makes an
 * object, and the worker looks from outside.
 */
#include "scenario.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <mqueue.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define KEY 0x62786368 /* "bxch" */
#define NAME "boxcheck-ns"

/*
 * Act only on a stand-in: the worker's namespace of type t must not be the
 * one of the runner that forked it (the host's, as far as we know).
 */
static int fenced(struct ctx *c, enum ns_type t)
{
	struct ns_id mine, runner;

	TRY(c, ns_id_of(0, t, &mine), "stat our namespace");
	TRY(c, ns_id_of(getppid(), t, &runner), "stat the runner's namespace");
	if (ns_id_equal(&mine, &runner))
		return ctx_error(c, 0,
				 "refusing: the worker shares the runner's %s "
				 "namespace (no fence)",
				 ns_table[t].name);
	return 0;
}

/* ---- UTS: hostname and domainname ---------------------------------- */

struct uts_op {
	const char *what;
	int (*set)(const char *name, size_t len);
	int (*get)(char *name, size_t len);
};

static const struct uts_op hostname_op = { "hostname", sethostname,
					   gethostname };
static const struct uts_op domainname_op = { "domainname", setdomainname,
					     getdomainname };

static int uts_read(const struct uts_op *op, char *buf, size_t len)
{
	memset(buf, 0, len);
	if (op->get(buf, len - 1) < 0)
		return neg_errno();
	if (mutant_on(M_UTS_READ))
		snprintf(buf, len, "mutant");
	return 0;
}

static int set_uts(void *arg, void *out, size_t len)
{
	const struct uts_op *op = arg;

	(void)out;
	(void)len;
	if (op->set(NAME, strlen(NAME)) < 0)
		return child_fail(op->what, neg_errno());
	return 0;
}

struct uts_seen {
	char before[65], after[65]; /* the outer name around the child */
};

/* The child sets the name in a new UTS ns, or (control) in ours. */
static int observe_uts(struct ctx *c, struct uts_seen *o,
		       const struct uts_op *op)
{
	TRY_OBS(fenced(c, NS_UTS));
	TRY(c, uts_read(op, o->before, sizeof(o->before)), "read the name");
	TRY_OBS(run_in_child(c, "set the name in the child",
			     c->isolate ? CLONE_NEWUTS : 0, set_uts, (void *)op,
			     NULL, 0));
	TRY(c, uts_read(op, o->after, sizeof(o->after)), "read the name again");
	return 0;
}

static enum obs judge_uts(struct judge *j, const struct uts_seen *o)
{
	judge_kv(j, "outside before", "%s", o->before);
	judge_kv(j, "outside after", "%s", o->after);
	if (strcmp(o->before, NAME) == 0)
		return judge_unknown(j, "the outer name already was \"%s\"",
				     NAME);
	return judge_holds(
		j, strcmp(o->after, o->before) == 0,
		"child set \"%s\"; outside reads \"%s\" (was \"%s\")", NAME,
		o->after, o->before);
}

static int observe_hostname(struct ctx *c, struct uts_seen *o)
{
	return observe_uts(c, o, &hostname_op);
}

static int observe_domainname(struct ctx *c, struct uts_seen *o)
{
	return observe_uts(c, o, &domainname_op);
}
CHECK(hostname_invisible, struct uts_seen, observe_hostname, judge_uts);
CHECK(domainname_invisible, struct uts_seen, observe_domainname, judge_uts);

/* ---- IPC: one table row per object kind ----------------------------- */

struct ipc_kind {
	const char *name;
	int (*make)(void); /* 0 or -errno */
	int (*find)(void); /* 1 found, 0 not (ENOENT), or -errno */
};

static int found_or_enoent(bool ok)
{
	if (ok)
		return 1;
	return errno == ENOENT ? 0 : neg_errno();
}

static int shm_make(void)
{
	return shmget(KEY, 4096, IPC_CREAT | IPC_EXCL | 0600) < 0 ? neg_errno()
								  : 0;
}

static int shm_find(void)
{
	return found_or_enoent(shmget(KEY, 0, 0) >= 0);
}

static int sem_make(void)
{
	return semget(KEY, 1, IPC_CREAT | IPC_EXCL | 0600) < 0 ? neg_errno()
							       : 0;
}

static int sem_find(void)
{
	return found_or_enoent(semget(KEY, 0, 0) >= 0);
}

static int msg_make(void)
{
	return msgget(KEY, IPC_CREAT | IPC_EXCL | 0600) < 0 ? neg_errno() : 0;
}

static int msg_find(void)
{
	return found_or_enoent(msgget(KEY, 0) >= 0);
}

static int mq_make(void)
{
	mqd_t q = mq_open("/" NAME, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0600,
			  NULL);

	if (q == (mqd_t)-1)
		return neg_errno();
	mq_close(q);
	return 0;
}

static int mq_find(void)
{
	mqd_t q = mq_open("/" NAME, O_RDWR | O_CLOEXEC);

	if (q != (mqd_t)-1)
		mq_close(q);
	return found_or_enoent(q != (mqd_t)-1);
}

enum { IPC_SHM, IPC_SEM, IPC_MSG, IPC_MQ };
static const struct ipc_kind ipc_kinds[] = {
	[IPC_SHM] = { "SysV shared memory segment", shm_make, shm_find },
	[IPC_SEM] = { "SysV semaphore set", sem_make, sem_find },
	[IPC_MSG] = { "SysV message queue", msg_make, msg_find },
	[IPC_MQ] = { "POSIX message queue", mq_make, mq_find },
};

/* Look an object up by its key or name: 1 found, 0 not, or -errno. */
static int ipc_lookup(const struct ipc_kind *k)
{
	int r = k->find();

	if (r > 0 && mutant_on(M_IPC_LOOKUP))
		r = 0;
	return r;
}

static int ipc_child(void *arg, void *out, size_t len)
{
	const struct ipc_kind *k = arg;
	int r = k->make();

	(void)out;
	(void)len;
	return r < 0 ? child_fail(k->name, r) : 0;
}

struct ipc_seen {
	int kind;	    /* the scenario's object kind (ipc_kinds) */
	bool before, after; /* found outside before and after the child */
};

/* The child makes the object in a new IPC ns, or (control) in ours. */
static int observe_ipc(struct ctx *c, struct ipc_seen *o, int kind)
{
	const struct ipc_kind *k = &ipc_kinds[kind];

	o->kind = kind;
	TRY_OBS(fenced(c, NS_IPC));
	o->before = TRY(c, ipc_lookup(k), "look the object up");
	TRY_OBS(run_in_child(c, "create the object in the child",
			     c->isolate ? CLONE_NEWIPC : 0, ipc_child,
			     (void *)k, NULL, 0));
	o->after = TRY(c, ipc_lookup(k), "look the object up again");
	return 0;
}

static enum obs judge_ipc(struct judge *j, const struct ipc_seen *o)
{
	const char *name = ipc_kinds[o->kind].name;

	judge_kv(j, "object", "%s", name);
	judge_kv(j, "found outside", "%s", o->after ? "yes" : "no");
	if (o->before)
		return judge_unknown(j, "the object was there before the child "
					"made it");
	return judge_holds(j, !o->after, "%s made by the child: %s outside",
			   name, o->after ? "found" : "not found");
}

#define IPC_CHECK(name_, kind_)                                                \
	static int observe_##name_(struct ctx *c, struct ipc_seen *o)          \
	{                                                                      \
		return observe_ipc(c, o, kind_);                               \
	}                                                                      \
	CHECK(name_, struct ipc_seen, observe_##name_, judge_ipc)
IPC_CHECK(shm_invisible, IPC_SHM);
IPC_CHECK(sem_invisible, IPC_SEM);
IPC_CHECK(msg_invisible, IPC_MSG);
IPC_CHECK(mq_invisible, IPC_MQ);

#define UTS_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_UTS)                             \
	}
#define IPC_REQ                                                                \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_IPC)                             \
	}
#define IPC_SCENARIO(id_, kind_, run_)                                         \
	{                                                                      \
		.id = "ipcns/" id_,                                            \
		.title = "a " kind_ " made inside is invisible outside",       \
		.property =                                                    \
			"a " kind_ " created in a new IPC namespace is not "   \
			"found by its key or name outside",                    \
		.expect = "not found outside", .req = IPC_REQ,                 \
		.tags = { "ipc" }, .check = &run_                              \
	}

static const struct scenario uts_ipc[] = {
	{ .id = "utsns/hostname-invisible",
	  .title = "a hostname set inside is invisible outside",
	  .property = "sethostname() in a new UTS namespace leaves the outer "
		      "namespace's hostname unchanged",
	  .expect = "outside does not read the child's name",
	  .req = UTS_REQ,
	  .tags = { "uts", "core" },
	  .check = &hostname_invisible },
	{ .id = "utsns/domainname-invisible",
	  .title = "a domainname set inside is invisible outside",
	  .property = "setdomainname() in a new UTS namespace leaves the "
		      "outer namespace's domainname unchanged",
	  .expect = "outside does not read the child's name",
	  .req = UTS_REQ,
	  .tags = { "uts" },
	  .check = &domainname_invisible },
	IPC_SCENARIO("sysv-shm-invisible", "SysV shared memory segment",
		     shm_invisible),
	IPC_SCENARIO("sysv-sem-invisible", "SysV semaphore set", sem_invisible),
	IPC_SCENARIO("sysv-msg-invisible", "SysV message queue", msg_invisible),
	IPC_SCENARIO("posix-mq-invisible", "POSIX message queue", mq_invisible),
};

BOXCHECK_AREA(uts_ipc, uts_ipc);
