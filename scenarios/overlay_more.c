// SPDX-License-Identifier: MIT
/* Helpers of the wave-3 overlay scenarios (no scenarios here). */
#include "overlay_more.h"

#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>

int ovl_fs_at(const char *path, const char *type)
{
	if (mkdir(path, 0755) < 0 && errno != EEXIST)
		return neg_errno();
	return ovl_sys(mount("boxcheck", path, type, 0, NULL));
}

int ovl_mount_opts(const char *opts, const char *target)
{
	return ovl_sys(mount("overlay", target, "overlay", 0, opts));
}

int ovl_mount_try(const char *opts, const char *target, int *err)
{
	*err = mount("overlay", target, "overlay", 0, opts) < 0 ? errno : 0;
	if (mutant_on(M_OVL_MOUNT_REFUSED))
		*err = EINVAL;
	return 0;
}

int ovl_mkdirs(const char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (mkdir(dirs[i], 0755) < 0)
			return neg_errno();
	return 0;
}

int ovl_need_opts(struct ctx *c, const char *opts, const char *since)
{
	static int n;
	char d[4][64], o[512];
	int r;

	for (int i = 0; i < 4; i++) {
		snprintf(d[i], sizeof(d[i]), "probe-%d.%c", n, "luwm"[i]);
		TRY(c, ovl_sys(mkdir(d[i], 0755)), "mkdir the probe's dirs");
	}
	n++;
	snprintf(o, sizeof(o), "lowerdir=%s,upperdir=%s,workdir=%s,%s", d[0],
		 d[1], d[2], opts);
	r = ovl_mount_opts(o, d[3]);
	if (r == -EINVAL)
		return ctx_skip(c, "overlay refuses %s (mount: EINVAL; %s)",
				opts, since);
	TRY(c, r, "probe mount");
	TRY(c, ovl_sys(umount2(d[3], MNT_DETACH)), "unmount the probe");
	return 0;
}

/* The xino= word of superblock options, or "no xino option". */
static void xino_word(const char *super, char *buf, size_t len)
{
	const char *x = strstr(super, "xino=");

	if (!x)
		snprintf(buf, len, "no xino option");
	else
		snprintf(buf, len, "%.*s", (int)strcspn(x, ","), x);
}

int ovl_need_xino(struct ctx *c)
{
	static const char *const dirs[] = { "xprobe/l/lower", "xprobe/u/upper",
					    "xprobe/u/work", "xprobe/m" };
	char real[PATH_MAX], word[32];
	struct mnt_entry e;

	TRY(c,
	    ovl_sys(mkdir("xprobe", 0755)) ?: ovl_fs_at("xprobe/l", "tmpfs")
		    ?: ovl_fs_at("xprobe/u", "tmpfs")
		    ?: ovl_mkdirs(dirs, ARRAY_SIZE(dirs)),
	    "make the xino probe's layers on two tmpfs");
	TRY(c,
	    ovl_mount_opts("lowerdir=xprobe/l/lower,upperdir=xprobe/u/upper,"
			   "workdir=xprobe/u/work,xino=on",
			   "xprobe/m"),
	    "mount the xino probe");
	TRY(c, realpath("xprobe/m", real) ? 0 : neg_errno(),
	    "resolve the xino probe");
	TRY(c, mountinfo_find(real, &e), "find the xino probe in mountinfo");
	TRY(c, ovl_sys(umount2("xprobe/m", MNT_DETACH)),
	    "unmount the xino probe");
	xino_word(e.super, word, sizeof(word));
	ctx_kv(c, "xino probe", "xino=on read back as %s", word);
	if (!opts_have(e.super, "xino=on"))
		return ctx_skip(c,
				"overlay has no xino here: a mount over two "
				"filesystems with xino=on reads back %s "
				"(xino needs a 64-bit kernel)",
				word);
	return 0;
}

const char *ovl_err(int e)
{
	return e ? strerrorname_np(e) ?: "?" : "ok";
}

/* ---- directories -------------------------------------------------------- */

int ovl_dino_mismatch(const char *dir, int *mismatched, int *entries,
		      char *which, size_t len)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	char p[PATH_MAX];
	size_t at = 0;

	*mismatched = *entries = 0;
	which[0] = '\0';
	if (!d)
		return neg_errno();
	while ((errno = 0, e = readdir(d))) {
		struct ovl_id id;
		int r;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if ((r = ovl_stat_id(p, &id)) < 0)
			return r;
		(*entries)++;
		if (id.ino == e->d_ino)
			continue;
		(*mismatched)++;
		if (at < len)
			at += snprintf(which + at, len - at, "%s%s(%llx/%llx)",
				       at ? " " : "", e->d_name,
				       (unsigned long long)e->d_ino,
				       (unsigned long long)id.ino);
	}
	return errno ? neg_errno() : 0;
}

int ovl_dir_lists(int fd, off_t pos, const char *name, bool *listed)
{
	char buf[4096];
	long n;

	*listed = false;
	if (mutant_on(M_OVL_DIR_LIVE) && pos) {
		/* A fresh descriptor, as a filesystem with no cache reads. */
		_cleanup_close_ int again =
			openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		return again < 0 ? neg_errno()
				 : ovl_dir_lists(again, 0, name, listed);
	}
	if (lseek(fd, pos, SEEK_SET) < 0)
		return neg_errno();
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long at = 0; at < n;) {
			struct dirent64 *e = (struct dirent64 *)(buf + at);

			if (strcmp(e->d_name, name) == 0)
				*listed = true;
			at += e->d_reclen;
		}
	}
	return n < 0 ? neg_errno() : 0;
}

/* ---- file handles ------------------------------------------------------- */

int ovl_handle_of(const char *path, struct ovl_handle *h)
{
	int id;

	h->fh.handle_bytes = MAX_HANDLE_SZ;
	h->fh.handle_type = 0;
	if (name_to_handle_at(AT_FDCWD, path, &h->fh, &id, 0) < 0)
		/* A refused encode reads encoded (the handle left empty). */
		return mutant_on(M_OVL_HANDLE_OPENS) ? 0 : errno;
	return 0;
}

int ovl_handle_read(const char *mnt_dir, struct ovl_handle *h, const char *path,
		    struct content *c)
{
	_cleanup_close_ int mfd = -1, fd = -1;
	char buf[sizeof(c->text)];
	ssize_t n;

	*c = (struct content){ 0 };
	if (mutant_on(M_OVL_HANDLE_OPENS))
		return read_content(path, c) < 0 ? EIO : 0;
	mfd = open(mnt_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return errno;
	fd = open_by_handle_at(mfd, &h->fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return errno;
	buf[n] = '\0';
	c->present = true;
	snprintf(c->text, sizeof(c->text), "%s", chomp(buf));
	return 0;
}

/* ---- access --------------------------------------------------------------- */

struct open_as {
	uid_t uid;
	const char *dir, *name;
	int flags;
};

static int open_as_child(void *arg, void *out, size_t len)
{
	const struct open_as *a = arg;
	int fd;

	(void)len;
	if (chdir(a->dir) < 0)
		return child_fail("enter the dir", neg_errno());
	if (setgroups(0, NULL) < 0 || setresgid(a->uid, a->uid, a->uid) < 0 ||
	    setresuid(a->uid, a->uid, a->uid) < 0)
		return child_fail("become the uid", neg_errno());
	fd = open(a->name, a->flags | O_CLOEXEC);
	*(int *)out = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	return 0;
}

int ovl_open_as(uid_t uid, const char *dir, const char *name, int flags,
		int *err)
{
	struct open_as a = { uid, dir, name, flags };
	struct child_res res;
	int r = child_run(0, open_as_child, &a, err, sizeof(*err), &res);

	if (r == 0 && mutant_on(M_OVL_ACCESS))
		*err = 0;
	return r;
}

int ovl_open_err(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);
	int e = fd < 0 ? errno : 0;

	if (fd >= 0)
		close(fd);
	return mutant_on(M_OVL_ACCESS) ? 0 : e;
}
