// SPDX-License-Identifier: MIT
/*
 * The capabilities that govern system-wide state (capabilities(7), the
 * list): audit, suspend, reboot, modules, process accounting, the clock,
 * the terminal, the kernel log, alarms, low mappings. Nothing global may
 * change, in either run: each call is one that fails with EPERM before its
 * argument check when the capability is missing, and with the argument
 * check's error after it when present (reboot with bad magic numbers in a
 * PID namespace of its own, an adjtimex tick out of range, a module that
 * does not exist, accounting to a missing file), or one that acts on the
 * child alone (an unarmed alarm timerfd, vhangup without a terminal, a
 * mapping of its own) or only reads (the kernel log's unread size, an
 * audit multicast subscription). caps_gate.h runs the rows.
 */
#include "caps_gate.h"

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/reboot.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/timex.h>

/* ---- audit: a netlink request and its acknowledgement ----------------- */

static int audit_sock(void)
{
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);

	if (fd >= 0 &&
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Send an empty message of type; its errno from the ack, or -errno. */
static int audit_ack(int type)
{
	_cleanup_close_ int fd = audit_sock();
	struct nlmsghdr req = { .nlmsg_len = NLMSG_LENGTH(0),
				.nlmsg_type = type,
				.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
				.nlmsg_seq = 1 };
	char buf[8192] __attribute__((aligned(4)));
	ssize_t n;

	if (fd < 0 || send(fd, &req, req.nlmsg_len, 0) < 0)
		return neg_errno();
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n))
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);
				return -e->error;
			}
	return n < 0 ? neg_errno() : -EPROTO;
}

/*
 * Audit in this kernel, reachable from here: an empty AUDIT_DEL_RULE with
 * every capability fails on its length (EINVAL); audit refuses callers
 * outside the initial PID namespace with EPERM, whatever they hold.
 */
static int audit_probe(struct ctx *c)
{
	_cleanup_close_ int fd = audit_sock();
	int r;

	if (fd < 0 && errno == EPROTONOSUPPORT)
		return ctx_skip(c, "kernel without audit (NETLINK_AUDIT: "
				   "EPROTONOSUPPORT)");
	if (fd < 0)
		return ctx_error(c, neg_errno(), "open an audit socket");
	r = audit_ack(AUDIT_DEL_RULE);
	if (r == EPERM || r == ECONNREFUSED)
		return ctx_skip(c,
				"audit refuses this PID or user namespace "
				"(AUDIT_DEL_RULE with every capability: %s)",
				strerrorname_np(r));
	return r == EINVAL ? 0 : ctx_error(c, r < 0 ? r : -r, "audit probe");
}

/* The socket is opened after the drop: netlink checks its opener too. */
static int do_audit_control(struct gate_call *g)
{
	(void)g;
	return audit_ack(AUDIT_DEL_RULE);
}

/* An empty AUDIT_USER: nothing to log (0 with audit off, else EINVAL). */
static int do_audit_write(struct gate_call *g)
{
	(void)g;
	return audit_ack(AUDIT_USER);
}

/* Subscribing to the read-only log multicast group. */
static int do_audit_read(struct gate_call *g)
{
	_cleanup_close_ int fd = audit_sock();
	struct sockaddr_nl a = { .nl_family = AF_NETLINK,
				 .nl_groups = 1u << (AUDIT_NLGRP_READLOG - 1) };

	(void)g;
	if (fd < 0)
		return neg_errno();
	return gate_err(bind(fd, (struct sockaddr *)&a, sizeof(a)));
}

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
	const char *l;
	int r;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", epfd);
	if ((r = read_text(path, buf, sizeof(buf))) < 0)
		return r;
	l = strstr(buf, "events:");
	if (!strstr(buf, "tfd:") || !l || sscanf(l + 7, "%lx", val) != 1)
		return -ENOENT;
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

static int low_mmap(struct ctx *c)
{
	char v[32];
	int r = read_text("/proc/sys/vm/mmap_min_addr", v, sizeof(v));

	if (r < 0)
		return ctx_error(c, r, "read vm.mmap_min_addr");
	return strtoul(v, NULL, 10) ? 0
				    : ctx_skip(c, "vm.mmap_min_addr is 0: any "
						  "address may be mapped");
}

/* Page 0 of the child's own address space, read-only, unmapped again. */
static int do_map_zero(struct gate_call *g)
{
	long sz = sysconf(_SC_PAGESIZE);
	void *p =
		mmap(NULL, sz, PROT_READ,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	(void)g;
	if (p == MAP_FAILED)
		return errno;
	munmap(p, sz);
	return p == NULL ? 0 : -EFAULT;
}

enum {
	S_AUDIT_CONTROL,
	S_AUDIT_READ,
	S_AUDIT_WRITE,
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
	[S_AUDIT_CONTROL] = { .cap = CAP_AUDIT_CONTROL,
			      .what = "an empty AUDIT_DEL_RULE",
			      .want = EPERM,
			      .past = { EINVAL },
			      .probe = audit_probe,
			      .call = do_audit_control },
	[S_AUDIT_READ] = { .cap = CAP_AUDIT_READ,
			   .what = "bind to the audit log multicast group",
			   .want = EPERM,
			   .probe = audit_probe,
			   .call = do_audit_read },
	[S_AUDIT_WRITE] = { .cap = CAP_AUDIT_WRITE,
			    .what = "an empty AUDIT_USER message",
			    .want = EPERM,
			    .past = { EINVAL },
			    .probe = audit_probe,
			    .call = do_audit_write },
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
			 .what = "mmap of page 0, below vm.mmap_min_addr",
			 .want = EPERM,
			 .probe = low_mmap,
			 .call = do_map_zero },
};

GATE_CHECK(g_audit_control, rows, S_AUDIT_CONTROL);
GATE_CHECK(g_audit_read, rows, S_AUDIT_READ);
GATE_CHECK(g_audit_write, rows, S_AUDIT_WRITE);
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
	GATE("audit-control-needs-cap",
	     "changing audit rules needs CAP_AUDIT_CONTROL",
	     "root without CAP_AUDIT_CONTROL gets EPERM from AUDIT_DEL_RULE; "
	     "with it the empty request fails on its length (EINVAL)",
	     "EPERM", CAP_BIT(CAP_AUDIT_CONTROL), g_audit_control),
	GATE("audit-read-needs-cap",
	     "reading the audit log by multicast needs CAP_AUDIT_READ",
	     "root without CAP_AUDIT_READ gets EPERM binding an audit socket "
	     "to the log multicast group",
	     "EPERM", CAP_BIT(CAP_AUDIT_READ), g_audit_read),
	GATE("audit-write-needs-cap",
	     "writing audit records needs CAP_AUDIT_WRITE",
	     "root without CAP_AUDIT_WRITE gets EPERM sending AUDIT_USER; "
	     "with it the empty message is dropped (EINVAL, or ok with "
	     "audit off) and nothing is logged",
	     "EPERM", CAP_BIT(CAP_AUDIT_WRITE), g_audit_write),
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
	     "root without CAP_SYS_RAWIO gets EPERM mapping page 0 of its "
	     "own address space",
	     "EPERM", CAP_BIT(CAP_SYS_RAWIO), g_map_zero),
};

BOXCHECK_AREA(caps_gates_sys, caps_gates_sys);
