// SPDX-License-Identifier: MIT
/*
 * ref: boxcheck's own reference container, `boxcheck exec` asked for the
 * standard profile, and ref-without:STEP, the same with exactly one step
 * left out (or, for the attacker's view, with every guard of one threat
 * left out: "guards-*"). The template is built from the profile: one
 * option per item of it (ref_opt), and the steps (ref_steps) drop options
 * or add the weaker variants of `boxcheck exec --weaken`.
 */
#include "targets.h"

#include <string.h>

/* The items of the profile, as exec options. */
enum ref_opt {
	R_ROOT,
	R_HOSTNAME,
	R_PIDS,
	R_MEMORY,
	R_CPU,
	R_RO,
	R_NNP,
	R_MASK,
	R_RO_PATHS,
	R_UIDMAP,
	R_GIDMAP,
	R_USER,
	R_CWD,
	R_ENV,
	R_UMASK,
	R_RLIM_NOFILE,
	R_RLIM_NPROC,
	R_RLIM_CORE,
	R_OOM,
	R_CAPS,
	R_SECCOMP,
	R_LSM,
	R__COUNT,
};
#define D(o) (1ull << (o))

enum {
	LIFE_ONLY = 1 << 0,    /* only the lifecycle container */
	OTHER_ROOT = 1 << 1,   /* another root than the one given */
	PLAIN_AGENT = 1 << 2,  /* the agent without the asked arguments */
	LIFE_ITYPE = 1 << 3,   /* the lifecycle container asks ipc too */
	LIFE_NO_JOIN = 1 << 4, /* ...and a net namespace of its own */
};

static const struct ref_step {
	const char *step;
	unsigned long long drop; /* D(R_*) */
	const char *add;	 /* exec options added */
	unsigned flags;
	unsigned ns_out;     /* NS_BIT: namespaces not asked for */
	const char *ro_omit; /* a read-only path left out */
	const char *sc_omit; /* seccomp rules left out (comma list) */
} ref_steps[] = {
	{ .step = "hostname", .drop = D(R_HOSTNAME) },
	{ .step = "uid-map",
	  .drop = D(R_UIDMAP),
	  .add = "--uid-map 0:200000:65536" },
	{ .step = "gid-map",
	  .drop = D(R_GIDMAP),
	  .add = "--gid-map 0:200000:65536" },
	{ .step = "ns-itype", .flags = LIFE_ITYPE },
	{ .step = "ns-path", .flags = LIFE_NO_JOIN },
	{ .step = "groups", .drop = D(R_USER) },
	{ .step = "cwd", .drop = D(R_CWD) },
	{ .step = "env", .drop = D(R_ENV) },
	{ .step = "env-clean", .add = "--inherit-env" },
	{ .step = "args", .flags = PLAIN_AGENT },
	{ .step = "umask", .drop = D(R_UMASK) },
	{ .step = "rlimit-nofile", .drop = D(R_RLIM_NOFILE) },
	{ .step = "rlimit-nproc", .drop = D(R_RLIM_NPROC) },
	{ .step = "rlimit-core", .drop = D(R_RLIM_CORE) },
	{ .step = "oom-score-adj", .drop = D(R_OOM) },
	{ .step = "close-fds", .add = "--weaken keep-fds" },
	{ .step = "drop-caps", .drop = D(R_CAPS), .add = "--keep-caps all" },
	{ .step = "noroot", .add = "--weaken noroot" },
	{ .step = "clear-inheritable", .add = "--inheritable-caps default" },
	{ .step = "clear-ambient", .add = "--ambient-caps default" },
	{ .step = "no-new-privs", .drop = D(R_NNP) },
	{ .step = "seccomp", .drop = D(R_SECCOMP) },
	{ .step = "sc-kexec", .sc_omit = "kexec_load" },
	{ .step = "sc-modules", .sc_omit = "init_module" },
	{ .step = "sc-handle", .sc_omit = "open_by_handle_at" },
	{ .step = "sc-keyctl", .sc_omit = "keyctl" },
	{ .step = "sc-add-key", .sc_omit = "add_key" },
	{ .step = "sc-bpf", .sc_omit = "bpf" },
	{ .step = "sc-perf", .sc_omit = "perf_event_open" },
	{ .step = "sc-unshare", .sc_omit = "unshare" },
	{ .step = "sc-mount", .sc_omit = "mount" },
	{ .step = "sc-umount", .sc_omit = "umount2" },
	{ .step = "sc-swapon", .sc_omit = "swapon" },
	{ .step = "sc-reboot", .sc_omit = "reboot" },
	{ .step = "lsm", .drop = D(R_LSM) },
	{ .step = "read-only", .drop = D(R_RO) },
	{ .step = "pivot-root", .add = "--no-pivot" },
	{ .step = "given-root",
	  .drop = D(R_ROOT),
	  .add = "--root {bundle}/rootfs-other",
	  .flags = OTHER_ROOT },
	{ .step = "private-mounts", .add = "--keep-propagation" },
	{ .step = "prop-in",
	  .add = "--weaken slave-propagation",
	  .flags = LIFE_ONLY },
	{ .step = "proc-flags", .add = "--weaken proc-plain" },
	{ .step = "dev-tmpfs", .add = "--weaken dev-tmpfs" },
	{ .step = "devpts", .add = "--weaken devpts" },
	{ .step = "shm", .add = "--weaken shm" },
	{ .step = "mqueue", .add = "--weaken mqueue" },
	{ .step = "sys-ro", .add = "--weaken sys-rw" },
	{ .step = "dev-nodes", .add = "--weaken dev-omit=full" },
	{ .step = "dev-symlinks", .add = "--weaken dev-symlinks" },
	{ .step = "console", .add = "--weaken host-console" },
	{ .step = "mask", .drop = D(R_MASK) },
	{ .step = "mask-files", .add = "--weaken mask-files" },
	{ .step = "mask-dirs", .add = "--weaken mask-dirs" },
	{ .step = "ro-paths", .drop = D(R_RO_PATHS) },
	{ .step = "pids-limit", .drop = D(R_PIDS) },
	{ .step = "memory-limit", .drop = D(R_MEMORY) },
	{ .step = "cpu-limit", .drop = D(R_CPU) },
	{ .step = "cgroupns-early", .add = "--weaken cgroupns-early" },
	{ .step = "cgroup-rw", .add = "--weaken cgroup-rw" },
	{ .step = "guards-sysrq",
	  .ns_out = NS_BIT(NS_USER),
	  .ro_omit = "/proc/sysrq-trigger" },
	{ .step = "guards-core-pattern",
	  .ns_out = NS_BIT(NS_USER),
	  .ro_omit = "/proc/sys" },
	{ .step = "guards-devices",
	  .add = "--weaken host-dev",
	  .ns_out = NS_BIT(NS_USER) },
	{ .step = "guards-mknod",
	  .ns_out = NS_BIT(NS_USER),
	  .sc_omit = "mknod" },
	{ .step = "guards-release",
	  .add = "--weaken host-cgroups",
	  .ns_out = NS_BIT(NS_USER) },
	{ .step = "guards-cgroup-mount",
	  .drop = D(R_CAPS),
	  .add = "--keep-caps all",
	  .sc_omit = "mount,unshare" },
	{ .step = "guards-keyring",
	  .add = "--weaken keep-keyring",
	  .ns_out = NS_BIT(NS_USER),
	  .sc_omit = "keyctl" },
	{ .step = "host-proc", .add = "--weaken host-proc" },
	{ .step = "engine-socket", .add = "--bind-in {rundir}" },
	{ .step = "life-create",
	  .add = "--flaw create-runs",
	  .flags = LIFE_ONLY },
	{ .step = "life-state",
	  .add = "--flaw state-no-pid",
	  .flags = LIFE_ONLY },
	{ .step = "life-kill", .add = "--flaw kill-other", .flags = LIFE_ONLY },
	{ .step = "life-delete",
	  .add = "--flaw delete-keeps",
	  .flags = LIFE_ONLY },
	{ .step = "life-unique-id",
	  .add = "--flaw reuse-id",
	  .flags = LIFE_ONLY },
};

size_t ref_steps_count(void)
{
	return NS__COUNT + ARRAY_SIZE(ref_steps);
}

const char *ref_step_name(size_t i, char *buf, size_t len)
{
	if (i < NS__COUNT)
		snprintf(buf, len, "ns-%s", ns_table[i].name);
	else if (i < ref_steps_count())
		snprintf(buf, len, "%s", ref_steps[i - NS__COUNT].step);
	else
		return NULL;
	return buf;
}

/* The step as a table row (ns-TYPE made up), or NULL when unknown. */
static bool step_of(const char *step, struct ref_step *out)
{
	memset(out, 0, sizeof(*out));
	if (!step)
		return true;
	for (int t = 0; t < NS__COUNT; t++)
		if (!strncmp(step, "ns-", 3) &&
		    !strcmp(step + 3, ns_table[t].name)) {
			out->step = step;
			out->ns_out = NS_BIT(t);
			/* without a mount namespace there is no root to enter */
			if (t == NS_MNT)
				out->drop = D(R_ROOT) | D(R_RO) | D(R_MASK) |
					    D(R_RO_PATHS);
			return true;
		}
	for (size_t i = 0; i < ARRAY_SIZE(ref_steps); i++)
		if (!strcmp(step, ref_steps[i].step)) {
			*out = ref_steps[i];
			return true;
		}
	return false;
}

bool ref_step_other_root(const char *step)
{
	struct ref_step s;

	return step && step_of(step, &s) && (s.flags & OTHER_ROOT);
}

#define CAT(...)                                                               \
	(at += snprintf(buf + at, at < len ? len - at : 0, __VA_ARGS__))

static bool in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; p && (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ',') && (!p[n] || p[n] == ','))
			return true;
	return false;
}

/* The seccomp rules' calls, without those the step leaves out. */
static size_t deny_list(const struct profile *pr, const char *omit, char *buf,
			size_t len)
{
	size_t at = 0;

	for (size_t i = 0; pr->sc && pr->sc[i].probe; i++)
		for (size_t k = 0;
		     !in_list(omit, pr->sc[i].probe) && pr->sc[i].names[k]; k++)
			CAT("%s%s", at ? "," : "", pr->sc[i].names[k]);
	return at;
}

/* The options of the profile's items the step keeps. */
static size_t profile_opts(const struct profile *pr, const struct ref_step *s,
			   char *buf, size_t len)
{
	char deny[1024], g[96];
	size_t at = 0;
	unsigned long long d = s->drop;

	if (!(d & D(R_ROOT)))
		CAT(" --root {rootfs}");
	if (!(d & D(R_HOSTNAME)))
		CAT(" --hostname {hostname}");
	if (!(d & D(R_PIDS)))
		CAT(" --pids-max {pids}");
	if (!(d & D(R_MEMORY)))
		CAT(" --memory-max {memory}");
	if (!(d & D(R_CPU)))
		CAT(" --cpu-max %u --cpu-period %u --cpu-shares %u",
		    pr->cpu_quota_us * 100 / pr->cpu_period_us,
		    pr->cpu_period_us, pr->cpu_shares);
	if (!(d & D(R_RO)))
		CAT(" --read-only");
	if (!(d & D(R_NNP)))
		CAT(" --no-new-privs");
	for (const char *const *m = pr->masked; !(d & D(R_MASK)) && *m; m++)
		CAT(" --mask %s", *m);
	for (const char *const *p = pr->ro_paths; !(d & D(R_RO_PATHS)) && *p;
	     p++)
		if (!s->ro_omit || strcmp(s->ro_omit, *p))
			CAT(" --ro-path %s", *p);
	if (!(d & D(R_UIDMAP)))
		CAT(" --uid-map 0:%llu:%llu", pr->uid_base, pr->id_count);
	if (!(d & D(R_GIDMAP)))
		CAT(" --gid-map 0:%llu:%llu", pr->uid_base, pr->id_count);
	prof_groups_text(pr, g, sizeof(g));
	if (!(d & D(R_USER)))
		CAT(" --user %u:%u --groups %s", pr->uid, pr->gid, g);
	if (!(d & D(R_CWD)))
		CAT(" --cwd %s", pr->cwd);
	for (const char *const *e = pr->env; !(d & D(R_ENV)) && *e; e++)
		CAT(" --env %s", *e);
	if (!(d & D(R_UMASK)))
		CAT(" --umask 0%o", pr->umask);
	for (size_t i = 0; i < ARRAY_SIZE(pr->rlimits); i++)
		if (pr->rlimits[i].name && !(d & D(R_RLIM_NOFILE + i)))
			CAT(" --rlimit %s=%llu:%llu", pr->rlimits[i].name,
			    pr->rlimits[i].soft, pr->rlimits[i].hard);
	if (!(d & D(R_OOM)))
		CAT(" --oom-score-adj %d", pr->oom_score_adj);
	if (!(d & D(R_CAPS)))
		CAT(" --keep-caps default");
	if (!(d & D(R_SECCOMP)) &&
	    deny_list(pr, s->sc_omit, deny, sizeof(deny)))
		CAT(" --seccomp-deny %s --seccomp-errno %d", deny,
		    pr->sc_errno);
	if (!(d & D(R_LSM)) && pr->lsm_label)
		CAT(" --lsm %s", pr->lsm_label);
	return at;
}

/* " --ns a,b,c" of the profile's namespaces but out. */
static size_t ns_opt(const struct profile *pr, unsigned out, char *buf,
		     size_t len)
{
	size_t at = 0;

	CAT(" --ns ");
	for (int t = 0, n = 0; t < NS__COUNT; t++)
		if ((pr->ns & NS_BIT(t)) && !(out & NS_BIT(t)))
			CAT("%s%s", n++ ? "," : "", ns_table[t].name);
	return at;
}

/* The options of one container: main (life false) or lifecycle. */
static int ref_opts(const struct profile *pr, const struct ref_step *s,
		    bool life, char *buf, size_t len)
{
	unsigned out = s->ns_out;
	size_t at = 0;

	if (life) {
		out |= pr->life_ns_omit &
		       ~(s->flags & LIFE_ITYPE ? pr->life_ns_omit : 0);
		if (!(s->flags & LIFE_NO_JOIN))
			out |= pr->life_ns_join;
	}
	at += ns_opt(pr, out, buf + at, at < len ? len - at : 0);
	if (life && !(s->flags & LIFE_NO_JOIN))
		for (int t = 0; t < NS__COUNT; t++)
			if (pr->life_ns_join & NS_BIT(t))
				CAT(" --join %s={given-net}", ns_table[t].name);
	at += profile_opts(pr, s, buf + at, at < len ? len - at : 0);
	CAT(" --cgroup {cgroup}%s", life ? "-life" : "");
	if (s->add && (life || !(s->flags & LIFE_ONLY)))
		CAT(" %s", s->add);
	return at < len ? 0 : -E2BIG;
}

int ref_template(const struct profile *pr, const char *step, char *buf,
		 size_t len)
{
	struct ref_step s;
	size_t at = 0;

	if (!step_of(step, &s))
		return -EINVAL;
	CAT("{self} exec");
	if (ref_opts(pr, &s, false, buf + at, at < len ? len - at : 0) < 0)
		return -E2BIG;
	at = strlen(buf);
	/* without a root, the agent is where the root holds it */
	if (s.drop & D(R_ROOT) && !(s.flags & OTHER_ROOT))
		CAT(" -- {rootfs}" AGENT_PATH " inspect --tag asked-arg");
	else
		CAT(" -- %s",
		    s.flags & PLAIN_AGENT ? AGENT_PATH " inspect" : "{agent}");
	return at < len ? 0 : -E2BIG;
}

int ref_life_template(const struct profile *pr, const char *step,
		      enum life_cmd cmd, char *buf, size_t len)
{
	static const char *const op[L__COUNT] = {
		[L_CREATE] = "--create", [L_START] = "--start",
		[L_STATE] = "--state",	 [L_KILL] = "--kill",
		[L_DELETE] = "--delete",
	};
	struct ref_step s;
	size_t at = 0;

	if (!step_of(step, &s))
		return -EINVAL;
	CAT("{self} exec --state-root {bundle}/life-state %s {life}", op[cmd]);
	if (cmd == L_KILL)
		CAT(" --signal USR1");
	if (cmd != L_CREATE)
		return at < len ? 0 : -E2BIG;
	if (ref_opts(pr, &s, true, buf + at, at < len ? len - at : 0) < 0)
		return -E2BIG;
	at = strlen(buf);
	CAT(" -- %s", s.drop & D(R_ROOT) && !(s.flags & OTHER_ROOT)
			      ? "{rootfs}" AGENT_PATH " inspect --lifecycle"
			      : "{agent-life}");
	return at < len ? 0 : -E2BIG;
}

static int ref_life_argv(const struct tctx *c, enum life_cmd cmd,
			 struct argvb *a)
{
	char t[8192];
	int r = ref_life_template(c->pr, c->step, cmd, t, sizeof(t));

	return r ?: template_expand(c, t, a);
}

const struct life_ops ref_life = { .argv = ref_life_argv };
