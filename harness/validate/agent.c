// SPDX-License-Identifier: MIT
/*
 * The inspection agent's passive facts: what a process sees of its own
 * isolation from inside. No judging here; harness/profile.c compares.
 * The active probes (fork, write, host processes) are in agent_probe.c.
 */
#include "agent.h"
#include "profile.h"
#include "../../primitives/caps.h"
#include "../../primitives/ns.h"

#include <fcntl.h>
#include <jansson.h>
#include <net/if.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

static json_t *ns_json(void)
{
	json_t *o = json_object();

	for (int t = 0; t < NS__COUNT; t++) {
		struct ns_id id;
		int r = ns_id_of(0, t, &id);
		json_object_set_new(o, ns_table[t].name,
				    r == 0 ? json_integer((json_int_t)id.ino)
					   : agent_error(r));
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
	struct cap_sets c;
	const struct {
		const char *name;
		const capmask_t *m;
	} set[] = { { "effective", &c.effective },
		    { "permitted", &c.permitted },
		    { "inheritable", &c.inheritable },
		    { "bounding", &c.bounding },
		    { "ambient", &c.ambient } };
	json_t *o;
	char hex[32];
	int r = caps_read_self(&c);

	if (r < 0)
		return agent_error(r);
	o = json_object();
	for (size_t i = 0; i < ARRAY_SIZE(set); i++) {
		snprintf(hex, sizeof(hex), "0x%016llx",
			 (unsigned long long)*set[i].m);
		json_object_set_new(o, set[i].name, json_string(hex));
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

/* denied or the errno for -err (EACCES and EPERM: the path is closed). */
static const char *closed_or(int err)
{
	return err == -EACCES || err == -EPERM ? "denied" : agent_errname(err);
}

/*
 * What reading a path gives: "absent", "denied", "empty" (a file that reads
 * nothing, as /dev/null bound over it; a directory without entries, as an
 * empty tmpfs over it), "content", or the errno that stopped the read.
 */
static const char *mask_state(const char *path)
{
	struct stat st;
	struct dirent *e;
	char b[1];
	int fd, n = 0;
	ssize_t k;
	DIR *d;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? "absent" : closed_or(neg_errno());
	if (S_ISDIR(st.st_mode)) {
		if (!(d = opendir(path)))
			return closed_or(neg_errno());
		while ((e = readdir(d)))
			n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
		closedir(d);
		return n ? "content" : "empty";
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return closed_or(neg_errno());
	k = read(fd, b, 1);
	n = k < 0 ? neg_errno() : 0;
	close(fd);
	return k < 0 ? closed_or(n) : k ? "content" : "empty";
}

/* The profile's masked paths, and the read-only ones as context. */
static json_t *masked_json(void)
{
	static const char *const extra[] = { "/proc/sysrq-trigger",
					     "/sys/kernel/debug" };
	json_t *o = json_object();

	for (size_t i = 0; i < profile_masked_n; i++)
		json_object_set_new(o, profile_masked[i],
				    json_string(mask_state(profile_masked[i])));
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++)
		json_object_set_new(o, extra[i],
				    json_string(mask_state(extra[i])));
	return o;
}

/* The root's identity, read-only flag and the mounts' propagation. */
static json_t *root_json(void)
{
	struct statvfs sv;
	struct stat st;
	json_t *o = json_object();
	int n = count_lines("/proc/self/mountinfo");

	json_object_set_new(o, "read_only",
			    statvfs("/", &sv) == 0
				    ? json_boolean(sv.f_flag & ST_RDONLY)
				    : agent_error(neg_errno()));
	json_object_set_new(o, "id",
			    stat("/", &st) == 0
				    ? json_pack("{s:I, s:I}", "dev",
						(json_int_t)st.st_dev, "ino",
						(json_int_t)st.st_ino)
				    : agent_error(neg_errno()));
	json_object_set_new(o, "mounts",
			    n < 0 ? agent_error(n) : json_integer(n));
	json_object_set_new(o, "propagation", agent_mounts());
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
	int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	int hr = gethostname(host, sizeof(host) - 1) < 0 ? neg_errno() : 0;

	json_object_set_new(f, "format", json_string("boxcheck-facts"));
	json_object_set_new(f, "format_version",
			    json_integer(AGENT_FORMAT_VERSION));
	json_object_set_new(f, "pid", json_integer(getpid()));
	json_object_set_new(f, "ppid", json_integer(getppid()));
	json_object_set_new(f, "uid", json_integer(getuid()));
	json_object_set_new(f, "ns", ns_json());
	json_object_set_new(f, "hostname",
			    hr < 0 ? agent_error(hr) : json_string(host));
	json_object_set_new(f, "uid_map", text_or_null("/proc/self/uid_map"));
	json_object_set_new(f, "gid_map", text_or_null("/proc/self/gid_map"));
	json_object_set_new(f, "caps", caps_json());
	json_object_set_new(f, "no_new_privs",
			    nnp < 0 ? agent_error(neg_errno())
				    : json_integer(nnp));
	json_object_set_new(f, "seccomp", seccomp_json());
	json_object_set_new(f, "rlimits", rlimits_json());
	json_object_set_new(f, "cgroup", agent_cgroup());
	json_object_set_new(f, "root", root_json());
	json_object_set_new(f, "masked", masked_json());
	json_object_set_new(f, "net", net_json());
	json_object_set_new(f, "fds", fds_json());
	json_object_set_new(f, "probes", agent_probes(o));
	return f;
}
