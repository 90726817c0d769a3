/* SPDX-License-Identifier: MIT */
/*
 * nsmore.h - what the scenario files of "more namespace semantics and the
 * mount API" share (nsmore_util.c): the fence check, sysctl access, probes
 * that read an errno, mount probes and the verdict helpers. The mutation
 * points of that section of primitives/mutant.h live in these helpers.
 */
#ifndef BOXCHECK_SCENARIOS_NSMORE_H
#define BOXCHECK_SCENARIOS_NSMORE_H

#include "userns.h"
#include "../primitives/mutant.h"

/*
 * Act only on a stand-in: the worker's namespace of type t must not be the
 * runner's (the host's, as far as we know). 0, or ctx_error().
 */
int ns_fenced(struct ctx *c, enum ns_type t);

/*
 * /proc/sys/<name> ("net/ipv4/ip_forward") of the caller's namespaces: one
 * line, the newline dropped. Mutation point M_SYSCTL_READ: "mutant".
 */
int sysctl_get(const char *name, char *buf, size_t len);
int sysctl_set(const char *name, const char *val);

/* Equal but for runs of blanks and tabs: "2\t3" is "2 3". */
bool sysctl_same(const char *a, const char *b);

/*
 * The action of the sysctl scenarios: a child writes name=value in a new
 * namespace of type t, or (control) in the worker's own, after checking
 * that one is fenced; it reads the value back into inside. 0 or ctx_error.
 */
int sysctl_in_child(struct ctx *c, enum ns_type t, const char *name,
		    const char *value, char *inside, size_t len);

/*
 * The errno of a probed call (r < 0: errno is set), 0 if it succeeded.
 * With mutant m active it reads `want`, what the scenario looks for.
 */
int probe_errno(enum mutant m, long r, int want);

/* "EPERM", or "ok" for 0. */
const char *errname(int err);

/*
 * A probe that succeeds when the property holds: 0 holds, `limit` (the
 * errno of the limit or refusal) is its absence, anything else unknown.
 */
enum obs judge_ok(struct judge *j, int err, int limit, const char *key,
		  const char *what);

/* Maps for children in a user namespace: "0 0 1" and "0 100000 1". */
extern struct idmap nsmore_root_map, nsmore_unpriv_map;
/* A user namespace (when `user`) with root mapped to host root or UNPRIV. */
struct nsrun nsmore_run(unsigned long flags, bool user, bool unpriv);

/*
 * Become root of our user namespace and stay dumpable, so that our own
 * children's /proc files (their id maps) stay ours to write.
 */
int nsmore_become_root(void);

/* ---- mounts -------------------------------------------------------- */

/* A tmpfs on path (made if missing) in our mount namespace. */
int tmpfs_at(const char *path);
/* mount(2) propagation change (MS_SHARED ...) on path. */
int set_propagation(const char *path, unsigned long how);
/* mount_setattr(AT_FDCWD, path, flags, {set, clr, propagation}). */
int mnt_setattr(const char *path, unsigned flags, uint64_t set, uint64_t clr,
		uint64_t propagation);
/*
 * A mount point: its device differs from its parent's. Mutation point
 * M_MNT_SEEN: nothing reads mounted.
 */
int mnt_is_mounted(const char *path, bool *mounted);
/* path exists (1), is absent (0), or -errno. M_MNT_SEEN: absent. */
int mnt_reach(const char *path);
/* The number of lines of /proc/self/mountinfo. */
int mnt_count(void);

/* Mount attribute probes: errnos, M_MNT_ATTR forcing what is enforced. */
int mnt_probe_create(int dfd, const char *name, int want); /* EROFS... */
int mnt_probe_open(const char *path, int flags, int want); /* EACCES... */
/* execveat of dfd/name: 0 with *err its errno (0: it ran), or -errno. */
int mnt_probe_exec(int dfd, const char *name, int *err);

/* A copy of our own program (boxcheck) at to, with mode. */
int copy_self(const char *to, mode_t mode);

/* Skip when Yama forbids every ptrace (ptrace_scope 3); else 0. */
int ptrace_scope_skip(struct ctx *c);

#endif
