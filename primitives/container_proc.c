// SPDX-License-Identifier: MIT
/*
 * The reference container's process steps, in the child: who it is (ids,
 * groups), its limits, umask, keyring, LSM label, working directory, its
 * seccomp filter, capabilities and no_new_privs; then, after the steps,
 * the descriptors it keeps and the wait for start (create/start).
 */
#include "container_int.h"
#include "seccomp.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <linux/keyctl.h>
#include <linux/securebits.h>
#include <sched.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>

int step_become_root(struct child *c)
{
	return c->s->ns & NS_BIT(NS_USER) ? userns_become_root() : 0;
}

int step_hostname(struct child *c)
{
	const char *h = c->s->hostname;

	if (!h || !(c->s->ns & NS_BIT(NS_UTS)))
		return 0;
	return sethostname(h, strlen(h)) < 0 ? neg_errno() : 0;
}

/*
 * The cgroup namespace is made here, not at clone: the parent has joined us
 * to our cgroup by now, so that cgroup becomes the namespace's root. (The
 * weaker variant made it at clone: container.c.)
 */
int step_cgroupns(struct child *c)
{
	if (!(c->s->ns & NS_BIT(NS_CGROUP)) || c->s->weak.cgroupns_early)
		return 0;
	return unshare(CLONE_NEWCGROUP) < 0 ? neg_errno() : 0;
}

/* The hold fifo, opened by path before pivot_root hides it. */
int step_hold_open(struct child *c)
{
	if (!c->s->hold_fifo)
		return 0;
	c->hold_fd = open(c->s->hold_fifo, O_PATH | O_CLOEXEC);
	return c->hold_fd < 0 ? neg_errno() : 0;
}

int step_ids(struct child *c)
{
	const struct container_spec *s = c->s;

	if (!s->set_ids)
		return 0;
	if (setgroups(s->n_groups, s->groups) < 0 ||
	    setresgid(s->gid, s->gid, s->gid) < 0)
		return neg_errno();
	/* caps survive a uid change only with keep caps; root keeps root */
	if (s->uid && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return neg_errno();
	return setresuid(s->uid, s->uid, s->uid) < 0 ? neg_errno() : 0;
}

int step_rlimits(struct child *c)
{
	for (size_t i = 0; i < c->s->n_rlimits; i++) {
		const struct container_rlimit *l = &c->s->rlimits[i];
		struct rlimit rl = { l->soft, l->hard };
		if (setrlimit(l->resource, &rl) < 0)
			return neg_errno();
	}
	return 0;
}

int step_umask(struct child *c)
{
	if (c->s->umask >= 0)
		umask((mode_t)c->s->umask);
	return 0;
}

/* A session keyring of its own, not the launcher's. */
int step_keyring(struct child *c)
{
	if (!c->s->new_keyring || c->s->weak.keep_keyring)
		return 0;
	return syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0
		       ? neg_errno()
		       : 0;
}

/* The label the process gets at execve (AppArmor or SELinux). */
int step_lsm(struct child *c)
{
	char buf[300];

	if (!c->s->lsm)
		return 0;
	if (path_exists("/proc/self/attr/apparmor/exec")) {
		snprintf(buf, sizeof(buf), "exec %s", c->s->lsm);
		return write_text("/proc/self/attr/apparmor/exec", buf);
	}
	return write_text("/proc/self/attr/exec", c->s->lsm);
}

int step_cwd(struct child *c)
{
	if (!c->s->cwd)
		return 0;
	return chdir(c->s->cwd) < 0 ? neg_errno() : 0;
}

/* Before the capabilities go: installing one needs CAP_SYS_ADMIN or nnp. */
int step_seccomp(struct child *c)
{
	if (!c->s->seccomp_deny)
		return 0;
	return seccomp_install(c->s->seccomp_deny, c->s->seccomp_errno);
}

int step_caps(struct child *c)
{
	const struct container_spec *s = c->s;
	int r = 0;

	if (s->weak.secure_noroot &&
	    prctl(PR_SET_SECUREBITS, SECBIT_NOROOT, 0, 0, 0) < 0)
		return neg_errno();
	if (s->set_caps)
		r = caps_keep(s->caps, s->inheritable_caps | s->ambient_caps,
			      s->ambient_caps);
	return r;
}

int step_no_new_privs(struct child *c)
{
	return c->s->no_new_privs ? caps_set_no_new_privs() : 0;
}

/* Every fd from 3 + n_pass_fds up closes at execve. */
int child_close_fds(struct child *c)
{
	unsigned first = 3 + (unsigned)c->s->n_pass_fds;

	if (!c->s->close_fds || c->s->weak.keep_fds)
		return 0;
	if (syscall(SYS_close_range, first, ~0u, CLOSE_RANGE_CLOEXEC) < 0)
		return neg_errno();
	return 0;
}

/*
 * create/start: tell the parent we are ready (a message without an error),
 * then open the fifo for writing, which blocks until start opens it for
 * reading; runc's exec.fifo works the same way.
 */
int child_hold(struct child *c, struct chan *err)
{
	struct container_error ready = { "ready", 0 };
	char path[64], b = '0';
	int fd;

	if (c->hold_fd < 0)
		return 0;
	if (chan_send(err, &ready, sizeof(ready)) < 0)
		return -EPIPE;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->hold_fd);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	if (write(fd, &b, 1) != 1) {
		close(fd);
		return -EPIPE;
	}
	close(fd);
	close(c->hold_fd);
	c->hold_fd = -1;
	return 0;
}
