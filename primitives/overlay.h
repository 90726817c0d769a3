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
 * As an unprivileged user would: fork a child into a new user and mount
 * namespace whose only ids, 0 inside, map to uid and gid outside; mount s on
 * target there, then run then(arg) (if given) inside. Returns the mount's
 * -errno, or then's return value. Paths resolve from the caller's cwd, which
 * the mapped user must be able to search.
 */
int overlay_userns_run(const struct overlay_spec *s, const char *target,
		       uid_t uid, gid_t gid, int (*then)(void *arg), void *arg);

/* Options whose support depends on the kernel and its configuration. */
enum ovl_opt {
	OVL_REDIRECT_DIR,
	OVL_INDEX,
	OVL_METACOPY,
	OVL_XINO,
	OVL_VOLATILE,
	OVL_USERXATTR,
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
/* "redirect_dir index xino" for a mask, "none" for 0. */
void ovl_opts_describe(unsigned mask, char *buf, size_t len);

#endif
