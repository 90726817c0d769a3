// SPDX-License-Identifier: MIT
/*
 * cgroup2 mounted from inside a cgroup namespace (cgroup_namespaces(7),
 * DESCRIPTION, NOTES; admin-guide/cgroup-v2.rst, "Mounting", "Interaction
 * with Other Namespaces"; cgroups(7), "/sys/kernel/cgroup files"): the
 * mount's root is the namespace root, nothing above it can be reached
 * through it, it is a filesystem of its own magic, and it takes the
 * options /sys/kernel/cgroup/features lists.
 *
 * Every cgroup2 mount here is made in a new cgroup namespace, in a child's
 * own mount namespace: from the initial cgroup namespace a cgroup2 mount
 * would set the hierarchy's global options (nsdelegate, ...) to its own.
 */
#include "cgcore.h"

#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/vfs.h>

#define CGROUP2_MAGIC 0x63677270

/* The root field of the last mountinfo line for mount point at. */
static int mount_root(const char *at, char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[PATH_MAX * 2 + 256], root[PATH_MAX], point[PATH_MAX];
	int found = -ENOENT;

	if (!f)
		return neg_errno();
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %4095s %4095s", root, point) ==
			    2 &&
		    strcmp(point, at) == 0) {
			snprintf(buf, len, "%s", root);
			found = 0;
		}
	return found;
}

struct mview_job {
	const char *join;      /* the cgroup the namespace is rooted at */
	const char *target;    /* where cgroup2 is mounted */
	const char *inherited; /* the cgroup2 mount we came with */
};

struct mview_seen {
	int err;		 /* the mount */
	char root_new[PATH_MAX]; /* its mountinfo root */
	char root_old[PATH_MAX]; /* the inherited mount's */
	int marker;		 /* m (made in d/k) at the top of the mount */
	int sibling;		 /* s (d/s) at the top of the mount */
	int procs;		 /* cgroup.procs at the top */
};

static int mview_fn(void *arg, void *out, size_t len)
{
	const struct mview_job *m = arg;
	struct mview_seen *o = out;
	int e;

	(void)len;
	if ((e = cgc_put(m->join, "cgroup.procs", getpid())) < 0)
		return child_fail("join the cgroup", e);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWCGROUP) < 0)
		return child_fail("unshare user, mount and cgroup namespaces",
				  neg_errno());
	o->err = -cgc_mount("cgroup2", NULL, m->target);
	if (o->err)
		return 0;
	if ((e = mount_root(m->target, o->root_new, sizeof(o->root_new))) ||
	    (e = mount_root(m->inherited, o->root_old, sizeof(o->root_old))))
		return child_fail("read /proc/self/mountinfo", e);
	if ((o->marker = cgc_has(m->target, "m")) < 0 ||
	    (o->sibling = cgc_has(m->target, "s")) < 0 ||
	    (o->procs = cgc_has(m->target, "cgroup.procs")) < 0)
		return child_fail("look into the mount", -EIO);
	umount2(m->target, MNT_DETACH);
	return 0;
}

static int observe_mview(struct ctx *c, struct mview_seen *o)
{
	_cleanup_(cgc_pair_destroy) struct cgc_pair p = { 0 };
	char target[PATH_MAX + 8];
	struct mview_job m;

	TRY_OBS(cgc_pair_make(c, &p, "m"));
	snprintf(target, sizeof(target), "%s/mnt", c->tmpdir);
	/* 1. The namespace rooted at d/k (isolated), or at d. */
	m = (struct mview_job){ cgc_dir(c->isolate ? &p.k : &p.d), target,
				c->cgl->hier[c->cgl->unified].mount };
	/* 2. In it (and a new user namespace), cgroup2 mounted. */
	return run_in_child(c, "the mounter", 0, mview_fn, &m, o, sizeof(*o));
}

static enum obs judge_nsroot(struct judge *j, const struct mview_seen *o)
{
	judge_kv(j, "mount", "%s", cgc_err(o->err));
	judge_kv(j, "mountinfo roots", "new mount \"%s\", inherited \"%s\"",
		 o->root_new, o->root_old);
	judge_kv(j, "d/k/m at its top", "%s", o->marker ? "yes" : "no");
	if (o->err)
		return judge_unknown(j, "the mount failed: %s",
				     cgc_err(o->err));
	return judge_holds(j,
			   o->marker && strcmp(o->root_new, "/") == 0 &&
				   strncmp(o->root_old, "/..", 3) == 0,
			   "the mount's top %s d/k's child; its root reads "
			   "\"%s\", the inherited mount's \"%s\"",
			   o->marker ? "shows" : "does not show", o->root_new,
			   o->root_old);
}
CHECK(mount_nsroot, struct mview_seen, observe_mview, judge_nsroot);

static enum obs judge_hidden(struct judge *j, const struct mview_seen *o)
{
	judge_kv(j, "mount", "%s", cgc_err(o->err));
	judge_kv(j, "d/s at its top", "%s", o->sibling ? "yes" : "no");
	if (o->err || !o->procs)
		return judge_unknown(j,
				     "the mount failed (%s) or is no cgroup "
				     "directory",
				     cgc_err(o->err));
	return judge_holds(j, !o->sibling, "the sibling d/s %s the mount",
			   o->sibling ? "is reachable through" : "is not in");
}
CHECK(mount_hides, struct mview_seen, observe_mview, judge_hidden);

/* ---- the cgroup2 filesystem's magic ------------------------------------ */

struct magic_job {
	const char *target;
	bool mount;
};

struct magic_seen {
	int err;
	long type; /* statfs f_type of the target */
};

static int magic_fn(void *arg, void *out, size_t len)
{
	const struct magic_job *m = arg;
	struct magic_seen *o = out;
	struct statfs sf;

	(void)len;
	if (unshare(CLONE_NEWNS | CLONE_NEWCGROUP) < 0)
		return child_fail("unshare mount and cgroup namespaces",
				  neg_errno());
	if (mkdir(m->target, 0755) < 0 && errno != EEXIST)
		return child_fail("mkdir", neg_errno());
	if (m->mount && (o->err = -cgc_mount("cgroup2", NULL, m->target)))
		return 0;
	if (statfs(m->target, &sf) < 0)
		return child_fail("statfs", neg_errno());
	o->type = (long)sf.f_type;
	if (m->mount)
		umount2(m->target, MNT_DETACH);
	return 0;
}

static int observe_magic(struct ctx *c, struct magic_seen *o)
{
	char target[PATH_MAX + 8];
	struct magic_job m;

	snprintf(target, sizeof(target), "%s/mnt", c->tmpdir);
	/* cgroup2 mounted there (isolated), or the bare directory. */
	m = (struct magic_job){ target, c->isolate };
	return run_in_child(c, "statfs", 0, magic_fn, &m, o, sizeof(*o));
}

static enum obs judge_magic(struct judge *j, const struct magic_seen *o)
{
	judge_kv(j, "mount", "%s", cgc_err(o->err));
	judge_kv(j, "f_type", "0x%lx", o->type);
	if (o->err)
		return judge_unknown(j, "the mount failed: %s",
				     cgc_err(o->err));
	return judge_holds(j, o->type == CGROUP2_MAGIC, "statfs f_type 0x%lx",
			   o->type);
}
CHECK(magic, struct magic_seen, observe_magic, judge_magic);

/* ---- the options /sys/kernel/cgroup/features lists --------------------- */

struct feat_job {
	const char *target;
	const char *suffix; /* appended to each name tried */
};

struct feat_seen {
	int listed, taken;
	int err;	  /* the first refusal */
	char refused[80]; /* its option */
	char names[256];  /* the list */
};

static int feat_fn(void *arg, void *out, size_t len)
{
	const struct feat_job *f = arg;
	struct feat_seen *o = out;
	char list[512], opt[80], *save = NULL;
	int e;

	(void)len;
	if ((e = read_text("/sys/kernel/cgroup/features", list, sizeof(list))) <
	    0)
		return child_fail("read /sys/kernel/cgroup/features", e);
	if (unshare(CLONE_NEWNS | CLONE_NEWCGROUP) < 0)
		return child_fail("unshare mount and cgroup namespaces",
				  neg_errno());
	for (char *t = strtok_r(list, " \n", &save); t;
	     t = strtok_r(NULL, " \n", &save)) {
		snprintf(o->names + strlen(o->names),
			 sizeof(o->names) - strlen(o->names), "%s%s",
			 o->listed++ ? " " : "", t);
		snprintf(opt, sizeof(opt), "%s%s", t, f->suffix);
		e = cgc_mount("cgroup2", opt, f->target);
		if (e == 0) {
			o->taken++;
			umount2(f->target, MNT_DETACH);
		} else if (!o->err) {
			o->err = -e;
			snprintf(o->refused, sizeof(o->refused), "%s", opt);
		}
	}
	return 0;
}

static int observe_feat(struct ctx *c, struct feat_seen *o)
{
	char target[PATH_MAX + 8];
	struct feat_job f;

	if (!path_exists("/sys/kernel/cgroup/features"))
		return ctx_skip(c, "kernel has no /sys/kernel/cgroup/features");
	snprintf(target, sizeof(target), "%s/mnt", c->tmpdir);
	/* The names as listed (isolated), or each with an "x" after it. */
	f = (struct feat_job){ target, c->isolate ? "" : "x" };
	return run_in_child(c, "the mounts", 0, feat_fn, &f, o, sizeof(*o));
}

static enum obs judge_feat(struct judge *j, const struct feat_seen *o)
{
	judge_kv(j, "listed", "%s", o->names);
	judge_kv(j, "mounts taken", "%d of %d", o->taken, o->listed);
	if (o->err)
		judge_kv(j, "first refused", "%s: %s", o->refused,
			 cgc_err(o->err));
	if (!o->listed)
		return judge_unknown(j, "the features file lists nothing");
	return judge_holds(j, o->taken == o->listed,
			   "%d of %d cgroup2 mounts with the option taken",
			   o->taken, o->listed);
}
CHECK(features, struct feat_seen, observe_feat, judge_feat);

#define TAGS                                                                   \
	{                                                                      \
		"cgroup", "v2"                                                 \
	}

static const struct scenario cgroupns_mount[] = {
	{
		.id = "cgroupns/mount-root-is-ns-root",
		.title = "cgroup2 mounted in a cgroup namespace starts at its "
			 "root",
		.property =
			"in new user, mount and cgroup namespaces rooted at "
			"d/k, a cgroup2 mount shows d/k's child at its top "
			"and its mountinfo root reads \"/\", the inherited "
			"mount's \"/..\"",
		.expect = "d/k/m at the top; roots \"/\" and \"/..\"",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ns = NS_BIT(NS_CGROUP) | NS_BIT(NS_USER) |
			       NS_BIT(NS_MNT) },
		.tags = TAGS,
		.check = &mount_nsroot,
	},
	{
		.id = "cgroupns/mount-hides-above",
		.title = "nothing above the namespace root is in its mount",
		.property = "a cgroup2 mount made in a cgroup namespace rooted "
			    "at d/k does not contain d/k's sibling d/s",
		.expect = "d/s not in the mount",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ns = NS_BIT(NS_CGROUP) | NS_BIT(NS_USER) |
			       NS_BIT(NS_MNT) },
		.tags = TAGS,
		.check = &mount_hides,
	},
	{
		.id = "cgroup2/magic",
		.title = "cgroup2 has its own filesystem magic",
		.property = "statfs of a cgroup2 mount reports f_type "
			    "0x63677270 (CGROUP2_SUPER_MAGIC)",
		.expect = "f_type 0x63677270",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ns = NS_BIT(NS_CGROUP) | NS_BIT(NS_MNT) },
		.tags = TAGS,
		.check = &magic,
	},
	{
		.id = "cgroup2/features-mount-options",
		.title = "the features the kernel lists are mount options it "
			 "takes",
		.property =
			"every name in /sys/kernel/cgroup/features is taken "
			"as a cgroup2 mount option (made in a new cgroup "
			"namespace: no global option changes)",
		.expect = "every listed option taken",
		.req = { .root = true,
			 .cgroup_version = 2,
			 .ns = NS_BIT(NS_CGROUP) | NS_BIT(NS_MNT) },
		.tags = TAGS,
		.check = &features,
	},
};

BOXCHECK_AREA(cgroupns_mount, cgroupns_mount);
