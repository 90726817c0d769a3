/* SPDX-License-Identifier: MIT */
/*
 * overlay_util.h - what the overlay scenarios share: the layers they make in
 * the run's directory (lower/ with file, dir/x and empty/; upper/ work/
 * merged/), the isolating mount, and facts read with their errors kept.
 */
#ifndef BOXCHECK_OVERLAY_UTIL_H
#define BOXCHECK_OVERLAY_UTIL_H

#include "scenario.h"
#include "../primitives/overlay.h"
#include "../primitives/rootfs.h"

extern const char *const ovl_one_lower[1];
#define OVL_STD_SPEC(extra_)                                                   \
	{                                                                      \
		ovl_one_lower, 1, "upper", "work", (extra_)                    \
	}

/* lower/file, lower/dir/x, lower/empty/, upper/, work/, merged/. */
int ovl_make_layers(void);
/* The overlay of those on merged, with extra options (or NULL). */
int ovl_mount_std(const char *extra);
/*
 * The isolating step: that overlay on merged. The control binds lower on
 * merged instead: the same operations then act on a plain tree.
 */
int ovl_mount_merged(struct ctx *c, const char *extra);
/* 0 when overlay takes option o; a skip when it refuses it (EINVAL). */
int ovl_need_option(struct ctx *c, enum ovl_opt o);

/* A small text file's content, or its absence. */
struct content {
	bool present;
	char text[32]; /* without the trailing newline */
};
/* 0 with c filled (absent on ENOENT); -errno on any other failure. */
int read_content(const char *path, struct content *c);
bool content_is(const struct content *c, const char *text);
/* Its text, or "(absent)". */
const char *content_str(const struct content *c);

/* lstat: 0 and *there (false on ENOENT), or -errno. */
int path_present(const char *path, bool *there);
/* statfs: is path on an overlay? 0 or -errno. */
int fs_is_overlay(const char *path, bool *overlay);

#endif
