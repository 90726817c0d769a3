/* SPDX-License-Identifier: MIT */
/* overlay.h - overlayfs mounts, by mount(2) or the new mount API. */
#ifndef BOXCHECK_OVERLAY_H
#define BOXCHECK_OVERLAY_H

#include "base.h"

struct overlay_spec {
	const char *const *lowers; /* leftmost is the top layer */
	size_t n_lowers;
	const char *upper; /* NULL: read-only overlay */
	const char *work;
	const char *extra; /* more options ("redirect_dir=on"), or NULL */
};

/* Build the option string "lowerdir=a:b,upperdir=u,workdir=w[,extra]". */
int overlay_options(const struct overlay_spec *s, char *buf, size_t len);
/* mount(2) of overlay on target. */
int overlay_mount(const struct overlay_spec *s, const char *target);
/* The same through fsopen, fsconfig, fsmount and move_mount. */
int overlay_mount_fsopen(const struct overlay_spec *s, const char *target);
/*
 * The new mount API with parameters given one by one ("lowerdir+=l1",
 * "upperdir=u", "volatile"), each its own fsconfig() call, in order.
 */
int overlay_mount_params(const char *const *params, size_t n,
			 const char *target);

/* Options whose support depends on the kernel and its configuration. */
enum ovl_opt {
	OVL_REDIRECT_DIR,
	OVL_INDEX,
	OVL_METACOPY,
	OVL_XINO,
	OVL_VOLATILE,
	OVL_USERXATTR,
	OVL_NFS_EXPORT, /* with index=on, which it needs */
	OVL_OPT__COUNT,
};
#define OVL_BIT(o) (1u << (o))

struct ovl_opt_info {
	const char *name;   /* "redirect_dir" */
	const char *option; /* what is passed: "redirect_dir=on" */
	/* What mountinfo shows when it took effect (kernels differ). */
	const char *shown[2];
};
extern const struct ovl_opt_info ovl_opt_table[OVL_OPT__COUNT];

struct ovl_probe {
	unsigned accepted;	 /* OVL_BIT: the mount succeeded with it */
	unsigned effective;	 /* OVL_BIT: mountinfo shows it in force */
	int err[OVL_OPT__COUNT]; /* -errno of a refused mount */
};
/*
 * Mount a small overlay under scratch once per option and unmount it.
 * Needs a private mount namespace; 0 or -errno (only for broken set-up).
 */
int overlay_probe_options(const char *scratch, struct ovl_probe *p);
/* The same for one option: its bits and err[o] in *p (not cleared). */
int overlay_probe_one(const char *scratch, enum ovl_opt o, struct ovl_probe *p);
/* "redirect_dir index xino" for a mask, "none" for 0. */
void ovl_opts_describe(unsigned mask, char *buf, size_t len);

/* ---- inspecting layers (observation helpers) ---------------------- */

/*
 * A digest of the tree at dir: every entry's name, type, mode, owner and
 * xattrs, a non-directory's mtime, a file's bytes, a link's target, a
 * device's number, in name order. Equal digests
 * before and after an operation: the layer was left as it was.
 */
int ovl_layer_digest(const char *dir, uint64_t *digest);

/* What an overlay leaves in upper at a path. */
enum ovl_upper {
	OVL_UP_FILE,	     /* a regular file: copied up or created */
	OVL_UP_WHITEOUT,     /* a char 0:0 device: a deleted lower entry */
	OVL_UP_OPAQUE,	     /* trusted.overlay.opaque=y: lower's dir hidden */
	OVL_UP_USER_OPAQUE,  /* the same in user.overlay.* (userxattr) */
	OVL_UP_REDIRECT,     /* trusted.overlay.redirect: a renamed dir */
	OVL_UP_ABS_REDIRECT, /* the same, absolute ("/dir"): moved elsewhere */
	OVL_UP_SYMLINK,	     /* a symlink: copied up or created */
	OVL_UP_METACOPY,     /* trusted.overlay.metacopy: metadata only */
	OVL_UP_HOLLOW,	     /* a non-empty file, all hole (SEEK_DATA) */
	OVL_UP_ORIGIN,	     /* trusted.overlay.origin: where it came from */
	OVL_UP_USER_ORIGIN,  /* the same in user.overlay.* (userxattr) */
	OVL_UP__COUNT,
};
/* Whether path has it (an absent path has nothing): 0 or -errno. */
int ovl_upper_has(const char *path, enum ovl_upper what, bool *has);

/* ---- more observation helpers, each with its own mutant ------------ */

/* Who a path is: the device and inode stat(2) reports, and its links. */
struct ovl_id {
	uint64_t dev, ino, nlink;
};
/* lstat of path: 0 or -errno. */
int ovl_stat_id(const char *path, struct ovl_id *id);
bool ovl_id_same(const struct ovl_id *a, const struct ovl_id *b);

/* statfs(2) of a and b report the same filesystem usage: 0 or -errno. */
int ovl_statfs_same(const char *a, const char *b, bool *same);

/*
 * An overlay mount whose refusal is the observation: *err is 0 when it
 * mounted, else the errno. Returns 0; -errno only for a broken spec.
 */
int ovl_mount_attempt(const struct overlay_spec *s, const char *target,
		      int *err);

#endif
