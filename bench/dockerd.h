/* SPDX-License-Identifier: MIT */
/*
 * dockerd.h - a dockerd of boxcheck's own for one run, never the host's:
 * validate's docker target and bench's docker row start, feed and stop it.
 *   - its data root, exec root, pidfile, config and unix socket are under
 *     a dir of the run's (dockerd_spec.dir);
 *   - --iptables=false --ip6tables=false --bridge=none --ip-forward=false:
 *     no rule, no interface, no sysctl; its containers are to be run with
 *     --network none;
 *   - it runs in a mount namespace of its own (a slave of the caller's)
 *     where /etc/docker, /opt and /run are tmpfs (dockerd 20.10 writes
 *     /etc/docker/key.json, containerd makes /opt/containerd, dockerd
 *     /run/docker/plugins), dockerd_spec.keep bound back into the new /run;
 *   - it runs in a cgroup <own>/<cg_name>/dockerd on the hierarchies of
 *     pids, memory and cpu, so `boxcheck cleanup` finds and kills it (and
 *     containerd and the shims, its children) after a killed run;
 *   - a root directory becomes an image with tar and `docker import`;
 *   - stop: SIGTERM to dockerd, SIGKILL to whatever is left in its cgroup.
 *     dockerd dies with its starter (PR_SET_PDEATHSIG).
 * The client is the daemon's own (/usr/bin/docker of docker.io) when there,
 * else whichever is on PATH (it negotiates the daemon's API version down);
 * it is pointed at the daemon with --host and --config, never the host's.
 *
 * Primitive-style: 0 or -errno, why in the caller's buffer; never prints.
 */
#ifndef BOXCHECK_DOCKERD_H
#define BOXCHECK_DOCKERD_H

#include "../primitives/cgroup.h"

#include <limits.h>

#define DOCKERD_API "1.41" /* docker 20.10's, for a client that pins it */

struct dockerd_spec {
	const char *dir;	     /* its files: made, below keep */
	const char *keep;	     /* bound back into its tmpfs /run */
	const struct cg_layout *cgl; /* where its cgroup goes */
	const char *cg_name;	     /* <own>/<cg_name>/dockerd: the run's */
};

struct dockerd {
	pid_t pid; /* 0: not running */
	struct cg_group cg;
	char dir[PATH_MAX];
	char sock[PATH_MAX + 16];   /* <dir>/docker.sock */
	char host[PATH_MAX + 32];   /* unix://<sock>: the client's --host */
	char config[PATH_MAX + 16]; /* <dir>/client: the client's --config */
};

/* The client: /usr/bin/docker (docker.io's) when there, else "docker". */
const char *dockerd_client(void);

/*
 * Start it and wait until its socket answers (20 s at most). 0, or -errno
 * with why: the daemon's own last log line when it did not come up. Call
 * dockerd_stop in either case.
 */
int dockerd_start(struct dockerd *d, const struct dockerd_spec *s, char *why,
		  size_t len);

/*
 * Run the client against d: `docker --host H --config C ARGS...` (args
 * NULL-ended), quietly, 60 s at most. 0, or -EIO with why: "TAG failed:"
 * and the tail of its output.
 */
int dockerd_client_run(const struct dockerd *d, const char *tag,
		       const char *const args[], char *why, size_t len);

/* The directory root as image (name:tag), through <dir>/rootfs.tar. */
int dockerd_import(const struct dockerd *d, const char *root, const char *image,
		   char *why, size_t len);

/* SIGTERM, 5 s, SIGKILL; then whatever is left in its cgroup. */
void dockerd_stop(struct dockerd *d);

#endif
