// SPDX-License-Identifier: MIT
/* The overlay case machinery and its describers (no scenarios here). */
#include "overlay_case.h"
#include "../primitives/mutant.h"

#include <string.h>
#include <sys/mount.h>
#include <sys/xattr.h>

/* lstat, with ENOENT described as "(absent)": 1 when absent, 0, -errno. */
static int stat_or_absent(const char *path, struct stat *st, char *buf,
			  size_t len)
{
	if (lstat(path, st) == 0)
		return 0;
	if (errno != ENOENT)
		return neg_errno();
	snprintf(buf, len, "(absent)");
	return 1;
}

int ovl_desc_content(const char *path, char *buf, size_t len)
{
	struct content t;
	int r = read_content(path, &t);

	if (r < 0)
		return r;
	snprintf(buf, len, "%s",
		 !t.present ? "(absent)"
		 : *t.text  ? t.text
			    : "(empty)");
	return 0;
}

int ovl_desc_mode(const char *path, char *buf, size_t len)
{
	struct stat st;
	int r = stat_or_absent(path, &st, buf, len);

	if (r == 0)
		snprintf(buf, len, "mode %o", st.st_mode & 07777);
	return r < 0 ? r : 0;
}

int ovl_desc_owner(const char *path, char *buf, size_t len)
{
	struct stat st;
	int r = stat_or_absent(path, &st, buf, len);

	if (r == 0)
		snprintf(buf, len, "owner %u:%u", st.st_uid, st.st_gid);
	return r < 0 ? r : 0;
}

int ovl_desc_mtime(const char *path, char *buf, size_t len)
{
	struct stat st;
	int r = stat_or_absent(path, &st, buf, len);

	if (r == 0)
		snprintf(buf, len, "mtime %lld", (long long)st.st_mtime);
	return r < 0 ? r : 0;
}

int ovl_desc_size(const char *path, char *buf, size_t len)
{
	struct stat st;
	int r = stat_or_absent(path, &st, buf, len);

	if (r == 0)
		snprintf(buf, len, "size %lld", (long long)st.st_size);
	return r < 0 ? r : 0;
}

static const char *type_name(const struct stat *st)
{
	if (S_ISCHR(st->st_mode) && st->st_rdev == 0)
		return "whiteout (char 0:0)";
	return S_ISREG(st->st_mode)   ? "file"
	       : S_ISDIR(st->st_mode) ? "dir"
	       : S_ISLNK(st->st_mode) ? "symlink"
				      : "special";
}

int ovl_desc_type(const char *path, char *buf, size_t len)
{
	struct stat st;
	int r = stat_or_absent(path, &st, buf, len);

	if (r == 0)
		snprintf(buf, len, "%s", type_name(&st));
	return r < 0 ? r : 0;
}

int ovl_desc_xattr(const char *path, char *buf, size_t len)
{
	char v[32];
	ssize_t n = lgetxattr(path, "trusted.boxcheck", v, sizeof(v) - 1);

	if (n < 0 && errno == ENOENT)
		snprintf(buf, len, "(absent)");
	else if (n < 0 && errno == ENODATA)
		snprintf(buf, len, "no xattr");
	else if (n < 0)
		return neg_errno();
	else
		snprintf(buf, len, "xattr %.*s", (int)n, v);
	return 0;
}

int ovl_desc_symlink(const char *path, char *buf, size_t len)
{
	struct stat st;
	char to[64];
	ssize_t n;
	int r = stat_or_absent(path, &st, buf, len);

	if (r != 0)
		return r < 0 ? r : 0;
	n = readlink(path, to, sizeof(to) - 1);
	if (n < 0)
		return neg_errno();
	snprintf(buf, len, "-> %.*s, owner %u:%u", (int)n, to, st.st_uid,
		 st.st_gid);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int ovl_desc_listing(const char *path, char *buf, size_t len)
{
	_cleanup_closedir_ DIR *d = opendir(path);
	char names[16][NAME_MAX + 1], *sorted[16];
	struct dirent *e;
	size_t n = 0, at = 0;

	if (!d && errno == ENOENT) {
		snprintf(buf, len, "(absent)");
		return 0;
	}
	if (!d)
		return neg_errno();
	while ((errno = 0, e = readdir(d)) && n < ARRAY_SIZE(names)) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sorted[n] = strcpy(names[n], e->d_name);
		n++;
	}
	if (errno)
		return neg_errno();
	qsort(sorted, n, sizeof(sorted[0]), by_name);
	buf[0] = '\0';
	for (size_t i = 0; i < n && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%s", i ? " " : "",
			       sorted[i]);
	if (n == 0)
		snprintf(buf, len, "(empty)");
	return 0;
}

int ovl_view(const char *merged, const char *top, const char *rel,
	     ovl_describe_fn describe, char *buf, size_t len)
{
	char p[PATH_MAX];
	const char *root = mutant_on(M_OVL_VIEW_TOP) ? top : merged;

	if (snprintf(p, sizeof(p), "%s/%s", root, rel) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	return describe(p, buf, len);
}

/* ---- the case ------------------------------------------------------- */

/* Isolated: the overlay; the control: a bind of lower, or its options. */
static int mount_case(struct ctx *c, const struct ovl_case *k)
{
	if (!c->isolate && k->control)
		return ovl_mount_std(k->control);
	return ovl_mount_merged(c, k->extra);
}

static int describe_view(const struct ovl_case *k, char *buf, size_t len)
{
	char p[PATH_MAX];
	ovl_describe_fn d = k->describe ? k->describe : ovl_desc_content;

	if (!k->op) /* a view of prepared layers */
		return ovl_view("merged", "upper", k->view, d, buf, len);
	snprintf(p, sizeof(p), "merged/%s", k->view);
	return d(p, buf, len);
}

int ovl_case_observe(struct ctx *c, struct ovl_case_obs *o,
		     const struct ovl_case *k)
{
	TRY(c, ovl_make_layers(), "make lower, upper, work and merged");
	for (int i = 0; i < OVL_OPT__COUNT; i++)
		if (k->need & OVL_BIT(i))
			TRY_OBS(ovl_need_option(c, i));
	if (k->prepare)
		TRY(c, k->prepare(), "prepare the layers");
	if (k->op)
		TRY(c, ovl_layer_digest("lower", &o->low[0]), "digest lower");
	TRY(c, mount_case(c, k), "mount merged");
	if (k->op) {
		int r = k->act();

		o->op_err = r < 0 ? -r : 0;
		if (k->remount) {
			TRY(c, ovl_sys(umount2("merged", 0)), "unmount merged");
			TRY(c, mount_case(c, k), "mount merged again");
		}
		TRY(c, ovl_layer_digest("lower", &o->low[1]), "digest lower");
	}
	for (size_t i = 0; i < ARRAY_SIZE(k->marks) && k->marks[i].path; i++)
		TRY(c,
		    ovl_upper_has(k->marks[i].path, k->marks[i].mark,
				  &o->mark[i]),
		    "inspect upper");
	TRY(c, describe_view(k, o->seen, sizeof(o->seen)), "describe merged");
	return 0;
}

enum obs ovl_case_judge(struct judge *j, const struct ovl_case_obs *o,
			const struct ovl_case *k)
{
	bool same = o->low[0] == o->low[1], marks = true;
	bool seen = strcmp(o->seen, k->want) == 0;
	char m[256] = "";
	size_t at = 0;

	judge_kv(j, k->view, "%s", o->seen);
	if (!k->op)
		return judge_holds(j, seen, "merged/%s: %s", k->view, o->seen);
	for (size_t i = 0; i < ARRAY_SIZE(k->marks) && k->marks[i].path; i++) {
		const struct ovl_mark *w = &k->marks[i];

		marks = marks && o->mark[i];
		judge_kv(j, w->path, "%s", o->mark[i] ? w->is : "no mark");
		at += snprintf(m + at, sizeof(m) - at, "; %s %s %s", w->path,
			       o->mark[i] ? "is" : "is not", w->is);
	}
	judge_kv(j, "lower", "%s", same ? "unchanged" : "changed");
	return judge_holds(j, !o->op_err && same && marks && seen,
			   "%s: %s; lower %s%s; merged/%s: %s", k->op,
			   o->op_err ? strerrorname_np(o->op_err) : "ok",
			   same ? "unchanged" : "changed", m, k->view, o->seen);
}
