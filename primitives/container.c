// SPDX-License-Identifier: MIT
/*
 * The reference container. The parent:
 *   1. checks the spec and prepares the overlay's upper, work and merged dirs
 *   2. clones the child in its new namespaces (straight into the v2 cgroup
 *      with CLONE_INTO_CGROUP where the kernel can)
 *   3. writes the child's uid and gid maps
 *   4. joins the child to the cgroup on the remaining (v1) hierarchies
 *   5. releases the child, and reads back either EOF (execve worked: the
 *      error pipe is close-on-exec) or the step that failed.
 * The child runs the steps of child_steps[] in order, then execve. Its
 * cgroup namespace is made by a step, once it sits in its cgroup.
 *
 * The child shares our memory until its execve (clone_vm.h), on a stack
 * of its own: no page table copied, no page copied on write. While it
 * runs, we only write its maps and cgroup files and wait on a pipe: no
 * allocation, nothing it reads changes. With a hold fifo, container_start
 * returns while the child still waits: then it is forked, as it is where
 * clone_vm has no entry for the architecture.
 */
#include "clone_vm.h"
#include "container_int.h"
#include "ns.h"
#include "rootfs.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK 18
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static const struct {
	const char *name;
	child_step *run;
} child_steps[] = {
	{ "become root in the user namespace", step_become_root },
	{ "set the hostname", step_hostname },
	{ "enter a new cgroup namespace", step_cgroupns },
	{ "make mounts private", step_private },
	{ "mount the overlay", step_overlay },
	{ "mount /proc", step_proc },
	{ "mount /dev", step_dev },
	{ "mount /sys and our cgroup", step_sys },
	{ "bind the host directory", step_bind_in },
	{ "open the hold fifo", step_hold_open },
	{ "pivot_root", step_pivot },
	{ "mask paths", step_mask },
	{ "make paths read-only", step_ro_paths },
	{ "remount the root read-only", step_readonly },
	{ "set the ids and groups", step_ids },
	{ "set the rlimits", step_rlimits },
	{ "set the umask", step_umask },
	{ "join a new session keyring", step_keyring },
	{ "set the LSM label", step_lsm },
	{ "enter the working directory", step_cwd },
	{ "install the seccomp filter", step_seccomp },
	{ "set capabilities", step_caps },
	{ "set no_new_privs", step_no_new_privs },
};

static _Noreturn void child_fail(struct chan *err, const char *step, int r)
{
	struct container_error e = { .err = r };

	snprintf(e.step, sizeof(e.step), "%s", step);
	chan_send(err, &e, sizeof(e));
	_exit(127);
}

/*
 * pass_fds[i] becomes fd 3 + i, without close-on-exec. First every one
 * moves above the range, so no dup2 clobbers one still to be moved.
 */
static int pass_fds(const struct container_spec *s)
{
	int high[16];

	if (s->n_pass_fds > ARRAY_SIZE(high))
		return -E2BIG;
	for (size_t i = 0; i < s->n_pass_fds; i++) {
		high[i] = fcntl(s->pass_fds[i], F_DUPFD_CLOEXEC, 100);
		if (high[i] < 0)
			return neg_errno();
	}
	for (size_t i = 0; i < s->n_pass_fds; i++)
		if (dup2(high[i], 3 + (int)i) < 0)
			return neg_errno();
	return 0;
}

/*
 * execve of argv[0], searched in the container's PATH as execvpe would (it
 * searches ours, and setenv would change ours: the child shares our
 * memory). The errno of the last attempt that found something, else
 * ENOENT's.
 */
static int exec_in_path(char *const *argv, char *const *envp)
{
	const char *path = "/usr/local/bin:/usr/bin:/bin", *p;
	char file[PATH_MAX];
	int err = ENOENT;

	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, envp);
		return errno;
	}
	for (char *const *e = envp; e && *e; e++)
		if (strncmp(*e, "PATH=", 5) == 0)
			path = *e + 5;
	for (p = path;; p++) {
		size_t n = strcspn(p, ":");
		if (snprintf(file, sizeof(file), "%.*s%s%s", (int)n, p,
			     n ? "/" : "", argv[0]) < (int)sizeof(file)) {
			execve(file, argv, envp);
			if (errno != ENOENT && errno != ENOTDIR)
				err = errno;
		}
		p += n;
		if (!*p)
			return err;
	}
}

static _Noreturn void child_main(const struct container_spec *s,
				 struct chan *go, struct chan *err)
{
	struct child c = { .s = s, .hold_fd = -1 };
	char b;
	int r;

	close(go->wr);
	close(err->rd);
	if (fd_read_all(go->rd, &b, 1) != 1) /* parent gone or failed */
		_exit(127);
	for (size_t i = 0; i < ARRAY_SIZE(child_steps); i++) {
		r = child_steps[i].run(&c);
		if (r < 0)
			child_fail(err, child_steps[i].name, r);
	}
	r = pass_fds(s);
	if (r < 0)
		child_fail(err, "pass fds", r);
	r = child_close_fds(&c);
	if (r < 0)
		child_fail(err, "close the inherited fds", r);
	/* after "ready" nobody reads err: a failure only ends the child */
	if (child_hold(&c, err) < 0)
		_exit(126);
	child_fail(err, "execve", -exec_in_path(s->argv, s->envp));
}

/*
 * What the child starts from: copies, which we do not touch after the
 * clone (we close our ends of the pipes and mark them closed in ours).
 */
struct start {
	const struct container_spec *s;
	struct chan go, err;
};

static int child_entry(void *arg)
{
	struct start *st = arg;

	child_main(st->s, &st->go, &st->err);
}

/*
 * The child's stack while it shares our memory; one child at a time.
 * Mapped once per process, its top CHILD_STACK_HOT bytes (what the steps
 * use) populated in one call: 8 page faults fewer per `boxcheck exec`,
 * each a trap to the hypervisor on a VM. Wiped on fork: a forked process
 * (a concurrency spawner) gets a stack of its own, not a copy of ours,
 * and ours is never write-protected by a fork, so a launcher that starts
 * many containers faults it in once, not again after each fork.
 */
#define CHILD_STACK (256 << 10)
#define CHILD_STACK_HOT (32 << 10)
static char *child_stack;
static pid_t child_stack_pid; /* who populated it (a fork has it wiped) */
static bool child_stack_busy;

/* Only a saving: an older kernel refuses it, harmlessly. */
static void child_stack_populate(void)
{
	(void)madvise(child_stack + CHILD_STACK - CHILD_STACK_HOT,
		      CHILD_STACK_HOT, MADV_POPULATE_WRITE);
}

static char *child_stack_get(void)
{
	void *p;

	if (child_stack)
		return child_stack;
	p = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	(void)madvise(p, CHILD_STACK, MADV_WIPEONFORK); /* a saving too */
	child_stack = p;
	child_stack_populate();
	child_stack_pid = getpid();
	return child_stack;
}

static int fail(struct container_error *e, const char *what, int err)
{
	if (e) {
		snprintf(e->step, sizeof(e->step), "%s", what);
		e->err = err;
	}
	return err;
}

int container_check(const struct container_spec *s, struct container_error *e)
{
	bool mnt = s->ns & NS_BIT(NS_MNT);

	if (!s->argv || !s->argv[0])
		return fail(e, "no command", -EINVAL);
	if ((s->ns & NS_BIT(NS_USER)) && (!s->uid_map || !s->gid_map))
		return fail(e, "a user namespace needs id maps", -EINVAL);
	if (s->root && s->n_lowers)
		return fail(e, "a root and an overlay at once", -EINVAL);
	if ((s->ambient_caps | s->inheritable_caps) & ~s->caps)
		return fail(e, "ambient or inheritable capabilities not kept",
			    -EINVAL);
	for (int t = 0; t < NS__COUNT; t++)
		if (s->join[t] && (s->ns & NS_BIT(t)))
			return fail(e, "a namespace both new and joined",
				    -EINVAL);
	if (s->n_lowers && !s->scratch)
		return fail(e, "an overlay needs a scratch dir", -EINVAL);
	if ((has_root(s) || s->readonly_root || s->masked || s->weak.no_pivot ||
	     s->weak.keep_propagation) &&
	    !mnt)
		return fail(e, "a new root needs a mount namespace", -EINVAL);
	return 0;
}

/*
 * upper and work, owned by the id root maps to when in a userns, and
 * merged, the mount point (whose owner the overlay's root hides).
 */
static int prepare_scratch(const struct container_spec *s)
{
	static const char *const sub[] = { "upper", "work", "merged" };
	uint32_t uid = 0, gid = 0;

	if (s->ns & NS_BIT(NS_USER) &&
	    (idmap_to_outside(s->uid_map, 0, &uid) < 0 ||
	     idmap_to_outside(s->gid_map, 0, &gid) < 0))
		return -ERANGE;
	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "%s/%s", s->scratch, sub[i]);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return neg_errno();
		if (strcmp(sub[i], "merged") && chown(p, uid, gid) < 0)
			return neg_errno();
	}
	return 0;
}

int container_prepare(void)
{
	if (child_stack && child_stack_pid != getpid()) {
		child_stack_populate(); /* a fork's, wiped */
		child_stack_pid = getpid();
	}
	return child_stack_get() ? 0 : -ENOMEM;
}

/* rmdir, else (not empty, or not a dir) rm_rf; gone already is fine. */
static int remove_one(const char *path)
{
	if (rmdir(path) == 0 || errno == ENOENT)
		return 0;
	if (errno != ENOTEMPTY && errno != EEXIST && errno != ENOTDIR)
		return neg_errno();
	return rm_rf(path);
}

/* The reverse of prepare_scratch (see container.h): 5 calls, not 50. */
int container_scratch_remove(const char *scratch)
{
	static const char *const sub[] = { "upper", "work/work", "work",
					   "merged", "" };
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		char p[PATH_MAX];
		int r;
		snprintf(p, sizeof(p), "%s%s%s", scratch, *sub[i] ? "/" : "",
			 sub[i]);
		r = remove_one(p);
		ret = ret ?: r;
	}
	return ret;
}

/*
 * clone3 straight into the v2 cgroup where possible, else a plain clone.
 * The cgroup namespace comes later (step_cgroupns), unless the weaker
 * variant makes it here, before the child joins its cgroup.
 */
static bool clone_fell_back(pid_t pid)
{
	return pid == -EOPNOTSUPP || pid == -ENOSYS || pid == -E2BIG ||
	       pid == -EINVAL;
}

/* Sharing our memory (see the top): into the v2 cgroup when there is one. */
static pid_t spawn_vm(const struct container_spec *s, unsigned long flags,
		      bool cg_into, struct start *st, bool *into)
{
	_cleanup_close_ int fd = -1;
	char *stack = child_stack_get();
	pid_t pid;

	if (cg_into) {
		fd = open(cg_group_unified(s->cg),
			  O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return neg_errno();
	}
	if (!stack)
		return -EOPNOTSUPP; /* no memory for it: the caller forks */
	pid = clone_vm(flags, fd, stack, CHILD_STACK, child_entry, st);
	if (pid == -EBADF || (fd >= 0 && clone_fell_back(pid)))
		pid = clone_vm(flags, -1, stack, CHILD_STACK, child_entry, st);
	else
		*into = fd >= 0 && pid > 0;
	child_stack_busy = pid > 0;
	return pid;
}

static pid_t spawn(const struct container_spec *s, struct start *st, bool *into)
{
	bool early = s->weak.cgroupns_early && (s->ns & NS_BIT(NS_CGROUP));
	bool cg_into = !early && s->cg && cg_group_unified(s->cg);
	unsigned long flags = ns_flags(s->ns & ~NS_BIT(NS_CGROUP));
	pid_t pid = -EOPNOTSUPP;

	*into = false;
	if (early)
		flags |= CLONE_NEWCGROUP;
	if (!s->hold_fifo && !child_stack_busy) {
		pid = spawn_vm(s, flags, cg_into, st, into);
		if (!clone_fell_back(pid))
			return pid;
	}
	if (cg_into)
		pid = cg_clone_into_flags(s->cg, flags);
	*into = pid >= 0;
	if (clone_fell_back(pid))
		pid = ns_fork(flags);
	if (pid == 0)
		child_main(s, &st->go, &st->err);
	return pid;
}

/*
 * Step 4: the child into the cgroup on every hierarchy but the one clone3
 * put it in already (into): the v1 ones of a hybrid host, or all of them.
 */
static int join_cgroup(const struct cg_group *g, pid_t pid, bool into)
{
	int skip = into ? g->layout->unified : -1;
	char path[PATH_MAX + 32];

	for (int i = 0; i < CG_MAX_HIER; i++) {
		int r;
		if (!(g->hiers & (1u << i)) || i == skip)
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", g->dir[i]);
		r = write_fmt(path, "%d", pid);
		if (r < 0)
			return r;
	}
	return 0;
}

static int write_fmt_pid(pid_t pid, int adj)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	return write_fmt(path, "%d", adj);
}

/*
 * The namespaces given by path, joined by the launcher itself before the
 * clone (as root, before any new user namespace): the child inherits them.
 */
static int join_paths(const struct container_spec *s)
{
	for (int t = 0; t < NS__COUNT; t++) {
		_cleanup_close_ int fd = -1;
		if (!s->join[t])
			continue;
		fd = open(s->join[t], O_RDONLY | O_CLOEXEC);
		if (fd < 0 || setns(fd, ns_flags(NS_BIT(t))) < 0)
			return neg_errno();
	}
	return 0;
}

/* Steps 3 and 4, then release the child. */
static int release(const struct container_spec *s, pid_t pid, bool into,
		   struct chan *go, struct container_error *e)
{
	int r = 0;

	if (s->ns & NS_BIT(NS_USER))
		r = userns_write_maps(pid, s->uid_map, s->gid_map, false);
	if (r < 0)
		return fail(e, "write the id maps", r);
	if (s->cg && (r = join_cgroup(s->cg, pid, into)) < 0)
		return fail(e, "join the cgroup", r);
	if (s->set_oom && (r = write_fmt_pid(pid, s->oom_score_adj)) < 0)
		return fail(e, "set oom_score_adj", r);
	return chan_send(go, "g", 1);
}

int container_start(const struct container_spec *s, pid_t *pid_out,
		    struct container_error *e)
{
	_cleanup_chan_ struct chan go = CHAN_INIT, err = CHAN_INIT;
	struct start st = { .s = s };
	struct container_error ce;
	int r = container_check(s, e), guard = rootfs_guard_save();
	bool into;
	pid_t pid;

	if (r == 0 && s->n_lowers && (r = prepare_scratch(s)) < 0)
		return fail(e, "prepare the overlay dirs", r);
	if (r < 0 || (r = chan_open(&go)) < 0 || (r = chan_open(&err)) < 0)
		return r;
	if ((r = join_paths(s)) < 0)
		return fail(e, "join a namespace by path", r);
	st.go = go;
	st.err = err;
	pid = spawn(s, &st, &into);
	if (pid < 0)
		return fail(e, "clone", pid);
	closep(&go.rd);
	go.rd = -1;
	closep(&err.wr);
	err.wr = -1;
	r = release(s, pid, into, &go, e);
	chan_close(&go); /* a child still waiting sees EOF and leaves */
	if (r == 0 && chan_recv(&err, &ce, sizeof(ce)) == 0 &&
	    !(s->hold_fifo && ce.err == 0 && !strcmp(ce.step, "ready")))
		r = fail(e, ce.step, ce.err);
	if (r < 0) {
		kill(pid, SIGKILL);
		wait_status(pid, NULL);
	}
	/* The child exec'd or is gone: its stack and our statics are ours. */
	child_stack_busy = false;
	rootfs_guard_restore(guard);
	if (r < 0)
		return r;
	*pid_out = pid;
	return 0;
}
