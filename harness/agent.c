// SPDX-License-Identifier: MIT
/*
 * The inspection agent's passive facts: what a process sees of its own
 * isolation from inside. No judging here; harness/profile.c compares.
 * The active probes (fork, write, host processes) are in agent_probe.c.
 */
#include "agent.h"
#include "../primitives/ns.h"

#include <fcntl.h>
#include <jansson.h>
#include <net/if.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/statvfs.h>

static json_t *ns_json(void)
{
	json_t *o = json_object();

	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id id;
		json_object_set_new(o, ns_table[t].name,
				    ns_id_of(0, t, &id) == 0
					    ? json_integer((json_int_t)id.ino)
					    : json_null());
	}
	return o;
}

static json_t *text_or_null(const char *path)
{
	char buf[4096];

	if (read_text(path, buf, sizeof(buf)) < 0)
		return json_null();
	return json_string(chomp(buf));
}

/* The five sets as 64-bit masks (hex strings: JSON numbers are doubles). */
static json_t *caps_json(void)
{
	static const cap_flag_t flag[] = { CAP_EFFECTIVE, CAP_PERMITTED,
					   CAP_INHERITABLE };
	static const char *const name[] = { "effective", "permitted",
					    "inheritable" };
	uint64_t m[5] = { 0 };
	cap_t c = cap_get_proc();
	json_t *o = json_object();
	char hex[32];

	for (cap_value_t v = 0; v < 64 && v < cap_max_bits(); v++) {
		cap_flag_value_t on;
		for (int f = 0; c && f < 3; f++)
			if (cap_get_flag(c, v, flag[f], &on) == 0 && on)
				m[f] |= 1ull << v;
		if (cap_get_bound(v) == 1)
			m[3] |= 1ull << v;
		if (cap_get_ambient(v) == 1)
			m[4] |= 1ull << v;
	}
	if (c)
		cap_free(c);
	for (int f = 0; f < 5; f++) {
		snprintf(hex, sizeof(hex), "0x%016llx",
			 (unsigned long long)m[f]);
		json_object_set_new(o,
				    f < 3    ? name[f]
				    : f == 3 ? "bounding"
					     : "ambient",
				    json_string(hex));
	}
	return o;
}

/* "Seccomp:" of /proc/self/status: 0 off, 1 strict, 2 filter. */
static json_t *seccomp_json(void)
{
	char buf[8192];
	const char *p;

	if (read_text("/proc/self/status", buf, sizeof(buf)) < 0 ||
	    !(p = strstr(buf, "\nSeccomp:")))
		return json_null();
	return json_integer(strtol(p + strlen("\nSeccomp:"), NULL, 10));
}

static json_t *rlim_val(rlim_t v)
{
	return v == RLIM_INFINITY ? json_string("unlimited")
				  : json_integer((json_int_t)v);
}

static json_t *rlimits_json(void)
{
	static const struct {
		const char *name;
		int res;
	} tab[] = {
		{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
		{ "core", RLIMIT_CORE },     { "memlock", RLIMIT_MEMLOCK },
		{ "stack", RLIMIT_STACK },   { "as", RLIMIT_AS },
	};
	json_t *o = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(tab); i++) {
		struct rlimit rl;
		if (getrlimit(tab[i].res, &rl) < 0)
			continue;
		json_object_set_new(o, tab[i].name,
				    json_pack("[o,o]", rlim_val(rl.rlim_cur),
					      rlim_val(rl.rlim_max)));
	}
	return o;
}

/*
 * A limit file of our own cgroup as seen from inside. The runtime may mount
 * the hierarchy at its root (cgroup namespace) or bind our subtree there, or
 * mount the whole hierarchy: try <mnt>/<path from /proc/self/cgroup>/file,
 * then <mnt>/file.
 */
static json_t *cg_limit(const char *cgfile, const char *ctrl, const char *dir,
			const char *file)
{
	char line[1024], path[PATH_MAX], val[64];
	const char *rel = NULL;
	_cleanup_fclose_ FILE *f = fopen(cgfile, "re");

	while (f && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'),
		     *c2 = c1 ? strchr(c1 + 1, ':') : 0;
		if (!c2)
			continue;
		*c2 = '\0';
		if ((ctrl[0] == '\0' && strcmp(c1 + 1, "") == 0) ||
		    (ctrl[0] && strstr(c1 + 1, ctrl))) {
			rel = chomp(c2 + 1);
			break;
		}
	}
	if (rel) {
		snprintf(path, sizeof(path), "%s%s/%s", dir, rel, file);
		if (read_text(path, val, sizeof(val)) > 0)
			return json_string(chomp(val));
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_text(path, val, sizeof(val)) > 0)
		return json_string(chomp(val));
	return json_null();
}

static json_t *cgroup_json(void)
{
	const char *cg = "/proc/self/cgroup", *fs = "/sys/fs/cgroup";
	json_t *o = json_object();
	json_t *pids = cg_limit(cg, "pids", "/sys/fs/cgroup/pids", "pids.max");
	json_t *mem = cg_limit(cg, "memory", "/sys/fs/cgroup/memory",
			       "memory.limit_in_bytes");

	/* cgroup v2, mounted at /sys/fs/cgroup or /sys/fs/cgroup/unified */
	if (json_is_null(pids))
		json_decref(pids), pids = cg_limit(cg, "", fs, "pids.max");
	if (json_is_null(mem))
		json_decref(mem), mem = cg_limit(cg, "", fs, "memory.max");
	json_object_set_new(o, "proc_self_cgroup", text_or_null(cg));
	json_object_set_new(o, "pids_max", pids);
	json_object_set_new(o, "memory_max", mem);
	return o;
}

static int count_lines(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	int n = 0, c;

	if (!f)
		return neg_errno();
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	return n;
}

/* Masked paths: readable, or the errno that stopped us. */
static json_t *masked_json(void)
{
	static const char *const paths[] = {
		"/proc/kcore",	       "/proc/keys",	"/proc/timer_list",
		"/proc/sched_debug",   "/sys/firmware", "/proc/scsi",
		"/proc/sysrq-trigger", "/proc/acpi",	"/sys/kernel/debug",
	};
	json_t *o = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		int fd = open(paths[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		char b[1];
		const char *st = "readable";
		if (fd < 0 || (read(fd, b, 1) < 0 && errno != EISDIR))
			st = strerrorname_np(errno) ?: "error";
		if (fd >= 0)
			close(fd);
		json_object_set_new(o, paths[i], json_string(st));
	}
	return o;
}

static json_t *root_json(void)
{
	struct statvfs sv;
	json_t *o = json_object();

	json_object_set_new(o, "read_only",
			    statvfs("/", &sv) == 0
				    ? json_boolean(sv.f_flag & ST_RDONLY)
				    : json_null());
	json_object_set_new(o, "mounts",
			    json_integer(count_lines("/proc/self/mountinfo")));
	return o;
}

static json_t *net_json(void)
{
	struct if_nameindex *ifs = if_nameindex();
	json_t *a = json_array();

	for (struct if_nameindex *i = ifs; i && i->if_index; i++)
		json_array_append_new(a, json_string(i->if_name));
	if (ifs)
		if_freenameindex(ifs);
	return a;
}

/* Open fds other than 0-2, with what they point to: leaks from the runtime. */
static json_t *fds_json(void)
{
	_cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
	json_t *o = json_object();
	struct dirent *e;

	while (d && (e = readdir(d))) {
		char path[300], target[PATH_MAX];
		ssize_t n;
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n > 0 ? n : 0] = '\0';
		json_object_set_new(o, e->d_name, json_string(target));
	}
	return o;
}

json_t *agent_facts(const struct agent_opts *o)
{
	char host[256] = "";
	json_t *f = json_object();

	gethostname(host, sizeof(host) - 1);
	json_object_set_new(f, "format", json_string("boxcheck-facts"));
	json_object_set_new(f, "format_version", json_integer(1));
	json_object_set_new(f, "pid", json_integer(getpid()));
	json_object_set_new(f, "ppid", json_integer(getppid()));
	json_object_set_new(f, "uid", json_integer(getuid()));
	json_object_set_new(f, "ns", ns_json());
	json_object_set_new(f, "hostname", json_string(host));
	json_object_set_new(f, "uid_map", text_or_null("/proc/self/uid_map"));
	json_object_set_new(f, "gid_map", text_or_null("/proc/self/gid_map"));
	json_object_set_new(f, "caps", caps_json());
	json_object_set_new(
		f, "no_new_privs",
		json_integer(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)));
	json_object_set_new(f, "seccomp", seccomp_json());
	json_object_set_new(f, "rlimits", rlimits_json());
	json_object_set_new(f, "cgroup", cgroup_json());
	json_object_set_new(f, "root", root_json());
	json_object_set_new(f, "masked", masked_json());
	json_object_set_new(f, "net", net_json());
	json_object_set_new(f, "fds", fds_json());
	json_object_set_new(f, "probes", agent_probes(o));
	return f;
}
