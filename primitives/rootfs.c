// SPDX-License-Identifier: MIT
/* Minimal rootfs builder and confinement steps; see rootfs.h. */
#include "rootfs.h"
#include "mutant.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>

/* ---- builder ------------------------------------------------------- */

static const struct {
	const char *path;
	mode_t mode;
} skeleton_dirs[] = {
	{ "bin", 0755 },      { "dev", 0755 },	   { "etc", 0755 },
	{ "proc", 0555 },     { "sys", 0555 },	   { "tmp", 01777 },
	{ "root", 0700 },     { "run", 0755 },	   { "usr", 0755 },
	{ "usr/bin", 0755 },  { "usr/lib", 0755 }, { "var", 0755 },
	{ "var/tmp", 01777 },
};

static const struct {
	const char *path, *text;
} skeleton_files[] = {
	{ "etc/passwd", "root:x:0:0:root:/root:/bin/sh\n" },
	{ "etc/group", "root:x:0:\n" },
};

int rootfs_make_skeleton(const char *dir)
{
	char path[PATH_MAX];
	int r = mkdir_p(dir, 0755);

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(skeleton_dirs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir,
			 skeleton_dirs[i].path);
		if (mkdir(path, skeleton_dirs[i].mode) < 0 && errno != EEXIST)
			return neg_errno();
		/* mkdir's mode is masked by the umask; the skeleton's is not. */
		if (chmod(path, skeleton_dirs[i].mode) < 0)
			return neg_errno();
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(skeleton_files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir,
			 skeleton_files[i].path);
		r = write_text_creat(path, skeleton_files[i].text);
	}
	return r;
}

int rootfs_write_os_release(const char *dir, const char *id, const char *name)
{
	char path[PATH_MAX], text[256];

	snprintf(path, sizeof(path), "%s/etc/os-release", dir);
	snprintf(text, sizeof(text), "ID=%s\nNAME=\"%s\"\n", id, name);
	return write_text_creat(path, text);
}

/* Refuse "..": a copied path must stay under the rootfs dir. */
static bool path_is_safe(const char *path)
{
	for (const char *p = path; (p = strstr(p, "..")); p += 2)
		if ((p == path || p[-1] == '/') &&
		    (p[2] == '\0' || p[2] == '/'))
			return false;
	return path[0] == '/';
}

int rootfs_copy_file(const char *dir, const char *root, const char *path)
{
	_cleanup_close_ int rootfd = -1, in = -1, out = -1;
	char dst[PATH_MAX], parent[PATH_MAX];
	struct stat st;
	int r;

	if (!path_is_safe(path) ||
	    snprintf(dst, sizeof(dst), "%s%s", dir, path) >= (int)sizeof(dst))
		return -EINVAL;
	rootfd = open(root ?: "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0)
		return neg_errno();
	/* Symlinks are followed inside the root: the copy is the real file. */
	in = open_in_root(rootfd, path, O_RDONLY);
	if (in < 0)
		return in;
	if (fstat(in, &st) < 0)
		return neg_errno();
	if (!S_ISREG(st.st_mode))
		return -EINVAL;
	snprintf(parent, sizeof(parent), "%s", dst);
	*strrchr(parent, '/') = '\0';
	r = mkdir_p(parent, 0755);
	if (r < 0)
		return r;
	if (unlink(dst) < 0 && errno != ENOENT) /* an applet link, say */
		return neg_errno();
	out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		   0600);
	if (out < 0)
		return neg_errno();
	r = fd_copy(in, out);
	if (r == 0 && fchmod(out, st.st_mode & 0777) < 0)
		r = neg_errno();
	return r;
}

int rootfs_add_program_at(const char *dir, const char *root, const char *path,
			  struct elf_deps *d)
{
	struct elf_deps mine;
	int r;

	if (!d)
		d = &mine;
	r = elf_deps_collect(root, path, d);
	for (size_t i = 0; r == 0 && i < d->n; i++)
		r = rootfs_copy_file(dir, root, d->paths[i]);
	if (d == &mine)
		elf_deps_free(d);
	return r;
}

int rootfs_add_program(const char *dir, const char *path)
{
	return rootfs_add_program_at(dir, NULL, path, NULL);
}

const char *rootfs_busybox_path(void)
{
	static const char *const where[] = { "/bin/busybox",
					     "/usr/bin/busybox" };

	for (size_t i = 0; i < ARRAY_SIZE(where); i++)
		if (access(where[i], X_OK) == 0)
			return where[i];
	return NULL;
}

/* Run `busybox --list-full` and read its output ("bin/ls" lines). */
static int busybox_applets(const char *bb, char *buf, size_t len)
{
	_cleanup_chan_ struct chan out = CHAN_INIT;
	ssize_t n;
	pid_t pid;
	int st, r = chan_open(&out);

	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0) {
		if (dup2(out.wr, STDOUT_FILENO) < 0)
			_exit(127);
		execl(bb, "busybox", "--list-full", (char *)NULL);
		_exit(127);
	}
	closep(&out.wr);
	out.wr = -1;
	n = fd_read_all(out.rd, buf, len - 1);
	r = wait_status(pid, &st);
	if (n < 0)
		return n;
	buf[n] = '\0';
	if (r < 0)
		return r;
	return exit_code_of(st) == 0 && (size_t)n < len - 1 ? 0 : -EIO;
}

int rootfs_add_busybox(const char *dir)
{
	const char *bb = rootfs_busybox_path();
	_cleanup_free_ char *list = malloc(1 << 16);
	char inside[PATH_MAX], link[PATH_MAX], *line, *save = NULL;
	int r;

	if (!bb)
		return -ENOENT;
	if (!list)
		return -ENOMEM;
	/* Applet links point at busybox where the host has it. */
	r = rootfs_add_program(dir, bb);
	snprintf(inside, sizeof(inside), "%s%s", dir, bb);
	if (r == 0)
		r = busybox_applets(inside, list, 1 << 16);
	for (line = strtok_r(list, "\n", &save); r == 0 && line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (snprintf(link, sizeof(link), "%s/%s", dir, line) >=
			    (int)sizeof(link) ||
		    strstr(line, "..") || path_exists(link))
			continue;
		*strrchr(link, '/') = '\0';
		r = mkdir_p(link, 0755);
		link[strlen(link)] = '/';
		if (r == 0 && symlink(bb, link) < 0)
			r = neg_errno();
	}
	return r;
}

/* ---- mountinfo ----------------------------------------------------- */

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] &&
		    p[3]) {
			*w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 +
				      (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

static int parse_line(char *line, struct mnt_entry *e)
{
	char *f[12], *save = NULL, *tok;
	int n = 0;
	bool dash = false;

	memset(e, 0, sizeof(*e));
	for (tok = strtok_r(line, " \n", &save); tok && n < 12;
	     tok = strtok_r(NULL, " \n", &save)) {
		size_t at = strlen(e->tags);
		if (!dash && n >= 6 && strcmp(tok, "-") == 0) {
			dash = true;
			n = 6; /* the optional fields are in tags */
			continue;
		}
		if (dash || n < 6)
			f[n++] = tok;
		else
			snprintf(e->tags + at, sizeof(e->tags) - at, "%s%s",
				 at ? " " : "", tok);
	}
	if (!dash || n < 9)
		return -EINVAL;
	e->id = atoi(f[0]);
	e->parent = atoi(f[1]);
	snprintf(e->root, sizeof(e->root), "%s", f[3]);
	snprintf(e->point, sizeof(e->point), "%s", f[4]);
	snprintf(e->opts, sizeof(e->opts), "%s", f[5]);
	snprintf(e->fstype, sizeof(e->fstype), "%s", f[6]);
	snprintf(e->source, sizeof(e->source), "%s", f[7]);
	snprintf(e->super, sizeof(e->super), "%s", f[8]);
	unescape(e->root);
	unescape(e->point);
	unescape(e->source);
	return 0;
}

int mountinfo_each(int (*fn)(const struct mnt_entry *e, void *arg), void *arg)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	_cleanup_free_ struct mnt_entry *e = malloc(sizeof(*e));
	char line[8192];
	int r = 0;

	if (!f || !e)
		return f ? -ENOMEM : neg_errno();
	while (r == 0 && fgets(line, sizeof(line), f))
		if (parse_line(line, e) == 0)
			r = fn(e, arg);
	return r;
}

int mountinfo_find(const char *point, struct mnt_entry *e)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	struct mnt_entry cur;
	int r = -ENOENT;

	if (!f)
		return neg_errno();
	while (fgets(line, sizeof(line), f))
		if (parse_line(line, &cur) == 0 &&
		    strcmp(cur.point, point) == 0) {
			*e = cur; /* later lines are mounted on top */
			r = 0;
		}
	return r;
}

int mountinfo_count(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	int n = 0, ch;

	if (!f)
		return neg_errno();
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	return n;
}

bool rootfs_is_mountpoint(const char *path)
{
	struct statx sx;
	char real[PATH_MAX];
	struct mnt_entry e;

	if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS,
		  &sx) == 0 &&
	    (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
		return sx.stx_attributes & STATX_ATTR_MOUNT_ROOT;
	return realpath(path, real) && mountinfo_find(real, &e) == 0;
}

bool opts_have(const char *opts, const char *opt)
{
	size_t n = strlen(opt);

	for (const char *p = opts; p && *p;
	     p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, opt, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

/* ---- confinement --------------------------------------------------- */

/* The initial mount namespace's fixed inode (Linux 6.x: PROC_MNT_INIT_INO). */
#define MNT_INIT_INO 0xEFFFFFF8u

/*
 * A best-effort guard: init's mount namespace is known by /proc/1/ns/mnt when
 * readable (pid 1 may belong to someone else), else by its fixed inode. The
 * answer is kept: after pivot_root there may be no /proc to ask, and a
 * process does not get back into init's mount namespace by itself.
 */
static int verdict = -EPERM; /* rootfs_private_mntns's answer, kept */

int rootfs_guard_save(void)
{
	return verdict;
}

void rootfs_guard_restore(int saved)
{
	verdict = saved;
}

#ifndef PIDFD_GET_MNT_NAMESPACE
#define PIDFD_GET_MNT_NAMESPACE _IO(0xFF, 3)
#endif

/*
 * Our mount namespace's nsfs inode through a pidfd of our own (Linux
 * 6.11): a stat of /proc/self/ns/mnt leaves two proc inodes and dentries
 * cached for as long as we live, 1.7 KB of every idle container's memory.
 * The stat where the kernel lacks the ioctl.
 */
static int self_mntns(struct stat *st)
{
	int pfd = (int)syscall(SYS_pidfd_open, getpid(), 0), nfd;

	nfd = pfd < 0 ? -1 : ioctl(pfd, PIDFD_GET_MNT_NAMESPACE, 0);
	if (pfd >= 0)
		close(pfd);
	if (nfd >= 0) {
		int r = fstat(nfd, st);
		close(nfd);
		if (r == 0)
			return 0;
	}
	return stat("/proc/self/ns/mnt", st) < 0 ? neg_errno() : 0;
}

int rootfs_private_mntns(void)
{
	struct stat self, init;

	/*
	 * Once private, private: a process leaves a mount namespace only by
	 * setns or unshare. And later /proc/1 may be the caller's own init
	 * (after pivot_root in a new pid namespace), so it proves nothing.
	 */
	if (verdict == 0)
		return 0;
	if (self_mntns(&self) < 0)
		return verdict;
	if (stat("/proc/1/ns/mnt", &init) == 0)
		verdict =
			self.st_dev == init.st_dev && self.st_ino == init.st_ino
				? -EPERM
				: 0;
	else
		verdict = self.st_ino == MNT_INIT_INO ? -EPERM : 0;
	return verdict;
}

int rootfs_chroot(const char *dir)
{
	if (chroot(dir) < 0 || chdir("/") < 0)
		return neg_errno();
	return 0;
}

int rootfs_chroot_escape(const char *subdir)
{
	/* 1. A directory to chroot into; cwd is left above it. */
	if (mkdir(subdir, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	if (chroot(subdir) < 0)
		return neg_errno();
	/* 2. cwd is outside the root, so ".." is never clamped: climb. */
	for (int i = 0; i < 256; i++)
		if (chdir("..") < 0)
			return neg_errno();
	/* 3. Whatever the top is, it becomes the root. */
	if (chroot(".") < 0)
		return neg_errno();
	return 0;
}

/* ---- where am I (observation helpers) ------------------------------ */

int rootfs_reach(const char *path)
{
	return rootfs_reach_at(AT_FDCWD, path);
}

int rootfs_reach_at(int dfd, const char *path)
{
	_cleanup_close_ int fd = -1;
	char b;

	if (mutant_on(M_PATH_REACH))
		return -ENOENT;
	fd = openat(dfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || read(fd, &b, 1) < 0)
		return neg_errno();
	return 0;
}

int file_id_of(const char *path, struct file_id *id)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return neg_errno();
	*id = (struct file_id){ st.st_dev, st.st_ino };
	return 0;
}

static bool file_id_equal(const struct file_id *a, const struct file_id *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

int rootfs_whereami(const struct file_id *dir, struct whereami *w)
{
	struct file_id root, cwd;
	char at[PATH_MAX];
	int r;

	*w = (struct whereami){ 0 };
	if (mutant_on(M_ROOT_WHERE)) {
		*w = (struct whereami){ true, true, true };
		return 0;
	}
	if ((r = file_id_of("/", &root)) < 0 || (r = file_id_of(".", &cwd)) < 0)
		return r;
	w->root_is = file_id_equal(&root, dir);
	w->cwd_is = file_id_equal(&cwd, dir);
	/* ENOENT: cwd is outside the root, getcwd() has no path for it. */
	if (!getcwd(at, sizeof(at)))
		return errno == ENOENT ? 0 : neg_errno();
	w->cwd_slash = strcmp(at, "/") == 0;
	return 0;
}

int sys_pivot_root(const char *new_root, const char *put_old)
{
	return syscall(SYS_pivot_root, new_root, put_old) < 0 ? neg_errno() : 0;
}

int rootfs_pivot(const char *dir)
{
	int r = rootfs_private_mntns();

	if (r < 0)
		return r;
	/*
	 * 1. Make the whole tree private: pivot_root refuses a shared parent
	 *    mount, and nothing below may propagate to another namespace.
	 */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return neg_errno();
	/* 2. Bind the new root onto itself so it is a mount point. */
	if (mount(dir, dir, NULL, MS_BIND | MS_REC, NULL) < 0)
		return neg_errno();
	/* 3. Stand in it: "." is now the new root's mount. */
	if (chdir(dir) < 0)
		return neg_errno();
	/*
	 * 4. pivot_root(".", "."): the new root becomes "/", and the old root
	 *    is mounted on top of it, at the same place. No put_old directory
	 *    is needed inside the new root.
	 */
	r = sys_pivot_root(".", ".");
	if (r < 0)
		return r;
	/* 5. Lazily detach the old root, the topmost mount on ".". */
	if (umount2(".", MNT_DETACH) < 0)
		return neg_errno();
	/* 6. Leave nothing pointing into the old tree: cwd becomes "/". */
	if (chdir("/") < 0)
		return neg_errno();
	return 0;
}

int rootfs_mount_proc(const char *path)
{
	int r = rootfs_private_mntns();

	if (r == 0 && mount("proc", path, "proc",
			    MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		r = neg_errno();
	return r;
}

int rootfs_mount_tmpfs(const char *path, const char *opts)
{
	int r = rootfs_private_mntns();

	if (r == 0 &&
	    mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, opts) < 0)
		r = neg_errno();
	return r;
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

int rootfs_mount_dev(const char *path)
{
	char node[PATH_MAX], host[64];
	int r = rootfs_private_mntns();

	if (r == 0 && mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NOEXEC,
			    "mode=755,size=64k") < 0)
		r = neg_errno();
	/*
	 * Bind, not mknod of a device: it also works in a user namespace.
	 * The file to bind onto is a regular one, which mknod makes in one
	 * call; a node the host lacks fails the bind with ENOENT, and its
	 * file goes again.
	 */
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dev_nodes); i++) {
		snprintf(node, sizeof(node), "%s/%s", path, dev_nodes[i]);
		snprintf(host, sizeof(host), "/dev/%s", dev_nodes[i]);
		if (mknod(node, S_IFREG | 0644, 0) < 0)
			r = neg_errno();
		else if (mount(host, node, NULL, MS_BIND, NULL) < 0)
			r = errno == ENOENT ? (unlink(node), 0) : neg_errno();
	}
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dev_links); i++) {
		snprintf(node, sizeof(node), "%s/%s", path, dev_links[i].name);
		if (symlink(dev_links[i].target, node) < 0)
			r = neg_errno();
	}
	return r;
}

static const struct {
	unsigned long st, ms;
} keep_flags[] = {
	{ ST_NOSUID, MS_NOSUID },	  { ST_NODEV, MS_NODEV },
	{ ST_NOEXEC, MS_NOEXEC },	  { ST_NOATIME, MS_NOATIME },
	{ ST_NODIRATIME, MS_NODIRATIME }, { ST_RELATIME, MS_RELATIME },
};

int rootfs_remount_ro(const char *path)
{
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
	struct statvfs sv;
	int r = rootfs_private_mntns();

	if (r < 0)
		return r;
	if (statvfs(path, &sv) < 0)
		return neg_errno();
	/* A remount drops the flags it does not name; locked ones EPERM. */
	for (size_t i = 0; i < ARRAY_SIZE(keep_flags); i++)
		if (sv.f_flag & keep_flags[i].st)
			flags |= keep_flags[i].ms;
	if (mount(NULL, path, NULL, flags, NULL) < 0)
		return neg_errno();
	return 0;
}

int rootfs_remount_ro_tree(const char *path)
{
	struct mount_attr a = { .attr_set = MOUNT_ATTR_RDONLY };
	int r = rootfs_private_mntns();

	if (r == 0 &&
	    mount_setattr(AT_FDCWD, path, AT_RECURSIVE, &a, sizeof(a)) < 0)
		r = neg_errno();
	return r;
}

int rootfs_mask_kind(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? MASK_ABSENT : neg_errno();
	if (S_ISLNK(st.st_mode))
		return -ELOOP;
	return S_ISDIR(st.st_mode) ? MASK_DIR : MASK_FILE;
}

int rootfs_mask(const char *path)
{
	_cleanup_close_ int fd = -1;
	char target[PATH_MAX];
	int kind, r = rootfs_private_mntns();

	if (r < 0)
		return r;
	kind = rootfs_mask_kind(path);
	if (kind <= MASK_ABSENT)
		return kind;
	/*
	 * Mount on the object found, not on a path that could be swapped for
	 * a symlink in between: through its O_PATH descriptor in /proc.
	 */
	fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	snprintf(target, sizeof(target), "/proc/self/fd/%d", fd);
	if (!path_exists(target))
		snprintf(target, sizeof(target), "%s", path);
	if (kind == MASK_FILE)
		r = mount("/dev/null", target, NULL, MS_BIND, NULL);
	else
		r = mount("tmpfs", target, "tmpfs",
			  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  "mode=000,size=4k");
	return r < 0 ? neg_errno() : 0;
}

int rootfs_listing(const char *dir, char *buf, size_t len)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t at = 0;

	if (n < 0)
		return neg_errno();
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.' && at < len)
			at += snprintf(buf + at, len - at, "%s%s",
				       at ? " " : "", names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return at < len ? 0 : -ENAMETOOLONG;
}
