// SPDX-License-Identifier: MIT
#include "userns.h"
#include "mutant.h"
#include "ns.h"

#include <ctype.h>
#include <sched.h>
#include <string.h>

void idmap_single(struct idmap *m, uint32_t inside, uint32_t outside,
		  uint32_t count)
{
	m->n = 1;
	m->e[0] = (struct idmap_extent){ inside, outside, count };
}

int idmap_add(struct idmap *m, uint32_t inside, uint32_t outside,
	      uint32_t count)
{
	if (m->n >= IDMAP_MAX_EXTENTS)
		return -ENOSPC;
	m->e[m->n++] = (struct idmap_extent){ inside, outside, count };
	return 0;
}

static bool overlaps(uint32_t a, uint32_t an, uint32_t b, uint32_t bn)
{
	return (uint64_t)a < (uint64_t)b + bn && (uint64_t)b < (uint64_t)a + an;
}

int idmap_validate(const struct idmap *m)
{
	if (m->n == 0 || m->n > IDMAP_MAX_EXTENTS)
		return -EINVAL;
	for (unsigned i = 0; i < m->n; i++) {
		const struct idmap_extent *x = &m->e[i];
		if (x->count == 0 ||
		    (uint64_t)x->inside + x->count > UINT32_MAX + 1ull ||
		    (uint64_t)x->outside + x->count > UINT32_MAX + 1ull)
			return -EINVAL;
		for (unsigned j = 0; j < i; j++) {
			const struct idmap_extent *y = &m->e[j];
			if (overlaps(x->inside, x->count, y->inside,
				     y->count) ||
			    overlaps(x->outside, x->count, y->outside,
				     y->count))
				return -EINVAL;
		}
	}
	return 0;
}

int idmap_format(const struct idmap *m, char *buf, size_t len)
{
	size_t at = 0;

	if (len == 0)
		return -ENOSPC;
	buf[0] = '\0';
	for (unsigned i = 0; i < m->n; i++) {
		int n = snprintf(buf + at, len - at, "%u %u %u\n",
				 m->e[i].inside, m->e[i].outside,
				 m->e[i].count);
		if (n < 0 || (size_t)n >= len - at)
			return -ENOSPC;
		at += n;
	}
	return at;
}

/* One unsigned 32-bit decimal number at *p; advances *p past it. */
static int parse_u32(const char **p, uint32_t *v)
{
	const char *s = *p;
	uint64_t x = 0;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	for (; isdigit((unsigned char)*s); s++) {
		x = x * 10 + (*s - '0');
		if (x > UINT32_MAX)
			return -ERANGE;
	}
	*v = x;
	*p = s;
	return 0;
}

static void skip_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* Three numbers separated by blanks (sep 0) or by one sep character. */
static int parse_extent(const char **p, char sep, struct idmap_extent *x)
{
	uint32_t *f[3] = { &x->inside, &x->outside, &x->count };

	for (int i = 0; i < 3; i++) {
		int r;
		if (sep == 0)
			skip_blanks(p);
		else if (i > 0 && *(*p)++ != sep)
			return -EINVAL;
		r = parse_u32(p, f[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_list(const char *text, char sep, const char *delims,
		      struct idmap *m)
{
	const char *p = text;

	m->n = 0;
	for (;;) {
		struct idmap_extent x;
		int r;
		while (*p && strchr(delims, *p))
			p++;
		if (!*p)
			break;
		r = parse_extent(&p, sep, &x);
		if (r < 0)
			return r;
		if (sep == 0)
			skip_blanks(&p);
		if (*p && !strchr(delims, *p))
			return -EINVAL;
		r = idmap_add(m, x.inside, x.outside, x.count);
		if (r < 0)
			return r;
	}
	return idmap_validate(m);
}

int idmap_parse(const char *text, struct idmap *m)
{
	return parse_list(text, 0, "\n", m);
}

int idmap_parse_spec(const char *spec, struct idmap *m)
{
	return parse_list(spec, ':', ",", m);
}

int idmap_to_outside(const struct idmap *m, uint32_t inside, uint32_t *out)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct idmap_extent *x = &m->e[i];
		if (inside >= x->inside && inside - x->inside < x->count) {
			*out = x->outside + (inside - x->inside);
			return 0;
		}
	}
	return -ERANGE;
}

int idmap_to_inside(const struct idmap *m, uint32_t outside, uint32_t *in)
{
	for (unsigned i = 0; i < m->n; i++) {
		const struct idmap_extent *x = &m->e[i];
		if (outside >= x->outside && outside - x->outside < x->count) {
			*in = x->inside + (outside - x->outside);
			return 0;
		}
	}
	return -ERANGE;
}

int userns_overflow_ids(uint32_t *uid, uint32_t *gid)
{
	uint64_t u, g;
	int r = read_u64("/proc/sys/kernel/overflowuid", &u);

	if (r == 0)
		r = read_u64("/proc/sys/kernel/overflowgid", &g);
	if (r < 0)
		return r;
	if (u > UINT32_MAX || g > UINT32_MAX)
		return -ERANGE;
	*uid = u;
	*gid = g;
	return 0;
}

static int write_map(pid_t pid, const char *which, const struct idmap *m)
{
	char path[64], text[IDMAP_MAX_EXTENTS * 36];
	int r = idmap_validate(m);

	if (r == 0)
		r = idmap_format(m, text, sizeof(text));
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/%s", pid, which);
	/* The whole map in one write(): the kernel takes only one. */
	return write_text(path, text);
}

int userns_write_maps(pid_t pid, const struct idmap *uid,
		      const struct idmap *gid, bool deny_setgroups)
{
	char path[64];
	int r;

	/* 1. setgroups: "deny" must precede an unprivileged gid_map. */
	if (deny_setgroups) {
		snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
		r = write_text(path, "deny");
		if (r < 0)
			return r;
	}
	/* 2. uid_map, 3. gid_map: each writable once. */
	if (uid && (r = write_map(pid, "uid_map", uid)) < 0)
		return r;
	if (gid && (r = write_map(pid, "gid_map", gid)) < 0)
		return r;
	return 0;
}

int userns_read_map(pid_t pid, const char *which, struct idmap *m)
{
	char path[64], text[IDMAP_MAX_EXTENTS * 36];
	int r;

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/%s", pid, which);
	else
		snprintf(path, sizeof(path), "/proc/self/%s", which);
	r = read_text(path, text, sizeof(text));
	if (r < 0)
		return r;
	r = idmap_parse(text, m);
	if (r == 0 && mutant_on(M_IDMAP_READ))
		idmap_single(m, 0, 0, UINT32_MAX);
	return r;
}

int userns_become_root(void)
{
	if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return neg_errno();
	return 0;
}

pid_t userns_fork(unsigned long flags, const struct idmap *uid,
		  const struct idmap *gid, bool deny_setgroups)
{
	_cleanup_chan_ struct chan go = CHAN_INIT;
	pid_t pid;
	char b = 0;
	int r;

	r = chan_open(&go);
	if (r < 0)
		return r;
	/* 1. The child, in its new user namespace, waits for "go". */
	pid = ns_fork(flags | CLONE_NEWUSER);
	if (pid < 0)
		return pid;
	if (pid == 0) {
		closep(&go.wr);
		go.wr = -1;
		if (read(go.rd, &b, 1) != 1 || b != 'g')
			_exit(127); /* the parent failed and kills us */
		chan_close(&go);
		return 0;
	}
	/* 2. The parent writes the maps from outside. */
	r = userns_write_maps(pid, uid, gid, deny_setgroups);
	/* 3. Release the child, or kill it. */
	if (r == 0)
		r = chan_send(&go, "g", 1);
	if (r < 0) {
		reapp(&pid);
		return r;
	}
	return pid;
}
