// SPDX-License-Identifier: MIT
/*
 * The OCI runtime config (runtime-spec 1.0) for the standard profile: what
 * runc, crun and any OCI launcher are asked for. Built with jansson.
 */
#include "oci.h"

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

static json_t *process_json(const struct profile *pr, const struct oci_opts *o)
{
	json_t *args = json_array();

	for (const char *const *a = o->args; *a; a++)
		json_array_append_new(args, json_string(*a));
	return json_pack(
		"{s:b, s:{s:i, s:i}, s:o, s:[s], s:s, s:{s:o, s:o, s:o, s:[]},"
		" s:b, s:[{s:s, s:i, s:i}]}",
		"terminal", 0, "user", "uid", 0, "gid", 0, "args", args, "env",
		"PATH=/bin:/usr/bin", "cwd", "/", "capabilities", "bounding",
		caps_array(pr->caps), "effective", caps_array(pr->caps),
		"permitted", caps_array(pr->caps), "ambient", "noNewPrivileges",
		pr->no_new_privs, "rlimits", "type", "RLIMIT_NOFILE", "hard",
		1024, "soft", 1024);
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

	json_array_append_new(a, mount("/proc", "proc", "proc", ""));
	json_array_append_new(a,
			      mount("/dev", "tmpfs", "tmpfs",
				    "nosuid,strictatime,mode=755,size=65536k"));
	json_array_append_new(a, mount("/dev/pts", "devpts", "devpts",
				       "nosuid,noexec,newinstance,"
				       "ptmxmode=0666,mode=0620"));
	json_array_append_new(a, mount("/dev/shm", "tmpfs", "shm",
				       "nosuid,noexec,nodev,mode=1777,"
				       "size=65536k"));
	json_array_append_new(a, mount("/dev/mqueue", "mqueue", "mqueue",
				       "nosuid,noexec,nodev"));
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

static json_t *linux_json(const struct profile *pr, const struct oci_opts *o)
{
	static const char *const ro[] = {
		"/proc/asound", "/proc/bus", "/proc/fs",
		"/proc/irq",	"/proc/sys", "/proc/sysrq-trigger"
	};
	json_t *ns = json_array(), *mp = json_array(), *rp = json_array();
	json_t *l;

	for (int t = 0; t < NS__COUNT; t++)
		if (o->ns & NS_BIT(t))
			json_array_append_new(
				ns, json_pack("{s:s}", "type", oci_ns_name[t]));
	for (size_t i = 0; i < profile_masked_n; i++)
		json_array_append_new(mp, json_string(profile_masked[i]));
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++)
		json_array_append_new(rp, json_string(ro[i]));
	/* rprivate: no mount propagates in or out (runc's default: rslave) */
	l = json_pack("{s:o, s:{s:{s:I}, s:{s:I}}, s:o, s:o, s:s}",
		      "namespaces", ns, "resources", "pids", "limit",
		      (json_int_t)pr->pids_max, "memory", "limit",
		      (json_int_t)pr->memory_max, "maskedPaths", mp,
		      "readonlyPaths", rp, "rootfsPropagation", "rprivate");
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
	return json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}",
			 "ociVersion", "1.0.2", "process", process_json(pr, o),
			 "root", "path", o->rootfs, "readonly",
			 pr->read_only_root, "hostname", pr->hostname, "mounts",
			 mounts_json(o), "linux", linux_json(pr, o));
}

int oci_write(const json_t *cfg, const char *path)
{
	if (json_dump_file(cfg, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		return -EIO;
	return 0;
}
