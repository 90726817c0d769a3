/* SPDX-License-Identifier: MIT */
/*
 * targets.h - where `boxcheck validate` starts the agent: one table of
 * targets (ref, host, runc, crun, bwrap, nspawn, lxc, podman, docker) plus
 * cmd: templates. Each entry says which executable it needs, how it writes
 * its configuration and argv, how it removes its state, its lifecycle
 * commands (OCI command-line runtimes), and what of the profile it cannot
 * be asked for, with the reason.
 */
#ifndef BOXCHECK_TARGETS_H
#define BOXCHECK_TARGETS_H

#include "props.h"
#include "../../primitives/cgroup.h"

#include <limits.h>

/* An argv and the storage for its strings. */
#define ARGV_MAX 200
struct argvb {
	int n;
	bool overflow;
	char *v[ARGV_MAX + 1];
	size_t used;
	char store[24576];
};
void argv_add(struct argvb *b, const char *fmt, ...) _printf_(2, 3);

struct target;

/* One target's run: paths under the run directory, names, the profile. */
struct tctx {
	const struct target *t;
	const struct profile *pr;
	const char *tmpl;	    /* cmd: template, or the target's own */
	const char *step;	    /* ref-without:STEP: the step, or NULL */
	const char *self;	    /* this executable (for {self} and host) */
	char label[64];		    /* the record's target name */
	char dir[PATH_MAX];	    /* the target's own directory (bundle) */
	char rootfs[PATH_MAX + 32]; /* dir/rootfs */
	char config[PATH_MAX + 32]; /* the config file written, or "" */
	char cgpath[256];	    /* relative to our own cgroup, or "" */
	char cgabs[PATH_MAX];	    /* absolute, below ours everywhere, or "" */
	char name[96];		    /* container name */
	char token[48];		    /* the root's marker: this run's */
	char given_net[PATH_MAX];   /* a net namespace to join by path */
	unsigned ns;		    /* namespaces asked for */
	bool no_memory_probe; /* the control, under a limit it would hit */
	/* The v1 view: the cgroup2 mount to detach at launch, or NULL. */
	const char *hide_v2;
	char fd_file[PATH_MAX];	     /* handed to the launcher as fd 5, or "" */
	const char *launch_env[4];   /* more environment for the launcher */
	char setup_error[400];	     /* why prepare failed, when it says */
	const struct cg_layout *cgl; /* the run's layout, or NULL */
	const char *run_name;	     /* boxcheck-<pid>-<t> */
	int spec_major, spec_minor;  /* the runtime-spec it reports */
	void *priv;		     /* a target's own state (dockerd) */
};

/* The lifecycle commands of an OCI command-line runtime. */
enum life_cmd { L_CREATE, L_START, L_STATE, L_KILL, L_DELETE, L__COUNT };
struct life_ops {
	/* Write the lifecycle container's configuration (c->dir: its own). */
	int (*prepare)(struct tctx *c);
	/* The argv of one command (L_KILL: SIGUSR1). 0 or -errno. */
	int (*argv)(const struct tctx *c, enum life_cmd cmd, struct argvb *a);
	/* Where its cgroup is, relative to ours (false) or absolute. */
	bool absolute_cgroup;
	/* Its bundle is <dir>/life (true), else <dir>. */
	bool own_bundle;
};

struct target {
	const char *name;
	const char *tool; /* executable that must be installed, or NULL */
	const char *summary;
	/* Write the configuration, build the argv. 0 or -errno. */
	int (*prepare)(struct tctx *c, struct argvb *argv);
	/* Remove the runtime's state for c->name (runtime kill/delete). */
	void (*cleanup)(struct tctx *c);
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
	/*
	 * The runtime-spec version it reports ("spec: 1.0.2-dev" in the
	 * output of `tool --version`): a newer one is asked for what only
	 * the newer spec has (the time namespace, 1.2).
	 */
	bool spec_version;
	const struct life_ops *life; /* NULL: no lifecycle commands */
	/* Why a knob of the profile cannot be asked for (NULL: it can). */
	const char *cannot[K__COUNT];
};

extern const struct target target_table[];

/* The runtimes' own parts (targets_oci.c, targets_other.c, docker.c). */
int oci_prepare_config(struct tctx *c);
int oci_prepare(struct tctx *c, struct argvb *a);
void oci_cleanup(struct tctx *c);
extern const struct life_ops oci_life;
int bwrap_prepare(struct tctx *c, struct argvb *a);
int nspawn_prepare(struct tctx *c, struct argvb *a);
int lxc_prepare(struct tctx *c, struct argvb *a);
void lxc_cleanup(struct tctx *c);
int podman_prepare(struct tctx *c, struct argvb *a);
void podman_cleanup(struct tctx *c);
int docker_prepare(struct tctx *c, struct argvb *a);
void docker_cleanup(struct tctx *c);
/* The seccomp deny list, written for a runtime: OCI JSON, BPF, lxc. */
int seccomp_write_json(const struct tctx *c, char *path, size_t len);
int seccomp_write_bpf(const struct tctx *c, char *path, size_t len);
int seccomp_write_lxc(const struct tctx *c, char *path, size_t len);
const struct target *target_by_name(const char *name);
/* The cmd: pseudo-target (its template comes from the command line). */
extern const struct target target_cmd;

/*
 * Why t cannot be asked for knob k here, or NULL: its table entry, the
 * runtime-spec version it reports (spec: major, minor; 0, 0 unknown), or
 * no lifecycle commands.
 */
const char *target_cannot(const struct target *t, enum knob k, int spec_major,
			  int spec_minor, char *buf, size_t len);
/* "spec: X.Y" of `tool --version`: 0 and the numbers, or -errno. */
int target_spec_version(const struct target *t, int *major, int *minor);

/*
 * The reference container's template for the main container (step NULL:
 * the standard profile; else ref-without:STEP), or for one lifecycle
 * command. 0, -EINVAL for an unknown step, -E2BIG.
 */
int ref_template(const struct profile *pr, const char *step, char *buf,
		 size_t len);
int ref_life_template(const struct profile *pr, const char *step,
		      enum life_cmd cmd, char *buf, size_t len);
/* The steps, by index: "ns-pid", ..., NULL past the end. */
size_t ref_steps_count(void);
const char *ref_step_name(size_t i, char *buf, size_t len);
/* Does the step need a second root (given-root)? */
bool ref_step_other_root(const char *step);
extern const struct life_ops ref_life;

/*
 * Expand a template into argv: {rootfs} {agent} {config} {bundle} {self}
 * {hostname} {pids} {memory} {cgroup} {name} {given-net} {life}, then
 * split on blanks (no shell). {agent} is the agent's command inside the
 * root (the profile's arguments). -EINVAL for an unknown placeholder.
 */
int template_expand(const struct tctx *c, const char *tmpl, struct argvb *b);
/* Checked at parse time: 0, or a reason string for a usage error. */
const char *template_check(const char *tmpl);

/* The minimal root: skeleton dirs, the static agent as /bin/boxcheck. */
int rootfs_make(const char *dir, const char *agent, const char *token);

/* The agent's command inside the root. */
#define AGENT_PATH "/bin/boxcheck"
/* The lifecycle container's agent: its argv. */
extern const char *const target_life_args[];

#define LAUNCH_OUT_MAX (1 << 20)
struct launch_result {
	int status; /* wait status, or -1 */
	bool timed_out;
	bool interrupted; /* a stop signal came in: the run ends */
	char *out, *err;  /* malloc'd contents of stdout, stderr */
	size_t out_len;
	bool out_truncated; /* stdout did not fit (LAUNCH_OUT_MAX) */
	double duration_s;
};
/* How to launch: output files, process group, extra fds. */
struct launch_opts {
	const char *tag;     /* output files: <dir>/<tag>.out, .err */
	bool keep_group;     /* leave what it started running (create) */
	const char *fd_file; /* opened read-only as fd 5 (bwrap --seccomp) */
	const char *env[4];  /* more "K=V" for the launcher, NULL-ended */
};
/*
 * Run argv with cwd c->dir, stdin /dev/null and stdout/stderr into files
 * in c->dir, and a canary: fd 9 open on c->dir and pr->env_canary in its
 * environment, which no runtime may pass on; kill its process group after
 * timeout_s (and, unless keep_group, when it exits). 0 or -errno.
 */
int target_launch(const struct tctx *c, char *const argv[], unsigned timeout_s,
		  const struct launch_opts *lo, struct launch_result *res);
void launch_result_free(struct launch_result *res);
/* Ask target_launch to stop waiting (a signal handler's flag). */
void target_launch_interrupt(int sig);
int target_launch_interrupted(void);

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

/* The OCI seccomp section of the profile (oci.c), for docker and podman. */
json_t *oci_seccomp(const struct profile *pr, const char *without);

#endif
