// SPDX-License-Identifier: MIT
/*
 * Open files across a copy-up, a change of lower and an unmount
 * (overlayfs.rst, "Non-standard behavior", "Changes to underlying
 * filesystems"). The isolating step is the overlay on merged; the control
 * binds lower on merged and does the same: there one inode is behind every
 * descriptor, so every reader sees every write and lower takes them.
 *
 * What the kernel does, and these check:
 * - a descriptor opened read-only before a copy-up reads the copied-up
 *   data afterwards (since Linux 4.19 overlay opens the upper file for it);
 * - a MAP_SHARED mapping made from that descriptor keeps showing lower's
 *   data: the documented exception;
 * - a lower file changed in place while mounted (undefined by the
 *   documentation) shows its new data through merged while not copied up,
 *   because reads go to the lower file itself; once copied up, lower's
 *   changes no longer show;
 * - umount(2) of an overlay with an open file fails with EBUSY, a lazy
 *   unmount detaches it, and the open file still writes to upper.
 */
#include "overlay_case.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>

/* A descriptor and its mapping, opened before the copy-up. */
struct early {
	int fd;
	char *map;
	size_t len;
	char first[16]; /* what the descriptor read first */
};

static void early_close(struct early *e)
{
	if (e->map && e->map != MAP_FAILED)
		munmap(e->map, e->len);
	if (e->fd >= 0)
		close(e->fd);
}

static int early_open(struct early *e, const char *path)
{
	ssize_t n;

	e->len = 6; /* "lower\n" */
	e->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (e->fd < 0)
		return neg_errno();
	e->map = mmap(NULL, e->len, PROT_READ, MAP_SHARED, e->fd, 0);
	if (e->map == MAP_FAILED)
		return neg_errno();
	n = pread(e->fd, e->first, sizeof(e->first) - 1, 0);
	if (n < 0)
		return neg_errno();
	e->first[n] = '\0';
	return 0;
}

/*
 * What the descriptor (or the mapping) reads now, without the newline.
 * The mutation point of M_OVL_FD_STALE: it reads what it read first.
 */
static int early_reread(const struct early *e, bool map, char *buf, size_t len)
{
	ssize_t n;

	if (mutant_on(M_OVL_FD_STALE))
		n = snprintf(buf, len, "%s", e->first);
	else if (map)
		n = snprintf(buf, len, "%.*s", (int)e->len, e->map);
	else if ((n = pread(e->fd, buf, len - 1, 0)) < 0)
		return neg_errno();
	buf[n < (ssize_t)len ? n : (ssize_t)len - 1] = '\0';
	chomp(buf);
	return 0;
}

/* Same length as "lower\n", so a mapping never reaches past the end. */
#define FRESH "fresh"

struct early_obs {
	int wr_err;	    /* errno of the write through merged, or 0 */
	uint64_t low[2];    /* lower's digest before and after */
	bool copied;	    /* upper/file is a copied-up file */
	char reread[16];    /* what the early descriptor or mapping reads */
	struct content now; /* merged/file after the write */
};

static int observe_early(struct ctx *c, struct early_obs *o, bool map)
{
	struct early e __attribute__((cleanup(early_close))) = { .fd = -1 };

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	if (!map)
		TRY(c, ovl_layer_digest("lower", &o->low[0]), "digest lower");
	TRY(c, ovl_mount_merged(c, NULL), "mount merged");
	TRY(c, early_open(&e, "merged/file"), "open and map merged/file");
	o->wr_err = -write_text_creat("merged/file", FRESH "\n");
	TRY(c, early_reread(&e, map, o->reread, sizeof(o->reread)),
	    "read the early descriptor again");
	TRY(c, read_content("merged/file", &o->now), "read merged/file");
	if (map)
		return 0;
	TRY(c, ovl_layer_digest("lower", &o->low[1]), "digest lower");
	TRY(c, ovl_upper_has("upper/file", OVL_UP_FILE, &o->copied),
	    "inspect upper/file");
	return 0;
}

static int observe_fd(struct ctx *c, struct early_obs *o)
{
	return observe_early(c, o, false);
}

static enum obs judge_fd(struct judge *j, const struct early_obs *o)
{
	bool same = o->low[0] == o->low[1];

	judge_kv(j, "early fd reads", "%s", o->reread);
	judge_kv(j, "lower", "%s", same ? "unchanged" : "changed");
	return judge_holds(j,
			   !o->wr_err && strcmp(o->reread, FRESH) == 0 &&
				   same && o->copied,
			   "write: %s; the fd opened before reads %s; lower "
			   "%s; upper/file "
			   "%s",
			   o->wr_err ? strerrorname_np(o->wr_err) : "ok",
			   o->reread, same ? "unchanged" : "changed",
			   o->copied ? "copied up" : "not copied up");
}
CHECK(rdonly_fd_follows, struct early_obs, observe_fd, judge_fd);

/* The mapping alone: no digest or mark, which it does not depend on. */
static int observe_map(struct ctx *c, struct early_obs *o)
{
	return observe_early(c, o, true);
}

static enum obs judge_map(struct judge *j, const struct early_obs *o)
{
	judge_kv(j, "mapping reads", "%s", o->reread);
	return judge_holds(j,
			   !o->wr_err && strcmp(o->reread, "lower") == 0 &&
				   content_is(&o->now, FRESH),
			   "write: %s; merged/file=%s; the mapping made before "
			   "reads %s",
			   o->wr_err ? strerrorname_np(o->wr_err) : "ok",
			   content_str(&o->now), o->reread);
}
CHECK(mmap_keeps_lower, struct early_obs, observe_map, judge_map);

/* ---- lower changed under a mounted overlay ------------------------- */

struct changed {
	char before[32]; /* merged/file after lower's first edit */
	int wr_err;	 /* the write through merged */
	char after[32];	 /* merged/file after lower's second edit */
};

static int observe_changed(struct ctx *c, struct changed *o)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_mount_merged(c, NULL), "mount merged");
	TRY(c, write_text_creat("lower/file", "edit1\n"), "edit lower/file");
	TRY(c,
	    ovl_view("merged", "upper", "file", ovl_desc_content, o->before,
		     sizeof(o->before)),
	    "read merged/file");
	o->wr_err = -write_text_creat("merged/file", FRESH "\n");
	TRY(c, write_text_creat("lower/file", "edit2\n"), "edit lower/file");
	TRY(c,
	    ovl_view("merged", "upper", "file", ovl_desc_content, o->after,
		     sizeof(o->after)),
	    "read merged/file");
	return 0;
}

static enum obs judge_changed(struct judge *j, const struct changed *o)
{
	judge_kv(j, "after edit1", "%s", o->before);
	judge_kv(j, "after the write and edit2", "%s", o->after);
	return judge_holds(j,
			   !o->wr_err && strcmp(o->before, "edit1") == 0 &&
				   strcmp(o->after, FRESH) == 0,
			   "lower edited: merged/file=%s; written through "
			   "merged (%s), lower edited again: merged/file=%s",
			   o->before,
			   o->wr_err ? strerrorname_np(o->wr_err) : "ok",
			   o->after);
}
CHECK(lower_changed, struct changed, observe_changed, judge_changed);

/* ---- unmount with an open file -------------------------------------- */

struct busy {
	int busy_err;	 /* umount(2) with the file open */
	int lazy_err;	 /* umount2(MNT_DETACH) */
	bool still;	 /* merged a mount point after */
	int wr_err;	 /* a write through the open file, detached */
	bool copied;	 /* upper/file holds it */
	uint64_t low[2]; /* lower's digest before and after */
};

static int observe_busy(struct ctx *c, struct busy *o)
{
	_cleanup_close_ int fd = -1;
	ssize_t n;

	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_layer_digest("lower", &o->low[0]), "digest lower");
	TRY(c, ovl_mount_merged(c, NULL), "mount merged");
	fd = open("merged/file", O_RDWR | O_CLOEXEC);
	TRY(c, fd < 0 ? neg_errno() : 0, "open merged/file");
	o->busy_err = umount2("merged", 0) < 0 ? errno : 0;
	o->lazy_err = umount2("merged", MNT_DETACH) < 0 ? errno : 0;
	o->still = rootfs_is_mountpoint("merged");
	n = pwrite(fd, FRESH "\n", 6, 0);
	o->wr_err = n < 0 ? errno : n != 6 ? EIO : 0;
	TRY(c, ovl_upper_has("upper/file", OVL_UP_FILE, &o->copied),
	    "inspect upper/file");
	TRY(c, ovl_layer_digest("lower", &o->low[1]), "digest lower");
	return 0;
}

static const char *err_str(int e)
{
	return e ? strerrorname_np(e) : "ok";
}

static enum obs judge_busy(struct judge *j, const struct busy *o)
{
	bool same = o->low[0] == o->low[1];

	judge_kv(j, "umount", "%s", err_str(o->busy_err));
	judge_kv(j, "umount MNT_DETACH", "%s", err_str(o->lazy_err));
	return judge_holds(
		j,
		o->busy_err == EBUSY && !o->lazy_err && !o->still &&
			!o->wr_err && o->copied && same,
		"umount: %s; MNT_DETACH: %s, merged %s; write through the open "
		"file: %s; upper/file %s; lower %s",
		err_str(o->busy_err), err_str(o->lazy_err),
		o->still ? "still mounted" : "detached", err_str(o->wr_err),
		o->copied ? "has it" : "absent",
		same ? "unchanged" : "changed");
}
CHECK(umount_busy, struct busy, observe_busy, judge_busy);

#define FDS(id_, title_, property_, expect_, check_)                           \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_, .req = OVL_REQ,                             \
		.tags = { "overlay", "rootfs", "copy-up" }, .check = &check_   \
	}

static const struct scenario overlay_fds[] = {
	FDS("rdonly-fd-follows-copy-up",
	    "a read-only fd reads the copied-up data",
	    "a lower file opened read-only, then written through another "
	    "descriptor, reads the new data from upper; lower is kept",
	    "write: ok; the fd opened before reads fresh; lower unchanged; "
	    "upper/file copied up",
	    rdonly_fd_follows),
	FDS("mmap-keeps-lower", "a shared mapping keeps lower's data",
	    "a MAP_SHARED mapping of a lower file made before a copy-up keeps "
	    "showing lower's data (overlayfs.rst, non-standard behaviour)",
	    "write: ok; merged/file=fresh; the mapping made before reads lower",
	    mmap_keeps_lower),
	FDS("lower-changed-while-mounted",
	    "lower edits show until the file is copied up",
	    "a lower file edited in place under a mounted overlay shows the "
	    "edit through merged until copied up, and no edit after "
	    "(undefined by overlayfs.rst: what Linux does)",
	    "lower edited: merged/file=edit1; written through merged (ok), "
	    "lower edited again: merged/file=fresh",
	    lower_changed),
	FDS("umount-busy-lazy", "an overlay with an open file is busy",
	    "umount(2) of an overlay with an open file fails with EBUSY; "
	    "MNT_DETACH detaches it and the file still writes to upper",
	    "umount: EBUSY; MNT_DETACH: ok, merged detached; write through the "
	    "open file: ok; upper/file has it; lower unchanged",
	    umount_busy),
};

BOXCHECK_AREA(overlay_fds, overlay_fds);
