// SPDX-License-Identifier: MIT
#include "instance.h"

#include <string.h>

/* Field 22 of /proc/PID/stat: start time in clock ticks since boot. */
static int start_time(pid_t pid, unsigned long long *t)
{
	char path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_text(path, buf, sizeof(buf)) < 0)
		return -ESRCH;
	p = strrchr(buf, ')'); /* comm may hold spaces */
	if (!p)
		return -EINVAL;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return -EINVAL;
	*t = strtoull(p + 1, NULL, 10);
	return 0;
}

int instance_name(char *buf, size_t len)
{
	unsigned long long t;
	int r = start_time(getpid(), &t);

	if (r < 0)
		return r;
	snprintf(buf, len, INSTANCE_PREFIX "%d-%llu", getpid(), t);
	return 0;
}

bool instance_is_name(const char *name)
{
	int pid;
	unsigned long long t;
	char tail;

	return sscanf(name, INSTANCE_PREFIX "%d-%llu%c", &pid, &t, &tail) == 2;
}

bool instance_alive(const char *name)
{
	int pid;
	unsigned long long t, now;

	if (sscanf(name, INSTANCE_PREFIX "%d-%llu", &pid, &t) != 2)
		return false;
	return start_time(pid, &now) == 0 && now == t;
}

const char *instance_base(void)
{
	const char *env = getenv("BOXCHECK_RUNDIR");

	if (env && *env)
		return env;
	return geteuid() == 0 ? "/run/boxcheck" : "/tmp/boxcheck";
}
