// SPDX-License-Identifier: MIT
/*
 * overlayfs scenarios. Everything happens in the run's private mount ns, in
 * its own directory: lower/ upper/ work/ merged/. The control does the same
 * operations on the plain directories, without the overlay (or, where the
 * property is about an option, with the option off).
 */
#include "scenario.h"
#include "../primitives/overlay.h"
#include "../primitives/rootfs.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

static const char *const one_lower[] = { "lower" };

/* lower/file, lower/dir/x and lower/empty/, and the other three dirs. */
static int make_layers(void)
{
	const char *dirs[] = { "lower",	 "upper",     "work",
			       "merged", "lower/dir", "lower/empty" };
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0755) < 0)
			return neg_errno();
	r = write_text_creat("lower/file", "lower\n");
	return r ?: write_text_creat("lower/dir/x", "x\n");
}

static int mount_std(const char *extra)
{
	struct overlay_spec s = { one_lower, 1, "upper", "work", extra };

	return overlay_mount(&s, "merged");
}

static void read_or(const char *path, char *buf, size_t len, const char *dflt)
{
	if (read_text(path, buf, len) < 0)
		snprintf(buf, len, "%s", dflt);
	chomp(buf);
}

static bool has_xattr(const char *path, const char *name, const char *want)
{
	char v[64];
	ssize_t n = getxattr(path, name, v, sizeof(v) - 1);

	if (n < 0)
		return false;
	v[n] = '\0';
	return !want || strcmp(v, want) == 0;
}

static enum obs read_through(struct ctx *c)
{
	struct ovl_probe p;
	char buf[64], acc[128], eff[128];

	TRY(c, make_layers(), "make lower, upper, work and merged");
	if (c->isolate) {
		TRY(c, mkdir("probe", 0755), "mkdir probe");
		TRY(c, overlay_probe_options("probe", &p), "probe options");
		ovl_opts_describe(p.accepted, acc, sizeof(acc));
		ovl_opts_describe(p.effective, eff, sizeof(eff));
		ctx_kv(c, "options accepted", "%s", acc);
		ctx_kv(c, "options in force", "%s", eff);
		TRY(c, mount_std(NULL), "mount overlay");
	}
	read_or("merged/file", buf, sizeof(buf), "(none)");
	ctx_kv(c, "merged/file", "%s", buf);
	return ctx_holds(c, strcmp(buf, "lower") == 0, "merged/file=%s", buf);
}

static enum obs fsopen_mount(struct ctx *c)
{
	struct overlay_spec s = { one_lower, 1, "upper", "work", NULL };
	char buf[64], real[PATH_MAX];
	struct mnt_entry e = { .fstype = "none" };

	TRY(c, make_layers(), "make lower, upper, work and merged");
	if (c->isolate)
		TRY(c, overlay_mount_fsopen(&s, "merged"),
		    "fsopen/fsconfig/fsmount/move_mount overlay");
	read_or("merged/file", buf, sizeof(buf), "(none)");
	if (realpath("merged", real))
		mountinfo_find(real, &e);
	ctx_kv(c, "merged fstype", "%s", e.fstype);
	return ctx_holds(c,
			 strcmp(buf, "lower") == 0 &&
				 strcmp(e.fstype, "overlay") == 0,
			 "merged is %s, merged/file=%s", e.fstype, buf);
}

static enum obs copy_up(struct ctx *c)
{
	char low[64], up[64];

	TRY(c, make_layers(), "make lower, upper, work and merged");
	if (c->isolate) {
		TRY(c, mount_std(NULL), "mount overlay");
		TRY(c, write_text_creat("merged/file", "new\n"),
		    "write merged/file");
	} else {
		TRY(c, write_text_creat("lower/file", "new\n"),
		    "write lower/file");
	}
	read_or("lower/file", low, sizeof(low), "(none)");
	read_or("upper/file", up, sizeof(up), "(none)");
	ctx_kv(c, "lower/file", "%s", low);
	ctx_kv(c, "upper/file", "%s", up);
	return ctx_holds(c, strcmp(low, "lower") == 0 && strcmp(up, "new") == 0,
			 "lower/file=%s upper/file=%s", low, up);
}

static enum obs whiteout(struct ctx *c)
{
	const char *top = c->isolate ? "merged" : "lower";
	char path[64];
	struct stat st;
	bool wo, merged, lower;

	TRY(c, make_layers(), "make lower, upper, work and merged");
	if (c->isolate)
		TRY(c, mount_std(NULL), "mount overlay");
	snprintf(path, sizeof(path), "%s/file", top);
	TRY(c, unlink(path) < 0 ? neg_errno() : 0, "unlink the file");
	wo = lstat("upper/file", &st) == 0 && S_ISCHR(st.st_mode) &&
	     st.st_rdev == makedev(0, 0);
	merged = path_exists("merged/file");
	lower = path_exists("lower/file");
	ctx_kv(c, "upper/file", "%s", wo ? "char 0:0" : "no whiteout");
	ctx_kv(c, "lower/file", "%s", lower ? "present" : "gone");
	return ctx_holds(c, wo && !merged && lower,
			 "upper/file %s, merged/file %s, lower/file %s",
			 wo ? "is a whiteout (char 0:0)" : "is no whiteout",
			 merged ? "visible" : "hidden",
			 lower ? "kept" : "gone");
}

static enum obs opaque_dir(struct ctx *c)
{
	const char *top = c->isolate ? "merged" : "lower";
	char x[64], d[64];
	bool opaque, hidden, kept;

	TRY(c, make_layers(), "make lower, upper, work and merged");
	if (c->isolate)
		TRY(c, mount_std(NULL), "mount overlay");
	snprintf(x, sizeof(x), "%s/dir/x", top);
	snprintf(d, sizeof(d), "%s/dir", top);
	TRY(c, unlink(x) < 0 ? neg_errno() : 0, "unlink dir/x");
	TRY(c, rmdir(d) < 0 ? neg_errno() : 0, "rmdir dir");
	TRY(c, mkdir(d, 0755) < 0 ? neg_errno() : 0, "mkdir dir");
	opaque = has_xattr("upper/dir", "trusted.overlay.opaque", "y");
	hidden = !path_exists("merged/dir/x");
	kept = path_exists("lower/dir/x");
	ctx_kv(c, "trusted.overlay.opaque", "%s", opaque ? "y" : "absent");
	return ctx_holds(
		c, opaque && hidden && kept, "upper/dir %s, lower/dir/x %s",
		opaque ? "opaque" : "not opaque", kept ? "kept" : "gone");
}

/* Rename lower's dir through the overlay mounted with extra options. */
static int rename_dir(const char *extra, bool mounted, int *err)
{
	int r = mounted ? mount_std(extra) : 0;

	if (r < 0)
		return r;
	*err = rename(mounted ? "merged/dir" : "lower/dir",
		      mounted ? "merged/moved" : "lower/moved") < 0
		       ? errno
		       : 0;
	return 0;
}

static enum obs rename_exdev(struct ctx *c)
{
	int err = 0;

	TRY(c, make_layers(), "make lower, upper, work and merged");
	TRY(c, rename_dir("redirect_dir=off", c->isolate, &err),
	    "mount overlay with redirect_dir=off");
	ctx_kv(c, "rename errno", "%s", err ? strerrorname_np(err) : "none");
	return ctx_holds(c, err == EXDEV && path_exists("lower/dir/x"),
			 "rename(dir, moved): %s",
			 err ? strerrorname_np(err) : "ok");
}

static enum obs rename_redirect(struct ctx *c)
{
	int err = 0, r;
	bool redirect, kept, moved;

	TRY(c, make_layers(), "make lower, upper, work and merged");
	r = rename_dir(c->isolate ? "redirect_dir=on" : "redirect_dir=off",
		       true, &err);
	if (r == -EINVAL && c->isolate)
		return ctx_skip(c, "overlay has no redirect_dir (mount: %s)",
				strerrorname_np(-r));
	TRY(c, r, "mount overlay");
	redirect = has_xattr("upper/moved", "trusted.overlay.redirect", NULL);
	moved = path_exists("merged/moved/x");
	kept = path_exists("lower/dir/x");
	ctx_kv(c, "rename errno", "%s", err ? strerrorname_np(err) : "none");
	ctx_kv(c, "trusted.overlay.redirect", "%s",
	       redirect ? "set" : "absent");
	return ctx_holds(c, !err && moved && kept && redirect,
			 "rename(dir, moved): %s; lower/dir %s",
			 err ? strerrorname_np(err) : "ok",
			 kept ? "kept" : "gone");
}

/* The control stacks the same lowers in the other order. */
static enum obs lower_order(struct ctx *c)
{
	const char *order[2][2] = { { "l2", "l1" }, { "l1", "l2" } };
	struct overlay_spec s = { order[c->isolate], 2, NULL, NULL, NULL };
	char f[64];
	bool only2;

	TRY(c, mkdir("l1", 0755) ?: mkdir("l2", 0755) ?: mkdir("merged", 0755),
	    "mkdir l1 l2 merged");
	TRY(c, write_text_creat("l1/f", "one\n"), "write l1/f");
	TRY(c, write_text_creat("l2/f", "two\n"), "write l2/f");
	TRY(c, write_text_creat("l2/only2", "2\n"), "write l2/only2");
	TRY(c, overlay_mount(&s, "merged"), "mount read-only overlay");
	read_or("merged/f", f, sizeof(f), "(none)");
	only2 = path_exists("merged/only2");
	ctx_kv(c, "lowerdir", "%s:%s", s.lowers[0], s.lowers[1]);
	ctx_kv(c, "merged/f", "%s", f);
	return ctx_holds(c, strcmp(f, "one") == 0 && only2,
			 "lowerdir=%s:%s gives merged/f=%s, merged/only2 %s",
			 s.lowers[0], s.lowers[1], f,
			 only2 ? "visible" : "missing");
}

static enum obs create_upper_only(struct ctx *c)
{
	bool up, low;

	TRY(c, make_layers(), "make lower, upper, work and merged");
	if (c->isolate)
		TRY(c, mount_std(NULL), "mount overlay");
	TRY(c, write_text_creat("merged/new", "new\n"), "create merged/new");
	up = path_exists("upper/new");
	low = path_exists("lower/new");
	ctx_kv(c, "upper/new", "%s", up ? "present" : "absent");
	ctx_kv(c, "lower/new", "%s", low ? "present" : "absent");
	return ctx_holds(c, up && !low, "upper/new %s, lower/new %s",
			 up ? "present" : "absent", low ? "present" : "absent");
}

static enum obs umount_clean(struct ctx *c)
{
	bool was = false, gone = false, empty, kept;
	_cleanup_closedir_ DIR *d = NULL;
	struct dirent *e;
	int n = 0;

	TRY(c, make_layers(), "make lower, upper, work and merged");
	if (c->isolate) {
		TRY(c, mount_std(NULL), "mount overlay");
		was = rootfs_is_mountpoint("merged");
	}
	TRY(c, write_text_creat("merged/new", "new\n"), "create merged/new");
	if (c->isolate) {
		TRY(c, umount2("merged", 0) < 0 ? neg_errno() : 0,
		    "umount merged");
		gone = !rootfs_is_mountpoint("merged");
	}
	d = opendir("merged");
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	empty = d && n == 0;
	kept = path_exists("upper/new");
	ctx_kv(c, "merged entries after", "%d", n);
	return ctx_holds(c, was && gone && empty && kept,
			 "overlay %s, %s; merged has %d entries, upper/new %s",
			 was ? "mounted" : "never mounted",
			 gone ? "unmounted" : "not unmounted", n,
			 kept ? "kept" : "absent");
}

#define LAYERS_REQ                                                             \
	{                                                                      \
		.root = true, .fs = { "overlay" }                              \
	}

static const struct scenario overlay[] = {
	{ .id = "overlay/read-through",
	  .title = "a read falls through to the lower layer",
	  .property = "a file only in lower reads the same through merged",
	  .expect = "merged/file=lower",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs", "core" },
	  .run = read_through },
	{ .id = "overlay/fsopen-mount",
	  .title = "overlay mounts through the new mount API",
	  .property = "fsopen, fsconfig, fsmount and move_mount attach an "
		      "overlay whose merged dir shows lower",
	  .expect = "merged is overlay, merged/file=lower",
	  .req = { .root = true,
		   .fs = { "overlay" },
		   .features = FEAT_BIT(FEAT_FSOPEN) },
	  .tags = { "overlay", "rootfs" },
	  .run = fsopen_mount },
	{ .id = "overlay/copy-up",
	  .title = "a write through an overlay copies the file up",
	  .property = "writing a lower file through the merged dir puts the "
		      "new content in upper and leaves lower unchanged",
	  .expect = "lower/file=lower upper/file=new",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs", "core" },
	  .run = copy_up },
	{ .id = "overlay/whiteout",
	  .title = "deleting a lower file leaves a whiteout",
	  .property = "unlinking a lower file through merged leaves a char "
		      "0:0 whiteout in upper, hides the file, keeps lower's",
	  .expect = "whiteout in upper, merged/file hidden, lower/file kept",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .run = whiteout },
	{ .id = "overlay/opaque-dir",
	  .title = "rmdir and mkdir of a lower dir give an opaque dir",
	  .property = "a lower dir removed and made again through merged is "
		      "opaque in upper and hides lower's entries",
	  .expect = "upper/dir opaque, lower/dir/x kept",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .run = opaque_dir },
	{ .id = "overlay/rename-dir-exdev",
	  .title = "renaming a lower dir fails without redirect_dir",
	  .property = "with redirect_dir=off, rename(2) of a lower dir "
		      "through merged fails with EXDEV",
	  .expect = "rename(dir, moved): EXDEV",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .run = rename_exdev },
	{ .id = "overlay/rename-dir-redirect",
	  .title = "renaming a lower dir works with redirect_dir",
	  .property = "with redirect_dir=on, a lower dir renamed through "
		      "merged moves, with a redirect xattr, lower kept",
	  .expect = "rename(dir, moved): ok; lower/dir kept",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .run = rename_redirect },
	{ .id = "overlay/lower-order",
	  .title = "with several lowers the leftmost wins",
	  .property = "lowerdir=l1:l2 shows l1's copy of a file in both, and "
		      "files only l2 has",
	  .expect = "lowerdir=l1:l2 gives merged/f=one, merged/only2 visible",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .run = lower_order },
	{ .id = "overlay/create-in-upper",
	  .title = "files created in merged exist only in upper",
	  .property = "a file created through merged lands in upper, never "
		      "in lower",
	  .expect = "upper/new present, lower/new absent",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .run = create_upper_only },
	{ .id = "overlay/umount-clean",
	  .title = "the overlay unmounts cleanly",
	  .property = "umount(2) of a used overlay succeeds and leaves merged "
		      "an empty plain dir while upper keeps the writes",
	  .expect = "mounted, unmounted; merged empty, upper/new kept",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .run = umount_clean },
};

BOXCHECK_AREA(overlay, overlay);
