// SPDX-License-Identifier: MIT
/* boxcheck exec: its options, table-driven, into struct exec_args. */
#include "cli.h"
#include "exec.h"
#include "../primitives/ns.h"
#include "../primitives/seccomp.h"

#include <getopt.h>
#include <stddef.h>
#include <string.h>
#include <sys/resource.h>

static const struct weak_opt {
	const char *name;
	size_t off; /* of a bool in struct container_weak */
} weak_opts[] = {
#define W(n, f)                                                                \
	{                                                                      \
		n, offsetof(struct container_weak, f)                          \
	}
	W("no-pivot", no_pivot),
	W("keep-propagation", keep_propagation),
	W("slave-propagation", slave_propagation),
	W("dev-tmpfs", no_dev_tmpfs),
	W("dev-symlinks", no_dev_symlinks),
	W("devpts", no_devpts),
	W("shm", no_shm),
	W("mqueue", no_mqueue),
	W("host-console", host_console),
	W("host-dev", host_dev),
	W("proc-plain", proc_plain),
	W("host-proc", host_proc),
	W("sys-rw", sys_rw),
	W("cgroup-rw", cgroup_rw),
	W("cgroupns-early", cgroupns_early),
	W("host-cgroups", host_cgroups),
	W("mask-files", mask_weak_files),
	W("mask-dirs", mask_rw_dirs),
	W("keep-fds", keep_fds),
	W("keep-keyring", keep_keyring),
	W("noroot", secure_noroot),
#undef W
};

static int weaken(struct exec_args *a, const char *list)
{
	static char buf[1024];
	char *save = NULL, *tok;

	if (strlen(list) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t i;
		if (!strncmp(tok, "dev-omit=", 9)) {
			a->s.weak.dev_omit = tok + 9;
			continue;
		}
		for (i = 0; i < ARRAY_SIZE(weak_opts); i++)
			if (!strcmp(tok, weak_opts[i].name))
				break;
		if (i == ARRAY_SIZE(weak_opts))
			return usage_error("exec: no step '%s' to leave out",
					   tok);
		*(bool *)((char *)&a->s.weak + weak_opts[i].off) = true;
	}
	return 0;
}

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

static int parse_rlimit(struct exec_args *a, const char *v)
{
	static const struct {
		const char *name;
		int res;
	} names[] = { { "nofile", RLIMIT_NOFILE },
		      { "nproc", RLIMIT_NPROC },
		      { "core", RLIMIT_CORE },
		      { "memlock", RLIMIT_MEMLOCK },
		      { "stack", RLIMIT_STACK } };
	unsigned long long s, h;
	char name[16];

	if (sscanf(v, "%15[a-z]=%llu:%llu", name, &s, &h) != 3 || s > h ||
	    a->s.n_rlimits == ARRAY_SIZE(a->rlimits))
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i].name)) {
			a->rlimits[a->s.n_rlimits++] =
				(struct container_rlimit){ names[i].res, s, h };
			a->s.rlimits = a->rlimits;
			return 0;
		}
	return -EINVAL;
}

static int parse_groups(struct exec_args *a, const char *v)
{
	char buf[256], *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", v);
	a->s.n_groups = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		unsigned g;
		if (parse_uint(tok, 0, 65535, &g) < 0 ||
		    a->s.n_groups == ARRAY_SIZE(a->groups))
			return -EINVAL;
		a->groups[a->s.n_groups++] = g;
	}
	a->s.groups = a->groups;
	a->s.set_ids = true;
	return 0;
}

static int parse_deny(struct exec_args *a, const char *v)
{
	static char buf[1024];
	char *save = NULL, *tok;

	snprintf(buf, sizeof(buf), "%s", v);
	a->n_deny = 0;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (seccomp_nr(tok) == -ENOENT ||
		    a->n_deny + 1 >= ARRAY_SIZE(a->deny))
			return -EINVAL;
		a->deny[a->n_deny++] = tok;
	}
	a->deny[a->n_deny] = NULL;
	a->s.seccomp_deny = a->deny;
	return 0;
}

static int parse_join(struct exec_args *a, const char *v)
{
	const char *eq = strchr(v, '=');
	char type[16];

	if (!eq || eq == v || (size_t)(eq - v) >= sizeof(type))
		return -EINVAL;
	snprintf(type, sizeof(type), "%.*s", (int)(eq - v), v);
	for (int t = 0; t < NS__COUNT; t++)
		if (!strcmp(ns_table[t].name, type)) {
			a->s.join[t] = eq + 1;
			return 0;
		}
	return -EINVAL;
}

enum {
	O_NS = 256,
	O_JOIN,
	O_ROOT,
	O_OVERLAY,
	O_HOSTNAME,
	O_PIDS,
	O_MEM,
	O_CPU,
	O_CPU_PERIOD,
	O_CPU_SHARES,
	O_CAPS,
	O_INHERITABLE,
	O_AMBIENT,
	O_UIDMAP,
	O_GIDMAP,
	O_USER,
	O_GROUPS,
	O_CWD,
	O_UMASK,
	O_RLIMIT,
	O_OOM,
	O_RO,
	O_MASK,
	O_RO_PATH,
	O_DENY,
	O_DENY_ERRNO,
	O_LSM,
	O_BIND_IN,
	O_NNP,
	O_CGROUP,
	O_ENV,
	O_INHERIT_ENV,
	O_WEAKEN,
	O_NO_PIVOT,
	O_KEEP_PROP,
	O_STATE_ROOT,
	O_CREATE,
	O_START,
	O_STATE,
	O_KILL,
	O_DELETE,
	O_SIGNAL,
	O_FORCE,
	O_FLAW,
};

static const struct option exec_opts[] = {
	{ "ns", required_argument, NULL, O_NS },
	{ "join", required_argument, NULL, O_JOIN },
	{ "root", required_argument, NULL, O_ROOT },
	{ "overlay", required_argument, NULL, O_OVERLAY },
	{ "hostname", required_argument, NULL, O_HOSTNAME },
	{ "pids-max", required_argument, NULL, O_PIDS },
	{ "memory-max", required_argument, NULL, O_MEM },
	{ "cpu-max", required_argument, NULL, O_CPU },
	{ "cpu-period", required_argument, NULL, O_CPU_PERIOD },
	{ "cpu-shares", required_argument, NULL, O_CPU_SHARES },
	{ "keep-caps", required_argument, NULL, O_CAPS },
	{ "inheritable-caps", required_argument, NULL, O_INHERITABLE },
	{ "ambient-caps", required_argument, NULL, O_AMBIENT },
	{ "uid-map", required_argument, NULL, O_UIDMAP },
	{ "gid-map", required_argument, NULL, O_GIDMAP },
	{ "user", required_argument, NULL, O_USER },
	{ "groups", required_argument, NULL, O_GROUPS },
	{ "cwd", required_argument, NULL, O_CWD },
	{ "umask", required_argument, NULL, O_UMASK },
	{ "rlimit", required_argument, NULL, O_RLIMIT },
	{ "oom-score-adj", required_argument, NULL, O_OOM },
	{ "read-only", no_argument, NULL, O_RO },
	{ "mask", required_argument, NULL, O_MASK },
	{ "ro-path", required_argument, NULL, O_RO_PATH },
	{ "seccomp-deny", required_argument, NULL, O_DENY },
	{ "seccomp-errno", required_argument, NULL, O_DENY_ERRNO },
	{ "lsm", required_argument, NULL, O_LSM },
	{ "bind-in", required_argument, NULL, O_BIND_IN },
	{ "no-new-privs", no_argument, NULL, O_NNP },
	{ "cgroup", required_argument, NULL, O_CGROUP },
	{ "env", required_argument, NULL, O_ENV },
	{ "inherit-env", no_argument, NULL, O_INHERIT_ENV },
	{ "weaken", required_argument, NULL, O_WEAKEN },
	{ "no-pivot", no_argument, NULL, O_NO_PIVOT },
	{ "keep-propagation", no_argument, NULL, O_KEEP_PROP },
	{ "state-root", required_argument, NULL, O_STATE_ROOT },
	{ "create", required_argument, NULL, O_CREATE },
	{ "start", required_argument, NULL, O_START },
	{ "state", required_argument, NULL, O_STATE },
	{ "kill", required_argument, NULL, O_KILL },
	{ "delete", required_argument, NULL, O_DELETE },
	{ "signal", required_argument, NULL, O_SIGNAL },
	{ "force", no_argument, NULL, O_FORCE },
	{ "flaw", required_argument, NULL, O_FLAW },
	{ 0 },
};

/* The options that only set a flag. */
static bool *flag_of(struct exec_args *a, int c)
{
	switch (c) {
	case O_RO:
		return &a->s.readonly_root;
	case O_NNP:
		return &a->s.no_new_privs;
	case O_NO_PIVOT:
		return &a->s.weak.no_pivot;
	case O_KEEP_PROP:
		return &a->s.weak.keep_propagation;
	case O_INHERIT_ENV:
		return &a->inherit_env;
	case O_FORCE:
		return &a->force;
	}
	return NULL;
}

/* The options whose value is kept as given. */
static const char **string_of(struct exec_args *a, int c)
{
	switch (c) {
	case O_ROOT:
		return &a->s.root;
	case O_HOSTNAME:
		return &a->s.hostname;
	case O_CGROUP:
		return &a->cgroup;
	case O_CWD:
		return &a->s.cwd;
	case O_LSM:
		return &a->s.lsm;
	case O_BIND_IN:
		return &a->s.bind_in;
	case O_STATE_ROOT:
		return &a->state_root;
	case O_SIGNAL:
		return &a->signal;
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

/* The lifecycle operations: --create ID and the rest. */
static bool life_op(struct exec_args *a, int c, const char *v)
{
	static const struct {
		int opt;
		enum life_op op;
	} ops[] = { { O_CREATE, OP_CREATE },
		    { O_START, OP_START },
		    { O_STATE, OP_STATE },
		    { O_KILL, OP_KILL },
		    { O_DELETE, OP_DELETE } };

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (ops[i].opt == c) {
			a->op = ops[i].op;
			a->id = v;
			return true;
		}
	return false;
}

static int take_flaw(struct exec_args *a, const char *v)
{
	for (int f = 1; f < FLAW__COUNT; f++)
		if (!strcmp(v, life_flaw_names[f])) {
			a->flaw = f;
			return 0;
		}
	return usage_error("exec: no flaw '%s'", v);
}

/* The options with a value to check. */
static int take_value(struct exec_args *a, int c, const char *v)
{
	unsigned u;

	switch (c) {
	case O_NS:
		return ns_parse_list(v, &a->s.ns) < 0 ? -EINVAL : 0;
	case O_JOIN:
		return parse_join(a, v);
	case O_OVERLAY:
		return split_lowers(a, v);
	case O_PIDS:
		return parse_bytes(v, &a->pids) < 0 || !a->pids ? -EINVAL : 0;
	case O_MEM:
		return parse_bytes(v, &a->mem) < 0 || !a->mem ? -EINVAL : 0;
	case O_CPU:
		return parse_uint(v, 1, 100 * 1024, &u) < 0 ? -EINVAL
							    : (a->cpu = u, 0);
	case O_CPU_PERIOD:
		return parse_uint(v, 1000, 1000000, &u) < 0
			       ? -EINVAL
			       : (a->cpu_period = u, 0);
	case O_CPU_SHARES:
		return parse_uint(v, 2, 262144, &u) < 0
			       ? -EINVAL
			       : (a->cpu_shares = u, 0);
	case O_UIDMAP:
	case O_GIDMAP:
		return idmap_parse_spec(v, c == O_UIDMAP ? &a->uid : &a->gid) <
					       0 ||
				       idmap_validate(c == O_UIDMAP
							      ? &a->uid
							      : &a->gid) < 0
			       ? -EINVAL
			       : 0;
	case O_USER:
		a->s.set_ids = true;
		return sscanf(v, "%u:%u", &a->s.uid, &a->s.gid) == 2 ? 0
								     : -EINVAL;
	case O_GROUPS:
		return parse_groups(a, v);
	case O_UMASK:
		return parse_uint(v, 0, 0777, &u) < 0 || v[0] != '0'
			       ? -EINVAL
			       : (a->s.umask = (int)strtoul(v, NULL, 8), 0);
	case O_RLIMIT:
		return parse_rlimit(a, v);
	case O_OOM:
		a->s.set_oom = true;
		a->s.oom_score_adj = atoi(v);
		return a->s.oom_score_adj < -1000 || a->s.oom_score_adj > 1000
			       ? -EINVAL
			       : 0;
	case O_DENY:
		return parse_deny(a, v);
	case O_DENY_ERRNO:
		return parse_uint(v, 1, 4095, &u) < 0
			       ? -EINVAL
			       : (a->s.seccomp_errno = (int)u, 0);
	}
	return -ENOENT;
}

/* The repeated options, kept in lists. */
static int take_list(struct exec_args *a, int c, const char *v)
{
	switch (c) {
	case O_MASK:
		if (a->n_masked + 1 == ARRAY_SIZE(a->masked))
			return -E2BIG;
		a->masked[a->n_masked++] = v;
		a->s.masked = a->masked;
		return 0;
	case O_RO_PATH:
		if (a->n_ro + 1 == ARRAY_SIZE(a->ro_paths))
			return -E2BIG;
		a->ro_paths[a->n_ro++] = v;
		a->s.ro_paths = a->ro_paths;
		return 0;
	case O_ENV:
		if (!strchr(v, '=') || a->n_env + 4 >= ARRAY_SIZE(a->env))
			return -EINVAL;
		a->env[a->n_env++] = (char *)v;
		return 0;
	}
	return -ENOENT;
}

/* One option; 0, or a usage error already printed (EXIT_USAGE). */
static int take(struct exec_args *a, int c, const char *v, const char *opt)
{
	const char *bad = NULL, **str = string_of(a, c);
	bool *flag = flag_of(a, c);
	capmask_t *caps = caps_of(a, c);
	int r;

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
	if (c == O_WEAKEN)
		return weaken(a, v);
	if (c == O_FLAW)
		return take_flaw(a, v);
	if (life_op(a, c, v))
		return 0;
	r = take_value(a, c, v);
	if (r == -ENOENT)
		r = take_list(a, c, v);
	if (r == -ENOENT)
		return usage_error("exec: unknown option (see 'boxcheck exec "
				   "--help')");
	return r < 0 ? usage_error("exec: bad %s '%s'", opt, v) : 0;
}

static void defaults(struct exec_args *a)
{
	static char path[] = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
			     "/usr/bin:/sbin:/bin";
	static char home[] = "HOME=/";

	a->s.ns = NS_ALL;
	a->s.set_caps = true;
	a->s.caps = caps_default;
	a->s.umask = -1;
	a->s.seccomp_errno = EPERM;
	a->s.oci_dev = true;
	a->s.close_fds = true;
	a->s.new_keyring = true;
	a->cpu_period = 100000;
	idmap_single(&a->uid, 0, 100000, 65536);
	idmap_single(&a->gid, 0, 100000, 65536);
	a->env[a->n_env++] = path;
	a->env[a->n_env++] = home;
}

extern char **environ;

/* The environment: what --env gave (after the defaults), or with ours. */
static void environment(struct exec_args *a)
{
	static char *all[256];
	size_t n = 0;

	if (!a->inherit_env) {
		a->s.envp = a->env;
		return;
	}
	for (char **e = environ; e && *e && n + 1 < ARRAY_SIZE(all); e++)
		all[n++] = *e;
	for (size_t i = 0; i < a->n_env && n + 1 < ARRAY_SIZE(all); i++)
		all[n++] = a->env[i];
	all[n] = NULL;
	a->s.envp = all;
}

/* After the options: what only makes sense together. */
static int finish(int argc, char **argv, struct exec_args *a)
{
	if (a->op != OP_NONE && !a->state_root)
		return usage_error("exec: --create and the rest want "
				   "--state-root DIR");
	if (a->op != OP_NONE && a->op != OP_CREATE)
		return optind < argc ? usage_error("exec: unexpected '%s'",
						   argv[optind])
				     : 0;
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
	for (int t = 0; t < NS__COUNT; t++)
		if (a->s.join[t])
			a->s.ns &= ~NS_BIT(t);
	a->s.uid_map = &a->uid;
	a->s.gid_map = &a->gid;
	a->s.argv = argv + optind;
	environment(a);
	return 0;
}

int exec_parse(int argc, char **argv, struct exec_args *a)
{
	int c, r;

	defaults(a);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", exec_opts, NULL)) != -1) {
		if (c == '?')
			return usage_error("exec: unknown option '%s'",
					   argv[optind - 1]);
		r = take(a, c, optarg, argv[optind - 1]);
		if (r)
			return r;
	}
	return finish(argc, argv, a);
}
