/* SPDX-License-Identifier: MIT */
/* overlay.h - overlayfs mounts. */
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

#endif
