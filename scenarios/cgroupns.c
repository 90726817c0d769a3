// SPDX-License-Identifier: MIT
/* cgroup namespaces. */
#include "scenario.h"
#include "../primitives/mutant.h"

#include <string.h>

struct cg_view {
	int lines, at_root; /* /proc/self/cgroup lines, those reading "/" */
	char first[160];
};

/*
 * Count /proc/self/cgroup lines whose path is the namespace root "/"
 * (mutation point M_CGNS_ROOT: every line does).
 */
static int read_cgroup(void *arg, void *out, size_t len)
{
	struct cg_view *v = out;
	char buf[4096], *line, *save = NULL;
	int r;

	(void)arg;
	(void)len;
	if ((r = read_text("/proc/self/cgroup", buf, sizeof(buf))) < 0)
		return child_fail("read /proc/self/cgroup", r);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *path = strchr(line, ':');
		path = path ? strchr(path + 1, ':') : NULL;
		if (!path)
			return child_fail("parse /proc/self/cgroup", -EINVAL);
		if (v->lines++ == 0)
			snprintf(v->first, sizeof(v->first), "%s", line);
		if (strcmp(path + 1, "/") == 0 || mutant_on(M_CGNS_ROOT))
			v->at_root++;
	}
	return 0;
}

static int observe_root(struct ctx *c, struct cg_view *o)
{
	if (!c->cg)
		return ctx_skip(c, "the run has no cgroup of its own");
	return run_in_child(c, "run the child",
			    c->isolate ? CLONE_NEWCGROUP : 0, read_cgroup, NULL,
			    o, sizeof(*o));
}

static enum obs judge_root(struct judge *j, const struct cg_view *o)
{
	judge_kv(j, "lines", "%d", o->lines);
	judge_kv(j, "at \"/\"", "%d", o->at_root);
	judge_kv(j, "first line", "%s", o->first);
	if (o->lines == 0)
		return judge_unknown(j, "/proc/self/cgroup has no lines");
	return judge_holds(j, o->at_root == o->lines,
			   "%d of %d /proc/self/cgroup lines read \"/\" (%s)",
			   o->at_root, o->lines, o->first);
}
CHECK(proc_self_cgroup_root, struct cg_view, observe_root, judge_root);

static const struct scenario cgroupns[] = {
	{ .id = "cgroupns/proc-self-cgroup-root",
	  .title = "/proc/self/cgroup shows the namespace root",
	  .property = "in a new cgroup namespace every /proc/self/cgroup "
		      "line reads \"/\" instead of the host path",
	  .expect = "every line reads \"/\"",
	  .req = { .root = true, .ns = NS_BIT(NS_CGROUP) },
	  .tags = { "cgroup", "core" },
	  .check = &proc_self_cgroup_root },
};

BOXCHECK_AREA(cgroupns, cgroupns);
