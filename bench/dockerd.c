// SPDX-License-Identifier: MIT
/* dockerd.c - a private dockerd's lifecycle (see dockerd.h). */
#include "dockerd.h"
#include "hyperfine.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#define DOCKERD_START_S 20
#define DOCKERD_CLIENT_S 60
#define DOCKERD_ARGS_MAX 24

const char *dockerd_client(void)
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

/* /run a tmpfs, keep bound back at its own path. */
static int hide_run(const char *keep)
{
	char path[PATH_MAX];
	int fd = open(keep, O_PATH | O_DIRECTORY | O_CLOEXEC), r;

	if (fd < 0)
		return neg_errno();
	r = hide("/run");
	r = r ?: mkdir_p(keep, 0711);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (r == 0 && mount(path, keep, NULL, MS_BIND | MS_REC, NULL) < 0)
		r = neg_errno();
	close(fd);
	return r;
}

/* In the daemon's child: its namespace, its files, then exec. */
static _Noreturn void daemon_child(const struct dockerd *d, const char *keep,
				   int go)
{
	char arg[8][PATH_MAX + 32], b;
	int log;

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (read(go, &b, 1) != 1) /* joined to its cgroup */
		_exit(126);
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    hide("/etc/docker") < 0 || hide("/opt") < 0 || hide_run(keep) < 0)
		_exit(125);
	snprintf(arg[0], sizeof(arg[0]), "%.3900s/dockerd.log", d->dir);
	log = open(arg[0], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (log < 0 || dup2(log, 1) < 0 || dup2(log, 2) < 0)
		_exit(126);
	snprintf(arg[1], sizeof(arg[1]), "--data-root=%.3900s/data", d->dir);
	snprintf(arg[2], sizeof(arg[2]), "--exec-root=%.3900s/exec", d->dir);
	snprintf(arg[3], sizeof(arg[3]), "--pidfile=%.3900s/dockerd.pid",
		 d->dir);
	snprintf(arg[4], sizeof(arg[4]), "--host=%.3900s", d->host);
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

/* Its files' paths, its dir and an empty daemon.json. */
static int daemon_files(struct dockerd *d, const char *dir)
{
	char path[PATH_MAX + 16];
	int r;

	snprintf(d->dir, sizeof(d->dir), "%s", dir);
	snprintf(d->sock, sizeof(d->sock), "%s/docker.sock", d->dir);
	snprintf(d->host, sizeof(d->host), "unix://%s", d->sock);
	snprintf(d->config, sizeof(d->config), "%s/client", d->dir);
	snprintf(path, sizeof(path), "%s/daemon.json", d->dir);
	r = mkdir_p(d->dir, 0711);
	return r ?: write_text_creat(path, "{}\n");
}

/* <own>/<cg_name>/dockerd, <own>/<cg_name> made where it is not. */
static int daemon_cgroup(struct dockerd *d, const struct dockerd_spec *s)
{
	char name[400], own[PATH_MAX], path[PATH_MAX * 2];

	for (int i = 0; i < s->cgl->n; i++)
		if (cg_own_dir(s->cgl, i, own, sizeof(own)) == 0) {
			snprintf(path, sizeof(path), "%s/%s", own, s->cg_name);
			mkdir(path, 0755);
		}
	snprintf(name, sizeof(name), "%s/dockerd", s->cg_name);
	return cg_group_create(
		s->cgl, name,
		CG_BIT(CG_PIDS) | CG_BIT(CG_MEMORY) | CG_BIT(CG_CPU), &d->cg);
}

/* Until its socket answers, or it exited, or the time is up. */
static int daemon_wait(struct dockerd *d, char *why, size_t len)
{
	char tail[400];
	int st;

	for (int n = 0; n < DOCKERD_START_S * 50; n++) {
		if (listening(d->sock))
			return 0;
		if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
			d->pid = 0;
			break;
		}
		usleep(20000);
	}
	log_tail(d, tail, sizeof(tail));
	snprintf(why, len, "dockerd did not start within %d s; its log: %.300s",
		 DOCKERD_START_S, tail);
	return -EIO;
}

int dockerd_start(struct dockerd *d, const struct dockerd_spec *s, char *why,
		  size_t len)
{
	int p[2], r = daemon_files(d, s->dir);

	if (r < 0)
		return snprintf(why, len, "cannot make %s: %s", s->dir,
				strerror(-r)),
		       r;
	r = s->cgl ? daemon_cgroup(d, s) : -ENOENT;
	if (r < 0 || pipe2(p, O_CLOEXEC) < 0)
		return snprintf(why, len, "cannot make dockerd's cgroup: %s",
				strerror(r < 0 ? -r : errno)),
		       -EIO;
	if ((d->pid = fork()) == 0)
		daemon_child(d, s->keep, p[0]);
	close(p[0]);
	r = d->pid < 0 ? neg_errno() : cg_group_attach(&d->cg, d->pid);
	if (d->pid < 0)
		d->pid = 0;
	if (r == 0 && write(p[1], "g", 1) != 1)
		r = -EPIPE;
	close(p[1]);
	if (r < 0) {
		snprintf(why, len, "cannot start dockerd in its cgroup: %s",
			 strerror(-r));
		return r;
	}
	return daemon_wait(d, why, len);
}

/* Why a tool failed: the tail of its output, on one line. */
static int failed(const char *tag, int st, char *out, char *why, size_t len)
{
	size_t n = strlen(out);
	const char *tail = out;

	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = '\0';
	for (char *p = out; *p; p++)
		if (*p == '\n')
			*p = ' ';
	if (n > 300)
		tail = out + n - 300;
	snprintf(why, len, "%s failed: %s", tag,
		 st < 0 ? strerror(-st)
		 : n	? tail
			: "(empty)");
	return -EIO;
}

int dockerd_client_run(const struct dockerd *d, const char *tag,
		       const char *const args[], char *why, size_t len)
{
	const char *argv[DOCKERD_ARGS_MAX + 6] = { dockerd_client(), "--host",
						   d->host, "--config",
						   d->config };
	char out[4096];
	size_t n = 5;
	int st;

	for (const char *const *a = args; *a && n < DOCKERD_ARGS_MAX + 5; a++)
		argv[n++] = *a;
	st = run_argv((char *const *)argv, out, sizeof(out), DOCKERD_CLIENT_S,
		      NULL);
	return st == 0 ? 0 : failed(tag, st, out, why, len);
}

int dockerd_import(const struct dockerd *d, const char *root, const char *image,
		   char *why, size_t len)
{
	char tar[PATH_MAX + 16], out[4096];
	const char *argv[] = { "tar", "-C", root, "-cf", tar, ".", NULL };
	const char *imp[] = { "import", tar, image, NULL };
	int st;

	snprintf(tar, sizeof(tar), "%s/rootfs.tar", d->dir);
	st = run_argv((char *const *)argv, out, sizeof(out), DOCKERD_CLIENT_S,
		      NULL);
	if (st != 0)
		return failed("docker-tar", st, out, why, len);
	return dockerd_client_run(d, "docker-import", imp, why, len);
}

void dockerd_stop(struct dockerd *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		for (int n = 0; n < 250 && waitpid(d->pid, NULL, WNOHANG) == 0;
		     n++)
			usleep(20000);
		kill(d->pid, SIGKILL);
		waitpid(d->pid, NULL, WNOHANG);
		d->pid = 0;
	}
	if (d->cg.layout) /* containerd, shims: whatever is left */
		cg_group_destroy(&d->cg);
	memset(&d->cg, 0, sizeof(d->cg));
}
