// SPDX-License-Identifier: MIT
/*
 * Mount options that refuse, fall back or follow (overlayfs.rst:
 * "renaming directories", "Metadata only copy up", "Data-only lower
 * layers", "NFS export"). A refusal is read through ovl_mount_try() (its
 * mutant refuses everything); each control mounts the same layers with
 * the option that makes the difference changed: redirect_dir=on where the
 * isolated run has follow or nofollow, index=on for off, the data-only
 * layer last, a short path for a long one.
 */
#include "overlay_more.h"

#include <string.h>
#include <sys/mount.h>
#include <sys/xattr.h>

#define STD "lowerdir=lower,upperdir=upper,workdir=work"

/* ---- option sets refused with EINVAL -------------------------------- */

struct refusal {
	const char *opts, *other; /* the isolated and the control options */
	unsigned need;		  /* OVL_BIT of options probed first */
	bool data_only;		  /* probe "::" layers first */
};

static const struct refusal refusals[] = {
	{ STD ",metacopy=on,redirect_dir=nofollow",
	  STD ",metacopy=on,redirect_dir=on", OVL_BIT(OVL_METACOPY), false },
	{ STD ",metacopy=on,redirect_dir=follow",
	  STD ",metacopy=on,redirect_dir=on", OVL_BIT(OVL_METACOPY), false },
	{ STD ",metacopy=on,index=on,nfs_export=on",
	  STD ",metacopy=on,index=on,nfs_export=off",
	  OVL_BIT(OVL_METACOPY) | OVL_BIT(OVL_NFS_EXPORT), false },
	{ "lowerdir=lower::d:l2", "lowerdir=lower:l2::d", 0, true },
	{ STD ",index=off,nfs_export=on", STD ",index=on,nfs_export=on",
	  OVL_BIT(OVL_NFS_EXPORT), false },
};

static int need_data_only(struct ctx *c)
{
	static const char *const dirs[] = { "pd.a", "pd.b", "pd.m" };
	int r;

	TRY(c, ovl_mkdirs(dirs, ARRAY_SIZE(dirs)), "mkdir the probe's dirs");
	r = ovl_mount_opts("lowerdir=pd.a::pd.b", "pd.m");
	if (r == -EINVAL)
		return ctx_skip(c, "overlay has no data-only lower layers "
				   "(lowerdir=a::b: EINVAL; Linux 6.5)");
	TRY(c, r, "probe a data-only layer");
	TRY(c, ovl_sys(umount2("pd.m", MNT_DETACH)), "unmount the probe");
	return 0;
}

struct refused {
	int err;
};

static int observe_refusal(struct ctx *c, struct refused *o,
			   const struct refusal *k)
{
	static const char *const more[] = { "d", "l2" };

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_mkdirs(more, ARRAY_SIZE(more)), "mkdir d l2");
	for (int i = 0; i < OVL_OPT__COUNT; i++)
		if (k->need & OVL_BIT(i))
			TRY_OBS(ovl_need_option(c, i));
	if (k->data_only)
		TRY_OBS(need_data_only(c));
	TRY(c,
	    ovl_mount_try(c->isolate ? k->opts : k->other, "merged", &o->err),
	    "mount overlay");
	return 0;
}

static enum obs judge_refusal(struct judge *j, const struct refused *o,
			      const struct refusal *k)
{
	const char *opts = strncmp(k->opts, STD, strlen(STD)) == 0
				   ? k->opts + strlen(STD) + 1
				   : k->opts;

	judge_kv(j, "mount", "%s", ovl_err(o->err));
	if (o->err && o->err != EINVAL)
		return judge_unknown(j, "the mount failed with %s",
				     ovl_err(o->err));
	return judge_holds(j, o->err == EINVAL, "an overlay with %s: %s", opts,
			   ovl_err(o->err));
}

#define REFUSAL(name_, i_)                                                     \
	static int observe_##name_(struct ctx *c, struct refused *o)           \
	{                                                                      \
		return observe_refusal(c, o, &refusals[i_]);                   \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct refused *o)                 \
	{                                                                      \
		return judge_refusal(j, o, &refusals[i_]);                     \
	}                                                                      \
	CHECK(name_, struct refused, observe_##name_, judge_##name_)
REFUSAL(meta_nofollow, 0);
REFUSAL(meta_follow, 1);
REFUSAL(meta_nfs, 2);
REFUSAL(data_then_lower, 3);
REFUSAL(nfs_no_index, 4);

/* ---- redirect_max ---------------------------------------------------------- */

struct rmax {
	int err;     /* rename of the dir into another parent */
	long max;    /* /sys/module/overlay/parameters/redirect_max */
	size_t path; /* the length of the redirect it needs */
};

/*
 * lower/<60 zeros>/.../d, deep enough for its redirect "/.../d" to pass
 * max bytes; or lower/s/d.
 */
static int make_dir(bool deep, long max, char *rel, size_t len)
{
	size_t at = snprintf(rel, len, "lower/s");
	int r = ovl_sys(mkdir(rel, 0755));

	while (deep && r == 0 && at + 2 - 5 <= (size_t)max) {
		if (at + 70 > len)
			return -ENAMETOOLONG;
		at += snprintf(rel + at, len - at, "/%060d", 0);
		r = ovl_sys(mkdir(rel, 0755));
	}
	snprintf(rel + at, len - at, "/d");
	return r ?: ovl_sys(mkdir(rel, 0755));
}

static int observe_rmax(struct ctx *c, struct rmax *o)
{
	char rel[1024], from[1100];
	uint64_t max;

	TRY(c, read_u64("/sys/module/overlay/parameters/redirect_max", &max),
	    "read overlay's redirect_max");
	o->max = (long)max;
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_REDIRECT_DIR));
	TRY(c, make_dir(c->isolate, o->max, rel, sizeof(rel)),
	    "make the dir to move");
	o->path = strlen(rel) - strlen("lower");
	TRY(c, ovl_mount_std("redirect_dir=on"), "mount overlay");
	snprintf(from, sizeof(from), "merged%s", rel + strlen("lower"));
	o->err = rename(from, "merged/moved") < 0 ? errno : 0;
	return 0;
}

static enum obs judge_rmax(struct judge *j, const struct rmax *o)
{
	judge_kv(j, "redirect_max", "%ld", o->max);
	judge_kv(j, "redirect", "%zu bytes", o->path);
	if (o->err && o->err != EXDEV)
		return judge_unknown(j, "rename failed with %s",
				     ovl_err(o->err));
	return judge_holds(j, o->err == EXDEV,
			   "with redirect_dir=on, moving a lower dir whose "
			   "absolute redirect is %zu bytes (redirect_max %ld): "
			   "%s",
			   o->path, o->max, ovl_err(o->err));
}
CHECK(redirect_max, struct rmax, observe_rmax, judge_rmax);

/* ---- redirect_dir=follow: follows, makes none ------------------------------ */

struct follow {
	int err;       /* rename merged/dir merged/moved */
	char list[48]; /* merged/red: a redirect made beforehand */
};

/* upper/red redirects to /dir, as a rename with redirect_dir=on leaves. */
static int prepare_red(struct ctx *c)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_REDIRECT_DIR));
	TRY(c, ovl_sys(mkdir("upper/red", 0755)), "mkdir upper/red");
	TRY(c,
	    ovl_sys(lsetxattr("upper/red", "trusted.overlay.redirect", "/dir",
			      4, 0)),
	    "set upper/red's redirect to /dir");
	return 0;
}

/* Its listing, or "(EPERM)": an overlay refusing to follow the redirect. */
static int desc_list(const char *path, char *buf, size_t len)
{
	int r = ovl_desc_listing(path, buf, len);

	if (r == -EPERM)
		snprintf(buf, len, "(EPERM)");
	return r == -EPERM ? 0 : r;
}

static int observe_follows(struct ctx *c, struct follow *o)
{
	TRY_OBS(prepare_red(c));
	TRY(c,
	    ovl_mount_std(c->isolate ? "redirect_dir=follow"
				     : "redirect_dir=nofollow"),
	    "mount overlay");
	TRY(c,
	    ovl_view("merged", "upper", "red", desc_list, o->list,
		     sizeof(o->list)),
	    "list merged/red");
	return 0;
}

static enum obs judge_follows(struct judge *j, const struct follow *o)
{
	return judge_holds(j, strcmp(o->list, "x") == 0,
			   "merged/red (upper/red redirects to /dir, which has "
			   "x): %s",
			   o->list);
}
CHECK(follow_follows, struct follow, observe_follows, judge_follows);

static int observe_makes(struct ctx *c, struct follow *o)
{
	TRY_OBS(prepare_red(c));
	TRY(c,
	    ovl_mount_std(c->isolate ? "redirect_dir=follow"
				     : "redirect_dir=on"),
	    "mount overlay");
	o->err = rename("merged/dir", "merged/moved") < 0 ? errno : 0;
	return 0;
}

static enum obs judge_makes(struct judge *j, const struct follow *o)
{
	if (o->err && o->err != EXDEV)
		return judge_unknown(j, "rename failed with %s",
				     ovl_err(o->err));
	return judge_holds(j, o->err == EXDEV, "rename of a lower dir: %s",
			   ovl_err(o->err));
}
CHECK(follow_makes_none, struct follow, observe_makes, judge_makes);

/* ---- nfs_export without upper needs redirect_dir=nofollow ------------------ */

struct handle {
	int enc, dec;
	struct content via;
};

static int observe_nfs_ro(struct ctx *c, struct handle *o)
{
	struct ovl_handle h;

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_sys(mkdir("l2", 0755)), "mkdir l2");
	TRY_OBS(ovl_need_option(c, OVL_NFS_EXPORT));
	TRY(c,
	    ovl_mount_opts(c->isolate ? "lowerdir=lower:l2,nfs_export=on,"
					"redirect_dir=nofollow"
				      : "lowerdir=lower:l2,nfs_export=on,"
					"redirect_dir=follow",
			   "merged"),
	    "mount overlay");
	o->enc = ovl_handle_of("merged/file", &h);
	if (!o->enc)
		o->dec = ovl_handle_read("merged", &h, "merged/file", &o->via);
	return 0;
}

static enum obs judge_nfs_ro(struct judge *j, const struct handle *o)
{
	judge_kv(j, "name_to_handle_at", "%s", ovl_err(o->enc));
	judge_kv(j, "open_by_handle_at", "%s",
		 o->enc ? "not tried" : ovl_err(o->dec));
	return judge_holds(
		j, !o->enc && !o->dec && content_is(&o->via, "lower"),
		"a lower-only overlay with nfs_export=on: "
		"name_to_handle_at %s, open_by_handle_at %s, reads %s",
		ovl_err(o->enc), o->enc ? "not tried" : ovl_err(o->dec),
		content_str(&o->via));
}
CHECK(nfs_export_nofollow, struct handle, observe_nfs_ro, judge_nfs_ro);

#define OPTS(id_, title_, property_, expect_, check_)                          \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_, .req = OVL_REQ,                             \
		.tags = { "overlay", "rootfs", "options" }, .check = &check_   \
	}

static const struct scenario overlay_opts[] = {
	OPTS("metacopy-refuses-nofollow",
	     "metacopy=on conflicts with redirect_dir=nofollow",
	     "an overlay with metacopy=on and redirect_dir=nofollow is refused "
	     "with EINVAL",
	     "an overlay with metacopy=on,redirect_dir=nofollow: EINVAL",
	     meta_nofollow),
	OPTS("metacopy-refuses-follow-with-upper",
	     "metacopy=on conflicts with redirect_dir=follow",
	     "an overlay with an upper, metacopy=on and redirect_dir=follow is "
	     "refused with EINVAL",
	     "an overlay with metacopy=on,redirect_dir=follow: EINVAL",
	     meta_follow),
	OPTS("metacopy-refuses-nfs-export",
	     "metacopy=on conflicts with nfs_export=on",
	     "an overlay with metacopy=on and nfs_export=on is refused with "
	     "EINVAL",
	     "an overlay with metacopy=on,index=on,nfs_export=on: EINVAL",
	     meta_nfs),
	OPTS("data-only-layers-last",
	     "no normal lower layer below a data-only one",
	     "lowerdir=lower::d:l2, a normal layer after a data-only one, is "
	     "refused with EINVAL",
	     "an overlay with lowerdir=lower::d:l2: EINVAL", data_then_lower),
	OPTS("nfs-export-refuses-index-off",
	     "nfs_export=on conflicts with index=off",
	     "a read-write overlay with index=off and nfs_export=on is refused "
	     "with EINVAL",
	     "an overlay with index=off,nfs_export=on: EINVAL", nfs_no_index),
	OPTS("redirect-max-exdev", "an absolute redirect has a maximum length",
	     "with redirect_dir=on, moving a lower dir whose absolute redirect "
	     "would pass redirect_max fails with EXDEV",
	     "moving a lower dir whose absolute redirect passes redirect_max: "
	     "EXDEV",
	     redirect_max),
	OPTS("redirect-follow-follows", "redirect_dir=follow follows redirects",
	     "with redirect_dir=follow, an upper dir redirected to a lower dir "
	     "shows that dir's entries; nofollow shows none",
	     "merged/red (upper/red redirects to /dir, which has x): x",
	     follow_follows),
	OPTS("redirect-follow-makes-none",
	     "redirect_dir=follow makes no redirect",
	     "with redirect_dir=follow, renaming a lower dir fails with EXDEV, "
	     "where redirect_dir=on moves it",
	     "rename of a lower dir: EXDEV", follow_makes_none),
	OPTS("nfs-export-lower-only-nofollow",
	     "nfs_export without upper needs redirect_dir=nofollow",
	     "a lower-only overlay with nfs_export=on and "
	     "redirect_dir=nofollow "
	     "decodes file handles; with follow, nfs_export falls back off",
	     "a lower-only overlay with nfs_export=on: name_to_handle_at ok, "
	     "open_by_handle_at ok, reads lower",
	     nfs_export_nofollow),
};

BOXCHECK_AREA(overlay_opts, overlay_opts);
