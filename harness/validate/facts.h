/* SPDX-License-Identifier: MIT */
/*
 * facts.h - the agent's facts document as the judge takes it: checked as a
 * whole before any property is judged (facts.c).
 */
#ifndef BOXCHECK_FACTS_H
#define BOXCHECK_FACTS_H

#include <jansson.h>
#include <stddef.h>

/*
 * 0, or -EINVAL and why: not a boxcheck-facts document of this format
 * version, or a fact some property reads is missing (the launcher's facts
 * only when the document has a "launcher" section: `boxcheck inspect`
 * alone has none).
 */
int facts_check(const json_t *doc, char *why, size_t len);
/* Parse text and check it: 0 and *doc (the caller's), or -EINVAL. */
int facts_load(const char *text, json_t **doc, char *why, size_t len);

#endif
