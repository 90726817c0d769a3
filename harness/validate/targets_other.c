// SPDX-License-Identifier: MIT
/*
 * bubblewrap, systemd-nspawn, lxc-execute and podman: the standard profile
 * as each one's arguments or config file, as far as each can be asked for
 * it (what it cannot is in the target table, with the reason). Plus the
 * seccomp deny list written in each runtime's own form.
 */
#include "targets.h"
#include "oci.h"
#include "../../primitives/seccomp.h"

#include <fcntl.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>

/* "CAP_CHOWN" (upper) or "chown" (lxc) names of the bits of m. */
static void cap_list(unsigned long long m, bool lxc, const char *sep, char *buf,
		     size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int c = 0; c <= CAP_LAST_CAP && at < len; c++) {
		char *name = (m >> c) & 1 ? cap_to_name(c) : NULL;
		if (!name)
			continue;
		for (char *p = name; *p && !lxc; p++)
			*p = *p >= 'a' && *p <= 'z' ? *p - 32 : *p;
		at += snprintf(buf + at, len - at, "%s%s", at ? sep : "",
			       lxc ? name + 4 : name);
		cap_free(name);
	}
}

static unsigned long long all_caps(void)
{
	return CAP_LAST_CAP >= 63 ? ~0ull : (1ull << (CAP_LAST_CAP + 1)) - 1;
}

/* The deny list's system call names, NULL-ended, in names[]. */
static size_t deny_names(const struct profile *pr, const char **names,
			 size_t max)
{
	size_t n = 0;

	for (size_t i = 0; pr->sc && pr->sc[i].probe; i++)
		for (size_t k = 0; pr->sc[i].names[k] && n + 1 < max; k++)
			names[n++] = pr->sc[i].names[k];
	names[n] = NULL;
	return n;
}

int seccomp_write_json(const struct tctx *c, char *path, size_t len)
{
	json_t *j = oci_seccomp(c->pr, NULL);
	int r;

	snprintf(path, len, "%s/seccomp.json", c->dir);
	r = j ? oci_write(j, path) : -ENOMEM;
	json_decref(j);
	return r;
}

int seccomp_write_bpf(const struct tctx *c, char *path, size_t len)
{
	struct sock_filter prog[SECCOMP_MAX_INSNS];
	const char *names[64];
	size_t n;
	int r, fd;

	deny_names(c->pr, names, ARRAY_SIZE(names));
	r = seccomp_build(names, c->pr->sc_errno, prog, ARRAY_SIZE(prog), &n);
	if (r < 0)
		return r;
	snprintf(path, len, "%s/seccomp.bpf", c->dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return neg_errno();
	r = fd_write_all(fd, prog, n * sizeof(prog[0])) < 0 ? -EIO : 0;
	close(fd);
	return r;
}

int seccomp_write_lxc(const struct tctx *c, char *path, size_t len)
{
	const char *names[64];
	char text[4096];
	size_t at = 0;

	deny_names(c->pr, names, ARRAY_SIZE(names));
	at += snprintf(text, sizeof(text), "2\ndenylist\n[all]\n");
	for (size_t i = 0; names[i] && at < sizeof(text); i++)
		if (seccomp_nr(names[i]) >= 0)
			at += snprintf(text + at, sizeof(text) - at,
				       "%s errno %d\n", names[i],
				       c->pr->sc_errno);
	snprintf(path, len, "%s/seccomp.lxc", c->dir);
	return write_text_creat(path, text);
}

/*
 * The profile's masked paths this kernel has (a runtime cannot mask a path
 * that is not there): 1 and whether it is a directory, or 0.
 */
static int masked_here(const char *path, bool *dir)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return 0;
	*dir = S_ISDIR(st.st_mode);
	return 1;
}

/* ---- bubblewrap ------------------------------------------------------- */

/* Over /proc's: /dev/null on a file, an empty read-only tmpfs on a dir. */
static void bwrap_masks(const struct profile *pr, struct argvb *a)
{
	bool dir;

	for (const char *const *m = pr->masked; *m; m++) {
		if (strncmp(*m, "/proc/", 6) || !masked_here(*m, &dir))
			continue; /* bwrap mounts no /sys here */
		if (dir) {
			argv_add(a, "--tmpfs");
			argv_add(a, "%s", *m);
			argv_add(a, "--remount-ro");
		} else {
			argv_add(a, "--ro-bind");
			argv_add(a, "/dev/null");
		}
		argv_add(a, "%s", *m);
	}
}

static void add2(struct argvb *a, const char *opt, const char *val)
{
	argv_add(a, "%s", opt);
	argv_add(a, "%s", val);
}

int bwrap_prepare(struct tctx *c, struct argvb *a)
{
	const struct profile *pr = c->pr;
	char caps[1024], *tok, *save = NULL;

	argv_add(a, "bwrap");
	argv_add(a, "--unshare-all"); /* user, ipc, pid, net, uts, cgroup */
	add2(a, "--hostname", pr->hostname);
	argv_add(a, "--ro-bind");
	add2(a, c->rootfs, "/");
	add2(a, "--proc", "/proc");
	add2(a, "--dev", "/dev");
	add2(a, "--tmpfs", "/dev/shm");
	add2(a, "--mqueue", "/dev/mqueue");
	bwrap_masks(pr, a);
	argv_add(a, "--die-with-parent");
	add2(a, "--cap-drop", "ALL");
	cap_list(pr->caps, false, " ", caps, sizeof(caps));
	for (tok = strtok_r(caps, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save))
		add2(a, "--cap-add", tok);
	argv_add(a, "--uid");
	argv_add(a, "%u", pr->uid);
	argv_add(a, "--gid");
	argv_add(a, "%u", pr->gid);
	add2(a, "--chdir", pr->cwd);
	argv_add(a, "--clearenv");
	for (const char *const *e = pr->env; *e; e++) {
		const char *eq = strchr(*e, '=');
		argv_add(a, "--setenv");
		argv_add(a, "%.*s", (int)(eq - *e), *e);
		argv_add(a, "%s", eq + 1);
	}
	add2(a, "--seccomp", "5");
	argv_add(a, "--");
	for (const char *const *p = pr->args; *p; p++)
		argv_add(a, "%s", *p);
	return seccomp_write_bpf(c, c->fd_file, sizeof(c->fd_file));
}

/* ---- systemd-nspawn ---------------------------------------------------- */

int nspawn_prepare(struct tctx *c, struct argvb *a)
{
	const struct profile *pr = c->pr;
	const char *names[64];
	char drop[1024], deny[1024];
	size_t at = 0;

	cap_list(all_caps() & ~pr->caps, false, ",", drop, sizeof(drop));
	deny_names(pr, names, ARRAY_SIZE(names));
	for (size_t i = 0; names[i] && at < sizeof(deny); i++)
		at += snprintf(deny + at, sizeof(deny) - at, "%s%s",
			       at ? " " : "~", names[i]);
	argv_add(a, "systemd-nspawn");
	argv_add(a, "--quiet");
	argv_add(a, "--directory=%s", c->rootfs);
	argv_add(a, "--machine=%s", c->name);
	argv_add(a, "--hostname=%s", pr->hostname);
	argv_add(a, "--read-only");
	argv_add(a, "--register=no");
	argv_add(a, "--keep-unit");
	argv_add(a, "--private-network");
	argv_add(a, "--private-users=%llu:%llu", pr->uid_base, pr->id_count);
	argv_add(a, "--drop-capability=%s", drop);
	argv_add(a, "--no-new-privileges=%s", pr->no_new_privs ? "yes" : "no");
	argv_add(a, "--chdir=%s", pr->cwd);
	for (const char *const *e = pr->env; *e; e++)
		argv_add(a, "--setenv=%s", *e);
	for (size_t i = 0; i < ARRAY_SIZE(pr->rlimits); i++) {
		char up[16];
		if (!pr->rlimits[i].name)
			continue;
		snprintf(up, sizeof(up), "%s", pr->rlimits[i].name);
		for (char *p = up; *p; p++)
			*p = *p >= 'a' && *p <= 'z' ? *p - 32 : *p;
		argv_add(a, "--rlimit=%s=%llu:%llu", up, pr->rlimits[i].soft,
			 pr->rlimits[i].hard);
	}
	argv_add(a, "--system-call-filter=%s", deny);
	argv_add(a, "--console=pipe");
	argv_add(a, "--link-journal=no");
	argv_add(a, "--resolv-conf=off");
	argv_add(a, "--timezone=off");
	argv_add(a, "--");
	for (const char *const *p = pr->args; *p; p++)
		argv_add(a, "%s", *p);
	return 0;
}

/* ---- lxc-execute ------------------------------------------------------- */

/* lxc.mount.entry lines masking the profile's paths, after its proc. */
static size_t lxc_masks(const struct profile *pr, char *buf, size_t len)
{
	size_t at = 0;
	bool dir;

	buf[0] = '\0';
	for (const char *const *m = pr->masked; *m; m++)
		if (masked_here(*m, &dir))
			at += snprintf(buf + at, at < len ? len - at : 0,
				       dir ? "lxc.mount.entry = tmpfs %s tmpfs "
					     "ro,nosuid,nodev,noexec 0 0\n"
					   : "lxc.mount.entry = /dev/null %s "
					     "none bind,ro 0 0\n",
				       *m + 1);
	return at;
}

/* The profile's process items as lxc keys. */
static size_t lxc_process(const struct tctx *c, const char *sc, char *buf,
			  size_t len)
{
	const struct profile *pr = c->pr;
	char g[96];
	size_t at = 0;

	prof_groups_text(pr, g, sizeof(g));
	at += snprintf(buf, len,
		       "lxc.init.cwd = %s\nlxc.init.uid = %u\n"
		       "lxc.init.gid = %u\nlxc.init.groups = %s\n"
		       "lxc.proc.oom_score_adj = %d\n"
		       "lxc.seccomp.profile = %s\n",
		       pr->cwd, pr->uid, pr->gid, g, pr->oom_score_adj, sc);
	for (const char *const *e = pr->env; *e && at < len; e++)
		at += snprintf(buf + at, len - at, "lxc.environment = %s\n",
			       *e);
	for (size_t i = 0; i < ARRAY_SIZE(pr->rlimits) && at < len; i++)
		if (pr->rlimits[i].name)
			at += snprintf(buf + at, len - at,
				       "lxc.prlimit.%s = %llu:%llu\n",
				       pr->rlimits[i].name, pr->rlimits[i].soft,
				       pr->rlimits[i].hard);
	return at;
}

int lxc_prepare(struct tctx *c, struct argvb *a)
{
	char caps[1024], path[PATH_MAX + 16], conf[16384], masks[2048];
	char proc[2048], sc[PATH_MAX], clone[128] = "";
	const struct profile *p = c->pr;
	int r = seccomp_write_lxc(c, sc, sizeof(sc));
	size_t at = 0;

	/* /proc/PID/ns names: mnt is "mnt" there too */
	for (int t = 0; t < NS__COUNT; t++)
		if (c->ns & NS_BIT(t))
			at += snprintf(clone + at, sizeof(clone) - at, "%s%s",
				       at ? " " : "", ns_table[t].name);

	cap_list(p->caps, true, " ", caps, sizeof(caps));
	lxc_masks(p, masks, sizeof(masks));
	lxc_process(c, sc, proc, sizeof(proc));
	snprintf(c->config, sizeof(c->config), "%s/lxc.conf", c->dir);
	if (snprintf(
		    conf, sizeof(conf),
		    "lxc.rootfs.path = dir:%s\nlxc.rootfs.options = ro\n"
		    "lxc.uts.name = %s\nlxc.net.0.type = empty\n"
		    "lxc.namespace.clone = %s\n"
		    "lxc.idmap = u 0 %llu %llu\nlxc.idmap = g 0 %llu %llu\n"
		    "lxc.cap.keep = %s\nlxc.no_new_privs = %d\n"
		    "lxc.cgroup.relative = 1\nlxc.cgroup.dir = %s\n"
		    "lxc.cgroup.pids.max = %u\n"
		    "lxc.cgroup.memory.limit_in_bytes = %llu\n"
		    "lxc.cgroup.cpu.cfs_quota_us = %u\n"
		    "lxc.cgroup.cpu.cfs_period_us = %u\n"
		    "lxc.cgroup.cpu.shares = %u\nlxc.cgroup2.cpu.weight = "
		    "10000\n"
		    "lxc.cgroup2.pids.max = %u\nlxc.cgroup2.memory.max = %llu\n"
		    "lxc.cgroup2.cpu.max = %u %u\n"
		    "lxc.mount.auto = proc:mixed sys:ro cgroup:ro\n"
		    "lxc.autodev = 1\nlxc.pty.max = 4\n"
		    "lxc.mount.entry = shm dev/shm tmpfs "
		    "rw,nosuid,nodev,noexec,create=dir 0 0\n"
		    "lxc.mount.entry = mqueue dev/mqueue mqueue "
		    "rw,nosuid,nodev,noexec,create=dir 0 0\n"
		    "lxc.apparmor.profile = unconfined\n"
		    "lxc.log.file = %s/lxc.log\n%s%s",
		    c->rootfs, p->hostname, clone, p->uid_base, p->id_count,
		    p->uid_base, p->id_count, caps, p->no_new_privs, c->cgpath,
		    p->pids_max, p->memory_max, p->cpu_quota_us,
		    p->cpu_period_us, p->cpu_shares, p->pids_max, p->memory_max,
		    p->cpu_quota_us, p->cpu_period_us, c->dir, proc,
		    masks) >= (int)sizeof(conf))
		r = r ?: -E2BIG;
	snprintf(path, sizeof(path), "%s/lxcpath", c->dir);
	r = r ?: write_text_creat(c->config, conf);
	r = r ?: mkdir_p(path, 0711);
	argv_add(a, "lxc-execute");
	argv_add(a, "--name=%s", c->name);
	argv_add(a, "--lxcpath=%s", path);
	argv_add(a, "--rcfile=%s", c->config);
	argv_add(a, "--");
	for (const char *const *q = p->args; *q; q++)
		argv_add(a, "%s", *q);
	return r;
}

void lxc_cleanup(struct tctx *c)
{
	char path[PATH_MAX + 16];
	char *argv[] = { "lxc-stop",  "--kill", "--name", (char *)c->name,
			 "--lxcpath", path,	NULL };

	snprintf(path, sizeof(path), "%s/lxcpath", c->dir);
	run_quiet(argv);
}

/* ---- podman ------------------------------------------------------------ */

/*
 * Paths relative to c->dir, where podman runs: it refuses a runroot over
 * 50 characters, and c->dir is deep below /run/boxcheck.
 */
static void podman_global(struct argvb *a)
{
	argv_add(a, "podman");
	argv_add(a, "--root=./storage");
	argv_add(a, "--runroot=./runroot");
	argv_add(a, "--tmpdir=./tmp");
	argv_add(a, "--storage-driver=vfs");
	argv_add(a, "--cgroup-manager=cgroupfs");
	argv_add(a, "--events-backend=none");
	argv_add(a, "--runtime=runc");
}

int podman_prepare(struct tctx *c, struct argvb *a)
{
	const struct profile *p = c->pr;
	char caps[1024], sc[PATH_MAX], g[96];
	int r = seccomp_write_json(c, sc, sizeof(sc));

	cap_list(p->caps, false, ",", caps, sizeof(caps));
	prof_groups_text(p, g, sizeof(g));
	podman_global(a);
	argv_add(a, "run");
	argv_add(a, "--rm");
	argv_add(a, "--name=%s", c->name);
	argv_add(a, "--read-only");
	argv_add(a, "--read-only-tmpfs=false");
	argv_add(a, "--hostname=%s", p->hostname);
	argv_add(a, "--network=none");
	argv_add(a, "--pid=private");
	argv_add(a, "--ipc=private");
	argv_add(a, "--uts=private");
	argv_add(a, "--cgroupns=private");
	argv_add(a, "--uidmap=0:%llu:%llu", p->uid_base, p->id_count);
	argv_add(a, "--gidmap=0:%llu:%llu", p->uid_base, p->id_count);
	argv_add(a, "--user=%u:%u", p->uid, p->gid);
	argv_add(a, "--group-add=%s", g);
	argv_add(a, "--workdir=%s", p->cwd);
	argv_add(a, "--umask=0%o", p->umask);
	for (const char *const *e = p->env; *e; e++)
		argv_add(a, "--env=%s", *e);
	argv_add(a, "--pids-limit=%u", p->pids_max);
	argv_add(a, "--memory=%llu", p->memory_max);
	argv_add(a, "--memory-swap=%llu", p->memory_max);
	argv_add(a, "--cpu-period=%u", p->cpu_period_us);
	argv_add(a, "--cpu-quota=%u", p->cpu_quota_us);
	argv_add(a, "--cpu-shares=%u", p->cpu_shares);
	/* cgroupfs resolves it from the root, for conmon as for the rest */
	argv_add(a, "--cgroup-parent=%s", c->cgabs);
	argv_add(a, "--cap-drop=all");
	argv_add(a, "--cap-add=%s", caps);
	if (p->no_new_privs)
		argv_add(a, "--security-opt=no-new-privileges");
	argv_add(a, "--security-opt=seccomp=%s", sc);
	for (size_t i = 0; i < ARRAY_SIZE(p->rlimits); i++)
		if (p->rlimits[i].name)
			argv_add(a, "--ulimit=%s=%llu:%llu", p->rlimits[i].name,
				 p->rlimits[i].soft, p->rlimits[i].hard);
	argv_add(a, "--oom-score-adj=%d", p->oom_score_adj);
	argv_add(a, "--log-driver=none");
	argv_add(a, "--rootfs"); /* a flag: the root is the first argument */
	argv_add(a, "--");
	argv_add(a, "%s", c->rootfs);
	for (const char *const *q = p->args; *q; q++)
		argv_add(a, "%s", *q);
	return r;
}

void podman_cleanup(struct tctx *c)
{
	struct argvb a = { 0 };

	podman_global(&a);
	argv_add(&a, "rm");
	argv_add(&a, "--force");
	argv_add(&a, "--ignore");
	argv_add(&a, "%s", c->name);
	run_quiet_in(c->dir, NULL, a.v);
}
