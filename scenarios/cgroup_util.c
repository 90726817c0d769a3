// SPDX-License-Identifier: MIT
/* Helpers of the cgroup scenarios (cgroup_util.h). */
#include "cgroup_util.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>
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

int cgs_reap(struct ctx *c, pid_t pid, const char *who, int *sig)
{
	char how[64];
	int st;

	TRY(c, wait_status(pid, &st), who);
	if (WIFEXITED(st) && WEXITSTATUS(st) != 0)
		return ctx_error(c, 0, "%s %s", who,
				 cgs_status(st, how, sizeof(how)));
	*sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	if (mutant_on(M_CG_KILLED))
		*sig = SIGKILL;
	return 0;
}

int cgs_read(struct ctx *c, const char *dir, const char *name, char *buf,
	     size_t len)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	TRY(c, read_text(path, buf, len), name);
	chomp(buf);
	return 0;
}

int cgs_read_proc(struct ctx *c, pid_t pid, const char *name, char *buf,
		  size_t len)
{
	char dir[32];

	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	return cgs_read(c, dir, name, buf, len);
}

int cgs_write_probe(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];

	if (mutant_on(M_CG_WRITE_REFUSED))
		return -EACCES;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return write_text(path, text);
}

int cgs_mkdir_probe(const char *path)
{
	if (mutant_on(M_CG_TREE_REFUSED))
		return -EAGAIN;
	return mkdir(path, 0755) < 0 ? neg_errno() : 0;
}

int cgs_rmdir_probe(const char *path)
{
	if (mutant_on(M_CG_TREE_REFUSED))
		return -EBUSY;
	return rmdir(path) < 0 ? neg_errno() : 0;
}

int cgs_open_probe(const char *path, int flags)
{
	int fd;

	if (mutant_on(M_CG_DEV_DENIED))
		return -EPERM;
	fd = open(path, flags | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	close(fd);
	return 0;
}

int cgs_mknod_probe(const char *path, mode_t mode, dev_t dev)
{
	if (mutant_on(M_CG_DEV_DENIED))
		return -EPERM;
	if (mknod(path, mode, dev) < 0)
		return neg_errno();
	unlink(path);
	return 0;
}

int cgs_watch(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (fd < 0)
		return neg_errno();
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (inotify_add_watch(fd, path, IN_MODIFY) < 0) {
		int r = neg_errno();
		close(fd);
		return r;
	}
	return fd;
}

/* Wait for events on fd; 1 when revents has one of want. */
static int poll_for(int fd, short want, int ms)
{
	struct pollfd p = { .fd = fd, .events = want };
	double end = cgs_now() + ms / 1000.0;

	for (;;) {
		int left = (int)((end - cgs_now()) * 1000);
		int r = poll(&p, 1, left > 0 ? left : 0);
		if (r < 0 && errno != EINTR)
			return neg_errno();
		if (r > 0)
			return (p.revents & want) ? 1 : -EIO;
		if (left <= 0)
			return 0;
	}
}

int cgs_wait_modified(int fd, int ms)
{
	if (mutant_on(M_CG_EVENTS_NOTIFY))
		return 1;
	return poll_for(fd, POLLIN, ms);
}

int cgs_psi_trigger(const char *dir, const char *name, const char *trig)
{
	char path[PATH_MAX + 64];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	if (write(fd, trig, strlen(trig) + 1) < 0) {
		int r = neg_errno();
		close(fd);
		return r;
	}
	return fd;
}

int cgs_psi_wait(int fd, int ms)
{
	if (mutant_on(M_CG_PRESSURE))
		return 1;
	return poll_for(fd, POLLPRI, ms);
}

int cgs_need_psi(struct ctx *c)
{
	if (!path_exists("/proc/pressure/cpu"))
		return ctx_skip(c,
				"kernel keeps no pressure stall information "
				"(/proc/pressure missing: CONFIG_PSI off, or "
				"psi=0 / PSI_DEFAULT_DISABLED without psi=1)");
	return 0;
}

int cgs_affinity(pid_t pid, cpu_set_t *set)
{
	CPU_ZERO(set);
	if (sched_getaffinity(pid, sizeof(*set), set) < 0)
		return neg_errno();
	return CPU_COUNT(set);
}

int cgs_set_affinity_probe(pid_t pid, const cpu_set_t *set)
{
	return sched_setaffinity(pid, sizeof(*set), set) < 0 ? neg_errno() : 0;
}

int cgs_cpulist(const char *list, int *last)
{
	const char *p = list;
	int n = 0;

	*last = -1;
	while (*p && *p != '\n') {
		char *end;
		long a = strtol(p, &end, 10), b = a;
		if (end == p || a < 0)
			return -EBADMSG;
		if (*end == '-') {
			p = end + 1;
			b = strtol(p, &end, 10);
			if (end == p || b < a)
				return -EBADMSG;
		}
		n += (int)(b - a + 1);
		*last = (int)b;
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

long cgs_pages_intact(const volatile char *p, size_t len, char mark)
{
	long pg = sysconf(_SC_PAGESIZE), n = 0;

	for (size_t off = 0; off < len; off += pg)
		n += p[off] == mark;
	if (mutant_on(M_CG_RECLAIM_SPARED))
		return (long)(len / pg);
	return n;
}

double cgs_timed_reads(const char *dev, int n, int *err)
{
	_cleanup_close_ int fd = open(dev, O_RDONLY | O_DIRECT | O_CLOEXEC);
	long bs = 4096;
	void *buf = NULL;
	double t0 = cgs_now();

	*err = fd < 0 ? neg_errno() : -posix_memalign(&buf, bs, bs);
	for (int i = 0; !*err && i < n; i++)
		if (pread(fd, buf, bs, (off_t)i * bs) != bs)
			*err = errno ? neg_errno() : -EIO;
	free(buf);
	return cgs_now() - t0;
}

struct timed_reader {
	const char *dev;
	int n;
	struct chan rep;
};

struct timed {
	double s;
	int err;
};

static int timed_reader(void *arg)
{
	struct timed_reader *r = arg;
	struct timed t;

	closep(&r->rep.rd);
	t.s = cgs_timed_reads(r->dev, r->n, &t.err);
	return chan_send(&r->rep, &t, sizeof(t)) < 0;
}

int cgs_timed_in(struct ctx *c, const struct cg_group *g, const char *dev,
		 int n, double *s)
{
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_chan_ struct chan rep = CHAN_INIT;
	struct timed_reader rd;
	struct timed t;
	int sig;

	TRY(c, chan_open(&rep), "pipe");
	rd = (struct timed_reader){ dev, n, rep };
	pid = TRY(c, cgs_fork_in(g, timed_reader, &rd), "start the reader");
	close(TAKE_FD(rep.wr));
	TRY(c, chan_recv(&rep, &t, sizeof(t)), "the reader's time");
	TRY_OBS(cgs_reap(c, TAKE_PID(pid), "the reader", &sig));
	if (sig)
		return ctx_error(c, 0, "the reader died of SIG%s",
				 sigabbrev_np(sig) ?: "?");
	TRY(c, t.err, "O_DIRECT reads of the loop device");
	*s = t.s;
	return 0;
}

int cgs_percpu(const struct cg_group *g, uint64_t *v, int n)
{
	const char *dir = cg_group_dir(g, CG_CPUACCT);
	char path[PATH_MAX + 32], buf[4096], *save = NULL, *slash;
	int k = 0, r;

	if (!dir)
		return -EOPNOTSUPP;
	snprintf(path, sizeof(path), "%s/cpuacct.usage_percpu", dir);
	if (mutant_on(M_CG_STATS_PARENT) && (slash = strrchr(path, '/')) &&
	    (slash = memrchr(path, '/', (size_t)(slash - path))))
		strcpy(slash, "/cpuacct.usage_percpu");
	if ((r = read_text(path, buf, sizeof(buf))) < 0)
		return r;
	for (char *t = strtok_r(buf, " \n", &save); t && k < n;
	     t = strtok_r(NULL, " \n", &save))
		v[k++] = strtoull(t, NULL, 10);
	return k;
}

int cgs_tid_cgroup(const struct cg_layout *l, int i, pid_t tid, char *buf,
		   size_t len)
{
	int r = cg_pid_path(l, i, tid, buf, len);

	if (r == 0 && mutant_on(M_CG_THREAD_SPLIT))
		snprintf(buf + strlen(buf), len - strlen(buf), "/split-%d",
			 tid);
	return r;
}

static void *second_thread(void *arg)
{
	struct cgs_threads *t = arg;

	chan_send_int(&t->tid, gettid());
	cgs_hold(&t->hold);
	return NULL;
}

int cgs_two_threads(void *threads)
{
	struct cgs_threads *t = threads;
	pthread_t th;

	closep(&t->tid.rd);
	if (pthread_create(&th, NULL, second_thread, t) != 0)
		return 1;
	pthread_join(th, NULL);
	return 0;
}

int cgs_spin(void *n)
{
	volatile unsigned long *c = n;

	for (;;)
		(*c)++;
	return 0;
}

int cgs_spin_on(void *pinned)
{
	const struct cgs_pinned *p = pinned;
	volatile unsigned long dummy = 0, *n = p->n ?: &dummy;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		return 3;
	for (;;)
		(*n)++;
	return 0;
}

int cgs_last_cpu(void)
{
	cpu_set_t set;
	int last = -ENOENT;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return neg_errno();
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &set))
			last = i;
	return last;
}

int cgs_touch_pages(size_t len)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return neg_errno();
	madvise(p, len, MADV_NOHUGEPAGE); /* the granularity is a page */
	for (size_t off = 0; off < len; off += pg)
		((volatile char *)p)[off] = 1;
	return 0;
}

int cgs_touch_fn(void *len)
{
	return cgs_touch_pages(*(const size_t *)len) < 0 ? 3 : 0;
}

int cgs_grow_to(const char *dir, uint64_t target, size_t max)
{
	long pg = sysconf(_SC_PAGESIZE);
	char path[PATH_MAX + 32];
	char *p = mmap(NULL, max, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t cur = 0;

	if (p == MAP_FAILED)
		return neg_errno();
	madvise(p, max, MADV_NOHUGEPAGE);
	snprintf(path, sizeof(path), "%s/memory.current", dir);
	for (size_t off = 0; off < max && cur < target; off += 64 * pg) {
		for (size_t o = off; o < off + 64 * pg && o < max; o += pg)
			((volatile char *)p)[o] = 1;
		int r = read_u64(path, &cur);
		if (r < 0)
			return r;
	}
	return cur >= target ? 0 : -ENOSPC;
}

int cgs_grow_fn(void *grow)
{
	const struct cgs_grow *g = grow;

	return cgs_grow_to(g->dir, g->target, g->max) < 0 ? 3 : 0;
}

bool cgs_moves(volatile unsigned long *n, unsigned long v, int ms)
{
	double end = cgs_now() + ms / 1000.0;

	while (cgs_now() < end) {
		if (*n != v)
			return true;
		cgs_sleep_ms(1);
	}
	return *n != v;
}

int cgs_alive(struct ctx *c, pid_t *pid, const char *who)
{
	char how[64];
	int st;
	pid_t r = waitpid(*pid, &st, WNOHANG);

	if (r < 0)
		return ctx_error(c, neg_errno(), "look for %s", who);
	if (r > 0) {
		*pid = -1; /* reaped */
		return ctx_error(c, 0, "%s %s", who,
				 cgs_status(st, how, sizeof(how)));
	}
	return 0;
}

volatile unsigned long *cgs_counter(void)
{
	return cgs_shared(sizeof(unsigned long));
}

void cgs_counter_free(volatile unsigned long **n)
{
	cgs_unshare((void *)*n, sizeof(**n));
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
