// SPDX-License-Identifier: MIT
/*
 * readdir of merged and unmerged directories (overlayfs.rst, "readdir"): a
 * merged directory's listing is cached in the open file, rebuilt only by a
 * read from offset 0; a directory that is not merged is read from its
 * layer, live. One descriptor reads the directory whole, a name is created
 * in it, and the descriptor reads again from offset 2 and from 0, through
 * ovl_dir_lists() (its mutant reads afresh). The controls: a bind of lower
 * (no overlay), or the merged dir where the unmerged one was read.
 */
#include "overlay_more.h"

#include <fcntl.h>
#include <sys/mount.h>

struct rd {
	bool at2, at0; /* "new" listed from offset 2, then from 0 */
};

/* Read dir whole, create dir/new, read from 2 and from 0. */
static int read_around(struct ctx *c, const char *dir, struct rd *o)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char p[PATH_MAX];
	bool first;

	TRY(c, fd < 0 ? neg_errno() : 0, "open the dir");
	TRY(c, ovl_dir_lists(fd, 0, "new", &first), "read the dir whole");
	snprintf(p, sizeof(p), "%s/new", dir);
	TRY(c, write_text_creat(p, "new\n"), "create new in the dir");
	TRY(c, ovl_dir_lists(fd, 2, "new", &o->at2), "read from offset 2");
	TRY(c, ovl_dir_lists(fd, 0, "new", &o->at0), "read from offset 0");
	return 0;
}

/* dir in lower and upper (merged); pd made through merged (upper only). */
static int dirs(struct ctx *c, bool overlay)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	TRY(c, ovl_sys(mkdir("upper/dir", 0755)), "mkdir upper/dir");
	if (overlay)
		TRY(c, ovl_mount_std(NULL), "mount overlay");
	else
		TRY(c, ovl_sys(mount("lower", "merged", NULL, MS_BIND, NULL)),
		    "bind lower on merged");
	return 0;
}

static int observe_cached(struct ctx *c, struct rd *o)
{
	TRY_OBS(dirs(c, c->isolate));
	return read_around(c, "merged/dir", o);
}

static enum obs judge_cached(struct judge *j, const struct rd *o)
{
	return judge_holds(j, !o->at2 && o->at0,
			   "a name created after the first read: listed from "
			   "offset 2: %s; from offset 0: %s",
			   o->at2 ? "yes" : "no", o->at0 ? "yes" : "no");
}
CHECK(merged_dir_cached, struct rd, observe_cached, judge_cached);

/* The unmerged dir is made through merged: upper only, then read. */
static int observe_unmerged(struct ctx *c, struct rd *o)
{
	TRY_OBS(dirs(c, true));
	TRY(c, ovl_sys(mkdir("merged/up", 0755)), "mkdir merged/up");
	return read_around(c, c->isolate ? "merged/up" : "merged/dir", o);
}

static enum obs judge_unmerged(struct judge *j, const struct rd *o)
{
	return judge_holds(j, o->at2 && o->at0,
			   "a name created after the first read: listed from "
			   "offset 2: %s; from offset 0: %s",
			   o->at2 ? "yes" : "no", o->at0 ? "yes" : "no");
}
CHECK(unmerged_dir_live, struct rd, observe_unmerged, judge_unmerged);

#define RD(id_, title_, property_, expect_, check_)                            \
	{                                                                      \
		.id = "overlay/" id_, .title = title_, .property = property_,  \
		.expect = expect_, .req = OVL_REQ,                             \
		.tags = { "overlay", "rootfs", "readdir" }, .check = &check_   \
	}

static const struct scenario overlay_readdir[] = {
	RD("readdir-merged-cached-until-rewind",
	   "a merged dir's listing is cached per open file",
	   "an open merged dir does not list a name created after its first "
	   "read when read on from offset 2, and lists it from offset 0",
	   "a name created after the first read: listed from offset 2: no; "
	   "from offset 0: yes",
	   merged_dir_cached),
	RD("readdir-unmerged-from-layer",
	   "an unmerged dir is read from its layer",
	   "an open dir that exists in upper only lists a name created after "
	   "its first read from any offset, as its layer does",
	   "a name created after the first read: listed from offset 2: yes; "
	   "from offset 0: yes",
	   unmerged_dir_live),
};

BOXCHECK_AREA(overlay_readdir, overlay_readdir);
