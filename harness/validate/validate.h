/* SPDX-License-Identifier: MIT */
/*
 * validate.h - running targets (run.c, lifecycle.c) and turning their facts
 * into records (judge.c, matrix.c): what `boxcheck validate` and
 * `boxcheck judge` share.
 */
#ifndef BOXCHECK_VALIDATE_H
#define BOXCHECK_VALIDATE_H

#include "targets.h"
#include "../../primitives/cgroup.h"

#define VALIDATE_MAX_TARGETS 128
/* Properties at most (prop_count() is checked against it). */
#define PROP_MAX 100

/* A selected target: a table entry, or cmd: with its template. */
struct vsel {
	const struct target *t;
	const char *tmpl;
	const char *step; /* ref-without:STEP (in stepbuf), or NULL */
	char stepbuf[48];
	char label[48];
	char tbuf[8192]; /* ref, ref-without:STEP: its template */
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
	/*
	 * The v1 view for targets that refuse a hybrid host (crun): the
	 * cgroup2 mount to detach in their launcher's mount namespace, or
	 * NULL (not hybrid, or --crun-v1-view off).
	 */
	const char *hide_v2;
	/*
	 * A memory limit above us that the control's memory probe would hit:
	 * the control skips the probe (no OOM in the user's own cgroup).
	 */
	bool control_no_memory;
	char token[48];		  /* the root marker's: this run's */
	char given_net[PATH_MAX]; /* a net namespace to join by path */
	long long given_net_ino;
	int engine_fd;		/* the stand-in engine socket */
	const char *save_facts; /* write each target's facts here */
	unsigned jobs;		/* targets run at once (--jobs) */
};

/* What one target gave: facts, or why there are none. */
struct tres {
	enum obs kind; /* OBS_HOLDS: facts; OBS_SKIP or OBS_ERROR: why */
	char why[700];
	json_t *doc;   /* the facts, with the launcher's section */
	json_t *skips; /* {prop id: why it is not judged here} */
	/* How it was launched, when not as it is (TARGET_V1_VIEW), or NULL:
	 * every record says so in its evidence ("launched"). */
	const char *launched;
};
void tres_clear(struct tres *r);

/*
 * The control: the agent on the host, without isolation; its facts are
 * also what every target's are compared with (the host's namespaces, "/",
 * /dev...). unusable[p] says why this host cannot serve as the control
 * for p (it already shows the property by itself), or is "".
 */
struct vcontrol {
	const json_t *doc;
	struct outcome out[PROP_MAX];
	char unusable[PROP_MAX][200];
};

/* One target: its result (run.c), and its facts saved (--save-facts). */
void validate_run_one(struct vrun *run, const struct vsel *s, struct tres *res);
void validate_save(const struct vrun *run, const char *label,
		   const struct tres *res);
/* The targets, up to run->jobs at once, each in a child (run_jobs.c). */
void validate_run_jobs(struct vrun *run, const struct vsel *sel, int n,
		       const struct vcontrol *ctl, const struct tres *host,
		       struct record *recs);

/* Run the control and every selected target; records in recs. */
size_t validate_run(struct vrun *run, const struct vsel *sel, int n,
		    struct record *recs);
/* The run's cpu weight, on the cgroups that hold its containers. */
void validate_cpu_weight(struct vrun *run);
/* The given namespace, the stand-in socket: set up and taken down. */
int validate_props_setup(struct vrun *run);
void validate_props_teardown(struct vrun *run);

/*
 * Why this host cannot be the control for each property, found without
 * the agent or the judge (the table's unusable functions).
 */
void validate_unusable(const struct profile *pr, struct vcontrol *ctl);
/*
 * Fence the run: private mount, UTS, IPC and network namespaces, its
 * mounts slaves of the host's and shared among themselves (so a runtime's
 * mount that would propagate shows, and reaches only the fence), and a
 * hostname other than the asked one. Root only; 0 or -errno.
 */
int validate_fence(const struct profile *pr);

/*
 * Why a target is not judged on each property before any fact: the
 * kernel lacks the namespace, or the target cannot be asked for it. A new
 * object {prop id: reason}.
 */
json_t *validate_skips(const struct target *t, const char *label,
		       unsigned kernel_ns, int spec_major, int spec_minor);
/*
 * The records of one target (prop_count() of them), from its result and
 * the control's outcomes. Pure: tests and `boxcheck judge` drive it with
 * recorded facts.
 */
void validate_judge(const struct profile *pr, bool control, const char *label,
		    const struct tres *res, const struct vcontrol *ctl,
		    struct record *out);
/*
 * The control's outcomes from its result, and for each it shows by itself
 * why the host cannot be the control (a reason already in ctl->unusable,
 * found before the run, is kept).
 */
void validate_control(const struct profile *pr, const struct tres *host,
		      struct vcontrol *ctl);
/* A launch's result: facts only from exit 0 and a complete document. */
void validate_result(const char *label, int status, bool timed_out,
		     const char *out, size_t out_len, const char *err,
		     unsigned timeout_s, struct tres *res);

/* The property x target matrix (grouped), then what did not pass. */
void validate_matrix(FILE *f, const struct record *r, size_t n, bool md);
/* EXIT_FAILED when a non-control target failed or errored. */
int validate_exit_status(const struct vsel *sel, int n, const struct record *r,
			 size_t nr);
/* "cmd:<program>" for a template. */
void validate_cmd_label(const char *tmpl, int i, char *buf, size_t len);

/*
 * The lifecycle of an OCI command-line target (and of the control, which
 * has none: its create runs the process at once), on a second container:
 * its facts, a new object for the launcher's "lifecycle", or NULL.
 */
json_t *life_run(struct vrun *run, struct tctx *c);

#endif
