// SPDX-License-Identifier: MIT
/*
 * The inspection agent's process facts: who and what the process is
 * (ids, arguments, environment, working directory, limits, descriptors,
 * namespaces, capabilities, seccomp, LSM label), and the assembly of the
 * document. No judging here; props.c's predicates compare.
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

extern char **environ;

const char *agent_errname(int err)
{
	return strerrorname_np(err < 0 ? -err : err) ?: "error";
}

json_t *agent_error(int err)
{
	return json_pack("{s:s}", "error", agent_errname(err));
}

json_t *agent_skipped(const char *why)
{
	return json_pack("{s:s}", "skipped", why);
}

json_t *agent_result(long r)
{
	if (r >= 0)
		return json_string("ok");
	return json_string(agent_errname(r == -1 ? errno : (int)-r));
}

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

/* An integer file (oom_score_adj), or an error. */
static json_t *int_file(const char *path)
{
	char buf[64];
	int r = read_text(path, buf, sizeof(buf));

	return r < 0 ? agent_error(r) : json_integer(strtol(buf, NULL, 10));
}

static json_t *text_or_null(const char *path)
{
	char buf[4096];
	int r = read_text(path, buf, sizeof(buf));

	if (r == -ENOENT)
		return json_null();
	return r < 0 ? agent_error(r) : json_string(chomp(buf));
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

/* A number after "Key:" in /proc/self/status, or an error. */
static json_t *status_field(const char *key, int base)
{
	char buf[8192], k[64];
	const char *p;
	int r = read_text("/proc/self/status", buf, sizeof(buf));

	if (r < 0)
		return agent_error(r);
	snprintf(k, sizeof(k), "\n%s:", key);
	if (!(p = strstr(buf, k)))
		return agent_error(-ENOENT);
	return json_integer(strtol(p + strlen(k), NULL, base));
}

static json_t *seccomp_json(void)
{
	json_t *m = status_field("Seccomp", 10);

	if (json_is_integer(m))
		return json_pack("{s:o, s:o}", "mode", m, "filters",
				 status_field("Seccomp_filters", 10));
	return m;
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
		json_object_set_new(o, tab[i].name,
				    getrlimit(tab[i].res, &rl) < 0
					    ? agent_error(neg_errno())
					    : json_pack("[o,o]",
							rlim_val(rl.rlim_cur),
							rlim_val(rl.rlim_max)));
	}
	return o;
}

static json_t *ids_json(void)
{
	gid_t g[64];
	int n = getgroups(ARRAY_SIZE(g), g);
	json_t *a = json_array();

	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_integer(g[i]));
	return json_pack("{s:i, s:i, s:o}", "uid", (int)getuid(), "gid",
			 (int)getgid(), "groups",
			 n < 0 ? (json_decref(a), agent_error(neg_errno()))
			       : a);
}

/*
 * The environment: every name, and the values of the few that say nothing
 * secret (boxcheck's own, PATH, HOME, container): a report may travel.
 */
static json_t *env_json(void)
{
	static const char *const shown[] = { "PATH", "HOME", "container",
					     "HOSTNAME", "TERM" };
	json_t *names = json_array(), *values = json_object();

	for (char **e = environ; e && *e; e++) {
		size_t n = strcspn(*e, "=");
		char name[256];
		bool show = !strncmp(*e, "BOXCHECK_", 9);
		snprintf(name, sizeof(name), "%.*s", (int)n, *e);
		json_array_append_new(names, json_string(name));
		for (size_t i = 0; i < ARRAY_SIZE(shown); i++)
			show |= !strcmp(name, shown[i]);
		if (show && (*e)[n] == '=')
			json_object_set_new(values, name,
					    json_string(*e + n + 1));
	}
	return json_pack("{s:o, s:o}", "names", names, "values", values);
}

static json_t *argv_json(const struct agent_opts *o)
{
	json_t *a = json_array();

	for (int i = 0; i < o->argc; i++)
		json_array_append_new(a, json_string(o->argv[i]));
	return a;
}

/* getcwd(): inside the root, or "(unreachable)", or an error. */
static json_t *cwd_json(void)
{
	char buf[PATH_MAX];

	if (!getcwd(buf, sizeof(buf)))
		return agent_error(neg_errno());
	return json_pack("{s:s}", "path", buf);
}

/* Open fds other than 0-2, with what they point to: leaks from the runtime. */
static json_t *fds_json(void)
{
	_cleanup_closedir_ DIR *d = opendir("/proc/self/fd");
	json_t *o;
	struct dirent *e;

	if (!d)
		return agent_error(neg_errno());
	o = json_object();
	while ((e = readdir(d))) {
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

/* The LSM label of this process, or the errno (EINVAL: no LSM). */
static json_t *lsm_json(void)
{
	char buf[512];
	int r = read_text("/proc/self/attr/current", buf, sizeof(buf));

	if (r < 0)
		return agent_error(r);
	return json_pack("{s:s}", "current", chomp(buf));
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

void agent_process(json_t *f, const struct agent_opts *o)
{
	char host[256] = "";
	int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	int hr = gethostname(host, sizeof(host) - 1) < 0 ? neg_errno() : 0;

	json_object_set_new(f, "pid", json_integer(getpid()));
	json_object_set_new(f, "ppid", json_integer(getppid()));
	json_object_set_new(f, "ids", ids_json());
	json_object_set_new(f, "argv", argv_json(o));
	json_object_set_new(f, "env", env_json());
	json_object_set_new(f, "cwd", cwd_json());
	json_object_set_new(f, "umask", status_field("Umask", 8));
	json_object_set_new(f, "rlimits", rlimits_json());
	json_object_set_new(f, "oom_score_adj",
			    int_file("/proc/self/oom_score_adj"));
	json_object_set_new(f, "fds", fds_json());
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
	json_object_set_new(f, "lsm", lsm_json());
	json_object_set_new(f, "net", net_json());
}

json_t *agent_facts(const struct agent_opts *o)
{
	json_t *f = json_object();

	json_object_set_new(f, "format", json_string("boxcheck-facts"));
	json_object_set_new(f, "format_version",
			    json_integer(AGENT_FORMAT_VERSION));
	/* before any probe can change a thing about us */
	agent_process(f, o);
	agent_fs(f);
	json_object_set_new(f, "cgroup", agent_cgroup());
	json_object_set_new(f, "probes", agent_probes(o));
	return f;
}
