// SPDX-License-Identifier: MIT
/*
 * The capabilities that govern processes, IPC, the network and bpf
 * (capabilities(7), the list): root without CAP_KILL, CAP_SYS_PTRACE,
 * CAP_SETUID, CAP_SETGID, CAP_SYS_NICE, CAP_SYS_RESOURCE, CAP_IPC_LOCK,
 * CAP_IPC_OWNER, CAP_NET_ADMIN, CAP_NET_RAW, CAP_BPF, CAP_PERFMON or
 * CAP_CHECKPOINT_RESTORE in its effective set is refused what it needs
 * them for, on a uid 1000 process it forked, its own limits, and IPC,
 * network and PID namespaces it made (caps_gate.h).
 */
#include "caps_gate.h"

#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <linux/bpf.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>

static int do_kill(struct gate_call *g)
{
	return gate_err(kill(g->pid, 0));
}

/* One byte of the uid 1000 process's copy of this variable. */
static const char peer_byte = 'p';

static int do_vm_read(struct gate_call *g)
{
	char b;
	struct iovec l = { &b, 1 }, r = { (void *)&peer_byte, 1 };

	return gate_err(process_vm_readv(g->pid, &l, 1, &r, 1, 0));
}

static int do_setuid(struct gate_call *g)
{
	(void)g;
	return gate_err(setresuid(CAPS_UID, CAPS_UID, CAPS_UID));
}

static int do_setgid(struct gate_call *g)
{
	(void)g;
	return gate_err(setresgid(CAPS_UID, CAPS_UID, CAPS_UID));
}

static int unix_pair(struct gate_call *g, const char **step)
{
	int sv[2];

	*step = "socketpair";
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0)
		return neg_errno();
	g->fd = sv[0];
	g->fd2 = sv[1];
	return 0;
}

/* SCM_CREDENTIALS naming uid or gid 1000 (which): sendmsg's errno. */
static int send_creds(struct gate_call *g, bool gid)
{
	struct ucred cr = { .pid = getpid(),
			    .uid = gid ? getuid() : CAPS_UID,
			    .gid = gid ? CAPS_UID : getgid() };
	char cbuf[CMSG_SPACE(sizeof(cr))] = { 0 }, b = 'c';
	struct iovec iov = { &b, 1 };
	struct msghdr m = { .msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = cbuf,
			    .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *h = CMSG_FIRSTHDR(&m);

	h->cmsg_level = SOL_SOCKET;
	h->cmsg_type = SCM_CREDENTIALS;
	h->cmsg_len = CMSG_LEN(sizeof(cr));
	memcpy(CMSG_DATA(h), &cr, sizeof(cr));
	return gate_err(sendmsg(g->fd, &m, 0));
}

static int do_scm_uid(struct gate_call *g)
{
	return send_creds(g, false);
}

static int do_scm_gid(struct gate_call *g)
{
	return send_creds(g, true);
}

/* RLIMIT_NICE 0 (no lowering by the limit), our nice value in arg. */
static int nice_setup(struct gate_call *g, const char **step)
{
	struct rlimit rl = { 0, 0 };

	*step = "setrlimit RLIMIT_NICE 0";
	if (setrlimit(RLIMIT_NICE, &rl) < 0)
		return neg_errno();
	*step = "getpriority";
	errno = 0;
	g->arg = getpriority(PRIO_PROCESS, 0);
	if (errno)
		return neg_errno();
	*step = "nice is already the lowest";
	return g->arg > -20 ? 0 : -ERANGE;
}

static int do_nice(struct gate_call *g)
{
	return gate_err(setpriority(PRIO_PROCESS, 0, (int)g->arg - 1));
}

/* The RLIMIT_NOFILE hard limit lowered by one; arg: the old one. */
static int nofile_setup(struct gate_call *g, const char **step)
{
	struct rlimit rl;

	*step = "getrlimit RLIMIT_NOFILE";
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return neg_errno();
	g->arg = (long)rl.rlim_max;
	rl.rlim_max--;
	if (rl.rlim_cur > rl.rlim_max)
		rl.rlim_cur = rl.rlim_max;
	*step = "lower the RLIMIT_NOFILE hard limit";
	return sysr(setrlimit(RLIMIT_NOFILE, &rl));
}

static int do_raise_nofile(struct gate_call *g)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return neg_errno();
	rl.rlim_max = (rlim_t)g->arg;
	return gate_err(setrlimit(RLIMIT_NOFILE, &rl));
}

static int memlock_0(struct gate_call *g, const char **step)
{
	struct rlimit rl = { 0, 0 };

	(void)g;
	*step = "setrlimit RLIMIT_MEMLOCK 0";
	return sysr(setrlimit(RLIMIT_MEMLOCK, &rl));
}

static int do_mlock(struct gate_call *g)
{
	long sz = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, sz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int err;

	(void)g;
	if (p == MAP_FAILED)
		return neg_errno();
	err = gate_err(mlock(p, sz));
	munmap(p, sz);
	return err;
}

/* In the child's own IPC namespace: a queue of mode 0000; arg its id. */
static int queue_0000(struct gate_call *g, const char **step)
{
	*step = "msgget";
	g->arg = msgget(IPC_PRIVATE, IPC_CREAT | 0000);
	return g->arg < 0 ? neg_errno() : 0;
}

static int do_msg_stat(struct gate_call *g)
{
	struct msqid_ds ds;
	int err = gate_err(msgctl((int)g->arg, IPC_STAT, &ds));

	msgctl((int)g->arg, IPC_RMID, NULL);
	return err;
}

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
	return gate_need_path(c, "/proc/sys/kernel/perf_event_paranoid",
			      "kernel without perf events");
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
	P_KILL,
	P_PTRACE,
	P_SETUID,
	P_SETGID,
	P_SCM_UID,
	P_SCM_GID,
	P_NICE,
	P_NOFILE,
	P_MLOCK,
	P_IPC_OWNER,
	P_NET_ADMIN,
	P_NET_RAW,
	P_PACKET,
	P_BPF,
	P_PERFMON,
	P_LAST_PID,
	P_SET_TID,
};

#define PEER .setup = gate_uid_peer
static const struct gate rows[] = {
	[P_KILL] = { .cap = CAP_KILL,
		     .what = "kill(0) of a uid 1000 process",
		     .want = EPERM,
		     PEER,
		     .call = do_kill },
	[P_PTRACE] = { .cap = CAP_SYS_PTRACE,
		       .what = "process_vm_readv of a uid 1000 process",
		       .want = EPERM,
		       PEER,
		       .call = do_vm_read },
	[P_SETUID] = { .cap = CAP_SETUID,
		       .what = "setresuid(1000, 1000, 1000)",
		       .want = EPERM,
		       .call = do_setuid },
	[P_SETGID] = { .cap = CAP_SETGID,
		       .what = "setresgid(1000, 1000, 1000)",
		       .want = EPERM,
		       .call = do_setgid },
	[P_SCM_UID] = { .cap = CAP_SETUID,
			.what = "SCM_CREDENTIALS naming uid 1000",
			.want = EPERM,
			.setup = unix_pair,
			.call = do_scm_uid },
	[P_SCM_GID] = { .cap = CAP_SETGID,
			.what = "SCM_CREDENTIALS naming gid 1000",
			.want = EPERM,
			.setup = unix_pair,
			.call = do_scm_gid },
	[P_NICE] = { .cap = CAP_SYS_NICE,
		     .what = "setpriority to a lower nice value",
		     .want = EACCES,
		     .setup = nice_setup,
		     .call = do_nice },
	[P_NOFILE] = { .cap = CAP_SYS_RESOURCE,
		       .what = "raising the RLIMIT_NOFILE hard limit",
		       .want = EPERM,
		       .setup = nofile_setup,
		       .call = do_raise_nofile },
	[P_MLOCK] = { .cap = CAP_IPC_LOCK,
		      .what = "mlock of a page over RLIMIT_MEMLOCK 0",
		      .want = EPERM,
		      .setup = memlock_0,
		      .call = do_mlock },
	[P_IPC_OWNER] = { .cap = CAP_IPC_OWNER,
			  .clone = CLONE_NEWIPC,
			  .what = "IPC_STAT of a mode 0000 message queue",
			  .want = EACCES,
			  .setup = queue_0000,
			  .call = do_msg_stat },
	[P_NET_ADMIN] = { .cap = CAP_NET_ADMIN,
			  .clone = CLONE_NEWNET,
			  .what = "SIOCSIFFLAGS lo up",
			  .want = EPERM,
			  .setup = inet_sock,
			  .call = do_lo_up },
	[P_NET_RAW] = { .cap = CAP_NET_RAW,
			.clone = CLONE_NEWNET,
			.what = "socket(AF_INET, SOCK_RAW)",
			.want = EPERM,
			.call = do_raw },
	[P_PACKET] = { .cap = CAP_NET_RAW,
		       .clone = CLONE_NEWNET,
		       .what = "socket(AF_PACKET, SOCK_RAW)",
		       .want = EPERM,
		       .call = do_packet },
	[P_BPF] = { .cap = CAP_BPF,
		    .also = CAPMASK(CAP_SYS_ADMIN),
		    .what = "bpf BPF_MAP_CREATE of a queue map",
		    .want = EPERM,
		    .probe = has_bpf,
		    .call = do_bpf_queue },
	[P_PERFMON] = { .cap = CAP_PERFMON,
			.also = CAPMASK(CAP_SYS_ADMIN),
			.what = "perf_event_open with namespace records",
			.want = EACCES,
			.probe = has_perf,
			.call = do_perf_ns },
	[P_LAST_PID] = { .cap = CAP_CHECKPOINT_RESTORE,
			 .also = CAPMASK(CAP_SYS_ADMIN),
			 .clone = CLONE_NEWPID,
			 .what = "write to ns_last_pid",
			 .want = EPERM,
			 .call = do_last_pid },
	[P_SET_TID] = { .cap = CAP_CHECKPOINT_RESTORE,
			.also = CAPMASK(CAP_SYS_ADMIN),
			.clone = CLONE_NEWPID,
			.what = "clone3 with set_tid",
			.want = EPERM,
			.call = do_set_tid },
};

GATE_CHECK(g_kill, rows, P_KILL);
GATE_CHECK(g_ptrace, rows, P_PTRACE);
GATE_CHECK(g_setuid, rows, P_SETUID);
GATE_CHECK(g_setgid, rows, P_SETGID);
GATE_CHECK(g_scm_uid, rows, P_SCM_UID);
GATE_CHECK(g_scm_gid, rows, P_SCM_GID);
GATE_CHECK(g_nice, rows, P_NICE);
GATE_CHECK(g_nofile, rows, P_NOFILE);
GATE_CHECK(g_mlock, rows, P_MLOCK);
GATE_CHECK(g_ipc_owner, rows, P_IPC_OWNER);
GATE_CHECK(g_net_admin, rows, P_NET_ADMIN);
GATE_CHECK(g_net_raw, rows, P_NET_RAW);
GATE_CHECK(g_packet, rows, P_PACKET);
GATE_CHECK(g_bpf, rows, P_BPF);
GATE_CHECK(g_perfmon, rows, P_PERFMON);
GATE_CHECK(g_last_pid, rows, P_LAST_PID);
GATE_CHECK(g_set_tid, rows, P_SET_TID);

/* The row's capability, those set-up needs, and namespaces. */
#define CAPS_(m_) ((m_) | CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_CHOWN))
#define GATE_NS(id_, title_, prop_, expect_, caps_, ns_, check_)               \
	{                                                                      \
		.id = "caps/" id_, .title = title_, .property = prop_,         \
		.expect = expect_,                                             \
		.req = { .root = true, .caps = CAPS_(caps_), .ns = (ns_) },    \
		.tags = { "caps", "gate" }, .check = &check_                   \
	}
#define GATE(id_, title_, prop_, expect_, caps_, check_)                       \
	GATE_NS(id_, title_, prop_, expect_, caps_, 0, check_)
#define PEER_CAPS(c_) (CAP_BIT(c_) | CAP_BIT(CAP_SETUID) | CAP_BIT(CAP_SETGID))

static const struct scenario caps_gates_proc[] = {
	GATE("kill-needs-cap",
	     "signalling another user's process needs CAP_KILL",
	     "root without CAP_KILL gets EPERM from kill(pid, 0) of a "
	     "process of uid 1000 it forked",
	     "EPERM", PEER_CAPS(CAP_KILL), g_kill),
	GATE("process-vm-readv-needs-ptrace",
	     "reading another user's memory needs CAP_SYS_PTRACE",
	     "root without CAP_SYS_PTRACE gets EPERM from process_vm_readv "
	     "of a process of uid 1000 it forked",
	     "EPERM", PEER_CAPS(CAP_SYS_PTRACE), g_ptrace),
	GATE("setuid-needs-cap", "an arbitrary uid change needs CAP_SETUID",
	     "root without CAP_SETUID gets EPERM from setresuid(1000, "
	     "1000, 1000)",
	     "EPERM", CAP_BIT(CAP_SETUID), g_setuid),
	GATE("setgid-needs-cap", "an arbitrary gid change needs CAP_SETGID",
	     "root without CAP_SETGID gets EPERM from setresgid(1000, "
	     "1000, 1000)",
	     "EPERM", CAP_BIT(CAP_SETGID), g_setgid),
	GATE("scm-uid-needs-setuid",
	     "a forged uid in SCM_CREDENTIALS needs CAP_SETUID",
	     "root without CAP_SETUID gets EPERM sending SCM_CREDENTIALS "
	     "that name uid 1000",
	     "EPERM", CAP_BIT(CAP_SETUID), g_scm_uid),
	GATE("scm-gid-needs-setgid",
	     "a forged gid in SCM_CREDENTIALS needs CAP_SETGID",
	     "root without CAP_SETGID gets EPERM sending SCM_CREDENTIALS "
	     "that name gid 1000",
	     "EPERM", CAP_BIT(CAP_SETGID), g_scm_gid),
	GATE("lower-nice-needs-cap",
	     "lowering the nice value needs CAP_SYS_NICE",
	     "root without CAP_SYS_NICE (RLIMIT_NICE 0) gets EACCES "
	     "lowering its nice value",
	     "EACCES", CAP_BIT(CAP_SYS_NICE), g_nice),
	GATE("raise-hard-limit-needs-cap",
	     "raising a hard limit needs CAP_SYS_RESOURCE",
	     "root without CAP_SYS_RESOURCE gets EPERM raising its "
	     "RLIMIT_NOFILE hard limit back after lowering it",
	     "EPERM", CAP_BIT(CAP_SYS_RESOURCE), g_nofile),
	GATE("mlock-over-limit-needs-cap",
	     "locking memory past RLIMIT_MEMLOCK needs CAP_IPC_LOCK",
	     "root without CAP_IPC_LOCK, RLIMIT_MEMLOCK 0, gets EPERM from "
	     "mlock of a page",
	     "EPERM", CAP_BIT(CAP_IPC_LOCK), g_mlock),
	GATE_NS("ipc-owner-bypasses-mode",
		"CAP_IPC_OWNER bypasses System V IPC permissions",
		"root without CAP_IPC_OWNER gets EACCES from IPC_STAT of a "
		"mode 0000 message queue of its own IPC namespace",
		"EACCES", CAP_BIT(CAP_IPC_OWNER), NS_BIT(NS_IPC), g_ipc_owner),
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
		   .caps = CAPS_(CAP_BIT(CAP_CHECKPOINT_RESTORE)),
		   .ns = NS_BIT(NS_PID),
		   .features = FEAT_BIT(FEAT_CLONE3) },
	  .tags = { "caps", "gate" },
	  .check = &g_set_tid },
};

BOXCHECK_AREA(caps_gates_proc, caps_gates_proc);
