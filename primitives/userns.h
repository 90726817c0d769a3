/* SPDX-License-Identifier: MIT */
/*
 * userns.h - user namespaces: id maps as data (format, parse, validate,
 * translate: pure functions), writing uid_map/gid_map from the parent, and a
 * fork that holds the child until its maps are written.
 */
#ifndef BOXCHECK_USERNS_H
#define BOXCHECK_USERNS_H

#include "base.h"

/* The kernel's limit on extents per map (UID_GID_MAP_MAX_EXTENTS). */
#define IDMAP_MAX_EXTENTS 340

struct idmap_extent {
	uint32_t inside, outside, count;
};

struct idmap {
	unsigned n;
	struct idmap_extent e[IDMAP_MAX_EXTENTS];
};

/* One extent: inside..inside+count-1 -> outside..outside+count-1. */
void idmap_single(struct idmap *m, uint32_t inside, uint32_t outside,
		  uint32_t count);
int idmap_add(struct idmap *m, uint32_t inside, uint32_t outside,
	      uint32_t count); /* -ENOSPC when full */
/* Counts > 0, no wrap past 2^32-1, no overlap inside or outside. */
int idmap_validate(const struct idmap *m);
/* The /proc/PID/uid_map text, one "inside outside count" line each. */
int idmap_format(const struct idmap *m, char *buf, size_t len);
/* Parse the /proc text (any whitespace between fields). */
int idmap_parse(const char *text, struct idmap *m);
/* Parse a command-line spec: "inside:outside:count[,inside:outside:count]" */
int idmap_parse_spec(const char *spec, struct idmap *m);
/* Translate one id; -ERANGE when the map does not cover it. */
int idmap_to_outside(const struct idmap *m, uint32_t inside, uint32_t *out);
int idmap_to_inside(const struct idmap *m, uint32_t outside, uint32_t *in);

/* Overflow ids: what unmapped ids read as (/proc/sys/kernel/overflow*id). */
int userns_overflow_ids(uint32_t *uid, uint32_t *gid);

/*
 * Write pid's maps from outside its user namespace: 1. setgroups "deny"
 * when asked (required for an unprivileged gid_map), 2. uid_map, 3. gid_map.
 * A NULL map is left unwritten.
 */
int userns_write_maps(pid_t pid, const struct idmap *uid,
		      const struct idmap *gid, bool deny_setgroups);
int userns_read_map(pid_t pid, const char *which, struct idmap *m);

/*
 * Become uid and gid 0 of the current user namespace (setresgid, then
 * setresuid): until then a child keeps its creator's ids, which the new
 * maps may not cover.
 */
int userns_become_root(void);

/*
 * fork() into a new user namespace (plus the other CLONE_NEW* flags given):
 * the parent writes the maps, and the child returns 0 only after they are
 * written. If writing fails the parent kills and reaps the child and returns
 * -errno; the child never returns then (it leaves with _exit).
 */
pid_t userns_fork(unsigned long flags, const struct idmap *uid,
		  const struct idmap *gid, bool deny_setgroups);

#endif
