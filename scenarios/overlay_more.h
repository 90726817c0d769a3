/* SPDX-License-Identifier: MIT */
/*
 * overlay_more.h - what the wave-3 overlay scenario files share
 * (overlay_more.c): layers on filesystems of their own, mounts by option
 * string, probes of options a kernel may lack, and observation helpers
 * with their mutation points (section "overlayfs in depth" of mutant.h).
 * Every mount is made in the worker's private mount namespace.
 */
#ifndef BOXCHECK_SCENARIOS_OVERLAY_MORE_H
#define BOXCHECK_SCENARIOS_OVERLAY_MORE_H

#include "overlay_case.h"
#include "../primitives/mutant.h"

#include <fcntl.h>

/* A tmpfs (or another type) on path, made if missing: 0 or -errno. */
int ovl_fs_at(const char *path, const char *type);
/* mount -t overlay overlay -o opts target: 0 or -errno. */
int ovl_mount_opts(const char *opts, const char *target);
/*
 * That mount, whose refusal is the observation: *err is its errno, 0 when
 * it mounted. Mutation point M_OVL_MOUNT_REFUSED: EINVAL. Returns 0.
 */
int ovl_mount_try(const char *opts, const char *target, int *err);
/* mkdir each of n paths (0755): 0 or -errno. */
int ovl_mkdirs(const char *const *dirs, size_t n);

/*
 * Skip unless a scratch overlay (lower, upper and work of its own under
 * probe-N) mounts with `opts` added; the skip names opts and `since`
 * ("Linux 6.6"). A refusal other than EINVAL is an error.
 */
int ovl_need_opts(struct ctx *c, const char *opts, const char *since);

/*
 * Skip unless overlay keeps xino: a scratch overlay over two tmpfs with
 * xino=on shows xino=on in its superblock options (32-bit kernels fall
 * back to xino=off, overlayfs.rst "Inode properties"). Evidence: what it
 * read back.
 */
int ovl_need_xino(struct ctx *c);

/* "ok", or the errno's name. */
const char *ovl_err(int e);

/* ---- directories ---------------------------------------------------- */

/*
 * Entries of dir whose readdir d_ino differs from their lstat st_ino
 * (through ovl_stat_id: M_OVL_INODE_DISTINCT), and how many were read.
 */
int ovl_dino_mismatch(const char *dir, int *mismatched, int *entries,
		      char *which, size_t len);

/*
 * Read the open directory fd from offset pos (lseek, getdents64) and say
 * whether name is listed. Mutation point M_OVL_DIR_LIVE: a listing from a
 * non-zero offset reads the directory afresh, as a plain filesystem would.
 */
int ovl_dir_lists(int fd, off_t pos, const char *name, bool *listed);

/* ---- file handles --------------------------------------------------- */

struct ovl_handle {
	struct file_handle fh;
	unsigned char bytes[MAX_HANDLE_SZ];
};
/*
 * name_to_handle_at(path): 0, or the errno (positive) when refused.
 * Mutation point M_OVL_HANDLE_OPENS, where refused: encoded (0).
 */
int ovl_handle_of(const char *path, struct ovl_handle *h);
/*
 * open_by_handle_at(on the mount of mnt_dir) and read what it opens into
 * c: 0, or the errno (positive) of the decode. Mutation point
 * M_OVL_HANDLE_OPENS: decoded, read from `path` instead.
 */
int ovl_handle_read(const char *mnt_dir, struct ovl_handle *h, const char *path,
		    struct content *c);

/* ---- access --------------------------------------------------------- */

/*
 * The errno of open(dir/name, flags) by a child that enters dir as root,
 * then takes uid and gid (and so loses its capabilities); 0 when it
 * opened. Mutation point M_OVL_ACCESS: every open reads as allowed. 0 with
 * *err, or -errno.
 */
int ovl_open_as(uid_t uid, const char *dir, const char *name, int flags,
		int *err);
/* The errno of open(path, flags) here, 0 when it opened (M_OVL_ACCESS). */
int ovl_open_err(const char *path, int flags);

#endif
