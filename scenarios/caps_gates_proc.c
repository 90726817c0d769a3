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

#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/msg.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>

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
	/* the system call itself: the sanitizers' mlock() returns 0 unasked */
	err = gate_err(syscall(SYS_mlock, p, sz));
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
};

BOXCHECK_AREA(caps_gates_proc, caps_gates_proc);
