// SPDX-License-Identifier: MIT
/*
 * What every target shares: argv building, command templates, the minimal
 * root with the static agent, and launching with a deadline.
 */
#include "targets.h"
#include "agent.h"
#include "../../primitives/caps.h"
#include "../../primitives/cgroup.h"
#include "../../primitives/rootfs.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/syscall.h>
#include <stdarg.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>

void argv_add(struct argvb *b, const char *fmt, ...)
{
	size_t room = sizeof(b->store) - b->used;
	va_list ap;
	int n;

	if (b->n >= ARGV_MAX) {
		b->overflow = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->store + b->used, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room) {
		b->overflow = true;
		return;
	}
	b->v[b->n++] = b->store + b->used;
	b->v[b->n] = NULL;
	b->used += n + 1;
}

/* ---- templates -------------------------------------------------------- */

enum ph {
	PH_ROOTFS,
	PH_AGENT,
	PH_CONFIG,
	PH_BUNDLE,
	PH_SELF,
	PH_HOSTNAME,
	PH_PIDS,
	PH_MEMORY,
	PH_CGROUP,
	PH_NAME,
	PH_LIFE,
	PH_GIVEN_NET,
	PH_AGENT_LIFE,
	PH_RUNDIR,
	PH__COUNT
};
static const char *const ph_names[PH__COUNT] = {
	[PH_ROOTFS] = "rootfs",
	[PH_AGENT] = "agent",
	[PH_CONFIG] = "config",
	[PH_BUNDLE] = "bundle",
	[PH_SELF] = "self",
	[PH_HOSTNAME] = "hostname",
	[PH_PIDS] = "pids",
	[PH_MEMORY] = "memory",
	[PH_CGROUP] = "cgroup",
	[PH_NAME] = "name",
	[PH_LIFE] = "life",
	[PH_GIVEN_NET] = "given-net",
	[PH_AGENT_LIFE] = "agent-life",
	[PH_RUNDIR] = "rundir",
};

static int ph_lookup(const char *s, size_t len)
{
	for (int i = 0; i < PH__COUNT; i++)
		if (strlen(ph_names[i]) == len && !strncmp(ph_names[i], s, len))
			return i;
	return -EINVAL;
}

/* A NULL-ended argv, joined with blanks. */
static void joined(const char *const *v, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (; *v && at < len; v++)
		at += snprintf(buf + at, len - at, "%s%s", at ? " " : "", *v);
}

static void ph_value(const struct tctx *c, int ph, char *buf, size_t len)
{
	const char *s[PH__COUNT] = {
		[PH_ROOTFS] = c->rootfs,
		[PH_CONFIG] = c->config,
		[PH_BUNDLE] = c->dir,
		[PH_SELF] = c->self,
		[PH_HOSTNAME] = c->pr->hostname,
		[PH_CGROUP] = c->cgpath,
		[PH_NAME] = c->name,
		[PH_GIVEN_NET] = c->given_net,
	};

	if (ph == PH_AGENT)
		joined(c->pr->args, buf, len);
	else if (ph == PH_AGENT_LIFE)
		joined(target_life_args, buf, len);
	else if (ph == PH_PIDS)
		snprintf(buf, len, "%u", c->pr->pids_max);
	else if (ph == PH_MEMORY)
		snprintf(buf, len, "%llu", c->pr->memory_max);
	else if (ph == PH_LIFE)
		snprintf(buf, len, "%s-life", c->name);
	else if (ph == PH_RUNDIR)
		snprintf(buf, len, "%.*s", (int)(strrchr(c->dir, '/') - c->dir),
			 c->dir);
	else
		snprintf(buf, len, "%s", s[ph] ? s[ph] : "");
}

const char *template_check(const char *tmpl)
{
	bool agent = false;

	for (const char *p = strchr(tmpl, '{'); p; p = strchr(p + 1, '{')) {
		const char *end = strchr(p, '}');
		int ph = end ? ph_lookup(p + 1, end - p - 1) : -EINVAL;
		if (ph < 0)
			return "unknown placeholder (known: {rootfs} {agent} "
			       "{config} {bundle} {self} {hostname} {pids} "
			       "{memory} {cgroup} {name} {life} {given-net} "
			       "{agent-life} {rundir})";
		agent |= ph == PH_AGENT;
	}
	return agent ? NULL : "the template has no {agent}";
}

int template_expand(const struct tctx *c, const char *tmpl, struct argvb *b)
{
	char line[8192], *tok, *save = NULL;
	size_t at = 0;

	for (const char *p = tmpl; *p && at + 1 < sizeof(line); p++) {
		const char *end = *p == '{' ? strchr(p, '}') : NULL;
		int ph = end ? ph_lookup(p + 1, end - p - 1) : -EINVAL;
		if (*p == '{' && ph < 0)
			return -EINVAL;
		if (ph < 0) {
			line[at++] = *p;
			continue;
		}
		ph_value(c, ph, line + at, sizeof(line) - at);
		at += strlen(line + at);
		p = end;
	}
	line[at] = '\0';
	for (tok = strtok_r(line, " \t\n", &save); tok;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		char abs[PATH_MAX];
		/* the launcher starts in c->dir: a relative program moves */
		if (b->n == 0 && tok[0] != '/' && strchr(tok, '/') &&
		    realpath(tok, abs))
			tok = abs;
		argv_add(b, "%s", tok);
	}
	return b->overflow ? -E2BIG : 0;
}

/* ---- the root --------------------------------------------------------- */

/*
 * A minimal root: the mount points a runtime needs, /etc/os-release and
 * /usr for systemd-nspawn, the static agent as /bin/boxcheck. One place, so
 * it can switch to primitives/rootfs.c later.
 */
/*
 * What a /dev of the root itself holds (a runtime mounts a tmpfs over it;
 * ref-without:dev-tmpfs binds its nodes onto these, which a user
 * namespace could not create): the default nodes' names, the links, and
 * the directories of devpts, shm and mqueue.
 */
static int dev_skeleton(const char *dir)
{
	static const char *const files[] = { "null",   "zero",	  "full",
					     "random", "urandom", "tty" };
	static const char *const dirs[] = { "pts", "shm", "mqueue" };
	static const char *const links[][2] = {
		{ "fd", "/proc/self/fd" },
		{ "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" },
		{ "ptmx", "pts/ptmx" },
	};
	char p[PATH_MAX + 32];
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(files); i++) {
		snprintf(p, sizeof(p), "%s/dev/%s", dir, files[i]);
		r = write_text_creat(p, "");
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dirs); i++) {
		snprintf(p, sizeof(p), "%s/dev/%s", dir, dirs[i]);
		r = mkdir(p, 0755) < 0 && errno != EEXIST ? neg_errno() : 0;
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(links); i++) {
		snprintf(p, sizeof(p), "%s/dev/%s", dir, links[i][0]);
		r = symlink(links[i][1], p) < 0 && errno != EEXIST ? neg_errno()
								   : 0;
	}
	return r;
}

const char *const target_life_args[] = { AGENT_PATH, "inspect", "--lifecycle",
					 "--wait",   "5",	NULL };

int rootfs_make(const char *dir, const char *agent, const char *token)
{
	static const char *const files[] = { "etc/hosts", "etc/hostname",
					     "etc/resolv.conf",
					     "run/.containerenv" };
	char path[PATH_MAX], line[128];
	int r = rootfs_make_skeleton(dir);

	r = r
		    ?: rootfs_write_os_release(dir, "boxcheck",
					       "boxcheck agent root");
	/* bind-mount targets a user-namespaced runtime cannot create */
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		r = write_text_creat(path, "");
	}
	r = r ?: dev_skeleton(dir);
	snprintf(path, sizeof(path), "%s" AGENT_ROOT_MARK, dir);
	snprintf(line, sizeof(line), "%s\n", token);
	r = r ?: write_text_creat(path, line);
	snprintf(path, sizeof(path), "%s" AGENT_PATH, dir);
	return r ?: copy_file(agent, path, 0755);
}

/* ---- launching -------------------------------------------------------- */

static volatile sig_atomic_t interrupted;

void target_launch_interrupt(int sig)
{
	interrupted = sig;
}

int target_launch_interrupted(void)
{
	return interrupted;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int target_enter_v1_view(const char *hide_v2)
{
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return neg_errno();
	return cg_detach_v2(hide_v2);
}

/* fd `to` open on path with flags (a file made is 0600), kept over execve. */
static int fd_at(const char *path, int flags, int to)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);

	if (fd < 0)
		return -1;
	if (fd != to && dup2(fd, to) < 0)
		return -1;
	if (fd != to)
		close(fd);
	return 0;
}

/*
 * The launcher's capability canary: every permitted capability also
 * inheritable and ambient. A runtime sets all five sets of the container
 * (or clears these two); one that leaves them as it found them passes
 * them on (CVE-2022-29162's kind).
 */
static void caps_canary(void)
{
	struct cap_sets s;

	if (caps_read_self(&s) < 0)
		return;
	caps_keep(s.permitted, s.permitted, s.permitted);
}

/*
 * In the child: the three fds we hand over on purpose, the canaries (fd 9
 * on the target's directory, pr->env_canary in the environment, the
 * inheritable and ambient capabilities), then exec.
 */
static _Noreturn void child_exec(const struct tctx *c, char *const argv[],
				 const struct launch_opts *lo)
{
	char out[PATH_MAX + 64], err[PATH_MAX + 64];
	const char *dir = c->dir;
	int r;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	/* only what we hand over on purpose: none of our own caller's fds */
	syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC);
	snprintf(out, sizeof(out), "%s/%s.out", dir, lo->tag);
	snprintf(err, sizeof(err), "%s/%s.err", dir, lo->tag);
	if (fd_at("/dev/null", O_RDONLY, 0) < 0 ||
	    fd_at(out, O_WRONLY | O_CREAT | O_TRUNC, 1) < 0 ||
	    fd_at(err, O_WRONLY | O_CREAT | O_TRUNC, 2) < 0 || chdir(dir) < 0)
		_exit(126);
	if (fd_at(dir, O_RDONLY | O_DIRECTORY, 9) < 0 ||
	    (lo->fd_file && fd_at(lo->fd_file, O_RDONLY, 5) < 0))
		_exit(126);
	fcntl(9, F_SETFD, 0);
	if (lo->fd_file)
		fcntl(5, F_SETFD, 0);
	setenv(c->pr->env_canary, "leaked", 1);
	caps_canary();
	for (size_t i = 0; i < ARRAY_SIZE(lo->env) && lo->env[i]; i++)
		putenv((char *)lo->env[i]);
	if (c->hide_v2 && (r = target_enter_v1_view(c->hide_v2)) < 0) {
		dprintf(2, "boxcheck: %s's " TARGET_V1_VIEW ": %s\n", argv[0],
			strerror(-r));
		_exit(126);
	}
	execvp(argv[0], argv);
	dprintf(2, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The file's first LAUNCH_OUT_MAX - 1 bytes; *len < 0 when unreadable. */
static char *slurp(const char *dir, const char *tag, const char *ext, int *len)
{
	char path[PATH_MAX + 64], *buf = calloc(1, LAUNCH_OUT_MAX);

	snprintf(path, sizeof(path), "%s/%s.%s", dir, tag, ext);
	*len = buf ? read_text(path, buf, LAUNCH_OUT_MAX) : -ENOMEM;
	if (buf && *len < 0)
		buf[0] = '\0';
	return buf;
}

/* Kill the launcher's group: at a deadline, a stop signal, or its exit. */
static void end_group(pid_t pid, struct launch_result *res)
{
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	waitpid(pid, &res->status, 0);
}

int target_launch(const struct tctx *c, char *const argv[], unsigned timeout_s,
		  const struct launch_opts *lo, struct launch_result *res)
{
	static const struct launch_opts plain = { .tag = "launch" };
	struct timespec tick = { 0, 2000000L }; /* 2 ms */
	double t0 = now_s();
	pid_t pid, got;
	int n;

	lo = lo ? lo : &plain;
	memset(res, 0, sizeof(*res));
	res->status = -1;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0)
		child_exec(c, argv, lo);
	setpgid(pid, pid);
	while ((got = waitpid(pid, &res->status, WNOHANG)) == 0) {
		if (now_s() - t0 > timeout_s || interrupted) {
			res->timed_out = !interrupted;
			res->interrupted = interrupted;
			end_group(pid, res);
			break;
		}
		nanosleep(&tick, NULL);
		if (tick.tv_nsec < 20000000L)
			tick.tv_nsec += 1000000L;
	}
	if (!lo->keep_group)
		kill(-pid,
		     SIGKILL); /* whatever the launcher left in its group */
	res->duration_s = now_s() - t0;
	res->out = slurp(c->dir, lo->tag, "out", &n);
	res->out_len = n > 0 ? (size_t)n : 0;
	res->out_truncated = n == LAUNCH_OUT_MAX - 1;
	res->err = slurp(c->dir, lo->tag, "err", &n);
	return 0;
}

void launch_result_free(struct launch_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
}

void run_quiet(char *const argv[])
{
	run_quiet_in(NULL, NULL, argv);
}

void run_quiet_in(const char *dir, const char *hide_v2, char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if ((dir && chdir(dir) < 0) ||
		    (hide_v2 && target_enter_v1_view(hide_v2) < 0))
			_exit(127);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}
