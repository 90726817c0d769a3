// SPDX-License-Identifier: MIT
/*
 * The standard profile: what `boxcheck validate` asks every target for.
 * Each value is chosen to differ from what a process on the host has by
 * itself (so the control fails it), and to be what a careful runtime
 * configuration asks for.
 */
#include "profile.h"
#include "../../primitives/base.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

const int profile_default_caps[] = {
	CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,	     CAP_FOWNER,
	CAP_MKNOD,   CAP_NET_RAW,      CAP_SETGID,	     CAP_SETUID,
	CAP_SETFCAP, CAP_SETPCAP,      CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT,
	CAP_KILL,    CAP_AUDIT_WRITE,
};
const size_t profile_default_caps_n = ARRAY_SIZE(profile_default_caps);

/* The OCI default maskedPaths (runc's spec example). */
static const char *const masked[] = {
	"/proc/acpi",	     "/proc/kcore",
	"/proc/keys",	     "/proc/latency_stats",
	"/proc/timer_list",  "/proc/timer_stats",
	"/proc/sched_debug", "/proc/scsi",
	"/sys/firmware",     NULL,
};

/* The OCI default readonlyPaths. */
static const char *const ro_paths[] = {
	"/proc/bus",	       "/proc/fs", "/proc/irq", "/proc/sys",
	"/proc/sysrq-trigger", NULL,
};

/*
 * The curated syscalls: each probed with invalid arguments, so that nothing
 * happens where one is allowed. mknod and mknodat have no property of
 * their own: they back the attacker's view (a device node cannot be made).
 */
static const struct prof_sc_rule sc_rules[] = {
	{ "kexec_load", { "kexec_load", NULL } },
	{ "init_module", { "init_module", "finit_module", NULL } },
	{ "open_by_handle_at", { "open_by_handle_at", NULL } },
	{ "keyctl", { "keyctl", NULL } },
	{ "add_key", { "add_key", NULL } },
	{ "bpf", { "bpf", NULL } },
	{ "perf_event_open", { "perf_event_open", NULL } },
	{ "unshare", { "unshare", NULL } },
	{ "mount", { "mount", NULL } },
	{ "umount2", { "umount2", NULL } },
	{ "swapon", { "swapon", NULL } },
	{ "reboot", { "reboot", NULL } },
	{ "mknod", { "mknod", "mknodat", NULL } },
	{ NULL, { NULL } },
};

#define BIT(c) (1ull << (c))
const struct profile profile_standard = {
	.hostname = "boxcheck",
	.ns = NS_ALL,
	.pids_max = 64,
	.memory_max = 64ull << 20,
	.cpu_quota_us = 5000,
	.cpu_period_us = 10000,
	.cpu_shares = 262144,
	.caps = BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) |
		BIT(CAP_FOWNER) | BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) |
		BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETFCAP) |
		BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |
		BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE),
	.caps_inheritable = 0,
	.caps_ambient = 0,
	.no_new_privs = true,
	.read_only_root = true,
	.uid_base = 100000,
	.id_count = 65536,
	.uid = 0,
	.gid = 0,
	.groups = { 4242 },
	.n_groups = 1,
	.cwd = "/etc",
	.env = { "PATH=/bin:/usr/bin", "BOXCHECK_ENV=asked", NULL },
	.args = { "/bin/boxcheck", "inspect", "--tag", "asked-arg", NULL },
	.umask = 027,
	.rlimits = { { "nofile", RLIMIT_NOFILE, 512, 512 },
		     { "nproc", RLIMIT_NPROC, 2048, 2048 },
		     { "core", RLIMIT_CORE, 0, 0 } },
	.oom_score_adj = 500,
	.masked = masked,
	.ro_paths = ro_paths,
	.sc = sc_rules,
	.sc_errno = EHWPOISON,
	.lsm_label = NULL,
	.life_ns_omit = NS_BIT(NS_IPC),
	.life_ns_join = NS_BIT(NS_NET),
	.env_canary = "BOXCHECK_LAUNCHER_CANARY",
};

size_t prof_count(const char *const *list)
{
	size_t n = 0;

	while (list && list[n])
		n++;
	return n;
}

size_t prof_sc_count(const struct profile *pr)
{
	size_t n = 0;

	while (pr->sc && pr->sc[n].probe)
		n++;
	return n;
}

const struct prof_sc_rule *prof_sc_rule(const struct profile *pr,
					const char *probe)
{
	for (size_t i = 0; pr->sc && pr->sc[i].probe; i++)
		if (!strcmp(pr->sc[i].probe, probe))
			return &pr->sc[i];
	return NULL;
}

void prof_groups_text(const struct profile *pr, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < pr->n_groups && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%u", i ? "," : "",
			       pr->groups[i]);
	if (!pr->n_groups)
		snprintf(buf, len, "none");
}

void caps_names(unsigned long long m, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int c = 0; c < 64 && at < len; c++) {
		char *name;
		if (!(m & BIT(c)))
			continue;
		name = cap_to_name(c);
		at += snprintf(buf + at, len - at, "%s%s", at ? "," : "",
			       name ? name : "?");
		cap_free(name);
	}
	if (!at)
		snprintf(buf, len, "none");
}
