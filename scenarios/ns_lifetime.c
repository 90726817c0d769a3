// SPDX-License-Identifier: MIT
/*
 * Namespace lifetime: a UTS namespace outlives its last process while a
 * bind mount of its nsfs file (in the run's private mount namespace) or an
 * open fd holds it.
 */
#include "nsrun.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <string.h>

#define KEPT_NAME "boxcheck-kept"
#define KEPT_FILE "uts.ns"

enum holder_kind { HOLD_BIND, HOLD_FD };

struct reach {
	const char *path; /* what to open after the last process is gone */
	int fd;		  /* or an fd held open (-1: none) */
	struct ns_id orig;
};

struct seen {
	int err;   /* errno of reaching and joining it, 0: joined */
	bool same; /* joined the original namespace (its inode) */
	char name[65];
};

/*
 * Join the namespace through what is left and read its hostname. Failing
 * to reach it (ENOENT: the /proc file went with the process) is the
 * observation. Mutation point M_NS_LIFETIME: it reads as kept.
 */
static int join_and_read(void *arg, void *out, size_t len)
{
	const struct reach *r = arg;
	struct seen *s = out;
	_cleanup_close_ int fd = -1;
	struct ns_id id;
	int e;

	(void)len;
	if (mutant_on(M_NS_LIFETIME)) {
		*s = (struct seen){ .same = true, .name = KEPT_NAME };
		return 0;
	}
	fd = r->fd >= 0 ? dup(r->fd) : open(r->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return s->err = errno, 0;
	if ((e = ns_id_of_fd(fd, &id)) < 0)
		return child_fail("fstat", e);
	if ((e = ns_setns(fd, NS_UTS)) < 0)
		return s->err = -e, 0;
	s->same = ns_id_equal(&id, &r->orig);
	if (gethostname(s->name, sizeof(s->name) - 1) < 0)
		return child_fail("gethostname", neg_errno());
	return 0;
}

/* A process in a new UTS namespace names it and holds until hold closes. */
static pid_t start_named(struct chan *ready, struct chan *hold)
{
	pid_t pid = ns_fork(CLONE_NEWUTS);
	char b;

	if (pid != 0)
		return pid;
	close(hold->wr);
	chan_send_int(ready, sethostname(KEPT_NAME, strlen(KEPT_NAME)) < 0
				     ? neg_errno()
				     : 0);
	_exit(read(hold->rd, &b, 1) < 0);
}

static int observe_kept(struct ctx *c, struct seen *o, enum holder_kind kind)
{
	_cleanup_chan_ struct chan ready = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_close_ int fd = -1;
	char proc[64];
	struct reach r = { proc, -1, { 0 } };
	int x;

	TRY(c, chan_open(&ready), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	/* 1. A process in a new UTS namespace names it. */
	pid = TRY(c, start_named(&ready, &hold), "fork the child");
	closep(&ready.wr);
	ready.wr = -1;
	TRY(c, chan_recv_int(&ready, &x), "wait for the child");
	TRY(c, x, "sethostname in the child");
	TRY(c, ns_id_of(pid, NS_UTS, &r.orig), "stat its uts ns");
	snprintf(proc, sizeof(proc), "/proc/%d/ns/uts", pid);
	/* 2. The reference (only when isolating). */
	if (c->isolate && kind == HOLD_BIND) {
		TRY(c, ns_bind_keep(pid, NS_UTS, KEPT_FILE), "bind nsfs file");
		r.path = KEPT_FILE;
	}
	if (c->isolate && kind == HOLD_FD)
		r.fd = fd = TRY(c, ns_open(pid, NS_UTS), "open nsfs file");
	ctx_kv(c, "reference", "%s", r.fd >= 0 ? "an fd" : r.path);
	/* 3. Its last process exits and is reaped. */
	chan_close(&hold);
	TRY(c, wait_status(TAKE_PID(pid), &x), "reap the child");
	if (exit_code_of(x))
		return ctx_error(c, 0, "the child exited %d", exit_code_of(x));
	/* 4. Reach the namespace through what is left. */
	TRY_OBS(run_in_child(c, "run the joiner", 0, join_and_read, &r, o,
			     sizeof(*o)));
	if (c->isolate && kind == HOLD_BIND)
		TRY(c, ns_bind_release(KEPT_FILE), "release the bind mount");
	return 0;
}

static enum obs judge_kept(struct judge *j, const struct seen *o)
{
	const char *e = o->err ? strerrorname_np(o->err) : "ok";

	judge_kv(j, "join", "%s", e);
	judge_kv(j, "hostname there", "%s", o->name);
	return judge_holds(
		j, !o->err && o->same && strcmp(o->name, KEPT_NAME) == 0,
		"after its last process: %s%s%s",
		o->err ? e : "joined, hostname ", o->err ? "" : o->name,
		o->same ? ", same inode" : "");
}

static int observe_bind(struct ctx *c, struct seen *o)
{
	return observe_kept(c, o, HOLD_BIND);
}
CHECK(kept_by_bind, struct seen, observe_bind, judge_kept);

static int observe_fd(struct ctx *c, struct seen *o)
{
	return observe_kept(c, o, HOLD_FD);
}
CHECK(kept_by_fd, struct seen, observe_fd, judge_kept);

static const struct scenario ns_lifetime[] = {
	{ .id = "ns/kept-by-bind-mount",
	  .title = "a bind mount keeps a namespace alive",
	  .property = "with its nsfs file bind-mounted, a UTS namespace "
		      "outlives its last process: joinable, same inode, same "
		      "hostname",
	  .expect = "joined, hostname boxcheck-kept, same inode",
	  .req = { .root = true, .ns = NS_BIT(NS_UTS) | NS_BIT(NS_MNT) },
	  .tags = { "ns", "lifetime" },
	  .check = &kept_by_bind },
	{ .id = "ns/kept-by-fd",
	  .title = "an open fd keeps a namespace alive",
	  .property = "with its nsfs file open, a UTS namespace outlives its "
		      "last process: joinable, same inode, same hostname",
	  .expect = "joined, hostname boxcheck-kept, same inode",
	  .req = { .root = true, .ns = NS_BIT(NS_UTS) },
	  .tags = { "ns", "lifetime" },
	  .check = &kept_by_fd },
};

BOXCHECK_AREA(ns_lifetime, ns_lifetime);
