// SPDX-License-Identifier: MIT
/*
 * The agent's active probes, one table: can it fork past the pids limit,
 * touch memory past the memory limit, spin past the cpu quota, write the
 * root, climb out of its root, and what an attacker inside could reach
 * (agent_attack.c). Each leaves nothing behind; each that could harm the
 * agent runs in a child. A probe that could have a side effect says which
 * (side_effect): with --no-side-effects (the host control) it runs only
 * its side-effect-free way, or not at all.
 */
#include "agent.h"
#include "../../primitives/rootfs.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

static bool jint_of(const json_t *v, long long *out)
{
	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

int agent_in_child(int (*fn)(void *arg, void *report), void *arg, void *report,
		   size_t len)
{
	_cleanup_chan_ struct chan c = CHAN_INIT;
	pid_t pid;
	int st, r;

	if ((r = chan_open(&c)) < 0)
		return r;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0) {
		close(c.rd);
		r = fn(arg, report);
		_exit(r == 0 && chan_send(&c, report, len) == 0 ? 0 : 1);
	}
	close(c.wr);
	c.wr = -1;
	r = chan_recv(&c, report, len);
	if (wait_status(pid, &st) < 0)
		return neg_errno();
	return r < 0 || exit_code_of(st) ? (r < 0 ? r : -ECHILD) : 0;
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
static json_t *probe_fork(const struct agent_opts *o)
{
	unsigned max = o->fork_max;
	_cleanup_chan_ struct chan c = CHAN_INIT;
	_cleanup_free_ pid_t *kids = calloc(max + 1, sizeof(*kids));
	json_t *before;
	unsigned n = 0;
	int err = 0;

	if (!max)
		return json_null();
	if (!kids || chan_open(&c) < 0)
		return agent_error(kids ? -EMFILE : -ENOMEM);
	before = pids_events();
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

static int mem_touch(void *arg, void *report)
{
	size_t size = *(size_t *)arg;
	struct mem_report *m = report;
	char buf[4096];
	const char *p;
	char *mem;

	m->err = 0;
	m->hwm_kib = -1;
	/* The OOM killer must pick this child, never the agent. */
	write_text("/proc/self/oom_score_adj", "1000");
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED) {
		m->err = neg_errno();
		return 0;
	}
	madvise(mem, size, MADV_HUGEPAGE); /* fewer faults, if it can */
	for (size_t off = 0; off < size; off += 4096)
		mem[off] = 1;
	if (read_text("/proc/self/status", buf, sizeof(buf)) > 0 &&
	    (p = strstr(buf, "VmHWM:")))
		m->hwm_kib = strtol(p + 6, NULL, 10);
	return 0;
}

/*
 * A child touches size bytes, one write per page: under a memory limit it
 * is killed (OOM) or refused, or, where it may swap, its resident peak
 * stays under the limit. The agent survives either way.
 */
static json_t *probe_memory(const struct agent_opts *o)
{
	_cleanup_chan_ struct chan c = CHAN_INIT;
	size_t size = AGENT_MEM_PROBE;
	struct mem_report m;
	pid_t pid;
	int st, r;

	if (o->no_memory)
		return json_null();
	if ((r = chan_open(&c)) < 0)
		return agent_error(r);
	pid = fork();
	if (pid < 0)
		return agent_error(neg_errno());
	if (pid == 0) {
		close(c.rd);
		mem_touch(&size, &m);
		_exit(chan_send(&c, &m, sizeof(m)) == 0 ? 0 : 1);
	}
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

/* cpu.stat's nr_throttled of our own cgroup, or null (not visible). */
static json_t *throttled(void)
{
	char buf[1024];
	const char *p;
	int r = agent_cg_read("cpu", "cpu.stat", buf, sizeof(buf));

	if (r == -ENOENT)
		return json_null();
	if (r < 0)
		return agent_error(r);
	p = strstr(buf, "nr_throttled ");
	return p ? json_integer(strtoll(p + 13, NULL, 10)) : json_null();
}

static double ms_of(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * AGENT_CPU_KIDS children spin until the cgroup says it throttled them
 * (nr_throttled rose), or AGENT_CPU_MS of wall time: together they ask for
 * more than half a cpu even on a loaded host, so a quota of half a cpu
 * per 10 ms period throttles them within a few periods.
 */
static json_t *probe_cpu(const struct agent_opts *o)
{
	pid_t kids[AGENT_CPU_KIDS];
	json_t *before, *now = NULL;
	long long b = -1, n = -1;
	struct rusage ru;
	double w0, cpu = 0;
	int k = 0;

	if (o->no_cpu)
		return json_null();
	before = throttled();
	jint_of(before, &b);
	w0 = ms_of(CLOCK_MONOTONIC);
	for (; k < AGENT_CPU_KIDS; k++) {
		if ((kids[k] = fork()) < 0)
			break;
		if (kids[k] == 0)
			for (volatile unsigned long spin = 0;; spin++)
				;
	}
	do {
		usleep(2000);
		json_decref(now);
		now = throttled();
	} while (!(jint_of(now, &n) && b >= 0 && n > b) &&
		 ms_of(CLOCK_MONOTONIC) - w0 < AGENT_CPU_MS);
	for (int i = 0; i < k; i++) {
		kill(kids[i], SIGKILL);
		if (wait4(kids[i], NULL, 0, &ru) > 0)
			cpu += ru.ru_utime.tv_sec * 1e3 +
			       ru.ru_utime.tv_usec / 1e3;
	}
	return json_pack("{s:i, s:i, s:i, s:o, s:o}", "children", k, "cpu_ms",
			 (int)cpu, "wall_ms",
			 (int)(ms_of(CLOCK_MONOTONIC) - w0), "throttled_before",
			 before, "throttled_after", now);
}

struct escape_report {
	int err;
	dev_t dev;
	ino_t ino;
};

static int escape_child(void *arg _unused_, void *report)
{
	static const char *const dirs[] = { "/proc", "/dev", "/bin" };
	struct escape_report *got = report;
	struct stat sb = { 0 };
	size_t i = 0;

	while (i + 1 < ARRAY_SIZE(dirs) && !path_exists(dirs[i]))
		i++;
	got->err = rootfs_chroot_escape(dirs[i]);
	if (got->err == 0 && stat("/", &sb) < 0)
		got->err = neg_errno();
	got->dev = sb.st_dev;
	got->ino = sb.st_ino;
	return 0;
}

/*
 * The classic chroot escape, in a child: chroot into a directory of the
 * root while cwd stays outside, climb, chroot("."): where it lands is the
 * top of the mount namespace. After pivot_root that is the container's own
 * root; after a mere chroot, the host's.
 */
static json_t *probe_escape(const struct agent_opts *o _unused_)
{
	struct escape_report got;
	int r = agent_in_child(escape_child, NULL, &got, sizeof(got));

	if (r < 0)
		return agent_error(r);
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
 * Only a filesystem without O_TMPFILE gets a named file, removed at once:
 * that way is a side effect, and --no-side-effects skips it.
 */
static json_t *probe_write_root(const struct agent_opts *o)
{
	char name[64];
	int fd, e;

	if (o->no_write)
		return json_null();
	fd = open("/", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0 &&
	    (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)) {
		if (o->no_side_effects)
			return agent_skipped("side effect: a named file on /");
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

/* Whether the launcher's later mount shows at AGENT_PROP_DIR. */
static json_t *probe_prop_in(const struct agent_opts *o _unused_)
{
	return json_boolean(path_exists(AGENT_PROP_DIR "/" AGENT_PROP_MARK));
}

static json_t *probe_syscalls(const struct agent_opts *o _unused_)
{
	return agent_syscalls();
}

static const struct probe {
	const char *name;
	json_t *(*run)(const struct agent_opts *o);
	/* What it could change, or NULL: nothing outside the agent. */
	const char *side_effect;
} probes[] = {
	{ "fork", probe_fork, NULL },
	{ "memory", probe_memory, NULL },
	{ "cpu", probe_cpu, NULL },
	{ "write_root", probe_write_root,
	  "where / has no O_TMPFILE: a named file, removed at once" },
	{ "escape", probe_escape, NULL },
	{ "prop_in", probe_prop_in, NULL },
	{ "syscalls", probe_syscalls, NULL },
	{ "sysrq", probe_sysrq, NULL },
	{ "core_pattern", probe_core_pattern, NULL },
	{ "devices", probe_devices, NULL },
	{ "mknod", probe_mknod,
	  "without a private mount namespace: a device node in the "
	  "container's own tmpfs, removed at once" },
	{ "release_agent", probe_release_agent, NULL },
	{ "cgroup_mount", probe_cgroup_mount,
	  "without a private mount namespace: a cgroup mount in the "
	  "container's own, left until it ends" },
	{ "keyring", probe_keyring, NULL },
	{ "procs", probe_procs, NULL },
	{ "engine_sockets", probe_engine_sockets, NULL },
};

json_t *agent_probes(const struct agent_opts *o)
{
	json_t *p = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(probes); i++)
		json_object_set_new(p, probes[i].name, probes[i].run(o));
	return p;
}
