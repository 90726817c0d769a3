// SPDX-License-Identifier: MIT
/*
 * What every target shares: argv building, command templates, the minimal
 * root with the static agent, and launching with a deadline.
 */
#include "targets.h"
#include "../../primitives/cgroup.h"
#include "../../primitives/rootfs.h"

#include <fcntl.h>
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
	PH__COUNT
};
static const char *const ph_names[PH__COUNT] = {
	[PH_ROOTFS] = "rootfs", [PH_AGENT] = "agent",
	[PH_CONFIG] = "config", [PH_BUNDLE] = "bundle",
	[PH_SELF] = "self",	[PH_HOSTNAME] = "hostname",
	[PH_PIDS] = "pids",	[PH_MEMORY] = "memory",
	[PH_CGROUP] = "cgroup", [PH_NAME] = "name",
};

static int ph_lookup(const char *s, size_t len)
{
	for (int i = 0; i < PH__COUNT; i++)
		if (strlen(ph_names[i]) == len && !strncmp(ph_names[i], s, len))
			return i;
	return -EINVAL;
}

static void ph_value(const struct tctx *c, int ph, char *buf, size_t len)
{
	switch (ph) {
	case PH_ROOTFS:
		snprintf(buf, len, "%s", c->rootfs);
		break;
	case PH_AGENT:
		snprintf(buf, len, AGENT_PATH " inspect");
		break;
	case PH_CONFIG:
		snprintf(buf, len, "%s", c->config);
		break;
	case PH_BUNDLE:
		snprintf(buf, len, "%s", c->dir);
		break;
	case PH_SELF:
		snprintf(buf, len, "%s", c->self);
		break;
	case PH_HOSTNAME:
		snprintf(buf, len, "%s", c->pr->hostname);
		break;
	case PH_PIDS:
		snprintf(buf, len, "%u", c->pr->pids_max);
		break;
	case PH_MEMORY:
		snprintf(buf, len, "%llu", c->pr->memory_max);
		break;
	case PH_CGROUP:
		snprintf(buf, len, "%s", c->cgpath);
		break;
	case PH_NAME:
		snprintf(buf, len, "%s", c->name);
		break;
	}
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
			       "{memory} {cgroup} {name})";
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
int rootfs_make(const char *dir, const char *agent)
{
	static const char *const files[] = { "etc/hosts", "etc/hostname",
					     "etc/resolv.conf",
					     "run/.containerenv" };
	char path[PATH_MAX];
	int r = rootfs_make_skeleton(dir);

	r = r
		    ?: rootfs_write_os_release(dir, "boxcheck",
					       "boxcheck agent root");
	/* bind-mount targets a user-namespaced runtime cannot create */
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		r = write_text_creat(path, "");
	}
	snprintf(path, sizeof(path), "%s" AGENT_PATH, dir);
	return r ?: copy_file(agent, path, 0755);
}

/* ---- launching -------------------------------------------------------- */

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

/* In the child: the three fds we hand over on purpose, then exec. */
static _Noreturn void child_exec(const struct tctx *c, char *const argv[])
{
	char out[PATH_MAX + 16], err[PATH_MAX + 16];
	const char *dir = c->dir;
	int in, o, e, r;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	snprintf(out, sizeof(out), "%s/stdout", dir);
	snprintf(err, sizeof(err), "%s/stderr", dir);
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	o = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	e = open(err, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (in < 0 || o < 0 || e < 0 || dup2(in, 0) < 0 || dup2(o, 1) < 0 ||
	    dup2(e, 2) < 0 || chdir(dir) < 0)
		_exit(126);
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
static char *slurp(const char *dir, const char *name, int *len)
{
	char path[PATH_MAX + 16], *buf = calloc(1, LAUNCH_OUT_MAX);

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*len = buf ? read_text(path, buf, LAUNCH_OUT_MAX) : -ENOMEM;
	if (buf && *len < 0)
		buf[0] = '\0';
	return buf;
}

int target_launch(const struct tctx *c, char *const argv[], unsigned timeout_s,
		  struct launch_result *res)
{
	struct timespec tick = { 0, 5000000L }; /* 5 ms */
	double t0 = now_s();
	pid_t pid, got;
	int n;

	memset(res, 0, sizeof(*res));
	res->status = -1;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0)
		child_exec(c, argv);
	setpgid(pid, pid);
	while ((got = waitpid(pid, &res->status, WNOHANG)) == 0) {
		if (now_s() - t0 > timeout_s) {
			res->timed_out = true;
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			waitpid(pid, &res->status, 0);
			break;
		}
		nanosleep(&tick, NULL);
	}
	kill(-pid, SIGKILL); /* whatever the launcher left in its group */
	res->duration_s = now_s() - t0;
	res->out = slurp(c->dir, "stdout", &n);
	res->out_len = n > 0 ? (size_t)n : 0;
	res->out_truncated = n == LAUNCH_OUT_MAX - 1;
	res->err = slurp(c->dir, "stderr", &n);
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
