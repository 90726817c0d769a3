// SPDX-License-Identifier: MIT
/*
 * What an overlay mount accepts and refuses (overlayfs.rst: "Volatile
 * mount", stacking, "Sharing and copying layers", the work dir, "Data-only
 * lower layers", the lowerdir+ parameter). Each scenario says what its
 * control changes: an option, a layer, or the overlay for a bind. A
 * refusal that is the property goes through ovl_mount_attempt(); a feature
 * the kernel lacks is a skip naming it and the probe that showed it.
 */
#include "overlay_case.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/xattr.h>

static const char *err_str(int e)
{
	return e ? strerrorname_np(e) : "ok";
}

static int mkdirs(const char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (mkdir(dirs[i], 0755) < 0)
			return neg_errno();
	return 0;
}

/* ---- volatile: the work dir remembers, a second mount is refused ---- */

struct vol {
	int sync_err; /* syncfs(2) on merged */
	int again;    /* the next mount of the same upper and work */
};

static int observe_volatile(struct ctx *c, struct vol *o)
{
	struct overlay_spec s = OVL_STD_SPEC(NULL);
	_cleanup_close_ int fd = -1;
	bool marker;

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_VOLATILE));
	TRY(c, ovl_mount_std(c->isolate ? "volatile" : NULL), "mount overlay");
	TRY(c, write_text_creat("merged/new", "new\n"), "write merged/new");
	fd = open("merged", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	TRY(c, fd < 0 ? neg_errno() : 0, "open merged");
	o->sync_err = syncfs(fd) < 0 ? errno : 0;
	TRY(c, path_present("work/work/incompat/volatile", &marker),
	    "stat the volatile marker");
	ctx_kv(c, "work/work/incompat/volatile", "%s",
	       marker ? "present" : "absent");
	TRY(c, ovl_sys(close(fd)), "close merged");
	fd = -1;
	TRY(c, ovl_sys(umount2("merged", 0)), "unmount merged");
	TRY(c, ovl_mount_attempt(&s, "merged", &o->again), "mount again");
	return 0;
}

static enum obs judge_volatile(struct judge *j, const struct vol *o)
{
	judge_kv(j, "mount again", "%s", err_str(o->again));
	return judge_holds(j, !o->sync_err && o->again == EINVAL,
			   "syncfs: %s; the same upper and work mounted again: "
			   "%s",
			   err_str(o->sync_err), err_str(o->again));
}
CHECK(volatile_remount, struct vol, observe_volatile, judge_volatile);

/* ---- an overlay as the lower layer of another ------------------------ */

static const char *const nest_dirs[] = { "mid", "upper2", "work2",
					 "top", "upper3", "work3" };

/* The standard overlay on mid, the layer the next one stacks on. */
static int mount_mid(void)
{
	struct overlay_spec s = OVL_STD_SPEC(NULL);
	int r = ovl_make_layers();

	r = r ?: mkdirs(nest_dirs, ARRAY_SIZE(nest_dirs));
	return r ?: overlay_mount(&s, "mid");
}

struct nested {
	int wr_err;
	struct content v; /* merged/file after the write */
	uint64_t low[2];  /* lower's digest before and after */
	uint64_t up[2];	  /* the inner overlay's upper, the same */
	bool copied;	  /* upper2/file: the outer overlay's copy */
};

static int observe_nested(struct ctx *c, struct nested *o)
{
	static const char *const mid[] = { "mid" };
	struct overlay_spec s = { mid, 1, "upper2", "work2", NULL };

	TRY(c, mount_mid(), "mount the inner overlay on mid");
	TRY(c, ovl_layer_digest("lower", &o->low[0]), "digest lower");
	TRY(c, ovl_layer_digest("upper", &o->up[0]), "digest upper");
	if (c->isolate)
		TRY(c, overlay_mount(&s, "merged"), "mount overlay of mid");
	else
		TRY(c, ovl_sys(mount("mid", "merged", NULL, MS_BIND, NULL)),
		    "bind mid on merged");
	o->wr_err = -write_text_creat("merged/file", "new\n");
	TRY(c, read_content("merged/file", &o->v), "read merged/file");
	TRY(c, ovl_layer_digest("lower", &o->low[1]), "digest lower");
	TRY(c, ovl_layer_digest("upper", &o->up[1]), "digest upper");
	TRY(c, ovl_upper_has("upper2/file", OVL_UP_FILE, &o->copied),
	    "inspect upper2");
	return 0;
}

static enum obs judge_nested(struct judge *j, const struct nested *o)
{
	bool low = o->low[0] == o->low[1], up = o->up[0] == o->up[1];

	judge_kv(j, "inner upper", "%s", up ? "unchanged" : "changed");
	return judge_holds(j,
			   !o->wr_err && content_is(&o->v, "new") && low &&
				   up && o->copied,
			   "write: %s; merged/file=%s; lower %s, inner upper "
			   "%s, outer upper %s",
			   err_str(o->wr_err), content_str(&o->v),
			   low ? "unchanged" : "changed",
			   up ? "unchanged" : "changed",
			   o->copied ? "has the copy" : "has nothing");
}
CHECK(nested_overlay, struct nested, observe_nested, judge_nested);

/* Three overlays deep is refused; the control stacks only two. */
struct depth {
	int err; /* the third overlay's mount */
};

static int observe_depth(struct ctx *c, struct depth *o)
{
	static const char *const mid[] = { "mid" }, *const top[] = { "top" };
	struct overlay_spec two = { mid, 1, "upper2", "work2", NULL };
	struct overlay_spec three = { c->isolate ? top : mid, 1, "upper3",
				      "work3", NULL };

	TRY(c, mount_mid(), "mount the first overlay on mid");
	TRY(c, overlay_mount(&two, "top"), "mount the second overlay on top");
	TRY(c, ovl_mount_attempt(&three, "merged", &o->err),
	    "mount the next overlay");
	return 0;
}

static enum obs judge_depth(struct judge *j, const struct depth *o)
{
	return judge_holds(j, o->err == EINVAL,
			   "an overlay over the top of the stack: %s",
			   err_str(o->err));
}
CHECK(nesting_depth, struct depth, observe_depth, judge_depth);

/* ---- layers in use, the work dir ------------------------------------ */

struct refused {
	int err;
};

/*
 * With index=on a second overlay on the first one's upper dir is refused;
 * the control gives the second its own upper dir.
 */
static int observe_inuse(struct ctx *c, struct refused *o)
{
	static const char *const more[] = { "upper2", "work2", "m2" };
	struct overlay_spec s = { ovl_one_lower, 1,
				  c->isolate ? "upper" : "upper2", "work2",
				  "index=on" };

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_INDEX));
	TRY(c, mkdirs(more, ARRAY_SIZE(more)), "mkdir upper2 work2 m2");
	TRY(c, ovl_mount_std("index=on"), "mount overlay");
	TRY(c, ovl_mount_attempt(&s, "m2", &o->err), "mount a second overlay");
	return 0;
}

static enum obs judge_inuse(struct judge *j, const struct refused *o)
{
	return judge_holds(j, o->err == EBUSY,
			   "a second overlay on the upper dir in use: %s",
			   err_str(o->err));
}
CHECK(upper_in_use, struct refused, observe_inuse, judge_inuse);

/* A work dir on another filesystem than upper is refused. */
static int observe_workdir(struct ctx *c, struct refused *o)
{
	struct overlay_spec s = OVL_STD_SPEC(NULL);

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_sys(mkdir("W", 0755)), "mkdir W");
	TRY(c, ovl_sys(mount("tmpfs", "W", "tmpfs", 0, "size=1m")),
	    "mount a tmpfs on W");
	TRY(c, ovl_sys(mkdir("W/work", 0755)), "mkdir W/work");
	s.work = c->isolate ? "W/work" : "work";
	ctx_kv(c, "workdir", "%s", s.work);
	TRY(c, ovl_mount_attempt(&s, "merged", &o->err), "mount overlay");
	return 0;
}

static enum obs judge_workdir(struct judge *j, const struct refused *o)
{
	return judge_holds(j, o->err == EINVAL,
			   "an overlay whose work dir is on another "
			   "filesystem than upper: %s",
			   err_str(o->err));
}
CHECK(workdir_same_fs, struct refused, observe_workdir, judge_workdir);

/* ---- no upper: read-only --------------------------------------------- */

struct ro {
	int wr_err, mk_err; /* open O_WRONLY, mkdir through merged */
};

/* Isolated: lowers only; the control: the same with an upper dir. */
static int observe_ro(struct ctx *c, struct ro *o)
{
	static const char *const lowers[] = { "lower", "l2" };
	struct overlay_spec s = { lowers, 2, NULL, NULL, NULL };
	int fd;

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_sys(mkdir("l2", 0755)), "mkdir l2");
	if (!c->isolate) {
		s.upper = "upper";
		s.work = "work";
	}
	TRY(c, overlay_mount(&s, "merged"), "mount overlay");
	fd = open("merged/file", O_WRONLY | O_CLOEXEC);
	o->wr_err = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	o->mk_err = mkdir("merged/new", 0755) < 0 ? errno : 0;
	return 0;
}

static enum obs judge_ro(struct judge *j, const struct ro *o)
{
	return judge_holds(j, o->wr_err == EROFS && o->mk_err == EROFS,
			   "open merged/file for writing: %s; mkdir "
			   "merged/new: %s",
			   err_str(o->wr_err), err_str(o->mk_err));
}
CHECK(no_upper_erofs, struct ro, observe_ro, judge_ro);

#define MOUNTS(id_, title_, property_, expect_, check_)                        \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_, .req = OVL_REQ,                             \
		.tags = { "overlay", "rootfs", "mount" }, .check = &check_     \
	}

static const struct scenario overlay_mounts[] = {
	MOUNTS("volatile-refuses-remount",
	       "a volatile overlay's layers are refused again",
	       "a volatile overlay syncs without error and leaves a marker in "
	       "its work dir: the same upper and work dir mount no more",
	       "syncfs: ok; the same upper and work mounted again: EINVAL",
	       volatile_remount),
	MOUNTS("nested-overlay", "an overlay stacks on an overlay",
	       "an overlay whose lower layer is an overlay copies writes up "
	       "into its own upper only: the inner overlay's layers are kept",
	       "write: ok; merged/file=new; lower unchanged, inner upper "
	       "unchanged, outer upper has the copy",
	       nested_overlay),
	MOUNTS("nesting-depth-limit", "a third stacked overlay is refused",
	       "an overlay over two stacked overlays exceeds the kernel's "
	       "stacking depth (2) and is refused with EINVAL",
	       "an overlay over the top of the stack: EINVAL", nesting_depth),
	MOUNTS("upper-in-use", "an upper dir in use is refused to another",
	       "with index=on, a second overlay on the upper dir of a mounted "
	       "one is refused with EBUSY",
	       "a second overlay on the upper dir in use: EBUSY", upper_in_use),
	MOUNTS("workdir-same-fs", "the work dir must be on upper's filesystem",
	       "an overlay whose work dir is on another filesystem than its "
	       "upper dir is refused with EINVAL",
	       "an overlay whose work dir is on another filesystem than upper: "
	       "EINVAL",
	       workdir_same_fs),
	MOUNTS("no-upper-read-only", "an overlay without upper is read-only",
	       "an overlay of lower layers only refuses writes and creations "
	       "with EROFS",
	       "open merged/file for writing: EROFS; mkdir merged/new: EROFS",
	       no_upper_erofs),
};

BOXCHECK_AREA(overlay_mounts, overlay_mounts);
