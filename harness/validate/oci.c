// SPDX-License-Identifier: MIT
/*
 * The OCI runtime config for the standard profile: what runc, crun and any
 * OCI launcher are asked for (runtime-spec 1.0.2, or 1.2 for a runtime
 * that reports it: then the time namespace too). Built with jansson. The
 * seccomp section is shared with docker and podman (--security-opt
 * seccomp=FILE takes the same JSON).
 */
#include "oci.h"
#include "targets.h"

#include <string.h>
#include <sys/capability.h>

/* runtime-spec names of the namespace types, by enum ns_type. */
static const char *const oci_ns_name[NS__COUNT] = {
	[NS_CGROUP] = "cgroup", [NS_IPC] = "ipc", [NS_MNT] = "mount",
	[NS_NET] = "network",	[NS_PID] = "pid", [NS_TIME] = "time",
	[NS_USER] = "user",	[NS_UTS] = "uts",
};

static json_t *caps_array(unsigned long long m)
{
	json_t *a = json_array();

	for (int c = 0; c < 64; c++) {
		char *name, *up;
		if (!(m & (1ull << c)) || !(name = cap_to_name(c)))
			continue;
		for (up = name; *up; up++)
			*up = *up >= 'a' && *up <= 'z' ? *up - 32 : *up;
		json_array_append_new(a, json_string(name));
		cap_free(name);
	}
	return a;
}

static json_t *strings(const char *const *l)
{
	json_t *a = json_array();

	for (; l && *l; l++)
		json_array_append_new(a, json_string(*l));
	return a;
}

static json_t *rlimits_json(const struct profile *pr)
{
	json_t *a = json_array();
	char type[32];

	for (size_t i = 0; i < ARRAY_SIZE(pr->rlimits); i++) {
		const struct prof_rlimit *r = &pr->rlimits[i];
		if (!r->name)
			continue;
		snprintf(type, sizeof(type), "RLIMIT_%s", r->name);
		for (char *p = type; *p; p++)
			*p = *p >= 'a' && *p <= 'z' ? *p - 32 : *p;
		json_array_append_new(a,
				      json_pack("{s:s, s:I, s:I}", "type", type,
						"hard", (json_int_t)r->hard,
						"soft", (json_int_t)r->soft));
	}
	return a;
}

static json_t *user_json(const struct profile *pr)
{
	json_t *g = json_array();

	for (size_t i = 0; i < pr->n_groups; i++)
		json_array_append_new(g, json_integer(pr->groups[i]));
	return json_pack("{s:i, s:i, s:o, s:i}", "uid", pr->uid, "gid", pr->gid,
			 "additionalGids", g, "umask", pr->umask);
}

static json_t *process_json(const struct profile *pr, const struct oci_opts *o)
{
	return json_pack(
		"{s:b, s:o, s:o, s:o, s:s, s:{s:o, s:o, s:o, s:o, s:o}, s:b,"
		" s:o, s:i}",
		"terminal", 0, "user", user_json(pr), "args",
		strings(o->args ? o->args : pr->args), "env", strings(pr->env),
		"cwd", pr->cwd, "capabilities", "bounding",
		caps_array(pr->caps), "effective", caps_array(pr->caps),
		"permitted", caps_array(pr->caps), "inheritable",
		caps_array(pr->caps_inheritable), "ambient",
		caps_array(pr->caps_ambient), "noNewPrivileges",
		pr->no_new_privs, "rlimits", rlimits_json(pr), "oomScoreAdj",
		pr->oom_score_adj);
}

static json_t *mount(const char *dst, const char *type, const char *src,
		     const char *opts)
{
	json_t *o = json_array(), *m;
	char buf[256], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", opts);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		json_array_append_new(o, json_string(tok));
	m = json_pack("{s:s, s:s, s:s}", "destination", dst, "type", type,
		      "source", src);
	json_object_set_new(m, "options", o);
	return m;
}

static json_t *mounts_json(const struct oci_opts *o)
{
	json_t *a = json_array();

	json_array_append_new(
		a, mount("/proc", "proc", "proc", "nosuid,noexec,nodev"));
	json_array_append_new(a,
			      mount("/dev", "tmpfs", "tmpfs",
				    "nosuid,strictatime,mode=755,size=65536k"));
	json_array_append_new(a, mount("/dev/pts", "devpts", "devpts",
				       "nosuid,noexec,newinstance,"
				       "ptmxmode=0666,mode=0620"));
	json_array_append_new(a, mount("/dev/shm", "tmpfs", "shm",
				       "nosuid,noexec,nodev,mode=1777,"
				       "size=65536k"));
	/* an mqueue is of an ipc namespace: only with one of its own */
	if (o->ns & NS_BIT(NS_IPC))
		json_array_append_new(a,
				      mount("/dev/mqueue", "mqueue", "mqueue",
					    "nosuid,noexec,nodev"));
	/*
	 * a sysfs is of a net namespace: a user namespace may mount one only
	 * for a net namespace it owns (not one joined by path)
	 */
	if (!(o->ns & NS_BIT(NS_NET)))
		return a;
	json_array_append_new(
		a, mount("/sys", "sysfs", "sysfs", "nosuid,noexec,nodev,ro"));
	if (o->cgroup_mount)
		json_array_append_new(a, mount("/sys/fs/cgroup", "cgroup",
					       "cgroup",
					       "nosuid,noexec,nodev,relatime,"
					       "ro"));
	return a;
}

static json_t *id_map(const struct profile *pr)
{
	return json_pack("[{s:I, s:I, s:I}]", "containerID", (json_int_t)0,
			 "hostID", (json_int_t)pr->uid_base, "size",
			 (json_int_t)pr->id_count);
}

/* The architectures a filter covers: this one and its compat ABIs. */
static json_t *sc_arches(void)
{
#if defined(__x86_64__)
	return json_pack("[s,s,s]", "SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
			 "SCMP_ARCH_X32");
#elif defined(__aarch64__)
	return json_pack("[s,s]", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM");
#elif defined(__arm__)
	return json_pack("[s]", "SCMP_ARCH_ARM");
#else
	return json_pack("[s]", "SCMP_ARCH_X86");
#endif
}

json_t *oci_seccomp(const struct profile *pr, const char *without)
{
	json_t *names = json_array();

	for (size_t i = 0; pr->sc && pr->sc[i].probe; i++)
		for (size_t k = 0; pr->sc[i].names[k]; k++)
			if (!without || strcmp(without, pr->sc[i].probe))
				json_array_append_new(
					names, json_string(pr->sc[i].names[k]));
	return json_pack("{s:s, s:o, s:[{s:o, s:s, s:i}]}", "defaultAction",
			 "SCMP_ACT_ALLOW", "architectures", sc_arches(),
			 "syscalls", "names", names, "action", "SCMP_ACT_ERRNO",
			 "errnoRet", pr->sc_errno);
}

static json_t *namespaces_json(const struct oci_opts *o)
{
	json_t *ns = json_array();

	for (int t = 0; t < NS__COUNT; t++) {
		json_t *n;
		if (!(o->ns & NS_BIT(t)) && !o->join[t])
			continue;
		n = json_pack("{s:s}", "type", oci_ns_name[t]);
		if (o->join[t])
			json_object_set_new(n, "path", json_string(o->join[t]));
		json_array_append_new(ns, n);
	}
	return ns;
}

static json_t *linux_json(const struct profile *pr, const struct oci_opts *o)
{
	json_t *l;

	/* rprivate: no mount propagates in or out (runc's default: rslave) */
	l = json_pack(
		"{s:o, s:{s:{s:I}, s:{s:I, s:I}, s:{s:I, s:I, s:I}},"
		" s:o,"
		" s:o, s:s, s:o}",
		"namespaces", namespaces_json(o), "resources", "pids", "limit",
		(json_int_t)pr->pids_max, "memory", "limit",
		(json_int_t)pr->memory_max, "swap", (json_int_t)pr->memory_max,
		"cpu", "quota", (json_int_t)pr->cpu_quota_us, "period",
		(json_int_t)pr->cpu_period_us, "shares",
		(json_int_t)pr->cpu_shares, "maskedPaths", strings(pr->masked),
		"readonlyPaths", strings(pr->ro_paths), "rootfsPropagation",
		"rprivate", "seccomp", oci_seccomp(pr, NULL));
	if (l && o->cgroups_path)
		json_object_set_new(l, "cgroupsPath",
				    json_string(o->cgroups_path));
	if (l && (o->ns & NS_BIT(NS_USER))) {
		json_object_set_new(l, "uidMappings", id_map(pr));
		json_object_set_new(l, "gidMappings", id_map(pr));
	}
	return l;
}

json_t *oci_config(const struct profile *pr, const struct oci_opts *o)
{
	bool time = o->ns & NS_BIT(NS_TIME);

	return json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}",
			 "ociVersion", time ? "1.2.0" : "1.0.2", "process",
			 process_json(pr, o), "root", "path", o->rootfs,
			 "readonly", pr->read_only_root, "hostname",
			 pr->hostname, "mounts", mounts_json(o), "linux",
			 linux_json(pr, o));
}

int oci_write(const json_t *cfg, const char *path)
{
	if (json_dump_file(cfg, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		return -EIO;
	return 0;
}
