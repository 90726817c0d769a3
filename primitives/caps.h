/* SPDX-License-Identifier: MIT */
/* caps.h - capability sets through libcap. */
#ifndef BOXCHECK_CAPS_H
#define BOXCHECK_CAPS_H

#include "base.h"

/* A set of capabilities as a bit mask: bit n is capability n. */
typedef uint64_t capmask_t;
#define CAPMASK(c) ((capmask_t)1 << (c))

/* The OCI/Docker default set a container keeps (runc's spec default). */
extern const capmask_t caps_default;

/*
 * Parse "cap_net_admin,SYS_ADMIN,chown" (with or without "cap_", any case),
 * "all", "none" or "default". -EINVAL names nothing; *bad points to the
 * first unknown word when given.
 */
int caps_parse_list(const char *list, capmask_t *mask, const char **bad);
/* "cap_chown,cap_kill" (libcap's names), or "none". */
int caps_format_list(capmask_t mask, char *buf, size_t len);
/* Capabilities this kernel knows (libcap's runtime probe). */
capmask_t caps_all(void);

/* The five sets of a process. */
struct cap_sets {
	capmask_t effective, permitted, inheritable, bounding, ambient;
};
int caps_read_self(struct cap_sets *s);

/*
 * Keep exactly `keep` across the coming execve, as runtimes do:
 * 1. drop every other capability from the bounding set (needs CAP_SETPCAP),
 * 2. set effective and permitted to keep, inheritable to `inheritable`
 *    (empty unless asked: an inheritable set survives execve and combines
 *    with a file's inheritable capabilities),
 * 3. clear the ambient set, then raise `ambient` in it: what a non-root
 *    uid keeps over execve. Root gets its permitted set from the bounding
 *    set at execve and needs none, so runtimes leave it empty by default
 *    (the OCI config boxcheck writes does too).
 * -EINVAL unless ambient is within inheritable and inheritable within keep.
 */
int caps_keep(capmask_t keep, capmask_t inheritable, capmask_t ambient);
/* caps_keep() with inheritable = ambient, the least the ambient set needs. */
int caps_keep_only(capmask_t keep, capmask_t ambient);
int caps_set_no_new_privs(void);

#endif
