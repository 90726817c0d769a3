// SPDX-License-Identifier: MIT
/*
 * overlay's optional features (overlayfs.rst: "Metadata only copy up",
 * "Index", "Inode properties" with xino, "NFS export", and statfs). An
 * option the kernel refuses is a skip naming it (ovl_need_option probes
 * it on a scratch overlay first).
 *
 * Where a feature is what makes the property, the control mounts the same
 * overlay with the option off (metacopy, xino, nfs_export): the same facts
 * through the same predicate. Where the property is one of the overlay
 * itself (st_ino kept over a copy-up, hard links copied up once with
 * index=on, statfs), the control binds lower on merged as in
 * overlay_layers.c.
 */
#include "overlay_more.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>

static int op_chmod(void)
{
	return ovl_sys(chmod("merged/file", 0600));
}

static int op_write(void)
{
	return write_text_creat("merged/file", "new\n");
}

static int prepare_link(void)
{
	return ovl_sys(link("lower/file", "lower/link"));
}

/* "new, one inode with merged/file": the link's data and who it is. */
static int desc_link(const char *path, char *buf, size_t len)
{
	struct content t;
	struct ovl_id a = { 0 }, b = { 0 };
	int r = read_content(path, &t);

	r = r ?: ovl_stat_id("merged/file", &a);
	r = r ?: ovl_stat_id(path, &b);
	if (r < 0)
		return r;
	snprintf(buf, len, "%s, %s merged/file", content_str(&t),
		 ovl_id_same(&a, &b) ? "one inode with" : "another inode than");
	return 0;
}

OVL_CASE(metacopy_chmod, .op = "chmod 0600 merged/file", .act = op_chmod,
	 .extra = "metacopy=on", .control = "metacopy=off",
	 .need = OVL_BIT(OVL_METACOPY),
	 .marks = { { "upper/file", OVL_UP_METACOPY,
		      "metadata only (trusted.overlay.metacopy)" },
		    { "upper/file", OVL_UP_HOLLOW, "all hole, no data" } },
	 .view = "file", .want = "lower");
OVL_CASE(index_hardlinks, .op = "write merged/file (lower/link: its link)",
	 .prepare = prepare_link, .act = op_write, .extra = "index=on",
	 .need = OVL_BIT(OVL_INDEX),
	 .marks = { { "upper/file", OVL_UP_FILE, "a copied-up file" } },
	 .view = "link", .describe = desc_link,
	 .want = "new, one inode with merged/file");

/* ---- metacopy: data copied up at the first write -------------------- */

struct meta {
	bool meta[2], hollow[2]; /* upper/file after the chmod, the write */
	int wr_err;
	struct content now; /* merged/file after the write */
};

/* One byte over lower's first: the rest must come from lower. */
static int write_first_byte(void)
{
	_cleanup_close_ int fd = open("merged/file", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return neg_errno();
	return pwrite(fd, "L", 1, 0) == 1 ? 0 : -EIO;
}

static int marks_now(struct ctx *c, struct meta *o, int i)
{
	TRY(c, ovl_upper_has("upper/file", OVL_UP_METACOPY, &o->meta[i]),
	    "read upper/file's metacopy xattr");
	TRY(c, ovl_upper_has("upper/file", OVL_UP_HOLLOW, &o->hollow[i]),
	    "stat upper/file");
	return 0;
}

static int observe_meta_write(struct ctx *c, struct meta *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_METACOPY));
	TRY(c, ovl_mount_std(c->isolate ? "metacopy=on" : "metacopy=off"),
	    "mount overlay");
	TRY(c, op_chmod(), "chmod merged/file");
	TRY_OBS(marks_now(c, o, 0));
	o->wr_err = -write_first_byte();
	TRY_OBS(marks_now(c, o, 1));
	TRY(c, read_content("merged/file", &o->now), "read merged/file");
	return 0;
}

static const char *upper_state(const struct meta *o, int i)
{
	return o->meta[i] && o->hollow[i] ? "metadata only, no data"
	       : o->meta[i]		  ? "metacopy xattr, with data"
	       : o->hollow[i]		  ? "no xattr, no data"
					  : "a full copy";
}

static enum obs judge_meta_write(struct judge *j, const struct meta *o)
{
	bool first = o->meta[0] && o->hollow[0];
	bool then = !o->meta[1] && !o->hollow[1];

	judge_kv(j, "after chmod", "%s", upper_state(o, 0));
	judge_kv(j, "after write", "%s", upper_state(o, 1));
	return judge_holds(
		j, first && then && !o->wr_err && content_is(&o->now, "Lower"),
		"upper/file after chmod: %s; after a write (%s): "
		"%s; merged/file=%s",
		upper_state(o, 0),
		o->wr_err ? strerrorname_np(o->wr_err) : "ok",
		upper_state(o, 1), content_str(&o->now));
}
CHECK(metacopy_data_on_write, struct meta, observe_meta_write,
      judge_meta_write);

/* ---- st_ino across a copy-up (all layers on one filesystem) ---------- */

struct ino {
	struct ovl_id low, before, after; /* lower/file, merged/file x2 */
	uint64_t digest[2];
	bool copied;
};

static int observe_ino(struct ctx *c, struct ino *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_layer_digest("lower", &o->digest[0]), "digest lower");
	TRY(c, ovl_mount_merged(c, NULL), "mount merged");
	TRY(c, ovl_stat_id("lower/file", &o->low), "stat lower/file");
	TRY(c, ovl_stat_id("merged/file", &o->before), "stat merged/file");
	TRY(c, op_write(), "write merged/file");
	TRY(c, ovl_stat_id("merged/file", &o->after), "stat merged/file");
	TRY(c, ovl_layer_digest("lower", &o->digest[1]), "digest lower");
	TRY(c, ovl_upper_has("upper/file", OVL_UP_FILE, &o->copied),
	    "inspect upper/file");
	return 0;
}

static enum obs judge_ino(struct judge *j, const struct ino *o)
{
	bool same = o->digest[0] == o->digest[1];
	bool kept = o->before.ino == o->low.ino &&
		    ovl_id_same(&o->before, &o->after);

	judge_kv(j, "st_ino", "lower %llu, merged %llu then %llu",
		 (unsigned long long)o->low.ino,
		 (unsigned long long)o->before.ino,
		 (unsigned long long)o->after.ino);
	return judge_holds(j, kept && same && o->copied,
			   "merged/file's st_dev:st_ino %s over the write; "
			   "upper/file %s; lower %s",
			   kept ? "kept lower's" : "changed",
			   o->copied ? "copied up" : "absent",
			   same ? "unchanged" : "changed");
}
CHECK(ino_kept, struct ino, observe_ino, judge_ino);

/* ---- xino: layers on two filesystems --------------------------------- */

/* lower on one tmpfs, upper and work on another: inode numbers collide. */
static int xino_layers(void)
{
	static const char *const dirs[] = { "L/lower", "U/upper", "U/work" };
	int r = 0;

	for (size_t i = 0; r == 0 && i < 2; i++) {
		const char *d = i ? "U" : "L";

		r = ovl_sys(mkdir(d, 0755));
		r = r ?: ovl_sys(mount("tmpfs", d, "tmpfs", 0, "size=1m"));
	}
	if (r == 0 && mkdir("merged", 0755) < 0)
		r = neg_errno();
	/* The same order on both: lower/f and upper/g get one number. */
	r = r ?: ovl_sys(mkdir(dirs[0], 0755));
	r = r ?: write_text_creat("L/lower/f", "f\n");
	r = r ?: ovl_sys(mkdir(dirs[1], 0755));
	r = r ?: write_text_creat("U/upper/g", "g\n");
	return r ?: ovl_sys(mkdir(dirs[2], 0755));
}

struct xino {
	struct ovl_id root, f, g; /* merged, merged/f (lower), merged/g */
};

static int observe_xino(struct ctx *c, struct xino *o)
{
	static const char *const lowers[] = { "L/lower" };
	struct overlay_spec s = { lowers, 1, "U/upper", "U/work",
				  c->isolate ? "xino=on" : "xino=off" };
	struct ovl_id f, g;

	TRY_OBS(ovl_need_option(c, OVL_XINO));
	TRY_OBS(ovl_need_xino(c));
	TRY(c, xino_layers(), "make layers on two tmpfs");
	TRY(c, ovl_stat_id("L/lower/f", &f), "stat L/lower/f");
	TRY(c, ovl_stat_id("U/upper/g", &g), "stat U/upper/g");
	ctx_kv(c, "real st_ino", "lower/f %llu, upper/g %llu",
	       (unsigned long long)f.ino, (unsigned long long)g.ino);
	TRY(c, overlay_mount(&s, "merged"), "mount overlay");
	TRY(c, ovl_stat_id("merged", &o->root), "stat merged");
	TRY(c, ovl_stat_id("merged/f", &o->f), "stat merged/f");
	TRY(c, ovl_stat_id("merged/g", &o->g), "stat merged/g");
	return 0;
}

static enum obs judge_xino(struct judge *j, const struct xino *o)
{
	bool dev = o->f.dev == o->root.dev && o->g.dev == o->root.dev;
	bool ino = o->f.ino != o->g.ino;

	judge_kv(j, "merged/f", "dev %llu ino %llu",
		 (unsigned long long)o->f.dev, (unsigned long long)o->f.ino);
	judge_kv(j, "merged/g", "dev %llu ino %llu",
		 (unsigned long long)o->g.dev, (unsigned long long)o->g.ino);
	return judge_holds(j, dev && ino,
			   "files of both layers %s merged's st_dev, %s st_ino",
			   dev ? "carry" : "do not all carry",
			   ino ? "distinct" : "one");
}
CHECK(xino_unique, struct xino, observe_xino, judge_xino);

/* ---- statfs reports upper's filesystem ------------------------------- */

struct fsstat {
	bool same; /* statfs(merged) reports what statfs(U) does */
};

static int observe_statfs(struct ctx *c, struct fsstat *o)
{
	struct overlay_spec s = { ovl_one_lower, 1, "U/upper", "U/work", NULL };

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_sys(mkdir("U", 0755)), "mkdir U");
	TRY(c, ovl_sys(mount("tmpfs", "U", "tmpfs", 0, "size=2m")),
	    "mount a 2 MiB tmpfs on U");
	TRY(c,
	    ovl_sys(mkdir("U/upper", 0755)) ?: ovl_sys(mkdir("U/work", 0755)),
	    "mkdir U/upper U/work");
	if (c->isolate)
		TRY(c, overlay_mount(&s, "merged"), "mount overlay");
	else
		TRY(c, ovl_mount_merged(c, NULL), "bind lower on merged");
	TRY(c, ovl_statfs_same("merged", "U", &o->same), "statfs");
	return 0;
}

static enum obs judge_statfs(struct judge *j, const struct fsstat *o)
{
	return judge_holds(j, o->same, "statfs(merged) %s upper's 2 MiB tmpfs",
			   o->same ? "reports" : "does not report");
}
CHECK(statfs_upper, struct fsstat, observe_statfs, judge_statfs);

/* ---- nfs_export: a file handle opens the file again ----------------- */

struct handle {
	int enc_err;	    /* name_to_handle_at(merged/file) */
	int dec_err;	    /* open_by_handle_at() of that handle */
	struct content via; /* what the reopened file reads */
};

/*
 * Encode merged/file's handle, decode it on merged and read it. The
 * mutation point of M_OVL_HANDLE_OPENS: both work, the file read by path.
 */
static int handle_reopen(struct handle *o)
{
	struct {
		struct file_handle fh;
		unsigned char bytes[MAX_HANDLE_SZ];
	} h = { .fh.handle_bytes = MAX_HANDLE_SZ };
	_cleanup_close_ int mfd = -1, fd = -1;
	char buf[32];
	ssize_t n;
	int id;

	if (mutant_on(M_OVL_HANDLE_OPENS))
		return read_content("merged/file", &o->via);
	if (name_to_handle_at(AT_FDCWD, "merged/file", &h.fh, &id, 0) < 0) {
		o->enc_err = errno;
		return 0;
	}
	mfd = open("merged", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mfd < 0)
		return neg_errno();
	fd = open_by_handle_at(mfd, &h.fh, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		o->dec_err = errno;
		return 0;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return neg_errno();
	buf[n] = '\0';
	o->via.present = true;
	snprintf(o->via.text, sizeof(o->via.text), "%s", chomp(buf));
	return 0;
}

static int observe_handle(struct ctx *c, struct handle *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY_OBS(ovl_need_option(c, OVL_NFS_EXPORT));
	TRY(c,
	    ovl_mount_std(c->isolate ? "index=on,nfs_export=on"
				     : "index=on,nfs_export=off"),
	    "mount overlay");
	TRY(c, handle_reopen(o), "reopen merged/file by its handle");
	return 0;
}

static enum obs judge_handle(struct judge *j, const struct handle *o)
{
	const char *enc = o->enc_err ? strerrorname_np(o->enc_err) : "ok";
	const char *dec = o->enc_err   ? "not tried"
			  : o->dec_err ? strerrorname_np(o->dec_err)
				       : "ok";

	judge_kv(j, "name_to_handle_at", "%s", enc);
	judge_kv(j, "open_by_handle_at", "%s", dec);
	return judge_holds(
		j, !o->enc_err && !o->dec_err && content_is(&o->via, "lower"),
		"name_to_handle_at: %s; open_by_handle_at: %s; "
		"reads %s",
		enc, dec, content_str(&o->via));
}
CHECK(nfs_export_handle, struct handle, observe_handle, judge_handle);

#define FEAT(id_, title_, property_, expect_, check_)                          \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_, .req = OVL_REQ,                             \
		.tags = { "overlay", "rootfs", "features" }, .check = &check_  \
	}

static const struct scenario overlay_features[] = {
	FEAT("metacopy-chmod", "metacopy=on copies up metadata only",
	     "with metacopy=on, chmod of a lower file copies up its metadata "
	     "only: upper's copy has the metacopy xattr and no data",
	     "chmod 0600 merged/file: ok; lower unchanged; upper/file is "
	     "metadata only; upper/file is all hole, no data; merged/file: "
	     "lower",
	     metacopy_chmod),
	FEAT("metacopy-data-on-write",
	     "metacopy copies data at the first write",
	     "with metacopy=on, a metadata-only copy gets lower's data and "
	     "loses its metacopy xattr at the first write to it",
	     "upper/file after chmod: metadata only, no data; after a write "
	     "(ok): a full copy; merged/file=Lower",
	     metacopy_data_on_write),
	FEAT("index-hardlinks", "with index=on hard links are copied up once",
	     "with index=on, writing one name of a lower hard link copies the "
	     "inode up once: the other name shows the write, as one inode",
	     "lower unchanged; upper/file is a copied-up file; merged/link: "
	     "new, one inode with merged/file",
	     index_hardlinks),
	FEAT("ino-kept-over-copy-up", "st_ino is kept over a copy-up",
	     "with all layers on one filesystem, a file keeps lower's st_ino "
	     "through merged before and after its copy-up",
	     "merged/file's st_dev:st_ino kept lower's over the write; "
	     "upper/file copied up; lower unchanged",
	     ino_kept),
	FEAT("xino-unique-inodes", "xino=on makes inode numbers unique",
	     "with layers on two filesystems and xino=on, files of both carry "
	     "merged's st_dev and distinct st_ino, though their own numbers "
	     "collide",
	     "files of both layers carry merged's st_dev, distinct st_ino",
	     xino_unique),
	FEAT("statfs-upper", "statfs of merged reports upper's filesystem",
	     "statfs(2) of the merged dir reports the upper layer's "
	     "filesystem: its size and use",
	     "statfs(merged) reports upper's 2 MiB tmpfs", statfs_upper),
	FEAT("nfs-export-handle", "nfs_export=on makes file handles reopen",
	     "with index=on,nfs_export=on, a file handle of a merged file "
	     "opens it again (open_by_handle_at)",
	     "name_to_handle_at: ok; open_by_handle_at: ok; reads lower",
	     nfs_export_handle),
};

BOXCHECK_AREA(overlay_features, overlay_features);
