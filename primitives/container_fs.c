// SPDX-License-Identifier: MIT
/*
 * The reference container's mounts, in the child, in its own mount
 * namespace: propagation, the overlay, /proc, /dev (the OCI default nodes,
 * links, devpts, shm, mqueue), /sys with our cgroup, pivot_root, the
 * masked and read-only paths, the read-only root. Each step has its weaker
 * variant (container_weak) for runtime validation's ref-without steps.
 */
#include "container_int.h"
#include "overlay.h"
#include "rootfs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static int bind(const char *src, const char *dst, unsigned long extra)
{
	return mount(src, dst, NULL, MS_BIND | extra, NULL) < 0 ? neg_errno()
								: 0;
}

/*
 * Every mount private (or, weaker, slaves of the launcher's, or left as
 * copied): nothing mounted here reaches the launcher's namespace or the
 * host's, and pivot_root accepts the tree. Never in init's mount
 * namespace (rootfs_private_mntns() is the guard).
 */
int step_private(struct child *c)
{
	const struct container_weak *w = &c->s->weak;
	int r;

	if (!(c->s->ns & NS_BIT(NS_MNT)) || w->keep_propagation)
		return 0;
	r = rootfs_private_mntns();
	if (r < 0)
		return r;
	return mount(NULL, "/", NULL,
		     MS_REC | (w->slave_propagation ? MS_SLAVE : MS_PRIVATE),
		     NULL) < 0
		       ? neg_errno()
		       : 0;
}

int step_overlay(struct child *c)
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

typedef int mount_at(struct child *c, const char *path);

/*
 * fn's mounts at sub of the new root, its dir made only if fn finds it
 * missing (-ENOENT, and a mkdir then succeeds: nothing was mounted on a
 * dir that was not there, so fn runs again). A root has its proc, dev
 * and sys nearly always: a mkdir each first, failing with EEXIST, was 3
 * system calls a start. optional: a dir we may not make (EACCES, EROFS)
 * is no error, and nothing is mounted.
 */
static int at_root(struct child *c, const char *sub, mount_at *fn,
		   bool optional)
{
	char p[PATH_MAX + 8];
	int r;

	if (snprintf(p, sizeof(p), "%s/%s", c->root, sub) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	r = fn(c, p);
	if (r != -ENOENT)
		return r;
	if (mkdir(p, 0755) == 0)
		return fn(c, p);
	if (errno == EEXIST)
		return r;
	return optional && (errno == EACCES || errno == EROFS) ? 0
							       : neg_errno();
}

/*
 * Before pivot_root: a user namespace may mount proc only while the host's
 * /proc is still visible, and /dev binds host nodes. Without a new PID
 * namespace a user namespace may not mount a proc of the launcher's: the
 * launcher's /proc is bound instead (as runtimes do), with its submounts.
 */
static int proc_at(struct child *c, const char *p)
{
	const struct container_weak *w = &c->s->weak;

	if (!(c->s->ns & NS_BIT(NS_PID)) || w->host_proc)
		return bind("/proc", p, MS_REC);
	if (w->proc_plain)
		return mount("proc", p, "proc", 0, NULL) < 0 ? neg_errno() : 0;
	return rootfs_mount_proc(p);
}

int step_proc(struct child *c)
{
	return c->root[0] ? at_root(c, "proc", proc_at, false) : 0;
}

static const char *const dev_nodes[] = { "null",   "zero",    "full",
					 "random", "urandom", "tty" };
static const struct {
	const char *name, *target;
} dev_links[] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

/*
 * A host node bound onto an empty file of the same name: 1. the file, by
 * mknod (a regular one needs no capability), 2. the bind. A node the host
 * lacks fails the bind with ENOENT and leaves no file of ours behind. Two
 * system calls a node (it was five: two stats, open, close, mount).
 */
static int bind_node(const char *dev, const char *name)
{
	char node[PATH_MAX + 64], host[64];
	bool made = true;

	snprintf(node, sizeof(node), "%s/%s", dev, name);
	snprintf(host, sizeof(host), "/dev/%s", name);
	if (mknod(node, S_IFREG | 0644, 0) < 0) {
		if (errno != EEXIST)
			return neg_errno();
		made = false;
	}
	if (mount(host, node, NULL, MS_BIND, NULL) == 0)
		return 0;
	if (errno != ENOENT)
		return neg_errno();
	if (made)
		unlink(node);
	return 0;
}

static int dev_mount(const char *dev, const char *sub, const char *fs,
		     unsigned long flags, const char *opts)
{
	char p[PATH_MAX + 16];

	snprintf(p, sizeof(p), "%s/%s", dev, sub);
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	return mount(fs, p, fs, flags, opts) < 0 ? neg_errno() : 0;
}

/* The OCI /dev: nodes, links, devpts and its ptmx, shm, mqueue. */
static int oci_dev(struct child *c, const char *dev)
{
	const struct container_weak *w = &c->s->weak;
	const unsigned long safe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char link[PATH_MAX + 16];
	int r = 0;

	if (w->host_dev)
		return bind("/dev", dev, MS_REC);
	if (!w->no_dev_tmpfs &&
	    mount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME,
		  "mode=755,size=64k") < 0)
		return neg_errno();
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dev_nodes); i++)
		if (!w->dev_omit || strcmp(w->dev_omit, dev_nodes[i]))
			r = bind_node(dev, dev_nodes[i]);
	for (size_t i = 0;
	     r == 0 && !w->no_dev_symlinks && i < ARRAY_SIZE(dev_links); i++) {
		snprintf(link, sizeof(link), "%s/%s", dev, dev_links[i].name);
		if (symlink(dev_links[i].target, link) < 0 && errno != EEXIST)
			r = neg_errno();
	}
	if (r == 0 && !w->no_devpts) {
		r = dev_mount(dev, "pts", "devpts", MS_NOSUID | MS_NOEXEC,
			      "newinstance,ptmxmode=0666,mode=0620");
		snprintf(link, sizeof(link), "%s/ptmx", dev);
		if (r == 0 && symlink("pts/ptmx", link) < 0 && errno != EEXIST)
			r = neg_errno();
	}
	if (r == 0 && !w->no_shm)
		r = dev_mount(dev, "shm", "tmpfs", safe,
			      "mode=1777,size=65536k");
	if (r == 0 && !w->no_mqueue && (c->s->ns & NS_BIT(NS_IPC)))
		r = dev_mount(dev, "mqueue", "mqueue", safe, NULL);
	if (r == 0 && w->host_console)
		r = bind_node(dev, "console");
	return r;
}

static int dev_at(struct child *c, const char *p)
{
	return c->s->oci_dev ? oci_dev(c, p) : rootfs_mount_dev(p);
}

int step_dev(struct child *c)
{
	return c->root[0] ? at_root(c, "dev", dev_at, false) : 0;
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
 * Our own cgroup, read-only (or, weaker, read-write), where runtimes show
 * it: /sys/fs/cgroup itself on a unified host, else a tmpfs there with one
 * dir per hierarchy.
 */
static int mount_cgroups(const struct cg_group *g, const char *cgdir, bool rw)
{
	const struct cg_layout *l = g->layout;
	char dst[PATH_MAX + 64], name[128];
	int r;

	if (l->mode == CG_MODE_UNIFIED && cg_group_unified(g)) {
		r = bind(cg_group_unified(g), cgdir, 0);
		return r || rw ? r : rootfs_remount_ro(cgdir);
	}
	r = rootfs_mount_tmpfs(cgdir, "mode=0755");
	for (int i = 0; r == 0 && i < CG_MAX_HIER; i++) {
		if (!(g->hiers & (1u << i)))
			continue;
		hier_name(l, i, name, sizeof(name));
		snprintf(dst, sizeof(dst), "%s/%s", cgdir, name);
		if (mkdir(dst, 0755) < 0)
			return neg_errno();
		r = bind(g->dir[i], dst, 0);
	}
	return r || rw ? r : cgroups_ro(g, cgdir);
}

static int mount_sys(const char *sys, const struct cg_group *cg,
		     const struct container_weak *w)
{
	char cgdir[PATH_MAX + 16];
	unsigned long ro = w && w->sys_rw ? 0 : MS_RDONLY;

	if (mount("sysfs", sys, "sysfs", ro | MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		return neg_errno();
	snprintf(cgdir, sizeof(cgdir), "%s/fs/cgroup", sys);
	return cg && path_exists(cgdir)
		       ? mount_cgroups(cg, cgdir, w && w->cgroup_rw)
		       : 0;
}

/* See container.h: sysfs, then our cgroup below it. */
int container_mount_sys(const char *sys, const struct cg_group *cg)
{
	return mount_sys(sys, cg, NULL);
}

/* Weaker: every v1 hierarchy's root, read-write, below /run/hostcg. */
static int host_cgroups(struct child *c)
{
	const struct cg_layout *l = c->s->cg ? c->s->cg->layout : NULL;
	char p[PATH_MAX + 32];
	int r = in_root(c, "run/hostcg", p, sizeof(p));

	for (int i = 0; r == 0 && l && i < l->n; i++) {
		if (l->hier[i].version != 1)
			continue;
		snprintf(p, sizeof(p), "%s/run/hostcg/%d", c->root, i);
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return neg_errno();
		r = bind(l->hier[i].mount, p, 0);
	}
	return r;
}

static int sys_at(struct child *c, const char *p)
{
	return mount_sys(p, c->s->cg, &c->s->weak);
}

int step_sys(struct child *c)
{
	int r;

	if (c->root[0] && c->s->weak.host_cgroups && (r = host_cgroups(c)) < 0)
		return r;
	if (!c->root[0] || !(c->s->ns & NS_BIT(NS_NET)))
		return 0;
	/* optional: a root without sys/ we may not add */
	return at_root(c, "sys", sys_at, true);
}

/* A host directory bound at the same path inside (the root's copy). */
int step_bind_in(struct child *c)
{
	char p[PATH_MAX * 2];
	int r;

	if (!c->s->bind_in || !c->root[0])
		return 0;
	snprintf(p, sizeof(p), "%s%s", c->root, c->s->bind_in);
	r = mkdir_p(p, 0755);
	return r ?: bind(c->s->bind_in, p, MS_REC);
}

/*
 * The new root, a mount point (an overlay is one; a directory is bound onto
 * itself), becomes "/": pivot_root(".", ".") puts the old root on top of
 * it, and the old root is detached. With no_pivot: chroot, and the old
 * root stays reachable.
 */
int step_pivot(struct child *c)
{
	int r;

	if (!c->root[0])
		return 0;
	r = rootfs_private_mntns();
	if (r < 0)
		return r;
	if ((!c->s->n_lowers &&
	     mount(c->root, c->root, NULL, MS_BIND | MS_REC, NULL) < 0) ||
	    chdir(c->root) < 0)
		return neg_errno();
	if (c->s->weak.no_pivot)
		return chroot(".") < 0 || chdir("/") < 0 ? neg_errno() : 0;
	r = sys_pivot_root(".", ".");
	if (r < 0)
		return r;
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		return neg_errno();
	return 0;
}

/* The weaker masks: an empty regular file, a writable tmpfs. */
static int mask_weak(const struct container_weak *w, const char *path)
{
	const char *empty = path_exists("/dev/shm") ? "/dev/shm/.boxcheck-empty"
						    : "/dev/.boxcheck-empty";
	int kind = rootfs_mask_kind(path), r;

	if (kind <= MASK_ABSENT)
		return kind;
	if (kind == MASK_FILE && w->mask_weak_files) {
		r = write_text_creat(empty, "");
		return r ?: bind(empty, path, 0);
	}
	if (kind == MASK_DIR && w->mask_rw_dirs)
		return mount("tmpfs", path, "tmpfs",
			     MS_NOSUID | MS_NODEV | MS_NOEXEC,
			     "mode=000,size=4k") < 0
			       ? neg_errno()
			       : 0;
	return rootfs_mask(path);
}

int step_mask(struct child *c)
{
	const struct container_weak *w = &c->s->weak;

	for (const char *const *m = c->s->masked; m && *m; m++) {
		int r = w->mask_weak_files || w->mask_rw_dirs ? mask_weak(w, *m)
							      : rootfs_mask(*m);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Each path present bound onto itself, then made read-only. */
int step_ro_paths(struct child *c)
{
	for (const char *const *p = c->s->ro_paths; p && *p; p++) {
		struct stat st;
		int r;
		if (lstat(*p, &st) < 0 || S_ISLNK(st.st_mode))
			continue;
		r = bind(*p, *p, MS_REC);
		r = r ?: rootfs_remount_ro(*p);
		if (r < 0)
			return r;
	}
	return 0;
}

int step_readonly(struct child *c)
{
	return c->s->readonly_root ? rootfs_remount_ro("/") : 0;
}
