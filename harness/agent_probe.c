// SPDX-License-Identifier: MIT
/*
 * The agent's active probes: can it fork past the pids limit, can it write
 * the root, how many processes can it see. Each leaves nothing behind.
 */
#include "agent.h"

#include <fcntl.h>
#include <string.h>

static const char *err_name(int e)
{
	return strerrorname_np(e) ?: "error";
}

/*
 * Step 1: fork children that block on a pipe, until max or fork fails.
 * Step 2: close the write end; each child reads EOF and leaves.
 * Step 3: reap them all.
 */
static json_t *probe_fork(unsigned max)
{
	_cleanup_chan_ struct chan c = CHAN_INIT;
	_cleanup_free_ pid_t *kids = calloc(max + 1, sizeof(*kids));
	unsigned n = 0;
	int err = 0;

	if (!kids || chan_open(&c) < 0)
		return json_pack("{s:s}", "error", "cannot set up");
	for (; n < max; n++) {
		pid_t p = fork();
		if (p < 0) {
			err = errno;
			break;
		}
		if (p == 0) {
			char b;
			close(c.wr);
			while (read(c.rd, &b, 1) < 0 && errno == EINTR)
				;
			_exit(0);
		}
		kids[n] = p;
	}
	close(c.wr);
	c.wr = -1;
	for (unsigned i = 0; i < n; i++)
		while (waitpid(kids[i], NULL, 0) < 0 && errno == EINTR)
			;
	return json_pack("{s:i, s:i, s:o}", "tried", max, "forked", n,
			 "stopped_by",
			 err ? json_string(err_name(err)) : json_null());
}

/*
 * An unnamed file (O_TMPFILE) on "/" proves the root writable without ever
 * leaving a name behind, also when the agent runs on the host (the control).
 * Only a filesystem without O_TMPFILE gets a named file, removed at once.
 */
static json_t *probe_write_root(void)
{
	char name[64];
	int fd = open("/", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600), e;

	if (fd < 0 &&
	    (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		snprintf(name, sizeof(name), "/.boxcheck-probe-%d", getpid());
		fd = open(name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
		if (fd >= 0)
			unlink(name);
	}
	e = errno;
	if (fd >= 0) {
		close(fd);
		return json_string("written");
	}
	return json_string(err_name(e));
}

static json_t *probe_procs(void)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return json_null();
	while ((e = readdir(d)))
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	return json_integer(n);
}

json_t *agent_probes(const struct agent_opts *o)
{
	json_t *p = json_object();

	json_object_set_new(
		p, "fork", o->fork_max ? probe_fork(o->fork_max) : json_null());
	json_object_set_new(p, "write_root",
			    o->no_write ? json_null() : probe_write_root());
	json_object_set_new(p, "visible_processes", probe_procs());
	return p;
}
