/* SPDX-License-Identifier: MIT */
/* registry.h - every scenario, from the generated list of areas. */
#ifndef BOXCHECK_REGISTRY_H
#define BOXCHECK_REGISTRY_H

#include "../scenarios/scenario.h"

size_t registry_count(void);
const struct scenario *registry_get(size_t i);

/* Glob on ids (fnmatch); "pidns" alone means "pidns/ *" too. */
bool pattern_match(const char *pattern, const char *id);
bool scenario_has_tag(const struct scenario *s, const char *tag);

struct selection {
	const char *const *patterns; /* none: every scenario */
	size_t n_patterns;
	const char *const *tags; /* all must match */
	size_t n_tags;
	bool include_selftest; /* "selftest" scenarios only when asked */
};

/*
 * Fill out (capacity registry_count()) with the matching scenarios, in
 * registry order. *unmatched is the first pattern that matched nothing, or
 * NULL. Returns the count.
 */
size_t registry_select(const struct selection *sel, const struct scenario **out,
		       const char **unmatched);

#endif
