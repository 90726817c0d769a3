// SPDX-License-Identifier: MIT
/*
 * Mounts a container root relies on: a read-only root, masked paths, and a
 * minimal /dev with /proc and a tmpfs. Each check runs in a child with its
 * own mount namespace (CLONE_NEWNS), as pivot_root moves every process whose
 * root is the old one.
 */
#include "scenario.h"
#include "../primitives/mutant.h"
#include "../primitives/rootfs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

struct ro_seen {
	int err;       /* errno of creating a file in "/", 0 if it worked */
	char opts[96]; /* mount options of "/" in mountinfo */
};

/* Create a file in /, read its options (mutation point M_MOUNTS_VIEW). */
static int look_at_root(struct ro_seen *v)
{
	struct mnt_entry e;
	int fd, r;

	if (mutant_on(M_MOUNTS_VIEW)) {
		*v = (struct ro_seen){ .err = EROFS, .opts = "ro,relatime" };
		return 0;
	}
	fd = open("/probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	v->err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	if ((r = mountinfo_find("/", &e)) < 0)
		return r;
	snprintf(v->opts, sizeof(v->opts), "%.95s", e.opts);
	return 0;
}

/* In its own mount namespace: pivot, /proc, and (the action) ro. */
static int write_in_root(void *arg, void *out, size_t len)
{
	bool harden = *(const bool *)arg;
	int r;

	(void)len;
	if ((r = rootfs_pivot("root")) < 0)
		return child_fail("pivot_root", r);
	if ((r = rootfs_mount_proc("/proc")) < 0)
		return child_fail("mount /proc", r);
	if (harden && (r = rootfs_remount_ro("/")) < 0)
		return child_fail("remount / read-only", r);
	if ((r = look_at_root(out)) < 0)
		return child_fail("find / in mountinfo", r);
	return 0;
}

static int observe_ro(struct ctx *c, struct ro_seen *o)
{
	bool harden = c->isolate;

	TRY(c, rootfs_make_skeleton("root"), "make the new root");
	return run_in_child(c, "pivot into the root", CLONE_NEWNS,
			    write_in_root, &harden, o, sizeof(*o));
}

static enum obs judge_ro(struct judge *j, const struct ro_seen *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "/ options", "%s", o->opts);
	return judge_holds(j, o->err == EROFS && opts_have(o->opts, "ro"),
			   "/ mounted %s; creating /probe: %s", o->opts, e);
}
CHECK(ro_root, struct ro_seen, observe_ro, judge_ro);

#define PLAIN "visible"

struct mask_seen {
	int secret_err;	   /* errno reading the masked file, 0: read */
	char secret[32];   /* what it read */
	int key_err;	   /* errno reading a file in the masked dir */
	int write_err;	   /* errno creating a file in the masked dir */
	char via_link[32]; /* the plain file, read through a masked symlink */
};

static int read_into(const char *path, char *buf, size_t len)
{
	int r;

	buf[0] = '\0';
	r = read_text(path, buf, len);
	chomp(buf);
	return r < 0 ? -r : 0;
}

/* Read what masking should hide (mutation point M_MOUNTS_VIEW). */
static void look_at_masked(struct mask_seen *v)
{
	char buf[32];

	v->secret_err = read_into("secret", v->secret, sizeof(v->secret));
	v->key_err = read_into("secretdir/key", buf, sizeof(buf));
	v->write_err = -write_text_creat("secretdir/new", "x");
	if (mutant_on(M_MOUNTS_VIEW)) {
		v->secret[0] = '\0';
		v->secret_err = 0;
		v->key_err = ENOENT;
		v->write_err = EROFS;
	}
}

/* The action masks three paths; a symlink is never masked (-ELOOP). */
static int read_masked(void *arg, void *out, size_t len)
{
	struct mask_seen *v = out;
	int r;

	(void)len;
	if (*(const bool *)arg) {
		if ((r = rootfs_mask("secret")) < 0 ||
		    (r = rootfs_mask("secretdir")) < 0)
			return child_fail("mask", r);
		if ((r = rootfs_mask("link")) < 0 && r != -ELOOP)
			return child_fail("mask the symlink", r);
	}
	look_at_masked(v);
	if ((r = read_into("link", v->via_link, sizeof(v->via_link))))
		return child_fail("read through the symlink", -r);
	return 0;
}

static int observe_masked(struct ctx *c, struct mask_seen *o)
{
	bool harden = c->isolate;

	TRY(c, write_text_creat("secret", "s3cret\n"), "write secret");
	TRY(c, mkdir("secretdir", 0755) < 0 ? neg_errno() : 0, "mkdir");
	TRY(c, write_text_creat("secretdir/key", "k\n"), "write key");
	TRY(c, write_text_creat("plain", PLAIN "\n"), "write plain");
	TRY(c, symlink("plain", "link") < 0 ? neg_errno() : 0, "symlink");
	return run_in_child(c, "mask and read in the child", CLONE_NEWNS,
			    read_masked, &harden, o, sizeof(*o));
}

static enum obs judge_masked(struct judge *j, const struct mask_seen *o)
{
	const char *key = o->key_err ? strerrorname_np(o->key_err) : "read";
	const char *wr = o->write_err ? strerrorname_np(o->write_err) : "ok";
	bool hidden = !o->secret_err && !o->secret[0];

	judge_kv(j, "secret reads", "\"%s\"%s%s", o->secret,
		 o->secret_err ? " " : "",
		 o->secret_err ? strerrorname_np(o->secret_err) : "");
	judge_kv(j, "secretdir/key", "%s", key);
	judge_kv(j, "create in secretdir", "%s", wr);
	judge_kv(j, "plain file through the symlink", "\"%s\"", o->via_link);
	return judge_holds(j,
			   hidden && o->key_err == ENOENT &&
				   o->write_err == EROFS &&
				   strcmp(o->via_link, PLAIN) == 0,
			   "secret reads \"%s\", secretdir/key %s, create %s, "
			   "through the symlink \"%s\"",
			   o->secret, key, wr, o->via_link);
}
CHECK(masked_paths, struct mask_seen, observe_masked, judge_masked);

static const char *const dev_allowed[] = { "null",    "zero",  "full", "random",
					   "urandom", "tty",   "fd",   "stdin",
					   "stdout",  "stderr" };

struct dev_seen {
	int n, extra; /* entries in /dev, and those not allowed */
	char first_extra[32];
	bool zero_ok;	/* /dev/zero reads zeros */
	bool tmp_tmpfs; /* /tmp is a mount of a tmpfs */
	char tmp_fs[64];
};

static bool allowed(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_allowed); i++)
		if (strcmp(name, dev_allowed[i]) == 0)
			return true;
	return false;
}

/* /dev's entries, /dev/zero, /tmp (mutation point M_MOUNTS_VIEW). */
static int look_at_dev(struct dev_seen *v)
{
	_cleanup_closedir_ DIR *d = opendir("/dev");
	_cleanup_close_ int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	char z[4] = { 1, 1, 1, 1 };
	struct mnt_entry e;
	struct dirent *de;
	int r;

	if (!d)
		return neg_errno();
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (de->d_name[0] == '.')
			continue;
		v->n++;
		if (!allowed(de->d_name) && v->extra++ == 0)
			snprintf(v->first_extra, sizeof(v->first_extra),
				 "%.31s", de->d_name);
	}
	if (errno)
		return neg_errno();
	v->zero_ok = fd >= 0 && read(fd, z, sizeof(z)) == sizeof(z) && !z[0] &&
		     !z[3];
	r = mountinfo_find("/tmp", &e); /* -ENOENT: not a mount point */
	if (r < 0 && r != -ENOENT)
		return r;
	snprintf(v->tmp_fs, sizeof(v->tmp_fs), "%s", r ? "none" : e.fstype);
	v->tmp_tmpfs = r == 0 && strcmp(e.fstype, "tmpfs") == 0;
	if (mutant_on(M_MOUNTS_VIEW)) {
		v->extra = 0;
		v->zero_ok = v->tmp_tmpfs = true;
	}
	return 0;
}

/* The action: a minimal /dev and a tmpfs /tmp; the control binds /dev. */
static int minimal_dev(void *arg, void *out, size_t len)
{
	int r;

	(void)len;
	if (*(const bool *)arg) {
		if ((r = rootfs_mount_dev("root/dev")) < 0)
			return child_fail("mount a minimal /dev", r);
		r = rootfs_mount_tmpfs("root/tmp", "size=1m,mode=1777");
		if (r < 0)
			return child_fail("mount a tmpfs on /tmp", r);
	} else if (mount("/dev", "root/dev", NULL, MS_BIND | MS_REC, NULL) <
		   0) {
		return child_fail("bind the host's /dev", neg_errno());
	}
	if ((r = rootfs_pivot("root")) < 0)
		return child_fail("pivot_root", r);
	if ((r = rootfs_mount_proc("/proc")) < 0)
		return child_fail("mount /proc", r);
	if ((r = look_at_dev(out)) < 0)
		return child_fail("look at /dev and /tmp", r);
	return 0;
}

static int observe_dev(struct ctx *c, struct dev_seen *o)
{
	bool harden = c->isolate;

	TRY(c, rootfs_make_skeleton("root"), "make the new root");
	return run_in_child(c, "mount and pivot in the child", CLONE_NEWNS,
			    minimal_dev, &harden, o, sizeof(*o));
}

static enum obs judge_dev(struct judge *j, const struct dev_seen *o)
{
	judge_kv(j, "/dev entries", "%d", o->n);
	judge_kv(j, "/dev not allowed", "%d (%s)", o->extra,
		 o->extra ? o->first_extra : "none");
	judge_kv(j, "/tmp", "%s", o->tmp_fs);
	return judge_holds(j, o->extra == 0 && o->zero_ok && o->tmp_tmpfs,
			   "/dev has %d entries, %d not allowed%s%s; /dev/zero "
			   "%s; /tmp %s",
			   o->n, o->extra, o->extra ? " e.g. " : "",
			   o->extra ? o->first_extra : "",
			   o->zero_ok ? "works" : "fails",
			   o->tmp_tmpfs ? "is a tmpfs" : "is no tmpfs");
}
CHECK(dev_proc_tmpfs, struct dev_seen, observe_dev, judge_dev);

static const struct scenario mounts[] = {
	{ .id = "mounts/ro-root",
	  .title = "a read-only root refuses writes",
	  .property = "after pivot_root and a read-only remount of the root, "
		      "creating a file in / fails with EROFS",
	  .expect = "/ mounted ro; creating /probe: EROFS",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "mounts", "rootfs", "core" },
	  .check = &ro_root },
	{ .id = "mounts/masked-paths",
	  .title = "masked paths cannot be read",
	  .property = "a file masked with /dev/null reads empty, a dir masked "
		      "with an empty read-only tmpfs hides its files and "
		      "refuses writes, and a symlink is never masked",
	  .expect = "secret reads \"\", secretdir/key ENOENT, create EROFS, "
		    "through the symlink \"visible\"",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "mounts", "rootfs", "security" },
	  .check = &masked_paths },
	{ .id = "mounts/minimal-dev",
	  .title = "a minimal /dev, /proc and a tmpfs /tmp",
	  .property = "the new root's /dev holds only null zero full random "
		      "urandom tty and the fd links, with /proc and a tmpfs "
		      "/tmp mounted",
	  .expect = "/dev has 10 entries, 0 not allowed; /dev/zero works; "
		    "/tmp is a tmpfs",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "mounts", "rootfs" },
	  .check = &dev_proc_tmpfs },
};

BOXCHECK_AREA(mounts, mounts);
