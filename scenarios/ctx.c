// SPDX-License-Identifier: MIT
#include "scenario.h"

#include <stdarg.h>
#include <string.h>

const struct feature_info feature_table[FEAT__COUNT] = {
	[FEAT_CLONE3] = { "clone3", "kernel has no clone3()" },
	[FEAT_CLONE_INTO_CGROUP] = { "clone_into_cgroup",
				     "kernel has no CLONE_INTO_CGROUP" },
	[FEAT_PIDFD_OPEN] = { "pidfd_open", "kernel has no pidfd_open()" },
	[FEAT_PIDFD_SETNS] = { "pidfd_setns",
			       "kernel has no setns() by pidfd" },
	[FEAT_FSOPEN] = { "fsopen", "kernel has no new mount API (fsopen)" },
	[FEAT_MOUNT_SETATTR] = { "mount_setattr",
				 "kernel has no mount_setattr()" },
	[FEAT_CGROUP_KILL] = { "cgroup_kill", "kernel has no cgroup.kill" },
	[FEAT_SECCOMP] = { "seccomp", "kernel has no seccomp filter mode" },
	[FEAT_USERNS] = { "userns", "user namespaces are not allowed here" },
	[FEAT_PMU] = { "pmu", "no hardware PMU" },
	[FEAT_KVM] = { "kvm", "no /dev/kvm" },
};

static void vset(char *dst, size_t len, const char *fmt, va_list ap)
{
	vsnprintf(dst, len, fmt, ap);
}

static void outcome_kv(struct outcome *o, const char *key, const char *fmt,
		       va_list ap)
{
	struct kv *kv;

	if (o->n_kv >= OUTCOME_MAX_KV)
		return;
	kv = &o->kv[o->n_kv++];
	snprintf(kv->key, sizeof(kv->key), "%s", key);
	vset(kv->val, sizeof(kv->val), fmt, ap);
}

int ctx_skip(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(c->out->observed, sizeof(c->out->observed), fmt, ap);
	va_end(ap);
	return c->out->obs = OBS_SKIP;
}

static int outcome_error(struct outcome *o, int err, const char *what)
{
	if (err < 0)
		snprintf(o->observed, sizeof(o->observed), "%s: %s", what,
			 strerror(-err));
	else
		snprintf(o->observed, sizeof(o->observed), "%s", what);
	return o->obs = OBS_ERROR;
}

int ctx_error(struct ctx *c, int err, const char *fmt, ...)
{
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vset(what, sizeof(what), fmt, ap);
	va_end(ap);
	return outcome_error(c->out, err, what);
}

void ctx_kv(struct ctx *c, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outcome_kv(c->out, key, fmt, ap);
	va_end(ap);
}

enum obs judge_holds(struct judge *j, bool holds, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(j->out->observed, sizeof(j->out->observed), fmt, ap);
	va_end(ap);
	return j->out->obs = holds ? OBS_HOLDS : OBS_ABSENT;
}

enum obs judge_unknown(struct judge *j, const char *fmt, ...)
{
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vset(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(j->out->observed, sizeof(j->out->observed), "unknown: %s",
		 what);
	return j->out->obs = OBS_ERROR;
}

void judge_kv(struct judge *j, const char *key, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	outcome_kv(j->out, key, fmt, ap);
	va_end(ap);
}

/* ---- children ------------------------------------------------------- */

/* What a child sends ahead of its payload. */
struct child_report {
	int err;
	char step[120];
};

/* The failing step a child named; per process, so per child. */
static char child_step[120];

int child_fail(const char *step, int err)
{
	snprintf(child_step, sizeof(child_step), "%s", step);
	return err < 0 ? err : -EIO;
}

_Noreturn void child_report_exit(int wr, child_fn fn, void *arg, size_t len)
{
	char buf[len > 0 ? len : 1];
	struct child_report rep = { 0 };

	memset(buf, 0, sizeof(buf));
	child_step[0] = '\0';
	rep.err = fn(arg, buf, len);
	if (rep.err > 0) /* a bare exit code: not an errno */
		rep.err = -EIO;
	snprintf(rep.step, sizeof(rep.step), "%s", child_step);
	if (fd_write_all(wr, &rep, sizeof(rep)) < 0 ||
	    (rep.err == 0 && fd_write_all(wr, buf, len) < 0))
		_exit(3);
	_exit(rep.err ? 1 : 0);
}

int child_report_read(int rd, void *out, size_t len, struct child_res *res)
{
	struct child_report rep;

	if (fd_read_all(rd, &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		return -ECHILD; /* no report: its status says why */
	rep.step[sizeof(rep.step) - 1] = '\0';
	snprintf(res->step, sizeof(res->step), "%s", rep.step);
	if (rep.err < 0) {
		res->err = rep.err;
		return -ECHILD;
	}
	if (fd_read_all(rd, out, len) != (ssize_t)len) {
		snprintf(res->step, sizeof(res->step), "%s", "a short report");
		return -ECHILD;
	}
	res->reported = true;
	return 0;
}

void child_res_describe(const struct child_res *r, char *buf, size_t len)
{
	const char *step = r->step[0] ? r->step : "the child";

	if (r->err < 0)
		snprintf(buf, len, "%s: %s", step, strerror(-r->err));
	else if (r->status >= 0 && WIFSIGNALED(r->status))
		snprintf(buf, len, "child killed by SIG%s",
			 sigabbrev_np(WTERMSIG(r->status)) ?: "?");
	else if (!r->reported)
		snprintf(buf, len, "child exited %d without a report%s%s",
			 r->status >= 0 ? exit_code_of(r->status) : -1,
			 r->step[0] ? ": " : "", r->step);
	else
		snprintf(buf, len, "child reported, then exited %d",
			 exit_code_of(r->status));
}

int child_run(unsigned long flags, child_fn fn, void *arg, void *out,
	      size_t len, struct child_res *res)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	pid_t pid;
	int r, w;

	*res = (struct child_res){ .status = -1 };
	if (len) /* out may be NULL when len is 0: memset(NULL) is UB */
		memset(out, 0, len);
	r = chan_open(&ch);
	if (r < 0)
		return res->err = r;
	pid = ns_fork(flags);
	if (pid < 0)
		return res->err = pid;
	if (pid == 0) {
		close(ch.rd);
		child_report_exit(ch.wr, fn, arg, len);
	}
	close(TAKE_FD(ch.wr));
	r = child_report_read(ch.rd, out, len, res);
	w = wait_status(pid, &res->status);
	if (w < 0)
		return res->err = w;
	if (r == 0 && (WIFSIGNALED(res->status) || exit_code_of(res->status)))
		r = -ECHILD;
	if (r < 0 && len)
		memset(out, 0, len); /* nothing of a failed child is kept */
	return r;
}

int child_res_check(struct ctx *c, const char *what, int r,
		    const struct child_res *res)
{
	char why[200];

	if (r == 0)
		return 0;
	if (r != -ECHILD)
		return ctx_error(c, r, "%s", what);
	child_res_describe(res, why, sizeof(why));
	return ctx_error(c, 0, "%s: %s", what, why);
}

int run_in_child(struct ctx *c, const char *what, unsigned long flags,
		 child_fn fn, void *arg, void *out, size_t len)
{
	struct child_res res;
	int r = child_run(flags, fn, arg, out, len, &res);

	return child_res_check(c, what, r, &res);
}
