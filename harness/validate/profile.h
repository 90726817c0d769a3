/* SPDX-License-Identifier: MIT */
/*
 * profile.h - the standard profile every target is asked for, the facts the
 * agent reports (parsed from its JSON), and their comparison. Pure functions:
 * no processes, no files.
 */
#ifndef BOXCHECK_PROFILE_H
#define BOXCHECK_PROFILE_H

#include "../../primitives/ns.h"
#include "../../reports/record.h"

#include <jansson.h>

/* The properties of the profile, one record each: "validate/<id>". */
enum prop {
	P_NS_FIRST,
	P_NS_LAST = P_NS_FIRST + NS__COUNT - 1, /* one per enum ns_type */
	P_HOSTNAME,
	P_RO_ROOT,
	P_ROOT_CONFINED,  /* no way back to the host's root (pivot_root) */
	P_MOUNTS_PRIVATE, /* no mount propagates in or out */
	P_MASKED,
	P_PIDS,
	P_MEMORY,
	P_CAPS,
	P_NNP,
	P__COUNT,
};
#define P_NS(t) (P_NS_FIRST + (t))

struct prop_info {
	char id[24];	    /* "ns-pid", "ro-root" */
	char property[128]; /* one sentence */
	char expected[96];  /* what inside must show */
};
/* Filled from the standard profile (names and values). */
const struct prop_info *prop_info(enum prop p);
int prop_by_id(const char *id); /* enum or -EINVAL */

struct profile {
	const char *hostname;
	unsigned
		ns; /* NS_BIT mask asked for (each target skips what it lacks) */
	unsigned pids_max;
	unsigned long long memory_max; /* bytes */
	unsigned long long caps;       /* bounding = effective = this */
	unsigned long long caps_inheritable, caps_ambient; /* none */
	bool no_new_privs;
	bool read_only_root;
	unsigned long long uid_base, id_count; /* user namespace mapping */
};
extern const struct profile profile_standard;

/* The paths masked inside (the OCI default maskedPaths): one list. */
#define PROFILE_MASKED_MAX 16
extern const char *const profile_masked[];
extern const size_t profile_masked_n;

/* The default capability set (Docker's, containerd's): one list. */
extern const int profile_default_caps[];
extern const size_t profile_default_caps_n;

/*
 * What the judge needs from the agent's JSON. A fact the agent could not
 * read keeps its errno name in the *_err field (or 0 / -1 / "" below) and
 * is judged unknown, never absent.
 */
#define FACT_ERR 24
struct facts {
	unsigned long long ns[NS__COUNT]; /* inodes, 0: unknown */
	long pid;
	char hostname[256], hostname_err[FACT_ERR];
	unsigned long long cap_eff, cap_prm, cap_inh, cap_bnd, cap_amb;
	char caps_err[FACT_ERR];
	int nnp;	     /* -1 unknown */
	int read_only;	     /* -1 unknown */
	char write_root[32]; /* "written", "EROFS", ... or "" */
	bool root_known;     /* root_dev, root_ino: "/" seen inside */
	unsigned long long root_dev, root_ino;
	int mnt_shared, mnt_slave; /* -1 unknown */
	char mnt_first[160];
	char masked[PROFILE_MASKED_MAX][16]; /* per profile_masked[] */
	/* cgroup files: value, "" not visible; *_err when unreadable */
	char pids_max[32], pids_err[FACT_ERR];
	char memory_max[32], memory_err[FACT_ERR];
	long long nproc; /* RLIMIT_NPROC soft: -1 unlimited, -2 unknown */
	int fork_tried, fork_forked; /* tried 0: no probe */
	char fork_stop[32];	     /* errno name or "" */
	char fork_err[FACT_ERR];
	long long ev_before, ev_after; /* pids.events max: -1 not visible */
	char ev_err[FACT_ERR];
	char mem_outcome[16]; /* killed, refused, survived; "" unknown */
	char mem_detail[24];  /* signal or errno name */
	long long mem_size, mem_peak_kib;
	char mem_err[FACT_ERR];
	int esc; /* -1 unknown, 0 chroot refused, 1 landed at esc_dev:ino */
	unsigned long long esc_dev, esc_ino;
	char esc_err[FACT_ERR];
	char bad[128]; /* why facts_parse refused the document */
};

/*
 * 0, or -EINVAL when the document is not a complete agent facts document
 * of this format version (f->bad says what is missing).
 */
int facts_parse(const json_t *doc, struct facts *f);
int facts_parse_text(const char *text, struct facts *f);
/* The calling process's own view (ns inodes, "/"): the harness's base. */
void facts_self(struct facts *f);

/*
 * Judge one property: the outcome of f against profile pr, with host's
 * namespaces as the reference. Fills o->observed and evidence.
 */
void profile_judge(enum prop p, const struct profile *pr, const struct facts *f,
		   const struct facts *host, struct outcome *o);

/* A record for (target, property): id, title, property, expected. */
void profile_record_init(struct record *r, enum prop p, const char *target);

/* "CAP_SYS_ADMIN,CAP_NET_ADMIN" for the bits of m (at most len). */
void caps_names(unsigned long long m, char *buf, size_t len);

#endif
