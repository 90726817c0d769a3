// SPDX-License-Identifier: MIT
/*
 * overlayfs scenarios. Everything happens in the run's private mount ns, in
 * its own directory: lower/ upper/ work/ merged/. The isolating step is the
 * overlay on merged. Where the property is about what an operation through
 * merged leaves in the layers, the control binds lower on merged instead, a
 * plain directory tree at the same path, and does the same operation: the
 * same facts (lower's digest, upper's marks, the merged view) go through the
 * same predicate. Where it is about the view alone, the control leaves
 * merged an empty plain dir; where about an option, it changes the option.
 */
#include "overlay_util.h"

#include <string.h>
#include <sys/mount.h>

static int probe_options(struct ctx *c)
{
	struct ovl_probe p;
	char acc[128], eff[128];

	TRY(c, mkdir("probe", 0755), "mkdir probe");
	TRY(c, overlay_probe_options("probe", &p), "probe overlay options");
	ovl_opts_describe(p.accepted, acc, sizeof(acc));
	ovl_opts_describe(p.effective, eff, sizeof(eff));
	ctx_kv(c, "options accepted", "%s", acc);
	ctx_kv(c, "options in force", "%s", eff);
	return 0;
}

/* ---- the view alone: the control has no mount on merged --------------- */

struct view {
	struct content file; /* merged/file */
	bool overlay;	     /* merged's filesystem is overlay */
};

static int observe_view(struct ctx *c, struct view *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(probe_options(c));
	if (c->isolate)
		TRY(c, ovl_mount_std(NULL), "mount overlay");
	TRY(c, read_content("merged/file", &o->file), "read merged/file");
	TRY(c, fs_is_overlay("merged", &o->overlay), "statfs merged");
	return 0;
}

static enum obs judge_read_through(struct judge *j, const struct view *o)
{
	judge_kv(j, "merged fs", "%s", o->overlay ? "overlay" : "not overlay");
	return judge_holds(j, content_is(&o->file, "lower"), "merged/file=%s",
			   content_str(&o->file));
}
CHECK(read_through, struct view, observe_view, judge_read_through);

static int observe_fsopen(struct ctx *c, struct view *o)
{
	struct overlay_spec s = OVL_STD_SPEC(NULL);

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	if (c->isolate)
		TRY(c, overlay_mount_fsopen(&s, "merged"),
		    "fsopen/fsconfig/fsmount/move_mount overlay");
	TRY(c, read_content("merged/file", &o->file), "read merged/file");
	TRY(c, fs_is_overlay("merged", &o->overlay), "statfs merged");
	return 0;
}

static enum obs judge_fsopen(struct judge *j, const struct view *o)
{
	const char *fs = o->overlay ? "overlay" : "not overlay";

	judge_kv(j, "merged fs", "%s", fs);
	return judge_holds(j, o->overlay && content_is(&o->file, "lower"),
			   "merged is %s, merged/file=%s", fs,
			   content_str(&o->file));
}
CHECK(fsopen_mount, struct view, observe_fsopen, judge_fsopen);

/* ---- an option: the control stacks or sets it the other way ----------- */

struct order {
	struct content f; /* merged/f: one (l1's) or two (l2's) */
	bool only2;	  /* merged/only2, which only l2 has */
};

/* Isolated lowerdir=l1:l2; the control stacks the same lowers l2:l1. */
static int observe_order(struct ctx *c, struct order *o)
{
	const char *order[2][2] = { { "l2", "l1" }, { "l1", "l2" } };
	struct overlay_spec s = { order[c->isolate], 2, NULL, NULL, NULL };

	TRY(c, mkdir("l1", 0755) ?: mkdir("l2", 0755) ?: mkdir("merged", 0755),
	    "mkdir l1 l2 merged");
	TRY(c, write_text_creat("l1/f", "one\n"), "write l1/f");
	TRY(c, write_text_creat("l2/f", "two\n"), "write l2/f");
	TRY(c, write_text_creat("l2/only2", "2\n"), "write l2/only2");
	ctx_kv(c, "lowerdir", "%s:%s", s.lowers[0], s.lowers[1]);
	TRY(c, overlay_mount(&s, "merged"), "mount read-only overlay");
	TRY(c, read_content("merged/f", &o->f), "read merged/f");
	TRY(c, path_present("merged/only2", &o->only2), "stat merged/only2");
	return 0;
}

static enum obs judge_order(struct judge *j, const struct order *o)
{
	judge_kv(j, "merged/f", "%s", content_str(&o->f));
	return judge_holds(j, content_is(&o->f, "one") && o->only2,
			   "merged/f=%s (l1 has one, l2 two), merged/only2 %s",
			   content_str(&o->f),
			   o->only2 ? "visible" : "missing");
}
CHECK(lower_order, struct order, observe_order, judge_order);

struct exdev {
	int err;  /* errno of rename(merged/dir, merged/moved), 0 if none */
	bool dir; /* lower/dir/x is still there */
};

/* Isolated: overlay with redirect_dir=off; the control: lower bound. */
static int observe_exdev(struct ctx *c, struct exdev *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_REDIRECT_DIR));
	TRY(c, ovl_mount_merged(c, "redirect_dir=off"), "mount merged");
	o->err = rename("merged/dir", "merged/moved") < 0 ? errno : 0;
	TRY(c, path_present("lower/dir/x", &o->dir), "stat lower/dir/x");
	return 0;
}

static enum obs judge_exdev(struct judge *j, const struct exdev *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "rename", "%s", e);
	judge_kv(j, "lower/dir/x", "%s", o->dir ? "kept" : "gone");
	return judge_holds(j, o->err == EXDEV, "rename(dir, moved): %s", e);
}
CHECK(rename_exdev, struct exdev, observe_exdev, judge_exdev);

/* ---- the unmount: the control unmounts its bind of lower ------------- */

struct unmount {
	bool was;	 /* merged was a mount point */
	int err;	 /* umount(2) errno, 0 if it worked */
	bool still;	 /* merged still a mount point after */
	int entries;	 /* entries of merged after */
	bool upper_new;	 /* upper/new: the write kept in upper */
	uint64_t low[2]; /* lower's digest before and after */
};

static int count_entries(const char *dir, int *n)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return neg_errno();
	*n = 0;
	while ((errno = 0, e = readdir(d)))
		*n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	return errno ? neg_errno() : 0;
}

static int observe_umount(struct ctx *c, struct unmount *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_layer_digest("lower", &o->low[0]), "digest lower");
	TRY(c, ovl_mount_merged(c, NULL), "mount merged");
	o->was = rootfs_is_mountpoint("merged");
	TRY(c, write_text_creat("merged/new", "new\n"), "create merged/new");
	o->err = umount2("merged", 0) < 0 ? errno : 0;
	o->still = rootfs_is_mountpoint("merged");
	TRY(c, count_entries("merged", &o->entries), "list merged");
	TRY(c, ovl_upper_has("upper/new", OVL_UP_FILE, &o->upper_new),
	    "inspect upper/new");
	TRY(c, ovl_layer_digest("lower", &o->low[1]), "digest lower");
	return 0;
}

static enum obs judge_umount(struct judge *j, const struct unmount *o)
{
	bool same = o->low[0] == o->low[1];
	bool clean = o->was && !o->err && !o->still && o->entries == 0;

	judge_kv(j, "umount", "%s", o->err ? strerrorname_np(o->err) : "ok");
	judge_kv(j, "merged entries after", "%d", o->entries);
	return judge_holds(
		j, clean && o->upper_new && same,
		"merged %s, umount %s, %s after with %d entries; upper/new %s, "
		"lower %s",
		o->was ? "mounted" : "not mounted",
		o->err ? strerrorname_np(o->err) : "ok",
		o->still ? "still mounted" : "unmounted", o->entries,
		o->upper_new ? "kept" : "absent",
		same ? "unchanged" : "changed");
}
CHECK(umount_clean, struct unmount, observe_umount, judge_umount);

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
	  .check = &read_through },
	{ .id = "overlay/fsopen-mount",
	  .title = "overlay mounts through the new mount API",
	  .property = "fsopen, fsconfig, fsmount and move_mount attach an "
		      "overlay whose merged dir shows lower",
	  .expect = "merged is overlay, merged/file=lower",
	  .req = { .root = true,
		   .fs = { "overlay" },
		   .features = FEAT_BIT(FEAT_FSOPEN) },
	  .tags = { "overlay", "rootfs" },
	  .check = &fsopen_mount },
	{ .id = "overlay/rename-dir-exdev",
	  .title = "renaming a lower dir fails without redirect_dir",
	  .property = "with redirect_dir=off, rename(2) of a lower dir "
		      "through merged fails with EXDEV",
	  .expect = "rename(dir, moved): EXDEV",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .check = &rename_exdev },
	{ .id = "overlay/lower-order",
	  .title = "with several lowers the leftmost wins",
	  .property = "lowerdir=l1:l2 shows l1's copy of a file in both, and "
		      "files only l2 has",
	  .expect = "merged/f=one (l1 has one, l2 two), merged/only2 visible",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .check = &lower_order },
	{ .id = "overlay/umount-clean",
	  .title = "the overlay unmounts cleanly",
	  .property = "umount(2) of a used overlay succeeds and leaves merged "
		      "an empty plain dir while upper keeps the writes and "
		      "lower is untouched",
	  .expect = "merged mounted, umount ok, unmounted after with 0 "
		    "entries; upper/new kept, lower unchanged",
	  .req = LAYERS_REQ,
	  .tags = { "overlay", "rootfs" },
	  .check = &umount_clean },
};

BOXCHECK_AREA(overlay, overlay);
