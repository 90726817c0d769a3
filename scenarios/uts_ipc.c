// SPDX-License-Identifier: MIT
/*
 * UTS and IPC namespaces. The worker first makes a fresh namespace of the
 * type as a stand-in for the host's, so nothing here touches the host's
 * hostname or IPC objects; the child makes (or, in the control, does not
 * make) a namespace of its own inside it.
 */
#include "scenario.h"

#include <fcntl.h>
#include <mqueue.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define KEY 0x62786368 /* "bxch" */
#define NAME "boxcheck-ns"

struct uts_op {
	int (*set)(const char *name, size_t len);
	int (*get)(char *name, size_t len);
};

static int set_uts(void *arg, void *out, size_t len)
{
	const struct uts_op *op = arg;

	(void)out;
	(void)len;
	return op->set(NAME, strlen(NAME)) < 0 ? 1 : 0;
}

static enum obs uts_invisible(struct ctx *c, const struct uts_op *op)
{
	char after[65] = "";
	int st;

	TRY(c, unshare(CLONE_NEWUTS) < 0 ? neg_errno() : 0,
	    "make the stand-in outer UTS namespace");
	TRY(c,
	    legacy_run_in_child(c->isolate ? CLONE_NEWUTS : 0, set_uts, (void *)op,
			 NULL, 0, &st),
	    "run the child");
	if (exit_code_of(st))
		return ctx_error(c, 0, "the child could not set the name");
	op->get(after, sizeof(after) - 1);
	ctx_kv(c, "outside after", "%s", after);
	return ctx_holds(c, strcmp(after, NAME) != 0,
			 "child set \"%s\"; outside reads \"%s\"", NAME, after);
}

static const struct uts_op hostname_op = { sethostname, gethostname };
static const struct uts_op domainname_op = { setdomainname, getdomainname };

static enum obs hostname_invisible(struct ctx *c)
{
	return uts_invisible(c, &hostname_op);
}

static enum obs domainname_invisible(struct ctx *c)
{
	return uts_invisible(c, &domainname_op);
}

/* ---- IPC: one table row per object kind ----------------------------- */

struct ipc_kind {
	const char *name;
	int (*make)(void);   /* in the child: 0 or -errno */
	bool (*found)(void); /* in the parent */
};

static int shm_make(void)
{
	return shmget(KEY, 4096, IPC_CREAT | IPC_EXCL | 0600) < 0 ? neg_errno()
								  : 0;
}

static bool shm_found(void)
{
	return shmget(KEY, 0, 0) >= 0;
}

static int sem_make(void)
{
	return semget(KEY, 1, IPC_CREAT | IPC_EXCL | 0600) < 0 ? neg_errno()
							       : 0;
}

static bool sem_found(void)
{
	return semget(KEY, 0, 0) >= 0;
}

static int msg_make(void)
{
	return msgget(KEY, IPC_CREAT | IPC_EXCL | 0600) < 0 ? neg_errno() : 0;
}

static bool msg_found(void)
{
	return msgget(KEY, 0) >= 0;
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

static bool mq_found(void)
{
	mqd_t q = mq_open("/" NAME, O_RDWR | O_CLOEXEC);

	if (q == (mqd_t)-1)
		return false;
	mq_close(q);
	return true;
}

enum { IPC_SHM, IPC_SEM, IPC_MSG, IPC_MQ };
static const struct ipc_kind ipc_kinds[] = {
	[IPC_SHM] = { "SysV shared memory segment", shm_make, shm_found },
	[IPC_SEM] = { "SysV semaphore set", sem_make, sem_found },
	[IPC_MSG] = { "SysV message queue", msg_make, msg_found },
	[IPC_MQ] = { "POSIX message queue", mq_make, mq_found },
};

static int ipc_child(void *arg, void *out, size_t len)
{
	const struct ipc_kind *k = arg;

	(void)len;
	*(int *)out = k->make();
	return 0;
}

static enum obs ipc_invisible(struct ctx *c, const struct ipc_kind *k)
{
	bool found;
	int err;

	TRY(c, unshare(CLONE_NEWIPC) < 0 ? neg_errno() : 0,
	    "make the stand-in outer IPC namespace");
	TRY(c,
	    legacy_run_in_child(c->isolate ? CLONE_NEWIPC : 0, ipc_child, (void *)k,
			 &err, sizeof(err), NULL),
	    "run the child");
	if (err < 0)
		return ctx_error(c, err, "create the %s", k->name);
	found = k->found();
	ctx_kv(c, "object", "%s", k->name);
	ctx_kv(c, "found outside", "%s", found ? "yes" : "no");
	return ctx_holds(c, !found, "%s made by the child: %s outside", k->name,
			 found ? "found" : "not found");
}

static enum obs shm_invisible(struct ctx *c)
{
	return ipc_invisible(c, &ipc_kinds[IPC_SHM]);
}

static enum obs sem_invisible(struct ctx *c)
{
	return ipc_invisible(c, &ipc_kinds[IPC_SEM]);
}

static enum obs msg_invisible(struct ctx *c)
{
	return ipc_invisible(c, &ipc_kinds[IPC_MSG]);
}

static enum obs mq_invisible(struct ctx *c)
{
	return ipc_invisible(c, &ipc_kinds[IPC_MQ]);
}

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
		.tags = { "ipc" }, .run = run_                                 \
	}

static const struct scenario uts_ipc[] = {
	{ .id = "utsns/hostname-invisible",
	  .title = "a hostname set inside is invisible outside",
	  .property = "sethostname() in a new UTS namespace leaves the outer "
		      "namespace's hostname unchanged",
	  .expect = "outside does not read the child's name",
	  .req = UTS_REQ,
	  .tags = { "uts", "core" },
	  .run = hostname_invisible },
	{ .id = "utsns/domainname-invisible",
	  .title = "a domainname set inside is invisible outside",
	  .property = "setdomainname() in a new UTS namespace leaves the "
		      "outer namespace's domainname unchanged",
	  .expect = "outside does not read the child's name",
	  .req = UTS_REQ,
	  .tags = { "uts" },
	  .run = domainname_invisible },
	IPC_SCENARIO("sysv-shm-invisible", "SysV shared memory segment",
		     shm_invisible),
	IPC_SCENARIO("sysv-sem-invisible", "SysV semaphore set", sem_invisible),
	IPC_SCENARIO("sysv-msg-invisible", "SysV message queue", msg_invisible),
	IPC_SCENARIO("posix-mq-invisible", "POSIX message queue", mq_invisible),
};

BOXCHECK_AREA(uts_ipc, uts_ipc);
