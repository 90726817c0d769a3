// SPDX-License-Identifier: MIT
#include "fixture.h"
#include "../primitives/rootfs.h"

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

static const char *const applets[] = { "sh",  "true", "sleep",
				       "cat", "echo", "ls" };

/* Byte-equal regular files? */
static bool same_file(const char *a, const char *b)
{
	_cleanup_close_ int fa = open(a, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int fb = open(b, O_RDONLY | O_CLOEXEC);
	char x[8192], y[8192];
	ssize_t n, m;

	if (fa < 0 || fb < 0)
		return false;
	do {
		n = fd_read_all(fa, x, sizeof(x));
		m = fd_read_all(fb, y, sizeof(y));
		if (n != m || n < 0 || memcmp(x, y, n) != 0)
			return false;
	} while (n > 0);
	return true;
}

static int populate(const char *d, const char *busybox, const char *tiny)
{
	char p[PATH_MAX + 64];
	int r;

	/* 1. the directory skeleton */
	r = rootfs_make_skeleton(d);
	if (r < 0)
		return r;
	/* 2. busybox and its applets as relative symlinks */
	snprintf(p, sizeof(p), "%s/bin/busybox", d);
	r = copy_file(busybox, p, 0755);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(applets); i++) {
		snprintf(p, sizeof(p), "%s/bin/%s", d, applets[i]);
		if (symlink("busybox", p) < 0)
			return neg_errno();
	}
	/* 3. the program every variant runs */
	snprintf(p, sizeof(p), "%s%s", d, FIXTURE_TINY);
	r = copy_file(tiny, p, 0755);
	if (r < 0)
		return r;
	/* 4. what systemd-nspawn checks for */
	return rootfs_write_os_release(d, "boxcheck-bench",
				       "boxcheck bench rootfs");
}

int fixture_prepare(const char *dir, const char *busybox, const char *tiny)
{
	char tmp[PATH_MAX], have[PATH_MAX + 16];
	int r;

	snprintf(have, sizeof(have), "%s%s", dir, FIXTURE_TINY);
	if (same_file(have, tiny))
		return 0;
	if (access(busybox, X_OK) < 0 || access(tiny, R_OK) < 0)
		return neg_errno();
	/* Build beside it, then swap in: a reader never sees half a rootfs. */
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-%d", dir, getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	rm_rf(tmp);
	if (mkdir(tmp, 0755) < 0)
		return neg_errno();
	r = populate(tmp, busybox, tiny);
	if (r == 0 && chmod(tmp, 0755) < 0)
		r = neg_errno();
	if (r == 0) {
		rm_rf(dir);
		if (rename(tmp, dir) < 0 && errno != ENOTEMPTY &&
		    errno != EEXIST)
			r = neg_errno();
	}
	rm_rf(tmp);
	return r;
}
