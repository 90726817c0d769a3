/* SPDX-License-Identifier: MIT */
/*
 * nsrun.h - run_in_child() for the namespace scenarios, with the entry point
 * (clone, clone3, unshare+fork) as a parameter and user namespace maps
 * written by the parent before the child function runs.
 */
#ifndef BOXCHECK_NSRUN_H
#define BOXCHECK_NSRUN_H

#include "scenario.h"
#include "../primitives/userns.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct nsrun {
	enum ns_via via;
	unsigned long flags;
	const struct idmap *uid, *gid; /* with CLONE_NEWUSER; NULL: none */
	bool deny_setgroups;
};

/*
 * Like child_run(): fn runs in a child in the new namespaces and reports an
 * observation into out (see child_fn). With NS_VIA_UNSHARE a launcher
 * process unshares and forks, so the caller never changes. -ENOSYS: the
 * entry point is missing (clone3); -ECHILD: *res says how the child failed.
 */
int nsrun_raw(const struct nsrun *r, child_fn fn, void *arg, void *out,
	      size_t len, struct child_res *res);
/* From an observe function: 0, or ctx_error() naming `what`. */
int nsrun(struct ctx *c, const char *what, const struct nsrun *r, child_fn fn,
	  void *arg, void *out, size_t len);

/*
 * In a child function whose own child (res) failed: fail the same way,
 * with the innermost step it named (or `step`) and its errno.
 */
int child_relay_fail(const struct child_res *res, const char *step);

/* A child that blocks until the holder closes `hold`: keeps its ns alive. */
struct holder {
	pid_t pid;
	struct chan hold;
};
#define HOLDER_INIT                                                            \
	{                                                                      \
		-1, CHAN_INIT                                                  \
	}
int holder_start(struct holder *h, unsigned long flags);
/* Release and reap it; the wait status in *status if not NULL. */
int holder_stop(struct holder *h, int *status);
void holder_stopp(struct holder *h);
#define _cleanup_holder_ _cleanup_(holder_stopp)

/* Run argv (PATH lookup), output discarded; its exit code or -errno. */
int run_cmd(const char *const argv[]);

/* Link in the "one id" maps the user namespace scenarios use. */
#define UNPRIV_ID 100000u

#endif
