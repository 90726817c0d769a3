/* SPDX-License-Identifier: MIT */
/* userns.h - what the user namespace scenario files share. */
#ifndef BOXCHECK_SCENARIOS_USERNS_H
#define BOXCHECK_SCENARIOS_USERNS_H

#include "nsrun.h"

/* root inside -> UNPRIV_ID outside, for uid and gid (userns_run sets it). */
extern struct idmap userns_one_map;
/* The isolating step: a new user namespace with that map, or none. */
struct nsrun userns_run(struct ctx *c);

struct ids {
	int err;
	uint32_t uid, gid, n_ok;
	char caps[32];
};

#define USER_REQ                                                               \
	{                                                                      \
		.root = true, .ns = NS_BIT(NS_USER),                           \
		.features = FEAT_BIT(FEAT_USERNS)                              \
	}

#endif
