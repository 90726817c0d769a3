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
 */
#include "container.h"
#include "ns.h"
#include "overlay.h"
#include "rootfs.h"

#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

struct child {
	const struct container_spec *s;
	char root[PATH_MAX]; /* the new root as seen before pivot_root */
};

static int step_become_root(struct child *c)
{
	return c->s->ns & NS_BIT(NS_USER) ? userns_become_root() : 0;
}

static int step_hostname(struct child *c)
{
	const char *h = c->s->hostname;

	if (!h || !(c->s->ns & NS_BIT(NS_UTS)))
		return 0;
	return sethostname(h, strlen(h)) < 0 ? neg_errno() : 0;
}

/*
 * The cgroup namespace is made here, not at clone: the parent has joined us
 * to our cgroup by now, so that cgroup becomes the namespace's root.
 */
static int step_cgroupns(struct child *c)
{
	if (!(c->s->ns & NS_BIT(NS_CGROUP)))
		return 0;
	return unshare(CLONE_NEWCGROUP) < 0 ? neg_errno() : 0;
}

static bool has_root(const struct container_spec *s)
{
	return s->root || s->n_lowers;
}

/*
 * Every mount private: nothing mounted here reaches the launcher's
 * namespace or the host's, and pivot_root accepts the tree. Never in
 * init's mount namespace (rootfs_private_mntns() is the guard).
 */
static int step_private(struct child *c)
{
	int r;

	if (!(c->s->ns & NS_BIT(NS_MNT)) || c->s->keep_propagation)
		return 0;
	r = rootfs_private_mntns();
	if (r < 0)
		return r;
	return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0
		       ? neg_errno()
		       : 0;
}

static int step_overlay(struct child *c)
{
	const struct container_spec *s = c->s;
	char upper[PATH_MAX], work[PATH_MAX];
	struct overlay_spec o = { s->lowers, s->n_lowers, upper, work, NULL };

	if (!s->n_lowers) {
		snprintf(c->root, sizeof(c->root), "%s",
			 s->root ? s->root : "");
		return 0;
	}
	snprintf(upper, sizeof(upper), "%s/upper", s->scratch);
	snprintf(work, sizeof(work), "%s/work", s->scratch);
	snprintf(c->root, sizeof(c->root), "%s/merged", s->scratch);
	/* In a user namespace the overlay keeps its xattrs in user.* */
	if (s->ns & NS_BIT(NS_USER))
		o.extra = "userxattr";
	return overlay_mount(&o, c->root);
}

static int in_root(struct child *c, const char *sub, char *buf, size_t len)
{
	if (snprintf(buf, len, "%s/%s", c->root, sub) >= (int)len)
		return -ENAMETOOLONG;
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	return 0;
}

/*
 * Before pivot_root: a user namespace may mount proc only while the host's
 * /proc is still visible, and /dev binds host nodes. Without a new PID
 * namespace a user namespace may not mount a proc of the launcher's: the
 * launcher's /proc is bound instead (as runtimes do), with its submounts.
 */
static int step_proc(struct child *c)
{
	char p[PATH_MAX + 8];
	int r;

	if (!c->root[0])
		return 0;
	r = in_root(c, "proc", p, sizeof(p));
	if (r == 0 && !(c->s->ns & NS_BIT(NS_PID)))
		return mount("/proc", p, NULL, MS_BIND | MS_REC, NULL) < 0
			       ? neg_errno()
			       : 0;
	return r ?: rootfs_mount_proc(p);
}

static int step_dev(struct child *c)
{
	char p[PATH_MAX + 8];
	int r;

	if (!c->root[0])
		return 0;
	r = in_root(c, "dev", p, sizeof(p));
	return r ?: rootfs_mount_dev(p);
}

/* The name runtimes give a hierarchy's dir: "cpu,cpuacct", "unified". */
static void hier_name(const struct cg_layout *l, int i, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	if (i == l->unified) {
		snprintf(buf, len, "unified");
		return;
	}
	for (int k = 0; k < CG__COUNT; k++)
		if ((l->hier[i].ctrls & CG_BIT(k)) && cg_ctrl_table[k].v1_name)
			at += snprintf(buf + at, at < len ? len - at : 0,
				       "%s%s", at ? "," : "",
				       cg_ctrl_table[k].v1_name);
}

static int bind(const char *src, const char *dst)
{
	return mount(src, dst, NULL, MS_BIND, NULL) < 0 ? neg_errno() : 0;
}

/* cgdir and the binds on it read-only: in one call, or one by one. */
static int cgroups_ro(const struct cg_group *g, const char *cgdir)
{
	const struct cg_layout *l = g->layout;
	char dst[PATH_MAX + 64], name[128];
	int r = rootfs_remount_ro_tree(cgdir);

	if (r != -ENOSYS)
		return r;
	r = rootfs_remount_ro(cgdir);
	for (int i = 0; r == 0 && i < CG_MAX_HIER; i++) {
		if (!(g->hiers & (1u << i)))
			continue;
		hier_name(l, i, name, sizeof(name));
		snprintf(dst, sizeof(dst), "%s/%s", cgdir, name);
		r = rootfs_remount_ro(dst);
	}
	return r;
}

/*
 * Our own cgroup, read-only, where runtimes show it: /sys/fs/cgroup itself
 * on a unified host, else a tmpfs there with one dir per hierarchy.
 */
static int mount_cgroups(const struct cg_group *g, const char *cgdir)
{
	const struct cg_layout *l = g->layout;
	char dst[PATH_MAX + 64], name[128];
	int r;

	if (l->mode == CG_MODE_UNIFIED && cg_group_unified(g)) {
		r = bind(cg_group_unified(g), cgdir);
		return r ?: rootfs_remount_ro(cgdir);
	}
	r = rootfs_mount_tmpfs(cgdir, "mode=0755");
	for (int i = 0; r == 0 && i < CG_MAX_HIER; i++) {
		if (!(g->hiers & (1u << i)))
			continue;
		hier_name(l, i, name, sizeof(name));
		snprintf(dst, sizeof(dst), "%s/%s", cgdir, name);
		if (mkdir(dst, 0755) < 0)
			return neg_errno();
		r = bind(g->dir[i], dst);
	}
	return r ?: cgroups_ro(g, cgdir);
}

/* See container.h: sysfs, then our cgroup below it. */
int container_mount_sys(const char *sys, const struct cg_group *cg)
{
	char cgdir[PATH_MAX + 16];

	if (mount("sysfs", sys, "sysfs",
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return neg_errno();
	snprintf(cgdir, sizeof(cgdir), "%s/fs/cgroup", sys);
	return cg && path_exists(cgdir) ? mount_cgroups(cg, cgdir) : 0;
}

static int step_sys(struct child *c)
{
	char p[PATH_MAX + 8];
	int r;

	if (!c->root[0] || !(c->s->ns & NS_BIT(NS_NET)))
		return 0;
	r = in_root(c, "sys", p, sizeof(p));
	if (r == -EACCES || r == -EROFS)
		return 0; /* optional: a root without sys/ we may not add */
	return r ?: container_mount_sys(p, c->s->cg);
}

/*
 * The new root, bound onto itself so that it is a mount point, becomes "/":
 * pivot_root(".", ".") puts the old root on top of it, and the old root is
 * detached. With no_pivot: chroot, and the old root stays reachable.
 */
static int step_pivot(struct child *c)
{
	int r;

	if (!c->root[0])
		return 0;
	r = rootfs_private_mntns();
	if (r < 0)
		return r;
	if (mount(c->root, c->root, NULL, MS_BIND | MS_REC, NULL) < 0 ||
	    chdir(c->root) < 0)
		return neg_errno();
	if (c->s->no_pivot)
		return chroot(".") < 0 || chdir("/") < 0 ? neg_errno() : 0;
	r = sys_pivot_root(".", ".");
	if (r < 0)
		return r;
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return neg_errno();
	return 0;
}

static int step_mask(struct child *c)
{
	for (const char *const *m = c->s->masked; m && *m; m++) {
		int r = rootfs_mask(*m);
		if (r < 0)
			return r;
	}
	return 0;
}

static int step_readonly(struct child *c)
{
	return c->s->readonly_root ? rootfs_remount_ro("/") : 0;
}

static int step_caps(struct child *c)
{
	const struct container_spec *s = c->s;

	return s->set_caps ? caps_keep(s->caps,
				       s->inheritable_caps | s->ambient_caps,
				       s->ambient_caps)
			   : 0;
}

static int step_no_new_privs(struct child *c)
{
	return c->s->no_new_privs ? caps_set_no_new_privs() : 0;
}

static const struct {
	const char *name;
	int (*run)(struct child *c);
} child_steps[] = {
	{ "become root in the user namespace", step_become_root },
	{ "set the hostname", step_hostname },
	{ "enter a new cgroup namespace", step_cgroupns },
	{ "make mounts private", step_private },
	{ "mount the overlay", step_overlay },
	{ "mount /proc", step_proc },
	{ "mount /dev", step_dev },
	{ "mount /sys and our cgroup", step_sys },
	{ "pivot_root", step_pivot },
	{ "mask paths", step_mask },
	{ "remount the root read-only", step_readonly },
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

/* execvpe searches the caller's PATH: take the container's. */
static void use_path_of(char *const *envp)
{
	for (; envp && *envp; envp++)
		if (strncmp(*envp, "PATH=", 5) == 0)
			setenv("PATH", *envp + 5, 1);
}

static _Noreturn void child_main(const struct container_spec *s,
				 struct chan *go, struct chan *err)
{
	struct child c = { .s = s };
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
	use_path_of(s->envp);
	execvpe(s->argv[0], s->argv, s->envp);
	child_fail(err, "execve", neg_errno());
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
	if (s->n_lowers && !s->scratch)
		return fail(e, "an overlay needs a scratch dir", -EINVAL);
	if ((has_root(s) || s->readonly_root || s->masked || s->no_pivot ||
	     s->keep_propagation) &&
	    !mnt)
		return fail(e, "a new root needs a mount namespace", -EINVAL);
	return 0;
}

/* upper, work and merged, owned by the id root maps to when in a userns. */
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
		if (chown(p, uid, gid) < 0)
			return neg_errno();
	}
	return 0;
}

/* clone3 straight into the v2 cgroup where possible, else a plain clone. */
static pid_t spawn(const struct container_spec *s)
{
	unsigned long flags = ns_flags(s->ns & ~NS_BIT(NS_CGROUP));
	pid_t pid = -EOPNOTSUPP;

	if (s->cg && cg_group_unified(s->cg))
		pid = cg_clone_into_flags(s->cg, flags);
	if (pid == -EOPNOTSUPP || pid == -ENOSYS || pid == -E2BIG ||
	    pid == -EINVAL)
		pid = ns_fork(flags);
	return pid;
}

/* Steps 3 and 4, then release the child. */
static int release(const struct container_spec *s, pid_t pid, struct chan *go,
		   struct container_error *e)
{
	int r = 0;

	if (s->ns & NS_BIT(NS_USER))
		r = userns_write_maps(pid, s->uid_map, s->gid_map, false);
	if (r < 0)
		return fail(e, "write the id maps", r);
	if (s->cg && (r = cg_group_attach(s->cg, pid)) < 0)
		return fail(e, "join the cgroup", r);
	return chan_send(go, "g", 1);
}

int container_start(const struct container_spec *s, pid_t *pid_out,
		    struct container_error *e)
{
	_cleanup_chan_ struct chan go = CHAN_INIT, err = CHAN_INIT;
	struct container_error ce;
	pid_t pid;
	int r = container_check(s, e);

	if (r == 0 && s->n_lowers && (r = prepare_scratch(s)) < 0)
		return fail(e, "prepare the overlay dirs", r);
	if (r < 0 || (r = chan_open(&go)) < 0 || (r = chan_open(&err)) < 0)
		return r;
	pid = spawn(s);
	if (pid < 0)
		return fail(e, "clone", pid);
	if (pid == 0)
		child_main(s, &go, &err);
	closep(&go.rd);
	go.rd = -1;
	closep(&err.wr);
	err.wr = -1;
	r = release(s, pid, &go, e);
	chan_close(&go); /* a child still waiting sees EOF and leaves */
	if (r == 0 && chan_recv(&err, &ce, sizeof(ce)) == 0)
		r = fail(e, ce.step, ce.err);
	if (r < 0) {
		kill(pid, SIGKILL);
		wait_status(pid, NULL);
		return r;
	}
	*pid_out = pid;
	return 0;
}
