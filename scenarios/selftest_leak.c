// SPDX-License-Identifier: MIT
/*
 * selftest/leak (tag "selftest", see selftest.c): leaves what the host can
 * see, a daemon outside its process group, in a cgroup below the job's,
 * and a tree in its run dir. The runner must remove all three;
 * tests/selftest.sh checks that it did (and that the check can fail).
 */
#include "scenario.h"

#include <sys/prctl.h>

#define LEAK_NAME "bxc-leak"

static _Noreturn void sleep_forever(void)
{
	for (;;)
		pause();
}

/* ---- a daemon, a cgroup and a tree left behind ---------------------- */

static _Noreturn void leak_daemon(void)
{
	prctl(PR_SET_NAME, LEAK_NAME);
	signal(SIGTERM, SIG_IGN);
	if (chdir(LEAK_NAME) < 0)
		_exit(1);
	sleep_forever();
}

/*
 * The action: a daemon outside our process group (setsid, double fork) in
 * a cgroup below the job's, and a directory tree in our run dir. The host
 * sees all three; only the runner's cleanup removes them.
 */
static int leave_behind(struct ctx *c)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	struct cg_group g = { 0 }; /* left to the runner, on purpose */
	int st, err = -EIO;
	pid_t p;

	TRY(c, cg_group_child(c->cg, LEAK_NAME, &g), "create the cgroup");
	TRY(c, mkdir_p(LEAK_NAME "/a/b", 0700), "mkdir the tree");
	TRY(c, write_text_creat(LEAK_NAME "/a/b/file", "left\n"), "a file");
	TRY(c, chmod(LEAK_NAME "/a", 0500) < 0 ? neg_errno() : 0, "chmod");
	TRY(c, chan_open(&ch), "pipe");
	p = fork();
	if (p < 0)
		return ctx_error(c, neg_errno(), "fork");
	if (p == 0) {
		pid_t d;
		setsid();
		d = fork();
		if (d == 0) {
			err = cg_group_attach(&g, getpid());
			chan_send_int(&ch, err);
			chan_close(&ch);
			if (err < 0)
				_exit(2);
			leak_daemon();
		}
		if (d < 0)
			chan_send_int(&ch, neg_errno());
		_exit(0);
	}
	close(TAKE_FD(ch.wr));
	TRY(c, wait_status(p, &st), "wait for the daemon's parent");
	TRY(c, chan_recv_int(&ch, &err), "hear from the daemon");
	TRY(c, err, "start the daemon in its cgroup");
	return 0;
}

struct leak_obs {
	pid_t daemon;	  /* the first process in the leak's cgroup, or 0 */
	bool escaped;	  /* in a process group other than ours */
	bool cgroup_left; /* the cgroup below the job's exists */
	bool tree_left;	  /* the tree in the run dir exists */
};

static int observe_leak(struct ctx *c, struct leak_obs *o)
{
	char dir[PATH_MAX], procs[PATH_MAX + 16], buf[64] = "";

	TRY(c, cg_group_path(c->cg, CG_PIDS, LEAK_NAME, dir, sizeof(dir)),
	    "find the job's cgroup");
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	if (c->isolate)
		TRY_OBS(leave_behind(c));
	/* What is there now, looked at the same way in both runs. */
	o->cgroup_left = path_exists(dir);
	if (o->cgroup_left)
		TRY(c, read_text(procs, buf, sizeof(buf)), "read cgroup.procs");
	o->daemon = atoi(buf);
	o->escaped = o->daemon > 0 && getpgid(o->daemon) != getpgrp();
	o->tree_left = path_exists(LEAK_NAME "/a/b/file");
	ctx_kv(c, "leaked_pid", "%d", o->daemon);
	ctx_kv(c, "leaked_cgroup", "%s", dir);
	ctx_kv(c, "leaked_dir", "%s/%s", c->tmpdir, LEAK_NAME);
	return 0;
}

/* The property: something the host can see is left for the runner. */
static enum obs judge_leak(struct judge *j, const struct leak_obs *o)
{
	return judge_holds(j, o->escaped && o->cgroup_left && o->tree_left,
			   "left behind: daemon %d %s our process group, "
			   "cgroup %s, tree %s",
			   o->daemon, o->escaped ? "outside" : "not outside",
			   o->cgroup_left ? "yes" : "no",
			   o->tree_left ? "yes" : "no");
}
CHECK(leak, struct leak_obs, observe_leak, judge_leak);

static const struct scenario selftest_leak[] = {
	{
		.id = "selftest/leak",
		.title = "a scenario that leaves a daemon, a cgroup and files",
		.property = "the runner kills the daemon that left its process "
			    "group and removes its cgroup and the files",
		.expect = "a daemon, a cgroup and a tree the runner removes",
		.req = { .root = true, .ctrls = CG_BIT(CG_PIDS) },
		.tags = { "selftest" },
		.check = &leak,
	},
};

BOXCHECK_AREA(selftest_leak, selftest_leak);
