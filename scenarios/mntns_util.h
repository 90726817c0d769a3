/* SPDX-License-Identifier: MIT */
/*
 * mntns_util.h - what the mount namespace scenario files of wave 3 share
 * (mntns_util.c): propagation read from mountinfo's optional fields, a
 * peer process that runs steps on request in mount namespaces of its own,
 * and small mount calls. Every mount is made in the worker's private mount
 * namespace or in namespaces made below it.
 */
#ifndef BOXCHECK_SCENARIOS_MNTNS_UTIL_H
#define BOXCHECK_SCENARIOS_MNTNS_UTIL_H

#include "nsmore.h"

/* ---- propagation, as mountinfo shows it ----------------------------- */

/* mountinfo's optional fields of one mount: 0 where a tag is absent. */
struct prop {
	int shared;	 /* shared:X */
	int master;	 /* master:X */
	int from;	 /* propagate_from:X */
	bool unbindable; /* unbindable */
};

enum ptype {
	PT_PRIVATE,
	PT_SHARED,
	PT_SLAVE,
	PT_SLAVE_SHARED,
	PT_UNBINDABLE,
	PT__COUNT,
};

/*
 * The optional fields of the topmost mount at path (made absolute with
 * realpath), read from /proc/self/mountinfo. Mutation point M_MNT_TAGS:
 * every mount reads private (no optional field). 0 or -errno.
 */
int mnt_prop(const char *path, struct prop *p);
/* What the fields say: shared, slave, slave+shared, unbindable, private. */
enum ptype prop_type(const struct prop *p);
const char *ptype_name(enum ptype t);
/* "shared:3 master:1", or "private" without a tag. */
void prop_str(const struct prop *p, char *buf, size_t len);

/* ---- a table of propagation cases ---------------------------------- */

/* How the mount read must relate to a reference mount. */
enum rel { REL_NONE, REL_NEW_GROUP, REL_SAME_GROUP, REL_MASTER };

/*
 * One case: mounts made (setup), the isolating act (iso; the control runs
 * ctl, or nothing), an operation of both runs (op), then the type of the
 * mount `read`. With op_err, op's errno is what is observed instead.
 */
struct tcase {
	const char *what; /* the operation, for the verdict line */
	int (*setup)(void);
	int (*iso)(void);
	int (*ctl)(void);
	int (*op)(void);
	bool op_err;
	const char *read, *ref; /* the mount read, its reference or NULL */
	enum ptype want;
	enum rel rel;
	int want_err; /* with op_err: the refusal that is the property */
};

struct tseen {
	int err;	  /* op's errno, with op_err */
	struct prop p, r; /* the mount read, and the reference */
};

int tcase_observe(struct ctx *c, struct tseen *o, const struct tcase *k);
enum obs tcase_judge(struct judge *j, const struct tseen *o,
		     const struct tcase *k);

#define TCASE_CHECK(name_, table_, i_)                                         \
	static int observe_##name_(struct ctx *c, struct tseen *o)             \
	{                                                                      \
		return tcase_observe(c, o, &(table_)[i_]);                     \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j, const struct tseen *o)  \
	{                                                                      \
		return tcase_judge(j, o, &(table_)[i_]);                       \
	}                                                                      \
	CHECK(name_, struct tseen, observe_##name_, judge_##name_)

/* ---- mounts ----------------------------------------------------------- */

/* mount --bind (recursive when rec), mount --move: 0 or -errno. */
int mnt_bind(const char *from, const char *to, bool rec);
int mnt_move(const char *from, const char *to);
/* mkdir path when missing: 0 or -errno. */
int mkdir_here(const char *path);
/* The errno of umount2(path, flags), 0 when it worked. */
int umount_err(const char *path, int flags);
/*
 * The errno of a probed mount call (r < 0: errno set), 0 when it worked.
 * Mutation point M_MNT_REFUSED: it reads `want`, the refusal looked for.
 */
int mnt_refusal(long r, int want);

/*
 * Whether path (a file or a directory) is the root of a mount, by statx's
 * STATX_ATTR_MOUNT_ROOT; an absent path is not. Mutation point
 * M_MNT_SEEN: nothing is. 0 or -errno.
 */
int mnt_point(const char *path, bool *is);

/*
 * Whether /proc/PID/<file> ("mountinfo", "mounts", "mountstats") lists a
 * mount at the absolute path point. Mutation point M_MNT_SEEN: nothing is
 * listed. 0 or -errno.
 */
int proc_lists_mount(pid_t pid, const char *file, const char *point,
		     bool *listed);

/* ---- a peer in mount namespaces of its own ----------------------------- */

/*
 * A step the peer runs on request: >= 0 is what it observed (a flag, an
 * errno), < 0 a failure (-errno) that ends the peer.
 */
typedef int (*peer_step)(void);

struct peer {
	pid_t pid;
	struct chan cmd, res;
	const peer_step *steps;
	size_t n;
};
#define PEER_INIT                                                              \
	{                                                                      \
		-1, CHAN_INIT, CHAN_INIT, NULL, 0                              \
	}

/*
 * Fork the peer with clone flags (CLONE_NEWNS...): with `user` also into a
 * new user namespace mapping root to root, a less privileged mount
 * namespace. It waits for requests in the worker's directory. 0 or -errno.
 */
int peer_start(struct peer *p, unsigned long flags, bool user,
	       const peer_step *steps, size_t n);
/* Run step i in the peer: 0 with *seen, or ctx_error() naming what. */
int peer_call(struct ctx *c, struct peer *p, size_t i, int *seen,
	      const char *what);
/* Let the peer leave and reap it: 0, or ctx_error(). */
int peer_stop(struct ctx *c, struct peer *p);
/* Kill and reap a peer still running (cleanup). */
void peer_killp(struct peer *p);
#define _cleanup_peer_ _cleanup_(peer_killp)

#endif
