// SPDX-License-Identifier: MIT
#include "ns.h"

#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

const struct ns_info ns_table[NS__COUNT] = {
	[NS_CGROUP] = { "cgroup", CLONE_NEWCGROUP, CLONE_NEWCGROUP },
	[NS_IPC] = { "ipc", CLONE_NEWIPC, CLONE_NEWIPC },
	[NS_MNT] = { "mnt", CLONE_NEWNS, CLONE_NEWNS },
	[NS_NET] = { "net", CLONE_NEWNET, CLONE_NEWNET },
	[NS_PID] = { "pid", CLONE_NEWPID, CLONE_NEWPID },
	[NS_TIME] = { "time", CLONE_NEWTIME, CLONE_NEWTIME },
	[NS_USER] = { "user", CLONE_NEWUSER, CLONE_NEWUSER },
	[NS_UTS] = { "uts", CLONE_NEWUTS, CLONE_NEWUTS },
};

int ns_type_by_name(const char *name)
{
	for (int t = 0; t < NS__COUNT; t++)
		if (strcmp(ns_table[t].name, name) == 0)
			return t;
	return -EINVAL;
}

unsigned long ns_flags(unsigned mask)
{
	unsigned long flags = 0;

	for (int t = 0; t < NS__COUNT; t++)
		if (mask & NS_BIT(t))
			flags |= ns_table[t].flag;
	return flags;
}

/* Comma-separated names, or "all". */
int ns_parse_list(const char *list, unsigned *mask)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	*mask = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int t = strcmp(tok, "all") == 0 ? -1 : ns_type_by_name(tok);
		if (t == -1) {
			*mask |= NS_ALL;
			continue;
		}
		if (t < 0)
			return -EINVAL;
		*mask |= NS_BIT(t);
	}
	return 0;
}

int ns_id_of_path(const char *path, struct ns_id *id)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return neg_errno();
	id->dev = st.st_dev;
	id->ino = st.st_ino;
	return 0;
}

int ns_id_of(pid_t pid, enum ns_type t, struct ns_id *id)
{
	char path[64];

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", pid,
			 ns_table[t].name);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/%s",
			 ns_table[t].name);
	return ns_id_of_path(path, id);
}

bool ns_id_equal(const struct ns_id *a, const struct ns_id *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

unsigned ns_available(void)
{
	unsigned mask = 0;
	char path[64];

	for (int t = 0; t < NS__COUNT; t++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s",
			 ns_table[t].name);
		if (path_exists(path))
			mask |= NS_BIT(t);
	}
	return mask;
}

/*
 * The raw clone syscall with a NULL stack behaves like fork(): the child runs
 * on a copy of the caller's stack. The argument order differs between
 * architectures only after the stack argument, and those are all zero here.
 */
pid_t ns_fork(unsigned long flags)
{
	long pid;

	if (flags & CLONE_NEWTIME)
		return -EINVAL;
	pid = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
	if (pid < 0)
		return neg_errno();
	return pid;
}
