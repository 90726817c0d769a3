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

enum obs ctx_holds(struct ctx *c, bool holds, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(c->out->observed, sizeof(c->out->observed), fmt, ap);
	va_end(ap);
	return c->out->obs = holds ? OBS_HOLDS : OBS_ABSENT;
}

enum obs ctx_skip(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vset(c->out->observed, sizeof(c->out->observed), fmt, ap);
	va_end(ap);
	return c->out->obs = OBS_SKIP;
}

enum obs ctx_error(struct ctx *c, int err, const char *fmt, ...)
{
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vset(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (err < 0)
		snprintf(c->out->observed, sizeof(c->out->observed), "%s: %s",
			 what, strerror(-err));
	else
		snprintf(c->out->observed, sizeof(c->out->observed), "%s",
			 what);
	return c->out->obs = OBS_ERROR;
}

void ctx_kv(struct ctx *c, const char *key, const char *fmt, ...)
{
	struct kv *kv;
	va_list ap;

	if (c->out->n_kv >= OUTCOME_MAX_KV)
		return;
	kv = &c->out->kv[c->out->n_kv++];
	snprintf(kv->key, sizeof(kv->key), "%s", key);
	va_start(ap, fmt);
	vset(kv->val, sizeof(kv->val), fmt, ap);
	va_end(ap);
}

int run_in_child(unsigned long flags, child_fn fn, void *arg, void *out,
		 size_t len, int *status)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	pid_t pid;
	int r;

	if (len) /* out may be NULL when len is 0: memset(NULL) is UB */
		memset(out, 0, len);
	r = chan_open(&ch);
	if (r < 0)
		return r;
	pid = ns_fork(flags);
	if (pid < 0)
		return pid;
	if (pid == 0) {
		char buf[len > 0 ? len : 1];
		memset(buf, 0, sizeof(buf));
		close(ch.rd);
		r = fn(arg, buf, len);
		chan_send(&ch, buf, len);
		_exit(r);
	}
	close(TAKE_FD(ch.wr));
	r = chan_recv(&ch, out, len);
	int w = wait_status(pid, status);
	return r < 0 ? r : w;
}
