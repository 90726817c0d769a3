/* SPDX-License-Identifier: MIT */
/* container_int.h - the reference container's child steps (internal). */
#ifndef BOXCHECK_CONTAINER_INT_H
#define BOXCHECK_CONTAINER_INT_H

#include "container.h"

#include <limits.h>

struct child {
	const struct container_spec *s;
	char root[PATH_MAX]; /* the new root as seen before pivot_root */
	int hold_fd;	     /* O_PATH fd of the hold fifo, or -1 */
};

typedef int child_step(struct child *c);

/* container_fs.c */
child_step step_private, step_overlay, step_proc, step_dev, step_sys,
	step_bind_in, step_pivot, step_mask, step_ro_paths, step_readonly;
/* container_proc.c */
child_step step_become_root, step_hostname, step_cgroupns, step_hold_open,
	step_ids, step_rlimits, step_umask, step_keyring, step_lsm, step_cwd,
	step_seccomp, step_caps, step_no_new_privs;
/* After the steps: close what is not passed, wait for start. */
int child_close_fds(struct child *c);
int child_hold(struct child *c, struct chan *err);

static inline bool has_root(const struct container_spec *s)
{
	return s->root || s->n_lowers;
}

#endif
