// SPDX-License-Identifier: MIT
/* A bench run's environment: run dir, fixture, bench cgroup. */
#include "bench_env.h"
#include "../bench/fixture.h"
#include "host.h"
#include "instance.h"

#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

/* <dir of our binary>/NAME */
static int beside_binary(const char *name, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return neg_errno();
	exe[n] = '\0';
	snprintf(buf, len, "%s/%s", dirname(exe), name);
	return 0;
}

/*
 * cgroup v1 cpuset: a new group has no CPUs or memory nodes until given
 * some, and attaching to it fails with ENOSPC. Give ours our own and let
 * its children (per-sample groups) inherit them (cgroup.clone_children).
 */
static void cpuset_inherit(const struct cg_group *g)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	const char *dir = cg_group_dir(g, CG_CPUSET);
	char path[PATH_MAX + 32], val[4096];

	if (!dir || g->layout->by_ctrl[CG_CPUSET] == g->layout->unified)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/../%s", dir, files[i]);
		if (read_text(path, val, sizeof(val)) <= 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		write_text(path, chomp(val));
	}
	snprintf(path, sizeof(path), "%s/cgroup.clone_children", dir);
	write_text(path, "1");
}

/*
 * An absolute cgroup path below our own on every hierarchy, for tools that
 * take only one; what they create along it is removed by bench_env_release.
 */
static void common_cgroup(struct bench_env *e)
{
	char deep[PATH_MAX];

	if (cg_common_own(&e->cg, deep, sizeof(deep)) < 0)
		return;
	snprintf(e->cg_abs, sizeof(e->cg_abs), "%s/%s",
		 strcmp(deep, "/") == 0 ? "" : deep, e->inst);
	cg_abs_track(&e->cg, e->cg_abs, &e->cg_made);
	instance_note_cgroups(e->rundir, &e->cg, &e->cg_made);
}

int bench_env_setup(struct bench_env *e, char *err, size_t len)
{
	char tiny[PATH_MAX];
	int r;

	if ((r = instance_name(e->inst, sizeof(e->inst))) < 0)
		return snprintf(err, len, "instance name"), r;
	snprintf(e->rundir, sizeof(e->rundir), "%s/%s", instance_base(),
		 e->inst);
	snprintf(e->scratch, sizeof(e->scratch), "%s/scratch", e->rundir);
	snprintf(e->extdir, sizeof(e->extdir), "%s/ext", e->rundir);
	/* 0755 all the way: mapped container root must traverse to scratch */
	if ((r = mkdir_p(e->scratch, 0755)) < 0 ||
	    (r = mkdir_p(e->extdir, 0755)) < 0 ||
	    chmod(instance_base(), 0755) < 0 || chmod(e->rundir, 0755) < 0)
		return snprintf(err, len, "creating %s", e->rundir),
		       r < 0 ? r : neg_errno();
	beside_binary("bench-rootfs", e->rootfs, sizeof(e->rootfs));
	beside_binary("bench-tiny", tiny, sizeof(tiny));
	if ((r = fixture_prepare(e->rootfs, "/bin/busybox", tiny)) < 0)
		return snprintf(err, len,
				"preparing %s from /bin/busybox and %s "
				"(busybox-static installed? make built it?)",
				e->rootfs, tiny),
		       r;
	if (cg_layout_detect(&e->cg) == 0 &&
	    cg_group_create(&e->cg, e->inst, cg_layout_ctrls(&e->cg),
			    &e->group) == 0) {
		e->have_group = true;
		cpuset_inherit(&e->group);
		common_cgroup(e);
	}
	return 0;
}

/* Our cgroup and whatever runtimes made below our name on any hierarchy. */
void bench_env_release(struct bench_env *e)
{
	if (e->have_group)
		cg_group_destroy(&e->group);
	for (int i = 0; i < e->cg.n; i++) {
		char own[PATH_MAX], path[PATH_MAX + 80];
		if (cg_own_dir(&e->cg, i, own, sizeof(own)) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", own, e->inst);
		if (path_exists(path))
			cg_dir_remove(path);
	}
	if (e->cg_abs[0])
		cg_abs_release(&e->cg, &e->cg_made);
	if (e->rundir[0])
		rm_rf(e->rundir);
}

void bench_env_ladder(const struct bench_env *e, struct ladder_ctx *c)
{
	c->rootfs = e->rootfs;
	c->scratch = e->scratch;
	c->cg_parent = e->have_group ? &e->group : NULL;
	c->have_into = e->have_group && cg_group_unified(&e->group) &&
		       feature_probe(FEAT_CLONE_INTO_CGROUP);
}
