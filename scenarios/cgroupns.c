// SPDX-License-Identifier: MIT
/* cgroup namespaces. */
#include "scenario.h"

#include <string.h>

struct cg_view {
	int lines, at_root;
	char first[160];
};

/* Count /proc/self/cgroup lines whose path is the namespace root "/". */
static int read_cgroup(void *arg, void *out, size_t len)
{
	struct cg_view *v = out;
	char buf[4096], *line, *save = NULL;

	(void)arg;
	(void)len;
	if (read_text("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return 1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *path = strchr(line, ':');
		path = path ? strchr(path + 1, ':') : NULL;
		if (!path)
			continue;
		if (v->lines++ == 0)
			snprintf(v->first, sizeof(v->first), "%s", line);
		if (strcmp(path + 1, "/") == 0)
			v->at_root++;
	}
	return 0;
}

static enum obs proc_self_cgroup_root(struct ctx *c)
{
	struct cg_view v;

	if (!c->cg)
		return ctx_skip(c, "the run has no cgroup of its own");
	TRY(c,
	    legacy_run_in_child(c->isolate ? CLONE_NEWCGROUP : 0, read_cgroup, NULL,
			 &v, sizeof(v), NULL),
	    "run the child");
	ctx_kv(c, "lines", "%d", v.lines);
	ctx_kv(c, "at \"/\"", "%d", v.at_root);
	ctx_kv(c, "first line", "%s", v.first);
	return ctx_holds(c, v.lines > 0 && v.at_root == v.lines,
			 "%d of %d /proc/self/cgroup lines read \"/\" (%s)",
			 v.at_root, v.lines, v.first);
}

static const struct scenario cgroupns[] = {
	{ .id = "cgroupns/proc-self-cgroup-root",
	  .title = "/proc/self/cgroup shows the namespace root",
	  .property = "in a new cgroup namespace every /proc/self/cgroup "
		      "line reads \"/\" instead of the host path",
	  .expect = "every line reads \"/\"",
	  .req = { .root = true, .ns = NS_BIT(NS_CGROUP) },
	  .tags = { "cgroup", "core" },
	  .run = proc_self_cgroup_root },
};

BOXCHECK_AREA(cgroupns, cgroupns);
