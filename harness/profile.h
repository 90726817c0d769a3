/* SPDX-License-Identifier: MIT */
/*
 * profile.h - the standard profile every target is asked for, the facts the
 * agent reports (parsed from its JSON), and their comparison. Pure functions:
 * no processes, no files.
 */
#ifndef BOXCHECK_PROFILE_H
#define BOXCHECK_PROFILE_H

#include "../primitives/ns.h"
#include "../reports/record.h"

#include <jansson.h>

/* The properties of the profile, one record each: "validate/<id>". */
enum prop {
	P_NS_FIRST,
	P_NS_LAST = P_NS_FIRST + NS__COUNT - 1, /* one per enum ns_type */
	P_HOSTNAME,
	P_RO_ROOT,
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
	bool no_new_privs;
	bool read_only_root;
	unsigned long long uid_base, id_count; /* user namespace mapping */
};
extern const struct profile profile_standard;

/* The default capability set (Docker's, containerd's): one list. */
extern const int profile_default_caps[];
extern const size_t profile_default_caps_n;

/* What the judge needs from the agent's JSON. */
struct facts {
	unsigned long long ns[NS__COUNT]; /* inodes, 0: unknown */
	long pid;
	char hostname[256];
	unsigned long long cap_eff, cap_bnd;
	int nnp;			   /* -1 unknown */
	int read_only;			   /* -1 unknown */
	char write_root[32];		   /* "written", "EROFS", ... or "" */
	char pids_max[32], memory_max[32]; /* "" when not visible */
	int fork_tried, fork_forked;
	char fork_stop[32]; /* errno name or "" */
};

/* 0, or -EINVAL when the document is not the agent's facts. */
int facts_parse(const json_t *doc, struct facts *f);
int facts_parse_text(const char *text, struct facts *f);
/* Only the ns inodes of the calling process: the harness's baseline. */
void facts_self_ns(struct facts *f);

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
