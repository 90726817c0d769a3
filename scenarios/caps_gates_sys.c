// SPDX-License-Identifier: MIT
/*
 * The capabilities that govern system-wide state (capabilities(7), the
 * list): suspend, reboot, modules, process accounting, the clock, the
 * terminal, the kernel log, alarms, low mappings (audit:
 * caps_gates_audit.c). Nothing global may change, in either run: each
 * call fails with EPERM before its argument check when the capability is
 * missing, and with the argument check's error after it when present
 * (reboot with bad magic numbers in a PID namespace of its own, an
 * adjtimex tick out of range, a module that does not exist, accounting to
 * a missing file), or acts on the child alone (an unarmed alarm timerfd,
 * vhangup without a terminal, a mapping of its own, an EPOLLWAKEUP
 * registration on a pipe that never becomes ready, so its wakeup source
 * is never activated), or only reads (the kernel log's unread size).
 * caps_gate.h runs the rows.
 */
#include "caps_gate.h"

#include <fcntl.h>
#include <linux/reboot.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/timex.h>

/* ---- EPOLLWAKEUP: kept or silently dropped -------------------------- */

static int has_pm_sleep(struct ctx *c)
{
	return gate_need_path(c, "/sys/power/wakeup_count",
			      "kernel without CONFIG_PM_SLEEP, where "
			      "EPOLLWAKEUP is always dropped");
}

/* The events of the one target in epfd's fdinfo, into val. */
static int fdinfo_events(int epfd, long *val)
{
	char path[64], buf[1024];
	unsigned long mask;
	const char *l;
	int r;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", epfd);
	if ((r = read_text(path, buf, sizeof(buf))) < 0)
		return r;
	l = strstr(buf, "events:");
	if (!strstr(buf, "tfd:") || !l || sscanf(l + 7, "%lx", &mask) != 1)
		return -ENOENT;
	*val = (long)mask;
	return 0;
}

static int do_epoll_wakeup(struct gate_call *g)
{
	_cleanup_close_ int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLWAKEUP };
	int p[2], r;

	if (ep < 0 || pipe2(p, O_CLOEXEC) < 0)
		return neg_errno();
	r = epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) < 0 ? neg_errno() : 0;
	if (r == 0)
		r = fdinfo_events(ep, &g->val);
	close(p[0]);
	close(p[1]);
	return r;
}

/* ---- calls that stop at their argument check ------------------------ */

/* Bad magic numbers, in a PID namespace of the child's own. */
static int do_reboot(struct gate_call *g)
{
	(void)g;
	return gate_err(
		syscall(SYS_reboot, 0, 0, LINUX_REBOOT_CMD_CAD_OFF, NULL));
}

static int modules_on(struct ctx *c)
{
	char v[16];
	int r = read_text("/proc/sys/kernel/modules_disabled", v, sizeof(v));

	if (r == -ENOENT)
		return ctx_skip(c, "kernel without loadable modules (no "
				   "kernel.modules_disabled)");
	if (r < 0)
		return ctx_error(c, r, "read kernel.modules_disabled");
	return atoi(v) ? ctx_skip(c, "module loading is disabled "
				     "(kernel.modules_disabled 1)")
		       : 0;
}

static int do_delete_module(struct gate_call *g)
{
	(void)g;
	return gate_err(syscall(SYS_delete_module, "boxcheck_no_such_module",
				O_NONBLOCK));
}

static int has_acct(struct ctx *c)
{
	return gate_need_path(c, "/proc/sys/kernel/acct",
			      "kernel without process accounting");
}

/* To a file that does not exist, in a PID namespace of the child's own. */
static int do_acct(struct gate_call *g)
{
	(void)g;
	return gate_err(acct("g/no-such-file"));
}

/* A tick 10% off is refused after the capability check. */
static int do_adjtime(struct gate_call *g)
{
	struct timex tx = { .modes = ADJ_TICK, .tick = 0 };

	(void)g;
	return gate_err(clock_adjtime(CLOCK_REALTIME, &tx));
}

/* ---- calls that act on the child alone ------------------------------ */

/* A session of its own: no controlling terminal for vhangup to hang up. */
static int no_tty(struct gate_call *g, const char **step)
{
	int fd;

	(void)g;
	*step = "setsid";
	if (setsid() < 0)
		return neg_errno();
	*step = "a controlling terminal is still there (/dev/tty opened)";
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		return -EEXIST;
	}
	return 0;
}

static int do_vhangup(struct gate_call *g)
{
	(void)g;
	return gate_err(vhangup());
}

/* The size of the unread kernel log: a read, always restricted. */
static int do_klog_size(struct gate_call *g)
{
	(void)g;
	return gate_err(klogctl(9 /* SYSLOG_ACTION_SIZE_UNREAD */, NULL, 0));
}

/* An alarm timer, never armed. */
static int do_alarm_timer(struct gate_call *g)
{
	(void)g;
	return gate_close_err(
		timerfd_create(CLOCK_BOOTTIME_ALARM, TFD_CLOEXEC));
}

/*
 * The last page below vm.mmap_min_addr: 0 and *at, -ENOENT when the
 * sysctl is 0, or -errno. Not page 0: arm refuses a fixed mapping below
 * FIRST_USER_ADDRESS (two pages) with EINVAL before any capability check
 * (arch_mmap_check, arch/arm/include/uapi/asm/mman.h).
 */
static int low_page(uintptr_t *at, unsigned long *min)
{
	uintptr_t sz = (uintptr_t)sysconf(_SC_PAGESIZE);
	char v[32];
	int r = read_text("/proc/sys/vm/mmap_min_addr", v, sizeof(v));

	if (r < 0)
		return r;
	*min = strtoul(v, NULL, 10);
	*at = (*min - 1) & ~(sz - 1);
	return *min ? 0 : -ENOENT;
}

/* 32-bit ABIs map by mmap2 (the offset in pages; 0 here). */
#ifdef SYS_mmap2
#define SYS_MMAP SYS_mmap2
#else
#define SYS_MMAP SYS_mmap
#endif

/*
 * Map one read-only page at exactly `at` and unmap it: its errno or 0.
 * By number: the address is a number here, never a pointer to use.
 */
static int map_at(uintptr_t at)
{
	long sz = sysconf(_SC_PAGESIZE);
	long p = syscall(SYS_MMAP, at, sz, PROT_READ,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
			 0);

	if (p == -1)
		return errno;
	syscall(SYS_munmap, p, sz);
	return (uintptr_t)p == at ? 0 : EFAULT;
}

/*
 * Skip where no page below vm.mmap_min_addr can be mapped at all: the
 * worker, with CAP_SYS_RAWIO, tries the page the row maps.
 */
static int low_mmap(struct ctx *c)
{
	unsigned long min;
	uintptr_t at;
	int r = low_page(&at, &min);

	if (r == -ENOENT)
		return ctx_skip(c, "vm.mmap_min_addr is 0: any address may be "
				   "mapped");
	if (r < 0)
		return ctx_error(c, r, "read vm.mmap_min_addr");
	ctx_kv(c, "vm.mmap_min_addr", "%lu, the page mapped %#lx", min,
	       (unsigned long)at);
	if (map_at(at) == EINVAL)
		return ctx_skip(c,
				"no page below vm.mmap_min_addr (%lu) takes a "
				"fixed mapping here, even with CAP_SYS_RAWIO "
				"(mmap at %#lx: EINVAL)",
				min, (unsigned long)at);
	return 0;
}

/* The page into g->arg, before the drop. */
static int min_addr(struct gate_call *g, const char **step)
{
	unsigned long min = 0;
	uintptr_t at = 0;
	int r = low_page(&at, &min);

	*step = "read vm.mmap_min_addr";
	g->arg = (long)at;
	return r;
}

static int do_map_zero(struct gate_call *g)
{
	int err = map_at((uintptr_t)g->arg);

	return err == EFAULT ? -EFAULT : err;
}

enum {
	S_EPOLL_WAKEUP,
	S_REBOOT,
	S_MODULE,
	S_ACCT,
	S_TIME,
	S_VHANGUP,
	S_SYSLOG,
	S_ALARM,
	S_MAP_ZERO,
};

static const struct gate rows[] = {
	[S_EPOLL_WAKEUP] = { .cap = CAP_BLOCK_SUSPEND,
			     .what = "epoll_ctl with EPOLLWAKEUP: the flag",
			     .keep = EPOLLWAKEUP,
			     .probe = has_pm_sleep,
			     .call = do_epoll_wakeup },
	[S_REBOOT] = { .cap = CAP_SYS_BOOT,
		       .clone = CLONE_NEWPID,
		       .what = "reboot with bad magic numbers",
		       .want = EPERM,
		       .past = { EINVAL },
		       .call = do_reboot },
	[S_MODULE] = { .cap = CAP_SYS_MODULE,
		       .what = "delete_module of a module that is not there",
		       .want = EPERM,
		       .past = { ENOENT },
		       .probe = modules_on,
		       .call = do_delete_module },
	[S_ACCT] = { .cap = CAP_SYS_PACCT,
		     .clone = CLONE_NEWPID,
		     .what = "acct to a missing file",
		     .want = EPERM,
		     .past = { ENOENT },
		     .probe = has_acct,
		     .call = do_acct },
	[S_TIME] = { .cap = CAP_SYS_TIME,
		     .what = "clock_adjtime with an out-of-range tick",
		     .want = EPERM,
		     .past = { EINVAL },
		     .call = do_adjtime },
	[S_VHANGUP] = { .cap = CAP_SYS_TTY_CONFIG,
			.what = "vhangup without a controlling terminal",
			.want = EPERM,
			.setup = no_tty,
			.call = do_vhangup },
	[S_SYSLOG] = { .cap = CAP_SYSLOG,
		       .also = CAPMASK(CAP_SYS_ADMIN),
		       .what = "syslog SIZE_UNREAD",
		       .want = EPERM,
		       .call = do_klog_size },
	[S_ALARM] = { .cap = CAP_WAKE_ALARM,
		      .what = "timerfd_create(CLOCK_BOOTTIME_ALARM)",
		      .want = EPERM,
		      .call = do_alarm_timer },
	[S_MAP_ZERO] = { .cap = CAP_SYS_RAWIO,
			 .what = "mmap of the page below vm.mmap_min_addr",
			 .want = EPERM,
			 .probe = low_mmap,
			 .setup = min_addr,
			 .call = do_map_zero },
};

GATE_CHECK(g_epoll_wakeup, rows, S_EPOLL_WAKEUP);
GATE_CHECK(g_reboot, rows, S_REBOOT);
GATE_CHECK(g_module, rows, S_MODULE);
GATE_CHECK(g_acct, rows, S_ACCT);
GATE_CHECK(g_time, rows, S_TIME);
GATE_CHECK(g_vhangup, rows, S_VHANGUP);
GATE_CHECK(g_syslog, rows, S_SYSLOG);
GATE_CHECK(g_alarm, rows, S_ALARM);
GATE_CHECK(g_map_zero, rows, S_MAP_ZERO);

static const struct scenario caps_gates_sys[] = {
	GATE("epoll-wakeup-needs-block-suspend",
	     "EPOLLWAKEUP needs CAP_BLOCK_SUSPEND",
	     "without CAP_BLOCK_SUSPEND the EPOLLWAKEUP flag of an epoll "
	     "registration is dropped (fdinfo events); with it the flag "
	     "stays",
	     "EPOLLWAKEUP cleared", CAP_BIT(CAP_BLOCK_SUSPEND), g_epoll_wakeup),
	GATE_NS("reboot-needs-cap", "reboot needs CAP_SYS_BOOT",
		"root without CAP_SYS_BOOT gets EPERM from reboot; with it "
		"bad magic numbers give EINVAL (in a PID namespace of its "
		"own)",
		"EPERM", CAP_BIT(CAP_SYS_BOOT), NS_BIT(NS_PID), g_reboot),
	GATE("delete-module-needs-cap",
	     "unloading a module needs CAP_SYS_MODULE",
	     "root without CAP_SYS_MODULE gets EPERM from delete_module; "
	     "with it a module that is not loaded gives ENOENT",
	     "EPERM", CAP_BIT(CAP_SYS_MODULE), g_module),
	GATE_NS("acct-needs-cap", "process accounting needs CAP_SYS_PACCT",
		"root without CAP_SYS_PACCT gets EPERM from acct; with it a "
		"missing file gives ENOENT (in a PID namespace of its own)",
		"EPERM", CAP_BIT(CAP_SYS_PACCT), NS_BIT(NS_PID), g_acct),
	GATE("adjtime-needs-cap", "adjusting the clock needs CAP_SYS_TIME",
	     "root without CAP_SYS_TIME gets EPERM from clock_adjtime "
	     "ADJ_TICK; with it an out-of-range tick gives EINVAL",
	     "EPERM", CAP_BIT(CAP_SYS_TIME), g_time),
	GATE("vhangup-needs-cap", "vhangup needs CAP_SYS_TTY_CONFIG",
	     "root without CAP_SYS_TTY_CONFIG gets EPERM from vhangup (in a "
	     "session of its own, with no terminal to hang up)",
	     "EPERM", CAP_BIT(CAP_SYS_TTY_CONFIG), g_vhangup),
	GATE("syslog-needs-cap", "privileged syslog actions need CAP_SYSLOG",
	     "root without CAP_SYSLOG and CAP_SYS_ADMIN gets EPERM from "
	     "syslog(SIZE_UNREAD); with CAP_SYSLOG alone it works",
	     "EPERM", CAP_BIT(CAP_SYSLOG), g_syslog),
	GATE("alarm-timer-needs-cap", "alarm timers need CAP_WAKE_ALARM",
	     "root without CAP_WAKE_ALARM gets EPERM from "
	     "timerfd_create(CLOCK_BOOTTIME_ALARM)",
	     "EPERM", CAP_BIT(CAP_WAKE_ALARM), g_alarm),
	GATE("map-zero-needs-rawio",
	     "a mapping below mmap_min_addr needs CAP_SYS_RAWIO",
	     "root without CAP_SYS_RAWIO gets EPERM mapping the last page "
	     "below vm.mmap_min_addr of its own address space",
	     "EPERM", CAP_BIT(CAP_SYS_RAWIO), g_map_zero),
};

BOXCHECK_AREA(caps_gates_sys, caps_gates_sys);
