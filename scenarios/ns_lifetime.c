// SPDX-License-Identifier: MIT
/*
 * Namespace lifetime: a UTS namespace outlives its last process while a
 * bind mount of its nsfs file (in the run's private mount namespace) or an
 * open fd holds it.
 */
#include "nsrun.h"

#include <fcntl.h>
#include <string.h>

#define KEPT_NAME "boxcheck-kept"
#define KEPT_FILE "uts.ns"

enum holder_kind { HOLD_BIND, HOLD_FD };

struct reach {
	const char *path; /* what to open after the last process is gone */
	int fd;		  /* or an fd held open (-1: none) */
};

struct seen {
	int err;
	struct ns_id id;
	char name[65];
};

/* Join the namespace through the reference and read its hostname. */
static int join_and_read(void *arg, void *out, size_t len)
{
	const struct reach *r = arg;
	struct seen *s = out;
	_cleanup_close_ int fd =
		r->fd >= 0 ? dup(r->fd) : open(r->path, O_RDONLY | O_CLOEXEC);

	(void)len;
	if (fd < 0 || ns_id_of_fd(fd, &s->id) < 0 || ns_setns(fd, NS_UTS) < 0)
		return s->err = errno, 0;
	gethostname(s->name, sizeof(s->name) - 1);
	return 0;
}

static enum obs kept_alive(struct ctx *c, enum holder_kind kind)
{
	_cleanup_chan_ struct chan ready = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	_cleanup_close_ int fd = -1;
	char proc[64];
	struct reach r = { proc, -1 };
	struct ns_id orig;
	struct seen s;
	int x;

	TRY(c, chan_open(&ready), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	/* 1. A process in a new UTS namespace names it. */
	pid = TRY(c, ns_fork(CLONE_NEWUTS), "fork the child");
	if (pid == 0) {
		char b;
		close(hold.wr);
		chan_send_int(&ready,
			      sethostname(KEPT_NAME, strlen(KEPT_NAME)) < 0);
		_exit(read(hold.rd, &b, 1) < 0);
	}
	TRY(c, chan_recv_int(&ready, &x), "wait for the child");
	TRY(c, ns_id_of(pid, NS_UTS, &orig), "stat its uts ns");
	snprintf(proc, sizeof(proc), "/proc/%d/ns/uts", pid);
	/* 2. The reference (only when isolating). */
	if (c->isolate && kind == HOLD_BIND) {
		TRY(c, ns_bind_keep(pid, NS_UTS, KEPT_FILE), "bind nsfs file");
		r.path = KEPT_FILE;
	}
	if (c->isolate && kind == HOLD_FD)
		r.fd = fd = TRY(c, ns_open(pid, NS_UTS), "open nsfs file");
	/* 3. Its last process exits and is reaped. */
	chan_close(&hold);
	TRY(c, wait_status(TAKE_PID(pid), NULL), "reap the child");
	/* 4. Reach the namespace through what is left. */
	TRY(c, legacy_run_in_child(0, join_and_read, &r, &s, sizeof(s), NULL),
	    "run the joiner");
	if (c->isolate && kind == HOLD_BIND)
		TRY(c, ns_bind_release(KEPT_FILE), "release the bind mount");
	ctx_kv(c, "reference", "%s", r.fd >= 0 ? "fd" : r.path);
	ctx_kv(c, "join", "%s", s.err ? strerrorname_np(s.err) : "ok");
	ctx_kv(c, "hostname there", "%s", s.name);
	return ctx_holds(c,
			 !s.err && ns_id_equal(&s.id, &orig) &&
				 strcmp(s.name, KEPT_NAME) == 0,
			 "after its last process: %s%s%s",
			 s.err ? strerrorname_np(s.err) : "joined, hostname ",
			 s.err ? "" : s.name,
			 !s.err && ns_id_equal(&s.id, &orig) ? ", same inode"
							     : "");
}

static enum obs kept_by_bind(struct ctx *c)
{
	return kept_alive(c, HOLD_BIND);
}

static enum obs kept_by_fd(struct ctx *c)
{
	return kept_alive(c, HOLD_FD);
}

static const struct scenario ns_lifetime[] = {
	{ .id = "ns/kept-by-bind-mount",
	  .title = "a bind mount keeps a namespace alive",
	  .property = "with its nsfs file bind-mounted, a UTS namespace "
		      "outlives its last process: joinable, same inode, same "
		      "hostname",
	  .expect = "joined, hostname boxcheck-kept, same inode",
	  .req = { .root = true, .ns = NS_BIT(NS_UTS) | NS_BIT(NS_MNT) },
	  .tags = { "ns", "lifetime" },
	  .run = kept_by_bind },
	{ .id = "ns/kept-by-fd",
	  .title = "an open fd keeps a namespace alive",
	  .property = "with its nsfs file open, a UTS namespace outlives its "
		      "last process: joinable, same inode, same hostname",
	  .expect = "joined, hostname boxcheck-kept, same inode",
	  .req = { .root = true, .ns = NS_BIT(NS_UTS) },
	  .tags = { "ns", "lifetime" },
	  .run = kept_by_fd },
};

BOXCHECK_AREA(ns_lifetime, ns_lifetime);
