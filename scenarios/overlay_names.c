// SPDX-License-Identifier: MIT
/*
 * Names and metadata through merged (overlayfs.rst: "Directories",
 * "whiteouts and opaque directories", "Nesting overlayfs mounts",
 * "Multiple lower layers", "Data-only lower layers"): a merged directory's
 * metadata, the xattr form of a whiteout, escaped overlay.* xattrs,
 * colons in layer names, datadir+. Merged is read through ovl_view(),
 * whose mutant reads the top layer alone. Each control keeps the layers
 * and leaves out one thing: the overlay (a bind of lower), the whiteout
 * xattr, the escape of a colon, the fsconfig parameter.
 */
#include "overlay_more.h"

#include <string.h>
#include <sys/mount.h>
#include <sys/xattr.h>

static int xset(const char *path, const char *name, const char *v)
{
	return ovl_sys(lsetxattr(path, name, v, strlen(v), 0));
}

/* "mode 700, xattr upper": a dir's mode and its trusted.boxcheck. */
static int desc_meta(const char *path, char *buf, size_t len)
{
	char m[32], x[48];
	int r = ovl_desc_mode(path, m, sizeof(m));

	r = r ?: ovl_desc_xattr(path, x, sizeof(x));
	if (r == 0)
		snprintf(buf, len, "%s, %s", m, x);
	return r;
}

/* ---- a merged dir shows upper's metadata ---------------------------------- */

struct seen {
	char a[96], b[96];
};

static int observe_meta(struct ctx *c, struct seen *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_sys(mkdir("upper/dir", 0700)), "mkdir upper/dir");
	TRY(c, ovl_sys(chmod("upper/dir", 0700)), "chmod upper/dir");
	TRY(c,
	    xset("lower/dir", "trusted.boxcheck", "lower")
		    ?: xset("upper/dir", "trusted.boxcheck", "upper"),
	    "set trusted.boxcheck on both dirs");
	TRY(c, ovl_mount_merged(c, NULL), "mount merged");
	TRY(c,
	    ovl_view("merged", "upper", "dir", desc_meta, o->a, sizeof(o->a)),
	    "describe merged/dir");
	TRY(c,
	    ovl_view("merged", "upper", "dir", ovl_desc_listing, o->b,
		     sizeof(o->b)),
	    "list merged/dir");
	return 0;
}

static enum obs judge_meta(struct judge *j, const struct seen *o)
{
	judge_kv(j, "merged/dir", "%s", o->a);
	return judge_holds(j,
			   strcmp(o->a, "mode 700, xattr upper") == 0 &&
				   strcmp(o->b, "x") == 0,
			   "merged/dir (upper 0700 xattr upper, lower 0755 "
			   "xattr lower): %s; lists %s",
			   o->a, o->b);
}
CHECK(merged_dir_meta, struct seen, observe_meta, judge_meta);

/* ---- escaped overlay.* xattrs (Linux 6.7) ----------------------------- */

/* Skip unless setting trusted.overlay.* through an overlay is escaped. */
static int need_escape(struct ctx *c)
{
	static const char *const dirs[] = { "pe.l", "pe.u", "pe.w", "pe.m" };
	int r;

	TRY(c, ovl_mkdirs(dirs, ARRAY_SIZE(dirs)), "mkdir the probe's dirs");
	TRY(c, write_text_creat("pe.l/f", "f\n"), "write the probe's file");
	TRY(c,
	    ovl_mount_opts("lowerdir=pe.l,upperdir=pe.u,workdir=pe.w", "pe.m"),
	    "mount the probe");
	r = xset("pe.m/f", "trusted.overlay.probe", "1");
	TRY(c, ovl_sys(umount2("pe.m", MNT_DETACH)), "unmount the probe");
	if (r == -EOPNOTSUPP || r == -EPERM)
		return ctx_skip(c,
				"overlay does not escape overlay.* xattrs "
				"(setxattr trusted.overlay.probe through "
				"merged: %s; Linux 6.7, with xattr "
				"whiteouts)",
				ovl_err(-r));
	TRY(c, r, "probe the escape (setxattr through the probe)");
	return 0;
}

/* "x=v y=w": trusted.overlay.x and trusted.overlay.overlay.y of path. */
static int desc_esc(const char *path, char *buf, size_t len)
{
	static const char *const names[] = { "trusted.overlay.x",
					     "trusted.overlay.overlay.y" };
	char v[2][16];

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		ssize_t n = lgetxattr(path, names[i], v[i], sizeof(v[i]) - 1);

		if (n < 0 && errno != ENODATA)
			return neg_errno();
		v[i][n < 0 ? 0 : n] = '\0';
		if (n < 0)
			snprintf(v[i], sizeof(v[i]), "-");
	}
	snprintf(buf, len, "x=%s y=%s", v[0], v[1]);
	return 0;
}

static int observe_esc(struct ctx *c, struct seen *o)
{
	TRY_OBS(need_escape(c));
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c,
	    xset("lower/file", "trusted.overlay.overlay.x", "v")
		    ?: xset("lower/file", "trusted.overlay.overlay.overlay.y",
			    "w"),
	    "set escaped xattrs on lower/file");
	if (c->isolate)
		TRY(c, ovl_mount_std(NULL), "mount overlay");
	else
		TRY(c, ovl_sys(mount("lower", "merged", NULL, MS_BIND, NULL)),
		    "bind lower on merged");
	TRY(c,
	    ovl_view("merged", "lower", "file", desc_esc, o->a, sizeof(o->a)),
	    "read merged/file's xattrs");
	return 0;
}

static enum obs judge_esc(struct judge *j, const struct seen *o)
{
	judge_kv(j, "merged/file", "%s", o->a);
	return judge_holds(j, strcmp(o->a, "x=v y=w") == 0,
			   "lower/file has trusted.overlay.overlay.x=v and "
			   "trusted.overlay.overlay.overlay.y=w; merged/file "
			   "reads trusted.overlay.{x,overlay.y}: %s",
			   o->a);
}
CHECK(escaped_xattrs, struct seen, observe_esc, judge_esc);

/* ---- a whiteout made of xattrs ------------------------------------------- */

static int observe_xwh(struct ctx *c, struct seen *o)
{
	static const char *const dirs[] = { "l1", "l1/d", "l2", "l2/d",
					    "merged" };

	TRY_OBS(need_escape(c));
	TRY(c, ovl_mkdirs(dirs, ARRAY_SIZE(dirs)), "mkdir the layers");
	TRY(c,
	    write_text_creat("l2/d/x", "x\n") ?: write_text_creat("l2/d/y", "y\n")
		    ?: write_text_creat("l1/d/x", ""),
	    "write l2/d/x, l2/d/y and an empty l1/d/x");
	TRY(c, xset("l1/d", "trusted.overlay.opaque", "x"),
	    "mark l1/d opaque=x");
	if (c->isolate)
		TRY(c, xset("l1/d/x", "trusted.overlay.whiteout", ""),
		    "mark l1/d/x a whiteout");
	TRY(c, ovl_mount_opts("lowerdir=l1:l2", "merged"), "mount overlay");
	TRY(c,
	    ovl_view("merged", "l1", "d", ovl_desc_listing, o->a, sizeof(o->a)),
	    "list merged/d");
	return 0;
}

static enum obs judge_xwh(struct judge *j, const struct seen *o)
{
	return judge_holds(j, strcmp(o->a, "y") == 0,
			   "merged/d (l1/d/x an empty file, l2/d has x y) "
			   "lists: %s",
			   o->a);
}
CHECK(xattr_whiteout, struct seen, observe_xwh, judge_xwh);

/* ---- a colon in a lower dir's name ----------------------------------------- */

/* "a:b/f" colon, "a/f" a, "b/f" b; u and w for upper and work. */
#define CW ",upperdir=u,workdir=w"
static int colon_layers(void)
{
	static const char *const dirs[] = {
		"a:b", "a", "b", "u", "w", "merged"
	};
	int r = ovl_mkdirs(dirs, ARRAY_SIZE(dirs));

	r = r ?: write_text_creat("a:b/f", "colon\n");
	return r ?: write_text_creat("a/f", "a\n") ?: write_text_creat("b/f", "b\n");
}

static int observe_colon(struct ctx *c, struct seen *o)
{
	TRY(c, colon_layers(), "make a:b, a and b");
	TRY(c,
	    ovl_mount_opts(c->isolate ? "lowerdir=a\\:b" CW : "lowerdir=a:b" CW,
			   "merged"),
	    "mount overlay");
	TRY(c,
	    ovl_view("merged", "a", "f", ovl_desc_content, o->a, sizeof(o->a)),
	    "read merged/f");
	return 0;
}

static enum obs judge_colon(struct judge *j, const struct seen *o)
{
	return judge_holds(j, strcmp(o->a, "colon") == 0,
			   "merged/f (a:b/f colon, a/f a): %s", o->a);
}
CHECK(colon_escaped, struct seen, observe_colon, judge_colon);

/* ---- lowerdir+ and datadir+ (Linux 6.8) ------------------------------------ */

static int need_plus(struct ctx *c, const char *param)
{
	const char *const plus[] = { "lowerdir+=pp.a", param };
	static const char *const dirs[] = { "pp.a", "pp.b", "pp.m" };
	int r;

	TRY(c, ovl_mkdirs(dirs, ARRAY_SIZE(dirs)), "mkdir the probe's dirs");
	r = overlay_mount_params(plus, 2, "pp.m");
	if (r == -EINVAL)
		return ctx_skip(c,
				"overlay has no %.*s parameter (fsconfig: "
				"EINVAL; Linux 6.8)",
				(int)strcspn(param, "="), param);
	TRY(c, r, "probe the fsconfig parameter");
	TRY(c, ovl_sys(umount2("pp.m", MNT_DETACH)), "unmount the probe");
	return 0;
}

/* l1/meta: metadata only, its data by absolute redirect at d/blob. */
static int data_layers(void)
{
	static const char *const dirs[] = { "l1", "d", "merged" };
	int r = ovl_mkdirs(dirs, ARRAY_SIZE(dirs));

	r = r ?: write_text_creat("d/blob", "data\n");
	r = r ?: write_text_creat("l1/meta", "") ?: ovl_sys(truncate("l1/meta", 5));
	r = r
		    ?: ovl_sys(lsetxattr("l1/meta", "trusted.overlay.metacopy",
					 "", 0, 0));
	return r ?: xset("l1/meta", "trusted.overlay.redirect", "/blob");
}

static int observe_datadir(struct ctx *c, struct seen *o)
{
	const char *const p[] = { "lowerdir+=l1",
				  c->isolate ? "datadir+=d" : "lowerdir+=d",
				  "metacopy=on" };

	TRY(c, data_layers(), "make l1 and the data layer d");
	TRY_OBS(ovl_need_option(c, OVL_METACOPY));
	TRY_OBS(need_plus(c, "datadir+=pp.b"));
	TRY(c, overlay_mount_params(p, ARRAY_SIZE(p), "merged"),
	    "mount overlay with fsconfig");
	TRY(c,
	    ovl_view("merged", "l1", "meta", ovl_desc_content, o->a,
		     sizeof(o->a)),
	    "read merged/meta");
	TRY(c,
	    ovl_view("merged", "l1", "blob", ovl_desc_type, o->b, sizeof(o->b)),
	    "stat merged/blob");
	return 0;
}

static enum obs judge_datadir(struct judge *j, const struct seen *o)
{
	return judge_holds(
		j, strcmp(o->a, "data") == 0 && strcmp(o->b, "(absent)") == 0,
		"merged/meta: %s (its data in d/blob); merged/blob: "
		"%s",
		o->a, o->b);
}
CHECK(datadir_plus, struct seen, observe_datadir, judge_datadir);

#define NAMES(id_, title_, property_, expect_, check_, ...)                    \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_,                                             \
		.req = { .root = true, .fs = { "overlay" }, __VA_ARGS__ },     \
		.tags = { "overlay", "rootfs", "names" }, .check = &check_     \
	}

static const struct scenario overlay_names[] = {
	NAMES("merged-dir-upper-metadata",
	      "a merged dir shows upper's metadata only",
	      "a dir in both layers merges its names but shows the upper dir's "
	      "mode and xattrs, none of the lower dir's",
	      "merged/dir: mode 700, xattr upper; lists x", merged_dir_meta),
	NAMES("escaped-xattrs-one-level",
	      "escaped overlay.* xattrs lose one prefix",
	      "a lower file's trusted.overlay.overlay.* xattrs show through "
	      "merged with one overlay. prefix removed per level",
	      "merged/file reads trusted.overlay.{x,overlay.y}: x=v y=w",
	      escaped_xattrs),
	NAMES("xattr-whiteout-hides", "an xattr whiteout hides a lower name",
	      "an empty regular file with trusted.overlay.whiteout, in a lower "
	      "dir marked trusted.overlay.opaque=x, hides the name below and "
	      "itself",
	      "merged/d lists: y", xattr_whiteout),
	NAMES("lowerdir-colon-escaped", "a colon in lowerdir is given as \\:",
	      "lowerdir=a\\:b names the one dir a:b, where lowerdir=a:b stacks "
	      "a on b",
	      "merged/f (a:b/f colon, a/f a): colon", colon_escaped),
	NAMES("datadir-plus-data-only", "datadir+ adds a data-only lower layer",
	      "a layer given with fsconfig datadir+ gives a metacopy file its "
	      "data by redirect, and shows none of its own names",
	      "merged/meta: data (its data in d/blob); merged/blob: (absent)",
	      datadir_plus, .features = FEAT_BIT(FEAT_FSOPEN)),
};

BOXCHECK_AREA(overlay_names, overlay_names);
