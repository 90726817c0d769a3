/* SPDX-License-Identifier: MIT */
/*
 * ns.h - the namespace types table, creation through every entry point
 * (clone, clone3, unshare+fork), joining (setns by fd and by pidfd),
 * identity (nsfs dev/inode, ioctl_ns(2)) and keeping a namespace alive.
 */
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
	bool no_clone;	    /* clone() cannot create it (flag is CSIGNAL) */
	bool children_only; /* unshare() moves only later children */
	const char *for_children; /* /proc/PID/ns file for children or NULL */
};

extern const struct ns_info ns_table[NS__COUNT];

/* Identity of a namespace: the nsfs file's device and inode. */
struct ns_id {
	dev_t dev;
	ino_t ino;
};

int ns_type_by_name(const char *name);	 /* enum value or -EINVAL */
int ns_type_by_flag(unsigned long flag); /* CLONE_NEW* -> enum, -EINVAL */
unsigned long ns_flags(unsigned mask);	 /* mask of NS_BIT -> CLONE_ */
unsigned ns_mask_of_flags(unsigned long flags);	     /* CLONE_ -> NS_BIT mask */
int ns_parse_list(const char *list, unsigned *mask); /* "pid,net" -> mask */
/* "pid,net" from a mask into buf; the length or -ENOSPC. */
int ns_format_list(unsigned mask, char *buf, size_t len);
int ns_id_of(pid_t pid, enum ns_type t, struct ns_id *id);
int ns_id_of_path(const char *path, struct ns_id *id);
int ns_id_of_fd(int fd, struct ns_id *id);
bool ns_id_equal(const struct ns_id *a, const struct ns_id *b);
unsigned ns_available(void); /* types this kernel has */
/* Types whose inode differs between pids a and b (0: self). */
int ns_differ(pid_t a, pid_t b, unsigned types, unsigned *differ);
/* Types whose inode differs between pid (0: self) and ids[type] as recorded. */
int ns_differ_ids(pid_t pid, const struct ns_id ids[NS__COUNT], unsigned types,
		  unsigned *differ);

/* ---- creation ------------------------------------------------------ */

/* The ways into new namespaces; scenarios take them as a parameter. */
enum ns_via { NS_VIA_CLONE, NS_VIA_CLONE3, NS_VIA_UNSHARE, NS_VIA__COUNT };
extern const char *const ns_via_names[NS_VIA__COUNT];

/*
 * Fork a child in new namespaces (clone flags, SIGCHLD added). Returns like
 * fork(): 0 in the child, the pid in the parent, -errno on failure.
 * CLONE_NEWTIME goes through clone3, which plain clone() cannot express.
 */
pid_t ns_fork(unsigned long flags);
/* clone3() as fork; *pidfd (if not NULL) gets a pidfd. -ENOSYS: no clone3. */
pid_t ns_clone3(unsigned long flags, int *pidfd);
/*
 * One entry point by name. NS_VIA_UNSHARE unshares the CALLER, then forks:
 * the caller itself is in the new namespaces afterwards (pid and time
 * excepted, which take only children). Call it from a disposable process.
 */
pid_t ns_spawn(enum ns_via via, unsigned long flags);
/* clone3, falling back to clone() where the kernel has no clone3. */
pid_t ns_fork_best(unsigned long flags);

/* ---- joining and identity ------------------------------------------ */

int ns_open(pid_t pid, enum ns_type t); /* O_RDONLY|O_CLOEXEC nsfs fd */
/* setns(fd, type's flag); t < 0: let the kernel take any type. */
int ns_setns(int fd, int t);
/* Join pid's namespaces in mask, one fd per type, the user ns first. */
int ns_join(pid_t pid, unsigned mask);
/* Join several of pid's namespaces at once through a pidfd (5.8+). */
int ns_join_pidfd(pid_t pid, unsigned mask);
/* ioctl_ns(2). Return an enum ns_type, a new fd, or 0; -errno on error. */
int ns_get_type(int fd);
int ns_get_userns(int fd);
int ns_get_parent(int fd);
int ns_get_owner_uid(int fd, uid_t *uid);

/* ---- lifetime -------------------------------------------------------- */

/*
 * Keep pid's namespace t alive without a process: bind-mount its nsfs file
 * onto target (created as an empty file). Only inside a private mount ns.
 */
int ns_bind_keep(pid_t pid, enum ns_type t, const char *target);
/* Drop that reference: detach the bind mount and remove the file. */
int ns_bind_release(const char *target);

#endif
