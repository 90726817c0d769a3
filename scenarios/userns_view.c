// SPDX-License-Identifier: MIT
/*
 * User namespaces, seen from different places: a map reads differently to
 * readers in different user namespaces, and execve as a non-zero uid clears
 * the capabilities a process held.
 */
#include "userns.h"

#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

/* ---- uid_map depends on the reader --------------------------------- */

struct map1 {
	unsigned n;	       /* extents */
	struct idmap_extent e; /* the first */
};

static int read_map1(pid_t pid, struct map1 *m)
{
	struct idmap full;
	int r = userns_read_map(pid, "uid_map", &full);

	if (r < 0)
		return r;
	m->n = full.n;
	m->e = full.e[0];
	return 0;
}

struct middle_view {
	pid_t grandchild;
	struct map1 map; /* G's uid_map as C reads it */
};

/*
 * In C (root of a user ns mapped to UNPRIV_ID): make G, in a new user ns
 * mapping G's root to C's when nested, report G's map as C reads it.
 */
static _Noreturn void middle(bool nested, struct chan *res, struct chan *hold)
{
	struct middle_view v = { 0 };
	const char *step = "become root";
	struct idmap g0;
	int err;

	idmap_single(&g0, 0, 0, 1);
	err = userns_become_root();
	/*
	 * Changing uids cleared our dumpable flag, which G would inherit:
	 * then G's /proc files belong to host root and we could not write
	 * its maps.
	 */
	if (!err && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		step = "PR_SET_DUMPABLE", err = neg_errno();
	if (!err) {
		step = "make the grandchild";
		v.grandchild =
			nested ? userns_fork(0, &g0, &g0, false) : ns_fork(0);
		if (v.grandchild == 0) {
			live_wait(hold);
			_exit(0);
		}
		err = v.grandchild < 0 ? v.grandchild : 0;
	}
	if (!err) {
		step = "read the grandchild's uid_map";
		err = read_map1(v.grandchild, &v.map);
	}
	live_send(res, step, err, &v, sizeof(v));
	live_wait(hold); /* until the host has read too */
	while (wait(NULL) > 0)
		;
	_exit(0);
}

struct reader_view {
	struct map1 inside;  /* read from G's parent ns (C's) */
	struct map1 outside; /* read from ours */
};

static int observe_reader(struct ctx *c, struct reader_view *o)
{
	_cleanup_chan_ struct chan res = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct middle_view v;
	struct idmap one;
	int st;

	idmap_single(&one, 0, UNPRIV_ID, 1);
	TRY(c, chan_open(&res), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, userns_fork(0, &one, &one, false), "fork the child");
	if (pid == 0)
		middle(c->isolate, &res, &hold);
	TRY_OBS(live_recv(c, "the child", &res, &v, sizeof(v)));
	o->inside = v.map;
	TRY(c, read_map1(v.grandchild, &o->outside),
	    "read the grandchild's uid_map from here");
	chan_close(&hold);
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap the child");
	return 0;
}

static bool map_is(const struct map1 *m, uint32_t in, uint32_t out)
{
	return m->n == 1 && m->e.inside == in && m->e.outside == out &&
	       m->e.count == 1;
}

static enum obs judge_reader(struct judge *j, const struct reader_view *o)
{
	char in[48], out[48];

	snprintf(in, sizeof(in), "%u %u %u%s", o->inside.e.inside,
		 o->inside.e.outside, o->inside.e.count,
		 o->inside.n > 1 ? " ..." : "");
	snprintf(out, sizeof(out), "%u %u %u%s", o->outside.e.inside,
		 o->outside.e.outside, o->outside.e.count,
		 o->outside.n > 1 ? " ..." : "");
	judge_kv(j, "read from its parent ns", "%s", in);
	judge_kv(j, "read from the host", "%s", out);
	return judge_holds(j,
			   map_is(&o->inside, 0, 0) &&
				   map_is(&o->outside, 0, UNPRIV_ID),
			   "the grandchild's uid_map reads '%s' to its parent "
			   "namespace, '%s' to the host",
			   in, out);
}
CHECK(map_depends_on_reader, struct reader_view, observe_reader, judge_reader);

/* ---- execve as a non-zero uid clears capabilities ------------------- */

#define NONROOT 1000u

/* Effective = permitted (kept over setresuid by PR_SET_KEEPCAPS). */
static int raise_effective(void)
{
	cap_t c = cap_get_proc();
	cap_flag_value_t v;
	int r = 0;

	if (!c)
		return neg_errno();
	for (cap_value_t i = 0; i <= CAP_LAST_CAP && r == 0; i++)
		if (cap_get_flag(c, i, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
			r = cap_set_flag(c, CAP_EFFECTIVE, 1, &i, CAP_SET);
	if (r == 0 && cap_set_proc(c) < 0)
		r = neg_errno();
	cap_free(c);
	return r;
}

struct before_exec {
	uint32_t uid;
	uint64_t caps; /* CapEff just before execve */
};

/* Root of the user ns, or (the action) NONROOT keeping its capabilities. */
static int prepare(bool drop, const char **step)
{
	int r;

	*step = "become root";
	if ((r = userns_become_root()) < 0)
		return r;
	*step = "PR_SET_KEEPCAPS";
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return neg_errno();
	*step = "become uid 1000";
	if (drop && (setresgid(NONROOT, NONROOT, NONROOT) < 0 ||
		     setresuid(NONROOT, NONROOT, NONROOT) < 0))
		return neg_errno();
	*step = "raise the effective set";
	return raise_effective();
}

/* In the user namespace: report, then exec cat of our status into res. */
static _Noreturn void exec_child(bool drop, struct chan *res)
{
	struct before_exec b = { 0 };
	const char *step;
	int r = prepare(drop, &step);

	if (r == 0) {
		step = "read CapEff";
		r = cap_eff_self(&b.caps);
	}
	b.uid = getuid();
	if (live_send(res, step, r, &b, sizeof(b)) < 0 || r < 0)
		_exit(120);
	if (dup2(res->wr, 1) < 0)
		_exit(121);
	execlp("cat", "cat", "/proc/self/status", (char *)NULL);
	_exit(127);
}

struct exec_caps {
	uint32_t uid;
	uint64_t before, after; /* CapEff before and after execve */
};

static int observe_exec(struct ctx *c, struct exec_caps *o)
{
	_cleanup_chan_ struct chan res = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct before_exec b;
	struct idmap m = { 0 };
	char buf[8192];
	ssize_t n;
	int st;

	idmap_add(&m, 0, UNPRIV_ID, 1);
	idmap_add(&m, NONROOT, UNPRIV_ID + NONROOT, 1);
	TRY(c, chan_open(&res), "pipe");
	pid = TRY(c, userns_fork(0, &m, &m, false), "fork the child");
	if (pid == 0)
		exec_child(c->isolate, &res);
	TRY_OBS(live_recv(c, "the child", &res, &b, sizeof(b)));
	n = TRY(c, fd_read_all(res.rd, buf, sizeof(buf) - 1),
		"read cat's output");
	buf[n] = '\0';
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap the child");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "the child exited %d after its report",
				 exit_code_of(st));
	o->uid = b.uid;
	o->before = b.caps;
	TRY(c, cap_eff_of(buf, &o->after), "find CapEff in cat's output");
	return 0;
}

static enum obs judge_exec(struct judge *j, const struct exec_caps *o)
{
	judge_kv(j, "uid", "%u", o->uid);
	judge_kv(j, "CapEff before execve", "%llx",
		 (unsigned long long)o->before);
	judge_kv(j, "CapEff after execve", "%llx",
		 (unsigned long long)o->after);
	if (!o->before)
		return judge_unknown(j, "no capability held before execve");
	return judge_holds(j, o->after == 0,
			   "uid %u: CapEff %llx before execve, %llx after",
			   o->uid, (unsigned long long)o->before,
			   (unsigned long long)o->after);
}
CHECK(exec_clears_caps, struct exec_caps, observe_exec, judge_exec);

static const struct scenario userns_view[] = {
	{
		.id = "userns/uid-map-depends-on-reader",
		.title = "uid_map reads relative to the reader's namespace",
		.property = "a nested user namespace's uid_map shows its "
			    "parent's ids to a reader there and the host's ids "
			    "to a host reader",
		.expect = "'0 0 1' to its parent namespace, '0 100000 1' to "
			  "the host",
		.req = { .root = true,
			 .ns = NS_BIT(NS_USER),
			 .features = FEAT_BIT(FEAT_USERNS) },
		.tags = { "user", "ns" },
		.check = &map_depends_on_reader,
	},
	{
		.id = "userns/exec-clears-caps-nonroot",
		.title = "execve as a non-zero uid clears capabilities",
		.property = "a process of uid 1000 holding capabilities in its "
			    "user namespace has none after execve",
		.expect = "CapEff 0 after execve",
		.req = { .root = true,
			 .ns = NS_BIT(NS_USER),
			 .features = FEAT_BIT(FEAT_USERNS),
			 .cmds = { "cat" } },
		.tags = { "user", "ns", "caps" },
		.check = &exec_clears_caps,
	},
};

BOXCHECK_AREA(userns_view, userns_view);
