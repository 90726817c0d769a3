// SPDX-License-Identifier: MIT
/*
 * The cgroup2 root (admin-guide/cgroup-v2.rst, "Mounting", "No Internal
 * Process Constraint", "Conventions"; cgroups(7), "Cgroups version 1 and
 * version 2", "Cgroups v2 unified hierarchy"): every controller no v1
 * hierarchy holds shows up at the root by itself; the root may hold
 * processes while enabling domain controllers; it has no resource
 * control files. Read-only: nothing of the root is changed.
 */
#include "cgcore.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#define MEM CG_BIT(CG_MEMORY)

/* ---- the root may hold processes and enable domain controllers -------- */

struct internal_seen {
	bool procs;  /* the cgroup holds processes */
	bool domain; /* it enables a domain controller for its children */
};

/* The cgroup2 root as we see it, or a skip. */
static int v2_root(struct ctx *c, const char **root)
{
	const struct cg_hier *h;

	if (c->cgl->unified < 0)
		return ctx_skip(c, "no cgroup v2 hierarchy");
	h = &c->cgl->hier[c->cgl->unified];
	if (strcmp(h->mroot, "/") != 0)
		return ctx_skip(c, "the cgroup2 root is not visible here");
	*root = h->mount;
	return 0;
}

/* Whether dir's cgroup.procs lists anyone (the root's can be long). */
static int has_procs(struct ctx *c, const char *dir, bool *any)
{
	char path[PATH_MAX + 32], b[8];
	_cleanup_close_ int fd = -1;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, b, sizeof(b));
	TRY(c, n < 0 ? neg_errno() : 0, "read cgroup.procs");
	*any = n > 0;
	return 0;
}

static int observe_internal(struct ctx *c, struct internal_seen *o)
{
	_cleanup_proc_ struct cgc_proc x = CGC_PROC_INIT;
	_cleanup_cg_group_ struct cg_group k = { 0 };
	const char *root = NULL, *dir;
	unsigned sc = 0, domain = MEM | CG_BIT(CG_IO) | CG_BIT(CG_HUGETLB);

	TRY_OBS(v2_root(c, &root));
	TRY_OBS(cgc_ctrls(c, root, "cgroup.subtree_control", &sc));
	if (!(sc & domain))
		return ctx_skip(c, "the cgroup2 root enables no domain "
				   "controller here");
	TRY_OBS(cgc_child(c, c->cg, "k", &k));
	/* 1. Look at the root (isolated), or at a cgroup of ours that
	 *    holds a process and asks for memory below it. */
	dir = root;
	if (!c->isolate) {
		dir = cgc_dir(&k);
		TRY_OBS(cgc_start(c, &k, &x));
		cgc_subtree(dir, "+memory"); /* EBUSY: no internal process */
	}
	/* 2. Processes there, and domain controllers for its children. */
	TRY_OBS(has_procs(c, dir, &o->procs));
	TRY_OBS(cgc_ctrls(c, dir, "cgroup.subtree_control", &sc));
	o->domain = sc & domain;
	return 0;
}

static enum obs judge_internal(struct judge *j, const struct internal_seen *o)
{
	judge_kv(j, "holds processes", "%s", o->procs ? "yes" : "no");
	judge_kv(j, "domain controller enabled", "%s",
		 o->domain ? "yes" : "no");
	return judge_holds(j, o->procs && o->domain,
			   "the cgroup %s processes and %s a domain controller "
			   "for its children",
			   o->procs ? "holds" : "holds no",
			   o->domain ? "enables" : "does not enable");
}
CHECK(root_exempt, struct internal_seen, observe_internal, judge_internal);

/* ---- the root has no resource control files ---------------------------- */

static const char *const limit_files[] = {
	"memory.max", "memory.high", "memory.low", "memory.min",
	"pids.max",   "cpu.max",     "cpu.weight", "io.max",
	"io.weight",  "cpuset.cpus", "rdma.max",   "misc.max",
};

struct files_seen {
	bool offered; /* the cgroup has controllers (cgroup.controllers) */
	int n;	      /* limit files present */
	char first[32];
};

static int observe_rootfiles(struct ctx *c, struct files_seen *o)
{
	_cleanup_cg_group_ struct cg_group k = { 0 };
	const char *root = NULL, *dir;
	char avail[256];

	TRY_OBS(v2_root(c, &root));
	TRY_OBS(cgc_child(c, c->cg, "k", &k));
	/* 1. The root (isolated), or a cgroup of ours. */
	dir = c->isolate ? root : cgc_dir(&k);
	TRY_OBS(cgs_read(c, dir, "cgroup.controllers", avail, sizeof(avail)));
	o->offered = avail[0] != '\0';
	/* 2. Which resource control files it has. */
	for (size_t i = 0; i < ARRAY_SIZE(limit_files); i++) {
		int r = TRY(c, cgc_has(dir, limit_files[i]), limit_files[i]);
		if (r && !o->n++)
			snprintf(o->first, sizeof(o->first), "%s",
				 limit_files[i]);
	}
	return 0;
}

static enum obs judge_rootfiles(struct judge *j, const struct files_seen *o)
{
	judge_kv(j, "controllers offered", "%s", o->offered ? "yes" : "no");
	judge_kv(j, "resource control files", "%d%s%s", o->n,
		 o->n ? ", e.g. " : "", o->first);
	if (!o->offered)
		return judge_unknown(j, "no controller here: nothing to see");
	return judge_holds(j, o->n == 0,
			   "%d resource control files where controllers are "
			   "offered%s%s",
			   o->n, o->n ? ", e.g. " : "", o->first);
}
CHECK(root_no_files, struct files_seen, observe_rootfiles, judge_rootfiles);

/* ---- controllers no v1 hierarchy holds are at the root ----------------- */

struct unbound_seen {
	unsigned listed;   /* the cgroup's cgroup.controllers */
	unsigned expected; /* v2 controllers on no v1 hierarchy */
};

/*
 * From /proc/cgroups: the enabled controllers with a v2 interface whose
 * hierarchy id is 0 (bound to no v1 hierarchy). perf_event is implicit
 * on v2: never listed.
 */
static int unbound(struct ctx *c, unsigned *mask)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/cgroups", "re");
	char name[64], line[256];
	int hier, num, on, k;

	TRY(c, f ? 0 : neg_errno(), "open /proc/cgroups");
	*mask = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %d %d %d", name, &hier, &num, &on) ==
			    4 &&
		    (k = cg_ctrl_by_name(name)) >= 0 &&
		    cg_ctrl_table[k].v2_name && k != CG_PERF_EVENT &&
		    hier == 0 && on)
			*mask |= CG_BIT(k);
	return 0;
}

static int observe_unbound(struct ctx *c, struct unbound_seen *o)
{
	_cleanup_cg_group_ struct cg_group f = { 0 }, g = { 0 };
	const char *root = NULL;

	TRY_OBS(v2_root(c, &root));
	TRY_OBS(unbound(c, &o->expected));
	if (!o->expected)
		return ctx_skip(c, "every v2 controller is bound to a v1 "
				   "hierarchy here");
	TRY_OBS(cgc_child(c, c->cg, "f", &f));
	TRY_OBS(cgc_child(c, &f, "g", &g));
	/* The root (isolated), or a cgroup whose parent enables nothing. */
	return cgc_ctrls(c, c->isolate ? root : cgc_dir(&g),
			 "cgroup.controllers", &o->listed);
}

static void names(unsigned mask, char *buf, size_t len)
{
	buf[0] = '\0';
	for (int k = 0; k < CG__COUNT; k++)
		if (mask & CG_BIT(k))
			snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
				 buf[0] ? " " : "", cg_ctrl_table[k].v2_name);
}

static enum obs judge_unbound(struct judge *j, const struct unbound_seen *o)
{
	char l[256], e[256];

	names(o->listed, l, sizeof(l));
	names(o->expected, e, sizeof(e));
	judge_kv(j, "cgroup.controllers", "%s", l[0] ? l : "(none)");
	judge_kv(j, "on no v1 hierarchy", "%s", e);
	return judge_holds(j, o->listed == o->expected,
			   "cgroup.controllers \"%s\"; unbound to v1: \"%s\"",
			   l, e);
}
CHECK(root_unbound, struct unbound_seen, observe_unbound, judge_unbound);

#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v2"                                                 \
	}

static const struct scenario cgroup2_root[] = {
	{
		.id = "cgroup2/root-controllers-unbound",
		.title = "the controllers no v1 hierarchy holds are at the "
			 "root",
		.property = "the cgroup2 root's cgroup.controllers lists "
			    "exactly the enabled v2 controllers that "
			    "/proc/cgroups puts on no v1 hierarchy, with "
			    "nothing enabled by hand",
		.expect = "cgroup.controllers = the unbound controllers",
		.req = { .root = true, .cgroup_version = 2 },
		.tags = TAGS,
		.check = &root_unbound,
	},
	{
		.id = "cgroup2/root-exempt-internal",
		.title = "the root holds processes and enables domain "
			 "controllers",
		.property = "the root cgroup holds processes while enabling a "
			    "domain controller for its children, which a "
			    "cgroup of ours holding a process cannot do",
		.expect = "processes and a domain controller",
		.req = { .root = true, .cgroup_version = 2, .ctrls = MEM },
		.tags = TAGS,
		.check = &root_exempt,
	},
	{
		.id = "cgroup2/root-no-resource-files",
		.title = "the root cgroup has no resource control files",
		.property = "the cgroup2 root offers controllers but has none "
			    "of their limit files (memory.max, pids.max, "
			    "cpu.max ...), which a cgroup of ours has",
		.expect = "0 resource control files",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ctrls = CG_BIT(CG_PIDS) },
		.tags = TAGS,
		.check = &root_no_files,
	},
};

BOXCHECK_AREA(cgroup2_root, cgroup2_root);
