/* SPDX-License-Identifier: MIT */
/*
 * hints.h - one line of advice for a runtime that did not run here, next
 * to its own error. Advice only: no verdict depends on a tool's wording.
 */
#ifndef BOXCHECK_HINTS_H
#define BOXCHECK_HINTS_H

#include <stddef.h>

/*
 * The hint for runtime (boxcheck's name: "crun", "podman", ...) whose
 * failure reads msg: the first table entry for it (or for any runtime)
 * whose words msg contains; a general one when none does.
 */
const char *runtime_hint(const char *runtime, const char *msg);
/* Append "; hint: ..." to buf (of len bytes) holding that message. */
void runtime_hint_append(const char *runtime, char *buf, size_t len);

#endif
