// SPDX-License-Identifier: MIT
/*
 * Copy-up: the operations that change a lower file's metadata or name
 * through merged (overlayfs.rst, "Non-directories": any open for write or
 * change of attributes first copies the file up). Each case does one
 * operation on merged/ and records lower's digest before and after, what
 * upper then holds, and the attribute merged shows. The isolating step is
 * the overlay on merged; the control binds lower on merged and does the
 * same operation on that plain tree, where lower changes and upper stays
 * empty: the same predicate says so from the facts.
 */
#include "overlay_case.h"

#include <fcntl.h>
#include <string.h>
#include <sys/xattr.h>

#define ID 4242 /* the owner chown sets: any id other than root's */

static int op_chmod(void)
{
	return ovl_sys(chmod("merged/file", 0600));
}

static int op_chown(void)
{
	return ovl_sys(lchown("merged/file", ID, ID));
}

static int op_utimes(void)
{
	const struct timespec t[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	return ovl_sys(utimensat(AT_FDCWD, "merged/file", t, 0));
}

static int op_truncate(void)
{
	return ovl_sys(truncate("merged/file", 0));
}

static int op_setxattr(void)
{
	return ovl_sys(setxattr("merged/file", "trusted.boxcheck", "1", 1, 0));
}

/* Opened for writing, nothing written: the open alone copies up. */
static int op_open_write(void)
{
	int fd = open("merged/file", O_WRONLY | O_CLOEXEC);

	return fd < 0 ? neg_errno() : ovl_sys(close(fd));
}

static int op_rename(void)
{
	return ovl_sys(rename("merged/file", "merged/renamed"));
}

static int op_link(void)
{
	return ovl_sys(link("merged/file", "merged/twin"));
}

static int op_lchown_symlink(void)
{
	return ovl_sys(lchown("merged/sym", ID, ID));
}

static int prepare_symlink(void)
{
	return ovl_sys(symlink("file", "lower/sym"));
}

/* "one inode with merged/file, nlink 2", or what differs. */
static int desc_twin(const char *path, char *buf, size_t len)
{
	struct ovl_id a = { 0 }, b = { 0 };
	int r = ovl_stat_id("merged/file", &a);

	r = r ?: ovl_stat_id(path, &b);
	if (r == -ENOENT) {
		snprintf(buf, len, "(absent)");
		return 0;
	}
	if (r < 0)
		return r;
	snprintf(buf, len, "%s merged/file, nlink %llu",
		 ovl_id_same(&a, &b) ? "one inode with" : "another inode than",
		 (unsigned long long)b.nlink);
	return 0;
}

#define COPIED(path_)                                                          \
	{                                                                      \
		{                                                              \
			path_, OVL_UP_FILE, "a copied-up file"                 \
		}                                                              \
	}

OVL_CASE(chmod_copies_up, .op = "chmod 0600 merged/file", .act = op_chmod,
	 .marks = COPIED("upper/file"), .view = "file",
	 .describe = ovl_desc_mode, .want = "mode 600");
OVL_CASE(chown_copies_up, .op = "chown 4242:4242 merged/file", .act = op_chown,
	 .marks = COPIED("upper/file"), .view = "file",
	 .describe = ovl_desc_owner, .want = "owner 4242:4242");
OVL_CASE(utimes_copies_up, .op = "utimensat merged/file to 10^9 s",
	 .act = op_utimes, .marks = COPIED("upper/file"), .view = "file",
	 .describe = ovl_desc_mtime, .want = "mtime 1000000000");
OVL_CASE(truncate_copies_up, .op = "truncate merged/file to 0",
	 .act = op_truncate, .marks = COPIED("upper/file"), .view = "file",
	 .describe = ovl_desc_size, .want = "size 0");
OVL_CASE(setxattr_copies_up, .op = "setxattr trusted.boxcheck=1 merged/file",
	 .act = op_setxattr, .marks = COPIED("upper/file"), .view = "file",
	 .describe = ovl_desc_xattr, .want = "xattr 1");
OVL_CASE(open_write_copies_up, .op = "open merged/file O_WRONLY, close",
	 .act = op_open_write, .marks = COPIED("upper/file"), .view = "file",
	 .want = "lower");
OVL_CASE(rename_file, .op = "rename merged/file to merged/renamed",
	 .act = op_rename,
	 .marks = { { "upper/renamed", OVL_UP_FILE, "a copied-up file" },
		    { "upper/file", OVL_UP_WHITEOUT, "a whiteout" } },
	 .view = "renamed", .want = "lower");
OVL_CASE(link_copies_up_once, .op = "link merged/file to merged/twin",
	 .act = op_link,
	 .marks = { { "upper/file", OVL_UP_FILE, "a copied-up file" },
		    { "upper/twin", OVL_UP_FILE, "a file" } },
	 .view = "twin", .describe = desc_twin,
	 .want = "one inode with merged/file, nlink 2");
OVL_CASE(symlink_copies_up, .op = "lchown 4242:4242 merged/sym",
	 .prepare = prepare_symlink, .act = op_lchown_symlink,
	 .marks = { { "upper/sym", OVL_UP_SYMLINK, "a copied-up symlink" } },
	 .view = "sym", .describe = ovl_desc_symlink,
	 .want = "-> file, owner 4242:4242");

#define COPYUP(id_, title_, property_, expect_, check_)                        \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_, .req = OVL_REQ,                             \
		.tags = { "overlay", "rootfs", "copy-up" }, .check = &check_   \
	}

static const struct scenario overlay_copyup[] = {
	COPYUP("chmod-copies-up", "chmod of a lower file copies it up",
	       "chmod of a lower file through merged copies it up with the new "
	       "mode and leaves lower's mode",
	       "chmod 0600 merged/file: ok; lower unchanged; upper/file is a "
	       "copied-up file; merged/file: mode 600",
	       chmod_copies_up),
	COPYUP("chown-copies-up", "chown of a lower file copies it up",
	       "chown of a lower file through merged copies it up with the new "
	       "owner and leaves lower's",
	       "lower unchanged; upper/file is a copied-up file; merged/file: "
	       "owner 4242:4242",
	       chown_copies_up),
	COPYUP("utimes-copies-up", "utimes of a lower file copies it up",
	       "setting a lower file's times through merged copies it up with "
	       "them and leaves lower's times",
	       "lower unchanged; upper/file is a copied-up file; merged/file: "
	       "mtime 1000000000",
	       utimes_copies_up),
	COPYUP("truncate-copies-up", "truncate of a lower file copies it up",
	       "truncating a lower file through merged empties its copy in "
	       "upper and leaves lower's data",
	       "lower unchanged; upper/file is a copied-up file; merged/file: "
	       "size 0",
	       truncate_copies_up),
	COPYUP("setxattr-copies-up",
	       "an xattr set on a lower file copies it up",
	       "setting an xattr on a lower file through merged copies it up "
	       "with the xattr, which lower never gets",
	       "lower unchanged; upper/file is a copied-up file; merged/file: "
	       "xattr 1",
	       setxattr_copies_up),
	COPYUP("open-write-copies-up", "opening for write copies up",
	       "opening a lower file for writing copies it up whole, even when "
	       "nothing is written",
	       "open merged/file O_WRONLY, close: ok; lower unchanged; "
	       "upper/file is a copied-up file; merged/file: lower",
	       open_write_copies_up),
	COPYUP("rename-file", "renaming a lower file copies it up",
	       "renaming a lower file through merged copies it up under the "
	       "new name and whites out the old one, lower kept",
	       "lower unchanged; upper/renamed is a copied-up file; upper/file "
	       "is a whiteout; merged/renamed: lower",
	       rename_file),
	COPYUP("link-copies-up-once",
	       "a hard link to a lower file is one inode",
	       "link(2) of a lower file through merged copies it up once and "
	       "links the copy: both names are one inode with nlink 2",
	       "lower unchanged; upper/file and upper/twin are files; "
	       "merged/twin: one inode with merged/file, nlink 2",
	       link_copies_up_once),
	COPYUP("symlink-copies-up", "lchown of a lower symlink copies it up",
	       "lchown of a lower symlink through merged copies the link "
	       "itself up, target kept, lower's owner kept",
	       "lower unchanged; upper/sym is a copied-up symlink; merged/sym: "
	       "-> file, owner 4242:4242",
	       symlink_copies_up),
};

BOXCHECK_AREA(overlay_copyup, overlay_copyup);
