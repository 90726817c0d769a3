// SPDX-License-Identifier: MIT
/*
 * IPC limits belong to the IPC namespace. A child changes a limit
 * (kernel.msgmax, kernel.shmmax, ...) in a new IPC
 * namespace, or (control) in the worker's own, which the runner fenced off
 * from the host's; the worker then probes the limit from outside with an
 * object of its own, removed again.
 */
#include "nsmore.h"

#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

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
	TRY_OBS(sysctl_in_child(c, NS_IPC, l->sysctl, l->value, o->inside,
				sizeof(o->inside)));
	TRY(c, ipc_probe(l, &o->after), "probe outside again");
	return 0;
}

static enum obs judge_limit(struct judge *j, const struct limit_seen *o)
{
	const struct ipc_limit *l = &limits[o->kind];

	judge_kv(j, "child set", "%s = %s", l->sysctl, l->value);
	judge_kv(j, "before", "%s", errname(o->before));
	if (!sysctl_same(o->inside, l->value))
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
};

BOXCHECK_AREA(ns_ipclimits, ns_ipclimits);
