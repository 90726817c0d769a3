// SPDX-License-Identifier: MIT
/* Helpers shared by the overlay scenarios (no scenarios here). */
#include "overlay_util.h"

#include <string.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/vfs.h>

const char *const ovl_one_lower[1] = { "lower" };

int ovl_make_layers(void)
{
	const char *dirs[] = { "lower",	 "upper",     "work",
			       "merged", "lower/dir", "lower/empty" };
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++)
		if (mkdir(dirs[i], 0755) < 0)
			return neg_errno();
	r = write_text_creat("lower/file", "lower\n");
	return r ?: write_text_creat("lower/dir/x", "x\n");
}

int ovl_mount_std(const char *extra)
{
	struct overlay_spec s = OVL_STD_SPEC(extra);

	return overlay_mount(&s, "merged");
}

int ovl_mount_merged(struct ctx *c, const char *extra)
{
	if (c->isolate)
		return ovl_mount_std(extra);
	if (mount("lower", "merged", NULL, MS_BIND, NULL) < 0)
		return neg_errno();
	return 0;
}

int ovl_need_option(struct ctx *c, enum ovl_opt o)
{
	struct ovl_probe p = { 0 };
	const char *name = ovl_opt_table[o].name;
	char dir[64];

	snprintf(dir, sizeof(dir), "probe-%s", name);
	TRY(c, mkdir(dir, 0755), "mkdir the probe's dir");
	TRY(c, overlay_probe_one(dir, o, &p), "probe the option");
	if (p.err[o] == -EINVAL)
		return ctx_skip(c, "overlay has no %s option (mount: EINVAL)",
				name);
	if (p.err[o] < 0)
		return ctx_error(c, p.err[o], "probe mount with %s",
				 ovl_opt_table[o].option);
	return 0;
}

int read_content(const char *path, struct content *c)
{
	char buf[sizeof(c->text)];
	int r = read_text(path, buf, sizeof(buf));

	*c = (struct content){ .present = r >= 0 };
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	snprintf(c->text, sizeof(c->text), "%s", chomp(buf));
	return 0;
}

bool content_is(const struct content *c, const char *text)
{
	return c->present && strcmp(c->text, text) == 0;
}

const char *content_str(const struct content *c)
{
	return c->present ? c->text : "(absent)";
}

int path_present(const char *path, bool *there)
{
	struct stat st;

	*there = lstat(path, &st) == 0;
	return *there || errno == ENOENT ? 0 : neg_errno();
}

int fs_is_overlay(const char *path, bool *overlay)
{
	struct statfs sf;

	if (statfs(path, &sf) < 0)
		return neg_errno();
	*overlay = sf.f_type == OVERLAYFS_SUPER_MAGIC;
	return 0;
}
