// SPDX-License-Identifier: MIT
/* Helpers shared by the namespace scenarios (no scenarios here). */
#include "nsrun.h"

#include <fcntl.h>
#include <string.h>

struct pipes {
	struct chan res;   /* child -> parent: fn's output */
	struct chan ready; /* child or launcher -> parent: 0 or -errno */
	struct chan go;	   /* parent -> child: maps written */
};

/* In the new namespaces: report ready, wait for the maps if any. */
static void child_sync(struct pipes *p, bool maps, int err)
{
	char b;

	closep(&p->go.wr);
	closep(&p->res.rd);
	closep(&p->ready.rd);
	p->go.wr = p->res.rd = p->ready.rd = -1;
	chan_send_int(&p->ready, err);
	if (err < 0)
		_exit(126);
	if (maps && (read(p->go.rd, &b, 1) != 1 || b != 'g'))
		_exit(127);
}

/*
 * NS_VIA_UNSHARE: the launcher unshares, the body runs in its child. The
 * launcher ends as its child did, signal included.
 */
static _Noreturn void launcher(const struct nsrun *r, struct pipes *p,
			       bool maps, child_fn fn, void *arg, size_t len)
{
	pid_t pid;
	int st = 0;

	child_sync(p, maps, unshare(r->flags) < 0 ? neg_errno() : 0);
	pid = fork();
	if (pid == 0)
		child_report_exit(p->res.wr, fn, arg, len);
	chan_close(&p->res);
	if (pid < 0 || wait_status(pid, &st) < 0)
		_exit(125);
	if (WIFSIGNALED(st)) {
		signal(WTERMSIG(st), SIG_DFL);
		raise(WTERMSIG(st));
	}
	_exit(exit_code_of(st));
}

static pid_t start(const struct nsrun *r, struct pipes *p, bool maps,
		   child_fn fn, void *arg, size_t len)
{
	pid_t pid;

	if (r->via == NS_VIA_UNSHARE) {
		pid = fork();
		if (pid == 0)
			launcher(r, p, maps, fn, arg, len);
		return pid < 0 ? neg_errno() : pid;
	}
	pid = ns_spawn(r->via, r->flags);
	if (pid == 0) {
		child_sync(p, maps, 0);
		child_report_exit(p->res.wr, fn, arg, len);
	}
	return pid;
}

/* 1. The child (or launcher) is in its namespaces; 2. its maps written. */
static int release(const struct nsrun *r, struct pipes *p, pid_t pid, bool maps,
		   struct child_res *res)
{
	int err = 0, ret = chan_recv_int(&p->ready, &err);

	if (ret < 0)
		return res->err = ret;
	if (err < 0) {
		snprintf(res->step, sizeof(res->step), "unshare");
		return res->err = err;
	}
	if (!maps)
		return 0;
	ret = userns_write_maps(pid, r->uid, r->gid, r->deny_setgroups);
	if (ret < 0) {
		snprintf(res->step, sizeof(res->step), "write the id maps");
		return res->err = ret;
	}
	return chan_send(&p->go, "g", 1);
}

int nsrun_raw(const struct nsrun *r, child_fn fn, void *arg, void *out,
	      size_t len, struct child_res *res)
{
	struct pipes p = { CHAN_INIT, CHAN_INIT, CHAN_INIT };
	bool maps = (r->flags & CLONE_NEWUSER) && (r->uid || r->gid);
	_cleanup_reap_ pid_t pid = -1;
	int ret;

	*res = (struct child_res){ .status = -1 };
	memset(out, 0, len);
	if ((ret = chan_open(&p.res)) < 0 || (ret = chan_open(&p.ready)) < 0 ||
	    (ret = chan_open(&p.go)) < 0)
		goto out;
	pid = start(r, &p, maps, fn, arg, len);
	if (pid < 0) {
		ret = pid;
		goto out;
	}
	closep(&p.res.wr);
	closep(&p.ready.wr);
	p.res.wr = p.ready.wr = -1;
	ret = release(r, &p, pid, maps, res);
	if (ret < 0)
		goto out;
	/* 3. Its report, then its status. */
	chan_close(&p.go);
	ret = child_report_read(p.res.rd, out, len, res);
	int w = wait_status(TAKE_PID(pid), &res->status);
	if (w < 0)
		ret = w;
	else if (ret == 0 &&
		 (WIFSIGNALED(res->status) || exit_code_of(res->status)))
		ret = -ECHILD;
out:
	if (ret < 0 && ret != -ECHILD)
		res->err = res->err ?: ret;
	if (ret < 0)
		memset(out, 0, len); /* nothing of a failed child is kept */
	chan_close(&p.res);
	chan_close(&p.ready);
	chan_close(&p.go);
	return ret;
}

int nsrun(struct ctx *c, const char *what, const struct nsrun *r, child_fn fn,
	  void *arg, void *out, size_t len)
{
	struct child_res res;
	int ret = nsrun_raw(r, fn, arg, out, len, &res);

	if (ret < 0 && ret != -ECHILD && res.step[0])
		ret = -ECHILD; /* a named step: describe it */
	return child_res_check(c, what, ret, &res);
}

int child_relay_fail(const struct child_res *res, const char *step)
{
	char why[120];

	if (res->err < 0)
		return child_fail(res->step[0] ? res->step : step, res->err);
	child_res_describe(res, why, sizeof(why));
	return child_fail(why, -ECHILD);
}

int holder_start(struct holder *h, unsigned long flags)
{
	int r = chan_open(&h->hold);

	if (r < 0)
		return r;
	h->pid = ns_fork(flags);
	if (h->pid < 0) {
		r = h->pid;
		chan_close(&h->hold);
		return r;
	}
	if (h->pid == 0) {
		char b;
		close(h->hold.wr);
		_exit(read(h->hold.rd, &b, 1) < 0);
	}
	closep(&h->hold.rd);
	h->hold.rd = -1;
	return 0;
}

int holder_stop(struct holder *h, int *status)
{
	int r = 0;

	chan_close(&h->hold);
	if (h->pid > 0)
		r = wait_status(h->pid, status);
	h->pid = -1;
	return r;
}

void holder_stopp(struct holder *h)
{
	holder_stop(h, NULL);
}

int run_cmd(const char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return neg_errno();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (wait_status(pid, &st) < 0)
		return neg_errno();
	return exit_code_of(st);
}
