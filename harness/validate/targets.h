/* SPDX-License-Identifier: MIT */
/*
 * targets.h - where `boxcheck validate` starts the agent: one table of
 * targets (ref, host, runc, crun, bwrap, nspawn, lxc, podman) plus cmd:
 * templates. Each entry says which executable it needs, how it writes its
 * configuration and argv, how it removes its state, and which items of the
 * profile it cannot be asked for.
 */
#ifndef BOXCHECK_TARGETS_H
#define BOXCHECK_TARGETS_H

#include "profile.h"

#include <limits.h>

/* An argv and the storage for its strings. */
#define ARGV_MAX 96
struct argvb {
	int n;
	bool overflow;
	char *v[ARGV_MAX + 1];
	size_t used;
	char store[16384];
};
void argv_add(struct argvb *b, const char *fmt, ...) _printf_(2, 3);

struct target;

/* One target's run: paths under the run directory, names, the profile. */
struct tctx {
	const struct target *t;
	const struct profile *pr;
	const char *tmpl;	    /* cmd: template, or the target's own */
	const char *self;	    /* this executable (for {self} and host) */
	char label[64];		    /* the record's target name */
	char dir[PATH_MAX];	    /* the target's own directory (bundle) */
	char rootfs[PATH_MAX + 32]; /* dir/rootfs */
	char config[PATH_MAX + 32]; /* the config file written, or "" */
	char cgpath[256];	    /* relative to our own cgroup, or "" */
	char cgabs[PATH_MAX];	    /* absolute, below ours everywhere, or "" */
	char name[96];		    /* container name */
	unsigned ns;		    /* namespaces asked for */
	bool no_memory_probe; /* the control, under a limit it would hit */
	/* The v1 view: the cgroup2 mount to detach at launch, or NULL. */
	const char *hide_v2;
};

struct target {
	const char *name;
	const char *tool; /* executable that must be installed, or NULL */
	const char *summary;
	/* Write the configuration, build the argv. 0 or -errno. */
	int (*prepare)(struct tctx *c, struct argvb *argv);
	/* Remove the runtime's state for c->name (runtime kill/delete). */
	void (*cleanup)(const struct tctx *c);
	const char *tmpl;      /* command template, for template targets */
	const char *not_ready; /* whole target skips with this reason */
	bool control;	       /* the host: no isolation, never counts */
	bool needs_rootfs;
	/*
	 * Hand the runtime c->cgabs, an absolute path below our own cgroup on
	 * every hierarchy (a relative one is resolved from the hierarchy's
	 * root by some: crun left boxcheck-* outside ours).
	 */
	bool absolute_cgroup;
	/*
	 * Refuses a hybrid host whose cgroup2 has controllers (crun 1.8):
	 * launched and cleaned up with the v1 view where the run has one
	 * (--crun-v1-view auto: tctx.hide_v2).
	 */
	bool v1_view;
	bool ref;    /* its template is ref_template()'s */
	bool family; /* only as NAME:STEP, never among "every target" */
	/* Why an item of the profile cannot be asked for (NULL: it can). */
	const char *cannot[P__COUNT];
};

extern const struct target target_table[];

/*
 * The reference container's template: the standard profile (step NULL),
 * or with one step left out (ref-without:STEP). 0, -EINVAL for an unknown
 * step, -E2BIG.
 */
int ref_template(const char *step, char *buf, size_t len);
/* The steps, by index: "ns-pid", ..., "no-new-privs"; NULL past the end. */
size_t ref_steps_count(void);
const char *ref_step_name(size_t i, char *buf, size_t len);
const struct target *target_by_name(const char *name);
/* The cmd: pseudo-target (its template comes from the command line). */
extern const struct target target_cmd;

/*
 * Expand a template into argv: {rootfs} {agent} {config} {bundle} {self}
 * {hostname} {pids} {memory} {cgroup} {name}, then split on blanks (no
 * shell). {agent} is the agent's command inside the root:
 * "/bin/boxcheck inspect". -EINVAL for an unknown placeholder.
 */
int template_expand(const struct tctx *c, const char *tmpl, struct argvb *b);
/* Checked at parse time: 0, or a reason string for a usage error. */
const char *template_check(const char *tmpl);

/* The minimal root: skeleton dirs, the static agent as /bin/boxcheck. */
int rootfs_make(const char *dir, const char *agent);

/* The agent's command inside the root. */
#define AGENT_PATH "/bin/boxcheck"

#define LAUNCH_OUT_MAX (1 << 20)
struct launch_result {
	int status; /* wait status, or -1 */
	bool timed_out;
	char *out, *err; /* malloc'd contents of stdout, stderr */
	size_t out_len;
	bool out_truncated; /* stdout did not fit (LAUNCH_OUT_MAX) */
	double duration_s;
};
/*
 * Run argv with cwd c->dir, stdin /dev/null and stdout/stderr into files
 * in c->dir; kill its process group after timeout_s. 0 or -errno.
 */
int target_launch(const struct tctx *c, char *const argv[], unsigned timeout_s,
		  struct launch_result *res);
void launch_result_free(struct launch_result *res);

/* Run a helper command (a runtime's delete) quietly and wait. */
void run_quiet(char *const argv[]);
/* The same, in directory dir (or NULL), with the v1 view of hide_v2. */
void run_quiet_in(const char *dir, const char *hide_v2, char *const argv[]);

/* How a target launched with the v1 view is labelled. */
#define TARGET_V1_VIEW "v1 view: cgroup2 hidden in a private mount ns"
/*
 * The v1 view, in the launcher's child: a mount namespace of its own, a
 * slave of ours, where the cgroup2 mount hide_v2 is detached (crun then
 * sees cgroup v1 only). 0 or -errno.
 */
int target_enter_v1_view(const char *hide_v2);

#endif
