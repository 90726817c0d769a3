// SPDX-License-Identifier: MIT
/* Helpers of the cgroup scenarios (cgroup_util.h). */
#include "cgroup_util.h"
#include "../primitives/mutant.h"

#include <string.h>
#include <sys/mman.h>
#include <time.h>

int cgs_need_group(struct ctx *c)
{
	return c->cg ? 0 : ctx_skip(c, "no cgroup for this run");
}

int cgs_need(struct ctx *c, const struct cg_group *g, enum cg_knob k)
{
	char path[PATH_MAX + 64];
	const char *dir, *file;

	if (cg_knob_locate(g, k, &dir, &file) < 0)
		return ctx_skip(c, "this cgroup layout (%s) has no %s",
				cg_mode_names[g->layout->mode],
				cg_knob_name(k));
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (!path_exists(path))
		return ctx_skip(c, "kernel has no cgroup file %s (for %s)",
				file, cg_knob_name(k));
	return 0;
}

static const char *knob_file(const struct cg_group *g, enum cg_knob k)
{
	const char *dir, *file = "?";

	cg_knob_locate(g, k, &dir, &file);
	return file;
}

int cgs_get(struct ctx *c, const struct cg_group *g, enum cg_knob k,
	    uint64_t *v)
{
	int r = cg_get(g, k, v);

	if (r == -ENODATA)
		return ctx_skip(c, "kernel's cgroup file %s has no %s line",
				knob_file(g, k), cg_knob_name(k));
	if (r < 0)
		return ctx_error(c, r, "read %s (%s)", knob_file(g, k),
				 cg_knob_name(k));
	return 0;
}

int cgs_set(struct ctx *c, const struct cg_group *g, enum cg_knob k, uint64_t v)
{
	int r = cg_set(g, k, v);

	if (r < 0)
		return ctx_error(c, r, "write %llu to %s (%s)",
				 (unsigned long long)v, knob_file(g, k),
				 cg_knob_name(k));
	return 0;
}

pid_t cgs_fork_in(const struct cg_group *g, int (*fn)(void *), void *arg)
{
	_cleanup_chan_ struct chan ready = CHAN_INIT;
	pid_t pid;
	int r, err = 0;

	r = chan_open(&ready);
	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0) {
		close(ready.rd);
		r = g ? cg_group_attach(g, getpid()) : 0;
		chan_send_int(&ready, r);
		if (r < 0)
			_exit(2);
		close(ready.wr);
		_exit(fn(arg));
	}
	close(TAKE_FD(ready.wr));
	r = chan_recv_int(&ready, &err);
	if (r == 0)
		r = err;
	if (r < 0) {
		reapp(&pid);
		return r;
	}
	return pid;
}

int cgs_hold(void *hold)
{
	struct chan *h = hold;
	char b;

	closep(&h->wr);
	while (read(h->rd, &b, 1) < 0 && errno == EINTR)
		;
	return 0;
}

pid_t cgs_fork_probe(void)
{
	pid_t p;

	if (mutant_on(M_CG_FORK_EAGAIN))
		return -EAGAIN;
	p = fork();
	return p < 0 ? neg_errno() : p;
}

int cgs_nprocs(const char *dir)
{
	int n = cg_dir_nprocs(dir);

	if (n >= 0 && mutant_on(M_CG_EMPTY))
		return 0;
	return n;
}

const char *cgs_status(int status, char *buf, size_t len)
{
	if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by SIG%s",
			 sigabbrev_np(WTERMSIG(status)) ?: "?");
	else
		snprintf(buf, len, "exited %d", exit_code_of(status));
	return buf;
}

double cgs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void cgs_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Kernel state changes asynchronously; this polls it, it does not sync. */
int cgs_wait(const struct cg_group *g, enum cg_knob k, uint64_t want, int ms)
{
	double end = cgs_now() + ms / 1000.0;
	uint64_t v;

	for (;;) {
		int r = cg_get(g, k, &v);
		if (r < 0)
			return r;
		if (v == want)
			return 0;
		if (cgs_now() > end)
			return -ETIMEDOUT;
		cgs_sleep_ms(1);
	}
}

int cgs_wait_empty(const char *dir, int ms)
{
	double end = cgs_now() + ms / 1000.0;

	for (;;) {
		int n = cgs_nprocs(dir);
		if (n <= 0)
			return n;
		if (cgs_now() > end)
			return -ETIMEDOUT;
		cgs_sleep_ms(1);
	}
}

void *cgs_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void cgs_unshare(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}
