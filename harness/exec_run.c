// SPDX-License-Identifier: MIT
/*
 * boxcheck exec: the launcher's side of the reference container: its own
 * mount namespace (the fence), the cgroup with the limits asked for, the
 * overlay's scratch dir, the start, and waiting.
 */
#include "cli.h"
#include "exec.h"
#include "instance.h"

#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define EXEC_CTRLS (CG_BIT(CG_PIDS) | CG_BIT(CG_MEMORY) | CG_BIT(CG_CPU))

/*
 * The hierarchies the group is made on: those of the limits asked for,
 * and the cgroup2 one (it tracks every process; CLONE_INTO_CGROUP). A v1
 * hierarchy with no limit of ours adds no isolation, only a mkdir, a
 * cgroup.procs write and an rmdir per start (and a memcg or a cpu group
 * in the kernel): without --memory-max the container's memory is charged
 * to our memory cgroup, without --cpu-max or --cpu-shares its threads are
 * not grouped for the CPU scheduler, as for any process of ours. A named
 * group (--cgroup) is a placement: on all three, as before.
 */
static unsigned exec_ctrls(const struct exec_args *a)
{
	unsigned c = 0;

	if (a->cgroup)
		return EXEC_CTRLS;
	if (a->pids)
		c |= CG_BIT(CG_PIDS);
	if (a->mem)
		c |= CG_BIT(CG_MEMORY);
	if (a->cpu || a->cpu_shares)
		c |= CG_BIT(CG_CPU);
	return c;
}
/*
 * --cgroup a/b: make the missing parents (as runc does) on each hierarchy
 * the group will use, and remember them for removal.
 */
static int make_parents(struct exec_env *e, const char *name)
{
	for (int i = 0; i < e->l.n; i++) {
		char own[PATH_MAX], path[PATH_MAX];
		const char *slash = name;

		if (!(e->l.hier[i].ctrls & EXEC_CTRLS) && i != e->l.unified)
			continue;
		if (cg_own_dir(&e->l, i, own, sizeof(own)) < 0)
			continue;
		while ((slash = strchr(slash, '/'))) {
			snprintf(path, sizeof(path), "%.3000s/%.*s", own,
				 (int)(slash++ - name), name);
			if (mkdir(path, 0755) == 0 &&
			    e->n_made < (int)ARRAY_SIZE(e->made))
				snprintf(e->made[e->n_made++], PATH_MAX,
					 "%.4000s", path);
			else if (errno != EEXIST)
				return neg_errno();
		}
	}
	return 0;
}

/*
 * The cpu weight: v1 cpu.shares as given, v2 cpu.weight from it (runc's
 * mapping of 2..262144 onto 1..10000).
 */
static int cpu_weight(const struct cg_group *g, uint64_t shares)
{
	const char *v2 = cg_group_unified(g);
	char path[PATH_MAX + 32];
	int r = cg_group_path(g, CG_CPU, "cpu.shares", path, sizeof(path));

	if (r == 0 && path_exists(path))
		return write_fmt(path, "%llu", (unsigned long long)shares);
	if (!v2)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/cpu.weight", v2);
	return write_fmt(path, "%llu",
			 1 + ((unsigned long long)shares - 2) * 9999 / 262142);
}

/* A cgroup below ours with the limits asked for. */
static int setup_cgroup(struct exec_args *a, struct exec_env *e)
{
	int r = cg_layout_detect_for(&e->l, exec_ctrls(a));

	if (r < 0 || e->l.mode == CG_MODE_NONE)
		return r < 0 ? r : -EOPNOTSUPP;
	if (a->cgroup && (strstr(a->cgroup, "..") || a->cgroup[0] == '/'))
		return -EINVAL;
	if (a->cgroup && (r = make_parents(e, a->cgroup)) < 0)
		return r;
	r = cg_group_create(&e->l, a->cgroup ? a->cgroup : e->name,
			    exec_ctrls(a), &e->cg);
	if (r < 0)
		return r;
	if (a->pids && (r = cg_set(&e->cg, CGK_PIDS_MAX, a->pids)) < 0)
		return r;
	if (a->mem && (r = cg_set(&e->cg, CGK_MEM_MAX, a->mem)) < 0)
		return r;
	if (a->cpu &&
	    ((r = cg_set(&e->cg, CGK_CPU_PERIOD, a->cpu_period)) < 0 ||
	     (r = cg_set(&e->cg, CGK_CPU_QUOTA, a->cpu * a->cpu_period / 100)) <
		     0))
		return r;
	if (a->cpu_shares && (r = cpu_weight(&e->cg, a->cpu_shares)) < 0)
		return r;
	a->s.cg = &e->cg;
	return 0;
}

static bool wants_cgroup(const struct exec_args *a)
{
	return a->pids || a->mem || a->cpu || a->cpu_shares || a->cgroup;
}

void exec_env_init(struct exec_env *e)
{
	e->l.mode = CG_MODE_NONE;
	e->l.n = 0;
	e->cg.layout = NULL;
	e->cg.hiers = 0;
	e->name[0] = e->scratch[0] = '\0';
	e->n_made = 0;
}

int exec_setup(struct exec_args *a, struct exec_env *e, const char **what)
{
	int r = 0;

	/* Our name (a read of /proc/self/stat), only for what it names. */
	if (a->s.n_lowers || wants_cgroup(a))
		r = instance_name(e->name, sizeof(e->name));

	/* --bind-in's mount point, made as ourselves (root inside may not) */
	if (r == 0 && a->s.bind_in && a->s.root) {
		char p[PATH_MAX * 2];
		*what = "--bind-in's mount point";
		snprintf(p, sizeof(p), "%s%s", a->s.root, a->s.bind_in);
		r = mkdir_p(p, 0755);
	}

	if (r == 0 && a->s.n_lowers) {
		*what = "scratch dir";
		r = mkdir_p(instance_base(), 0755);
		snprintf(e->scratch, sizeof(e->scratch), "%s/%s",
			 instance_base(), e->name);
		if (r == 0 && mkdir(e->scratch, 0755) < 0)
			r = neg_errno();
		a->s.scratch = e->scratch;
	}
	if (r == 0 && wants_cgroup(a)) {
		*what = "cgroup";
		r = setup_cgroup(a, e);
	}
	return r;
}

void exec_teardown(struct exec_env *e)
{
	if (e->cg.layout)
		cg_group_destroy(&e->cg);
	while (e->n_made-- > 0) /* deepest last made, removed first */
		rmdir(e->made[e->n_made]);
	if (e->scratch[0])
		container_scratch_remove(e->scratch); /* never across a mount */
}

/*
 * With a mount namespace, the launcher first moves into one of its own:
 * its mounts become slaves of the host's (nothing propagates back), then
 * shared among themselves. A container that leaves its mounts as copied
 * (--keep-propagation, or a bug) then shows it, on any host, and can
 * reach this namespace only. Root only: without it there is nothing here
 * a container could change.
 */
int exec_fence(const struct exec_args *a)
{
	if (!(a->s.ns & NS_BIT(NS_MNT)) || geteuid() != 0)
		return 0;
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SHARED, NULL) < 0)
		return neg_errno();
	return 0;
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

/* Wait; a signal to us ends the container (its init ignores most). */
int exec_wait(pid_t pid)
{
	int st;

	catch_stop_signals(on_signal);
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return EXIT_START;
		if (stop)
			kill(pid, SIGKILL);
	}
	return exit_code_of(st);
}

/* Start it; 0 with *pid, or the exit status that says why not. */
int exec_start(struct exec_args *a, pid_t *pid)
{
	struct container_error ce = { "", 0 };
	int r = container_start(&a->s, pid, &ce);

	if (r == 0)
		return 0;
	fprintf(stderr, "boxcheck: exec: %s: %s\n", ce.step, strerror(-r));
	if (strcmp(ce.step, "execve") == 0)
		return r == -ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC;
	return EXIT_START;
}
