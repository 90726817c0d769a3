// SPDX-License-Identifier: MIT
/*
 * The agent's view of its filesystem: the root (identity, read-only flag,
 * marker, propagation), the default mounts (/proc, /dev, /dev/pts,
 * /dev/shm, /dev/mqueue, /sys), what /dev holds, the masked paths and the
 * read-only ones. Read-only: nothing here writes or opens for write.
 */
#include "agent.h"
#include "profile.h"
#include "../../primitives/rootfs.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>

/* denied or the errno for -err (EACCES and EPERM: the path is closed). */
static const char *closed_or(int err)
{
	return err == -EACCES || err == -EPERM ? "denied" : agent_errname(err);
}

/*
 * What reading a path gives: "absent", "denied", "empty" (a file that reads
 * nothing, as /dev/null bound over it; a directory without entries, as an
 * empty tmpfs over it), "content", or the errno that stopped the read.
 */
static const char *read_state(const char *path, const struct stat *st,
			      int *entries)
{
	struct dirent *e;
	char b[1];
	int fd, n = 0;
	ssize_t k;
	DIR *d;

	if (S_ISDIR(st->st_mode)) {
		if (!(d = opendir(path)))
			return closed_or(neg_errno());
		while ((e = readdir(d)))
			n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
		closedir(d);
		*entries = n;
		return n ? "content" : "empty";
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return closed_or(neg_errno());
	k = read(fd, b, 1);
	n = k < 0 ? neg_errno() : 0;
	close(fd);
	return k < 0 ? closed_or(n) : k ? "content" : "empty";
}

static const char *type_of(mode_t m)
{
	return S_ISCHR(m)    ? "c"
	       : S_ISBLK(m)  ? "b"
	       : S_ISLNK(m)  ? "l"
	       : S_ISDIR(m)  ? "d"
	       : S_ISSOCK(m) ? "s"
	       : S_ISFIFO(m) ? "p"
			     : "f";
}

static const char *fstype_of(long magic)
{
	static const struct {
		long magic;
		const char *name;
	} tab[] = {
		{ TMPFS_MAGIC, "tmpfs" },
		{ PROC_SUPER_MAGIC, "proc" },
		{ SYSFS_MAGIC, "sysfs" },
		{ DEVPTS_SUPER_MAGIC, "devpts" },
		{ CGROUP_SUPER_MAGIC, "cgroup" },
		{ CGROUP2_SUPER_MAGIC, "cgroup2" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++)
		if (tab[i].magic == magic)
			return tab[i].name;
	return "other";
}

/* One path as the masked-path judges see it. */
static json_t *mask_json(const char *path)
{
	struct stat st;
	struct statfs sf;
	struct statvfs sv;
	json_t *o;
	int entries = 0;
	const char *state;
	char rdev[32];

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? json_pack("{s:s}", "state", "absent")
				       : agent_error(neg_errno());
	state = read_state(path, &st, &entries);
	o = json_pack("{s:s, s:s}", "state", state, "type",
		      type_of(st.st_mode));
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		snprintf(rdev, sizeof(rdev), "%u:%u", major(st.st_rdev),
			 minor(st.st_rdev));
		json_object_set_new(o, "rdev", json_string(rdev));
	}
	if (S_ISDIR(st.st_mode)) {
		json_object_set_new(o, "entries", json_integer(entries));
		json_object_set_new(o, "fstype",
				    statfs(path, &sf) == 0
					    ? json_string(fstype_of(sf.f_type))
					    : agent_error(neg_errno()));
	}
	json_object_set_new(o, "ro",
			    statvfs(path, &sv) == 0
				    ? json_boolean(sv.f_flag & ST_RDONLY)
				    : agent_error(neg_errno()));
	return o;
}

static json_t *masked_json(void)
{
	const struct profile *pr = &profile_standard;
	json_t *o = json_object();

	for (const char *const *m = pr->masked; *m; m++)
		json_object_set_new(o, *m, mask_json(*m));
	return o;
}

static json_t *ro_paths_json(void)
{
	const struct profile *pr = &profile_standard;
	json_t *o = json_object();

	for (const char *const *p = pr->ro_paths; *p; p++) {
		struct statvfs sv;
		struct stat st;
		json_t *v;
		if (lstat(*p, &st) < 0)
			v = errno == ENOENT ? json_string("absent")
					    : agent_error(neg_errno());
		else if (statvfs(*p, &sv) < 0)
			v = agent_error(neg_errno());
		else
			v = json_pack("{s:b}", "ro", sv.f_flag & ST_RDONLY);
		json_object_set_new(o, *p, v);
	}
	return o;
}

/* A default mount point: its mount, or {"mount": false}, or null. */
static json_t *mount_json(const char *path)
{
	struct mnt_entry *e = calloc(1, sizeof(*e));
	struct stat st;
	json_t *o;

	if (!e)
		return agent_error(-ENOMEM);
	if (stat(path, &st) < 0) {
		free(e);
		return errno == ENOENT ? json_null() : agent_error(neg_errno());
	}
	if (mountinfo_find(path, e) < 0 || strcmp(e->point, path)) {
		free(e);
		return json_pack("{s:b, s:I}", "mount", 0, "dev",
				 (json_int_t)st.st_dev);
	}
	o = json_pack("{s:b, s:s, s:s, s:s, s:s, s:I, s:b}", "mount", 1,
		      "fstype", e->fstype, "source", e->source, "opts", e->opts,
		      "super", e->super, "dev", (json_int_t)st.st_dev, "ro",
		      opts_have(e->opts, "ro"));
	free(e);
	return o;
}

static json_t *mounts_json(void)
{
	static const char *const points[] = { "/proc",	     "/dev",
					      "/dev/pts",    "/dev/shm",
					      "/dev/mqueue", "/sys" };
	json_t *o = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(points); i++)
		json_object_set_new(o, points[i], mount_json(points[i]));
	return o;
}

/* One entry of /dev: its type, device numbers, link target, st_dev. */
static json_t *dev_entry(int dfd, const char *name)
{
	struct stat st;
	char rdev[32], target[PATH_MAX];
	ssize_t n;
	json_t *o;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return agent_error(neg_errno());
	o = json_pack("{s:s, s:I}", "type", type_of(st.st_mode), "dev",
		      (json_int_t)st.st_dev);
	if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
		snprintf(rdev, sizeof(rdev), "%u:%u", major(st.st_rdev),
			 minor(st.st_rdev));
		json_object_set_new(o, "rdev", json_string(rdev));
	}
	if (S_ISLNK(st.st_mode) &&
	    (n = readlinkat(dfd, name, target, sizeof(target) - 1)) >= 0) {
		target[n] = '\0';
		json_object_set_new(o, "target", json_string(target));
	}
	return o;
}

static json_t *dev_json(void)
{
	_cleanup_closedir_ DIR *d = opendir("/dev");
	json_t *entries;
	struct dirent *e;

	if (!d)
		return json_pack("{s:o}", "entries", agent_error(neg_errno()));
	entries = json_object();
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			json_object_set_new(entries, e->d_name,
					    dev_entry(dirfd(d), e->d_name));
	return json_pack("{s:o}", "entries", entries);
}

static int count_lines(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	int n = 0, c;

	if (!f)
		return neg_errno();
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	return n;
}

/* The marker the launcher wrote into the root it gave: its token. */
static json_t *marker_json(void)
{
	char buf[128];
	int r = read_text(AGENT_ROOT_MARK, buf, sizeof(buf));

	if (r == -ENOENT)
		return json_null();
	return r < 0 ? agent_error(r) : json_string(chomp(buf));
}

/* The root's identity, read-only flag, marker and the mounts' propagation. */
static json_t *root_json(void)
{
	struct statvfs sv;
	struct stat st;
	json_t *o = json_object();
	int n = count_lines("/proc/self/mountinfo");

	json_object_set_new(o, "read_only",
			    statvfs("/", &sv) == 0
				    ? json_boolean(sv.f_flag & ST_RDONLY)
				    : agent_error(neg_errno()));
	json_object_set_new(o, "id",
			    stat("/", &st) == 0
				    ? json_pack("{s:I, s:I}", "dev",
						(json_int_t)st.st_dev, "ino",
						(json_int_t)st.st_ino)
				    : agent_error(neg_errno()));
	json_object_set_new(o, "marker", marker_json());
	json_object_set_new(o, "mounts",
			    n < 0 ? agent_error(n) : json_integer(n));
	json_object_set_new(o, "propagation", agent_mounts());
	return o;
}

void agent_fs(json_t *f)
{
	json_object_set_new(f, "root", root_json());
	json_object_set_new(f, "mounts", mounts_json());
	json_object_set_new(f, "dev", dev_json());
	json_object_set_new(f, "masked", masked_json());
	json_object_set_new(f, "ro_paths", ro_paths_json());
}
