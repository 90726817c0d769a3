/* SPDX-License-Identifier: MIT */
/*
 * overlay_userns.h - the overlay in a user namespace (overlay_userns.c):
 * the layers an unprivileged user owns under u/ (lower, upper, work,
 * merged), the probes, and the two ways of mounting them: by the user in
 * its own user namespace (the isolating step), or by root in a mount
 * namespace of its own (the control).
 */
#ifndef BOXCHECK_OVERLAY_USERNS_H
#define BOXCHECK_OVERLAY_USERNS_H

#include "nsrun.h"
#include "overlay_util.h"

/* u/lower, u/lower/empty, u/upper, u/work, u/merged, owned by UNPRIV_ID. */
int ovl_userns_layers(void);
/* 0, or a skip naming what this kernel or upper filesystem lacks. */
int ovl_userns_probe(struct ctx *c);
/* UNPRIV_ID as root of a new user namespace, with a mount namespace. */
extern const struct nsrun ovl_in_userns;
/* root, in a new mount namespace only. */
extern const struct nsrun ovl_by_root;
/* In either child: become its root, mount u/'s overlay with extra. */
int ovl_userns_mount(const char *extra);

#endif
