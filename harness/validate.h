/* SPDX-License-Identifier: MIT */
/* validate.h - running targets and judging them (targets_validate.c). */
#ifndef BOXCHECK_VALIDATE_H
#define BOXCHECK_VALIDATE_H

#include "targets.h"
#include "../primitives/cgroup.h"

#define VALIDATE_MAX_TARGETS 16

/* A selected target: a table entry, or cmd: with its template. */
struct vsel {
	const struct target *t;
	const char *tmpl;
	char label[32];
};

struct vrun {
	const struct profile *pr;
	char name[96];	    /* boxcheck-<pid>-<starttime> */
	char dir[PATH_MAX]; /* the run directory */
	char self[PATH_MAX];
	char agent[PATH_MAX];
	int agent_err; /* 0, or why there is no static agent */
	struct cg_layout cgl;
	bool have_cg;
	char cg_why[128];
	/*
	 * For runtimes that take only an absolute cgroup path (podman's
	 * cgroupfs manager): our deepest own path when every hierarchy's own
	 * path is an ancestor of it (cg_common_own), else "". cg_made: what
	 * appears along <cg_deep>/<name>, removed at teardown.
	 */
	char cg_deep[PATH_MAX];
	struct cg_abs_track cg_made;
	unsigned timeout_s;
};

/* Run the control and every selected target; records in recs. */
size_t validate_run(struct vrun *run, const struct vsel *sel, int n,
		    struct record *recs);

/* What one target gave: facts, or why there are none. */
struct tres {
	enum obs kind; /* OBS_HOLDS: facts; OBS_SKIP or OBS_ERROR: why */
	char why[500];
	struct facts f;
};
/*
 * The records of one target (P__COUNT of them), from its result and the
 * control's outcomes. Pure: tests drive it with hand-made facts.
 */
void validate_judge(const struct profile *pr, const struct target *t,
		    const char *label, unsigned kernel_ns,
		    const struct tres *res, const struct facts *base,
		    const struct outcome ctl[P__COUNT], struct record *out);

/* The property x target matrix, then what did not pass. */
void validate_matrix(FILE *f, const struct record *r, size_t n, bool md);
/* EXIT_FAILED when a non-control target failed or errored. */
int validate_exit_status(const struct vsel *sel, int n, const struct record *r,
			 size_t nr);
/* "cmd:<program>" for a template. */
void validate_cmd_label(const char *tmpl, int i, char *buf, size_t len);

#endif
