// SPDX-License-Identifier: MIT
/* PID namespace scenarios. */
#include "scenario.h"

struct pids {
	pid_t pid, ppid;
};

static int report_pids(void *arg, void *out, size_t len)
{
	struct pids *p = out;

	(void)arg;
	(void)len;
	p->pid = getpid();
	p->ppid = getppid();
	return 0;
}

static enum obs init_is_pid1(struct ctx *c)
{
	unsigned long flags = c->isolate ? CLONE_NEWPID : 0;
	struct pids p;

	TRY(c, run_in_child(flags, report_pids, NULL, &p, sizeof(p), NULL),
	    "fork the child");
	ctx_kv(c, "getpid", "%d", p.pid);
	ctx_kv(c, "getppid", "%d", p.ppid);
	return ctx_holds(c, p.pid == 1 && p.ppid == 0,
			 "getpid()=%d getppid()=%d", p.pid, p.ppid);
}

static const struct scenario pidns[] = {
	{
		.id = "pidns/init-is-pid1",
		.title = "first process of a new PID namespace is PID 1",
		.property =
			"a child created with CLONE_NEWPID sees getpid() == 1 "
			"and getppid() == 0",
		.expect = "getpid()=1 getppid()=0",
		.req = { .root = true, .ns = NS_BIT(NS_PID) },
		.tags = { "pid", "core" },
		.run = init_is_pid1,
	},
};

BOXCHECK_AREA(pidns, pidns);
