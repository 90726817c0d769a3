// SPDX-License-Identifier: MIT
/* Filters for the seccomp scenarios, built with libseccomp (no scenarios). */
#include "seccomp_util.h"
#include "../primitives/mutant.h"
#include "../primitives/seccomp.h"

#include <linux/audit.h>
#include <pthread.h>

/* Load ctx, keeping it (for its notification fd): 0 or -errno. */
static int load_kept(scmp_filter_ctx ctx, unsigned flags)
{
	int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, !!(flags & SC_NNP));

	if (!r)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (!r && (flags & SC_TSYNC))
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (!r)
		r = seccomp_load(ctx);
	if (mutant_on(M_SECCOMP_REFUSED))
		return -EACCES;
	return r > 0 ? -r : r;
}

int sc_load(scmp_filter_ctx ctx, unsigned flags)
{
	int r;

	if (!ctx)
		return -ENOMEM;
	r = load_kept(ctx, flags);
	seccomp_release(ctx);
	return r;
}

int sc_arm_rule(const void *arg)
{
	const struct sc_rule_arm *a = arg;

	return a->act ? sc_load_rule(a->action, a->nr, a->flags) : 0;
}

/* The supervisor: answers one notification with SC_NOTIF_VAL. */
static int notify_fd = -1;
static void *supervise(void *arg)
{
	int fd = *(int *)arg;
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;

	if (seccomp_notify_alloc(&req, &resp) < 0)
		return NULL;
	if (seccomp_notify_receive(fd, req) == 0) {
		sc_notif_nr = req->data.nr;
		resp->id = req->id;
		resp->val = SC_NOTIF_VAL;
		resp->error = 0;
		resp->flags = 0;
		seccomp_notify_respond(fd, resp);
	}
	seccomp_notify_free(req, resp);
	return NULL;
}

int sc_arm_notify(const void *arg)
{
	scmp_filter_ctx ctx;
	pthread_t th;
	int r, fd;

	if (!*(const bool *)arg)
		return 0;
	if (!(ctx = seccomp_init(SCMP_ACT_ALLOW)))
		return -ENOMEM;
	r = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(getppid), 0);
	if (r == 0)
		r = load_kept(ctx, 0);
	fd = r == 0 ? seccomp_notify_fd(ctx) : -1;
	seccomp_release(ctx);
	if (r < 0)
		return r;
	if (fd < 0)
		return fd == -1 ? -EBADF : fd;
	notify_fd = fd; /* one supervisor per process: a static is enough */
	if (pthread_create(&th, NULL, supervise, &notify_fd))
		return -EAGAIN;
	return -pthread_detach(th);
}

int sc_load_rule(uint32_t action, int nr, unsigned flags)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r;

	if (!ctx)
		return -ENOMEM;
	if ((r = seccomp_rule_add(ctx, action, nr, 0)) < 0) {
		seccomp_release(ctx);
		return r;
	}
	return sc_load(ctx, flags);
}

/* One definition for every arch (armhf's AUDIT_ARCH_ARM was missing). */
uint32_t sc_native_arch(void)
{
	return seccomp_audit_arch();
}

uint32_t sc_foreign_arch(void)
{
#if defined(__x86_64__)
	return SCMP_ARCH_X86;
#elif defined(__aarch64__)
	return SCMP_ARCH_ARM;
#else
	return 0;
#endif
}
