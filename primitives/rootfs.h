/* SPDX-License-Identifier: MIT */
/*
 * rootfs.h - build a minimal root filesystem and confine a process to it.
 *
 * Builder: a directory that holds what a user would copy by hand: a skeleton
 * of directories, programs with every shared library they need (real files,
 * never symlinks into the host), or busybox and its applet links.
 *
 * Confinement: chroot, the careful pivot_root sequence, /proc, a minimal /dev,
 * tmpfs, a read-only root and masked paths. Every mount helper refuses to run
 * in the initial mount namespace (-EPERM): they are meant for a private mount
 * namespace only, and never change the host's mount table.
 */
#ifndef BOXCHECK_ROOTFS_H
#define BOXCHECK_ROOTFS_H

#include "base.h"
#include "elf.h"

/* ---- builder ------------------------------------------------------- */

/*
 * bin dev etc proc sys tmp root run usr/bin usr/lib var/tmp, with
 * etc/passwd and etc/group.
 */
int rootfs_make_skeleton(const char *dir);
/* etc/os-release, which systemd-nspawn and podman look for. */
int rootfs_write_os_release(const char *dir, const char *id, const char *name);
/* Copy path (inside root, NULL: "/") to dir/path as a real file. */
int rootfs_copy_file(const char *dir, const char *root, const char *path);
/* Copy a program and its interpreter and libraries into dir. */
int rootfs_add_program(const char *dir, const char *path);
/*
 * The same from a sysroot (NULL: "/"). When d is given it is left holding
 * what was copied, or the missing library (caller frees it).
 */
int rootfs_add_program_at(const char *dir, const char *root, const char *path,
			  struct elf_deps *d);
/* Host busybox (/bin/busybox or /usr/bin/busybox) and its applet links. */
int rootfs_add_busybox(const char *dir);
/* Where busybox is on this host, or NULL. */
const char *rootfs_busybox_path(void);

/* ---- mounts -------------------------------------------------------- */

/* 0 in a mount namespace other than init's, -EPERM in init's own. */
int rootfs_private_mntns(void);
/*
 * The answer above is kept in a static. A child that shares our memory
 * (clone_vm.h) and enters a namespace of its own writes its answer there:
 * save ours before it starts, give it back once it left.
 */
int rootfs_guard_save(void);
void rootfs_guard_restore(int saved);

struct mnt_entry {
	int id, parent;
	char root[PATH_MAX];
	char point[PATH_MAX];
	char opts[256]; /* per-mount options: "rw,relatime" */
	char tags[256]; /* optional fields: "shared:3 master:1" */
	char fstype[64];
	char source[PATH_MAX];
	char super[1024]; /* superblock options */
};
/* The topmost mount at the absolute path point: 0, or -ENOENT. */
int mountinfo_find(const char *point, struct mnt_entry *e);
/* fn for each mount in order until it returns non-zero: that, 0, -errno. */
int mountinfo_each(int (*fn)(const struct mnt_entry *e, void *arg), void *arg);
/* Number of lines of /proc/self/mountinfo. */
int mountinfo_count(void);
/* true when path (absolute or relative) is the root of a mount. */
bool rootfs_is_mountpoint(const char *path);
/* true when the comma separated list opts has the word opt. */
bool opts_have(const char *opts, const char *opt);

int rootfs_chroot(const char *dir);
/*
 * The classic chroot escape, for checks only: mkdir subdir (if missing) and
 * chroot into it while cwd stays outside, climb with chdir(".."), and make
 * the top the root. 0 when every step worked; the caller then looks around.
 */
int rootfs_chroot_escape(const char *subdir);

/* ---- where am I (observation helpers) ------------------------------ */

/* Open path and read a byte of it: 0 when reached, else -errno. */
int rootfs_reach(const char *path);
/* The same, path relative to the directory fd dfd (or AT_FDCWD). */
int rootfs_reach_at(int dfd, const char *path);

/* A file's identity: its device and inode. */
struct file_id {
	dev_t dev;
	ino_t ino;
};
int file_id_of(const char *path, struct file_id *id);

struct whereami {
	bool root_is;	/* "/" is the directory asked about */
	bool cwd_is;	/* so is "." */
	bool cwd_slash; /* getcwd() says "/" */
};
/* Is the caller's root (and cwd) the directory dir? 0 or -errno. */
int rootfs_whereami(const struct file_id *dir, struct whereami *w);

/* The careful pivot_root sequence (see rootfs.c). Leaves cwd at "/". */
int rootfs_pivot(const char *dir);
/* pivot_root(2), which libc does not wrap. */
int sys_pivot_root(const char *new_root, const char *put_old);

int rootfs_mount_proc(const char *path);
/* A tmpfs with null zero full random urandom tty bound from the host. */
int rootfs_mount_dev(const char *path);
int rootfs_mount_tmpfs(const char *path, const char *opts);
/* Make the mount at path read-only, keeping its other flags. */
int rootfs_remount_ro(const char *path);
/*
 * The mount at path and every mount below it read-only, in one
 * mount_setattr(AT_RECURSIVE) call; -ENOSYS where the kernel has none.
 */
int rootfs_remount_ro_tree(const char *path);

enum mask_kind { MASK_ABSENT, MASK_FILE, MASK_DIR };
/* What masking path takes; -ELOOP for a symlink, which is never followed. */
int rootfs_mask_kind(const char *path);
/*
 * Mask path: /dev/null bound over a file, an empty read-only tmpfs over a
 * directory. 0 when path is absent (nothing to hide), -ELOOP for a symlink.
 */
int rootfs_mask(const char *path);

/*
 * dir's entries but the dot ones, sorted as `ls` sorts them in the C
 * locale, space separated into buf: 0, -errno, -ENAMETOOLONG.
 */
int rootfs_listing(const char *dir, char *buf, size_t len);

#endif
