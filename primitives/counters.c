// SPDX-License-Identifier: MIT
#include "counters.h"
#include "rootfs.h"

#include <linux/perf_event.h>
#include <sched.h>
#include <perfmon/pfmlib_perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/*
 * libpfm4 is loaded on first use. Linked into a PIE binary, its tables
 * cost every boxcheck command ~4 ms of page faults at start (tens of
 * thousands of relocated pointers), and only bench counts. The static
 * build (BOXCHECK_PFM_STATIC) links it directly: no relocations there.
 */
typedef int (*pfm_init_t)(void);
typedef int (*pfm_encode_t)(const char *, int, pfm_os_t, void *);
static pfm_init_t pfm_init_fn;
static pfm_encode_t pfm_encode_fn;

#ifdef BOXCHECK_PFM_STATIC
static int pfm_load(void)
{
	pfm_init_fn = pfm_initialize;
	pfm_encode_fn = pfm_get_os_event_encoding;
	return 0;
}
#else
#include <dlfcn.h>

static int pfm_load(void)
{
	void *h = dlopen("libpfm.so.4", RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return -ENOSYS;
	pfm_init_fn = (pfm_init_t)dlsym(h, "pfm_initialize");
	pfm_encode_fn = (pfm_encode_t)dlsym(h, "pfm_get_os_event_encoding");
	return pfm_init_fn && pfm_encode_fn ? 0 : -ENOSYS;
}
#endif

const struct counter_info counter_table[CNT__COUNT] = {
	[CNT_TASK_CLOCK] = { "task-clock", "perf::PERF_COUNT_SW_TASK_CLOCK",
			     "ns" },
	[CNT_PAGE_FAULTS] = { "page-faults", "perf::PERF_COUNT_SW_PAGE_FAULTS",
			      "count" },
	[CNT_CTX_SWITCHES] = { "context-switches",
			       "perf::PERF_COUNT_SW_CONTEXT_SWITCHES",
			       "count" },
	[CNT_CYCLES] = { "cycles", "perf::PERF_COUNT_HW_CPU_CYCLES", "count",
			 .hardware = true },
	[CNT_INSTRUCTIONS] = { "instructions",
			       "perf::PERF_COUNT_HW_INSTRUCTIONS", "count",
			       .hardware = true },
	[CNT_SYSCALLS] = { "syscalls", NULL, "count", .exact = true },
	[CNT_MINOR_FAULTS] = { "minor-faults",
			       "perf::PERF_COUNT_SW_PAGE_FAULTS_MIN", "count",
			       .exact = true },
	[CNT_MAJOR_FAULTS] = { "major-faults",
			       "perf::PERF_COUNT_SW_PAGE_FAULTS_MAJ", "count",
			       .exact = true },
};

#define SYS_ENTER_ID "events/raw_syscalls/sys_enter/id"
#define TRACEFS "/sys/kernel/tracing"

static int read_tracepoint_id(const char *tracefs)
{
	char path[128];
	uint64_t id;
	int r;

	snprintf(path, sizeof(path), "%s/%s", tracefs, SYS_ENTER_ID);
	r = read_u64(path, &id);
	return r < 0 ? r : id > INT32_MAX ? -ERANGE : (int)id;
}

/*
 * The child's side: 1. a mount namespace of its own (the guard refuses
 * init's), 2. every mount in it private, 3. tracefs at its usual place,
 * 4. the id read. The namespace, and the mount, go with the child.
 */
static int tracepoint_id_child(void)
{
	if (unshare(CLONE_NEWNS) < 0)
		return neg_errno();
	if (rootfs_private_mntns() < 0)
		return -EPERM;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tracefs", TRACEFS, "tracefs",
		  MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return neg_errno();
	return read_tracepoint_id(TRACEFS);
}

int counters_syscall_tracepoint(void)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	int r = read_tracepoint_id(TRACEFS), id = -ENOSYS, st;
	pid_t pid;

	if (r != -ENOENT)
		return r;
	r = chan_open(&ch);
	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0)
		_exit(chan_send_int(&ch, tracepoint_id_child()) < 0);
	closep(&ch.wr);
	ch.wr = -1;
	r = chan_recv_int(&ch, &id);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return r < 0 ? r : id;
}

/* libpfm4 errors are negative PFM_ERR_* codes; map the common ones. */
static int pfm_to_errno(int r)
{
	switch (r) {
	case PFM_ERR_NOTFOUND:
		return -ENOENT;
	case PFM_ERR_NOMEM:
		return -ENOMEM;
	case PFM_ERR_NOTSUPP:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

static int encode(const char *event, struct perf_event_attr *a)
{
	pfm_perf_encode_arg_t arg;
	int r;

	memset(a, 0, sizeof(*a));
	memset(&arg, 0, sizeof(arg));
	arg.attr = a;
	arg.size = sizeof(arg);
	r = pfm_encode_fn(event, PFM_PLM0 | PFM_PLM3, PFM_OS_PERF_EVENT, &arg);
	return r == PFM_SUCCESS ? 0 : pfm_to_errno(r);
}

/* The tracepoint's attributes: its id, looked up once per process. */
static int encode_tracepoint(struct perf_event_attr *a)
{
	static int id = -ENODATA;

	if (id == -ENODATA)
		id = counters_syscall_tracepoint();
	if (id < 0)
		return id;
	memset(a, 0, sizeof(*a));
	a->type = PERF_TYPE_TRACEPOINT;
	a->config = (uint64_t)id;
	return 0;
}

static int open_one(const struct counter_info *ci, int pfm)
{
	struct perf_event_attr a;
	int r = ci->event ? pfm : encode_tracepoint(&a);
	long fd;

	if (r == 0 && ci->event)
		r = encode(ci->event, &a);
	if (r < 0)
		return r;
	a.size = sizeof(a);
	a.inherit = 1; /* children started later count too */
	a.exclude_hv = 1;
	a.disabled = 0;
	fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? neg_errno() : (int)fd;
}

int counters_open(struct counters *c)
{
	static int init = -1;
	int opened = 0;

	if (init < 0)
		init = pfm_load() == 0 && pfm_init_fn() == PFM_SUCCESS
			       ? 0
			       : -ENOSYS;
	for (int i = 0; i < CNT__COUNT; i++) {
		int fd = open_one(&counter_table[i], init);
		c->fd[i] = fd >= 0 ? fd : -1;
		c->err[i] = fd >= 0 ? 0 : fd;
		opened += fd >= 0;
	}
	return opened ? 0 : c->err[CNT_TASK_CLOCK];
}

int counters_read(const struct counters *c, uint64_t v[CNT__COUNT])
{
	for (int i = 0; i < CNT__COUNT; i++) {
		v[i] = 0;
		if (c->fd[i] >= 0 &&
		    read(c->fd[i], &v[i], sizeof(v[i])) != sizeof(v[i]))
			return neg_errno();
	}
	return 0;
}

void counters_close(struct counters *c)
{
	for (int i = 0; i < CNT__COUNT; i++) {
		if (c->fd[i] >= 0)
			close(c->fd[i]);
		c->fd[i] = -1;
	}
}

const char *counter_unavailable_reason(int i, int err, char *buf, size_t len)
{
	const struct counter_info *ci = &counter_table[i];

	if (ci->hardware && (err == -ENOENT || err == -EOPNOTSUPP ||
			     err == -ENODEV || err == -EINVAL))
		snprintf(buf, len, "unavailable: no hardware PMU");
	else if (!ci->event)
		snprintf(buf, len,
			 "unavailable: no raw_syscalls:sys_enter tracepoint "
			 "(tracefs, even in a mount namespace of our own: %s)",
			 strerror(-err));
	else
		snprintf(buf, len, "unavailable: %s", strerror(-err));
	return buf;
}
