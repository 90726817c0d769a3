/* SPDX-License-Identifier: MIT */
/*
 * profile.h - what every target is asked for: one standard profile (the
 * values), and the lists it names (masked and read-only paths, default
 * capabilities, the curated syscalls its seccomp filter refuses). Plain
 * data: no processes, no files. The properties judged against it are in
 * props.h.
 */
#ifndef BOXCHECK_PROFILE_H
#define BOXCHECK_PROFILE_H

#include "../../primitives/ns.h"

#include <stdbool.h>
#include <stddef.h>

/* One resource limit the profile asks for: soft and hard. */
struct prof_rlimit {
	const char *name; /* "nofile": the agent's key, lower case */
	int resource;	  /* RLIMIT_NOFILE */
	unsigned long long soft, hard;
};

/*
 * A rule of the seccomp filter: the probe that checks it (the key of
 * probes.syscalls in the agent's facts) and the system calls it refuses.
 */
#define PROF_SC_NAMES 3
struct prof_sc_rule {
	const char *probe;		      /* "init_module" */
	const char *names[PROF_SC_NAMES + 1]; /* NULL-terminated */
};

#define PROF_MAX_LIST 16
struct profile {
	const char *hostname;
	unsigned
		ns; /* NS_BIT mask asked for (each target skips what it lacks) */
	unsigned pids_max;
	unsigned long long memory_max; /* bytes */
	unsigned cpu_quota_us, cpu_period_us;
	/*
	 * The container's cpu weight against its siblings (v1 shares; v2
	 * weight from it): the most, so that its spin reaches the quota on a
	 * busy host too, where throttling shows (cpu-limit).
	 */
	unsigned cpu_shares;
	unsigned long long caps; /* bounding = effective = permitted */
	unsigned long long caps_inheritable, caps_ambient;
	bool no_new_privs;
	bool read_only_root;
	unsigned long long uid_base, id_count; /* uid and gid map: 0 base N */
	unsigned uid, gid;
	unsigned groups[4]; /* supplementary groups */
	size_t n_groups;
	const char *cwd;
	const char *env[4];  /* asked variables, "K=V", NULL-ended */
	const char *args[6]; /* the agent's argv, NULL-ended */
	unsigned umask;
	struct prof_rlimit rlimits[3];
	int oom_score_adj;
	const char *const *masked; /* the OCI default maskedPaths */
	const char *const *ro_paths;
	/* The seccomp filter: these rules refuse their calls with sc_errno. */
	const struct prof_sc_rule *sc;
	int sc_errno;
	const char *lsm_label; /* NULL: none asked (validate --lsm-label) */
	/*
	 * The lifecycle container (OCI command-line targets): the namespace
	 * type it does not ask for (inherited from the runtime), and the one
	 * it joins by path instead of making a new one.
	 */
	unsigned life_ns_omit, life_ns_join;
	/* The name of the variable the launcher leaks on purpose. */
	const char *env_canary;
	/* profile_load's document: the given strings point into it. */
	void *loaded;
};
extern const struct profile profile_standard;
/*
 * A profile from a JSON file: the standard one with the keys it gives
 * (profile_load.c). 0, or -EINVAL and why.
 */
int profile_load(const char *path, struct profile *pr, char *why, size_t len);
/* Let go of what profile_load kept (nothing for the standard one). */
void profile_unload(struct profile *pr);

/* Count of a NULL-ended list. */
size_t prof_count(const char *const *list);
size_t prof_sc_count(const struct profile *pr);
/* The rule whose probe is name, or NULL. */
const struct prof_sc_rule *prof_sc_rule(const struct profile *pr,
					const char *probe);
/* "0:0:4242" style summaries used in expectations. */
void prof_groups_text(const struct profile *pr, char *buf, size_t len);

/* The default capability set (Docker's, containerd's): one list. */
extern const int profile_default_caps[];
extern const size_t profile_default_caps_n;

/* "CAP_SYS_ADMIN,CAP_NET_ADMIN" for the bits of m (at most len). */
void caps_names(unsigned long long m, char *buf, size_t len);

#endif
