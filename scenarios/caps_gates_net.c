// SPDX-License-Identifier: MIT
/*
 * The capabilities that govern the network, bpf, perf and checkpoint/restore
 * (capabilities(7), the list): root without CAP_NET_ADMIN, CAP_NET_RAW,
 * CAP_BPF, CAP_PERFMON or CAP_CHECKPOINT_RESTORE in its effective set is
 * refused what it needs them for, in network and PID namespaces it made
 * (caps_gate.h). CAP_SYS_ADMIN also grants the last three (bpf_capable(),
 * perfmon_capable(), checkpoint_restore_ns_capable()): both runs clear it.
 */
#include "caps_gate.h"

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int inet_sock(struct gate_call *g, const char **step)
{
	*step = "socket";
	g->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	return g->fd < 0 ? neg_errno() : 0;
}

/* lo up, in the child's own network namespace. */
static int do_lo_up(struct gate_call *g)
{
	struct ifreq ifr = { .ifr_name = "lo" };

	if (ioctl(g->fd, SIOCGIFFLAGS, &ifr) < 0)
		return neg_errno();
	ifr.ifr_flags |= IFF_UP;
	return gate_err(ioctl(g->fd, SIOCSIFFLAGS, &ifr));
}

static int sock_err(int domain, int type, int proto)
{
	int fd = socket(domain, type | SOCK_CLOEXEC, proto), err = gate_err(fd);

	if (fd >= 0)
		close(fd);
	return err;
}

static int do_raw(struct gate_call *g)
{
	(void)g;
	return sock_err(AF_INET, SOCK_RAW, IPPROTO_ICMP);
}

static int do_packet(struct gate_call *g)
{
	(void)g;
	return sock_err(AF_PACKET, SOCK_RAW, 0);
}

static int has_bpf(struct ctx *c)
{
	return gate_need_path(c, "/proc/sys/kernel/unprivileged_bpf_disabled",
			      "kernel without the bpf() syscall");
}

static int has_perf(struct ctx *c)
{
	char v[16];
	int r = gate_need_path(c, "/proc/sys/kernel/perf_event_paranoid",
			       "kernel without perf events");

	if (r != 0)
		return r;
	TRY(c, read_text("/proc/sys/kernel/perf_event_paranoid", v, sizeof(v)),
	    "read perf_event_paranoid");
	/* Debian's kernels add level 3: perf_event_open needs CAP_SYS_ADMIN */
	if (atoi(v) > 2)
		return ctx_skip(c,
				"perf_event_paranoid is %d (a distribution "
				"patch's level: perf_event_open needs "
				"CAP_SYS_ADMIN, CAP_PERFMON alone cannot show)",
				atoi(v));
	return 0;
}

/* A queue map: bpf_capable() map types need CAP_BPF (or CAP_SYS_ADMIN). */
static int do_bpf_queue(struct gate_call *g)
{
	union bpf_attr a = { .map_type = BPF_MAP_TYPE_QUEUE,
			     .value_size = 4,
			     .max_entries = 1 };
	int fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));

	(void)g;
	return gate_close_err(fd);
}

/* A software event asking for namespace records: perfmon_capable(). */
static int do_perf_ns(struct gate_call *g)
{
	struct perf_event_attr a = { .type = PERF_TYPE_SOFTWARE,
				     .size = sizeof(a),
				     .config = PERF_COUNT_SW_CPU_CLOCK,
				     .disabled = 1,
				     .exclude_kernel = 1,
				     .exclude_hv = 1,
				     .namespaces = 1 };
	int fd = syscall(SYS_perf_event_open, &a, 0, -1, -1,
			 PERF_FLAG_FD_CLOEXEC);

	(void)g;
	return gate_close_err(fd);
}

/* In the child's own PID namespace (it is its init): ns_last_pid. */
static int do_last_pid(struct gate_call *g)
{
	_cleanup_close_ int fd =
		open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);

	(void)g;
	if (fd < 0)
		return neg_errno();
	return gate_err(write(fd, "300", 3));
}

/* clone3 with set_tid 300 in the child's own PID namespace. */
static int do_set_tid(struct gate_call *g)
{
	pid_t tid = 300;
	struct clone_args a = { .exit_signal = SIGCHLD,
				.set_tid = (uintptr_t)&tid,
				.set_tid_size = 1 };
	long pid = syscall(SYS_clone3, &a, sizeof(a));

	(void)g;
	if (pid == 0)
		_exit(0);
	if (pid > 0 && waitpid(pid, NULL, 0) < 0)
		return neg_errno();
	return gate_err(pid);
}

enum {
	N_NET_ADMIN,
	N_NET_RAW,
	N_PACKET,
	N_BPF,
	N_PERFMON,
	N_LAST_PID,
	N_SET_TID,
};

static const struct gate rows[] = {
	[N_NET_ADMIN] = { .cap = CAP_NET_ADMIN,
			  .clone = CLONE_NEWNET,
			  .what = "SIOCSIFFLAGS lo up",
			  .want = EPERM,
			  .setup = inet_sock,
			  .call = do_lo_up },
	[N_NET_RAW] = { .cap = CAP_NET_RAW,
			.clone = CLONE_NEWNET,
			.what = "socket(AF_INET, SOCK_RAW)",
			.want = EPERM,
			.call = do_raw },
	[N_PACKET] = { .cap = CAP_NET_RAW,
		       .clone = CLONE_NEWNET,
		       .what = "socket(AF_PACKET, SOCK_RAW)",
		       .want = EPERM,
		       .call = do_packet },
	[N_BPF] = { .cap = CAP_BPF,
		    .also = CAPMASK(CAP_SYS_ADMIN),
		    .what = "bpf BPF_MAP_CREATE of a queue map",
		    .want = EPERM,
		    .probe = has_bpf,
		    .call = do_bpf_queue },
	[N_PERFMON] = { .cap = CAP_PERFMON,
			.also = CAPMASK(CAP_SYS_ADMIN),
			.what = "perf_event_open with namespace records",
			.want = EACCES,
			.probe = has_perf,
			.call = do_perf_ns },
	[N_LAST_PID] = { .cap = CAP_CHECKPOINT_RESTORE,
			 .also = CAPMASK(CAP_SYS_ADMIN),
			 .clone = CLONE_NEWPID,
			 .what = "write to ns_last_pid",
			 .want = EPERM,
			 .call = do_last_pid },
	[N_SET_TID] = { .cap = CAP_CHECKPOINT_RESTORE,
			.also = CAPMASK(CAP_SYS_ADMIN),
			.clone = CLONE_NEWPID,
			.what = "clone3 with set_tid",
			.want = EPERM,
			.call = do_set_tid },
};

GATE_CHECK(g_net_admin, rows, N_NET_ADMIN);
GATE_CHECK(g_net_raw, rows, N_NET_RAW);
GATE_CHECK(g_packet, rows, N_PACKET);
GATE_CHECK(g_bpf, rows, N_BPF);
GATE_CHECK(g_perfmon, rows, N_PERFMON);
GATE_CHECK(g_last_pid, rows, N_LAST_PID);
GATE_CHECK(g_set_tid, rows, N_SET_TID);

static const struct scenario caps_gates_net[] = {
	GATE_NS("net-admin-needs-cap",
		"configuring an interface needs CAP_NET_ADMIN",
		"root without CAP_NET_ADMIN gets EPERM setting lo up in a "
		"network namespace of its own",
		"EPERM", CAP_BIT(CAP_NET_ADMIN), NS_BIT(NS_NET), g_net_admin),
	GATE_NS("raw-socket-needs-cap", "a raw socket needs CAP_NET_RAW",
		"root without CAP_NET_RAW gets EPERM from socket(AF_INET, "
		"SOCK_RAW, IPPROTO_ICMP)",
		"EPERM", CAP_BIT(CAP_NET_RAW), NS_BIT(NS_NET), g_net_raw),
	GATE_NS("packet-socket-needs-cap", "a packet socket needs CAP_NET_RAW",
		"root without CAP_NET_RAW gets EPERM from socket(AF_PACKET, "
		"SOCK_RAW)",
		"EPERM", CAP_BIT(CAP_NET_RAW), NS_BIT(NS_NET), g_packet),
	GATE("bpf-map-needs-cap-bpf", "a privileged bpf map type needs CAP_BPF",
	     "root without CAP_BPF and CAP_SYS_ADMIN gets EPERM creating a "
	     "queue map; with CAP_BPF alone it works",
	     "EPERM", CAP_BIT(CAP_BPF), g_bpf),
	GATE("perf-namespaces-needs-perfmon",
	     "perf namespace records need CAP_PERFMON",
	     "root without CAP_PERFMON and CAP_SYS_ADMIN gets EACCES from "
	     "perf_event_open with attr.namespaces; with CAP_PERFMON alone "
	     "it works",
	     "EACCES", CAP_BIT(CAP_PERFMON), g_perfmon),
	GATE_NS("ns-last-pid-needs-cap",
		"writing ns_last_pid needs CAP_CHECKPOINT_RESTORE",
		"the init of a new PID namespace, without "
		"CAP_CHECKPOINT_RESTORE and CAP_SYS_ADMIN, gets EPERM writing "
		"ns_last_pid; with CAP_CHECKPOINT_RESTORE alone it works",
		"EPERM", CAP_BIT(CAP_CHECKPOINT_RESTORE), NS_BIT(NS_PID),
		g_last_pid),
	{ .id = "caps/set-tid-needs-cap",
	  .title = "clone3 set_tid needs CAP_CHECKPOINT_RESTORE",
	  .property = "the init of a new PID namespace, without "
		      "CAP_CHECKPOINT_RESTORE and CAP_SYS_ADMIN, gets EPERM "
		      "from clone3 with set_tid; with CAP_CHECKPOINT_RESTORE "
		      "alone it works",
	  .expect = "EPERM",
	  .req = { .root = true,
		   .caps = GATE_CAPS(CAP_BIT(CAP_CHECKPOINT_RESTORE)),
		   .ns = NS_BIT(NS_PID),
		   .features = FEAT_BIT(FEAT_CLONE3) },
	  .tags = { "caps", "gate" },
	  .check = &g_set_tid },
};

BOXCHECK_AREA(caps_gates_net, caps_gates_net);
