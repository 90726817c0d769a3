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

int overlay_mount_fsopen(const struct overlay_spec *s, const char *target)
{
	_cleanup_close_ int fsfd = -1, mfd = -1;
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
	if (r < 0)
		return r;
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

/* One entry: its name, type and mode, then what its type holds. */
static int digest_entry(int dirfd, const char *name, uint64_t *h, int depth)
{
	struct stat st;
	char link[PATH_MAX];
	ssize_t n;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return neg_errno();
	fnv(h, name, strlen(name) + 1);
	fnv(h, &st.st_mode, sizeof(st.st_mode));
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

/* An xattr that must exist, with value `want` when it is not NULL. */
static int xattr_is(const char *path, const char *name, const char *want,
		    bool *has)
{
	char v[256];
	ssize_t n = lgetxattr(path, name, v, sizeof(v) - 1);

	*has = false;
	if (n < 0)
		return errno == ENODATA || errno == ENOENT ? 0 : neg_errno();
	v[n] = '\0';
	*has = !want || strcmp(v, want) == 0;
	return 0;
}

int ovl_upper_has(const char *path, enum ovl_upper what, bool *has)
{
	struct stat st;

	*has = false;
	if (mutant_on(M_OVL_LAYERS)) {
		*has = true;
		return 0;
	}
	switch (what) {
	case OVL_UP_FILE:
	case OVL_UP_WHITEOUT:
		if (lstat(path, &st) < 0)
			return errno == ENOENT ? 0 : neg_errno();
		*has = what == OVL_UP_FILE
			       ? S_ISREG(st.st_mode)
			       : S_ISCHR(st.st_mode) &&
					 st.st_rdev == makedev(0, 0);
		return 0;
	case OVL_UP_OPAQUE:
		return xattr_is(path, "trusted.overlay.opaque", "y", has);
	case OVL_UP_USER_OPAQUE:
		return xattr_is(path, "user.overlay.opaque", "y", has);
	case OVL_UP_REDIRECT:
		return xattr_is(path, "trusted.overlay.redirect", NULL, has);
	case OVL_UP__COUNT:
		break;
	}
	return -EINVAL;
}
