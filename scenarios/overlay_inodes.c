// SPDX-License-Identifier: MIT
/*
 * st_dev, st_ino and d_ino of overlay objects (overlayfs.rst: "Overlay
 * objects", "Inode properties", "xino"). The layers sit on two tmpfs, L
 * (lower) and U (upper and work), or on one when U is a bind of L:
 *   L/lower: f, d/, md/x        U/upper: g, md/y, pd/   (md is merged)
 * Each control changes one thing: the overlay for a bind of lower, xino
 * on for off, one filesystem for two, a lower with file handles for one
 * without. Identities are read through ovl_stat_id().
 */
#include "overlay_more.h"

#include <string.h>
#include <sys/mount.h>

#define LAYERS "lowerdir=L/lower,upperdir=U/upper,workdir=U/work"

/* The layers; U a bind of L when one_fs, else a tmpfs of its own. */
static int layers(bool one_fs, const char *lower_type)
{
	static const char *const dirs[] = {
		"L/lower",    "L/lower/d",  "L/lower/md", "U/pad", "U/upper",
		"U/upper/md", "U/upper/pd", "U/work",	  "merged"
	};
	int r = ovl_fs_at("L", lower_type);

	if (r == 0 && one_fs)
		r = ovl_sys(mkdir("U", 0755))
			    ?: ovl_sys(mount("L", "U", NULL, MS_BIND, NULL));
	else if (r == 0)
		r = ovl_fs_at("U", "tmpfs");
	r = r ?: ovl_mkdirs(dirs, ARRAY_SIZE(dirs));
	r = r ?: write_text_creat("L/lower/f", "f\n");
	r = r ?: write_text_creat("L/lower/md/x", "x\n");
	return r ?: write_text_creat("U/upper/g", "g\n");
}

static const char *xino(bool on)
{
	return on ? LAYERS ",xino=on" : LAYERS ",xino=off";
}

/* ---- directories carry the overlay's st_dev, files their layer's ------ */

struct devs {
	struct ovl_id root, d, f; /* merged, merged/d, merged/f */
	uint64_t layer;		  /* L's st_dev */
};

static int observe_devs(struct ctx *c, struct devs *o)
{
	struct ovl_id l;

	TRY(c, layers(false, "tmpfs"), "make the layers on two tmpfs");
	if (c->isolate)
		TRY(c, ovl_mount_opts(xino(false), "merged"), "mount overlay");
	else
		TRY(c, ovl_sys(mount("L/lower", "merged", NULL, MS_BIND, NULL)),
		    "bind L/lower on merged");
	TRY(c, ovl_stat_id("L", &l), "stat L");
	o->layer = l.dev;
	TRY(c,
	    ovl_stat_id("merged", &o->root) ?: ovl_stat_id("merged/d", &o->d)
		    ?: ovl_stat_id("merged/f", &o->f),
	    "stat merged, merged/d, merged/f");
	return 0;
}

static enum obs judge_devs(struct judge *j, const struct devs *o)
{
	bool dir = o->d.dev == o->root.dev, file = o->f.dev != o->root.dev;

	judge_kv(j, "st_dev", "merged %llu, merged/d %llu, merged/f %llu",
		 (unsigned long long)o->root.dev, (unsigned long long)o->d.dev,
		 (unsigned long long)o->f.dev);
	return judge_holds(j, dir && file,
			   "the dir %s merged's st_dev; the lower file %s",
			   dir ? "carries" : "does not carry",
			   file ? "carries another (its layer's)"
				: "carries merged's too");
}
CHECK(dev_dir_vs_file, struct devs, observe_devs, judge_devs);

/* ---- without xino: st_dev differs, a dir's st_ino is not kept ------------ */

struct nox {
	struct ovl_id root, f;
	uint64_t md[2]; /* merged/md's st_ino in two mounts */
};

/* Mount, stat in an order (md first or last), unmount. */
static int stat_round(struct ctx *c, bool on, bool md_first, struct nox *o,
		      int i)
{
	static const char *const rest[] = { "merged/pd", "merged/d" };
	struct ovl_id id;

	TRY(c, ovl_mount_opts(xino(on), "merged"), "mount overlay");
	if (md_first)
		TRY(c, ovl_stat_id("merged/md", &id), "stat merged/md");
	for (size_t k = 0; k < ARRAY_SIZE(rest); k++) {
		struct ovl_id other;

		TRY(c, ovl_stat_id(rest[k], &other), "stat a dir");
	}
	if (!md_first)
		TRY(c, ovl_stat_id("merged/md", &id), "stat merged/md");
	o->md[i] = id.ino;
	TRY(c,
	    ovl_stat_id("merged", &o->root) ?: ovl_stat_id("merged/f", &o->f),
	    "stat merged and merged/f");
	TRY(c, ovl_sys(umount2("merged", 0)), "unmount merged");
	return 0;
}

static int observe_nox(struct ctx *c, struct nox *o)
{
	bool on = !c->isolate;

	/* The control needs xino: without it nothing tells the runs apart. */
	TRY_OBS(ovl_need_xino(c));
	TRY(c, layers(false, "tmpfs"), "make the layers on two tmpfs");
	TRY_OBS(stat_round(c, on, true, o, 0));
	return stat_round(c, on, false, o, 1);
}

static enum obs judge_nox(struct judge *j, const struct nox *o)
{
	bool dev = o->f.dev != o->root.dev, ino = o->md[0] != o->md[1];

	judge_kv(j, "merged/md st_ino", "%#llx then %#llx",
		 (unsigned long long)o->md[0], (unsigned long long)o->md[1]);
	return judge_holds(j, dev && ino,
			   "merged/f's st_dev %s merged's; merged/md's st_ino "
			   "%s between two mounts",
			   dev ? "differs from" : "is",
			   ino ? "changed" : "kept");
}
CHECK(no_xino_unstable, struct nox, observe_nox, judge_nox);

/* ---- xino: an inode number too big falls back ---------------------------- */

struct big {
	struct ovl_id root, f, g; /* merged, merged/f (big), merged/g */
	uint64_t mid_f;		  /* mid/f's st_ino: the number it maps */
};

/*
 * mid: an overlay of L/lower and U/upper; with xino=on (isolated) its
 * lower file f carries a number with the top bit set. merged: an overlay
 * with xino=on over mid and V/upper.
 */
static int observe_big(struct ctx *c, struct big *o)
{
	static const char *const dirs[] = { "mid", "V/upper", "V/work" };
	struct ovl_id id;

	TRY_OBS(ovl_need_xino(c));
	TRY(c, layers(false, "tmpfs"), "make the layers on two tmpfs");
	TRY(c, ovl_fs_at("V", "tmpfs") ?: ovl_mkdirs(dirs, ARRAY_SIZE(dirs)),
	    "mount a third tmpfs on V");
	TRY(c, ovl_mount_opts(xino(c->isolate), "mid"),
	    "mount the overlay mid");
	TRY(c, ovl_stat_id("mid/f", &id), "stat mid/f");
	o->mid_f = id.ino;
	TRY(c,
	    ovl_mount_opts("lowerdir=mid,upperdir=V/upper,workdir=V/work,"
			   "xino=on",
			   "merged"),
	    "mount the overlay of mid");
	TRY(c,
	    ovl_stat_id("merged", &o->root) ?: ovl_stat_id("merged/f", &o->f)
		    ?: ovl_stat_id("merged/g", &o->g),
	    "stat merged, merged/f, merged/g");
	return 0;
}

static enum obs judge_big(struct judge *j, const struct big *o)
{
	bool fell = o->f.dev != o->root.dev, kept = o->g.dev == o->root.dev;

	judge_kv(j, "mid/f st_ino", "%#llx", (unsigned long long)o->mid_f);
	judge_kv(j, "merged/f", "dev %llu ino %#llx",
		 (unsigned long long)o->f.dev, (unsigned long long)o->f.ino);
	return judge_holds(j, fell && kept,
			   "with xino=on, merged/f %s merged's st_dev while "
			   "merged/g %s",
			   fell ? "falls back from" : "carries",
			   kept ? "carries it" : "does not");
}
CHECK(xino_overflow, struct big, observe_big, judge_big);

/* ---- xino=auto needs file handles ---------------------------------------- */

static int observe_auto(struct ctx *c, struct devs *o)
{
	TRY_OBS(ovl_need_xino(c));
	TRY(c, layers(false, c->isolate ? "tmpfs" : "ramfs"),
	    "make the layers on two filesystems");
	TRY(c, ovl_mount_opts(LAYERS ",xino=auto", "merged"), "mount overlay");
	TRY(c,
	    ovl_stat_id("merged", &o->root) ?: ovl_stat_id("merged/d", &o->d)
		    ?: ovl_stat_id("merged/f", &o->f),
	    "stat merged, merged/d, merged/f");
	return 0;
}

static enum obs judge_auto(struct judge *j, const struct devs *o)
{
	bool uni = o->f.dev == o->root.dev;

	judge_kv(j, "merged/f", "dev %llu ino %#llx",
		 (unsigned long long)o->f.dev, (unsigned long long)o->f.ino);
	return judge_holds(j, uni,
			   "with xino=auto, the lower file %s merged's st_dev",
			   uni ? "carries" : "does not carry");
}
CHECK(xino_auto, struct devs, observe_auto, judge_auto);

/* ---- readdir's d_ino is st_ino -------------------------------------------- */

struct dino {
	int bad, n;
	char which[64];
};

static int observe_dino(struct ctx *c, struct dino *o, bool one_fs_iso)
{
	bool one = one_fs_iso && c->isolate, on = !one_fs_iso && c->isolate;

	if (!one_fs_iso)
		TRY_OBS(ovl_need_xino(c));
	TRY(c, layers(one, "tmpfs"), "make the layers");
	TRY(c, ovl_mount_opts(xino(on), "merged"), "mount overlay");
	/* A copy-up into merged, as an overlay in use has had. */
	TRY(c, write_text_creat("merged/d/new", "new\n"),
	    "create merged/d/new");
	TRY(c,
	    ovl_dino_mismatch("merged", &o->bad, &o->n, o->which,
			      sizeof(o->which)),
	    "read merged");
	return 0;
}

static int observe_dino_onefs(struct ctx *c, struct dino *o)
{
	return observe_dino(c, o, true);
}

static int observe_dino_xino(struct ctx *c, struct dino *o)
{
	return observe_dino(c, o, false);
}

static enum obs judge_dino(struct judge *j, const struct dino *o)
{
	judge_kv(j, "d_ino != st_ino", "%s", o->bad ? o->which : "none");
	if (o->n < 5)
		return judge_unknown(j, "merged listed %d entries, not 5",
				     o->n);
	return judge_holds(j, !o->bad,
			   "merged's %d entries: d_ino %s st_ino%s%s", o->n,
			   o->bad ? "differs from" : "equals",
			   o->bad ? " for " : "", o->bad ? o->which : "");
}
CHECK(dino_onefs, struct dino, observe_dino_onefs, judge_dino);
CHECK(dino_xino, struct dino, observe_dino_xino, judge_dino);

#define INO(id_, title_, property_, expect_, check_, ...)                      \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .fs = { "overlay", "tmpfs", __VA_ARGS__ } },          \
		.tags = { "overlay", "rootfs", "inodes" }, .check = &check_    \
	}

static const struct scenario overlay_inodes[] = {
	INO("dir-dev-overlay-file-dev-layer",
	    "dirs report the overlay's st_dev, files their layer's",
	    "with layers on two filesystems, a directory reports the overlay's "
	    "st_dev and a lower file another, its layer's",
	    "the dir carries merged's st_dev; the lower file carries another "
	    "(its layer's)",
	    dev_dir_vs_file),
	INO("no-xino-dev-differs-ino-unstable",
	    "without xino st_dev varies and st_ino is not kept",
	    "with layers on two filesystems and xino=off, a file's st_dev "
	    "differs from merged's and a merged dir's st_ino changes between "
	    "mounts",
	    "merged/f's st_dev differs from merged's; merged/md's st_ino "
	    "changed between two mounts",
	    no_xino_unstable),
	INO("xino-overflow-falls-back",
	    "an inode number too big for xino falls back",
	    "with xino=on, a lower file whose inode number uses the high bits "
	    "(a lower overlay's own xino number) reports a st_dev of its own, "
	    "not merged's",
	    "with xino=on, merged/f falls back from merged's st_dev while "
	    "merged/g carries it",
	    xino_overflow),
	INO("xino-auto-needs-file-handles",
	    "xino=auto needs file handles on every layer",
	    "xino=auto gives a lower file merged's st_dev when every layer "
	    "supports file handles (tmpfs), and not with a lower on ramfs",
	    "with xino=auto, the lower file carries merged's st_dev", xino_auto,
	    "ramfs"),
	INO("readdir-dino-one-fs", "on one filesystem d_ino is st_ino",
	    "with every layer on one filesystem, readdir's d_ino of each "
	    "merged entry equals its st_ino",
	    "merged's 5 entries: d_ino equals st_ino", dino_onefs),
	INO("readdir-dino-xino", "with xino d_ino is st_ino",
	    "with layers on two filesystems and xino=on, readdir's d_ino of "
	    "each merged entry equals its st_ino",
	    "merged's 5 entries: d_ino equals st_ino", dino_xino),
};

BOXCHECK_AREA(overlay_inodes, overlay_inodes);
