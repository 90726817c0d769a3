// SPDX-License-Identifier: MIT
/*
 * THE table of properties. A row: id, group, the property, what must show
 * (with the profile's values), the facts the predicate reads, the
 * predicate, its argument, the ref-without step that breaks it, the CVE or
 * spec reference, what a target must be able to be asked for, and why the
 * host may be no control for it. tests/fixtures/validate-diagonal.sh holds
 * which other properties each step necessarily breaks too.
 */
#include "props.h"
#include "agent.h"

#include <string.h>

const char *const pgroup_names[G__COUNT] = {
	[G_NS] = "namespaces",	 [G_PROCESS] = "process",
	[G_PRIV] = "privileges", [G_FS] = "filesystem",
	[G_LIMITS] = "limits",	 [G_ATTACK] = "attacker's view",
	[G_LIFE] = "lifecycle",
};

#define NS_ROW(e, t)                                                           \
	{                                                                      \
		"ns-{arg}", G_NS,                                              \
			"The process runs in a {arg} namespace of its own.",   \
			"{arg} namespace inode differs from the host's",       \
			"ns.{arg}", judge_ns, t, "ns-{arg}",                   \
			"runtime-tools linux_ns_nopath", K_NS(e), NULL         \
	}
#define RLIMIT_ROW(r)                                                          \
	{                                                                      \
		"proc-rlimit-{arg}", G_PROCESS,                                \
			"RLIMIT_{ARG} is exactly the one asked for.",          \
			"{arg} soft:hard {rlimit}", "rlimits.{arg}",           \
			judge_rlimit, r, "rlimit-{arg}",                       \
			"runtime-tools process_rlimits", K_RLIMITS, NULL       \
	}
#define SC_ROW(s, step, ref)                                                   \
	{                                                                      \
		"sc-{arg}", G_PRIV,                                            \
			"{arg}() is refused by the seccomp filter asked for.", \
			"{arg} with invalid arguments returns {errno}, the "   \
			"filter's "                                            \
			"errno",                                               \
			"probes.syscalls.{arg}", judge_syscall, s, step, ref,  \
			K_SC_ERRNO, NULL                                       \
	}

static const struct prop_def table[] = {
	/* ---- namespaces ---- */
	NS_ROW(NS_CGROUP, "cgroup"),
	NS_ROW(NS_IPC, "ipc"),
	NS_ROW(NS_MNT, "mnt"),
	NS_ROW(NS_NET, "net"),
	NS_ROW(NS_PID, "pid"),
	NS_ROW(NS_TIME, "time"),
	NS_ROW(NS_USER, "user"),
	NS_ROW(NS_UTS, "uts"),
	{ "hostname", G_NS, "The hostname inside is the one asked for.",
	  "hostname '{hostname}'", "hostname", judge_hostname, NULL, "hostname",
	  "runtime-tools hostname", K_HOSTNAME, NULL },
	{ "ns-uid-map", G_NS, "The uid map is exactly the one asked for.",
	  "uid_map {idmap}", "uid_map", judge_idmap, "uid", "uid-map",
	  "runtime-tools linux_uid_mappings", K_IDMAP, NULL },
	{ "ns-gid-map", G_NS, "The gid map is exactly the one asked for.",
	  "gid_map {idmap}", "gid_map", judge_idmap, "gid", "gid-map",
	  "runtime-tools linux_uid_mappings", K_IDMAP, NULL },
	{ "ns-itype", G_NS,
	  "A namespace type not asked for is the runtime's, not a new one.",
	  "the lifecycle container, not asked for an ipc namespace, shares "
	  "the runtime's, while the main container (asked) has its own",
	  "launcher.lifecycle ns.ipc", judge_itype, NULL, "ns-itype",
	  "runtime-tools linux_ns_itype", K_LIFECYCLE, NULL },
	{ "ns-path", G_NS, "A namespace given by path is the one joined.",
	  "the lifecycle container's net namespace is the one given by path",
	  "launcher.lifecycle", judge_ns_path, NULL, "ns-path",
	  "runtime-tools linux_ns_path", K_LIFECYCLE, NULL },
	/* ---- process ---- */
	{ "proc-user", G_PROCESS,
	  "uid, gid and supplementary groups are exactly those asked for.",
	  "uid {uid}, gid {gid}, groups {groups}", "ids", judge_user, NULL,
	  "groups", "runtime-tools process_user", K_USER, NULL },
	{ "proc-cwd", G_PROCESS,
	  "The working directory is the one asked for, inside the root.",
	  "getcwd() is '{cwd}'", "cwd", judge_cwd, NULL, "cwd",
	  "CVE-2024-21626; runtime-tools process", K_CWD, NULL },
	{ "proc-env", G_PROCESS,
	  "The environment has every variable asked for.", "{env}", "env",
	  judge_env, NULL, "env", "runtime-tools process", K_ENV, NULL },
	{ "proc-env-clean", G_PROCESS,
	  "The launcher's environment does not leak inside.",
	  "no {canary} (set in the launcher's environment)", "env",
	  judge_env_clean, NULL, "env-clean", "CIS Docker 5.x: secrets in env",
	  K_ANY, NULL },
	{ "proc-args", G_PROCESS, "The arguments are exactly those asked for.",
	  "argv {args}", "argv", judge_args, NULL, "args",
	  "runtime-tools process", K_ANY, NULL },
	{ "proc-umask", G_PROCESS, "The umask is the one asked for.",
	  "umask {umask}", "umask", judge_umask, NULL, "umask",
	  "runtime-spec 1.1 process.user.umask", K_UMASK, unusable_umask },
	RLIMIT_ROW("nofile"),
	RLIMIT_ROW("nproc"),
	RLIMIT_ROW("core"),
	{ "proc-oom-score-adj", G_PROCESS,
	  "oom_score_adj is the one asked for.", "oom_score_adj {oom}",
	  "oom_score_adj", judge_oom, NULL, "oom-score-adj",
	  "runtime-tools process_oom_score_adj", K_OOM, unusable_oom },
	{ "proc-fds", G_PROCESS,
	  "No file descriptor of the launcher's is inherited (fd >= 3).",
	  "no fd >= 3 open", "fds", judge_fds, NULL, "close-fds",
	  "CVE-2024-21626", K_ANY, NULL },
	/* ---- privileges ---- */
	{ "caps-bounding", G_PRIV,
	  "The bounding set is exactly the one asked for.",
	  "bounding set == the default container set", "caps",
	  judge_caps_bounding, NULL, "drop-caps",
	  "runtime-tools process_capabilities", K_CAPS, unusable_caps },
	{ "caps-effective", G_PRIV,
	  "The effective and permitted sets are exactly those asked for.",
	  "effective == permitted == the default container set", "caps",
	  judge_caps_effective, NULL, "noroot",
	  "runtime-tools process_capabilities", K_CAPS, unusable_caps },
	{ "caps-inheritable", G_PRIV, "The inheritable set is empty.",
	  "inheritable set empty", "caps", judge_caps_inheritable, NULL,
	  "clear-inheritable", "CVE-2022-29162, CVE-2022-27650", K_CAPS,
	  unusable_caps },
	{ "caps-ambient", G_PRIV, "The ambient set is empty.",
	  "ambient set empty", "caps", judge_caps_ambient, NULL,
	  "clear-ambient", "runtime-tools process_capabilities", K_CAPS,
	  unusable_caps },
	{ "no-new-privs", G_PRIV, "no_new_privs is set.", "no_new_privs 1",
	  "no_new_privs", judge_nnp, NULL, "no-new-privs",
	  "runtime-tools misc_props", K_NNP, unusable_nnp },
	{ "seccomp-filter", G_PRIV, "A seccomp filter is active.",
	  "Seccomp: 2 (filter)", "seccomp", judge_seccomp, NULL, "seccomp",
	  "runtime-spec linux.seccomp", K_SECCOMP, unusable_seccomp },
	SC_ROW("kexec_load", "sc-kexec", "kernel replacement"),
	SC_ROW("init_module", "sc-modules",
	       "module loading (init_module, finit_module)"),
	SC_ROW("open_by_handle_at", "sc-handle", "shocker (open_by_handle_at)"),
	SC_ROW("keyctl", "sc-keyctl", "the kernel keyring"),
	SC_ROW("add_key", "sc-add-key", "the kernel keyring"),
	SC_ROW("bpf", "sc-bpf", "eBPF from inside"),
	SC_ROW("perf_event_open", "sc-perf", "perf events"),
	SC_ROW("unshare", "sc-unshare",
	       "user namespace escalation (CVE-2022-0492)"),
	SC_ROW("mount", "sc-mount", "mounting from inside"),
	SC_ROW("umount2", "sc-umount", "unmounting masks from inside"),
	SC_ROW("swapon", "sc-swapon", "swap devices"),
	SC_ROW("reboot", "sc-reboot", "reboot"),
	{ "lsm-label", G_PRIV, "The LSM label is the one asked for.",
	  "the label asked for", "lsm", judge_lsm, NULL, "lsm",
	  "CVE-2023-27561, CVE-2023-28642", K_LSM, unusable_lsm },
	/* ---- filesystem ---- */
	{ "ro-root", G_FS, "The root filesystem is read-only.",
	  "/ mounted ro and a write to / refused",
	  "root.read_only probes.write_root", judge_ro, NULL, "read-only",
	  "runtime-tools root_readonly_true", K_RO_ROOT, unusable_ro_root },
	{ "root-confined", G_FS,
	  "The host's root cannot be reached from inside.",
	  "/ is not the host's root, and a chroot escape does not reach it",
	  "root.id probes.escape", judge_confined, NULL, "pivot-root",
	  "runc --no-pivot", K_ANY, NULL },
	{ "root-given", G_FS, "The root is the root filesystem given.",
	  "/.boxcheck-root holds this run's token",
	  "root.marker launcher.root_token", judge_root_given, NULL,
	  "given-root", "runtime-spec root.path", K_ANY, NULL },
	{ "mounts-private", G_FS,
	  "No mount inside propagates to or from outside.",
	  "no shared and no slave mount", "root.propagation",
	  judge_mounts_private, NULL, "private-mounts",
	  "runtime-tools linux_rootfs_propagation", K_PROPAGATION,
	  unusable_mounts },
	{ "prop-in", G_FS,
	  "A mount the host makes later does not appear inside.",
	  "a tmpfs the launcher mounts under the root after create is not "
	  "seen at /tmp",
	  "launcher.lifecycle", judge_prop_in, NULL, "prop-in",
	  "runtime-tools linux_rootfs_propagation", K_LIFECYCLE, NULL },
	{ "mnt-proc", G_FS, "/proc is a new proc, nosuid, nodev, noexec.",
	  "fstype proc, nosuid,nodev,noexec, not the host's proc",
	  "mounts./proc", judge_mnt_proc, NULL, "proc-flags",
	  "runtime-tools default", K_ANY, NULL },
	{ "mnt-dev", G_FS, "/dev is a tmpfs of its own.",
	  "fstype tmpfs, nosuid, not the host's /dev", "mounts./dev",
	  judge_mnt_dev, NULL, "dev-tmpfs", "runtime-tools default", K_ANY,
	  NULL },
	{ "mnt-devpts", G_FS,
	  "/dev/pts is a devpts instance of its own, with its ptmx.",
	  "fstype devpts, not the host's, ptmxmode=666, /dev/ptmx its ptmx",
	  "mounts./dev/pts dev.entries", judge_mnt_devpts, NULL, "devpts",
	  "runtime-tools default", K_ANY, NULL },
	{ "mnt-shm", G_FS, "/dev/shm is a tmpfs of its own.",
	  "fstype tmpfs, nosuid,nodev,noexec, not the host's",
	  "mounts./dev/shm", judge_mnt_shm, NULL, "shm",
	  "runtime-tools default", K_SHM, NULL },
	{ "mnt-mqueue", G_FS, "/dev/mqueue is an mqueue of its own.",
	  "fstype mqueue, not the host's", "mounts./dev/mqueue",
	  judge_mnt_mqueue, NULL, "mqueue", "runtime-tools default", K_ANY,
	  NULL },
	{ "mnt-sys", G_FS, "/sys is a read-only sysfs.",
	  "fstype sysfs, read-only", "mounts./sys", judge_mnt_sys, NULL,
	  "sys-ro", "runtime-tools default", K_SYSFS, NULL },
	{ "dev-nodes", G_FS, "/dev has exactly the default device nodes.",
	  "null zero full random urandom tty (and ptmx), no other device",
	  "dev.entries", judge_dev_nodes, NULL, "dev-nodes",
	  "runtime-tools linux_devices, default", K_ANY, NULL },
	{ "dev-symlinks", G_FS, "/dev has the standard symlinks.",
	  "fd stdin stdout stderr into /proc/self/fd, in a /dev of its own",
	  "dev.entries mounts./dev", judge_dev_symlinks, NULL, "dev-symlinks",
	  "runtime-tools default", K_ANY, NULL },
	{ "dev-console", G_FS, "/dev/console, when present, is a devpts node.",
	  "no /dev/console, or a pty (major 136-143)", "dev.entries",
	  judge_console, NULL, "console", "CVE-2025-52565", K_ANY, NULL },
	{ "masked-paths", G_FS, "The masked paths cannot be read inside.",
	  "nothing to read in any masked path (the OCI default list)", "masked",
	  judge_masked, NULL, "mask", "runtime-tools linux_masked_paths",
	  K_MASK, NULL },
	{ "mask-files", G_FS, "Each masked file is the real null device.",
	  "each masked file present is a char device 1:3", "masked",
	  judge_mask_files, NULL, "mask-files", "CVE-2025-31133", K_MASK,
	  NULL },
	{ "mask-dirs", G_FS,
	  "Each masked directory is an empty read-only tmpfs.",
	  "each masked directory present is an empty read-only tmpfs", "masked",
	  judge_mask_dirs, NULL, "mask-dirs", "CVE-2025-31133", K_MASK, NULL },
	{ "ro-paths", G_FS, "The read-only paths are read-only.",
	  "/proc/sys, sysrq-trigger, irq, bus, fs mounted read-only",
	  "ro_paths", judge_ro_paths, NULL, "ro-paths",
	  "runtime-tools linux_readonly_paths", K_RO_PATHS, NULL },
	/* ---- limits ---- */
	{ "pids-limit", G_LIMITS, "A pids limit stops forks inside.",
	  "fork fails with EAGAIN before {pids} processes, and the cgroup "
	  "shows the limit",
	  "cgroup.pids_max probes.fork rlimits.nproc", judge_pids, NULL,
	  "pids-limit", "runtime-tools linux_cgroups_pids", K_PIDS,
	  unusable_pids },
	{ "memory-limit", G_LIMITS,
	  "A memory limit stops a process that touches more.",
	  "touching {probe} MiB is stopped by a {memory} MiB limit",
	  "cgroup.memory_max probes.memory", judge_memory, NULL, "memory-limit",
	  "runtime-tools linux_cgroups_memory", K_MEMORY, unusable_memory },
	{ "cpu-limit", G_LIMITS, "A cpu quota throttles a busy process.",
	  "cpu quota {cpu} shown, and 8 spinning children throttled "
	  "(cpu.stat)",
	  "cgroup.cpu_max probes.cpu", judge_cpu, NULL, "cpu-limit",
	  "runtime-tools linux_cgroups_cpus", K_CPU, unusable_cpu },
	{ "cgroup-own", G_LIMITS,
	  "The cgroup is the container's own, the root of its cgroup "
	  "namespace.",
	  "every /proc/self/cgroup line reads '/'", "cgroup.proc_self_cgroup",
	  judge_cgroup_own, NULL, "cgroupns-early", "runc cgroupns", K_CGROUP,
	  unusable_cgroup_own },
	{ "cgroup-ro", G_LIMITS, "No cgroup filesystem inside is writable.",
	  "every cgroup mount inside is read-only", "cgroup.mounts",
	  judge_cgroup_ro, NULL, "cgroup-rw", "CVE-2023-25809", K_ANY, NULL },
	/* ---- the attacker's view ---- */
	{ "attack-sysrq", G_ATTACK, "/proc/sysrq-trigger is not writable.",
	  "open O_WRONLY refused", "probes.sysrq", judge_sysrq, NULL,
	  "guards-sysrq", "deepce, CDK", K_ANY, unusable_sysrq },
	{ "attack-core-pattern", G_ATTACK,
	  "/proc/sys/kernel/core_pattern is not writable.",
	  "open O_WRONLY refused", "probes.core_pattern", judge_core_pattern,
	  NULL, "guards-core-pattern", "CDK core_pattern escape", K_ANY, NULL },
	{ "attack-devices", G_ATTACK,
	  "/dev/mem, /dev/kmem, /dev/port and block devices are out of reach.",
	  "each absent, or open O_RDONLY refused", "probes.devices",
	  judge_devices, NULL, "guards-devices", "deepce (fdisk -l)", K_ANY,
	  NULL },
	{ "attack-mknod", G_ATTACK,
	  "A device node cannot be made, or cannot be opened.",
	  "mknod c 1:3 refused, or the node cannot be opened", "probes.mknod",
	  judge_mknod, NULL, "guards-mknod", "CDK devices.allow", K_ANY, NULL },
	{ "attack-release-agent", G_ATTACK,
	  "No cgroup v1 release_agent is writable.",
	  "each visible release_agent: open O_WRONLY refused",
	  "probes.release_agent", judge_release_agent, NULL, "guards-release",
	  "CVE-2022-0492", K_ANY, unusable_cgroup_v1 },
	{ "attack-cgroup-mount", G_ATTACK,
	  "A cgroup v1 hierarchy cannot be mounted.", "mount -t cgroup refused",
	  "probes.cgroup_mount", judge_cgroup_mount, NULL,
	  "guards-cgroup-mount", "CVE-2022-0492", K_ANY, unusable_cgroup_v1 },
	{ "attack-keyring", G_ATTACK,
	  "The kernel session keyring is not the host's.",
	  "keyctl refused, or a session keyring other than the host's",
	  "probes.keyring", judge_keyring, NULL, "guards-keyring",
	  "BOtB keyctl", K_ANY, NULL },
	{ "attack-host-procs", G_ATTACK, "No host process is visible.",
	  "no kernel thread (kthreadd) in /proc", "probes.procs",
	  judge_host_procs, NULL, "host-proc", "kdigger pidnamespace", K_ANY,
	  NULL },
	{ "attack-engine-socket", G_ATTACK,
	  "No container engine socket is reachable.",
	  "no docker, containerd, podman, crio (or boxcheck's stand-in) socket",
	  "probes.engine_sockets", judge_engine, NULL, "engine-socket",
	  "deepce, CIS Docker 5.31", K_ANY, NULL },
	/* ---- lifecycle ---- */
	{ "life-create", G_LIFE, "create does not run the process; start does.",
	  "nothing printed before start, the agent started after it",
	  "launcher.lifecycle", judge_life_create, NULL, "life-create",
	  "runtime-tools create, start", K_LIFECYCLE, NULL },
	{ "life-state", G_LIFE, "state reports the runtime-spec's state.",
	  "ociVersion, id, pid, bundle; status created, running, stopped",
	  "launcher.lifecycle", judge_life_state, NULL, "life-state",
	  "runtime-tools state", K_LIFECYCLE, NULL },
	{ "life-kill", G_LIFE, "kill delivers the signal asked for.",
	  "the agent received SIGUSR1", "launcher.lifecycle", judge_life_kill,
	  NULL, "life-kill", "runtime-tools kill, killsig", K_LIFECYCLE, NULL },
	{ "life-delete", G_LIFE, "delete removes the cgroup and the state.",
	  "the cgroup existed and is gone, state fails after delete",
	  "launcher.lifecycle", judge_life_delete, NULL, "life-delete",
	  "runtime-tools delete_resources", K_LIFECYCLE, NULL },
	{ "life-unique-id", G_LIFE, "A second create with the same id fails.",
	  "the second create fails, the first container is unharmed",
	  "launcher.lifecycle", judge_life_unique, NULL, "life-unique-id",
	  "runtime-tools create", K_LIFECYCLE, NULL },
};

size_t prop_count(void)
{
	return ARRAY_SIZE(table);
}

const struct prop_def *prop_get(size_t i)
{
	return i < ARRAY_SIZE(table) ? &table[i] : NULL;
}

/* fmt with {arg} (and {ARG}, upper case) replaced by p->arg. */
static const char *with_arg(const struct prop_def *p, const char *fmt,
			    char *buf, size_t len)
{
	size_t at = 0;

	for (const char *s = fmt; *s && at + 1 < len;) {
		bool up = !strncmp(s, "{ARG}", 5);
		if ((up || !strncmp(s, "{arg}", 5)) && p->arg) {
			for (const char *a = p->arg; *a && at + 1 < len; a++)
				buf[at++] = up && *a >= 'a' && *a <= 'z'
						    ? *a - 32
						    : *a;
			s += 5;
		} else {
			buf[at++] = *s++;
		}
	}
	buf[at] = '\0';
	return buf;
}

const char *prop_id(const struct prop_def *p, char *buf, size_t len)
{
	return with_arg(p, p->id, buf, len);
}

const char *prop_step(const struct prop_def *p, char *buf, size_t len)
{
	return with_arg(p, p->step, buf, len);
}

void prop_facts(const struct prop_def *p, char *buf, size_t len)
{
	with_arg(p, p->facts, buf, len);
}

int prop_index(const char *id)
{
	char b[64];

	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (!strcmp(prop_id(&table[i], b, sizeof(b)), id))
			return (int)i;
	return -EINVAL;
}

bool prop_needs_launcher(const struct prop_def *p)
{
	return strstr(p->facts, "launcher.") != NULL;
}

/* ---- the expectation, with the profile's values ------------------------ */

static void join_list(const char *const *l, const char *sep, char *buf,
		      size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (; l && *l && at < len; l++)
		at += snprintf(buf + at, len - at, "%s%s", at ? sep : "", *l);
}

static const struct prof_rlimit *rlimit_of(const struct profile *pr,
					   const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(pr->rlimits); i++)
		if (pr->rlimits[i].name && !strcmp(pr->rlimits[i].name, name))
			return &pr->rlimits[i];
	return NULL;
}

/* The value of one {placeholder} (name of n bytes), or false. */
static bool ph_value(const struct prop_def *p, const struct profile *pr,
		     const char *name, size_t n, char *v, size_t len)
{
	const struct prof_rlimit *rl = rlimit_of(pr, p->arg);
#define IS(s) (n == strlen(s) && !strncmp(name, s, n))
	if (IS("hostname"))
		snprintf(v, len, "%s", pr->hostname);
	else if (IS("idmap"))
		snprintf(v, len, "0 %llu %llu", pr->uid_base, pr->id_count);
	else if (IS("uid") || IS("gid"))
		snprintf(v, len, "%u", IS("uid") ? pr->uid : pr->gid);
	else if (IS("groups"))
		prof_groups_text(pr, v, len);
	else if (IS("cwd"))
		snprintf(v, len, "%s", pr->cwd);
	else if (IS("env"))
		join_list(pr->env, " ", v, len);
	else if (IS("args"))
		join_list(pr->args, " ", v, len);
	else if (IS("canary"))
		snprintf(v, len, "%s", pr->env_canary);
	else if (IS("umask"))
		snprintf(v, len, "%04o", pr->umask);
	else if (IS("rlimit") && rl)
		snprintf(v, len, "%llu:%llu", rl->soft, rl->hard);
	else if (IS("oom"))
		snprintf(v, len, "%d", pr->oom_score_adj);
	else if (IS("errno"))
		snprintf(v, len, "%s", strerrorname_np(pr->sc_errno) ?: "?");
	else if (IS("pids"))
		snprintf(v, len, "%u", pr->pids_max);
	else if (IS("memory"))
		snprintf(v, len, "%llu", pr->memory_max >> 20);
	else if (IS("probe"))
		snprintf(v, len, "%llu", AGENT_MEM_PROBE >> 20);
	else if (IS("cpu"))
		snprintf(v, len, "%u/%u us", pr->cpu_quota_us,
			 pr->cpu_period_us);
	else
		return false;
	return true;
#undef IS
}

void prop_expected(const struct prop_def *p, const struct profile *pr,
		   char *buf, size_t len)
{
	char fmt[512], v[256];
	size_t at = 0;

	with_arg(p, p->expected, fmt, sizeof(fmt));
	for (const char *s = fmt; *s && at + 1 < len;) {
		const char *end = *s == '{' ? strchr(s, '}') : NULL;
		if (end && ph_value(p, pr, s + 1, end - s - 1, v, sizeof(v))) {
			at += snprintf(buf + at, len - at, "%s", v);
			s = end + 1;
			continue;
		}
		buf[at++] = *s++;
		buf[at] = '\0';
	}
	buf[at < len ? at : len - 1] = '\0';
}

void prop_record_init(struct record *r, const struct prop_def *p,
		      const struct profile *pr, const char *target)
{
	char id[64], sentence[256];

	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "validate/%s",
		 prop_id(p, id, sizeof(id)));
	with_arg(p, p->property, sentence, sizeof(sentence));
	snprintf(r->title, sizeof(r->title), "%.127s", sentence);
	snprintf(r->property, sizeof(r->property), "%s", sentence);
	prop_expected(p, pr, r->expected, sizeof(r->expected));
	snprintf(r->target, sizeof(r->target), "%s", target);
}
