// SPDX-License-Identifier: MIT
/*
 * boxcheck cleanup: remove what killed runs left behind. Only things named
 * "boxcheck-<pid>-<starttime>" whose process is gone are touched: cgroups
 * anywhere on each hierarchy (with any processes still in them) and run
 * directories (with any mounts below them, detached first).
 */
#include "cli.h"
#include "host.h"
#include "instance.h"

#include <string.h>
#include <sys/mount.h>

const char usage_cleanup[] =
	"usage: boxcheck cleanup [--dry-run]\n"
	"\n"
	"Removes the cgroups, run directories, mounts and processes left by\n"
	"boxcheck runs that were killed. Runs still alive are left alone.\n"
	"\n"
	"Exit status: 0 nothing stale is left, 1 something could not be\n"
	"removed, 2 bad usage.\n";

static int failed; /* items that could not be removed */

static void remove_cgroup(const char *path, bool dry)
{
	int r;

	printf("%s cgroup %s\n", dry ? "would remove" : "removed", path);
	if (!dry && (r = cg_dir_remove(path)) < 0) {
		fprintf(stderr, "boxcheck: cannot remove %s: %s\n", path,
			strerror(-r));
		failed++;
	}
}

/*
 * Instance dirs may sit below any cgroup: runs started from other shells or
 * CI jobs, and runtimes that nest theirs (<own>/<instance>/runc). So walk
 * the whole hierarchy, a few levels deep, removing dead instances and never
 * entering a live one or anything not named like ours.
 */
#define CLEANUP_DEPTH 8

static int walk_cgroups(const char *dir, int depth, bool dry)
{
	_cleanup_closedir_ DIR *d = opendir(dir);
	char path[PATH_MAX];
	struct dirent *e;
	int n = 0;

	while (d && depth < CLEANUP_DEPTH && (e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >=
		    (int)sizeof(path))
			continue;
		if (!instance_is_name(e->d_name)) {
			n += walk_cgroups(path, depth + 1, dry);
		} else if (!instance_alive(e->d_name)) {
			remove_cgroup(path, dry);
			n++;
		}
	}
	return n;
}

static int stale_cgroups(const struct cg_layout *l, bool dry)
{
	int n = 0;

	for (int i = 0; i < l->n; i++)
		n += walk_cgroups(l->hier[i].mount, 0, dry);
	return n;
}

/* Detach mounts below dir, deepest first (mountinfo lists parents first). */
static void detach_mounts_below(const char *dir)
{
	char line[8192], mp[PATH_MAX], list[64][PATH_MAX];
	size_t len = strlen(dir), n = 0;
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && n < ARRAY_SIZE(list) && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 &&
		    strncmp(mp, dir, len) == 0 && (mp[len] == '/' || !mp[len]))
			snprintf(list[n++], PATH_MAX, "%s", mp);
	while (n-- > 0)
		umount2(list[n], MNT_DETACH);
}

/*
 * Remove path and the directories below it that are empty: a cgroup that
 * holds a process, or has a child that does, stays (rmdir refuses it), so
 * nothing of anyone else's is ever killed or removed. 0 when gone.
 */
static int remove_empty(const char *path)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	char sub[PATH_MAX + 300];
	struct dirent *e;

	while (d && (e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.' &&
		    snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name) <
			    (int)sizeof(sub))
			remove_empty(sub);
	return rmdir(path) < 0 ? neg_errno() : 0;
}

/*
 * The cgroup directories a run made outside its own named ones (the new
 * components along <deep>/<run>: validate's `cgroups-made`), removed with
 * their run directory when empty.
 */
static void made_cgroups(const char *rundir, bool dry)
{
	char path[PATH_MAX + 300], line[PATH_MAX];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/cgroups-made", rundir);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		chomp(line);
		if (strncmp(line, "/sys/fs/cgroup/", 15) ||
		    strstr(line, "..") || !path_exists(line))
			continue;
		if (!dry && remove_empty(line) < 0)
			continue; /* in use: not only ours any more */
		printf("%s cgroup %s\n", dry ? "would remove" : "removed",
		       line);
	}
}

static int stale_rundirs(bool dry)
{
	const char *base = instance_base();
	_cleanup_closedir_ DIR *d = opendir(base);
	struct dirent *e;
	char path[PATH_MAX + 256];
	int n = 0;

	while (d && (e = readdir(d))) {
		if (!instance_is_name(e->d_name) || instance_alive(e->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, e->d_name);
		printf("%s run directory %s\n",
		       dry ? "would remove" : "removed", path);
		made_cgroups(path, dry);
		if (!dry) {
			int r;
			detach_mounts_below(path);
			if ((r = rm_rf(path)) < 0) {
				fprintf(stderr,
					"boxcheck: cannot remove %s: %s\n",
					path, strerror(-r));
				failed++;
			}
		}
		n++;
	}
	return n;
}

int cmd_cleanup(int argc, char **argv)
{
	struct cg_layout l;
	bool dry = false;
	int n = 0;

	failed = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--dry-run") == 0)
			dry = true;
		else
			return usage_error("cleanup: unknown argument '%s'",
					   argv[i]);
	}
	if (cg_layout_detect(&l) == 0)
		n += stale_cgroups(&l, dry);
	n += stale_rundirs(dry);
	printf("%d stale item%s%s\n", n - failed, n - failed == 1 ? "" : "s",
	       dry ? " found" : " removed");
	return failed ? EXIT_FAILED : EXIT_OK;
}
