/* SPDX-License-Identifier: MIT */
/*
 * instance.h - names that tie a run's leftovers (run dir, cgroups) to the
 * process that made them: "boxcheck-<pid>-<starttime>". A name whose process
 * is gone (or whose pid was reused: other start time) is stale.
 */
#ifndef BOXCHECK_INSTANCE_H
#define BOXCHECK_INSTANCE_H

#include "../primitives/cgroup.h"

#define INSTANCE_PREFIX "boxcheck-"

int instance_name(char *buf, size_t len);
/* true when name is an instance name whose process still runs. */
bool instance_alive(const char *name);
bool instance_is_name(const char *name);
/* Base directory of run dirs: $BOXCHECK_RUNDIR, /run/boxcheck or /tmp. */
const char *instance_base(void);
/*
 * For `boxcheck cleanup`, should the run be killed: the cgroup directories
 * it makes outside its own named ones (the first new component of an
 * absolute path below ours, as t tracked it), one a line in
 * <rundir>/cgroups-made.
 */
void instance_note_cgroups(const char *rundir, const struct cg_layout *l,
			   const struct cg_abs_track *t);

#endif
