// SPDX-License-Identifier: MIT
/*
 * The targets table: for each runtime, how boxcheck writes its configuration
 * and argv for the standard profile, how it removes the runtime's state,
 * its lifecycle commands, and which knobs of the profile it cannot be asked
 * for (those properties are skipped, with the reason given here). Nothing
 * here reads a runtime's messages.
 */
#include "targets.h"

#include <string.h>

#define NO_CGROUP_OPTS "has no cgroup options"
#define NSPAWN_SCOPE                                                           \
	"systemd-nspawn sets limits only as unit properties of a registered "  \
	"scope (needs systemd as PID 1)"
#define DOCKER_USERNS                                                          \
	"docker's user namespaces are the daemon's --userns-remap, which "     \
	"needs a subordinate-id user in /etc/subuid (boxcheck does not "       \
	"change "                                                              \
	"the host's users)"

/* ---- templates: ref, ref-without:STEP and cmd: ------------------------ */

static int prepare_template(struct tctx *c, struct argvb *a)
{
	int r = oci_prepare_config(c); /* for {config} and {bundle} */

	return r ?: template_expand(c, c->tmpl, a);
}

static int prepare_host(struct tctx *c, struct argvb *a)
{
	argv_add(a, "%s", c->self);
	argv_add(a, "inspect");
	argv_add(a, "--no-side-effects");
	if (c->no_memory_probe)
		argv_add(a, "--no-memory");
	return 0;
}

#define K(k) [k]
#define TIME_OPT(who) K(K_NS(NS_TIME)) = who " has no time namespace option"

const struct target target_table[] = {
	{ .name = "ref",
	  .summary = "boxcheck's own reference container (boxcheck exec)",
	  .prepare = prepare_template,
	  .ref = true,
	  .needs_rootfs = true,
	  .life = &ref_life },
	{ .name = "host",
	  .summary = "no isolation: the control",
	  .prepare = prepare_host,
	  .control = true },
	{ .name = "runc",
	  .tool = "runc",
	  .summary = "OCI config.json",
	  .prepare = oci_prepare,
	  .cleanup = oci_cleanup,
	  .needs_rootfs = true,
	  .absolute_cgroup = true,
	  .spec_version = true,
	  .life = &oci_life },
	{ .name = "crun",
	  .tool = "crun",
	  .summary = "OCI config.json (on a hybrid host whose cgroup2 has "
		     "controllers: the " TARGET_V1_VIEW ")",
	  .prepare = oci_prepare,
	  .cleanup = oci_cleanup,
	  .v1_view = true,
	  .needs_rootfs = true,
	  .absolute_cgroup = true,
	  .spec_version = true,
	  .life = &oci_life },
	{ .name = "bwrap",
	  .tool = "bwrap",
	  .summary = "bubblewrap arguments",
	  .prepare = bwrap_prepare,
	  .needs_rootfs = true,
	  .cannot = { TIME_OPT("bubblewrap"),
		      K(K_IDMAP) = "bubblewrap maps one id (the caller's, or "
				   "--uid), not a range",
		      K(K_USER) =
			      "bubblewrap sets uid and gid, but has no option "
			      "for supplementary groups",
		      K(K_UMASK) = "bubblewrap has no umask option",
		      K(K_RLIMITS) = "bubblewrap has no rlimit option",
		      K(K_OOM) = "bubblewrap has no oom_score_adj option",
		      K(K_PROPAGATION) =
			      "bubblewrap makes every mount a slave of "
			      "the host's and has no option for "
			      "private ones",
		      K(K_RO_PATHS) =
			      "bubblewrap binds host paths only: no part "
			      "of its own /proc can be made read-only",
		      K(K_SHM) = "bubblewrap's --tmpfs takes no noexec",
		      K(K_SYSFS) =
			      "bubblewrap mounts no sysfs (it only binds the "
			      "host's)",
		      K(K_LSM) = "bubblewrap labels with SELinux only "
				 "(--exec-label)",
		      K(K_PIDS) = "bubblewrap " NO_CGROUP_OPTS,
		      K(K_MEMORY) = "bubblewrap " NO_CGROUP_OPTS,
		      K(K_CPU) = "bubblewrap " NO_CGROUP_OPTS,
		      K(K_CGROUP) = "bubblewrap " NO_CGROUP_OPTS } },
	{ .name = "nspawn",
	  .tool = "systemd-nspawn",
	  .summary = "systemd-nspawn arguments",
	  .prepare = nspawn_prepare,
	  .needs_rootfs = true,
	  .cannot = { TIME_OPT("systemd-nspawn"),
		      K(K_USER) =
			      "systemd-nspawn has no option for supplementary "
			      "groups",
		      K(K_UMASK) = "systemd-nspawn has no umask option",
		      K(K_OOM) =
			      "systemd-nspawn 252's --oom-score-adjust fails "
			      "with --private-users (Permission denied, and "
			      "the container does not start)",
		      K(K_SC_ERRNO) = "systemd-nspawn's --system-call-filter "
				      "refuses with EPERM and takes no errno",
		      K(K_PROPAGATION) =
			      "systemd-nspawn has no propagation option "
			      "(its mounts stay shared with itself, "
			      "slaves of the host's)",
		      K(K_MASK) = "systemd-nspawn masks paths only with "
				  "--inaccessible, which needs systemd's "
				  "/run/systemd/inaccessible nodes (systemd as "
				  "PID 1)",
		      K(K_PIDS) = NSPAWN_SCOPE, K(K_MEMORY) = NSPAWN_SCOPE,
		      K(K_CPU) = NSPAWN_SCOPE, K(K_CGROUP) = NSPAWN_SCOPE } },
	{ .name = "lxc",
	  .tool = "lxc-execute",
	  .summary = "lxc-execute with a config file",
	  .prepare = lxc_prepare,
	  .cleanup = lxc_cleanup,
	  .needs_rootfs = true,
	  .cannot = { K(K_UMASK) = "lxc config has no umask key",
		      K(K_RO_PATHS) =
			      "lxc makes only /proc/sys and sysrq-trigger "
			      "read-only (lxc.mount.auto proc:mixed), and "
			      "its mount entries bind host paths only",
		      K(K_PROPAGATION) = "lxc-execute keeps the root shared "
					 "(lxc.rootfs.options' rprivate is not "
					 "applied to it)" } },
	{ .name = "podman",
	  .tool = "podman",
	  .summary = "podman run --rootfs with private storage",
	  .prepare = podman_prepare,
	  .cleanup = podman_cleanup,
	  .needs_rootfs = true,
	  .absolute_cgroup = true,
	  .cannot = { TIME_OPT("podman"),
		      K(K_PROPAGATION) = "podman has no option for the root's "
					 "propagation (its runc makes mounts "
					 "slaves)" } },
	{ .name = "docker",
	  .tool = "dockerd",
	  .summary = "docker run on a private dockerd (own data, exec root "
		     "and socket under the run dir, no iptables, no bridge)",
	  .prepare = docker_prepare,
	  .cleanup = docker_cleanup,
	  .needs_rootfs = true,
	  .absolute_cgroup = true,
	  .cannot = { TIME_OPT("docker"), K(K_NS(NS_USER)) = DOCKER_USERNS,
		      K(K_IDMAP) = DOCKER_USERNS,
		      K(K_UMASK) = "docker run has no umask option",
		      K(K_PROPAGATION) = "docker has no option for the root's "
					 "propagation" } },
	{ .name = "ref-without",
	  .summary = "the reference container with one step left out "
		     "(ref-without:STEP; alone: every step)",
	  .prepare = prepare_template,
	  .ref = true,
	  .family = true,
	  .needs_rootfs = true,
	  .life = &ref_life },
	{ 0 },
};

/* Any launcher: the template comes from the command line. */
const struct target target_cmd = {
	.name = "cmd",
	.summary = "any launcher, from a command template",
	.prepare = prepare_template,
	.needs_rootfs = true,
	.absolute_cgroup = true,
	.cannot = { K(K_NS(NS_TIME)) = "the config.json it is handed is "
				       "runtime-spec 1.0, which has no time "
				       "namespace" },
};

const struct target *target_by_name(const char *name)
{
	for (const struct target *t = target_table; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

const char *target_cannot(const struct target *t, enum knob k, int spec_major,
			  int spec_minor, char *buf, size_t len)
{
	if (t->control)
		return NULL;
	if (k == K_LIFECYCLE && !t->life) {
		snprintf(buf, len,
			 "not an OCI command-line runtime: no create, start, "
			 "state, kill and delete to drive");
		return buf;
	}
	if (k == K_NS(NS_TIME) && t->spec_version &&
	    (spec_major < 1 || (spec_major == 1 && spec_minor < 2))) {
		snprintf(buf, len,
			 "%s reports runtime-spec %d.%d, which has no time "
			 "namespace (1.2 has)",
			 t->tool, spec_major, spec_minor);
		return buf;
	}
	return t->cannot[k];
}

int target_spec_version(const struct target *t, int *major, int *minor)
{
	char cmd[128], line[256];
	FILE *f;
	int r = -ENOENT;

	*major = *minor = 0;
	if (!t->spec_version || !t->tool)
		return -EINVAL;
	/* t->tool is a fixed name from target_table: no outside input. */
	snprintf(cmd, sizeof(cmd), "%s --version 2>/dev/null </dev/null",
		 t->tool);
	if (!(f = popen(cmd, "re")))
		return neg_errno();
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "spec: %d.%d", major, minor) == 2)
			r = 0;
	pclose(f);
	return r;
}
