// SPDX-License-Identifier: MIT
/*
 * How seccomp filters are installed, inherited and combined (seccomp(2),
 * prctl(2) PR_SET_SECCOMP, proc(5)): installing needs no_new_privs or
 * CAP_SYS_ADMIN; a filter reaches threads made after it, forked children
 * and execve'd programs, and threads made before it only with TSYNC;
 * filters stack, the strictest action wins and a later filter cannot
 * loosen an earlier one; rules compare arguments; a filter for another
 * architecture kills; strict mode allows read and write only; and
 * /proc/PID/status shows the mode and the number of filters.
 */
#include "seccomp_util.h"
#include "../primitives/mutant.h"

#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#define SC_REQ                                                                 \
	{                                                                      \
		.root = true,                                                  \
		.caps = CAP_BIT(CAP_SYS_ADMIN) | CAP_BIT(CAP_SETUID) |         \
			CAP_BIT(CAP_SETGID),                                   \
		.features = FEAT_BIT(FEAT_SECCOMP)                             \
	}

static const struct sc_call getppid_call = { .nr = SYS_getppid };

/* The probed getppid failed with the filter's errno. */
static enum obs judge_errno_call(struct judge *j, const struct sc_outcome *o,
				 int want, const char *where)
{
	const struct sc_result *r = &o->res[0];

	judge_sc_outcome(j, o);
	if (!r->done)
		return judge_unknown(j, "getppid %s did not return", where);
	return judge_holds(j, r->ret == -1 && r->err == want,
			   "getppid %s returned %ld (%s)", where, r->ret,
			   r->ret < 0 ? strerrorname_np(r->err) : "no error");
}

/* ---- reaching other threads and processes ---------------------------- */

static int observe_reach(struct ctx *c, struct sc_outcome *o,
			 enum sc_where where, unsigned flags, bool act)
{
	struct sc_rule_arm a = { .act = act,
				 .action = SCMP_ACT_ERRNO(SC_ERRNO),
				 .nr = SCMP_SYS(getppid),
				 .flags = flags };
	struct sc_plan p = { .arm = sc_arm_rule,
			     .arg = &a,
			     .where = where,
			     .call = { getppid_call } };

	return sc_probe(c, &p, o);
}

static int observe_fork(struct ctx *c, struct sc_outcome *o)
{
	return observe_reach(c, o, SC_FORK, 0, c->isolate);
}

static enum obs judge_fork(struct judge *j, const struct sc_outcome *o)
{
	if (o->prober_death)
		return judge_unknown(j, "the forked child died of SIG%s",
				     sc_sig_name(o->prober_death));
	return judge_errno_call(j, o, SC_ERRNO, "in a forked child");
}
CHECK(inh_fork, struct sc_outcome, observe_fork, judge_fork);

static int observe_thread(struct ctx *c, struct sc_outcome *o)
{
	return observe_reach(c, o, SC_THREAD_AFTER, 0, c->isolate);
}

static enum obs judge_thread(struct judge *j, const struct sc_outcome *o)
{
	return judge_errno_call(j, o, SC_ERRNO, "in a thread made after");
}
CHECK(inh_thread, struct sc_outcome, observe_thread, judge_thread);

/* Installed in both runs; the action: TSYNC. */
static int observe_tsync(struct ctx *c, struct sc_outcome *o)
{
	return observe_reach(c, o, SC_THREAD_BEFORE, c->isolate ? SC_TSYNC : 0,
			     true);
}

static enum obs judge_tsync(struct judge *j, const struct sc_outcome *o)
{
	return judge_errno_call(j, o, SC_ERRNO, "in a thread made before");
}
CHECK(tsync, struct sc_outcome, observe_tsync, judge_tsync);

/* ---- execve: the filter stays ---------------------------------------- */

struct exec_out {
	int code;      /* uname's exit code, -1: killed */
	int sig;       /* the signal that killed it, 0 if it exited */
	char out[80];  /* its standard output */
	char err[160]; /* its standard error */
};

static int run_uname(struct exec_out *o)
{
	_cleanup_chan_ struct chan out = CHAN_INIT, err = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	ssize_t n;
	int r, st;

	if ((r = chan_open(&out)) < 0 || (r = chan_open(&err)) < 0)
		return r;
	if ((pid = fork()) < 0)
		return neg_errno();
	if (pid == 0) {
		if (dup2(out.wr, 1) == 1 && dup2(err.wr, 2) == 2)
			execlp("uname", "uname", "-n", (char *)NULL);
		_exit(127);
	}
	closep(&out.wr);
	closep(&err.wr);
	out.wr = err.wr = -1;
	if ((n = fd_read_all(out.rd, o->out, sizeof(o->out) - 1)) < 0 ||
	    (n = fd_read_all(err.rd, o->err, sizeof(o->err) - 1)) < 0)
		return (int)n;
	if ((r = wait_status(TAKE_PID(pid), &st)) < 0)
		return r;
	o->code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	o->sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	if (mutant_on(M_SECCOMP_NONE)) {
		o->code = o->sig = 0;
		snprintf(o->out, sizeof(o->out), "boxcheck\n");
	}
	return 0;
}

static int exec_filtered(void *arg, void *out, size_t len)
{
	struct rlimit none = { 0, 0 };

	(void)len;
	if (setrlimit(RLIMIT_CORE, &none) < 0)
		return child_fail("no core dumps", neg_errno());
	if (*(const bool *)arg)
		CHILD_TRY("install the filter",
			  sc_load_rule(SCMP_ACT_KILL_PROCESS, SCMP_SYS(uname),
				       0));
	CHILD_TRY("run uname -n", run_uname(out));
	return 0;
}

static int observe_exec(struct ctx *c, struct exec_out *o)
{
	bool act = c->isolate;

	TRY_OBS(run_in_child(c, "uname under a filter", 0, exec_filtered, &act,
			     o, sizeof(*o)));
	return 0;
}

static enum obs judge_exec(struct judge *j, const struct exec_out *o)
{
	judge_kv(j, "uname -n exit", "%d", o->code);
	judge_kv(j, "uname -n stdout", "%s", o->out);
	judge_kv(j, "uname -n stderr", "%s", o->err);
	if (o->code == 127)
		return judge_unknown(j, "uname did not run (exit 127)");
	if (o->sig && o->sig != SIGSYS)
		return judge_unknown(j, "uname died of SIG%s",
				     sc_sig_name(o->sig));
	return judge_holds(j, o->sig == SIGSYS, "uname -n after execve: %s%s",
			   o->sig ? "killed by SIG" : "ran, ",
			   o->sig ? sc_sig_name(o->sig)
				  : (o->out[0] ? "a name printed" : "no name"));
}
CHECK(inh_exec, struct exec_out, observe_exec, judge_exec);

/* ---- who may install ------------------------------------------------- */

/* The action: CAP_SYS_ADMIN out of the effective set. No no_new_privs. */
static int arm_noadmin(const void *arg)
{
	int r;

	if (*(const bool *)arg &&
	    (r = cap_flag_set(CAP_SYS_ADMIN, CAP_EFFECTIVE, false)) < 0)
		return r == -EACCES ? -EIO : r;
	return sc_load_rule(SCMP_ACT_ERRNO(SC_ERRNO), SCMP_SYS(getppid), 0);
}

/* uid 1000, no capability; the action: no_new_privs first. */
static int arm_nnp(const void *arg)
{
	int r = become_uid(CAPS_UID);

	if (r == 0 && *(const bool *)arg)
		r = caps_set_no_new_privs();
	if (r < 0)
		return r == -EACCES ? -EIO : r;
	return sc_load_rule(SCMP_ACT_ERRNO(SC_ERRNO), SCMP_SYS(getppid), 0);
}

/* The install alone, the sets around it read (no call probed). */
static int observe_noadmin(struct ctx *c, struct sc_outcome *o)
{
	bool act = c->isolate;
	struct sc_plan p = { .arm = arm_noadmin,
			     .arg = &act,
			     .arm_err_ok = true,
			     .read_status = true };

	return sc_probe(c, &p, o);
}

/* The install by uid 1000, then the call it filters. */
static int observe_nnp(struct ctx *c, struct sc_outcome *o)
{
	bool act = c->isolate;
	struct sc_plan p = { .arm = arm_nnp,
			     .arg = &act,
			     .where = SC_SELF,
			     .call = { getppid_call },
			     .arm_err_ok = true };

	return sc_probe(c, &p, o);
}

/* The install's errno, EACCES or none; anything else is unknown. */
static bool install_known(struct judge *j, const struct sc_outcome *o)
{
	judge_kv(j, "install", "%s",
		 o->arm_err ? strerrorname_np(o->arm_err) : "ok");
	return o->armed && (!o->arm_err || o->arm_err == EACCES);
}

static enum obs judge_noadmin(struct judge *j, const struct sc_outcome *o)
{
	judge_mask(j, "CapEff at the install", o->after.eff);
	judge_kv(j, "NoNewPrivs at the install", "%d", o->after.nnp);
	if (!install_known(j, o))
		return judge_unknown(j, "the install neither worked nor "
					"failed with EACCES");
	if (o->after.nnp || !((o->after.prm >> CAP_SYS_ADMIN) & 1))
		return judge_unknown(j, "no_new_privs set, or CAP_SYS_ADMIN "
					"not permitted, at the install");
	return judge_holds(j, o->arm_err == EACCES,
			   "install with CAP_SYS_ADMIN %s, no no_new_privs: %s",
			   (o->after.eff >> CAP_SYS_ADMIN) & 1
				   ? "effective"
				   : "not effective",
			   o->arm_err ? strerrorname_np(o->arm_err) : "ok");
}

static enum obs judge_nnp(struct judge *j, const struct sc_outcome *o)
{
	bool filtered = o->res[0].done && o->res[0].err == SC_ERRNO;

	judge_sc_outcome(j, o);
	if (!install_known(j, o))
		return judge_unknown(j, "the install neither worked nor "
					"failed with EACCES");
	return judge_holds(j, !o->arm_err && filtered,
			   "uid %u installs: %s, getppid %s", CAPS_UID,
			   o->arm_err ? strerrorname_np(o->arm_err) : "ok",
			   filtered ? "filtered" : "not filtered");
}
CHECK(needs_priv, struct sc_outcome, observe_noadmin, judge_noadmin);
CHECK(nnp_permits, struct sc_outcome, observe_nnp, judge_nnp);

static const struct scenario seccomp_rules[] = {
	{ .id = "seccomp/filter-inherited-by-fork",
	  .title = "a seccomp filter is inherited across fork",
	  .property = "a child forked after its parent installed a filter "
		      "gets the filter's errno from the filtered call",
	  .expect = "getppid in a forked child returned -1 (EXFULL)",
	  .req = SC_REQ,
	  .tags = { "seccomp", "inherit" },
	  .check = &inh_fork },
	{ .id = "seccomp/filter-inherited-by-new-thread",
	  .title = "a thread made after the install inherits the filter",
	  .property = "a thread created after its creator installed a "
		      "filter gets the filter's errno from the filtered call",
	  .expect = "getppid in a thread made after returned -1 (EXFULL)",
	  .req = SC_REQ,
	  .tags = { "seccomp", "inherit" },
	  .check = &inh_thread },
	{ .id = "seccomp/tsync-reaches-older-threads",
	  .title = "SECCOMP_FILTER_FLAG_TSYNC installs in every thread",
	  .property = "a filter installed with TSYNC applies to a thread "
		      "that already existed; without TSYNC it would not",
	  .expect = "getppid in a thread made before returned -1 (EXFULL)",
	  .req = SC_REQ,
	  .tags = { "seccomp", "threads" },
	  .check = &tsync },
	{ .id = "seccomp/filter-survives-execve",
	  .title = "a seccomp filter survives execve",
	  .property = "uname -n executed under a filter that answers "
		      "uname(2) with SECCOMP_RET_KILL_PROCESS is killed by "
		      "SIGSYS",
	  .expect = "uname -n killed by SIGSYS",
	  .req = { .root = true,
		   .caps = CAP_BIT(CAP_SYS_ADMIN),
		   .features = FEAT_BIT(FEAT_SECCOMP),
		   .cmds = { "uname" } },
	  .tags = { "seccomp", "inherit", "exec" },
	  .check = &inh_exec },
	{ .id = "seccomp/install-needs-nnp-or-sys-admin",
	  .title = "installing a filter needs no_new_privs or CAP_SYS_ADMIN",
	  .property = "a root process without CAP_SYS_ADMIN in its "
		      "effective set and without no_new_privs gets EACCES "
		      "installing a filter",
	  .expect = "EACCES",
	  .req = SC_REQ,
	  .tags = { "seccomp", "nnp" },
	  .check = &needs_priv },
	{ .id = "seccomp/no-new-privs-permits-install",
	  .title = "no_new_privs lets an unprivileged process install a filter",
	  .property = "uid 1000 with no capability installs a working filter "
		      "once no_new_privs is set",
	  .expect = "install ok, getppid filtered",
	  .req = SC_REQ,
	  .tags = { "seccomp", "nnp" },
	  .check = &nnp_permits },
};

BOXCHECK_AREA(seccomp_rules, seccomp_rules);
