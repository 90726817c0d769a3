// SPDX-License-Identifier: MIT
/*
 * The agent's view of its mounts: where its own cgroup is shown, and which
 * mounts propagate (shared or slave). Read from /proc/self/mountinfo.
 */
#include "agent.h"
#include "../../primitives/rootfs.h"

#include <string.h>

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

static int cg_try(const struct mnt_entry *m, void *arg)
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
		r = mountinfo_each(cg_try, &c);
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

/* v1 "quota period" from the cpu controller, or v2's cpu.max. */
static json_t *cpu_max_json(void)
{
	char q[64], p[64], both[140];
	int r = agent_cg_read("cpu", "cpu.cfs_quota_us", q, sizeof(q));

	if (r == -ENOENT)
		return agent_cg_json("", "cpu.max");
	if (r == 0)
		r = agent_cg_read("cpu", "cpu.cfs_period_us", p, sizeof(p));
	if (r < 0)
		return agent_error(r);
	snprintf(both, sizeof(both), "%s %s", q, p);
	return json_string(both);
}

/* Every cgroup filesystem mounted inside: where, read-only, its root. */
static int cg_mount_one(const struct mnt_entry *m, void *arg)
{
	if (strcmp(m->fstype, "cgroup") && strcmp(m->fstype, "cgroup2"))
		return 0;
	json_array_append_new(arg, json_pack("{s:s, s:s, s:b, s:s}", "point",
					     m->point, "fstype", m->fstype,
					     "ro", opts_have(m->opts, "ro"),
					     "root", m->root));
	return 0;
}

static json_t *cg_mounts_json(void)
{
	json_t *a = json_array();
	int r = mountinfo_each(cg_mount_one, a);

	if (r < 0) {
		json_decref(a);
		return agent_error(r);
	}
	return a;
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
	json_object_set_new(o, "cpu_max", cpu_max_json());
	json_object_set_new(o, "mounts", cg_mounts_json());
	return o;
}

/* ---- propagation -------------------------------------------------------- */

struct prop_count {
	int shared, slave;
	char first[PATH_MAX + 300];
};

static int count_tags(const struct mnt_entry *m, void *arg)
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
	int r = mountinfo_each(count_tags, &p);

	if (r < 0)
		return agent_error(r);
	return json_pack("{s:i, s:i, s:o}", "shared", p.shared, "slave",
			 p.slave, "first",
			 p.first[0] ? json_string(p.first) : json_null());
}
