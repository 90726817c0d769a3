// SPDX-License-Identifier: MIT
#include "overlay.h"

#include <string.h>
#include <sys/mount.h>

static int append(char *buf, size_t len, size_t *at, const char *s)
{
	size_t n = strlen(s);

	if (*at + n + 1 > len)
		return -ENAMETOOLONG;
	memcpy(buf + *at, s, n + 1);
	*at += n;
	return 0;
}

/* Paths with ',' or ':' would need escaping; refuse them instead. */
static bool plain(const char *p)
{
	return p && !strpbrk(p, ",:\\");
}

int overlay_options(const struct overlay_spec *s, char *buf, size_t len)
{
	size_t at = 0;
	int r = 0;

	if (s->n_lowers == 0 || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	r = append(buf, len, &at, "lowerdir=");
	for (size_t i = 0; r == 0 && i < s->n_lowers; i++) {
		if (!plain(s->lowers[i]))
			return -EINVAL;
		r = append(buf, len, &at, i ? ":" : "");
		if (r == 0)
			r = append(buf, len, &at, s->lowers[i]);
	}
	if (r == 0 && s->upper) {
		if (!plain(s->upper) || !plain(s->work))
			return -EINVAL;
		r = append(buf, len, &at, ",upperdir=");
		r = r ?: append(buf, len, &at, s->upper);
		r = r ?: append(buf, len, &at, ",workdir=");
		r = r ?: append(buf, len, &at, s->work);
	}
	if (r == 0 && s->extra && *s->extra) {
		r = append(buf, len, &at, ",");
		r = r ?: append(buf, len, &at, s->extra);
	}
	return r;
}

int overlay_mount(const struct overlay_spec *s, const char *target)
{
	char opts[4096];
	int r = overlay_options(s, opts, sizeof(opts));

	if (r < 0)
		return r;
	if (mount("overlay", target, "overlay", 0, opts) < 0)
		return neg_errno();
	return 0;
}
