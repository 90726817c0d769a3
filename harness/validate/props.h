/* SPDX-License-Identifier: MIT */
/*
 * props.h - the properties `boxcheck validate` judges: ONE table (props.c),
 * a row per property with its group, the facts it reads, its predicate, the
 * ref-without step that breaks it, and its CVE or spec reference.
 *
 * A predicate is a pure function of the facts: the target's agent document
 * and the control's (the host's), both JSON as `boxcheck inspect` printed
 * them (plus the launcher's section that validate adds). It is given no run
 * context, and may read only the facts its row declares: anything else
 * reads as missing and the property errors, which the unit tests catch.
 */
#ifndef BOXCHECK_PROPS_H
#define BOXCHECK_PROPS_H

#include "profile.h"
#include "../../reports/record.h"

#include <jansson.h>

enum pgroup {
	G_NS,
	G_PROCESS,
	G_PRIV,
	G_FS,
	G_LIMITS,
	G_ATTACK,
	G_LIFE,
	G__COUNT,
};
extern const char *const pgroup_names[G__COUNT];

/*
 * What a target must be able to be asked for, for a property to be judged
 * on it. A target names those it cannot be asked for, with the reason
 * (targets.h); K_ANY properties are judged on every target.
 */
enum knob {
	K_ANY,
	K_NS_FIRST,
	K_NS_LAST = K_NS_FIRST + NS__COUNT - 1, /* one per enum ns_type */
	K_HOSTNAME,
	K_IDMAP,
	K_USER,
	K_CWD,
	K_ENV,
	K_UMASK,
	K_RLIMITS,
	K_OOM,
	K_CAPS,
	K_NNP,
	K_SECCOMP,
	K_SC_ERRNO,
	K_LSM,
	K_RO_ROOT,
	K_PROPAGATION,
	K_MASK,
	K_RO_PATHS,
	K_SHM,
	K_SYSFS,
	K_PIDS,
	K_MEMORY,
	K_CPU,
	K_CGROUP,
	K_LIFECYCLE,
	K__COUNT,
};
#define K_NS(t) (K_NS_FIRST + (t))

struct jctx;
typedef enum obs judge_fn(struct jctx *c, struct outcome *o);
/*
 * Why this host cannot be the control for a property, found without the
 * agent: 1 and the reason ("no control here: ..." is added), 0 otherwise.
 * A reason starting "not on this host:" says the host lacks the feature
 * (no LSM, no cgroup v1): every target then skips it.
 */
typedef int unusable_fn(const struct profile *pr, char *why, size_t len);

struct prop_def {
	const char *id; /* "ns-pid"; "{arg}" is replaced */
	enum pgroup group;
	const char *property; /* one sentence */
	const char *expected; /* what must show; {placeholders}: props.c */
	const char *facts;    /* the dotted paths it reads, blank-separated */
	judge_fn *judge;
	const char *arg;  /* for a judge shared by rows: "pid", "nofile" */
	const char *step; /* ref-without:STEP breaking it; "{arg}" too */
	const char *ref;  /* CVE, spec or test suite reference */
	enum knob knob;
	unusable_fn *unusable;
};

/* The properties, in table order. */
size_t prop_count(void);
const struct prop_def *prop_get(size_t i);
/* The index of id, or -EINVAL. */
int prop_index(const char *id);
/* id, step and the facts with {arg} replaced. */
const char *prop_id(const struct prop_def *p, char *buf, size_t len);
const char *prop_step(const struct prop_def *p, char *buf, size_t len);
void prop_facts(const struct prop_def *p, char *buf, size_t len);
/* The expectation with the profile's values. */
void prop_expected(const struct prop_def *p, const struct profile *pr,
		   char *buf, size_t len);
/* Is a fact the launcher adds (validate), not the agent? */
bool prop_needs_launcher(const struct prop_def *p);
/* A record for (target, property): id, title, property, expected. */
void prop_record_init(struct record *r, const struct prop_def *p,
		      const struct profile *pr, const char *target);

/* ---- judging ----------------------------------------------------------- */

struct jctx {
	const struct prop_def *p;
	const struct profile *pr;
	const json_t *doc;   /* the target's facts */
	const json_t *ctl;   /* the control's (the host's), or NULL */
	char undeclared[96]; /* a read outside p->facts, for the tests */
};

/*
 * Judge one property: the outcome of doc against profile pr, with ctl's
 * facts as the host's. Fills o->observed and the evidence.
 */
void prop_judge(const struct prop_def *p, const struct profile *pr,
		const json_t *doc, const json_t *ctl, struct outcome *o);

/*
 * The facts the judge reads, at a dotted path ("probes.fork", with printf
 * arguments), of the target (F) or of the control (H): the value, or NULL
 * when absent or when the row did not declare the path.
 */
const json_t *F(struct jctx *c, const char *fmt, ...) _printf_(2, 3);
const json_t *H(struct jctx *c, const char *fmt, ...) _printf_(2, 3);
/* The value under a dotted path of v, or NULL. */
const json_t *jpath(const json_t *v, const char *path);
/* The errno name the agent gave ({"error": "E"}) or "skipped", or NULL. */
const char *fact_error(const json_t *v);
/* Present, and neither an error nor skipped. */
bool fact_known(const json_t *v);

/* Outcome helpers. */
void kv(struct outcome *o, const char *key, const char *fmt, ...)
	_printf_(3, 4);
#define SAY(o, ...) snprintf((o)->observed, sizeof((o)->observed), __VA_ARGS__)
/* The agent could not read it, or it is missing: an error, never absent. */
enum obs unknown(struct outcome *o, const char *what, const json_t *v);
enum obs holds(struct outcome *o, const char *fmt, ...) _printf_(2, 3);
enum obs absent(struct outcome *o, const char *fmt, ...) _printf_(2, 3);

/* JSON reading helpers: false when v is not of that type. */
bool jint(const json_t *v, long long *out);
const char *jtext(const json_t *v); /* NULL unless a string */
/* "0x..." hex string of a capability set. */
bool jhex(const json_t *v, unsigned long long *out);

/* The judges, by group (judge_*.c); the table in props.c names them. */
judge_fn judge_ns, judge_hostname, judge_idmap, judge_itype, judge_ns_path;
judge_fn judge_user, judge_cwd, judge_env, judge_env_clean, judge_args,
	judge_umask, judge_rlimit, judge_oom, judge_fds;
judge_fn judge_caps_bounding, judge_caps_effective, judge_caps_inheritable,
	judge_caps_ambient, judge_nnp, judge_seccomp, judge_syscall, judge_lsm;
judge_fn judge_ro, judge_confined, judge_root_given, judge_mounts_private,
	judge_prop_in, judge_mnt_proc, judge_mnt_dev, judge_mnt_devpts,
	judge_mnt_shm, judge_mnt_mqueue, judge_mnt_sys, judge_dev_nodes,
	judge_dev_symlinks, judge_console, judge_masked, judge_mask_files,
	judge_mask_dirs, judge_ro_paths;
judge_fn judge_pids, judge_memory, judge_cpu, judge_cgroup_own, judge_cgroup_ro;
judge_fn judge_sysrq, judge_core_pattern, judge_devices, judge_mknod,
	judge_release_agent, judge_cgroup_mount, judge_keyring,
	judge_host_procs, judge_engine;
judge_fn judge_life_create, judge_life_state, judge_life_kill,
	judge_life_delete, judge_life_unique;

/* Why the host is no control (host.c); the table names them. */
unusable_fn unusable_nnp, unusable_ro_root, unusable_caps, unusable_mounts,
	unusable_pids, unusable_memory, unusable_cpu, unusable_lsm,
	unusable_cgroup_v1, unusable_cgroup_own, unusable_seccomp,
	unusable_umask, unusable_oom, unusable_sysrq;

#endif
