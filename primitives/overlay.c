// SPDX-License-Identifier: MIT
#include "overlay.h"
#include "mutant.h"
#include "rootfs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/xattr.h>

static int append(char *buf, size_t len, size_t *at, const char *s)
{
	size_t n = strlen(s);

	if (*at + n + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf + *at, s, n + 1);
	*at += n;
	return 0;
}

/* Paths with ',' or ':' would need escaping; refuse them instead. */
static bool plain(const char *p)
{
	return p && !strpbrk(p, ",:\\");
}

int overlay_options(const struct overlay_spec *s, char *buf, size_t len)
{
	size_t at = 0;
	int r = 0;

	if (s->n_lowers == 0 || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	r = append(buf, len, &at, "lowerdir=");
	for (size_t i = 0; r == 0 && i < s->n_lowers; i++) {
		if (!plain(s->lowers[i]))
			return -EINVAL;
		r = append(buf, len, &at, i ? ":" : "");
		if (r == 0)
			r = append(buf, len, &at, s->lowers[i]);
	}
	if (r == 0 && s->upper) {
		if (!plain(s->upper) || !plain(s->work))
			return -EINVAL;
		r = append(buf, len, &at, ",upperdir=");
		r = r ?: append(buf, len, &at, s->upper);
		r = r ?: append(buf, len, &at, ",workdir=");
		r = r ?: append(buf, len, &at, s->work);
	}
	if (r == 0 && s->extra && *s->extra) {
		r = append(buf, len, &at, ",");
		r = r ?: append(buf, len, &at, s->extra);
	}
	return r;
}

int overlay_mount(const struct overlay_spec *s, const char *target)
{
	char opts[4096];
	int r = overlay_options(s, opts, sizeof(opts));

	if (r < 0)
		return r;
	if (mount("overlay", target, "overlay", 0, opts) < 0)
		return neg_errno();
	return 0;
}

/* One fsconfig() call for "key=value" (a string) or "key" (a flag). */
static int fs_set(int fsfd, const char *opt)
{
	char key[256];
	const char *eq = strchr(opt, '=');
	long r;

	if (snprintf(key, sizeof(key), "%.*s",
		     (int)(eq ? (size_t)(eq - opt) : strlen(opt)),
		     opt) >= (int)sizeof(key))
		return -ENAMETOOLONG;
	if (eq)
		r = syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, key,
			    eq + 1, 0);
	else
		r = syscall(SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG, key, NULL,
			    0);
	return r < 0 ? neg_errno() : 0;
}

/* Each comma separated option of the legacy string, in order. */
static int fs_set_all(int fsfd, char *opts)
{
	char *save = NULL;
	int r = 0;

	for (char *o = strtok_r(opts, ",", &save); r == 0 && o;
	     o = strtok_r(NULL, ",", &save))
		r = fs_set(fsfd, o);
	return r;
}

/* A configured context: create it, fsmount it, attach it on target. */
static int fs_attach(int fsfd, const char *target)
{
	_cleanup_close_ int mfd = -1;

	/* 3. Create the superblock: the layers are checked here. */
	if (syscall(SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return neg_errno();
	/* 4. A detached mount of it, not yet in any tree. */
	mfd = syscall(SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, 0);
	if (mfd < 0)
		return neg_errno();
	/* 5. Attach it on target. */
	if (syscall(SYS_move_mount, mfd, "", AT_FDCWD, target,
		    MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return neg_errno();
	return 0;
}

int overlay_mount_fsopen(const struct overlay_spec *s, const char *target)
{
	_cleanup_close_ int fsfd = -1;
	char opts[4096];
	int r = overlay_options(s, opts, sizeof(opts));

	if (r < 0)
		return r;
	/* 1. A filesystem context for overlay. */
	fsfd = syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	if (fsfd < 0)
		return neg_errno();
	/* 2. Its parameters, one fsconfig() each. */
	r = fs_set_all(fsfd, opts);
	return r < 0 ? r : fs_attach(fsfd, target);
}

int overlay_mount_params(const char *const *params, size_t n,
			 const char *target)
{
	_cleanup_close_ int fsfd =
		syscall(SYS_fsopen, "overlay", FSOPEN_CLOEXEC);
	int r = fsfd < 0 ? neg_errno() : 0;

	for (size_t i = 0; r == 0 && i < n; i++)
		r = fs_set(fsfd, params[i]);
	return r < 0 ? r : fs_attach(fsfd, target);
}

const struct ovl_opt_info ovl_opt_table[OVL_OPT__COUNT] = {
	[OVL_REDIRECT_DIR] = { "redirect_dir",
			       "redirect_dir=on",
			       { "redirect_dir=on" } },
	[OVL_INDEX] = { "index", "index=on", { "index=on" } },
	[OVL_METACOPY] = { "metacopy", "metacopy=on", { "metacopy=on" } },
	/* Accepted but dropped when all layers share one filesystem. */
	[OVL_XINO] = { "xino", "xino=on", { "xino=on" } },
	[OVL_VOLATILE] = { "volatile",
			   "volatile",
			   { "volatile", "fsync=volatile" } },
	[OVL_USERXATTR] = { "userxattr", "userxattr", { "userxattr" } },
	[OVL_NFS_EXPORT] = { "nfs_export",
			     "index=on,nfs_export=on",
			     { "nfs_export=on" } },
};

static bool shown_in(const char *super, const struct ovl_opt_info *oi)
{
	for (size_t i = 0; i < ARRAY_SIZE(oi->shown) && oi->shown[i]; i++)
		if (opts_have(super, oi->shown[i]))
			return true;
	return false;
}

int overlay_probe_one(const char *scratch, enum ovl_opt o, struct ovl_probe *p)
{
	static const char *const sub[] = { "l", "u", "w", "m" };
	char d[4][PATH_MAX], real[PATH_MAX];
	const char *lowers[1] = { d[0] };
	struct overlay_spec s = { lowers, 1, d[1], d[2],
				  ovl_opt_table[o].option };
	struct mnt_entry e;
	int r = rootfs_private_mntns();

	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		snprintf(d[i], sizeof(d[i]), "%s/%s.%s", scratch,
			 ovl_opt_table[o].name, sub[i]);
		if (mkdir(d[i], 0755) < 0)
			return neg_errno();
	}
	r = overlay_mount(&s, d[3]);
	p->err[o] = r;
	if (r < 0)
		return 0;
	p->accepted |= OVL_BIT(o);
	if (realpath(d[3], real) && mountinfo_find(real, &e) == 0 &&
	    strcmp(e.fstype, "overlay") == 0 &&
	    shown_in(e.super, &ovl_opt_table[o]))
		p->effective |= OVL_BIT(o);
	return umount2(d[3], MNT_DETACH) < 0 ? neg_errno() : 0;
}

int overlay_probe_options(const char *scratch, struct ovl_probe *p)
{
	int r = rootfs_private_mntns();

	memset(p, 0, sizeof(*p));
	for (int o = 0; r == 0 && o < OVL_OPT__COUNT; o++)
		r = overlay_probe_one(scratch, o, p);
	return r;
}

void ovl_opts_describe(unsigned mask, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int o = 0; o < OVL_OPT__COUNT && at < len; o++)
		if (mask & OVL_BIT(o))
			at += snprintf(buf + at, len - at, "%s%s",
				       at ? " " : "", ovl_opt_table[o].name);
	if (!at)
		snprintf(buf, len, "none");
}

/* ---- inspecting layers --------------------------------------------- */

/* FNV-1a, 64 bits: enough to tell a tree changed, not a security hash. */
static void fnv(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		*h = (*h ^ b[i]) * 0x100000001b3ull;
}

static int digest_file(int dirfd, const char *name, uint64_t *h)
{
	_cleanup_close_ int fd =
		openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return neg_errno();
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fnv(h, buf, (size_t)n);
	return n < 0 ? neg_errno() : 0;
}

static int digest_dir(int dirfd, const char *name, uint64_t *h, int depth);

/* An entry's xattrs, names and values, in the order listxattr gives. */
static int digest_xattrs(int dirfd, const char *name, uint64_t *h)
{
	char path[PATH_MAX], names[1024], v[256];
	ssize_t n, m;

	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dirfd, name);
	n = llistxattr(path, names, sizeof(names));
	if (n < 0)
		return errno == ENOTSUP ? 0 : neg_errno();
	for (char *x = names; x < names + n; x += strlen(x) + 1) {
		m = lgetxattr(path, x, v, sizeof(v));
		if (m < 0)
			return neg_errno();
		fnv(h, x, strlen(x) + 1);
		fnv(h, v, (size_t)m);
	}
	return 0;
}

/*
 * One entry: its name, type, mode, owner, a non-directory's mtime (a
 * directory's moves with every entry made in it) and xattrs, then what its
 * type holds.
 */
static int digest_entry(int dirfd, const char *name, uint64_t *h, int depth)
{
	struct stat st;
	char link[PATH_MAX];
	ssize_t n;
	int r;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return neg_errno();
	fnv(h, name, strlen(name) + 1);
	fnv(h, &st.st_mode, sizeof(st.st_mode));
	fnv(h, &st.st_uid, sizeof(st.st_uid));
	fnv(h, &st.st_gid, sizeof(st.st_gid));
	if (!S_ISDIR(st.st_mode))
		fnv(h, &st.st_mtim.tv_sec, sizeof(st.st_mtim.tv_sec));
	if ((r = digest_xattrs(dirfd, name, h)) < 0)
		return r;
	if (S_ISREG(st.st_mode))
		return digest_file(dirfd, name, h);
	if (S_ISDIR(st.st_mode))
		return digest_dir(dirfd, name, h, depth + 1);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
		fnv(h, &st.st_rdev, sizeof(st.st_rdev));
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dirfd, name, link, sizeof(link));
		if (n < 0)
			return neg_errno();
		fnv(h, link, (size_t)n);
	}
	return 0;
}

/* Entries in name order, so the digest does not depend on readdir's. */
static int digest_dir(int dirfd, const char *name, uint64_t *h, int depth)
{
	_cleanup_close_ int fd = -1;
	struct dirent **names;
	int n, r = 0;

	if (depth > 32)
		return -ELOOP;
	fd = openat(dirfd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	n = scandirat(fd, ".", &names, NULL, alphasort);
	if (n < 0)
		return neg_errno();
	for (int i = 0; i < n; i++) {
		const char *e = names[i]->d_name;
		if (r == 0 && strcmp(e, ".") != 0 && strcmp(e, "..") != 0)
			r = digest_entry(fd, e, h, depth);
		free(names[i]);
	}
	free(names);
	fnv(h, "/", 1); /* the end of this directory */
	return r;
}

int ovl_layer_digest(const char *dir, uint64_t *digest)
{
	if (mutant_on(M_OVL_LAYERS)) {
		*digest = 0;
		return 0;
	}
	*digest = 0xcbf29ce484222325ull;
	return digest_dir(AT_FDCWD, dir, digest, 0);
}

/* An xattr that must exist, its value `want` (or starting with it). */
static int xattr_is(const char *path, const char *name, const char *want,
		    bool prefix, bool *has)
{
	char v[256];
	ssize_t n = lgetxattr(path, name, v, sizeof(v) - 1);

	*has = false;
	if (n < 0)
		return errno == ENODATA || errno == ENOENT ? 0 : neg_errno();
	v[n] = '\0';
	*has = !want || (prefix ? strncmp(v, want, strlen(want)) == 0
				: strcmp(v, want) == 0);
	return 0;
}

/* The marks an xattr carries: its name, the value (or prefix) wanted. */
static const struct {
	const char *name, *want;
	bool prefix;
} xmarks[OVL_UP__COUNT] = {
	[OVL_UP_OPAQUE] = { "trusted.overlay.opaque", "y", false },
	[OVL_UP_USER_OPAQUE] = { "user.overlay.opaque", "y", false },
	[OVL_UP_REDIRECT] = { "trusted.overlay.redirect", NULL, false },
	[OVL_UP_ABS_REDIRECT] = { "trusted.overlay.redirect", "/", true },
	[OVL_UP_METACOPY] = { "trusted.overlay.metacopy", NULL, false },
	[OVL_UP_ORIGIN] = { "trusted.overlay.origin", NULL, false },
	[OVL_UP_USER_ORIGIN] = { "user.overlay.origin", NULL, false },
};

/* The marks the inode's type and size carry. */
static bool stat_mark(const struct stat *st, enum ovl_upper what)
{
	switch (what) {
	case OVL_UP_FILE:
		return S_ISREG(st->st_mode);
	case OVL_UP_WHITEOUT:
		return S_ISCHR(st->st_mode) && st->st_rdev == makedev(0, 0);
	case OVL_UP_SYMLINK:
		return S_ISLNK(st->st_mode);
	default:
		return false;
	}
}

/* A non-empty regular file that is all hole: no byte of data stored. */
static int hollow(const char *path, bool *has)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;

	if (fd < 0)
		return errno == ENOENT ? 0 : neg_errno();
	if (fstat(fd, &st) < 0)
		return neg_errno();
	if (!S_ISREG(st.st_mode) || st.st_size == 0)
		return 0;
	if (lseek(fd, 0, SEEK_DATA) >= 0)
		return 0;
	*has = errno == ENXIO;
	return *has ? 0 : neg_errno();
}

int ovl_upper_has(const char *path, enum ovl_upper what, bool *has)
{
	struct stat st;

	*has = false;
	if ((unsigned)what >= OVL_UP__COUNT)
		return -EINVAL;
	if (mutant_on(M_OVL_LAYERS)) {
		*has = true;
		return 0;
	}
	if (xmarks[what].name)
		return xattr_is(path, xmarks[what].name, xmarks[what].want,
				xmarks[what].prefix, has);
	if (what == OVL_UP_HOLLOW)
		return hollow(path, has);
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : neg_errno();
	*has = stat_mark(&st, what);
	return 0;
}

/* ---- more observation helpers ------------------------------------- */

int ovl_stat_id(const char *path, struct ovl_id *id)
{
	static uint64_t fresh = 1u << 20;
	struct stat st;

	if (lstat(path, &st) < 0)
		return neg_errno();
	*id = (struct ovl_id){ st.st_dev, st.st_ino, st.st_nlink };
	if (mutant_on(M_OVL_INODE_DISTINCT)) { /* a new inode, device: each */
		id->dev = ++fresh;
		id->ino = ++fresh;
	}
	return 0;
}

bool ovl_id_same(const struct ovl_id *a, const struct ovl_id *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

int ovl_statfs_same(const char *a, const char *b, bool *same)
{
	struct statfs x, y;

	if (statfs(a, &x) < 0 || statfs(b, &y) < 0)
		return neg_errno();
	*same = x.f_bsize == y.f_bsize && x.f_blocks == y.f_blocks &&
		x.f_bfree == y.f_bfree && x.f_files == y.f_files &&
		x.f_ffree == y.f_ffree;
	if (mutant_on(M_OVL_STATFS_SAME))
		*same = true;
	return 0;
}

int ovl_mount_attempt(const struct overlay_spec *s, const char *target,
		      int *err)
{
	char opts[4096];
	int r = overlay_options(s, opts, sizeof(opts));

	*err = 0;
	if (r < 0)
		return r;
	if (mutant_on(M_OVL_MOUNT_REFUSED)) {
		*err = EINVAL;
		return 0;
	}
	if (mount("overlay", target, "overlay", 0, opts) < 0)
		*err = errno;
	return 0;
}
