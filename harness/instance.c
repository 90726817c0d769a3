// SPDX-License-Identifier: MIT
#include "instance.h"

#include <limits.h>
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

/* A run of 1..max decimal digits at *p, no sign, no blanks; advances *p. */
static bool digits(const char **p, size_t max, unsigned long long *v)
{
	size_t n = 0;

	*v = 0;
	while (**p >= '0' && **p <= '9' && n < max) {
		*v = *v * 10 + (unsigned long long)(**p - '0');
		(*p)++;
		n++;
	}
	return n > 0 && !(**p >= '0' && **p <= '9');
}

/* Strictly "boxcheck-<pid>-<starttime>": sscanf() took "-5", " 5", "5-1x". */
static bool parse_name(const char *name, pid_t *pid, unsigned long long *t)
{
	const char *p = name;
	unsigned long long v;

	if (strncmp(p, INSTANCE_PREFIX, strlen(INSTANCE_PREFIX)) != 0)
		return false;
	p += strlen(INSTANCE_PREFIX);
	if (!digits(&p, 10, &v) || v == 0 || v > INT_MAX || *p++ != '-')
		return false;
	*pid = (pid_t)v;
	return digits(&p, 20, t) && *p == '\0';
}

bool instance_is_name(const char *name)
{
	pid_t pid;
	unsigned long long t;

	return parse_name(name, &pid, &t);
}

bool instance_alive(const char *name)
{
	pid_t pid;
	unsigned long long t, now;

	if (!parse_name(name, &pid, &t))
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

void instance_note_cgroups(const char *rundir, const struct cg_layout *l,
			   const struct cg_abs_track *t)
{
	char path[PATH_MAX + 16];
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroups-made", rundir);
	f = fopen(path, "we");
	for (int i = 0; f && i < l->n && i < CG_MAX_HIER; i++)
		if (t->first_new[i][0])
			fprintf(f, "%s\n", t->first_new[i]);
	if (f)
		fclose(f);
}
