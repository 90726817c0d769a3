// SPDX-License-Identifier: MIT
/* Shared by the second wave of seccomp scenarios (no scenarios here). */
#include "seccomp_more.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

/* ---- raw filters ----------------------------------------------------- */

void scx_rule(struct sock_filter *f, long nr, uint32_t action)
{
	const struct sock_filter rule[SCX_RULE_LEN] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, sc_native_arch(), 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};

	memcpy(f, rule, sizeof(rule));
}

long scx_seccomp(unsigned op, unsigned flags, void *args)
{
	long r = syscall(SYS_seccomp, op, flags, args);

	return r < 0 ? neg_errno() : r;
}

long scx_seccomp_probe(unsigned op, unsigned flags, void *args)
{
	long r = scx_seccomp(op, flags, args);

	return mutant_on(M_SECCOMP_CALL_OK) ? 0 : r;
}

long scx_install(const struct sock_filter *f, unsigned short n, unsigned flags)
{
	struct sock_fprog prog = { n, (struct sock_filter *)f };

	return scx_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
}

long scx_install_rule(long nr, uint32_t action, unsigned flags)
{
	struct sock_filter f[SCX_RULE_LEN];

	scx_rule(f, nr, action);
	return scx_install(f, SCX_RULE_LEN, flags);
}

/* ---- a process that reports with one write(2) ------------------------ */

struct scx_head {
	int err;
	char step[60];
};

static char scx_step[60];

int scx_fail(const char *step, int err)
{
	snprintf(scx_step, sizeof(scx_step), "%s", step);
	return err < 0 ? err : -EIO;
}

static _Noreturn void scx_child(int wr, scx_fn fn, const void *arg, size_t len)
{
	static char buf[sizeof(struct scx_head) + SCX_OUT_MAX];
	struct scx_head *h = (struct scx_head *)buf;
	struct rlimit core;

	if (getrlimit(RLIMIT_CORE, &core) == 0) {
		core.rlim_cur = 0;
		setrlimit(RLIMIT_CORE, &core);
	}
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	h->err = fn(arg, buf + sizeof(*h));
	if (h->err > 0)
		h->err = -EIO;
	memcpy(h->step, scx_step, sizeof(h->step));
	if (write(wr, buf, sizeof(*h) + len) != (ssize_t)(sizeof(*h) + len))
		_exit(3);
	/* exit(2), not exit_group(2): strict mode allows it (one thread). */
	syscall(SYS_exit, 0);
	_exit(0);
}

static int scx_read(struct ctx *c, const char *what, int rd, void *out,
		    size_t len)
{
	char buf[sizeof(struct scx_head) + SCX_OUT_MAX];
	struct scx_head h;
	ssize_t n = fd_read_all(rd, buf, sizeof(h) + len);

	if (n < (ssize_t)sizeof(h))
		return ctx_error(c, n < 0 ? (int)n : 0, "%s: no report", what);
	memcpy(&h, buf, sizeof(h));
	h.step[sizeof(h.step) - 1] = '\0';
	if (h.err < 0)
		return ctx_error(c, h.err, "%s: %s", what,
				 h.step[0] ? h.step : "failed");
	if (n != (ssize_t)(sizeof(h) + len))
		return ctx_error(c, 0, "%s: a short report", what);
	if (len)
		memcpy(out, buf + sizeof(h), len);
	return 0;
}

int scx_run(struct ctx *c, const char *what, scx_fn fn, const void *arg,
	    void *out, size_t len, struct scx_end *end)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	pid_t st_pid;
	int st, r;

	if (len > SCX_OUT_MAX)
		return ctx_error(c, -E2BIG, "%s: report too big", what);
	TRY(c, chan_open(&ch), "pipe");
	if ((pid = fork()) < 0)
		return ctx_error(c, neg_errno(), "%s: fork", what);
	if (pid == 0) {
		close(ch.rd);
		scx_child(ch.wr, fn, arg, len);
	}
	close(TAKE_FD(ch.wr));
	st_pid = pid;
	r = scx_read(c, what, ch.rd, out, len);
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap the seccomp process");
	if (r)
		return r;
	end->pid = st_pid;
	end->death = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	end->core = WIFSIGNALED(st) && WCOREDUMP(st);
	end->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	return 0;
}

/* ---- audit records --------------------------------------------------- */

#define AUDIT_WAIT_MS 500

/* Is the word w (n bytes) in the blank separated list? */
static bool listed(const char *list, const char *w, size_t n)
{
	for (const char *p = list; *p; p += strcspn(p, " \n")) {
		p += strspn(p, " \n");
		if (strncmp(p, w, n) == 0 &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return true;
	}
	return false;
}

int audit_open(struct ctx *c, const char *need, int *fd)
{
	char logged[256];
	size_t n;

	if (read_text("/proc/sys/kernel/seccomp/actions_logged", logged,
		      sizeof(logged)) < 0)
		return ctx_skip(c, "no kernel.seccomp.actions_logged");
	for (const char *p = need; *p; p += n + (p[n] == ' ')) {
		n = strcspn(p, " ");
		if (!listed(logged, p, n))
			return ctx_skip(c,
					"kernel.seccomp.actions_logged lacks "
					"%.*s",
					(int)n, p);
	}
	*fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		return ctx_skip(c, "no readable /dev/kmsg (%s)",
				strerrorname_np(errno));
	if (lseek(*fd, 0, SEEK_END) < 0)
		return ctx_error(c, neg_errno(),
				 "seek to the end of /dev/kmsg");
	return 0;
}

static bool audit_line(const char *l, pid_t pid, long nr)
{
	char want[64];

	snprintf(want, sizeof(want), " pid=%d ", pid);
	if (!strstr(l, "type=1326") || !strstr(l, want))
		return false;
	snprintf(want, sizeof(want), " syscall=%ld ", nr);
	return strstr(l, want) != NULL;
}

static int fence_log(const void *arg, void *out)
{
	long r;

	(void)arg;
	(void)out;
	if ((r = scx_install_rule(SYS_getsid, SECCOMP_RET_LOG, 0)) < 0)
		return scx_fail("install the fence's filter", (int)r);
	if (syscall(SYS_getsid, 0) < 0)
		return scx_fail("getsid", neg_errno());
	return 0;
}

static bool past(const struct timespec *end)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > end->tv_sec ||
	       (now.tv_sec == end->tv_sec && now.tv_nsec >= end->tv_nsec);
}

/* Read records; true once one is pid's for nr. Non-blocking: what is there. */
static bool audit_drain(int fd, pid_t pid, long nr)
{
	char rec[2048];
	ssize_t n;

	while ((n = read(fd, rec, sizeof(rec) - 1)) > 0 ||
	       (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = '\0';
		if (audit_line(rec, pid, nr))
			return true;
	}
	return false;
}

/*
 * A fence, then records until its own, for at most ms: *fenced when it
 * came; *logged when pid's record for nr came before it.
 */
static int fence_once(struct ctx *c, int fd, int ms, pid_t pid, long nr,
		      bool *logged, bool *fenced)
{
	struct scx_end fence = { 0 };
	struct timespec until;
	char rec[2048];

	*fenced = false;
	TRY_OBS(scx_run(c, "the fence", fence_log, NULL, NULL, 0, &fence));
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_nsec += ms * 1000000l;
	until.tv_sec += until.tv_nsec / 1000000000l;
	until.tv_nsec %= 1000000000l;
	while (!*fenced) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n = read(fd, rec, sizeof(rec) - 1);
		if (n > 0) {
			rec[n] = '\0';
			*logged |= audit_line(rec, pid, nr);
			*fenced = audit_line(rec, fence.pid, SYS_getsid);
			continue;
		}
		if (n < 0 && errno == EPIPE)
			continue;
		if (past(&until))
			break;
		poll(&p, 1, 20);
	}
	return 0;
}

/*
 * printk's rate limit (10 records in 5 s, for the whole machine) drops
 * records past its budget until its window ends: fences until one of
 * them shows, for at most one window and a bit.
 */
#define WINDOW_FENCES 60
#define WINDOW_FENCE_MS 100
static int wait_window(struct ctx *c, int fd, bool *open)
{
	bool unused = false;

	*open = false;
	for (int i = 0; i < WINDOW_FENCES && !*open; i++)
		TRY_OBS(fence_once(c, fd, WINDOW_FENCE_MS, 0, 0, &unused,
				   open));
	return 0;
}

int audit_observe(struct ctx *c, int fd, audit_probe_fn probe, void *arg,
		  long nr, bool *logged)
{
	bool fenced = false, open = true;
	pid_t pid;

	for (int try = 0; try < 2 && open && !fenced; try++) {
		TRY_OBS(probe(c, arg, &pid));
		/* No fence when the record is already there: it would count. */
		*logged = audit_drain(fd, pid, nr);
		fenced = *logged;
		if (!fenced)
			TRY_OBS(fence_once(c, fd, AUDIT_WAIT_MS, pid, nr,
					   logged, &fenced));
		if (!fenced) {
			TRY_OBS(wait_window(c, fd, &open));
			ctx_kv(c, "audit records dropped",
			       "attempt %d; printk's window %s", try + 1,
			       open ? "passed" : "never passed");
		}
	}
	if (!fenced)
		return ctx_skip(c, "the fence's seccomp audit record never "
				   "reached the kernel log (an audit daemon "
				   "takes them, or printk's rate limit kept "
				   "dropping them)");
	if (mutant_on(M_SECCOMP_NONE))
		*logged = false;
	return 0;
}

int scx_avail_pos(const char *name)
{
	char avail[256], *save = NULL, *w;
	int pos = 0;

	if (read_text("/proc/sys/kernel/seccomp/actions_avail", avail,
		      sizeof(avail)) < 0)
		return 0;
	for (w = strtok_r(avail, " \n", &save); w;
	     w = strtok_r(NULL, " \n", &save)) {
		pos++;
		if (strcmp(w, name) == 0)
			return pos;
	}
	return 0;
}
