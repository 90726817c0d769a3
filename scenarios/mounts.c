// SPDX-License-Identifier: MIT
/*
 * Mounts a container root relies on: a read-only root, masked paths, and a
 * minimal /dev with /proc and a tmpfs. Each check runs in a child with its
 * own mount namespace (CLONE_NEWNS), as pivot_root moves every process whose
 * root is the old one.
 */
#include "scenario.h"
#include "../primitives/rootfs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

struct ro_seen {
	int err;       /* errno of creating a file in "/", 0 if it worked */
	char opts[96]; /* mount options of "/" in mountinfo */
};

static int write_in_root(void *arg, void *out, size_t len)
{
	const bool *isolate = arg;
	struct ro_seen *v = out;
	struct mnt_entry e;
	int fd;

	(void)len;
	if (rootfs_pivot("root") < 0 || rootfs_mount_proc("/proc") < 0)
		return 2;
	if (*isolate && rootfs_remount_ro("/") < 0)
		return 3;
	fd = open("/probe", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	v->err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	if (mountinfo_find("/", &e) == 0)
		snprintf(v->opts, sizeof(v->opts), "%.95s", e.opts);
	return 0;
}

static enum obs ro_root(struct ctx *c)
{
	struct ro_seen v;
	int st;

	TRY(c, rootfs_make_skeleton("root"), "make the new root");
	TRY(c,
	    legacy_run_in_child(CLONE_NEWNS, write_in_root, &c->isolate, &v, sizeof(v),
			 &st),
	    "fork the child");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "%s failed in the child",
				 exit_code_of(st) == 3 ? "read-only remount"
						       : "pivot_root or /proc");
	ctx_kv(c, "/ options", "%s", v.opts);
	return ctx_holds(c, v.err == EROFS && opts_have(v.opts, "ro"),
			 "/ mounted %s; creating /probe: %s", v.opts,
			 v.err ? strerrorname_np(v.err) : "ok");
}

struct mask_seen {
	char secret[32]; /* what reading the masked file gave */
	int key_err;	 /* errno reading a file in the masked dir */
	int write_err;	 /* errno creating a file in the masked dir */
	int link_r;	 /* rootfs_mask() of a symlink */
};

static int read_masked(void *arg, void *out, size_t len)
{
	const bool *isolate = arg;
	struct mask_seen *v = out;
	char buf[32];

	(void)len;
	if (*isolate &&
	    (rootfs_mask("secret") < 0 || rootfs_mask("secretdir") < 0))
		return 2;
	v->link_r = *isolate ? rootfs_mask("link") : 0;
	if (read_text("secret", v->secret, sizeof(v->secret)) < 0)
		snprintf(v->secret, sizeof(v->secret), "(%s)",
			 strerrorname_np(errno));
	chomp(v->secret);
	v->key_err =
		read_text("secretdir/key", buf, sizeof(buf)) < 0 ? errno : 0;
	v->write_err = write_text_creat("secretdir/new", "x") < 0 ? errno : 0;
	return 0;
}

static enum obs masked_paths(struct ctx *c)
{
	struct mask_seen v;
	int st;

	TRY(c, write_text_creat("secret", "s3cret\n"), "write secret");
	TRY(c, mkdir("secretdir", 0755) < 0 ? neg_errno() : 0, "mkdir");
	TRY(c, write_text_creat("secretdir/key", "k\n"), "write key");
	TRY(c, symlink("secret", "link") < 0 ? neg_errno() : 0, "symlink");
	TRY(c,
	    legacy_run_in_child(CLONE_NEWNS, read_masked, &c->isolate, &v, sizeof(v),
			 &st),
	    "fork the child");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "masking failed in the child");
	ctx_kv(c, "secret reads", "\"%s\"", v.secret);
	ctx_kv(c, "secretdir/key", "%s",
	       v.key_err ? strerrorname_np(v.key_err) : "read");
	ctx_kv(c, "create in secretdir", "%s",
	       v.write_err ? strerrorname_np(v.write_err) : "ok");
	ctx_kv(c, "mask of a symlink", "%s",
	       v.link_r ? strerror(-v.link_r) : "not refused");
	return ctx_holds(c,
			 !v.secret[0] && v.key_err == ENOENT &&
				 v.write_err == EROFS && v.link_r == -ELOOP,
			 "secret reads \"%s\", secretdir/key %s, create %s",
			 v.secret,
			 v.key_err ? strerrorname_np(v.key_err) : "read",
			 v.write_err ? strerrorname_np(v.write_err) : "ok");
}

static const char *const dev_allowed[] = { "null",    "zero",  "full", "random",
					   "urandom", "tty",   "fd",   "stdin",
					   "stdout",  "stderr" };

struct dev_seen {
	int n, extra; /* entries in /dev, and those not allowed */
	char first_extra[32];
	bool zero_ok;	/* /dev/zero reads zeros */
	bool tmp_tmpfs; /* /tmp is a tmpfs */
	bool proc_ok;	/* /proc/self/mountinfo readable */
};

static bool allowed(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(dev_allowed); i++)
		if (strcmp(name, dev_allowed[i]) == 0)
			return true;
	return false;
}

static void look_at_dev(struct dev_seen *v)
{
	_cleanup_closedir_ DIR *d = opendir("/dev");
	struct mnt_entry e;
	struct dirent *de;
	char z[4] = { 1, 1, 1, 1 };
	_cleanup_close_ int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);

	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v->n++;
		if (!allowed(de->d_name) && v->extra++ == 0)
			snprintf(v->first_extra, sizeof(v->first_extra),
				 "%.31s", de->d_name);
	}
	v->zero_ok = fd >= 0 && read(fd, z, sizeof(z)) == sizeof(z) && !z[0] &&
		     !z[3];
	v->proc_ok = mountinfo_find("/tmp", &e) == 0;
	v->tmp_tmpfs = v->proc_ok && strcmp(e.fstype, "tmpfs") == 0;
}

/* The control binds the host's /dev and leaves /tmp a plain dir. */
static int minimal_dev(void *arg, void *out, size_t len)
{
	const bool *isolate = arg;
	int r;

	(void)len;
	if (*isolate) {
		r = rootfs_mount_dev("root/dev");
		r = r ?: rootfs_mount_tmpfs("root/tmp", "size=1m,mode=1777");
	} else {
		r = mount("/dev", "root/dev", NULL, MS_BIND | MS_REC, NULL);
	}
	if (r < 0 || rootfs_pivot("root") < 0 || rootfs_mount_proc("/proc") < 0)
		return 2;
	look_at_dev(out);
	return 0;
}

static enum obs dev_proc_tmpfs(struct ctx *c)
{
	struct dev_seen v;
	int st;

	TRY(c, rootfs_make_skeleton("root"), "make the new root");
	TRY(c,
	    legacy_run_in_child(CLONE_NEWNS, minimal_dev, &c->isolate, &v, sizeof(v),
			 &st),
	    "fork the child");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "mounting /dev, /tmp or /proc failed");
	ctx_kv(c, "/dev entries", "%d", v.n);
	ctx_kv(c, "/dev not allowed", "%d (%s)", v.extra,
	       v.extra ? v.first_extra : "none");
	ctx_kv(c, "/tmp", "%s", v.tmp_tmpfs ? "tmpfs" : "not a tmpfs");
	return ctx_holds(
		c, v.extra == 0 && v.zero_ok && v.proc_ok && v.tmp_tmpfs,
		"/dev has %d entries, %d not allowed%s%s; /dev/zero "
		"%s; /tmp %s",
		v.n, v.extra, v.extra ? " e.g. " : "",
		v.extra ? v.first_extra : "", v.zero_ok ? "works" : "fails",
		v.tmp_tmpfs ? "is a tmpfs" : "is no tmpfs");
}

static const struct scenario mounts[] = {
	{ .id = "mounts/ro-root",
	  .title = "a read-only root refuses writes",
	  .property = "after pivot_root and a read-only remount of the root, "
		      "creating a file in / fails with EROFS",
	  .expect = "/ mounted ro; creating /probe: EROFS",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "mounts", "rootfs", "core" },
	  .run = ro_root },
	{ .id = "mounts/masked-paths",
	  .title = "masked paths cannot be read",
	  .property = "a file masked with /dev/null reads empty, a dir masked "
		      "with an empty read-only tmpfs hides its files and "
		      "refuses writes, and a symlink is never masked",
	  .expect = "secret reads \"\", secretdir/key ENOENT, create EROFS",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "mounts", "rootfs", "security" },
	  .run = masked_paths },
	{ .id = "mounts/minimal-dev",
	  .title = "a minimal /dev, /proc and a tmpfs /tmp",
	  .property = "the new root's /dev holds only null zero full random "
		      "urandom tty and the fd links, with /proc and a tmpfs "
		      "/tmp mounted",
	  .expect = "/dev has 10 entries, 0 not allowed; /dev/zero works; "
		    "/tmp is a tmpfs",
	  .req = { .root = true, .ns = NS_BIT(NS_MNT) },
	  .tags = { "mounts", "rootfs" },
	  .run = dev_proc_tmpfs },
};

BOXCHECK_AREA(mounts, mounts);
