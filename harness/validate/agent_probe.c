// SPDX-License-Identifier: MIT
/*
 * The agent's active probes: can it fork past the pids limit, touch memory
 * past the memory limit, write the root, climb out of its root, how many
 * processes can it see. Each leaves nothing behind; each that could harm
 * the agent runs in a child.
 */
#include "agent.h"
#include "../../primitives/rootfs.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

const char *agent_errname(int err)
{
	return strerrorname_np(err < 0 ? -err : err) ?: "error";
}

json_t *agent_error(int err)
{
	return json_pack("{s:s}", "error", agent_errname(err));
}

/* pids.events "max N" of our own cgroup: the forks the limit refused. */
static json_t *pids_events(void)
{
	char buf[256];
	const char *p;
	int r = agent_cg_read("pids", "pids.events", buf, sizeof(buf));

	if (r == -ENOENT)
		return json_null();
	if (r < 0)
		return agent_error(r);
	p = strstr(buf, "max ");
	return p ? json_integer(strtoll(p + 4, NULL, 10)) : agent_error(-EIO);
}

/*
 * Step 1: fork children that block on a pipe, until max or fork fails.
 * Step 2: close the write end; each child reads EOF and leaves.
 * Step 3: reap them all. pids.events is read around it: the cgroup's own
 * count of the forks its limit refused.
 */
static json_t *probe_fork(unsigned max)
{
	_cleanup_chan_ struct chan c = CHAN_INIT;
	_cleanup_free_ pid_t *kids = calloc(max + 1, sizeof(*kids));
	json_t *before = pids_events();
	unsigned n = 0;
	int err = 0;

	if (!kids || chan_open(&c) < 0) {
		json_decref(before);
		return agent_error(kids ? -EMFILE : -ENOMEM);
	}
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
	return json_pack("{s:i, s:i, s:o, s:o, s:o}", "tried", max, "forked", n,
			 "stopped_by",
			 err ? json_string(agent_errname(err)) : json_null(),
			 "events_before", before, "events_after",
			 pids_events());
}

/* What the memory child reports: its peak resident size, or why not. */
struct mem_report {
	int err; /* -errno of mmap: the allocation was refused */
	long hwm_kib;
};

static _Noreturn void mem_child(struct chan *c, size_t size)
{
	struct mem_report m = { 0, -1 };
	char buf[4096];
	const char *p;
	char *mem;

	close(c->rd);
	/* The OOM killer must pick this child, never the agent. */
	write_text("/proc/self/oom_score_adj", "1000");
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		m.err = neg_errno();
	} else {
		madvise(mem, size, MADV_HUGEPAGE); /* fewer faults, if it can */
		for (size_t off = 0; off < size; off += 4096)
			mem[off] = 1;
		if (read_text("/proc/self/status", buf, sizeof(buf)) > 0 &&
		    (p = strstr(buf, "VmHWM:")))
			m.hwm_kib = strtol(p + 6, NULL, 10);
	}
	_exit(chan_send(c, &m, sizeof(m)) == 0 ? 0 : 1);
}

/*
 * A child touches size bytes, one write per page: under a memory limit it
 * is killed (OOM) or refused, or, where it may swap, its resident peak
 * stays under the limit. The agent survives either way.
 */
static json_t *probe_memory(size_t size)
{
	_cleanup_chan_ struct chan c = CHAN_INIT;
	struct mem_report m;
	pid_t pid;
	int st, r;

	if ((r = chan_open(&c)) < 0)
		return agent_error(r);
	pid = fork();
	if (pid < 0)
		return agent_error(neg_errno());
	if (pid == 0)
		mem_child(&c, size);
	close(c.wr);
	c.wr = -1;
	r = chan_recv(&c, &m, sizeof(m));
	if (wait_status(pid, &st) < 0)
		return agent_error(neg_errno());
	if (WIFSIGNALED(st))
		return json_pack("{s:I, s:s, s:s}", "size", (json_int_t)size,
				 "outcome", "killed", "signal",
				 sigabbrev_np(WTERMSIG(st)) ?: "?");
	if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return agent_error(r < 0 ? r : -ECHILD);
	if (m.err)
		return json_pack("{s:I, s:s, s:s}", "size", (json_int_t)size,
				 "outcome", "refused", "errno",
				 agent_errname(m.err));
	return json_pack("{s:I, s:s, s:I}", "size", (json_int_t)size, "outcome",
			 "survived", "peak_kib", (json_int_t)m.hwm_kib);
}

/*
 * The classic chroot escape, in a child: chroot into a directory of the
 * root while cwd stays outside, climb, chroot("."): where it lands is the
 * top of the mount namespace. After pivot_root that is the container's own
 * root; after a mere chroot, the host's.
 */
static json_t *probe_escape(void)
{
	static const char *const dirs[] = { "/proc", "/dev", "/bin" };
	_cleanup_chan_ struct chan c = CHAN_INIT;
	struct {
		int err;
		dev_t dev;
		ino_t ino;
	} got;
	pid_t pid;
	int st, r;

	if ((r = chan_open(&c)) < 0)
		return agent_error(r);
	pid = fork();
	if (pid < 0)
		return agent_error(neg_errno());
	if (pid == 0) {
		struct stat sb = { 0 };
		size_t i = 0;
		close(c.rd);
		while (i + 1 < ARRAY_SIZE(dirs) && !path_exists(dirs[i]))
			i++;
		got.err = rootfs_chroot_escape(dirs[i]);
		if (got.err == 0 && stat("/", &sb) < 0)
			got.err = neg_errno();
		got.dev = sb.st_dev;
		got.ino = sb.st_ino;
		_exit(chan_send(&c, &got, sizeof(got)) == 0 ? 0 : 1);
	}
	close(c.wr);
	c.wr = -1;
	r = chan_recv(&c, &got, sizeof(got));
	if (wait_status(pid, &st) < 0 || r < 0 || exit_code_of(st))
		return agent_error(r < 0 ? r : -ECHILD);
	if (got.err == -EPERM)
		return json_pack("{s:s}", "refused", "EPERM");
	if (got.err)
		return agent_error(got.err);
	return json_pack("{s:I, s:I}", "dev", (json_int_t)got.dev, "ino",
			 (json_int_t)got.ino);
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
	return json_string(agent_errname(e));
}

static json_t *probe_procs(void)
{
	_cleanup_closedir_ DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return agent_error(neg_errno());
	while ((e = readdir(d)))
		n += e->d_name[0] >= '1' && e->d_name[0] <= '9';
	return json_integer(n);
}

json_t *agent_probes(const struct agent_opts *o)
{
	json_t *p = json_object();

	json_object_set_new(
		p, "fork", o->fork_max ? probe_fork(o->fork_max) : json_null());
	json_object_set_new(p, "memory",
			    o->no_memory ? json_null()
					 : probe_memory(AGENT_MEM_PROBE));
	json_object_set_new(p, "write_root",
			    o->no_write ? json_null() : probe_write_root());
	json_object_set_new(p, "escape", probe_escape());
	json_object_set_new(p, "visible_processes", probe_procs());
	return p;
}
