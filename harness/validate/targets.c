// SPDX-License-Identifier: MIT
/*
 * The targets table: for each runtime, how boxcheck writes its configuration
 * and argv for the standard profile, how it removes the runtime's state, and
 * which items of the profile it cannot be asked for (those are skipped, with
 * the reason given here). Nothing here reads a runtime's messages.
 */
#include "targets.h"
#include "oci.h"
#include "../../primitives/ns.h"

#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>

/*
 * ref: boxcheck's own reference container, `boxcheck exec` asked for the
 * standard profile (placeholders: see template_expand() in targets.h),
 * built by ref_template(). Its options, one per step of the profile:
 */
enum {
	REF_ROOT = 1 << 0, /* --root: pivot_root into the root */
	REF_HOSTNAME = 1 << 1,
	REF_PIDS = 1 << 2,
	REF_MEMORY = 1 << 3,
	REF_RO = 1 << 4,
	REF_NNP = 1 << 5,
	REF_MASK = 1 << 6,
};
static const struct {
	unsigned bit;
	const char *opt;
} ref_opts[] = {
	{ REF_ROOT, "--root {rootfs}" },
	{ REF_HOSTNAME, "--hostname {hostname}" },
	{ REF_PIDS, "--pids-max {pids}" },
	{ REF_MEMORY, "--memory-max {memory}" },
	{ REF_RO, "--read-only" },
	{ REF_NNP, "--no-new-privs" },
};

/*
 * ref-without:STEP, the reference container with exactly one step left
 * out: an option dropped, or one that undoes a default step added. The
 * namespace steps (ns-TYPE) are generated; without a mount namespace there
 * is no root to enter either, so ns-mnt drops what needs one.
 */
static const struct {
	const char *step;
	unsigned drop;
	const char *add;
} ref_steps[] = {
	{ "hostname", REF_HOSTNAME, NULL },
	{ "read-only", REF_RO, NULL },
	{ "pivot-root", 0, "--no-pivot" },
	{ "private-mounts", 0, "--keep-propagation" },
	{ "mask", REF_MASK, NULL },
	{ "pids-limit", REF_PIDS, NULL },
	{ "memory-limit", REF_MEMORY, NULL },
	{ "drop-caps", 0, "--keep-caps all" },
	{ "clear-inheritable", 0, "--inheritable-caps default" },
	{ "no-new-privs", REF_NNP, NULL },
};

size_t ref_steps_count(void)
{
	return NS__COUNT + ARRAY_SIZE(ref_steps);
}

const char *ref_step_name(size_t i, char *buf, size_t len)
{
	if (i < NS__COUNT)
		snprintf(buf, len, "ns-%s", ns_table[i].name);
	else if (i < ref_steps_count())
		snprintf(buf, len, "%s", ref_steps[i - NS__COUNT].step);
	else
		return NULL;
	return buf;
}

/* The step's index, or -EINVAL. */
static int ref_step_of(const char *step)
{
	char name[32];

	for (size_t i = 0; i < ref_steps_count(); i++)
		if (!strcmp(ref_step_name(i, name, sizeof(name)), step))
			return (int)i;
	return -EINVAL;
}

#define CAT(...)                                                               \
	(at += snprintf(buf + at, at < len ? len - at : 0, __VA_ARGS__))

int ref_template(const char *step, char *buf, size_t len)
{
	int i = step ? ref_step_of(step) : -1;
	unsigned drop = 0, ns_out = 0;
	const char *add = NULL;
	size_t at = 0;

	if (step && i < 0)
		return -EINVAL;
	if (i >= NS__COUNT) {
		drop = ref_steps[i - NS__COUNT].drop;
		add = ref_steps[i - NS__COUNT].add;
	} else if (i >= 0) {
		ns_out = NS_BIT(i);
		drop = i == NS_MNT ? REF_ROOT | REF_RO | REF_MASK : 0;
	}
	CAT("{self} exec --ns ");
	for (int t = 0, n = 0; t < NS__COUNT; t++)
		if (!(ns_out & NS_BIT(t)))
			CAT("%s%s", n++ ? "," : "", ns_table[t].name);
	for (size_t k = 0; k < ARRAY_SIZE(ref_opts); k++)
		if (!(drop & ref_opts[k].bit))
			CAT(" %s", ref_opts[k].opt);
	CAT(" --cgroup {cgroup}");
	for (size_t k = 0; !(drop & REF_MASK) && k < profile_masked_n; k++)
		CAT(" --mask %s", profile_masked[k]);
	if (add)
		CAT(" %s", add);
	/* without a root, the agent is where the root holds it */
	CAT(" -- %s",
	    drop & REF_ROOT ? "{rootfs}" AGENT_PATH " inspect" : "{agent}");
	return at < len ? 0 : -E2BIG;
}

#define NO_TIME_OCI "runtime-spec 1.0 has no time namespace"
#define NO_CGROUP_OPTS "has no cgroup options"

static const char *const arg_agent[] = { AGENT_PATH, "inspect", NULL };

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

/* ---- OCI: runc, crun (and cmd: templates with {config}) --------------- */

static int write_oci(struct tctx *c)
{
	struct oci_opts o = { .rootfs = c->rootfs,
			      .cgroups_path = c->cgabs[0] ? c->cgabs : NULL,
			      .args = arg_agent,
			      .ns = c->ns,
			      .cgroup_mount = true };
	json_t *cfg = oci_config(c->pr, &o);
	int r;

	if (!cfg)
		return -ENOMEM;
	snprintf(c->config, sizeof(c->config), "%s/config.json", c->dir);
	r = oci_write(cfg, c->config);
	json_decref(cfg);
	return r;
}

static int prepare_oci(struct tctx *c, struct argvb *a)
{
	int r = write_oci(c);

	argv_add(a, "%s", c->t->tool);
	argv_add(a, "--root");
	argv_add(a, "%s/state", c->dir);
	argv_add(a, "run");
	argv_add(a, "--bundle");
	argv_add(a, "%s", c->dir);
	argv_add(a, "%s", c->name);
	return r;
}

static void cleanup_oci(const struct tctx *c)
{
	char state[PATH_MAX + 8];
	char *argv[] = { (char *)c->t->tool, "--root", state, "delete", "-f",
			 (char *)c->name,    NULL };

	snprintf(state, sizeof(state), "%s/state", c->dir);
	run_quiet_in(NULL, c->hide_v2, argv);
}

/* ---- templates: ref and cmd: ------------------------------------------ */

static int prepare_template(struct tctx *c, struct argvb *a)
{
	int r = write_oci(c); /* for {config} and {bundle} */

	return r ?: template_expand(c, c->tmpl, a);
}

static int prepare_host(struct tctx *c, struct argvb *a)
{
	argv_add(a, "%s", c->self);
	argv_add(a, "inspect");
	if (c->no_memory_probe)
		argv_add(a, "--no-memory");
	return 0;
}

/*
 * The profile's masked paths this kernel has (a runtime cannot mask a path
 * that is not there): 1 and whether it is a directory, or 0.
 */
static int masked_here(size_t i, bool *dir)
{
	struct stat st;

	if (lstat(profile_masked[i], &st) < 0)
		return 0;
	*dir = S_ISDIR(st.st_mode);
	return 1;
}

/* ---- bubblewrap ------------------------------------------------------- */

/* Over /proc's: /dev/null on a file, an empty read-only tmpfs on a dir. */
static void bwrap_masks(struct argvb *a)
{
	bool dir;

	for (size_t i = 0; i < profile_masked_n; i++) {
		const char *m = profile_masked[i];
		if (strncmp(m, "/proc/", 6) || !masked_here(i, &dir))
			continue; /* bwrap mounts no /sys here */
		if (dir) {
			argv_add(a, "--tmpfs");
			argv_add(a, "%s", m);
			argv_add(a, "--remount-ro");
		} else {
			argv_add(a, "--ro-bind");
			argv_add(a, "/dev/null");
		}
		argv_add(a, "%s", m);
	}
}

static int prepare_bwrap(struct tctx *c, struct argvb *a)
{
	char caps[1024], *tok, *save = NULL;

	argv_add(a, "bwrap");
	argv_add(a, "--unshare-all"); /* user, ipc, pid, net, uts, cgroup */
	argv_add(a, "--hostname");
	argv_add(a, "%s", c->pr->hostname);
	argv_add(a, "--ro-bind");
	argv_add(a, "%s", c->rootfs);
	argv_add(a, "/");
	argv_add(a, "--proc");
	argv_add(a, "/proc");
	argv_add(a, "--dev");
	argv_add(a, "/dev");
	bwrap_masks(a);
	argv_add(a, "--die-with-parent");
	argv_add(a, "--cap-drop");
	argv_add(a, "ALL");
	cap_list(c->pr->caps, false, " ", caps, sizeof(caps));
	for (tok = strtok_r(caps, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		argv_add(a, "--cap-add");
		argv_add(a, "%s", tok);
	}
	argv_add(a, "--");
	for (const char *const *p = arg_agent; *p; p++)
		argv_add(a, "%s", *p);
	return 0;
}

/* ---- systemd-nspawn ---------------------------------------------------- */

static int prepare_nspawn(struct tctx *c, struct argvb *a)
{
	char drop[1024];

	cap_list(all_caps() & ~c->pr->caps, false, ",", drop, sizeof(drop));
	argv_add(a, "systemd-nspawn");
	argv_add(a, "--quiet");
	argv_add(a, "--directory=%s", c->rootfs);
	argv_add(a, "--machine=%s", c->name);
	argv_add(a, "--hostname=%s", c->pr->hostname);
	argv_add(a, "--read-only");
	argv_add(a, "--register=no");
	argv_add(a, "--keep-unit");
	argv_add(a, "--private-network");
	argv_add(a, "--private-users=%llu:%llu", c->pr->uid_base,
		 c->pr->id_count);
	argv_add(a, "--drop-capability=%s", drop);
	argv_add(a, "--no-new-privileges=%s",
		 c->pr->no_new_privs ? "yes" : "no");
	argv_add(a, "--console=pipe");
	argv_add(a, "--link-journal=no");
	argv_add(a, "--resolv-conf=off");
	argv_add(a, "--timezone=off");
	argv_add(a, "--");
	for (const char *const *p = arg_agent; *p; p++)
		argv_add(a, "%s", *p);
	return 0;
}

/* ---- lxc-execute ------------------------------------------------------- */

/* lxc.mount.entry lines masking the profile's paths, after its proc. */
static void lxc_masks(char *buf, size_t len)
{
	size_t at = 0;
	bool dir;

	buf[0] = '\0';
	for (size_t i = 0; i < profile_masked_n; i++)
		if (masked_here(i, &dir))
			at += snprintf(buf + at, at < len ? len - at : 0,
				       dir ? "lxc.mount.entry = tmpfs %s tmpfs "
					     "ro,nosuid,nodev,noexec 0 0\n"
					   : "lxc.mount.entry = /dev/null %s "
					     "none bind,ro 0 0\n",
				       profile_masked[i] + 1);
}

static int prepare_lxc(struct tctx *c, struct argvb *a)
{
	char caps[1024], path[PATH_MAX + 16], conf[16384], masks[2048];
	const struct profile *p = c->pr;
	int r = 0;

	cap_list(p->caps, true, " ", caps, sizeof(caps));
	lxc_masks(masks, sizeof(masks));
	snprintf(c->config, sizeof(c->config), "%s/lxc.conf", c->dir);
	r = snprintf(conf, sizeof(conf),
		     "lxc.rootfs.path = dir:%s\n"
		     "lxc.rootfs.options = ro\n"
		     "lxc.uts.name = %s\n"
		     "lxc.net.0.type = empty\n"
		     "lxc.idmap = u 0 %llu %llu\n"
		     "lxc.idmap = g 0 %llu %llu\n"
		     "lxc.cap.keep = %s\n"
		     "lxc.no_new_privs = %d\n"
		     "lxc.cgroup.relative = 1\n"
		     "lxc.cgroup.dir = %s\n"
		     "lxc.cgroup.pids.max = %u\n"
		     "lxc.cgroup.memory.limit_in_bytes = %llu\n"
		     "lxc.cgroup2.pids.max = %u\n"
		     "lxc.cgroup2.memory.max = %llu\n"
		     "lxc.mount.auto = proc:mixed sys:ro cgroup:ro\n"
		     "lxc.autodev = 1\n"
		     "lxc.apparmor.profile = unconfined\n"
		     "lxc.log.file = %s/lxc.log\n%s",
		     c->rootfs, p->hostname, p->uid_base, p->id_count,
		     p->uid_base, p->id_count, caps, p->no_new_privs, c->cgpath,
		     p->pids_max, p->memory_max, p->pids_max, p->memory_max,
		     c->dir, masks);
	r = r >= (int)sizeof(conf) ? -E2BIG : 0;
	snprintf(path, sizeof(path), "%s/lxcpath", c->dir);
	r = r ?: write_text_creat(c->config, conf);
	r = r ?: mkdir_p(path, 0711);
	argv_add(a, "lxc-execute");
	argv_add(a, "--name=%s", c->name);
	argv_add(a, "--lxcpath=%s", path);
	argv_add(a, "--rcfile=%s", c->config);
	argv_add(a, "--");
	for (const char *const *q = arg_agent; *q; q++)
		argv_add(a, "%s", *q);
	return r;
}

static void cleanup_lxc(const struct tctx *c)
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

static int prepare_podman(struct tctx *c, struct argvb *a)
{
	const struct profile *p = c->pr;
	char caps[1024];

	cap_list(p->caps, false, ",", caps, sizeof(caps));
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
	argv_add(a, "--pids-limit=%u", p->pids_max);
	argv_add(a, "--memory=%llu", p->memory_max);
	/* cgroupfs resolves it from the root, for conmon as for the rest */
	argv_add(a, "--cgroup-parent=%s", c->cgabs);
	argv_add(a, "--cap-drop=all");
	argv_add(a, "--cap-add=%s", caps);
	if (p->no_new_privs)
		argv_add(a, "--security-opt=no-new-privileges");
	/*
	 * Its defaults (nofile 1048576, nproc 32768) exceed what runc may set
	 * in a user namespace here: ask for the OCI config's values.
	 */
	argv_add(a, "--ulimit=nofile=1024:1024");
	argv_add(a, "--ulimit=nproc=1024:1024");
	argv_add(a, "--log-driver=none");
	argv_add(a, "--rootfs"); /* a flag: the root is the first argument */
	argv_add(a, "--");
	argv_add(a, "%s", c->rootfs);
	for (const char *const *q = arg_agent; *q; q++)
		argv_add(a, "%s", *q);
	return 0;
}

static void cleanup_podman(const struct tctx *c)
{
	struct argvb a = { 0 };

	podman_global(&a);
	argv_add(&a, "rm");
	argv_add(&a, "--force");
	argv_add(&a, "--ignore");
	argv_add(&a, "%s", c->name);
	run_quiet_in(c->dir, NULL, a.v);
}

/* ---- the table --------------------------------------------------------- */

#define NS_ITEM(t) [P_NS(t)]

const struct target target_table[] = {
	{ .name = "ref",
	  .summary = "boxcheck's own reference container (boxcheck exec)",
	  .prepare = prepare_template,
	  .ref = true,
	  .needs_rootfs = true },
	{ .name = "host",
	  .summary = "no isolation: the control",
	  .prepare = prepare_host,
	  .control = true },
	{ .name = "runc",
	  .tool = "runc",
	  .summary = "OCI config.json",
	  .prepare = prepare_oci,
	  .cleanup = cleanup_oci,
	  .needs_rootfs = true,
	  .absolute_cgroup = true,
	  .cannot = { NS_ITEM(NS_TIME) = NO_TIME_OCI } },
	{ .name = "crun",
	  .tool = "crun",
	  .summary = "OCI config.json (on a hybrid host whose cgroup2 has "
		     "controllers: the " TARGET_V1_VIEW ")",
	  .prepare = prepare_oci,
	  .cleanup = cleanup_oci,
	  .v1_view = true,
	  .needs_rootfs = true,
	  .absolute_cgroup = true,
	  .cannot = { NS_ITEM(NS_TIME) = NO_TIME_OCI } },
	{ .name = "bwrap",
	  .tool = "bwrap",
	  .summary = "bubblewrap arguments",
	  .prepare = prepare_bwrap,
	  .needs_rootfs = true,
	  .cannot = { NS_ITEM(NS_TIME) = "bubblewrap has no time namespace "
					 "option",
		      [P_MOUNTS_PRIVATE] = "bubblewrap makes every mount a "
					   "slave of the host's and has no "
					   "option for private ones",
		      [P_PIDS] = "bubblewrap " NO_CGROUP_OPTS,
		      [P_MEMORY] = "bubblewrap " NO_CGROUP_OPTS } },
	{ .name = "nspawn",
	  .tool = "systemd-nspawn",
	  .summary = "systemd-nspawn arguments",
	  .prepare = prepare_nspawn,
	  .needs_rootfs = true,
	  .cannot = { NS_ITEM(NS_TIME) = "systemd-nspawn has no time "
					 "namespace option",
		      [P_MOUNTS_PRIVATE] = "systemd-nspawn has no propagation "
					   "option (its mounts stay shared "
					   "with itself, slaves of the host's)",
		      [P_MASKED] =
			      "systemd-nspawn masks paths only with "
			      "--inaccessible, which needs systemd's "
			      "/run/systemd/inaccessible nodes (systemd as "
			      "PID 1)",
		      [P_PIDS] = "systemd-nspawn sets limits only as unit "
				 "properties of a registered scope (needs "
				 "systemd as PID 1)",
		      [P_MEMORY] = "systemd-nspawn sets limits only as unit "
				   "properties of a registered scope (needs "
				   "systemd as PID 1)" } },
	{ .name = "lxc",
	  .tool = "lxc-execute",
	  .summary = "lxc-execute with a config file",
	  .prepare = prepare_lxc,
	  .cleanup = cleanup_lxc,
	  .needs_rootfs = true,
	  .cannot = { NS_ITEM(NS_TIME) = "lxc config has no time namespace "
					 "key",
		      [P_MOUNTS_PRIVATE] = "lxc-execute keeps the root shared "
					   "(lxc.rootfs.options' rprivate is "
					   "not applied to it)" } },
	{ .name = "podman",
	  .tool = "podman",
	  .summary = "podman run --rootfs with private storage",
	  .prepare = prepare_podman,
	  .cleanup = cleanup_podman,
	  .needs_rootfs = true,
	  .absolute_cgroup = true,
	  .cannot = { NS_ITEM(NS_TIME) = "podman has no time namespace "
					 "option",
		      [P_MOUNTS_PRIVATE] = "podman has no option for the "
					   "root's propagation (its runc "
					   "makes mounts slaves)" } },
	{ .name = "ref-without",
	  .summary = "the reference container with one step left out "
		     "(ref-without:STEP; alone: every step)",
	  .prepare = prepare_template,
	  .ref = true,
	  .family = true,
	  .needs_rootfs = true },
	{ 0 },
};

/* Any launcher: the template comes from the command line. */
const struct target target_cmd = {
	.name = "cmd",
	.summary = "any launcher, from a command template",
	.prepare = prepare_template,
	.needs_rootfs = true,
	.absolute_cgroup = true,
	.cannot = { NS_ITEM(NS_TIME) = "the config.json it is handed is "
				       "runtime-spec 1.0: " NO_TIME_OCI },
};

const struct target *target_by_name(const char *name)
{
	for (const struct target *t = target_table; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}
