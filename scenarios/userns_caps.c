// SPDX-License-Identifier: MIT
/*
 * Capabilities and user namespaces: the nesting limit, what joining a
 * user namespace gives and clears, capabilities held in an ancestor, and
 * what capabilities held only in a child user namespace do not allow
 * (setting the clock, loading modules) or do (CAP_FOWNER on a file whose
 * uid alone is mapped). None of it changes the host: the clock probe is
 * settimeofday(NULL, NULL), which sets nothing, and the module probe is
 * init_module() of an empty image, refused before anything is read.
 */
#include "nsw.h"

#include <fcntl.h>
#include <linux/securebits.h>
#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

/* ---- the nesting limit ----------------------------------------------- */

/*
 * user_namespaces(7) says 32 levels and EUSERS; the kernel refuses a new
 * user namespace whose parent is deeper than 32, which leaves 33 levels
 * below the initial one, and says ENOSPC since 4.9 (clone(2)).
 */
#define USERNS_LEVELS 33
#define USERNS_TRIES (USERNS_LEVELS + 1)

/* A level of our own: unshare, then map our ids to the parent's. */
static int one_level(void)
{
	if (unshare(CLONE_NEWUSER) < 0)
		return neg_errno();
	if (proc_write(0, "uid_map", "0 0 1") < 0 ||
	    proc_write(0, "setgroups", "deny") < 0 ||
	    proc_write(0, "gid_map", "0 0 1") < 0)
		return -EPROTO; /* not the limit: the setup broke */
	return 0;
}

/* Levels between pid's user namespace and ours, through NS_GET_PARENT. */
static int levels_below(pid_t pid, int *n)
{
	int fd = ns_open(pid, NS_USER), parent, r;
	struct ns_id mine, at;

	if (fd < 0)
		return fd;
	if ((r = ns_id_of(0, NS_USER, &mine)) < 0)
		goto out;
	for (*n = 0;
	     (r = ns_id_of_fd(fd, &at)) == 0 && !ns_id_equal(&at, &mine);
	     ++*n) {
		if ((parent = ns_get_parent(fd)) < 0) {
			r = parent;
			break;
		}
		close(fd);
		fd = parent;
	}
out:
	close(fd);
	return r;
}

struct depth_seen {
	int levels; /* user namespace levels between the leaf and us */
	int err;    /* errno of the first refused step, 0 if none was */
};

/* The leaf: steps down, reports the errno that stopped it, holds. */
static _Noreturn void nest_leaf(bool user, struct chan *res, struct chan *hold)
{
	int r = 0;

	closep(&hold->wr);
	hold->wr = -1;
	for (int i = 0; i < USERNS_TRIES && r == 0; i++)
		r = user ? one_level() : (unshare(0) < 0 ? neg_errno() : 0);
	chan_send_int(res, r == -EPROTO ? r : -r);
	live_wait(hold);
	_exit(0);
}

static int observe_depth(struct ctx *c, struct depth_seen *o)
{
	_cleanup_chan_ struct chan res = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;

	ctx_kv(c, "steps tried", "%d", USERNS_TRIES);
	TRY(c, chan_open(&res), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, ns_fork(0), "fork the leaf");
	if (pid == 0)
		nest_leaf(c->isolate, &res, &hold);
	closep(&res.wr);
	res.wr = -1;
	TRY(c, chan_recv_int(&res, &o->err), "hear from the leaf");
	TRY(c, o->err, "write the maps of a level");
	TRY(c, levels_below(pid, &o->levels), "walk NS_GET_PARENT");
	if (mutant_on(M_USERNS_DEPTH)) {
		o->levels = USERNS_LEVELS;
		o->err = ENOSPC;
	}
	return 0;
}

static enum obs judge_depth(struct judge *j, const struct depth_seen *o)
{
	judge_kv(j, "levels below ours", "%d", o->levels);
	judge_kv(j, "the step past them", "%s", errname(o->err));
	return judge_holds(j,
			   o->levels == USERNS_LEVELS &&
				   (o->err == ENOSPC || o->err == EUSERS),
			   "%d levels, then %s", o->levels, errname(o->err));
}
CHECK(depth_max, struct depth_seen, observe_depth, judge_depth);

/* ---- joining a user namespace ---------------------------------------- */

struct join_seen {
	uint64_t before, after;	     /* CapEff around the (maybe) setns */
	uint64_t all;		     /* every capability this kernel has */
	int err;		     /* errno of setns, 0 if it joined */
	int bits_before, bits_after; /* securebits around it */
};

enum join_how { J_CAPS, J_THREAD, J_BITS_SETNS, J_BITS_UNSHARE };

struct join_arg {
	enum join_how how;
	bool act; /* join (or unshare); J_THREAD: a second thread first */
	int fd;	  /* the target user namespace */
};

static void *idle_thread(void *arg)
{
	char b;

	while (read(*(const int *)arg, &b, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/*
 * setns, with a second thread running when asked: its errno. The control
 * (no second thread) goes through the same probe, so a probe that reads
 * EINVAL whatever happened reads it there too.
 */
static int setns_threaded(const struct join_arg *a)
{
	_cleanup_chan_ struct chan hold = CHAN_INIT;
	pthread_t t;
	int r, e;

	if (a->act) {
		if ((r = chan_open(&hold)) < 0)
			return r;
		if ((e = pthread_create(&t, NULL, idle_thread, &hold.rd)))
			return -e;
	}
	r = setns(a->fd, CLONE_NEWUSER);
	e = probe_errno(M_PERM_REFUSED, r, EINVAL);
	if (a->act) {
		closep(&hold.wr);
		hold.wr = -1;
		pthread_join(t, NULL);
	}
	return e;
}

static int bits_read(void)
{
	int b = prctl(PR_GET_SECUREBITS);

	return mutant_on(M_CRED_CALL) ? 0 : b;
}

static int join_child(void *arg, void *out, size_t len)
{
	const struct join_arg *a = arg;
	struct join_seen *o = out;
	bool bits = a->how == J_BITS_SETNS || a->how == J_BITS_UNSHARE;
	int r = 0;

	(void)len;
	o->all = caps_all();
	if (a->how == J_CAPS)
		NSW_TRY("drop every capability",
			cap_flags_set(o->all, CAP_EFFECTIVE, false));
	if (bits)
		NSW_TRY("set securebits",
			sysr(prctl(PR_SET_SECUREBITS,
				   SECBIT_NOROOT | SECBIT_NO_SETUID_FIXUP)));
	/* Only what the check judges: CapEff for J_CAPS, securebits for
	 * J_BITS_*, the errno alone for J_THREAD. */
	if (a->how == J_CAPS)
		NSW_TRY("read CapEff", cap_eff_self(&o->before));
	if (bits)
		o->bits_before = bits_read();
	if (a->how == J_THREAD)
		r = setns_threaded(a);
	else if (a->act && a->how == J_BITS_UNSHARE)
		r = unshare(CLONE_NEWUSER) < 0 ? neg_errno() : 0;
	else if (a->act)
		r = ns_setns(a->fd, NS_USER);
	if (r < 0)
		return child_fail(a->how == J_THREAD
					  ? "start a second thread"
					  : "join the user namespace",
				  r);
	o->err = a->how == J_THREAD ? r : 0;
	if (a->how == J_CAPS)
		NSW_TRY("read CapEff", cap_eff_self(&o->after));
	if (bits)
		o->bits_after = bits_read();
	return 0;
}

static int observe_join(struct ctx *c, struct join_seen *o, enum join_how how)
{
	_cleanup_holder_ struct holder t = HOLDER_INIT;
	_cleanup_close_ int fd = -1;
	struct join_arg a = { how, c->isolate, -1 };

	TRY(c, userns_holder(&t, 0), "start the target user namespace");
	a.fd = fd = TRY(c, ns_open(t.pid, NS_USER), "open its user ns");
	return run_in_child(c, "join from a child", 0, join_child, &a, o,
			    sizeof(*o));
}

static int observe_caps(struct ctx *c, struct join_seen *o)
{
	return observe_join(c, o, J_CAPS);
}

static enum obs judge_caps(struct judge *j, const struct join_seen *o)
{
	judge_kv(j, "CapEff before", "%016llx", (unsigned long long)o->before);
	judge_kv(j, "CapEff after", "%016llx", (unsigned long long)o->after);
	if (o->before)
		return judge_unknown(j, "capabilities left before the join");
	return judge_holds(j, (o->after & o->all) == o->all,
			   "CapEff %016llx after, with none before",
			   (unsigned long long)o->after);
}
CHECK(setns_full_caps, struct join_seen, observe_caps, judge_caps);

static int observe_thread(struct ctx *c, struct join_seen *o)
{
	return observe_join(c, o, J_THREAD);
}

static enum obs judge_thread(struct judge *j, const struct join_seen *o)
{
	return judge_errno(j, o->err, EINVAL, "setns(CLONE_NEWUSER)",
			   "setns into a user namespace");
}
CHECK(setns_threaded_einval, struct join_seen, observe_thread, judge_thread);

static int observe_bits_setns(struct ctx *c, struct join_seen *o)
{
	return observe_join(c, o, J_BITS_SETNS);
}

static int observe_bits_unshare(struct ctx *c, struct join_seen *o)
{
	return observe_join(c, o, J_BITS_UNSHARE);
}

static enum obs judge_bits(struct judge *j, const struct join_seen *o)
{
	judge_kv(j, "securebits before", "%#x", o->bits_before);
	judge_kv(j, "securebits after", "%#x", o->bits_after);
	if (o->bits_before <= 0)
		return judge_unknown(j, "no securebit was set before");
	return judge_holds(j, o->bits_after == 0, "securebits %#x, then %#x",
			   o->bits_before, o->bits_after);
}
CHECK(bits_setns, struct join_seen, observe_bits_setns, judge_bits);
CHECK(bits_unshare, struct join_seen, observe_bits_unshare, judge_bits);

/* ---- a capability of an ancestor namespace --------------------------- */

/* As uid 100000: two nested user namespaces, root of the inner one. */
static int into_grandchild(void)
{
	int r = become_dumpable(UNPRIV_ID);

	for (int i = 0; i < 2 && r == 0; i++) {
		if (unshare(CLONE_NEWUSER) < 0)
			return neg_errno();
		if ((r = proc_write(0, "uid_map", i ? "0 0 1" : "0 100000 1")) <
			    0 ||
		    (r = proc_write(0, "setgroups", "deny")) < 0 ||
		    (r = proc_write(0, "gid_map", i ? "0 0 1" : "0 100000 1")) <
			    0)
			return r;
		r = userns_become_root();
	}
	return r;
}

struct kill_seen {
	int err; /* errno of kill(T, 0) */
};

struct kill_arg {
	pid_t target;
	bool keep; /* keep CAP_KILL (the isolating step) */
};

static int kill_from(void *arg, void *out, size_t len)
{
	const struct kill_arg *a = arg;

	(void)len;
	if (!a->keep)
		NSW_TRY("drop CAP_KILL", drop_effective(CAPMASK(CAP_KILL)));
	*(int *)out = probe_errno(M_PERM_REFUSED, kill(a->target, 0), EPERM);
	return 0;
}

/* T: root of a user namespace two levels below ours, uid 100000 here. */
static int observe_ancestor(struct ctx *c, struct kill_seen *o)
{
	_cleanup_chan_ struct chan ready = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t t = -1;
	struct kill_arg a = { -1, c->isolate };
	int x;

	TRY(c, chan_open(&ready), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	t = TRY(c, ns_fork(0), "fork T");
	if (t == 0) {
		closep(&hold.wr);
		chan_send_int(&ready, into_grandchild());
		live_wait(&hold);
		_exit(0);
	}
	closep(&ready.wr);
	ready.wr = -1;
	TRY(c, chan_recv_int(&ready, &x), "hear from T");
	TRY(c, x, "T: two user namespaces below ours, made by uid 100000");
	a.target = t;
	return run_in_child(c, "signal T from a child", 0, kill_from, &a, o,
			    sizeof(*o));
}

static enum obs judge_ancestor(struct judge *j, const struct kill_seen *o)
{
	return judge_ok(j, o->err, EPERM, "kill(T, 0)",
			"kill(T, 0) of a process two user namespaces down");
}
CHECK(ancestor_cap, struct kill_seen, observe_ancestor, judge_ancestor);

/* ---- no power over what belongs to no namespace ----------------------- */

struct global_seen {
	uint64_t caps; /* CapEff of the caller */
	int err;       /* errno of the call */
};

struct global_call {
	long nr;   /* the system call, called with (0, 0, "") */
	int cap;   /* what it needs in the initial user namespace */
	int other; /* its errno when that is held (0: none) */
	const char *what;
};

enum { G_CLOCK, G_MODULE };
static const struct global_call calls[] = {
	[G_CLOCK] = { SYS_settimeofday, CAP_SYS_TIME, 0,
		      "settimeofday(NULL, NULL)" },
	[G_MODULE] = { SYS_init_module, CAP_SYS_MODULE, ENOEXEC,
		       "init_module() of an empty image" },
};

static int global_child(void *arg, void *out, size_t len)
{
	const struct global_call *g = arg;
	struct global_seen *o = out;
	long r;

	(void)len;
	NSW_TRY("become root", userns_become_root());
	NSW_TRY("read CapEff", cap_eff_self(&o->caps));
	r = g->nr == SYS_settimeofday ? syscall(g->nr, NULL, NULL)
				      : syscall(g->nr, NULL, 0UL, "");
	o->err = probe_errno(M_PERM_REFUSED, r, EPERM);
	return 0;
}

static int observe_global(struct ctx *c, struct global_seen *o, int k)
{
	struct nsrun r = userns_run(c);
	char v[16];

	if (k == G_MODULE &&
	    read_text("/proc/sys/kernel/modules_disabled", v, sizeof(v)) == 0 &&
	    atoi(v) != 0)
		return ctx_skip(c, "module loading is disabled here "
				   "(kernel.modules_disabled = 1)");
	TRY_OBS(nsrun(c, calls[k].what, &r, global_child, (void *)&calls[k], o,
		      sizeof(*o)));
	if (o->err == ENOSYS)
		return ctx_skip(c, "kernel has no %s (ENOSYS)",
				k == G_MODULE ? "loadable module support"
					      : "settimeofday");
	return 0;
}

static enum obs judge_global(struct judge *j, const struct global_seen *o,
			     int k)
{
	judge_kv(j, "CapEff", "%016llx", (unsigned long long)o->caps);
	if (!HAS_CAP(o->caps, calls[k].cap))
		return judge_unknown(j, "the caller holds no capability %d",
				     calls[k].cap);
	return judge_err_is(j, o->err, EPERM, calls[k].other, calls[k].what,
			    calls[k].what);
}

#define GLOBAL_CHECK(name_, k_)                                                \
	static int observe_##name_(struct ctx *c, struct global_seen *o)       \
	{                                                                      \
		return observe_global(c, o, k_);                               \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct global_seen *o)             \
	{                                                                      \
		return judge_global(j, o, k_);                                 \
	}                                                                      \
	CHECK(name_, struct global_seen, observe_##name_, judge_##name_)
GLOBAL_CHECK(no_clock, G_CLOCK);
GLOBAL_CHECK(no_module, G_MODULE);

/* ---- CAP_FOWNER needs the file's uid mapped, not its gid -------------- */

#define FOWNER_UID (UNPRIV_ID + 1) /* uid 1 inside */
#define FOWNER_GID 54321u	   /* mapped nowhere inside */

struct fowner_seen {
	uint32_t uid, gid; /* the file's owner, as the child sees it */
	int err;	   /* errno of fchmodat, 0 if it worked */
};

struct fowner_arg {
	int dfd;
	bool keep; /* keep CAP_FOWNER (the isolating step) */
};

static int fowner_child(void *arg, void *out, size_t len)
{
	const struct fowner_arg *a = arg;
	struct fowner_seen *o = out;

	(void)len;
	NSW_TRY("become root", userns_become_root());
	if (!a->keep)
		NSW_TRY("drop CAP_FOWNER", drop_effective(CAPMASK(CAP_FOWNER)));
	NSW_TRY("stat the file", file_owner(a->dfd, "f", &o->uid, &o->gid));
	o->err = probe_errno(M_PERM_REFUSED, fchmodat(a->dfd, "f", 0600, 0),
			     EPERM);
	return 0;
}

static int observe_fowner(struct ctx *c, struct fowner_seen *o)
{
	_cleanup_close_ int dfd = -1;
	struct idmap m;
	struct nsrun r = { .via = NS_VIA_CLONE,
			   .flags = CLONE_NEWUSER,
			   .uid = &m,
			   .gid = &m };
	struct fowner_arg a = { -1, c->isolate };

	idmap_single(&m, 0, UNPRIV_ID, 2);
	TRY(c, sysr(mkdir("pub", 0755)), "mkdir pub");
	TRY(c, sysr(chmod("pub", 0755)), "chmod pub");
	TRY(c, write_text_creat("pub/f", ""), "create pub/f");
	TRY(c, sysr(chown("pub/f", FOWNER_UID, FOWNER_GID)), "chown pub/f");
	TRY(c, sysr(chmod("pub/f", 0644)), "chmod pub/f");
	/* By fd: the 0700 run dir above is not on the child's path. */
	a.dfd = dfd = TRY(c, open("pub", O_PATH | O_DIRECTORY | O_CLOEXEC),
			  "open pub");
	return nsrun(c, "chmod in the child", &r, fowner_child, &a, o,
		     sizeof(*o));
}

static enum obs judge_fowner(struct judge *j, const struct fowner_seen *o)
{
	uint32_t ou, og;

	judge_kv(j, "owner inside", "%u:%u", o->uid, o->gid);
	if (userns_overflow_ids(&ou, &og) < 0)
		return judge_unknown(j, "the overflow ids cannot be read");
	if (o->uid != FOWNER_UID - UNPRIV_ID || o->gid != og)
		return judge_unknown(j,
				     "the file's uid is not mapped to %u "
				     "with its gid unmapped",
				     FOWNER_UID - UNPRIV_ID);
	return judge_ok(j, o->err, EPERM, "chmod by root inside",
			"chmod of uid 1's file with an unmapped gid");
}
CHECK(fowner_uid_mapped, struct fowner_seen, observe_fowner, judge_fowner);

#define CAPS(id_, title_, prop_, expect_, req_, check_)                        \
	{                                                                      \
		.id = "userns/" id_, .title = title_, .property = prop_,       \
		.expect = expect_, .req = req_, .tags = { "user", "caps" },    \
		.check = &check_                                               \
	}

static const struct scenario userns_caps[] = {
	CAPS("nesting-limit", "user namespaces nest to a fixed depth",
	     "33 nested user namespaces can be made below the initial one "
	     "(the manual says 32); the next unshare(CLONE_NEWUSER) fails "
	     "with ENOSPC (EUSERS before Linux 4.9)",
	     "33 levels, then ENOSPC", USER_REQ, depth_max),
	CAPS("setns-gives-full-caps",
	     "joining a user namespace gives every capability in it",
	     "a process with an empty effective set that joins a user "
	     "namespace with setns() has every capability there",
	     "every capability after the join", USER_REQ, setns_full_caps),
	CAPS("setns-threaded-einval",
	     "a multithreaded process cannot join a user namespace",
	     "setns() into a user namespace fails with EINVAL while the "
	     "caller has a second thread",
	     "EINVAL", USER_REQ, setns_threaded_einval),
	CAPS("setns-clears-securebits",
	     "joining a user namespace clears the securebits",
	     "SECBIT_NOROOT and SECBIT_NO_SETUID_FIXUP read clear after "
	     "setns() into a user namespace",
	     "securebits 0 after", USER_REQ, bits_setns),
	CAPS("unshare-clears-securebits",
	     "a new user namespace clears the securebits",
	     "SECBIT_NOROOT and SECBIT_NO_SETUID_FIXUP read clear after "
	     "unshare(CLONE_NEWUSER)",
	     "securebits 0 after", USER_REQ, bits_unshare),
	CAPS("ancestor-caps-reach-descendants",
	     "a capability in an ancestor holds in descendants",
	     "root of the initial namespace holding CAP_KILL signals a "
	     "process two user namespaces down, made by another uid, with "
	     "another uid",
	     "kill(T, 0): ok", USER_REQ, ancestor_cap),
	CAPS("cap-sys-time-no-clock",
	     "CAP_SYS_TIME in a user namespace does not set the clock",
	     "root of a new user namespace, holding CAP_SYS_TIME there, gets "
	     "EPERM from settimeofday(NULL, NULL), which sets nothing",
	     "EPERM", USER_REQ, no_clock),
	CAPS("cap-sys-module-no-load",
	     "CAP_SYS_MODULE in a user namespace loads no module",
	     "root of a new user namespace, holding CAP_SYS_MODULE there, gets "
	     "EPERM from init_module() of an empty image (ENOEXEC outside)",
	     "EPERM", USER_REQ, no_module),
	CAPS("cap-fowner-uid-mapped",
	     "CAP_FOWNER needs only the file's uid mapped",
	     "root of a user namespace chmods a file of its uid 1 whose gid "
	     "is unmapped, with CAP_FOWNER",
	     "ok", USER_REQ, fowner_uid_mapped),
};

BOXCHECK_AREA(userns_caps, userns_caps);
