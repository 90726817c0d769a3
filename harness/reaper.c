// SPDX-License-Identifier: MIT
#include "reaper.h"

#include <string.h>
#include <sys/prctl.h>

/* Field 4 of /proc/PID/stat, after the ")" that ends comm. */
static pid_t parent_of(const char *pid)
{
	char path[64], buf[512], *p;
	int ppid;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return -1;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %d", &ppid) != 1)
		return -1;
	return ppid;
}

size_t reaper_children(pid_t *out, size_t cap)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	pid_t self = getpid();
	struct dirent *e;
	size_t n = 0;

	while (d && n < cap && (e = readdir(d)))
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9' &&
		    parent_of(e->d_name) == self)
			out[n++] = atoi(e->d_name);
	return n;
}

static bool was_child(const struct reaper *r, pid_t pid)
{
	for (size_t i = 0; i < r->n_before; i++)
		if (r->before[i] == pid)
			return true;
	return false;
}

int reaper_start(struct reaper *r)
{
	memset(r, 0, sizeof(*r));
	prctl(PR_GET_CHILD_SUBREAPER, &r->was_subreaper);
	r->n_before = reaper_children(r->before, ARRAY_SIZE(r->before));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		return neg_errno();
	return 0;
}

void reaper_reap(const struct reaper *r, bool (*keep)(pid_t, void *), void *arg)
{
	for (;;) {
		siginfo_t si = { 0 };

		if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
		    si.si_pid == 0)
			return;
		if (was_child(r, si.si_pid) || (keep && keep(si.si_pid, arg)))
			return;
		waitpid(si.si_pid, NULL, WNOHANG);
	}
}

void reaper_stop(struct reaper *r)
{
	pid_t kids[256];
	size_t n = reaper_children(kids, ARRAY_SIZE(kids));

	for (size_t i = 0; i < n; i++) {
		if (was_child(r, kids[i]))
			continue;
		kill(kids[i], SIGKILL);
		wait_status(kids[i], NULL);
	}
	reaper_reap(r, NULL, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, r->was_subreaper);
}
