// SPDX-License-Identifier: MIT
/*
 * cgroup layout detection and the knob table against fake hierarchies in a
 * temp dir: pure v1, hybrid (as on the development machine), unified v2,
 * and container-style subtree mounts. cg_layout_detect_at reads
 * <root>/proc/self/{mountinfo,cgroup} and looks for mounts under <root>.
 */
#include "testlib.h"
#include "../primitives/cgroup.h"

static char *root;

static int setup(void **state)
{
	root = test_tmpdir();
	return root ? 0 : -1;
}

static int teardown(void **state)
{
	rm_rf(root);
	free(root);
	return 0;
}

static void mk(const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s%s", root, rel);
	assert_int_equal(mkdir_p(p, 0755), 0);
}

/* Write a file below root, creating its directory. */
static void put(const char *rel, const char *text)
{
	char p[PATH_MAX], *slash;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	slash = strrchr(p, '/');
	*slash = '\0';
	assert_int_equal(mkdir_p(p, 0755), 0);
	*slash = '/';
	assert_int_equal(write_text_creat(p, text), 0);
}

static void put_in(const char *dir, const char *file, const char *text)
{
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	assert_int_equal(write_text_creat(p, text), 0);
}

/* Real cgroup files always exist; a knob never creates one. */
static void touch_in(const char *dir, const char *const *files)
{
	for (; *files; files++)
		put_in(dir, *files, "");
}
#define TOUCH(dir, ...)                                                        \
	touch_in((dir), (const char *const[]){ __VA_ARGS__, NULL })

static const char *get(const char *abs)
{
	static char buf[512];

	if (read_text(abs, buf, sizeof(buf)) < 0)
		return "(missing)";
	return chomp(buf);
}

static char *at(const char *dir, const char *file)
{
	static char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	return p;
}

#define MI(id, mroot, mp, fs, super)                                           \
	id " 30 0:" id " " mroot " " mp " rw,relatime - " fs " " fs " " super  \
	   "\n"

/* ---- layouts ------------------------------------------------------ */

static void fake_v1(void)
{
	put("/proc/self/mountinfo",
	    MI("22", "/", "/sys/fs/cgroup", "tmpfs", "rw,mode=755") MI(
		    "31", "/", "/sys/fs/cgroup/cpu,cpuacct", "cgroup",
		    "rw,cpu,cpuacct") MI("34", "/", "/sys/fs/cgroup/memory",
					 "cgroup", "rw,memory")
		    MI("38", "/", "/sys/fs/cgroup/pids", "cgroup", "rw,pids")
			    MI("39", "/", "/sys/fs/cgroup/systemd", "cgroup",
			       "rw,xattr,name=systemd")
				    MI("40", "/", "/sys/fs/cgroup/fancy",
				       "cgroup", "rw,frobnicator"));
	put("/proc/self/cgroup", "5:frobnicator:/\n"
				 "4:name=systemd:/user.slice/s.scope\n"
				 "3:pids:/user.slice/s.scope\n"
				 "2:memory:/user.slice\n"
				 "1:cpu,cpuacct:/\n");
	mk("/sys/fs/cgroup/cpu,cpuacct");
	mk("/sys/fs/cgroup/memory/user.slice");
	mk("/sys/fs/cgroup/pids/user.slice/s.scope");
	mk("/sys/fs/cgroup/systemd/user.slice/s.scope");
	mk("/sys/fs/cgroup/fancy");
}

/* As on the development machine: v1 controllers, cgroup2 with hugetlb. */
static void fake_hybrid(void)
{
	put("/proc/self/mountinfo",
	    MI("31", "/", "/sys/fs/cgroup/cpu", "cgroup", "rw,cpu") MI(
		    "32", "/", "/sys/fs/cgroup/cpuacct", "cgroup", "rw,cpuacct")
		    MI("34", "/", "/sys/fs/cgroup/memory", "cgroup",
		       "rw,memory") MI("36", "/", "/sys/fs/cgroup/freezer",
				       "cgroup", "rw,freezer")
			    MI("38", "/", "/sys/fs/cgroup/pids", "cgroup",
			       "rw,pids")
				    MI("40", "/", "/sys/fs/cgroup/unified",
				       "cgroup2", "rw"));
	put("/proc/self/cgroup", "8:pids:/\n"
				 "6:freezer:/\n"
				 "4:memory:/process_api/abc\n"
				 "2:cpuacct:/\n"
				 "1:cpu:/\n"
				 "0::/\n");
	mk("/sys/fs/cgroup/cpu");
	mk("/sys/fs/cgroup/cpuacct");
	mk("/sys/fs/cgroup/memory/process_api/abc");
	mk("/sys/fs/cgroup/freezer");
	mk("/sys/fs/cgroup/pids");
	put("/sys/fs/cgroup/unified/cgroup.subtree_control", "hugetlb\n");
}

static void fake_unified(const char *subtree)
{
	put("/proc/self/mountinfo", MI("26", "/", "/sys/fs/cgroup", "cgroup2",
				       "rw,nsdelegate,memory_recursiveprot"));
	put("/proc/self/cgroup", "0::/ci.slice/job.scope\n");
	put("/sys/fs/cgroup/ci.slice/job.scope/cgroup.subtree_control",
	    subtree);
}

static void detect(struct cg_layout *l)
{
	assert_int_equal(cg_layout_detect_at(root, l), 0);
}

static void own_dir_is(const struct cg_layout *l, enum cg_ctrl c,
		       const char *rel)
{
	char want[PATH_MAX], got[PATH_MAX];

	assert_true(l->by_ctrl[c] >= 0);
	snprintf(want, sizeof(want), "%s%s", root, rel);
	assert_int_equal(cg_own_dir(l, l->by_ctrl[c], got, sizeof(got)), 0);
	assert_string_equal(got, want);
}

static void v1_layout(void **state)
{
	struct cg_layout l;

	fake_v1();
	detect(&l);
	assert_int_equal(l.mode, CG_MODE_V1);
	assert_int_equal(l.unified, -1);
	assert_int_equal(l.n, 5); /* tmpfs is no hierarchy */
	/* co-mounted controllers share one hierarchy */
	assert_int_equal(l.by_ctrl[CG_CPU], l.by_ctrl[CG_CPUACCT]);
	own_dir_is(&l, CG_CPU, "/sys/fs/cgroup/cpu,cpuacct");
	own_dir_is(&l, CG_MEMORY, "/sys/fs/cgroup/memory/user.slice");
	own_dir_is(&l, CG_PIDS, "/sys/fs/cgroup/pids/user.slice/s.scope");
	assert_int_equal(l.by_ctrl[CG_FREEZER], -1);
	assert_int_equal(l.by_ctrl[CG_HUGETLB], -1);
	/* the named hierarchy is found, with no controllers, and usable */
	for (int i = 0; i < l.n; i++)
		if (strcmp(l.hier[i].name, "name=systemd") == 0) {
			assert_string_equal(l.hier[i].own,
					    "/user.slice/s.scope");
			assert_int_equal(l.hier[i].err, 0);
		}
}

static void hybrid_layout(void **state)
{
	struct cg_layout l;

	fake_hybrid();
	detect(&l);
	assert_int_equal(l.mode, CG_MODE_HYBRID);
	assert_true(l.unified >= 0);
	assert_int_equal(l.hier[l.unified].version, 2);
	own_dir_is(&l, CG_MEMORY, "/sys/fs/cgroup/memory/process_api/abc");
	own_dir_is(&l, CG_PIDS, "/sys/fs/cgroup/pids");
	/* v1-bound controllers stay on v1; hugetlb is offered on v2 */
	assert_int_equal(l.hier[l.by_ctrl[CG_PIDS]].version, 1);
	assert_int_equal(l.by_ctrl[CG_HUGETLB], l.unified);
	assert_int_equal(cg_layout_ctrls(&l) & CG_BIT(CG_IO), 0);
}

/* crun's refusal: a hybrid host whose cgroup2 root has controllers. */
static void hybrid_v2_mount(void **state)
{
	struct cg_layout l;
	char want[PATH_MAX];
	const char *m;

	fake_hybrid();
	detect(&l);
	assert_null(cg_hybrid_v2_mount(&l)); /* no cgroup.controllers */
	put("/sys/fs/cgroup/unified/cgroup.controllers", "\n");
	assert_null(cg_hybrid_v2_mount(&l)); /* none: crun runs as it is */
	put("/sys/fs/cgroup/unified/cgroup.controllers", "hugetlb\n");
	m = cg_hybrid_v2_mount(&l);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/unified", root);
	assert_non_null(m);
	assert_string_equal(m, want);
	/* a fake tree is no cgroup2 mount: never unmounted */
	assert_true(cg_detach_v2(m) < 0);
}

static void unified_has_no_hybrid_v2(void **state)
{
	struct cg_layout l;

	fake_unified("cpu memory pids\n");
	put("/sys/fs/cgroup/cgroup.controllers", "cpu memory pids\n");
	detect(&l);
	assert_null(cg_hybrid_v2_mount(&l));
}

static void unified_layout(void **state)
{
	struct cg_layout l;

	/* an unknown controller in subtree_control is ignored */
	fake_unified("cpu memory pids frobnicator\n");
	detect(&l);
	assert_int_equal(l.mode, CG_MODE_UNIFIED);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.hier[0].opts,
			    "rw,nsdelegate,memory_recursiveprot");
	own_dir_is(&l, CG_PIDS, "/sys/fs/cgroup/ci.slice/job.scope");
	assert_int_equal(l.by_ctrl[CG_MEMORY], 0);
	assert_int_equal(l.by_ctrl[CG_IO], -1); /* not delegated to us */
	assert_int_equal(cg_layout_ctrls(&l),
			 CG_BIT(CG_CPU) | CG_BIT(CG_MEMORY) | CG_BIT(CG_PIDS));
}

static void unified_nothing_delegated(void **state)
{
	struct cg_layout l;

	fake_unified("");
	detect(&l);
	assert_int_equal(l.mode, CG_MODE_UNIFIED);
	assert_int_equal(cg_layout_ctrls(&l), 0);
}

/* A runtime bind-mounts our subtree: mountinfo's root names it. */
static void subtree_mount(void **state)
{
	struct cg_layout l;

	put("/proc/self/mountinfo",
	    MI("50", "/docker/abc", "/sys/fs/cgroup/pids", "cgroup", "rw,pids")
		    MI("51", "/docker/abc", "/sys/fs/cgroup/memory", "cgroup",
		       "rw,memory"));
	put("/proc/self/cgroup", "3:pids:/docker/abc/inner\n"
				 "2:memory:/elsewhere\n");
	mk("/sys/fs/cgroup/pids/inner");
	mk("/sys/fs/cgroup/memory");
	detect(&l);
	own_dir_is(&l, CG_PIDS, "/sys/fs/cgroup/pids/inner");
	/* our memory cgroup is outside the mounted subtree: unusable */
	assert_int_equal(l.by_ctrl[CG_MEMORY], -1);
	for (int i = 0; i < l.n; i++)
		if (l.hier[i].ctrls & CG_BIT(CG_MEMORY)) {
			char buf[PATH_MAX];
			assert_int_equal(l.hier[i].err, -ENOENT);
			assert_int_equal(cg_own_dir(&l, i, buf, sizeof(buf)),
					 -ENOENT);
		}
	assert_int_equal(l.mode, CG_MODE_V1);
}

/* Whole-tree mount and subtree bind of one hierarchy: the whole wins. */
static void duplicate_mount_prefers_whole_tree(void **state)
{
	struct cg_layout l;

	put("/proc/self/mountinfo",
	    MI("50", "/a", "/mnt/sub", "cgroup", "rw,pids")
		    MI("51", "/", "/sys/fs/cgroup/pids", "cgroup", "rw,pids"));
	put("/proc/self/cgroup", "3:pids:/b\n");
	mk("/mnt/sub");
	mk("/sys/fs/cgroup/pids/b");
	detect(&l);
	assert_int_equal(l.n, 1);
	own_dir_is(&l, CG_PIDS, "/sys/fs/cgroup/pids/b");
}

static void missing_mount_point_and_escapes(void **state)
{
	struct cg_layout l;

	put("/proc/self/mountinfo",
	    MI("50", "/", "/gone", "cgroup", "rw,pids")
		    MI("51", "/", "/with\\040space", "cgroup", "rw,memory"));
	put("/proc/self/cgroup", "3:pids:/\n2:memory:/\n");
	mk("/with space");
	detect(&l);
	assert_int_equal(l.by_ctrl[CG_PIDS], -1); /* statfs: ENOENT */
	own_dir_is(&l, CG_MEMORY, "/with space");
}

static void no_cgroups_at_all(void **state)
{
	struct cg_layout l;

	put("/proc/self/mountinfo", MI("22", "/", "/", "ext4", "rw"));
	put("/proc/self/cgroup", "");
	detect(&l);
	assert_int_equal(l.mode, CG_MODE_NONE);
	assert_int_equal(cg_layout_ctrls(&l), 0);
	assert_int_equal(cg_layout_detect_at("/nonexistent-root", &l), -ENOENT);
}

/* ---- groups and knobs --------------------------------------------- */

static void v1_knobs(void **state)
{
	struct cg_layout l;
	struct cg_group g;
	const char *dir, *file;
	uint64_t v;

	fake_v1();
	detect(&l);
	assert_int_equal(cg_group_create(&l, "boxcheck-t",
					 CG_BIT(CG_PIDS) | CG_BIT(CG_MEMORY) |
						 CG_BIT(CG_CPU),
					 &g),
			 0);
	dir = cg_group_dir(&g, CG_PIDS);
	assert_non_null(strstr(dir, "/pids/user.slice/s.scope/boxcheck-t"));
	assert_int_equal(cg_set(&g, CGK_PIDS_MAX, 3), -ENOENT);
	TOUCH(dir, "pids.max");
	assert_int_equal(cg_set(&g, CGK_PIDS_MAX, 3), 0);
	assert_string_equal(get(at(dir, "pids.max")), "3");
	assert_int_equal(cg_set(&g, CGK_PIDS_MAX, CG_VAL_MAX), 0);
	assert_string_equal(get(at(dir, "pids.max")), "max");
	put_in(dir, "pids.events", "max 4\n");
	assert_int_equal(cg_get(&g, CGK_PIDS_EVENTS_MAX, &v), 0);
	assert_int_equal(v, 4);

	dir = cg_group_dir(&g, CG_MEMORY);
	TOUCH(dir, "memory.limit_in_bytes", "memory.memsw.limit_in_bytes");
	assert_int_equal(cg_set(&g, CGK_MEM_MAX, CG_VAL_MAX), 0);
	assert_string_equal(get(at(dir, "memory.limit_in_bytes")), "-1");
	assert_int_equal(cg_set(&g, CGK_MEM_SWAP_MAX, 8 << 20), 0);
	assert_string_equal(get(at(dir, "memory.memsw.limit_in_bytes")),
			    "8388608");
	put_in(dir, "memory.oom_control",
	       "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
	assert_int_equal(cg_get(&g, CGK_MEM_OOM_KILL, &v), 0);
	assert_int_equal(v, 2);

	/* cpu and cpuacct share a directory; usage in ns reads as us */
	dir = cg_group_dir(&g, CG_CPU);
	TOUCH(dir, "cpu.cfs_period_us", "cpu.cfs_quota_us");
	assert_int_equal(cg_set(&g, CGK_CPU_PERIOD, 10000), 0);
	assert_int_equal(cg_set(&g, CGK_CPU_QUOTA, 2000), 0);
	assert_string_equal(get(at(dir, "cpu.cfs_period_us")), "10000");
	assert_string_equal(get(at(dir, "cpu.cfs_quota_us")), "2000");
	put_in(dir, "cpuacct.usage", "5000000\n");
	assert_int_equal(cg_get(&g, CGK_CPU_USAGE, &v), 0);
	assert_int_equal(v, 5000);
	put_in(dir, "cpu.stat",
	       "nr_periods 30\nnr_throttled 29\nthrottled_time 1\n");
	assert_int_equal(cg_get(&g, CGK_CPU_NR_THROTTLED, &v), 0);
	assert_int_equal(v, 29);

	/* no freezer hierarchy, no v2: these knobs do not exist here */
	assert_int_equal(cg_set(&g, CGK_FREEZE, 1), -EOPNOTSUPP);
	assert_int_equal(cg_set(&g, CGK_KILL, 1), -EOPNOTSUPP);
	assert_int_equal(cg_knob_locate(&g, CGK_POPULATED, &dir, &file),
			 -EOPNOTSUPP);
	assert_true(cg_knob_missing(-EOPNOTSUPP));
	assert_true(cg_group_destroy(&g) <
		    0); /* fake files stay: rmdir fails */
}

static void unified_knobs(void **state)
{
	struct cg_layout l;
	struct cg_group g, kid;
	const char *dir, *file;
	uint64_t v;

	fake_unified("cpu memory pids\n");
	detect(&l);
	assert_int_equal(cg_group_create(&l, "boxcheck-u", CG_BIT(CG_PIDS), &g),
			 0);
	dir = cg_group_unified(&g);
	assert_non_null(dir);
	assert_ptr_equal(cg_group_dir(&g, CG_PIDS), dir);
	TOUCH(dir, "memory.max", "memory.swap.max", "cgroup.freeze",
	      "cgroup.kill");

	/* cpu.max holds two fields: each knob replaces its own */
	put_in(dir, "cpu.max", "max 100000\n");
	assert_int_equal(cg_set(&g, CGK_CPU_PERIOD, 10000), 0);
	assert_string_equal(get(at(dir, "cpu.max")), "max 10000");
	assert_int_equal(cg_set(&g, CGK_CPU_QUOTA, 2000), 0);
	assert_string_equal(get(at(dir, "cpu.max")), "2000 10000");
	assert_int_equal(cg_get(&g, CGK_CPU_QUOTA, &v), 0);
	assert_int_equal(v, 2000);
	assert_int_equal(cg_set(&g, CGK_CPU_QUOTA, CG_VAL_MAX), 0);
	assert_int_equal(cg_get(&g, CGK_CPU_QUOTA, &v), 0);
	assert_true(v == CG_VAL_MAX);

	assert_int_equal(cg_set(&g, CGK_MEM_MAX, 8 << 20), 0);
	assert_string_equal(get(at(dir, "memory.max")), "8388608");
	assert_int_equal(cg_set(&g, CGK_MEM_SWAP_MAX, 0), 0);
	assert_string_equal(get(at(dir, "memory.swap.max")), "0");
	put_in(dir, "memory.events",
	       "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n");
	assert_int_equal(cg_get(&g, CGK_MEM_OOM_KILL, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(cg_get(&g, CGK_MEM_FAILCNT, &v), 0);
	assert_int_equal(v, 7);

	/* core files: freeze, kill, events; cpu.stat in us */
	assert_int_equal(cg_set(&g, CGK_FREEZE, 1), 0);
	assert_string_equal(get(at(dir, "cgroup.freeze")), "1");
	put_in(dir, "cgroup.events", "populated 1\nfrozen 1\n");
	assert_int_equal(cg_get(&g, CGK_FROZEN, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(cg_get(&g, CGK_POPULATED, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(cg_set(&g, CGK_KILL, 1), 0);
	assert_string_equal(get(at(dir, "cgroup.kill")), "1");
	put_in(dir, "cpu.stat",
	       "usage_usec 300\nuser_usec 200\nsystem_usec 100\n");
	assert_int_equal(cg_get(&g, CGK_CPU_SYSTEM, &v), 0);
	assert_int_equal(v, 100);
	assert_int_equal(cg_knob_locate(&g, CGK_CPU_USAGE, &dir, &file), 0);
	assert_string_equal(file, "cpu.stat");

	/* what a scenario skips on, and statistics are read-only */
	assert_int_equal(cg_get(&g, CGK_PIDS_CURRENT, &v), -ENOENT);
	assert_int_equal(cg_get(&g, CGK_CPU_NR_THROTTLED, &v), -ENODATA);
	put_in(dir, "pids.current", "lots\n");
	assert_int_equal(cg_get(&g, CGK_PIDS_CURRENT, &v), -EBADMSG);
	assert_int_equal(cg_set(&g, CGK_PIDS_CURRENT, 1), -EROFS);
	assert_true(cg_knob_missing(-ENOENT) && cg_knob_missing(-EBADMSG));
	assert_false(cg_knob_missing(-EBUSY));

	/* a child group sits below, on the same hierarchy */
	assert_int_equal(cg_group_child(&g, "kid", &kid), 0);
	assert_non_null(strstr(cg_group_unified(&kid), "/boxcheck-u/kid"));
	assert_int_equal(cg_group_destroy(&kid), 0);
	assert_false(path_exists(at(cg_group_unified(&g), "kid")));
}

/* Hybrid: each knob follows its controller's hierarchy. */
static void hybrid_knobs(void **state)
{
	struct cg_layout l;
	struct cg_group g;
	const char *dir, *file;

	fake_hybrid();
	detect(&l);
	assert_int_equal(cg_group_create(&l, "boxcheck-h", ~0u, &g), 0);
	assert_int_equal(cg_knob_locate(&g, CGK_FREEZE, &dir, &file), 0);
	assert_string_equal(file, "freezer.state");
	TOUCH(dir, "freezer.state");
	assert_int_equal(cg_set(&g, CGK_FREEZE, 1), 0);
	assert_string_equal(get(at(dir, "freezer.state")), "FROZEN");
	put_in(dir, "freezer.state", "FREEZING\n");
	uint64_t v;
	assert_int_equal(cg_get(&g, CGK_FROZEN, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(cg_knob_locate(&g, CGK_KILL, &dir, &file), 0);
	assert_string_equal(dir, cg_group_unified(&g));
	assert_int_equal(cg_knob_locate(&g, CGK_CPU_USAGE, &dir, &file), 0);
	assert_string_equal(file, "cpuacct.usage");
	assert_int_equal(cg_knob_locate(&g, CGK_MEM_MAX, &dir, &file), 0);
	assert_string_equal(file, "memory.limit_in_bytes");
	assert_non_null(strstr(dir, "/memory/process_api/abc/boxcheck-h"));
}

/* Nothing is left: destroy removes every directory it made. */
static void destroy_leaves_nothing(void **state)
{
	struct cg_layout l;
	struct cg_group g, kid;
	char d[CG_MAX_HIER][PATH_MAX];
	int n = 0;

	fake_hybrid();
	detect(&l);
	assert_int_equal(cg_group_create(&l, "boxcheck-d", ~0u, &g), 0);
	assert_int_equal(cg_group_child(&g, "a", &kid), 0);
	for (int i = 0; i < CG_MAX_HIER; i++)
		if (g.hiers & (1u << i))
			strcpy(d[n++], g.dir[i]);
	assert_int_equal(n, 6); /* five v1 hierarchies and the v2 one */
	assert_int_equal(cg_group_destroy(&g), 0);
	assert_int_equal(g.hiers, 0);
	for (int i = 0; i < n; i++)
		assert_false(path_exists(d[i]));
	assert_int_equal(cg_group_destroy(&g), 0); /* idempotent */
	/* names are unique: a second create of the same name fails */
	assert_int_equal(cg_group_create(&l, "x", CG_BIT(CG_PIDS), &g), 0);
	assert_int_equal(cg_group_create(&l, "x", CG_BIT(CG_PIDS), &kid),
			 -EEXIST);
	assert_int_equal(cg_group_destroy(&g), 0);
}

static void procs_and_paths(void **state)
{
	struct cg_layout l;
	char buf[PATH_MAX], want[PATH_MAX];

	fake_hybrid();
	detect(&l);
	put("/g/cgroup.procs", "12\n345\n");
	snprintf(buf, sizeof(buf), "%s/g", root);
	assert_int_equal(cg_dir_has_pid(buf, 345), 1);
	assert_int_equal(cg_dir_has_pid(buf, 34), 0);
	assert_int_equal(cg_dir_nprocs(buf), 2);
	int i = l.by_ctrl[CG_MEMORY];
	assert_int_equal(
		cg_path_dir(&l, i, "/process_api/abc", buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "%s/sys/fs/cgroup/memory/process_api/abc",
		 root);
	assert_string_equal(buf, want);
	assert_int_equal(cg_path_dir(&l, i, "/../x", buf, sizeof(buf)),
			 -ENOENT);
	assert_string_equal(cg_knob_name(CGK_PIDS_MAX), "pids.max");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(v1_layout),
		T(hybrid_layout),
		T(hybrid_v2_mount),
		T(unified_has_no_hybrid_v2),
		T(unified_layout),
		T(unified_nothing_delegated),
		T(subtree_mount),
		T(duplicate_mount_prefers_whole_tree),
		T(missing_mount_point_and_escapes),
		T(no_cgroups_at_all),
		T(v1_knobs),
		T(unified_knobs),
		T(hybrid_knobs),
		T(destroy_leaves_nothing),
		T(procs_and_paths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
