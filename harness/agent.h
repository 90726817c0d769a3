/* SPDX-License-Identifier: MIT */
/*
 * agent.h - `boxcheck inspect`: facts seen from inside a container, as JSON
 * (json_t *). The agent only reports; harness/profile.c judges.
 */
#ifndef BOXCHECK_AGENT_H
#define BOXCHECK_AGENT_H

#include "../primitives/base.h"

#include <jansson.h>

#define AGENT_FORK_MAX 128 /* the fork probe stops here: twice the profile */

struct agent_opts {
	unsigned fork_max; /* 0: no fork probe */
	bool no_write;	   /* skip the write probe */
};

json_t *agent_facts(const struct agent_opts *o);
json_t *agent_probes(const struct agent_opts *o);

#endif
