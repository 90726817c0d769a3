// SPDX-License-Identifier: MIT
/*
 * The agent's view of its mounts: where its own cgroup is shown, and which
 * mounts propagate (shared or slave). Read from /proc/self/mountinfo.
 */
#include "agent.h"
#include "../primitives/rootfs.h"

#include <string.h>

/* One line of mountinfo, the fields the agent needs (unescaped paths). */
struct mline {
	char root[PATH_MAX], point[PATH_MAX];
	char tags[256]; /* optional fields: "shared:3 master:1" */
	char fstype[64], super[512];
};

static void unescape(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] &&
		    p[3]) {
			*w++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 +
				      (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

static int mline_parse(char *line, struct mline *m)
{
	char *save = NULL, *tok;
	int n = 0;
	bool dash = false;

	memset(m, 0, sizeof(*m));
	for (tok = strtok_r(line, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save), n++) {
		size_t at = strlen(m->tags);
		if (n == 3)
			snprintf(m->root, sizeof(m->root), "%s", tok);
		else if (n == 4)
			snprintf(m->point, sizeof(m->point), "%s", tok);
		else if (n >= 6 && !dash && strcmp(tok, "-") == 0)
			dash = true, n = 6;
		else if (n >= 6 && !dash)
			snprintf(m->tags + at, sizeof(m->tags) - at, "%s%s",
				 at ? " " : "", tok);
		else if (dash && n == 7)
			snprintf(m->fstype, sizeof(m->fstype), "%s", tok);
		else if (dash && n == 9)
			snprintf(m->super, sizeof(m->super), "%s", tok);
	}
	if (!dash || !m->fstype[0])
		return -EINVAL;
	unescape(m->root);
	unescape(m->point);
	return 0;
}

/* Calls fn for each mount until it returns non-zero; that, 0, or -errno. */
static int mounts_each(int (*fn)(const struct mline *, void *), void *arg)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[8192];
	struct mline m;
	int r = 0;

	if (!f)
		return neg_errno();
	while (r == 0 && fgets(line, sizeof(line), f))
		if (mline_parse(line, &m) == 0)
			r = fn(&m, arg);
	return r;
}

/* ---- our own cgroup ----------------------------------------------------- */

/* Our path on the hierarchy with controller ctrl (v1) or the v2 one (""). */
static int own_path(const char *ctrl, char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/cgroup", "re");
	char line[4096];

	if (!f)
		return neg_errno();
	while (fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'),
		     *c2 = c1 ? strchr(c1 + 1, ':') : 0;
		if (!c2)
			continue;
		*c2 = '\0';
		if (ctrl[0] ? opts_have(c1 + 1, ctrl) : c1[1] == '\0') {
			snprintf(buf, len, "%s", chomp(c2 + 1));
			return 0;
		}
	}
	return -ENOENT;
}

static bool lists_us(const char *dir)
{
	char path[PATH_MAX * 2 + 16], line[32];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (atoi(line) == getpid())
			return true;
	return false;
}

struct cg_find {
	const char *ctrl, *file, *own;
	char *buf;
	size_t len;
	int r; /* -ENOENT until a mount shows the file */
};

static int cg_try(const struct mline *m, void *arg)
{
	struct cg_find *c = arg;
	size_t rl = strlen(m->root);
	char dir[PATH_MAX * 2], path[PATH_MAX * 2 + 64];
	const char *rel;
	int n;

	if (c->ctrl[0] ? strcmp(m->fstype, "cgroup") ||
				 !opts_have(m->super, c->ctrl)
		       : strcmp(m->fstype, "cgroup2"))
		return 0;
	/* The mount shows the subtree at its root: is our path in it? */
	if (strcmp(m->root, "/") == 0)
		rel = c->own;
	else if (!strncmp(c->own, m->root, rl) &&
		 (c->own[rl] == '/' || !c->own[rl]))
		rel = c->own + rl;
	else
		return 0;
	snprintf(dir, sizeof(dir), "%s%s",
		 strcmp(m->point, "/") ? m->point : "",
		 strcmp(rel, "/") ? rel : "");
	if (!lists_us(dir))
		return 0;
	snprintf(path, sizeof(path), "%s/%s", dir, c->file);
	n = read_text(path, c->buf, c->len);
	if (n == -ENOENT)
		return 0; /* e.g. a v2 group without that controller */
	c->r = n < 0 ? n : 0;
	if (n >= 0)
		chomp(c->buf);
	return 1;
}

int agent_cg_read(const char *ctrl, const char *file, char *buf, size_t len)
{
	const char *const order[] = { ctrl, "" }; /* v1, then v2 */
	char own[PATH_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(order); i++) {
		struct cg_find c = { order[i], file, own, buf, len, -ENOENT };
		int r = own_path(order[i], own, sizeof(own));
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return r;
		r = mounts_each(cg_try, &c);
		if (r < 0)
			return r;
		if (c.r != -ENOENT)
			return c.r;
	}
	return -ENOENT;
}

json_t *agent_cg_json(const char *ctrl, const char *file)
{
	char val[128];
	int r = agent_cg_read(ctrl, file, val, sizeof(val));

	if (r == -ENOENT)
		return json_null();
	return r < 0 ? agent_error(r) : json_string(val);
}

json_t *agent_cgroup(void)
{
	char buf[4096];
	int r = read_text("/proc/self/cgroup", buf, sizeof(buf));
	json_t *o = json_object();
	json_t *mem = agent_cg_json("memory", "memory.limit_in_bytes");

	if (json_is_null(mem))
		json_decref(mem), mem = agent_cg_json("", "memory.max");
	json_object_set_new(o, "proc_self_cgroup",
			    r < 0 ? agent_error(r) : json_string(chomp(buf)));
	json_object_set_new(o, "pids_max", agent_cg_json("pids", "pids.max"));
	json_object_set_new(o, "memory_max", mem);
	return o;
}

/* ---- propagation -------------------------------------------------------- */

struct prop_count {
	int shared, slave;
	char first[PATH_MAX + 300];
};

static int count_tags(const struct mline *m, void *arg)
{
	struct prop_count *p = arg;
	bool sh = strstr(m->tags, "shared:") != NULL,
	     sl = strstr(m->tags, "master:") != NULL;

	p->shared += sh;
	p->slave += sl;
	if ((sh || sl) && !p->first[0])
		snprintf(p->first, sizeof(p->first), "%.2000s (%s)", m->point,
			 m->tags);
	return 0;
}

json_t *agent_mounts(void)
{
	struct prop_count p = { 0 };
	int r = mounts_each(count_tags, &p);

	if (r < 0)
		return agent_error(r);
	return json_pack("{s:i, s:i, s:o}", "shared", p.shared, "slave",
			 p.slave, "first",
			 p.first[0] ? json_string(p.first) : json_null());
}
