// SPDX-License-Identifier: MIT
/*
 * Directories and names across layers (overlayfs.rst, "Upper and Lower",
 * "Directories", "whiteouts and opaque directories", "Redirect dir").
 *
 * Two kinds of case. An operation through merged (rmdir, mkdir over a
 * deleted name, rename of a lower dir): judged by lower's digest, the mark
 * in upper and what merged shows, the control binding lower on merged and
 * doing the same on that plain tree. A view of prepared layers (upper made
 * beforehand as an image layer would be: a file of the same name, a
 * whiteout, an opaque dir, a dir with entries of its own): judged by what
 * merged shows, read through ovl_view(); the control binds lower on merged
 * and shows lower's entries.
 */
#include "overlay_case.h"

#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

static int op_rmdir(void)
{
	return ovl_sys(unlink("merged/dir/x")) ?: ovl_sys(rmdir("merged/dir"));
}

static int op_mkdir_over_file(void)
{
	return ovl_sys(unlink("merged/file"))
		       ?: ovl_sys(mkdir("merged/file", 0755));
}

static int op_move_into_subdir(void)
{
	return ovl_sys(rename("merged/dir", "merged/empty/dir"));
}

static int op_rename_dir(void)
{
	return ovl_sys(rename("merged/dir", "merged/moved"));
}

static int prepare_upper_file(void)
{
	return write_text_creat("upper/file", "upper\n");
}

static int prepare_file_over_dir(void)
{
	return write_text_creat("upper/dir", "upper\n");
}

/* A whiteout as an image layer carries it: char 0:0 in upper. */
static int prepare_whiteout(void)
{
	return ovl_sys(mknod("upper/file", S_IFCHR | 0, makedev(0, 0)));
}

static int prepare_opaque(void)
{
	if (mkdir("upper/dir", 0755) < 0 ||
	    setxattr("upper/dir", "trusted.overlay.opaque", "y", 1, 0) < 0)
		return neg_errno();
	return write_text_creat("upper/dir/y", "y\n");
}

/* A dir in both layers, with one name in both and one in each. */
static int prepare_both(void)
{
	int r = write_text_creat("lower/dir/dup", "lower\n");

	if (r == 0 && mkdir("upper/dir", 0755) < 0)
		r = neg_errno();
	r = r ?: write_text_creat("upper/dir/dup", "upper\n");
	return r ?: write_text_creat("upper/dir/c", "c\n");
}

OVL_CASE(rmdir_whiteout, .op = "rm merged/dir/x, rmdir merged/dir",
	 .act = op_rmdir,
	 .marks = { { "upper/dir", OVL_UP_WHITEOUT, "a whiteout" } },
	 .view = "dir", .describe = ovl_desc_type, .want = "(absent)");
OVL_CASE(mkdir_over_whiteout, .op = "rm merged/file, mkdir merged/file",
	 .act = op_mkdir_over_file,
	 .marks = { { "upper/file", OVL_UP_OPAQUE, "opaque" } }, .view = "file",
	 .describe = ovl_desc_type, .want = "dir");
OVL_CASE(move_dir_absolute, .op = "rename merged/dir to merged/empty/dir",
	 .act = op_move_into_subdir, .extra = "redirect_dir=on",
	 .need = OVL_BIT(OVL_REDIRECT_DIR),
	 .marks = { { "upper/empty/dir", OVL_UP_ABS_REDIRECT,
		      "redirected to an absolute path" } },
	 .view = "empty/dir", .describe = ovl_desc_listing, .want = "x");
OVL_CASE(redirect_remount, .op = "rename merged/dir to merged/moved, remount",
	 .act = op_rename_dir, .extra = "redirect_dir=on",
	 .need = OVL_BIT(OVL_REDIRECT_DIR), .remount = true,
	 .marks = { { "upper/moved", OVL_UP_REDIRECT, "redirected" } },
	 .view = "moved", .describe = ovl_desc_listing, .want = "x");
OVL_CASE(upper_wins, .prepare = prepare_upper_file, .view = "file",
	 .want = "upper");
OVL_CASE(file_hides_dir, .prepare = prepare_file_over_dir, .view = "dir",
	 .describe = ovl_desc_type, .want = "file");
OVL_CASE(whiteout_hides, .prepare = prepare_whiteout, .view = ".",
	 .describe = ovl_desc_listing, .want = "dir empty");
OVL_CASE(opaque_hides, .prepare = prepare_opaque, .view = "dir",
	 .describe = ovl_desc_listing, .want = "y");
OVL_CASE(readdir_merged, .prepare = prepare_both, .view = "dir",
	 .describe = ovl_desc_listing, .want = "c dup x");

#define DIRS(id_, title_, property_, expect_, check_)                          \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_, .req = OVL_REQ,                             \
		.tags = { "overlay", "rootfs", "dirs" }, .check = &check_      \
	}

static const struct scenario overlay_dirs[] = {
	DIRS("rmdir-whiteout", "removing a lower dir leaves a whiteout",
	     "emptying and removing a lower dir through merged leaves a "
	     "whiteout of the dir in upper and lower's dir as it was",
	     "lower unchanged; upper/dir is a whiteout; merged/dir: (absent)",
	     rmdir_whiteout),
	DIRS("mkdir-over-whiteout", "a dir made over a deleted name is opaque",
	     "a dir made where a lower file was deleted is opaque in upper, "
	     "lower's file kept",
	     "lower unchanged; upper/file is opaque; merged/file: dir",
	     mkdir_over_whiteout),
	DIRS("move-dir-absolute-redirect",
	     "a lower dir moved to another parent keeps its entries",
	     "with redirect_dir=on, a lower dir moved into another dir through "
	     "merged shows its entries there, by an absolute redirect",
	     "lower unchanged; upper/empty/dir is redirected to an absolute "
	     "path; merged/empty/dir: x",
	     move_dir_absolute),
	DIRS("redirect-survives-remount", "a dir rename survives a remount",
	     "with redirect_dir=on, a lower dir renamed through merged still "
	     "shows its lower entries after the overlay is mounted again",
	     "lower unchanged; upper/moved is redirected; merged/moved: x",
	     redirect_remount),
	DIRS("upper-wins", "a name in upper hides lower's",
	     "a file in both upper and lower reads as upper's through merged",
	     "merged/file: upper", upper_wins),
	DIRS("upper-file-hides-lower-dir", "a file in upper hides a lower dir",
	     "a non-directory in upper hides a lower dir of the same name: "
	     "merged shows the file, not a merged dir",
	     "merged/dir: file", file_hides_dir),
	DIRS("whiteout-hides-lower", "a whiteout in upper hides a lower file",
	     "a char 0:0 device in upper (an image layer's whiteout) hides the "
	     "lower file of that name from merged's listing",
	     "merged/.: dir empty", whiteout_hides),
	DIRS("opaque-hides-lower", "an opaque upper dir hides lower's entries",
	     "an upper dir with trusted.overlay.opaque=y lists only its own "
	     "entries through merged, none of the lower dir's",
	     "merged/dir: y", opaque_hides),
	DIRS("readdir-merged-once", "a merged dir lists each name once",
	     "a dir in both layers lists the entries of both through merged, "
	     "a name in both only once",
	     "merged/dir: c dup x", readdir_merged),
};

BOXCHECK_AREA(overlay_dirs, overlay_dirs);
