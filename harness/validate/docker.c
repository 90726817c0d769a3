// SPDX-License-Identifier: MIT
/*
 * docker: a dockerd of boxcheck's own for the run, never the host's.
 *   - its data root, exec root, pidfile, config and unix socket are under
 *     the target's run dir (/run/boxcheck/boxcheck-<pid>-<t>/docker);
 *   - --iptables=false --ip6tables=false --bridge=none --ip-forward=false:
 *     no rule, no interface, no sysctl; containers get --network none;
 *   - it runs in a mount namespace of its own (a slave of the run's fence)
 *     where /etc/docker, /opt and /run are tmpfs (dockerd 20.10 writes
 *     /etc/docker/key.json, containerd makes /opt/containerd, dockerd
 *     /run/docker/plugins), the run dir bound back into the new /run;
 *   - it runs in a cgroup of the run's (<own>/boxcheck-<pid>-<t>/dockerd),
 *     so `boxcheck cleanup` finds and kills it after a killed run, and its
 *     containers below the run's own (--cgroup-parent);
 *   - the agent's root is imported as an image (tar, docker import), the
 *     profile asked for with `docker run` flags;
 *   - cleanup: docker rm -f, then SIGTERM to dockerd, SIGKILL to whatever
 *     is left in its cgroup. dockerd dies with us (PR_SET_PDEATHSIG).
 * The client is the daemon's own (/usr/bin/docker of docker.io) when there,
 * else whichever is on PATH, always with the API version pinned (1.41,
 * docker 20.10's): a newer client talks to an older daemon that way.
 */
#include "targets.h"
#include "../../primitives/cgroup.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>

#define DOCKER_API "1.41"
#define DOCKER_START_S 20

struct dockerd {
	pid_t pid;
	struct cg_group cg;
	char dir[PATH_MAX + 16];
	char sock[PATH_MAX + 32];
	char host_env[PATH_MAX + 32], cfg_env[PATH_MAX + 32];
	char image[128];
	bool imported;
};

static const char *client(void)
{
	return access("/usr/bin/docker", X_OK) == 0 ? "/usr/bin/docker"
						    : "docker";
}

/* Can the socket be connected to: the daemon listens. */
static bool listening(const char *sock)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	snprintf(a.sun_path, sizeof(a.sun_path), "%.107s", sock);
	r = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (fd >= 0)
		close(fd);
	return r;
}

/* tmpfs over dir in our own mount namespace, when dir exists. */
static int hide(const char *dir)
{
	if (!path_exists(dir))
		return 0;
	return mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755") <
			       0
		       ? neg_errno()
		       : 0;
}

/* /run a tmpfs, our run dir bound back at its own path. */
static int hide_run(const char *rundir)
{
	char path[PATH_MAX];
	int fd = open(rundir, O_PATH | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return neg_errno();
	r = hide("/run");
	r = r ?: mkdir_p(rundir, 0711);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (r == 0 && mount(path, rundir, NULL, MS_BIND | MS_REC, NULL) < 0)
		r = neg_errno();
	close(fd);
	return r;
}

/* In the daemon's child: its namespace, its files, then exec. */
static _Noreturn void daemon_child(const struct tctx *c, struct dockerd *d,
				   int go)
{
	char rundir[PATH_MAX], arg[8][PATH_MAX + 32], b;
	int log;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (read(go, &b, 1) != 1) /* joined to its cgroup */
		_exit(126);
	snprintf(rundir, sizeof(rundir), "%.*s",
		 (int)(strrchr(c->dir, '/') - c->dir), c->dir);
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    hide("/etc/docker") < 0 || hide("/opt") < 0 || hide_run(rundir) < 0)
		_exit(125);
	snprintf(arg[0], sizeof(arg[0]), "%.3900s/dockerd.log", d->dir);
	log = open(arg[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (log < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
		_exit(126);
	snprintf(arg[1], sizeof(arg[1]), "--data-root=%.3900s/data", d->dir);
	snprintf(arg[2], sizeof(arg[2]), "--exec-root=%.3900s/exec", d->dir);
	snprintf(arg[3], sizeof(arg[3]), "--pidfile=%.3900s/dockerd.pid",
		 d->dir);
	snprintf(arg[4], sizeof(arg[4]), "--host=unix://%.3900s", d->sock);
	snprintf(arg[5], sizeof(arg[5]), "--config-file=%.3900s/daemon.json",
		 d->dir);
	execlp("dockerd", "dockerd", arg[1], arg[2], arg[3], arg[4], arg[5],
	       "--iptables=false", "--ip6tables=false", "--bridge=none",
	       "--ip-forward=false", "--ip-masq=false",
	       "--userland-proxy=false", "--storage-driver=vfs",
	       "--exec-opt=native.cgroupdriver=cgroupfs", "--log-level=warn",
	       (char *)NULL);
	_exit(127);
}

/* The last line of the daemon's log, for an error. */
static void log_tail(const struct dockerd *d, char *buf, size_t len)
{
	char path[PATH_MAX + 16], text[8192], *nl;
	int n;

	snprintf(path, sizeof(path), "%.3900s/dockerd.log", d->dir);
	n = read_text(path, text, sizeof(text));
	if (n <= 0) {
		snprintf(buf, len, "(empty log)");
		return;
	}
	chomp(text);
	nl = strrchr(text, '\n');
	snprintf(buf, len, "%.300s", nl ? nl + 1 : text);
}

static int daemon_start(struct tctx *c, struct dockerd *d, char *why,
			size_t len)
{
	char name[400], own[PATH_MAX], path[PATH_MAX * 2];
	int p[2], r, st;

	for (int i = 0; i < c->cgl->n; i++)
		if (cg_own_dir(c->cgl, i, own, sizeof(own)) == 0) {
			snprintf(path, sizeof(path), "%s/%s", own, c->run_name);
			mkdir(path, 0755);
		}
	snprintf(name, sizeof(name), "%s/dockerd", c->run_name);
	r = cg_group_create(
		c->cgl, name,
		CG_BIT(CG_PIDS) | CG_BIT(CG_MEMORY) | CG_BIT(CG_CPU), &d->cg);
	if (r < 0 || pipe2(p, O_CLOEXEC) < 0)
		return snprintf(why, len, "cannot make dockerd's cgroup: %s",
				strerror(r < 0 ? -r : errno)),
		       -EIO;
	if ((d->pid = fork()) == 0)
		daemon_child(c, d, p[0]);
	close(p[0]);
	r = d->pid < 0 ? neg_errno() : cg_group_attach(&d->cg, d->pid);
	if (r == 0 && write(p[1], "g", 1) != 1)
		r = -EPIPE;
	close(p[1]);
	if (r < 0) {
		snprintf(why, len, "cannot start dockerd in its cgroup: %s",
			 strerror(-r));
		return r;
	}
	for (int n = 0; r == 0 && n < DOCKER_START_S * 50; n++) {
		if (listening(d->sock))
			return 0;
		if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
			d->pid = 0;
			break;
		}
		usleep(20000);
	}
	log_tail(d, name, sizeof(name));
	snprintf(why, len, "dockerd did not start within %d s; its log: %.300s",
		 DOCKER_START_S, name);
	return -EIO;
}

/* A docker client command, quietly; 0 or why not (its stderr's tail). */
static int client_run(struct tctx *c, struct dockerd *d, const char *tag,
		      struct argvb *a, char *why, size_t len)
{
	struct launch_opts lo = { .tag = tag,
				  .env = { d->host_env, d->cfg_env,
					   "DOCKER_API_VERSION=" DOCKER_API } };
	struct launch_result res;
	int r = target_launch(c, a->v, 60, &lo, &res);

	if (r == 0 && exit_code_of(res.status))
		snprintf(why, len, "%s failed: %.300s", tag,
			 res.err && res.err[0] ? chomp(res.err) : "(empty)"),
			r = -EIO;
	launch_result_free(&res);
	return r;
}

static int import_root(struct tctx *c, struct dockerd *d, char *why, size_t len)
{
	struct argvb a = { 0 };
	char tar[PATH_MAX + 16];
	int r;

	snprintf(tar, sizeof(tar), "%.3900s/rootfs.tar", d->dir);
	argv_add(&a, "tar");
	argv_add(&a, "-C");
	argv_add(&a, "%s", c->rootfs);
	argv_add(&a, "-cf");
	argv_add(&a, "%s", tar);
	argv_add(&a, ".");
	r = client_run(c, d, "docker-tar", &a, why, len);
	memset(&a, 0, sizeof(a));
	argv_add(&a, "%s", client());
	argv_add(&a, "import");
	argv_add(&a, "%s", tar);
	argv_add(&a, "%s", d->image);
	r = r ?: client_run(c, d, "docker-import", &a, why, len);
	d->imported = r == 0;
	return r;
}

/* The profile as `docker run` flags. */
static void run_flags(const struct tctx *c, const char *sc, struct argvb *a)
{
	const struct profile *p = c->pr;
	char caps[1024] = "", g[96];

	caps_names(p->caps, caps, sizeof(caps));
	prof_groups_text(p, g, sizeof(g));
	argv_add(a, "run");
	argv_add(a, "--name=%s", c->name);
	argv_add(a, "--network=none");
	argv_add(a, "--ipc=private");
	argv_add(a, "--cgroupns=private");
	argv_add(a, "--hostname=%s", p->hostname);
	argv_add(a, "--read-only");
	argv_add(a, "--user=%u:%u", p->uid, p->gid);
	argv_add(a, "--group-add=%s", g);
	argv_add(a, "--workdir=%s", p->cwd);
	for (const char *const *e = p->env; *e; e++)
		argv_add(a, "--env=%s", *e);
	for (size_t i = 0; i < ARRAY_SIZE(p->rlimits); i++)
		if (p->rlimits[i].name)
			argv_add(a, "--ulimit=%s=%llu:%llu", p->rlimits[i].name,
				 p->rlimits[i].soft, p->rlimits[i].hard);
	argv_add(a, "--oom-score-adj=%d", p->oom_score_adj);
	argv_add(a, "--cap-drop=ALL");
	for (char *save = NULL, *tok = strtok_r(caps, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save))
		argv_add(a, "--cap-add=%s", tok);
	if (p->no_new_privs)
		argv_add(a, "--security-opt=no-new-privileges");
	argv_add(a, "--security-opt=seccomp=%s", sc);
	argv_add(a, "--pids-limit=%u", p->pids_max);
	argv_add(a, "--memory=%llu", p->memory_max);
	argv_add(a, "--memory-swap=%llu", p->memory_max);
	argv_add(a, "--cpu-period=%u", p->cpu_period_us);
	argv_add(a, "--cpu-quota=%u", p->cpu_quota_us);
	argv_add(a, "--cpu-shares=%u", p->cpu_shares);
	argv_add(a, "--cgroup-parent=%s", c->cgabs);
	argv_add(a, "--log-driver=none");
}

int docker_prepare(struct tctx *c, struct argvb *a)
{
	struct dockerd *d = calloc(1, sizeof(*d));
	char sc[PATH_MAX], why[400];
	int r;

	if (!d)
		return -ENOMEM;
	c->priv = d;
	snprintf(d->dir, sizeof(d->dir), "%.4000s/docker", c->dir);
	snprintf(d->sock, sizeof(d->sock), "%.4000s/docker.sock", d->dir);
	snprintf(d->host_env, sizeof(d->host_env), "DOCKER_HOST=unix://%.3900s",
		 d->sock);
	snprintf(d->cfg_env, sizeof(d->cfg_env), "DOCKER_CONFIG=%.3900s/client",
		 d->dir);
	snprintf(d->image, sizeof(d->image), "boxcheck-agent:%s", c->name);
	for (char *p = d->image + 15; *p; p++)
		*p = *p >= 'A' && *p <= 'Z' ? *p + 32 : *p;
	r = mkdir_p(d->dir, 0711);
	snprintf(sc, sizeof(sc), "%.4000s/daemon.json", d->dir);
	r = r ?: write_text_creat(sc, "{}\n");
	r = r ?: seccomp_write_json(c, sc, sizeof(sc));
	if (r < 0)
		return r;
	if (daemon_start(c, d, why, sizeof(why)) < 0 ||
	    import_root(c, d, why, sizeof(why)) < 0) {
		snprintf(c->setup_error, sizeof(c->setup_error), "%s", why);
		return -EIO;
	}
	argv_add(a, "%s", client());
	run_flags(c, sc, a);
	argv_add(a, "%s", d->image);
	for (const char *const *q = c->pr->args; *q; q++)
		argv_add(a, "%s", *q);
	c->launch_env[0] = d->host_env;
	c->launch_env[1] = d->cfg_env;
	c->launch_env[2] = "DOCKER_API_VERSION=" DOCKER_API;
	return 0;
}

void docker_cleanup(struct tctx *c)
{
	struct dockerd *d = c->priv;
	struct argvb a = { 0 };
	char why[64];

	if (!d)
		return;
	if (d->pid > 0 && d->imported) {
		argv_add(&a, "%s", client());
		argv_add(&a, "rm");
		argv_add(&a, "--force");
		argv_add(&a, "%s", c->name);
		client_run(c, d, "docker-rm", &a, why, sizeof(why));
	}
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		for (int n = 0; n < 250 && waitpid(d->pid, NULL, WNOHANG) == 0;
		     n++)
			usleep(20000);
		kill(d->pid, SIGKILL);
		waitpid(d->pid, NULL, WNOHANG);
	}
	if (d->cg.layout)
		cg_group_destroy(
			&d->cg); /* containerd, shims: whatever is left */
	free(d);
	c->priv = NULL;
}
