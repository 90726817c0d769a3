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

static _Noreturn void run_body(struct pipes *p, child_fn fn, void *arg,
			       size_t len)
{
	char buf[len > 0 ? len : 1];
	int r;

	memset(buf, 0, sizeof(buf));
	r = fn(arg, buf, len);
	chan_send(&p->res, buf, len);
	_exit(r);
}

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

/* NS_VIA_UNSHARE: the launcher unshares, the body runs in its child. */
static _Noreturn void launcher(const struct nsrun *r, struct pipes *p,
			       bool maps, child_fn fn, void *arg, size_t len)
{
	pid_t pid;
	int st = 0;

	child_sync(p, maps, unshare(r->flags) < 0 ? neg_errno() : 0);
	pid = fork();
	if (pid == 0)
		run_body(p, fn, arg, len);
	chan_close(&p->res);
	if (pid < 0 || wait_status(pid, &st) < 0)
		_exit(125);
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
		run_body(p, fn, arg, len);
	}
	return pid;
}

int nsrun(const struct nsrun *r, child_fn fn, void *arg, void *out, size_t len,
	  int *status)
{
	struct pipes p = { CHAN_INIT, CHAN_INIT, CHAN_INIT };
	bool maps = (r->flags & CLONE_NEWUSER) && (r->uid || r->gid);
	_cleanup_reap_ pid_t pid = -1;
	int err = 0, ret;

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
	/* 1. The child (or launcher) is in its namespaces, or failed. */
	ret = chan_recv_int(&p.ready, &err);
	if (ret == 0 && err < 0)
		ret = err;
	/* 2. Write its maps from here, then let it go. */
	if (ret == 0 && maps)
		ret = userns_write_maps(pid, r->uid, r->gid, r->deny_setgroups);
	if (ret == 0 && maps)
		ret = chan_send(&p.go, "g", 1);
	if (ret < 0)
		goto out;
	/* 3. Its output, then its status. */
	chan_close(&p.go);
	ret = chan_recv(&p.res, out, len);
	int w = wait_status(TAKE_PID(pid), status);
	ret = ret < 0 ? ret : w;
out:
	chan_close(&p.res);
	chan_close(&p.ready);
	chan_close(&p.go);
	return ret;
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
