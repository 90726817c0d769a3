// SPDX-License-Identifier: MIT
#include "external.h"
#include "dockerd.h"
#include "fixture.h"
#include "hyperfine.h"

#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>

#define IDMAP "0:100000:65536"

static int prep_true(const struct ext_ctx *c, const char *dir, char *cmd,
		     size_t len)
{
	(void)c;
	(void)dir;
	snprintf(cmd, len, "/bin/true");
	return 0;
}

static int prep_exec(const struct ext_ctx *c, const char *dir, char *cmd,
		     size_t len)
{
	(void)dir;
	snprintf(cmd, len, "%s%s", c->rootfs, FIXTURE_TINY);
	return 0;
}

/* a was modified no earlier than b. */
static bool not_older(const struct stat *a, const struct stat *b)
{
	return a->st_mtim.tv_sec != b->st_mtim.tv_sec
		       ? a->st_mtim.tv_sec > b->st_mtim.tv_sec
		       : a->st_mtim.tv_nsec >= b->st_mtim.tv_nsec;
}

/*
 * The launcher for the ref rows: the static build beside us when there is
 * one no older than us, since loading libc, libcap and jansson costs ~50
 * page faults a start; else ourselves. The row's command names which.
 */
static int ref_binary(char *self, size_t len)
{
	char st_path[PATH_MAX + 8];
	ssize_t n = readlink("/proc/self/exe", self, len - 1);
	struct stat me, st;

	if (n < 0)
		return neg_errno();
	self[n] = '\0';
	snprintf(st_path, sizeof(st_path), "%s-static", self);
	if (stat(self, &me) == 0 && stat(st_path, &st) == 0 &&
	    not_older(&st, &me) && access(st_path, X_OK) == 0 &&
	    strlen(st_path) < len)
		snprintf(self, len, "%s", st_path);
	return 0;
}

/*
 * boxcheck's own reference container, as a command like the others: with
 * a pids-limited cgroup (as runc and lxc), and without (as bwrap).
 */
static int prep_ref_with(const struct ext_ctx *c, char *cmd, size_t len,
			 const char *extra)
{
	char self[PATH_MAX];
	int r = ref_binary(self, sizeof(self));

	if (r < 0)
		return r;
	snprintf(cmd, len,
		 "%s exec --root %s --read-only --no-new-privs --hostname "
		 "bench %s-- %s",
		 self, c->rootfs, extra, FIXTURE_TINY);
	return 0;
}

static int prep_ref(const struct ext_ctx *c, const char *dir, char *cmd,
		    size_t len)
{
	(void)dir;
	return prep_ref_with(c, cmd, len, "--pids-max 64 ");
}

static int prep_ref_nocg(const struct ext_ctx *c, const char *dir, char *cmd,
			 size_t len)
{
	(void)dir;
	return prep_ref_with(c, cmd, len, "");
}

static int prep_unshare(const struct ext_ctx *c, const char *dir, char *cmd,
			size_t len)
{
	(void)dir;
	snprintf(cmd, len,
		 "unshare --fork --pid --mount --uts --ipc --net --cgroup "
		 "--time --user --map-root-user --root %s %s",
		 c->rootfs, FIXTURE_TINY);
	return 0;
}

static int prep_bwrap(const struct ext_ctx *c, const char *dir, char *cmd,
		      size_t len)
{
	(void)dir;
	snprintf(cmd, len,
		 "bwrap --unshare-user --unshare-pid --unshare-net "
		 "--unshare-ipc --unshare-uts --unshare-cgroup --uid 0 "
		 "--gid 0 --ro-bind %s / %s",
		 c->rootfs, FIXTURE_TINY);
	return 0;
}

/* bwrap with a /proc and a /dev of its own: nearer ref's mounts. */
static int prep_bwrap_dev(const struct ext_ctx *c, const char *dir, char *cmd,
			  size_t len)
{
	(void)dir;
	snprintf(cmd, len,
		 "bwrap --unshare-user --unshare-pid --unshare-net "
		 "--unshare-ipc --unshare-uts --unshare-cgroup --uid 0 "
		 "--gid 0 --ro-bind %s / --proc /proc --dev /dev %s",
		 c->rootfs, FIXTURE_TINY);
	return 0;
}

static json_t *oci_idmap(void)
{
	return json_pack("[{s:i, s:i, s:i}]", "containerID", 0, "hostID",
			 100000, "size", 65536);
}

/* An OCI bundle: config.json with the rootfs read-only, tmpfs /dev. */
static int oci_bundle(const struct ext_ctx *c, const char *dir, const char *rt)
{
	char path[PATH_MAX + 16], cg[PATH_MAX + 128];
	json_t *ns, *cfg;
	int r;

	/* absolute where we can: crun resolves a relative one from the root */
	if (c->cg_abs)
		snprintf(cg, sizeof(cg), "%s/%s", c->cg_abs, rt);
	else
		snprintf(cg, sizeof(cg), "%s/%s", c->cg_name, rt);
	ns = json_pack("[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}, {s:s}]",
		       "type", "pid", "type", "network", "type", "ipc", "type",
		       "uts", "type", "mount", "type", "cgroup", "type",
		       "user");
	cfg = json_pack(
		"{s:s, s:{s:b, s:{s:i, s:i}, s:[s], s:[s], s:s, s:b}, "
		"s:{s:s, s:b}, s:s, s:[{s:s, s:s, s:s, s:[s, s, s]}, "
		"{s:s, s:s, s:s}], "
		"s:{s:o, s:o, s:o, s:s}}",
		"ociVersion", "1.0.2", "process", "terminal", 0, "user", "uid",
		0, "gid", 0, "args", FIXTURE_TINY, "env", "PATH=/bin", "cwd",
		"/", "noNewPrivileges", 1, "root", "path", c->rootfs,
		"readonly", 1, "hostname", "bench", "mounts", "destination",
		"/dev", "type", "tmpfs", "source", "tmpfs", "options", "nosuid",
		"mode=755", "size=1m", "destination", "/proc", "type", "proc",
		"source", "proc", "linux", "namespaces", ns, "uidMappings",
		oci_idmap(), "gidMappings", oci_idmap(), "cgroupsPath", cg);
	if (!cfg)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	r = json_dump_file(cfg, path, JSON_INDENT(2)) < 0 ? -EIO : 0;
	json_decref(cfg);
	return r;
}

static int prep_oci(const struct ext_ctx *c, const char *dir, char *cmd,
		    size_t len, const char *rt)
{
	int r = oci_bundle(c, dir, rt);

	snprintf(cmd, len, "%s --root %s/state run --bundle %s boxcheck-%s", rt,
		 dir, dir, rt);
	return r;
}

static int prep_runc(const struct ext_ctx *c, const char *dir, char *cmd,
		     size_t len)
{
	return prep_oci(c, dir, cmd, len, "runc");
}

static int prep_crun(const struct ext_ctx *c, const char *dir, char *cmd,
		     size_t len)
{
	return prep_oci(c, dir, cmd, len, "crun");
}

static int prep_nspawn(const struct ext_ctx *c, const char *dir, char *cmd,
		       size_t len)
{
	(void)dir;
	snprintf(cmd, len,
		 "systemd-nspawn --quiet --register=no --keep-unit "
		 "--read-only --private-network --private-users=100000:65536 "
		 "--directory=%s %s",
		 c->rootfs, FIXTURE_TINY);
	return 0;
}

static int prep_lxc(const struct ext_ctx *c, const char *dir, char *cmd,
		    size_t len)
{
	char path[PATH_MAX + 16], conf[PATH_MAX * 2 + 512];

	snprintf(conf, sizeof(conf),
		 "lxc.uts.name = bench\n"
		 "lxc.rootfs.path = dir:%s\n"
		 "lxc.rootfs.options = ro\n"
		 "lxc.net.0.type = empty\n"
		 "lxc.idmap = u 0 100000 65536\n"
		 "lxc.idmap = g 0 100000 65536\n"
		 "lxc.cgroup.relative = 1\n"
		 "lxc.cgroup.dir = %s/lxc\n"
		 "lxc.log.file = %s/lxc.log\n"
		 "lxc.apparmor.profile = unconfined\n",
		 c->rootfs, c->cg_name, dir);
	snprintf(path, sizeof(path), "%s/config", dir);
	snprintf(cmd, len, "lxc-execute -n boxcheck-bench -P %s -f %s -- %s",
		 dir, path, FIXTURE_TINY);
	return write_text_creat(path, conf);
}

/*
 * podman: crun (its default) refuses hybrid cgroups; runc needs cgroups
 * enabled, so it gets a parent below ours when one path fits all
 * hierarchies. Explicit rlimits: podman's defaults exceed this host's.
 * Paths relative to dir, the tool's working directory: podman refuses a
 * runroot over 50 characters, and ours is deep below /run/boxcheck.
 */
static int prep_podman(const struct ext_ctx *c, const char *dir, char *cmd,
		       size_t len)
{
	char cg[PATH_MAX + 64] = "--cgroups disabled";

	(void)dir;
	if (c->cg_abs)
		snprintf(cg, sizeof(cg), "--runtime runc --cgroup-parent %s",
			 c->cg_abs);
	snprintf(cmd, len,
		 "podman --root ./root --runroot ./run --tmpdir ./tmp "
		 "--cgroup-manager cgroupfs --events-backend none "
		 "--storage-driver vfs run --rm --network none %s "
		 "--cgroupns private --ulimit nofile=1024:1024 "
		 "--ulimit nproc=4096:4096 --rootfs %s:O %s",
		 cg, c->rootfs, FIXTURE_TINY);
	return 0;
}

/*
 * docker: a private dockerd (dockerd.h) for the row, started and fed the
 * rootfs as an image once; hyperfine times the client's whole `docker run
 * --rm`, pointed at it by --host, the container's cgroup below ours.
 */
#define DOCKER_IMAGE "boxcheck-bench:tiny"

static int setup_docker(const struct ext_ctx *c, const char *dir, void **state,
			char *why, size_t len)
{
	struct dockerd *d = calloc(1, sizeof(*d));
	struct dockerd_spec s = {
		.dir = dir, .keep = c->dir, .cgl = c->cgl, .cg_name = c->cg_name
	};
	int r;

	if (!d)
		return -ENOMEM;
	*state = d;
	r = dockerd_start(d, &s, why, len);
	return r ?: dockerd_import(d, c->rootfs, DOCKER_IMAGE, why, len);
}

static void teardown_docker(void *state)
{
	dockerd_stop(state);
	free(state);
}

static int prep_docker(const struct ext_ctx *c, const char *dir, char *cmd,
		       size_t len)
{
	const struct dockerd *d = c->state;

	(void)dir;
	snprintf(cmd, len,
		 "%s --host %s --config %s run --rm --network none "
		 "--read-only --cgroupns private --cgroup-parent %s %s %s",
		 dockerd_client(), d->host, d->config, c->cg_abs, DOCKER_IMAGE,
		 FIXTURE_TINY);
	return 0;
}

const struct ext_runtime ext_table[] = {
	{ .name = "true",
	  .binary = "true",
	  .prepare = prep_true,
	  .isolation = "none: /bin/true from the host (exec baseline)" },
	{ .name = "exec",
	  .binary = NULL,
	  .prepare = prep_exec,
	  .isolation =
		  "none: tiny executed directly (the ladder's exec step)" },
	{ .name = "ref",
	  .binary = NULL,
	  .prepare = prep_ref,
	  .isolation =
		  "boxcheck exec (boxcheck-static where built): all 8 "
		  "namespaces, root mapped to 100000, read-only pivot_root "
		  "into the rootfs with /proc /dev /sys, a cgroup below ours "
		  "with pids.max (pids hierarchy and cgroup2), default "
		  "capabilities, no_new_privs" },
	{ .name = "ref-nocg",
	  .binary = NULL,
	  .prepare = prep_ref_nocg,
	  .isolation =
		  "as ref, without a cgroup (bwrap's isolation plus a time "
		  "namespace)" },
	{ .name = "unshare",
	  .binary = "unshare",
	  .prepare = prep_unshare,
	  .isolation =
		  "all 8 namespaces, root mapped to root (--map-root-user), "
		  "chroot; no cgroup, no overlay, no pivot_root" },
	{ .name = "bwrap",
	  .binary = "bwrap",
	  .prepare = prep_bwrap,
	  .isolation =
		  "user pid net ipc uts cgroup namespaces, pivot_root onto "
		  "tmpfs, rootfs read-only bind; no time namespace, no cgroup"
		  " limits" },
	{ .name = "bwrap-dev",
	  .binary = "bwrap",
	  .prepare = prep_bwrap_dev,
	  .isolation =
		  "as bwrap, with a new /proc and bwrap's /dev (tmpfs, "
		  "nodes, devpts, shm): the nearest bwrap comes to ref's "
		  "mounts (ref adds /sys, masked and read-only paths, a time "
		  "namespace, dropped capabilities)" },
	{ .name = "runc",
	  .binary = "runc",
	  .prepare = prep_runc,
	  .isolation =
		  "pid net ipc uts mount cgroup user (0->100000) namespaces, "
		  "own cgroup, read-only rootfs, tmpfs /dev, /proc (runc "
		  "needs it); runc 1.1 has no time namespace" },
	{ .name = "crun",
	  .binary = "crun",
	  .prepare = prep_crun,
	  .isolation = "as runc (on a hybrid host, with the " EXT_V1_VIEW
		       " where asked)",
	  .absolute_cgroup = true,
	  .v1_view = true },
	{ .name = "nspawn",
	  .binary = "systemd-nspawn",
	  .prepare = prep_nspawn,
	  .isolation =
		  "pid mount uts ipc net user (0->100000) namespaces, "
		  "read-only rootfs, nspawn's own /dev /proc /sys /run; no "
		  "time namespace" },
	{ .name = "lxc",
	  .binary = "lxc-execute",
	  .prepare = prep_lxc,
	  .isolation =
		  "all but time namespaces (0->100000), lxc-init as pid 1, "
		  "cgroup below ours" },
	{ .name = "podman",
	  .binary = "podman",
	  .prepare = prep_podman,
	  .isolation =
		  "pid net(none) ipc uts mount cgroup namespaces; no user "
		  "namespace (with --uidmap its :O overlay denies "
		  "/etc/hostname), overlay on the rootfs, runc with a cgroup "
		  "below ours (crun, its default, refuses hybrid cgroups), "
		  "explicit rlimits" },
	{ .name = "docker",
	  .binary = "dockerd",
	  .prepare = prep_docker,
	  .setup = setup_docker,
	  .teardown = teardown_docker,
	  .isolation =
		  "pid net(none) ipc uts mount cgroup namespaces; no user "
		  "namespace (docker's is the daemon's --userns-remap), no "
		  "time namespace; runc under containerd with a cgroup below "
		  "ours, read-only vfs copy of the rootfs, docker's /proc /dev "
		  "and read-only /sys with masked paths, its default 14 "
		  "capabilities and seccomp profile, no no_new_privs; the "
		  "client's whole round trip to a private dockerd, --rm",
	  .absolute_cgroup = true },
	{ 0 },
};

const struct ext_runtime *ext_by_name(const char *name)
{
	for (const struct ext_runtime *e = ext_table; e->name; e++)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

/* As execvp and hyperfine will find it: in $PATH. */
bool ext_installed(const struct ext_runtime *e)
{
	const char *env = getenv("PATH");
	char path[PATH_MAX], dirs[4096], *save = NULL;

	if (!e->binary)
		return true;
	snprintf(dirs, sizeof(dirs), "%s",
		 env && *env ? env : "/usr/local/bin:/usr/bin:/bin");
	for (char *d = strtok_r(dirs, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", d, e->binary);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/* The tool's own message: the last non-empty lines of its output. */
static void failure_reason(struct bench_variant *v, int status, const char *out)
{
	char buf[sizeof(v->reason)];
	size_t n;

	snprintf(buf, sizeof(buf), "%s", out);
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	for (char *p = buf; *p; p++)
		if (*p == '\n')
			*p = ' ';
	v->status = BS_FAILED;
	/* the tail, where tools say why; room left for a hint */
	snprintf(v->reason, sizeof(v->reason), "exit %d: %.320s", status,
		 n > 320 ? buf + n - 320 : buf);
}

/* A row run with the v1 view says so, first thing. */
static void ext_label(const struct ext_runtime *e, const char *hide,
		      struct bench_variant *v)
{
	if (hide)
		snprintf(v->desc, sizeof(v->desc), "%s (" EXT_V1_VIEW ")",
			 e->name);
}

/*
 * A failed row: the command when there was one, and why. status >= -1:
 * the tool's exit status (-1: hyperfine's) and its output in msg; else
 * msg is our own reason.
 */
static int row_failed(struct bench_result *r, const struct ext_runtime *e,
		      const char *hide, const char *cmd, int status,
		      const char *msg)
{
	struct bench_variant *v = bench_add(r, e->name, BG_EXTERNAL);

	if (!v)
		return -ENOMEM;
	if (cmd)
		snprintf(v->command, sizeof(v->command), "%s", cmd);
	if (status >= -1) {
		failure_reason(v, status, msg);
	} else {
		v->status = BS_FAILED;
		snprintf(v->reason, sizeof(v->reason), "%.400s", msg);
	}
	ext_label(e, hide, v);
	return 0;
}

static int run_in(const struct ext_ctx *c, const struct ext_runtime *e,
		  const char *dir, struct bench_result *r);

/* Can the row run: its cgroup path, its setup (c->state); else why not. */
static bool row_ready(struct ext_ctx *c, const struct ext_runtime *e,
		      const char *dir, char *why, size_t len)
{
	if (e->absolute_cgroup && !c->cg_abs) {
		snprintf(why, len,
			 "%s takes only an absolute cgroup path, and no one "
			 "path is below our own cgroup on every hierarchy",
			 e->name);
		return false;
	}
	if (e->setup && e->setup(c, dir, &c->state, why, len) < 0) {
		if (!why[0])
			snprintf(why, len, "%s: its setup failed", e->name);
		return false;
	}
	return true;
}

/*
 * Each tool runs with its own directory as working directory, after its
 * setup (when it has one) and before its teardown.
 */
int ext_run(const struct ext_ctx *c, const struct ext_runtime *e,
	    struct bench_result *r)
{
	_cleanup_close_ int here =
		open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct ext_ctx rc = *c;
	char dir[PATH_MAX], why[400] = "";
	int k;

	snprintf(dir, sizeof(dir), "%s/%s", c->dir, e->name);
	if (here < 0 || (mkdir(dir, 0755) < 0 && errno != EEXIST) ||
	    chdir(dir) < 0)
		return neg_errno();
	rc.state = NULL;
	if (row_ready(&rc, e, dir, why, sizeof(why)))
		k = run_in(&rc, e, dir, r);
	else
		k = row_failed(r, e, NULL, NULL, -2, why);
	if (e->teardown && rc.state)
		e->teardown(rc.state);
	return fchdir(here) < 0 ? neg_errno() : k;
}

static int run_in(const struct ext_ctx *c, const struct ext_runtime *e,
		  const char *dir, struct bench_result *r)
{
	const char *hide = e->v1_view ? c->hide_v2 : NULL;
	char out[PATH_MAX + 16], cmd[1024], msg[4096];
	struct bench_variant *v;
	int st, k;

	if (e->prepare(c, dir, cmd, sizeof(cmd)) < 0)
		return -EIO;
	/* 1. once by ourselves: a failure is reported in the tool's words */
	st = run_captured(cmd, msg, sizeof(msg), 120, hide);
	if (st != 0)
		return row_failed(r, e, hide, cmd, st, msg);
	/* 2. hyperfine, 3. its samples into our model */
	snprintf(out, sizeof(out), "%s/hyperfine.json", dir);
	if (hyperfine_run(cmd, c->runs, c->warmup, out, hide, msg,
			  sizeof(msg)) < 0)
		return row_failed(r, e, hide, NULL, -1, msg);
	k = hyperfine_import(out, r, BG_EXTERNAL, &e->name, 1, msg,
			     sizeof(msg));
	if (k <= 0)
		return k < 0 ? k : -EINVAL;
	v = &r->v[r->n - 1];
	snprintf(v->command, sizeof(v->command), "%s", cmd);
	snprintf(v->reason, sizeof(v->reason), "isolation: %s", e->isolation);
	ext_label(e, hide, v);
	return 0;
}
