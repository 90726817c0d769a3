// SPDX-License-Identifier: MIT
/* cgroup pids controller. */
#include "scenario.h"

#include <string.h>

#define PIDS_MAX 3

struct fork_result {
	int forked; /* successful forks before the first failure */
	int err;    /* errno of the failing fork, 0 if none failed */
};

/*
 * In the limited cgroup: this process is number 1. Fork until a fork fails
 * or PIDS_MAX + 1 processes exist; every child blocks on `hold` until we go.
 */
static int fork_until_fail(void *arg, void *out, size_t len)
{
	const struct cg_group *g = arg;
	struct fork_result *fr = out;
	_cleanup_chan_ struct chan hold = CHAN_INIT;

	(void)len;
	if (cg_group_attach(g, getpid()) < 0 || chan_open(&hold) < 0)
		return 2;
	for (int i = 0; i < PIDS_MAX; i++) {
		pid_t p = fork();
		if (p < 0) {
			fr->err = errno;
			break;
		}
		if (p == 0) {
			char b;
			close(hold.wr);
			_exit(read(hold.rd, &b, 1) < 0);
		}
		fr->forked++;
	}
	chan_close(&hold); /* children see EOF and leave */
	while (wait(NULL) > 0)
		;
	return 0;
}

static enum obs pids_max_fork_fails(struct ctx *c)
{
	_cleanup_cg_group_ struct cg_group lim = { 0 };
	struct fork_result fr;
	uint64_t events = 0;
	char path[PATH_MAX + 32];
	int st;

	TRY(c, cg_group_child(c->cg, "limited", &lim), "create child cgroup");
	snprintf(path, sizeof(path), "%s/pids.max",
		 cg_group_dir(&lim, CG_PIDS));
	if (c->isolate)
		TRY(c, write_fmt(path, "%d", PIDS_MAX), "write pids.max");
	TRY(c, run_in_child(0, fork_until_fail, &lim, &fr, sizeof(fr), &st),
	    "fork the limited process");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "limited process exited %d",
				 exit_code_of(st));
	snprintf(path, sizeof(path), "%s/pids.events",
		 cg_group_dir(&lim, CG_PIDS));
	TRY(c, read_key_u64(path, "max", &events), "read pids.events");
	ctx_kv(c, "processes", "%d", fr.forked + 1);
	ctx_kv(c, "fork_errno", "%s",
	       fr.err ? strerrorname_np(fr.err) : "none");
	ctx_kv(c, "pids.events max", "%llu", (unsigned long long)events);
	return ctx_holds(
		c, fr.forked + 1 == PIDS_MAX && fr.err == EAGAIN && events >= 1,
		"process %d: fork %s; pids.events max=%llu", fr.forked + 2,
		fr.err ? strerrorname_np(fr.err) : "ok",
		(unsigned long long)events);
}

static const struct scenario cgroup_pids[] = {
	{
		.id = "cgroup/pids-max-fork-fails",
		.title = "fork fails at pids.max",
		.property =
			"with pids.max=3, the fourth process of the cgroup "
			"fails to fork with EAGAIN and pids.events counts it",
		.expect = "process 4: fork EAGAIN; pids.events max>=1",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "cgroup", "core" },
		.run = pids_max_fork_fails,
	},
};

BOXCHECK_AREA(cgroup_pids, cgroup_pids);
