/* SPDX-License-Identifier: MIT */
/* ns.h - the namespace types table, creation and identity. */
#ifndef BOXCHECK_NS_H
#define BOXCHECK_NS_H

#include "base.h"

enum ns_type {
	NS_CGROUP,
	NS_IPC,
	NS_MNT,
	NS_NET,
	NS_PID,
	NS_TIME,
	NS_USER,
	NS_UTS,
	NS__COUNT,
};

#define NS_BIT(t) (1u << (t))
#define NS_ALL ((1u << NS__COUNT) - 1)

struct ns_info {
	const char *name;   /* /proc/PID/ns/<name> */
	unsigned long flag; /* CLONE_NEW* */
	int nstype;	    /* NS_GET_NSTYPE answer (== flag) */
};

extern const struct ns_info ns_table[NS__COUNT];

/* Identity of a namespace: the nsfs file's device and inode. */
struct ns_id {
	dev_t dev;
	ino_t ino;
};

int ns_type_by_name(const char *name); /* enum value or -EINVAL */
unsigned long ns_flags(unsigned mask); /* mask of NS_BIT -> CLONE_ */
int ns_parse_list(const char *list, unsigned *mask); /* "pid,net" -> mask */
int ns_id_of(pid_t pid, enum ns_type t, struct ns_id *id);
int ns_id_of_path(const char *path, struct ns_id *id);
bool ns_id_equal(const struct ns_id *a, const struct ns_id *b);
unsigned ns_available(void); /* types this kernel has */

/*
 * Fork a child in new namespaces (clone flags, SIGCHLD added). Returns like
 * fork(): 0 in the child, the pid in the parent, -errno on failure.
 * CLONE_NEWTIME is not accepted by clone(); it needs clone3 or unshare.
 */
pid_t ns_fork(unsigned long flags);

#endif
