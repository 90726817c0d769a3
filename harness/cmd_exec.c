// SPDX-License-Identifier: MIT
/* boxcheck exec: run a command in the reference container. */
#include "cli.h"
#include "instance.h"
#include "../primitives/container.h"
#include "../primitives/ns.h"

#include <getopt.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <string.h>

const char usage_exec[] =
	"usage: boxcheck exec [--ns LIST] [--root DIR | --overlay "
	"LOWER[:LOWER...]]\n"
	"                     [--hostname H] [--pids-max N] [--memory-max "
	"BYTES]\n"
	"                     [--cpu-max PCT] [--keep-caps LIST]\n"
	"                     [--inheritable-caps LIST] [--ambient-caps LIST]\n"
	"                     [--uid-map SPEC] [--no-pivot] "
	"[--keep-propagation]\n"
	"                     [--gid-map SPEC] [--read-only] [--mask PATH]...\n"
	"                     [--no-new-privs] [--cgroup NAME] [--env K=V]...\n"
	"                     -- CMD [ARG...]\n"
	"\n"
	"Runs CMD in boxcheck's reference container and exits with its status\n"
	"(128+N when killed by signal N).\n"
	"\n"
	"  --ns LIST        new namespaces: all (default) or a comma list of\n"
	"                   cgroup,ipc,mnt,net,pid,time,user,uts\n"
	"  --root DIR       pivot_root into DIR (with /proc and a minimal "
	"/dev)\n"
	"  --overlay L1:L2  an overlay of these lower dirs (L1 on top) as "
	"root;\n"
	"                   writes go to a scratch upper dir, removed at exit\n"
	"  --pids-max N, --memory-max BYTES[K|M|G], --cpu-max PCT\n"
	"                   cgroup limits (a cgroup below ours, removed at "
	"exit)\n"
	"  --cgroup NAME    name of that cgroup, relative to our own\n"
	"  --keep-caps LIST capabilities kept (default: the OCI default set;\n"
	"                   'all', 'none' or cap_x,cap_y): bounding, "
	"permitted\n"
	"                   and effective sets\n"
	"  --inheritable-caps LIST of those, left in the inheritable set\n"
	"                   (default none: only what --ambient-caps needs)\n"
	"  --ambient-caps LIST of those, raised in the ambient set too, so a\n"
	"                   non-root uid keeps them over execve (default "
	"none)\n"
	"  --uid-map, --gid-map IN:OUT:COUNT[,...] (default 0:100000:65536)\n"
	"  --read-only      remount the root read-only\n"
	"  --mask PATH      make PATH unreadable inside (repeatable)\n"
	"  --no-new-privs   set no_new_privs before execve\n"
	"  --no-pivot       chroot into the root instead of pivot_root (the\n"
	"                   old root stays in the mount namespace)\n"
	"  --keep-propagation  leave mounts as copied, not private (they\n"
	"                   stay peers or slaves of a namespace of our own)\n"
	"\n"
	"With a mount namespace, exec first moves into one of its own whose\n"
	"mounts receive from the host's but never send to it.\n"
	"\n"
	"Exit status: CMD's; 125 the container could not start; 126 CMD not\n"
	"executable; 127 CMD not found; 2 bad usage.\n";

enum { EXIT_START = 125, EXIT_NOEXEC = 126, EXIT_NOTFOUND = 127 };

struct exec_args {
	struct container_spec s;
	struct idmap uid, gid;
	const char *lowers[16], *masked[16], *cgroup;
	char *env[32];
	size_t n_env, n_masked;
	char overlay_buf[4096];
	uint64_t pids, mem, cpu;
};

static int parse_bytes(const char *s, uint64_t *out)
{
	static const struct {
		char suffix;
		int shift;
	} units[] = { { 'K', 10 }, { 'M', 20 }, { 'G', 30 } };
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *s == '-')
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(units) && *end; i++)
		if ((*end | 0x20) == (units[i].suffix | 0x20) && !end[1]) {
			v <<= units[i].shift;
			end++;
		}
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

static int split_lowers(struct exec_args *a, const char *list)
{
	char *save = NULL;

	snprintf(a->overlay_buf, sizeof(a->overlay_buf), "%s", list);
	for (char *t = strtok_r(a->overlay_buf, ":", &save); t;
	     t = strtok_r(NULL, ":", &save)) {
		if (a->s.n_lowers == ARRAY_SIZE(a->lowers))
			return -E2BIG;
		a->lowers[a->s.n_lowers++] = t;
	}
	a->s.lowers = a->lowers;
	return a->s.n_lowers ? 0 : -EINVAL;
}

enum {
	O_NS = 256,
	O_ROOT,
	O_OVERLAY,
	O_HOSTNAME,
	O_PIDS,
	O_MEM,
	O_CPU,
	O_CAPS,
	O_INHERITABLE,
	O_AMBIENT,
	O_UIDMAP,
	O_GIDMAP,
	O_RO,
	O_MASK,
	O_NNP,
	O_CGROUP,
	O_ENV,
	O_NO_PIVOT,
	O_KEEP_PROP,
};

static const struct option exec_opts[] = {
	{ "ns", required_argument, NULL, O_NS },
	{ "root", required_argument, NULL, O_ROOT },
	{ "overlay", required_argument, NULL, O_OVERLAY },
	{ "hostname", required_argument, NULL, O_HOSTNAME },
	{ "pids-max", required_argument, NULL, O_PIDS },
	{ "memory-max", required_argument, NULL, O_MEM },
	{ "cpu-max", required_argument, NULL, O_CPU },
	{ "keep-caps", required_argument, NULL, O_CAPS },
	{ "inheritable-caps", required_argument, NULL, O_INHERITABLE },
	{ "ambient-caps", required_argument, NULL, O_AMBIENT },
	{ "uid-map", required_argument, NULL, O_UIDMAP },
	{ "gid-map", required_argument, NULL, O_GIDMAP },
	{ "read-only", no_argument, NULL, O_RO },
	{ "mask", required_argument, NULL, O_MASK },
	{ "no-new-privs", no_argument, NULL, O_NNP },
	{ "cgroup", required_argument, NULL, O_CGROUP },
	{ "env", required_argument, NULL, O_ENV },
	{ "no-pivot", no_argument, NULL, O_NO_PIVOT },
	{ "keep-propagation", no_argument, NULL, O_KEEP_PROP },
	{ 0 },
};

/* The options that only set a flag, or keep their value as given. */
static bool *flag_of(struct exec_args *a, int c)
{
	switch (c) {
	case O_RO:
		return &a->s.readonly_root;
	case O_NNP:
		return &a->s.no_new_privs;
	case O_NO_PIVOT:
		return &a->s.no_pivot;
	case O_KEEP_PROP:
		return &a->s.keep_propagation;
	}
	return NULL;
}

static const char **string_of(struct exec_args *a, int c)
{
	switch (c) {
	case O_ROOT:
		return &a->s.root;
	case O_HOSTNAME:
		return &a->s.hostname;
	case O_CGROUP:
		return &a->cgroup;
	}
	return NULL;
}

static capmask_t *caps_of(struct exec_args *a, int c)
{
	switch (c) {
	case O_CAPS:
		a->s.set_caps = true;
		return &a->s.caps;
	case O_INHERITABLE:
		return &a->s.inheritable_caps;
	case O_AMBIENT:
		return &a->s.ambient_caps;
	}
	return NULL;
}

/* One option; 0, or a usage error already printed (EXIT_USAGE). */
static int take(struct exec_args *a, int c, const char *v)
{
	const char *bad = NULL, **str = string_of(a, c);
	bool *flag = flag_of(a, c);
	capmask_t *caps = caps_of(a, c);
	unsigned u;

	if (flag || str) {
		if (flag)
			*flag = true;
		else
			*str = v;
		return 0;
	}
	if (caps)
		return caps_parse_list(v, caps, &bad) < 0
			       ? usage_error("exec: unknown capability '%s'",
					     bad ? bad : v)
			       : 0;
	switch (c) {
	case O_NS:
		return ns_parse_list(v, &a->s.ns) < 0
			       ? usage_error("exec: bad --ns '%s'", v)
			       : 0;
	case O_OVERLAY:
		return split_lowers(a, v) < 0
			       ? usage_error("exec: bad --overlay '%s'", v)
			       : 0;
	case O_PIDS:
		return parse_bytes(v, &a->pids) < 0 || !a->pids
			       ? usage_error("exec: bad --pids-max '%s'", v)
			       : 0;
	case O_MEM:
		return parse_bytes(v, &a->mem) < 0 || !a->mem
			       ? usage_error("exec: bad --memory-max '%s'", v)
			       : 0;
	case O_CPU:
		if (parse_uint(v, 1, 100 * 1024, &u) < 0)
			return usage_error("exec: bad --cpu-max '%s'", v);
		a->cpu = u;
		return 0;
	case O_UIDMAP:
	case O_GIDMAP:
		if (idmap_parse_spec(v, c == O_UIDMAP ? &a->uid : &a->gid) <
			    0 ||
		    idmap_validate(c == O_UIDMAP ? &a->uid : &a->gid) < 0)
			return usage_error("exec: bad id map '%s'", v);
		return 0;
	case O_MASK:
		if (a->n_masked + 1 == ARRAY_SIZE(a->masked))
			return usage_error("exec: too many --mask");
		a->masked[a->n_masked++] = v;
		a->s.masked = a->masked;
		return 0;
	case O_ENV:
		if (!strchr(v, '=') || a->n_env + 4 >= ARRAY_SIZE(a->env))
			return usage_error("exec: bad --env '%s'", v);
		a->env[a->n_env++] = (char *)v;
		return 0;
	}
	return usage_error("exec: unknown option (see 'boxcheck exec --help')");
}

static void defaults(struct exec_args *a)
{
	static char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
			     "/usr/bin:/sbin:/bin";
	static char home[] = "HOME=/";

	a->s.ns = NS_ALL;
	a->s.set_caps = true;
	a->s.caps = caps_default;
	idmap_single(&a->uid, 0, 100000, 65536);
	idmap_single(&a->gid, 0, 100000, 65536);
	a->env[a->n_env++] = path;
	a->env[a->n_env++] = home;
}

static int parse(int argc, char **argv, struct exec_args *a)
{
	int c, r;

	defaults(a);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", exec_opts, NULL)) != -1)
		if (c == '?' || (r = take(a, c, optarg)) != 0)
			return c == '?' ? usage_error("exec: unknown option "
						      "'%s'",
						      argv[optind - 1])
					: r;
	if (optind >= argc)
		return usage_error("exec: no command (boxcheck exec [OPTIONS] "
				   "-- CMD ...)");
	if (a->s.root && a->s.n_lowers)
		return usage_error("exec: --root and --overlay exclude each "
				   "other");
	if ((a->s.ambient_caps | a->s.inheritable_caps) & ~a->s.caps)
		return usage_error(
			"exec: --ambient-caps and --inheritable-caps "
			"must be among the kept capabilities");
	a->s.ns &= ns_available();
	a->s.uid_map = &a->uid;
	a->s.gid_map = &a->gid;
	a->s.argv = argv + optind;
	a->s.envp = a->env;
	return 0;
}

struct exec_env {
	struct cg_layout l;
	struct cg_group cg;
	char name[96];
	char scratch[PATH_MAX];
	char made[8][PATH_MAX]; /* parent cgroup dirs we created, in order */
	int n_made;
};

#define EXEC_CTRLS (CG_BIT(CG_PIDS) | CG_BIT(CG_MEMORY) | CG_BIT(CG_CPU))

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

/* A cgroup below ours with the limits asked for. */
static int setup_cgroup(struct exec_args *a, struct exec_env *e)
{
	int r = cg_layout_detect(&e->l);

	if (r < 0 || e->l.mode == CG_MODE_NONE)
		return r < 0 ? r : -EOPNOTSUPP;
	if (a->cgroup && (strstr(a->cgroup, "..") || a->cgroup[0] == '/'))
		return -EINVAL;
	if (a->cgroup && (r = make_parents(e, a->cgroup)) < 0)
		return r;
	r = cg_group_create(&e->l, a->cgroup ? a->cgroup : e->name, EXEC_CTRLS,
			    &e->cg);
	if (r < 0)
		return r;
	if (a->pids && (r = cg_set(&e->cg, CGK_PIDS_MAX, a->pids)) < 0)
		return r;
	if (a->mem && (r = cg_set(&e->cg, CGK_MEM_MAX, a->mem)) < 0)
		return r;
	if (a->cpu && ((r = cg_set(&e->cg, CGK_CPU_PERIOD, 100000)) < 0 ||
		       (r = cg_set(&e->cg, CGK_CPU_QUOTA, a->cpu * 1000)) < 0))
		return r;
	a->s.cg = &e->cg;
	return 0;
}

static bool wants_cgroup(const struct exec_args *a)
{
	return a->pids || a->mem || a->cpu || a->cgroup;
}

static int setup(struct exec_args *a, struct exec_env *e, const char **what)
{
	int r = instance_name(e->name, sizeof(e->name));

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

static void teardown(struct exec_env *e)
{
	if (e->cg.layout)
		cg_group_destroy(&e->cg);
	while (e->n_made-- > 0) /* deepest last made, removed first */
		rmdir(e->made[e->n_made]);
	if (e->scratch[0])
		rm_rf(e->scratch); /* never crosses a mount */
}

/*
 * With a mount namespace, the launcher first moves into one of its own:
 * its mounts become slaves of the host's (nothing propagates back), then
 * shared among themselves. A container that leaves its mounts as copied
 * (--keep-propagation, or a bug) then shows it, on any host, and can
 * reach this namespace only. Root only: without it there is nothing here
 * a container could change.
 */
static int fence(const struct exec_args *a)
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
static int wait_container(pid_t pid)
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

int cmd_exec(int argc, char **argv)
{
	struct exec_args a = { 0 };
	struct exec_env e = { 0 };
	struct container_error ce = { "", 0 };
	const char *what = "";
	pid_t pid;
	int r = parse(argc, argv, &a), code;

	if (r)
		return r;
	what = "a mount namespace of our own";
	r = fence(&a);
	if (r == 0)
		r = setup(&a, &e, &what);
	if (r < 0) {
		fprintf(stderr, "boxcheck: exec: %s: %s\n", what, strerror(-r));
		teardown(&e);
		return EXIT_START;
	}
	r = container_start(&a.s, &pid, &ce);
	if (r < 0) {
		fprintf(stderr, "boxcheck: exec: %s: %s\n", ce.step,
			strerror(-r));
		teardown(&e);
		if (strcmp(ce.step, "execve") == 0)
			return r == -ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC;
		return EXIT_START;
	}
	code = wait_container(pid);
	teardown(&e);
	return code;
}
