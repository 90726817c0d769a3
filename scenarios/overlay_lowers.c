// SPDX-License-Identifier: MIT
/*
 * Several lower layers (overlayfs.rst, "Multiple lower layers", "Data-only
 * lower layers", and the lowerdir+ parameter of the new mount API). The
 * layers are l1 (the top lower) and l2, or a data-only layer d; merged is
 * read through ovl_view(), whose mutant shows l1 alone. Each control keeps
 * the same layers and changes only the stacking: l1 bound alone, the
 * order reversed, d as an ordinary lower.
 */
#include "overlay_case.h"

#include <string.h>
#include <sys/mount.h>
#include <sys/xattr.h>

/* l1/f=one, l1/d/a; l2/f=two, l2/only2, l2/d/b; merged/. */
static int lower_layers(void)
{
	static const char *const dirs[] = { "l1", "l2", "l1/d", "l2/d",
					    "merged" };
	static const char *const files[][2] = {
		{ "l1/f", "one\n" }, { "l2/f", "two\n" }, { "l2/only2", "2\n" },
		{ "l1/d/a", "a\n" }, { "l2/d/b", "b\n" },
	};
	int r = 0;

	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(dirs); i++)
		r = ovl_sys(mkdir(dirs[i], 0755));
	for (size_t i = 0; r == 0 && i < ARRAY_SIZE(files); i++)
		r = write_text_creat(files[i][0], files[i][1]);
	return r;
}

static int mount_opts(const char *opts, const char *target)
{
	return ovl_sys(mount("overlay", target, "overlay", 0, opts));
}

/* Describe merged/rel as the view helper reads it. */
static int view(const char *rel, ovl_describe_fn d, char *buf, size_t len)
{
	return ovl_view("merged", "l1", rel, d, buf, len);
}

/* ---- a dir in both lowers merges ------------------------------------- */

struct seen {
	char a[48], b[48];
};

static int observe_merge(struct ctx *c, struct seen *o)
{
	TRY(c, lower_layers(), "make l1 and l2");
	if (c->isolate)
		TRY(c, mount_opts("lowerdir=l1:l2", "merged"),
		    "mount overlay of l1:l2");
	else
		TRY(c, ovl_sys(mount("l1", "merged", NULL, MS_BIND, NULL)),
		    "bind l1 on merged");
	TRY(c, view("d", ovl_desc_listing, o->a, sizeof(o->a)),
	    "list merged/d");
	return 0;
}

static enum obs judge_merge(struct judge *j, const struct seen *o)
{
	return judge_holds(j, strcmp(o->a, "a b") == 0, "merged/d: %s", o->a);
}
CHECK(lower_dirs_merge, struct seen, observe_merge, judge_merge);

/* ---- lowerdir+: layers appended one fsconfig() at a time ------------- */

static int probe_lowerdir_plus(struct ctx *c)
{
	static const char *const plus[] = { "lowerdir+=l1", "lowerdir+=l2" };
	static const char *const classic[] = { "lowerdir=l1:l2" };
	int r;

	TRY(c, ovl_sys(mkdir("probe", 0755)), "mkdir probe");
	r = overlay_mount_params(plus, 2, "probe");
	if (r == 0) {
		TRY(c, ovl_sys(umount2("probe", MNT_DETACH)),
		    "unmount the probe");
		return 0;
	}
	TRY(c, r == -EINVAL ? 0 : r, "probe lowerdir+ (fsconfig)");
	TRY(c, overlay_mount_params(classic, 1, "probe"),
	    "probe lowerdir=l1:l2 (fsconfig)");
	return ctx_skip(c, "overlay has no lowerdir+ parameter (fsconfig: "
			   "EINVAL where lowerdir=l1:l2 mounts; Linux 6.8)");
}

static int observe_plus(struct ctx *c, struct seen *o)
{
	static const char *const order[2][2] = {
		{ "lowerdir+=l2", "lowerdir+=l1" },
		{ "lowerdir+=l1", "lowerdir+=l2" },
	};

	TRY(c, lower_layers(), "make l1 and l2");
	TRY_OBS(probe_lowerdir_plus(c));
	ctx_kv(c, "parameters", "%s, %s", order[c->isolate][0],
	       order[c->isolate][1]);
	TRY(c, overlay_mount_params(order[c->isolate], 2, "merged"),
	    "mount overlay with lowerdir+");
	TRY(c, view("f", ovl_desc_content, o->a, sizeof(o->a)),
	    "read merged/f");
	TRY(c, view("only2", ovl_desc_type, o->b, sizeof(o->b)),
	    "stat merged/only2");
	return 0;
}

static enum obs judge_plus(struct judge *j, const struct seen *o)
{
	return judge_holds(
		j, strcmp(o->a, "one") == 0 && strcmp(o->b, "file") == 0,
		"merged/f: %s (l1 has one, l2 two); merged/only2: %s", o->a,
		o->b);
}
CHECK(lowerdir_plus, struct seen, observe_plus, judge_plus);

/* ---- data-only lower layers ------------------------------------------ */

/*
 * l1/f is metadata only, its data found by an absolute redirect in the
 * layers below: d/blob. Built as a composefs image is, by hand.
 */
static int data_layers(void)
{
	int r = lower_layers();

	r = r ?: ovl_sys(mkdir("d", 0755));
	r = r ?: write_text_creat("d/blob", "data\n");
	r = r ?: write_text_creat("l1/meta", "");
	r = r ?: ovl_sys(truncate("l1/meta", 5));
	r = r
		    ?: ovl_sys(setxattr("l1/meta", "trusted.overlay.metacopy",
					"", 0, 0));
	return r
		       ?: ovl_sys(setxattr("l1/meta",
					   "trusted.overlay.redirect", "/blob",
					   5, 0));
}

#define DATA_ONLY "lowerdir=l1::d,metacopy=on"
#define DATA_AS_LOWER "lowerdir=l1:d,metacopy=on"

static int probe_data_only(struct ctx *c)
{
	int r;

	TRY_OBS(ovl_need_option(c, OVL_METACOPY));
	TRY(c, ovl_sys(mkdir("probe", 0755)), "mkdir probe");
	r = mount_opts(DATA_ONLY, "probe");
	if (r == 0) {
		TRY(c, ovl_sys(umount2("probe", MNT_DETACH)),
		    "unmount the probe");
		return 0;
	}
	TRY(c, r == -EINVAL ? 0 : r, "probe " DATA_ONLY);
	TRY(c, mount_opts(DATA_AS_LOWER, "probe"), "probe " DATA_AS_LOWER);
	return ctx_skip(c, "overlay has no data-only lower layers (" DATA_ONLY
			   ": EINVAL where " DATA_AS_LOWER " mounts; Linux "
			   "6.5)");
}

static int observe_data(struct ctx *c, struct seen *o)
{
	TRY(c, data_layers(), "make l1 and the data layer d");
	TRY_OBS(probe_data_only(c));
	TRY(c, mount_opts(c->isolate ? DATA_ONLY : DATA_AS_LOWER, "merged"),
	    "mount overlay");
	TRY(c, view("meta", ovl_desc_content, o->a, sizeof(o->a)),
	    "read merged/meta");
	TRY(c, view("blob", ovl_desc_type, o->b, sizeof(o->b)),
	    "stat merged/blob");
	return 0;
}

static enum obs judge_data(struct judge *j, const struct seen *o)
{
	return judge_holds(
		j, strcmp(o->a, "data") == 0 && strcmp(o->b, "(absent)") == 0,
		"merged/meta: %s (its data in d/blob); merged/blob: "
		"%s",
		o->a, o->b);
}
CHECK(data_only_lower, struct seen, observe_data, judge_data);

#define LOWERS(id_, title_, property_, expect_, check_, ...)                   \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_,                                             \
		.req = { .root = true, .fs = { "overlay" }, __VA_ARGS__ },     \
		.tags = { "overlay", "rootfs", "lowers" }, .check = &check_    \
	}

static const struct scenario overlay_lowers[] = {
	LOWERS("lower-dirs-merge", "a dir in two lowers merges",
	       "a dir in two lower layers lists the entries of both through "
	       "merged",
	       "merged/d: a b", lower_dirs_merge),
	LOWERS("lowerdir-plus", "lowerdir+ appends lower layers in order",
	       "lower layers given one by one with fsconfig lowerdir+ stack "
	       "in the order given, the first on top",
	       "merged/f: one (l1 has one, l2 two); merged/only2: file",
	       lowerdir_plus, .features = FEAT_BIT(FEAT_FSOPEN)),
	LOWERS("data-only-lower", "a data-only lower layer is not listed",
	       "a data-only lower layer (lowerdir=l1::d) gives a metacopy "
	       "file its data by redirect, and shows none of its own names",
	       "merged/meta: data (its data in d/blob); merged/blob: (absent)",
	       data_only_lower),
};

BOXCHECK_AREA(overlay_lowers, overlay_lowers);
