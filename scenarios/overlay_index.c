// SPDX-License-Identifier: MIT
/*
 * index, nfs_export, shared layers and uuid (overlayfs.rst: "index",
 * "Sharing and copying layers", "Changes to underlying filesystems", "NFS
 * export", "UUID and fsid"). Offline changes are made between two mounts
 * of the same layers, as the document describes them. Each control mounts
 * the same layers with the feature that makes the property off (index,
 * nfs_export, uuid=null), or leaves out the one step the property is
 * about (the deletion, the shared lower).
 */
#include "overlay_more.h"

#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/xattr.h>

#define NFS_ON "index=on,nfs_export=on"
#define NFS_OFF "index=on,nfs_export=off"

/* ---- an upper used with another lower -------------------------------- */

struct again {
	int err; /* the upper mounted again over l2 */
};

static int observe_again(struct ctx *c, struct again *o, const char *opts)
{
	char o2[256];

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_INDEX));
	TRY(c, ovl_sys(mkdir("l2", 0755)), "mkdir l2");
	TRY(c, ovl_mount_std(opts), "mount overlay");
	TRY(c, ovl_sys(umount2("merged", 0)), "unmount it");
	snprintf(o2, sizeof(o2), "lowerdir=l2,upperdir=upper,workdir=work,%s",
		 opts);
	TRY(c, ovl_mount_try(o2, "merged", &o->err), "mount again");
	return 0;
}

static int observe_reuse(struct ctx *c, struct again *o)
{
	return observe_again(c, o, c->isolate ? "index=off" : "index=on");
}

static int observe_estale(struct ctx *c, struct again *o)
{
	return observe_again(c, o, c->isolate ? "index=on" : "index=off");
}

static enum obs judge_again(struct judge *j, const struct again *o,
			    bool want_ok)
{
	judge_kv(j, "mount again over l2", "%s", ovl_err(o->err));
	if (o->err && o->err != ESTALE)
		return judge_unknown(j, "the mount failed with %s",
				     ovl_err(o->err));
	return judge_holds(j, want_ok ? !o->err : o->err == ESTALE,
			   "upper and work mounted again over another lower: "
			   "%s",
			   ovl_err(o->err));
}

static enum obs judge_reuse(struct judge *j, const struct again *o)
{
	return judge_again(j, o, true);
}

static enum obs judge_estale(struct judge *j, const struct again *o)
{
	return judge_again(j, o, false);
}
CHECK(upper_reused, struct again, observe_reuse, judge_reuse);
CHECK(index_estale, struct again, observe_estale, judge_estale);

/* ---- without index a copy-up breaks a hard link ------------------------ */

struct seen {
	char a[64], b[64];
};

static int observe_nolink(struct ctx *c, struct seen *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_INDEX));
	TRY(c, ovl_sys(link("lower/file", "lower/link")), "link lower/file");
	TRY(c, ovl_mount_std(c->isolate ? "index=off" : "index=on"),
	    "mount overlay");
	TRY(c, write_text_creat("merged/file", "new\n"), "write merged/file");
	TRY(c,
	    ovl_view("merged", "upper", "link", ovl_desc_content, o->a,
		     sizeof(o->a)),
	    "read merged/link");
	TRY(c, ovl_desc_content("merged/file", o->b, sizeof(o->b)),
	    "read merged/file");
	return 0;
}

static enum obs judge_nolink(struct judge *j, const struct seen *o)
{
	return judge_holds(
		j, strcmp(o->a, "lower") == 0 && strcmp(o->b, "new") == 0,
		"after a write to merged/file (%s), its lower hard "
		"link merged/link reads %s",
		o->b, o->a);
}
CHECK(no_index_breaks_link, struct seen, observe_nolink, judge_nolink);

/* ---- nfs_export: offline changes found at lookup ------------------------ */

/* Its listing, or "(EIO)"...: a lookup the overlay refuses. */
static int desc_list(const char *path, char *buf, size_t len)
{
	int r = ovl_desc_listing(path, buf, len);

	if (r == -EIO || r == -ESTALE)
		snprintf(buf, len, "(%s)", ovl_err(-r));
	return r == -EIO || r == -ESTALE ? 0 : r;
}

/* A first mount copies dir up (dir/new); change; mount again; list dir. */
static int offline(struct ctx *c, struct seen *o, int (*change)(void))
{
	const char *opts = c->isolate ? NFS_ON : NFS_OFF;

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_NFS_EXPORT));
	TRY(c, ovl_mount_std(opts), "mount overlay");
	TRY(c, write_text_creat("merged/dir/new", "new\n"),
	    "create merged/dir/new");
	TRY(c, ovl_sys(umount2("merged", 0)), "unmount it");
	TRY(c, change(), "change a layer offline");
	TRY(c, ovl_mount_std(opts), "mount overlay again");
	TRY(c,
	    ovl_view("merged", "upper", "dir", desc_list, o->a, sizeof(o->a)),
	    "list merged/dir");
	return 0;
}

/* lower/dir replaced by another dir of the same name, holding y. */
static int new_lower_dir(void)
{
	int r = rm_rf("lower/dir");

	r = r ?: ovl_sys(mkdir("lower/dir", 0755));
	return r ?: write_text_creat("lower/dir/y", "y\n");
}

/* upper/dir moved to upper/old; a new upper/dir claims old's origin. */
static int new_upper_dir(void)
{
	char v[256];
	ssize_t n;
	int r = ovl_sys(rename("upper/dir", "upper/old"));

	r = r ?: ovl_sys(mkdir("upper/dir", 0755));
	if (r)
		return r;
	n = lgetxattr("upper/old", "trusted.overlay.origin", v, sizeof(v));
	if (n < 0)
		return neg_errno();
	return ovl_sys(lsetxattr("upper/dir", "trusted.overlay.origin", v,
				 (size_t)n, 0));
}

static int observe_origin(struct ctx *c, struct seen *o)
{
	return offline(c, o, new_lower_dir);
}

static enum obs judge_origin(struct judge *j, const struct seen *o)
{
	return judge_holds(j, strcmp(o->a, "new") == 0,
			   "merged/dir after lower/dir was replaced (holding "
			   "y): %s",
			   o->a);
}
CHECK(origin_mismatch, struct seen, observe_origin, judge_origin);

static int observe_upper(struct ctx *c, struct seen *o)
{
	return offline(c, o, new_upper_dir);
}

static enum obs judge_upper(struct judge *j, const struct seen *o)
{
	return judge_holds(j, o->a[0] == '(',
			   "merged/dir after a new upper/dir took the old "
			   "one's origin: %s",
			   o->a);
}
CHECK(upper_mismatch, struct seen, observe_upper, judge_upper);

/* ---- nfs_export: every copy-up indexed ------------------------------------ */

struct idx {
	bool file; /* an index entry is upper/file (a hard link) */
	bool dir;  /* an index entry has trusted.overlay.upper */
	int entries;
};

static int scan_index(struct idx *o)
{
	_cleanup_closedir_ DIR *d = opendir("work/index");
	struct ovl_id up, e;
	struct dirent *de;
	char p[PATH_MAX];
	int r = ovl_stat_id("upper/file", &up);

	if (r < 0 || !d)
		return r < 0 ? r : neg_errno();
	while ((errno = 0, de = readdir(d))) {
		if (de->d_name[0] == '.' || de->d_name[0] == '#')
			continue;
		snprintf(p, sizeof(p), "work/index/%s", de->d_name);
		if ((r = ovl_stat_id(p, &e)) < 0)
			return r;
		o->entries++;
		o->file = o->file || ovl_id_same(&e, &up);
		if (lgetxattr(p, "trusted.overlay.upper", NULL, 0) >= 0)
			o->dir = true;
		else if (errno != ENODATA)
			return neg_errno();
	}
	return errno ? neg_errno() : 0;
}

static int observe_idx(struct ctx *c, struct idx *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_NFS_EXPORT));
	TRY(c, ovl_mount_std(c->isolate ? NFS_ON : NFS_OFF), "mount overlay");
	TRY(c, write_text_creat("merged/file", "new\n"), "write merged/file");
	TRY(c, ovl_sys(chmod("merged/dir", 0700)), "chmod merged/dir");
	TRY(c, scan_index(o), "read work/index");
	return 0;
}

static enum obs judge_idx(struct judge *j, const struct idx *o)
{
	judge_kv(j, "index entries", "%d", o->entries);
	return judge_holds(
		j, o->file && o->dir,
		"after copying up a file and a dir, work/index holds "
		"the file's hard link: %s; an entry with "
		"trusted.overlay.upper: %s",
		o->file ? "yes" : "no", o->dir ? "yes" : "no");
}
CHECK(index_every_copy_up, struct idx, observe_idx, judge_idx);

/* ---- nfs_export: a handle of a deleted file is stale ---------------------- */

struct stale {
	int enc, dec;
	bool lower; /* lower/file still there */
	struct content via;
};

static int observe_stale(struct ctx *c, struct stale *o)
{
	struct ovl_handle h;

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_NFS_EXPORT));
	TRY(c, ovl_mount_std(NFS_ON), "mount overlay");
	o->enc = ovl_handle_of("merged/file", &h);
	if (o->enc)
		return 0;
	if (c->isolate)
		TRY(c, ovl_sys(unlink("merged/file")), "unlink merged/file");
	o->dec = ovl_handle_read("merged", &h, "merged/file", &o->via);
	TRY(c, path_present("lower/file", &o->lower), "stat lower/file");
	return 0;
}

static enum obs judge_stale(struct judge *j, const struct stale *o)
{
	judge_kv(j, "open_by_handle_at", "%s", ovl_err(o->dec));
	if (o->enc || !o->lower || (o->dec && o->dec != ESTALE))
		return judge_unknown(j, "encode %s, decode %s, lower/file %s",
				     ovl_err(o->enc), ovl_err(o->dec),
				     o->lower ? "there" : "gone");
	return judge_holds(j, o->dec == ESTALE,
			   "merged/file's handle decoded, lower/file kept: %s",
			   ovl_err(o->dec));
}
CHECK(deleted_handle_stale, struct stale, observe_stale, judge_stale);

/* ---- a lower layer shared by overlays ------------------------------------- */

struct share {
	int same, under;   /* overlays over lower and lower/dir */
	char a[32], b[32]; /* m1/file, m2/x */
};

static int observe_share(struct ctx *c, struct share *o)
{
	static const char *const dirs[] = {
		"u1", "w1", "m1", "u2", "w2", "m2"
	};

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_INDEX));
	TRY(c, ovl_mkdirs(dirs, ARRAY_SIZE(dirs)), "mkdir the others' dirs");
	TRY(c, ovl_mount_std("index=on"), "mount the first overlay");
	/* The second overlay's lower: the first's lower, or its upper. */
	TRY(c,
	    ovl_mount_try(c->isolate ? "lowerdir=lower,upperdir=u1,workdir=w1,"
				       "index=on"
				     : "lowerdir=upper,upperdir=u1,workdir=w1,"
				       "index=on",
			  "m1", &o->same),
	    "mount the second overlay");
	TRY(c,
	    ovl_mount_try("lowerdir=lower/dir,upperdir=u2,workdir=w2,index=on",
			  "m2", &o->under),
	    "mount the third overlay");
	TRY(c, ovl_desc_content("m1/file", o->a, sizeof(o->a)), "read m1/file");
	TRY(c, ovl_desc_content("m2/x", o->b, sizeof(o->b)), "read m2/x");
	return 0;
}

static enum obs judge_share(struct judge *j, const struct share *o)
{
	judge_kv(j, "over lower", "%s", ovl_err(o->same));
	judge_kv(j, "over lower/dir", "%s", ovl_err(o->under));
	return judge_holds(j,
			   !o->same && !o->under &&
				   strcmp(o->a, "lower") == 0 &&
				   strcmp(o->b, "x") == 0,
			   "with an overlay over lower mounted, another over "
			   "lower: %s (m1/file %s), one over lower/dir: %s "
			   "(m2/x %s)",
			   ovl_err(o->same), o->a, ovl_err(o->under), o->b);
}
CHECK(lower_shared, struct share, observe_share, judge_share);

/* ---- uuid=on: a fsid of the overlay's own --------------------------------- */

struct uuid {
	bool same;  /* merged's f_fsid is U's */
	bool xattr; /* U/upper has trusted.overlay.uuid */
};

static int observe_uuid(struct ctx *c, struct uuid *o)
{
	static const char *const dirs[] = { "lower", "U/upper", "U/work",
					    "merged" };
	struct statfs a, b;

	/* uuid=null came with the persistent uuid (6.6); 6.1 takes uuid=on */
	TRY_OBS(ovl_need_opts(c, "uuid=null", "Linux 6.6"));
	TRY(c, ovl_fs_at("U", "tmpfs"), "mount tmpfs on U");
	TRY(c, ovl_mkdirs(dirs, ARRAY_SIZE(dirs)), "mkdir the layers");
	TRY(c,
	    ovl_mount_opts(c->isolate ? "lowerdir=lower,upperdir=U/upper,"
					"workdir=U/work,uuid=on"
				      : "lowerdir=lower,upperdir=U/upper,"
					"workdir=U/work,uuid=null",
			   "merged"),
	    "mount overlay");
	TRY(c, ovl_sys(statfs("merged", &a)) ?: ovl_sys(statfs("U", &b)),
	    "statfs merged and U");
	o->same = memcmp(&a.f_fsid, &b.f_fsid, sizeof(a.f_fsid)) == 0 ||
		  mutant_on(M_OVL_STATFS_SAME);
	o->xattr = lgetxattr("U/upper", "trusted.overlay.uuid", NULL, 0) >= 0;
	TRY(c, o->xattr || errno == ENODATA ? 0 : neg_errno(),
	    "read U/upper's trusted.overlay.uuid");
	return 0;
}

static enum obs judge_uuid(struct judge *j, const struct uuid *o)
{
	return judge_holds(j, !o->same && o->xattr,
			   "statfs(merged) reports %s f_fsid as the upper's "
			   "tmpfs; U/upper %s trusted.overlay.uuid",
			   o->same ? "the same" : "not the same",
			   o->xattr ? "has" : "has no");
}
CHECK(uuid_on, struct uuid, observe_uuid, judge_uuid);

#define IDX(id_, title_, property_, expect_, check_)                           \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_, .req = OVL_REQ,                             \
		.tags = { "overlay", "rootfs", "index" }, .check = &check_     \
	}

static const struct scenario overlay_index[] = {
	IDX("upper-reused-with-other-lower",
	    "without index an upper may serve another lower",
	    "upper and work used with one lower mount again over another lower "
	    "when index is off; with index=on that fails with ESTALE",
	    "upper and work mounted again over another lower: ok",
	    upper_reused),
	IDX("index-other-lower-estale", "index=on ties the upper to its lower",
	    "with index=on, upper and work used with one lower are refused "
	    "with ESTALE over another lower",
	    "upper and work mounted again over another lower: ESTALE",
	    index_estale),
	IDX("no-index-breaks-hardlinks", "without index a copy-up breaks links",
	    "with index=off, writing one name of a lower hard link copies that "
	    "name up alone: the other name keeps lower's data",
	    "after a write to merged/file (new), its lower hard link "
	    "merged/link reads lower",
	    no_index_breaks_link),
	IDX("nfs-export-origin-mismatch-not-merged",
	    "nfs_export merges only the lower dir of the stored origin",
	    "with nfs_export=on, a lower dir replaced offline by another of "
	    "the "
	    "same name is not merged with the copied-up upper dir",
	    "merged/dir after lower/dir was replaced (holding y): new",
	    origin_mismatch),
	IDX("nfs-export-upper-mismatch-lookup-fails",
	    "nfs_export refuses an upper dir its index does not name",
	    "with nfs_export=on, an upper dir that is not the one its index "
	    "entry names (a new dir given the old one's origin) fails lookup",
	    "merged/dir after a new upper/dir took the old one's origin: (EIO)",
	    upper_mismatch),
	IDX("nfs-export-indexes-every-copy-up",
	    "nfs_export indexes every copy-up",
	    "with nfs_export=on, a copied-up file gets a hard link in "
	    "work/index and a copied-up dir an index entry with "
	    "trusted.overlay.upper",
	    "after copying up a file and a dir, work/index holds the file's "
	    "hard link: yes; an entry with trusted.overlay.upper: yes",
	    index_every_copy_up),
	IDX("nfs-export-deleted-handle-estale",
	    "a handle of a deleted object is stale",
	    "with nfs_export=on, the file handle of a lower file deleted "
	    "through merged after encoding fails to decode with ESTALE, lower "
	    "kept",
	    "merged/file's handle decoded, lower/file kept: ESTALE",
	    deleted_handle_stale),
	IDX("lower-shared-by-overlays", "overlays may share lower layers",
	    "with index=on, a second overlay over the same lower, and a third "
	    "over a dir beneath it, mount beside the first; a lower that is "
	    "the first's upper is refused",
	    "with an overlay over lower mounted, another over lower: ok, one "
	    "over lower/dir: ok",
	    lower_shared),
	IDX("uuid-on-own-fsid", "uuid=on gives the overlay a fsid of its own",
	    "with uuid=on, statfs(2) reports an f_fsid other than the upper "
	    "filesystem's, from a UUID kept in trusted.overlay.uuid",
	    "statfs(merged) reports not the same f_fsid as the upper's tmpfs; "
	    "U/upper has trusted.overlay.uuid",
	    uuid_on),
};

BOXCHECK_AREA(overlay_index, overlay_index);
