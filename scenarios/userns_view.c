// SPDX-License-Identifier: MIT
/*
 * User namespaces, seen from different places: a map reads differently to
 * readers in different user namespaces, and execve as a non-zero uid clears
 * the capabilities a process held.
 */
#include "nsrun.h"

#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

/* ---- uid_map depends on the reader --------------------------------- */

struct view {
	pid_t grandchild;
	int err;
	char step[32];
	char inside[128]; /* G's uid_map as C reads it */
};

static void read_map(pid_t pid, char *buf, size_t len)
{
	char path[64], raw[256];
	struct idmap m;

	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	if (read_text(path, raw, sizeof(raw)) < 0 || idmap_parse(raw, &m) < 0 ||
	    idmap_format(&m, buf, len) < 0)
		snprintf(buf, len, "?");
	chomp(buf);
}

/* In C: make G (in a new user namespace when isolated), report its map. */
static _Noreturn void middle(bool isolate, struct chan *res, struct chan *hold)
{
	struct view v = { 0 };
	struct idmap g0;
	char b;

	close(hold->wr);
	idmap_single(&g0, 0, 0, 1); /* G's root is C's root */
	v.err = -userns_become_root();
	snprintf(v.step, sizeof(v.step), "become root");
	/*
	 * Changing uids cleared our dumpable flag, which G would inherit:
	 * then G's /proc files belong to host root and we could not write
	 * its maps.
	 */
	if (!v.err && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		v.err = errno;
	if (!v.err) {
		v.grandchild =
			isolate ? userns_fork(0, &g0, &g0, false) : fork();
		snprintf(v.step, sizeof(v.step), "make the grandchild");
	}
	if (v.grandchild == 0)
		_exit(read(hold->rd, &b, 1) < 0);
	if (v.grandchild < 0)
		v.err = -v.grandchild;
	else
		read_map(v.grandchild, v.inside, sizeof(v.inside));
	chan_send(res, &v, sizeof(v));
	if (read(hold->rd, &b, 1) < 0) /* until the host has read too */
		v.err = errno;
	while (wait(NULL) > 0)
		;
	_exit(0);
}

static enum obs map_depends_on_reader(struct ctx *c)
{
	_cleanup_chan_ struct chan res = CHAN_INIT, hold = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct idmap one;
	struct view v;
	char outside[128];

	idmap_single(&one, 0, UNPRIV_ID, 1);
	TRY(c, chan_open(&res), "pipe");
	TRY(c, chan_open(&hold), "pipe");
	pid = TRY(c, userns_fork(0, &one, &one, false), "fork the child");
	if (pid == 0)
		middle(c->isolate, &res, &hold);
	TRY(c, chan_recv(&res, &v, sizeof(v)), "read the child's view");
	if (v.err)
		return ctx_error(c, -v.err, "%s", v.step);
	read_map(v.grandchild, outside, sizeof(outside));
	chan_close(&hold);
	ctx_kv(c, "read from its parent ns", "%s", v.inside);
	ctx_kv(c, "read from the host", "%s", outside);
	return ctx_holds(c, strcmp(v.inside, outside) != 0,
			 "the grandchild's uid_map reads '%s' to its parent "
			 "namespace, '%s' to the host",
			 v.inside, outside);
}

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

static unsigned long long cap_eff_of(const char *status)
{
	const char *l = strstr(status, "CapEff:");

	return l ? strtoull(l + 7, NULL, 16) : ~0ull;
}

/* In the user namespace: maybe become NONROOT, then exec cat status. */
static _Noreturn void exec_child(bool isolate, struct chan *out)
{
	char before[4096];
	int r = userns_become_root();

	if (r == 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		r = neg_errno();
	if (r == 0 && isolate &&
	    (setresgid(NONROOT, NONROOT, NONROOT) < 0 ||
	     setresuid(NONROOT, NONROOT, NONROOT) < 0))
		r = neg_errno();
	r = r ?: raise_effective();
	if (r < 0 || read_text("/proc/self/status", before, sizeof(before)) < 0)
		_exit(120);
	/* The capabilities held just before execve, on the status line. */
	dprintf(out->wr, "before %llx\n", cap_eff_of(before));
	if (dup2(out->wr, 1) < 0)
		_exit(121);
	execlp("cat", "cat", "/proc/self/status", (char *)NULL);
	_exit(127);
}

static enum obs exec_clears_caps(struct ctx *c)
{
	_cleanup_chan_ struct chan out = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	struct idmap m = { 0 };
	char buf[8192];
	unsigned long long before = ~0ull, after;
	int st;

	idmap_add(&m, 0, UNPRIV_ID, 1);
	idmap_add(&m, NONROOT, UNPRIV_ID + NONROOT, 1);
	TRY(c, chan_open(&out), "pipe");
	pid = TRY(c, userns_fork(0, &m, &m, false), "fork the child");
	if (pid == 0)
		exec_child(c->isolate, &out);
	closep(&out.wr);
	out.wr = -1;
	TRY(c, fd_read_all(out.rd, buf, sizeof(buf) - 1), "read its status");
	TRY(c, wait_status(TAKE_PID(pid), &st), "reap the child");
	if (exit_code_of(st) != 0)
		return ctx_error(c, 0, "child exited %d", exit_code_of(st));
	buf[sizeof(buf) - 1] = '\0';
	sscanf(buf, "before %llx", &before);
	after = cap_eff_of(buf);
	ctx_kv(c, "CapEff before execve", "%llx", before);
	ctx_kv(c, "CapEff after execve", "%llx", after);
	return ctx_holds(c, before != 0 && after == 0,
			 "uid %u: CapEff %llx before execve, %llx after",
			 c->isolate ? NONROOT : 0, before, after);
}

static const struct scenario userns_view[] = {
	{
		.id = "userns/uid-map-depends-on-reader",
		.title = "uid_map reads relative to the reader's namespace",
		.property = "a nested user namespace's uid_map shows its "
			    "parent's ids to a reader there and the host's ids "
			    "to a host reader",
		.expect = "the two readings differ",
		.req = { .root = true,
			 .ns = NS_BIT(NS_USER),
			 .features = FEAT_BIT(FEAT_USERNS) },
		.tags = { "user", "ns" },
		.run = map_depends_on_reader,
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
		.run = exec_clears_caps,
	},
};

BOXCHECK_AREA(userns_view, userns_view);
