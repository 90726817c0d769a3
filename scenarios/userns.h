/* SPDX-License-Identifier: MIT */
/* userns.h - what the user namespace scenario files share (userns_util.c). */
#ifndef BOXCHECK_SCENARIOS_USERNS_H
#define BOXCHECK_SCENARIOS_USERNS_H

#include "nsrun.h"

/* root inside -> UNPRIV_ID outside, for uid and gid (userns_run sets it). */
extern struct idmap userns_one_map;
/* The isolating step: a new user namespace with that map, or none. */
struct nsrun userns_run(struct ctx *c);

#define USER_REQ                                                               \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_USER),                           \
		.features = FEAT_BIT(FEAT_USERNS)                              \
	}

/*
 * A child that reports and then stays alive, for what its parent reads of
 * a living process (/proc/PID/...). The child sends err (0, or -errno of
 * step) and, when 0, len bytes of buf; live_wait() then blocks until the
 * parent closes hold. live_recv() closes our end of res, reads the report
 * and returns 0, or ctx_error() naming what and the child's failed step;
 * a child that ends without a report is an error too.
 */
int live_send(struct chan *res, const char *step, int err, const void *buf,
	      size_t len);
void live_wait(struct chan *hold);
int live_recv(struct ctx *c, const char *what, struct chan *res, void *buf,
	      size_t len);

/* CapEff from a /proc/PID/status text, or of this process: 0 or -errno. */
int cap_eff_of(const char *status, uint64_t *caps);
int cap_eff_self(uint64_t *caps);
#define HAS_CAP(caps_, cap_) (((caps_) >> (cap_)) & 1)

/* The owner of dfd/path (AT_FDCWD for cwd), as this process sees it. */
int file_owner(int dfd, const char *path, uint32_t *uid, uint32_t *gid);

/*
 * An errno probe: the errno `want` is the property, success its absence,
 * anything else cannot decide (an error). key is the evidence key, what
 * names the call in the verdict line.
 */
enum obs judge_errno(struct judge *j, int err, int want, const char *key,
		     const char *what);

#endif
