/* SPDX-License-Identifier: MIT */
/*
 * caps_gate.h - "CAP_X is needed for operation Y" (capabilities(7), the
 * list of capabilities), one table row per operation (caps_gate_util.c
 * runs them; caps_gates_*.c hold the rows and the scenarios).
 *
 * A row runs in a forked child of the worker (in namespaces of its own
 * where the row says): the row's set-up, then the child clears from its
 * effective set the capabilities that would grant the operation too (in
 * both runs: CAP_SYS_ADMIN where the kernel accepts it for CAP_BPF...) and,
 * in the isolated run only, CAP_X itself; then it reads its sets and makes
 * the call on objects of its own (a file in a tmpfs the worker mounted, a
 * namespace it made, a process it forked). The judge requires the refusal
 * (EPERM or EACCES) and takes success, or the errno of a check the kernel
 * makes after the capability's (an invalid argument, for the calls that
 * must not act: the clock, reboot, modules), as its absence.
 */
#ifndef BOXCHECK_CAPS_GATE_H
#define BOXCHECK_CAPS_GATE_H

#include "caps_util.h"

/* What a row's functions share inside the child. */
struct gate_call {
	int fd, fd2; /* files or sockets set-up opened, or -1 */
	pid_t pid;   /* a process set-up started (uid 1000, waiting), or -1 */
	int hold;    /* the write end that keeps it waiting, or -1 */
	long val;    /* what the call saw besides its errno (a mode, a mask) */
	long arg;    /* what set-up read for the call (a nice value...) */
	/* A file handle: struct file_handle and MAX_HANDLE_SZ bytes. */
	char handle[8 + 128] __attribute__((aligned(8)));
};

struct gate {
	int cap;	     /* cleared in the isolated run only */
	capmask_t also;	     /* cleared in both runs: they would grant it too */
	unsigned long clone; /* CLONE_NEW* for the child, 0: a plain fork */
	const char *what;    /* "chown to uid 1000": the verdict's words */
	int want;	     /* the refusal: EPERM or EACCES */
	int past[2];	     /* errnos past the capability check (besides 0) */
	/*
	 * Value rows: the call succeeds either way and the capability decides
	 * whether these bits of val survive (a mode bit, an epoll flag). The
	 * refusal is then "the bits are gone".
	 */
	long keep;
	/* The file g/f the worker makes for the row: mode (0: 0644), owner. */
	mode_t fmode;
	uid_t fowner;
	/* In observe, g/f made: 0, or ctx_skip() naming what is missing. */
	int (*probe)(struct ctx *c);
	/* In the child, before the drop: 0 or -errno (*step names it). */
	int (*setup)(struct gate_call *g, const char **step);
	/* After the drop: the call's errno (0: it worked), or -errno of a step. */
	int (*call)(struct gate_call *g);
};

struct gate_seen {
	int err;		 /* the call's errno, 0 if it worked */
	long val;		 /* gate_call.val (value rows) */
	long arg;		 /* gate_call.arg */
	capmask_t eff, prm, bnd; /* the child's sets just before the call */
};

int gate_observe(struct ctx *c, const struct gate *g, struct gate_seen *o);
enum obs gate_judge(struct judge *j, const struct gate *g,
		    const struct gate_seen *o);

/* One scenario's check: row idx_ of table_. */
#define GATE_CHECK(name_, table_, idx_)                                        \
	static int name_##_gobs(struct ctx *c, struct gate_seen *o)            \
	{                                                                      \
		return gate_observe(c, &(table_)[idx_], o);                    \
	}                                                                      \
	static enum obs name_##_gjudge(struct judge *j,                        \
				       const struct gate_seen *o)              \
	{                                                                      \
		return gate_judge(j, &(table_)[idx_], o);                      \
	}                                                                      \
	CHECK(name_, struct gate_seen, name_##_gobs, name_##_gjudge)

/* The errno of a libc call's result r (0 if it worked), read right after. */
static inline int gate_err(long r)
{
	return r < 0 ? errno : 0;
}

/* The same for a call that returns an fd, closed again. */
static inline int gate_close_err(int fd)
{
	int err = gate_err(fd);

	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * Set-up steps rows share: a process of uid 1000 that waits until the
 * child is done (g->pid, g->hold); g/f opened read-only into g->fd.
 */
int gate_uid_peer(struct gate_call *g, const char **step);
int gate_open_file(struct gate_call *g, const char **step);
/* Skip unless path exists: "what (no path)". */
int gate_need_path(struct ctx *c, const char *path, const char *what);

/*
 * A row's scenario: root, the capabilities in the mask caps_ (the row's and
 * what its set-up needs) besides the worker's own needs (the tmpfs, g/f's
 * owner), the namespaces ns_ it makes.
 */
#define GATE_CAPS(m_) ((m_) | CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_CHOWN))
#define GATE_NS(id_, title_, prop_, expect_, caps_, ns_, check_)               \
	{                                                                      \
		.id = "caps/" id_, .title = title_, .property = prop_,         \
		.expect = expect_,                                             \
		.req = { .root = true,                                         \
			 .caps = GATE_CAPS(caps_),                             \
			 .ns = (ns_) },                                        \
		.tags = { "caps", "gate" }, .check = &check_                   \
	}
#define GATE(id_, title_, prop_, expect_, caps_, check_)                       \
	GATE_NS(id_, title_, prop_, expect_, caps_, 0, check_)

#endif
