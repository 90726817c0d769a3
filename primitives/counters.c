// SPDX-License-Identifier: MIT
#include "counters.h"

#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

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
			     "ns", false },
	[CNT_PAGE_FAULTS] = { "page-faults", "perf::PERF_COUNT_SW_PAGE_FAULTS",
			      "count", false },
	[CNT_CTX_SWITCHES] = { "context-switches",
			       "perf::PERF_COUNT_SW_CONTEXT_SWITCHES", "count",
			       false },
	[CNT_CYCLES] = { "cycles", "perf::PERF_COUNT_HW_CPU_CYCLES", "count",
			 true },
	[CNT_INSTRUCTIONS] = { "instructions",
			       "perf::PERF_COUNT_HW_INSTRUCTIONS", "count",
			       true },
};

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

static int open_one(const char *event)
{
	struct perf_event_attr a;
	int r = encode(event, &a);
	long fd;

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
		int fd = init < 0 ? init : open_one(counter_table[i].event);
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

void counter_set_add(struct counter_set *s, const struct counters *c,
		     const uint64_t before[CNT__COUNT],
		     const uint64_t after[CNT__COUNT])
{
	for (int i = 0; i < CNT__COUNT; i++) {
		s->err[i] = c->err[i];
		if (c->fd[i] >= 0)
			s->total[i] += (double)(after[i] - before[i]);
	}
	s->n++;
}

const char *counter_unavailable_reason(int err, bool hardware, char *buf,
				       size_t len)
{
	if (hardware && (err == -ENOENT || err == -EOPNOTSUPP ||
			 err == -ENODEV || err == -EINVAL))
		snprintf(buf, len, "unavailable: no hardware PMU");
	else
		snprintf(buf, len, "unavailable: %s", strerror(-err));
	return buf;
}
