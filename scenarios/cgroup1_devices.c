// SPDX-License-Identifier: MIT
/*
 * cgroup v1 devices controller (admin-guide/cgroup-v1/devices.rst): the
 * allow and deny lists gate open(2) and mknod(2) of device files, and a
 * child cannot be granted what its parent denies. Probed by a process in
 * the cgroup on /dev/null (c 1:3) and /dev/zero (c 1:5), and on nodes it
 * makes in the run's directory.
 */
#include "cgroup_util.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/sysmacros.h>

struct dev_probe {
	const char *dir; /* the cgroup to join (its devices directory) */
};

struct dev_seen {
	int open_null, open_zero;   /* errno of open(O_RDONLY), 0 ok */
	int mknod_null, mknod_zero; /* errno of mknod, 0 ok */
	int grant;		    /* errno of the child's allow write */
};

static int probe_fn(void *arg, void *out, size_t len)
{
	const struct dev_probe *p = arg;
	struct dev_seen *o = out;
	char path[PATH_MAX + 32];
	int r;

	(void)len;
	snprintf(path, sizeof(path), "%s/cgroup.procs", p->dir);
	if ((r = write_fmt(path, "%d", getpid())) < 0)
		return child_fail("join the cgroup", r);
	o->open_null = -cgs_open_probe("/dev/null", O_RDONLY);
	o->open_zero = -cgs_open_probe("/dev/zero", O_RDONLY);
	o->mknod_null = -cgs_mknod_probe("null", S_IFCHR | 0600, makedev(1, 3));
	o->mknod_zero = -cgs_mknod_probe("zero", S_IFCHR | 0600, makedev(1, 5));
	return 0;
}

/* A rule into dir's devices.allow or devices.deny: an error if refused. */
static int rule(struct ctx *c, const char *dir, const char *file,
		const char *text)
{
	return TRY(c, cgs_write_probe(dir, file, text), file), 0;
}

enum dev_case { D_DENY_ALL, D_ALLOW_ONE, D_NO_MKNOD, D_CHILD };

static int observe_dev(struct ctx *c, struct dev_seen *o, enum dev_case w)
{
	_cleanup_cg_group_ struct cg_group p = { 0 }, k = { 0 };
	struct dev_probe pr;
	const char *pd, *kd;

	TRY_OBS(cgs_need_group(c));
	TRY(c, cg_group_child_on(c->cg, "parent", CG_BIT(CG_DEVICES), &p),
	    "create cgroup");
	if (!(pd = cg_group_dir(&p, CG_DEVICES)))
		return ctx_skip(c, "no devices directory for this run");
	/* 1. The lists (the isolated run). */
	if (c->isolate && w == D_DENY_ALL)
		TRY_OBS(rule(c, pd, "devices.deny", "a"));
	if (c->isolate && w == D_ALLOW_ONE) {
		TRY_OBS(rule(c, pd, "devices.deny", "a"));
		TRY_OBS(rule(c, pd, "devices.allow", "c 1:3 rwm"));
	}
	if (c->isolate && (w == D_NO_MKNOD || w == D_CHILD))
		TRY_OBS(rule(c, pd, "devices.deny",
			     w == D_CHILD ? "c 1:5 rwm" : "c 1:3 m"));
	/* D_CHILD: a child asks for /dev/zero back (both runs). */
	pr.dir = pd;
	if (w == D_CHILD) {
		TRY(c, cg_group_child_on(&p, "child", CG_BIT(CG_DEVICES), &k),
		    "create cgroup parent/child");
		kd = cg_group_dir(&k, CG_DEVICES);
		o->grant = -cgs_write_probe(kd, "devices.allow", "c 1:5 rwm");
		pr.dir = kd;
	}
	/* 2. A process in the cgroup opens and makes device nodes. */
	return run_in_child(c, "the device probes", 0, probe_fn, &pr, o,
			    sizeof(*o));
}

static const char *e(int err)
{
	return err ? strerrorname_np(err) ?: "?" : "ok";
}

static void kvs(struct judge *j, const struct dev_seen *o)
{
	judge_kv(j, "open /dev/null", "%s", e(o->open_null));
	judge_kv(j, "open /dev/zero", "%s", e(o->open_zero));
	judge_kv(j, "mknod c 1:3", "%s", e(o->mknod_null));
	judge_kv(j, "mknod c 1:5", "%s", e(o->mknod_zero));
}

/* Each errno is ok or EPERM; anything else decides nothing. */
static bool odd(const struct dev_seen *o)
{
	const int v[] = { o->open_null, o->open_zero, o->mknod_null,
			  o->mknod_zero, o->grant };

	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		if (v[i] && v[i] != EPERM)
			return true;
	return false;
}

static enum obs judge_deny_all(struct judge *j, const struct dev_seen *o)
{
	kvs(j, o);
	if (odd(o))
		return judge_unknown(j, "a probe failed otherwise");
	return judge_holds(j,
			   o->open_null == EPERM && o->open_zero == EPERM &&
				   o->mknod_null == EPERM,
			   "open /dev/null %s, /dev/zero %s, mknod %s",
			   e(o->open_null), e(o->open_zero), e(o->mknod_null));
}

static enum obs judge_allow_one(struct judge *j, const struct dev_seen *o)
{
	kvs(j, o);
	if (odd(o))
		return judge_unknown(j, "a probe failed otherwise");
	return judge_holds(j,
			   !o->open_null && !o->mknod_null &&
				   o->open_zero == EPERM &&
				   o->mknod_zero == EPERM,
			   "c 1:3: open %s, mknod %s; c 1:5: open %s, mknod %s",
			   e(o->open_null), e(o->mknod_null), e(o->open_zero),
			   e(o->mknod_zero));
}

static enum obs judge_no_mknod(struct judge *j, const struct dev_seen *o)
{
	kvs(j, o);
	if (odd(o))
		return judge_unknown(j, "a probe failed otherwise");
	return judge_holds(j, !o->open_null && o->mknod_null == EPERM,
			   "c 1:3: open %s, mknod %s", e(o->open_null),
			   e(o->mknod_null));
}

static enum obs judge_child(struct judge *j, const struct dev_seen *o)
{
	kvs(j, o);
	judge_kv(j, "child's allow c 1:5", "%s", e(o->grant));
	if (odd(o))
		return judge_unknown(j, "a probe failed otherwise");
	/* The write may be refused or silently ineffective: the open says. */
	return judge_holds(j, o->open_zero == EPERM,
			   "the child's allow of c 1:5: %s; open /dev/zero "
			   "in it: %s",
			   e(o->grant), e(o->open_zero));
}

#define DEV_CHECK(name, w, judge)                                              \
	static int name##_obs(struct ctx *c, struct dev_seen *o)               \
	{                                                                      \
		return observe_dev(c, o, w);                                   \
	}                                                                      \
	CHECK(name, struct dev_seen, name##_obs, judge)

DEV_CHECK(dev_deny_all, D_DENY_ALL, judge_deny_all);
DEV_CHECK(dev_allow_one, D_ALLOW_ONE, judge_allow_one);
DEV_CHECK(dev_no_mknod, D_NO_MKNOD, judge_no_mknod);
DEV_CHECK(dev_child, D_CHILD, judge_child);

#define DEV_V1                                                                 \
	{                                                                      \
		.root = true, .cgroup_version = 1, .caps = CAP_BIT(CAP_MKNOD), \
		.ctrls = CG_BIT(CG_DEVICES)                                    \
	}

static const struct scenario cgroup1_devices[] = {
	{
		.id = "cgroup1/devices-deny-all",
		.title = "devices.deny a refuses every device",
		.property =
			"after \"a\" is written to a cgroup's devices.deny, "
			"a process in it cannot open /dev/null or /dev/zero "
			"nor make a device node: EPERM",
		.expect = "open EPERM twice, mknod EPERM",
		.req = DEV_V1,
		.tags = { "cgroup", "v1" },
		.check = &dev_deny_all,
	},
	{
		.id = "cgroup1/devices-allow-one",
		.title = "devices.allow lets one device through a deny-all",
		.property = "with \"a\" denied and \"c 1:3 rwm\" allowed, a "
			    "process in the cgroup opens and makes /dev/null "
			    "(c 1:3) but not /dev/zero (c 1:5): EPERM",
		.expect = "c 1:3 ok; c 1:5 EPERM",
		.req = DEV_V1,
		.tags = { "cgroup", "v1" },
		.check = &dev_allow_one,
	},
	{
		.id = "cgroup1/devices-mknod-only",
		.title = "the m access gates mknod alone",
		.property = "with \"c 1:3 m\" denied, a process in the cgroup "
			    "still opens /dev/null but cannot make a c 1:3 "
			    "node: EPERM",
		.expect = "open ok, mknod EPERM",
		.req = DEV_V1,
		.tags = { "cgroup", "v1" },
		.check = &dev_no_mknod,
	},
	{
		.id = "cgroup1/devices-child-cannot-widen",
		.title = "a child cannot be granted what its parent denies",
		.property = "under a parent denying c 1:5, a child whose "
			    "devices.allow was written \"c 1:5 rwm\" still "
			    "cannot open /dev/zero: EPERM",
		.expect = "open /dev/zero EPERM in the child",
		.req = DEV_V1,
		.tags = { "cgroup", "v1" },
		.check = &dev_child,
	},
};

BOXCHECK_AREA(cgroup1_devices, cgroup1_devices);
