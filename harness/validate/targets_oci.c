// SPDX-License-Identifier: MIT
/*
 * OCI command-line runtimes (runc, crun, and cmd: templates with {config}):
 * the config.json of the standard profile, run, delete, and the lifecycle
 * container's config and commands (create, start, state, kill, delete).
 */
#include "targets.h"
#include "oci.h"

#include <string.h>
#include <sys/stat.h>

/* The main container's config.json in c->dir. */
int oci_prepare_config(struct tctx *c)
{
	struct oci_opts o = { .rootfs = c->rootfs,
			      .cgroups_path = c->cgabs[0] ? c->cgabs : NULL,
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

int oci_prepare(struct tctx *c, struct argvb *a)
{
	int r = oci_prepare_config(c);

	argv_add(a, "%s", c->t->tool);
	argv_add(a, "--root");
	argv_add(a, "%s/state", c->dir);
	argv_add(a, "run");
	argv_add(a, "--bundle");
	argv_add(a, "%s", c->dir);
	argv_add(a, "%s", c->name);
	return r;
}

void oci_cleanup(struct tctx *c)
{
	char state[PATH_MAX + 8], life[160];
	char *argv[] = { (char *)c->t->tool, "--root", state, "delete", "-f",
			 (char *)c->name,    NULL };

	snprintf(state, sizeof(state), "%s/state", c->dir);
	run_quiet_in(NULL, c->hide_v2, argv);
	snprintf(life, sizeof(life), "%s-life", c->name);
	argv[5] = life;
	run_quiet_in(NULL, c->hide_v2, argv);
}

/*
 * The lifecycle container: its own bundle ({dir}/life) on the same root,
 * not asked for the profile's life_ns_omit namespaces, joining the
 * life_ns_join ones by path, in a cgroup of its own.
 */
static int oci_life_prepare(struct tctx *c)
{
	struct oci_opts o = { .rootfs = c->rootfs,
			      .args = target_life_args,
			      .ns = c->ns & ~c->pr->life_ns_omit &
				    ~c->pr->life_ns_join,
			      .cgroup_mount = true };
	char dir[PATH_MAX + 8], cfgpath[PATH_MAX + 32], cg[PATH_MAX + 8];
	json_t *cfg;
	int r;

	for (int t = 0; t < NS__COUNT; t++)
		if (c->pr->life_ns_join & NS_BIT(t))
			o.join[t] = c->given_net;
	snprintf(cg, sizeof(cg), "%s-life", c->cgabs);
	o.cgroups_path = c->cgabs[0] ? cg : NULL;
	snprintf(dir, sizeof(dir), "%s/life", c->dir);
	if (mkdir(dir, 0711) < 0 && errno != EEXIST)
		return neg_errno();
	if (!(cfg = oci_config(c->pr, &o)))
		return -ENOMEM;
	snprintf(cfgpath, sizeof(cfgpath), "%s/config.json", dir);
	r = oci_write(cfg, cfgpath);
	json_decref(cfg);
	return r;
}

static int oci_life_argv(const struct tctx *c, enum life_cmd cmd,
			 struct argvb *a)
{
	static const char *const verb[L__COUNT] = {
		[L_CREATE] = "create", [L_START] = "start",
		[L_STATE] = "state",   [L_KILL] = "kill",
		[L_DELETE] = "delete",
	};

	argv_add(a, "%s", c->t->tool);
	argv_add(a, "--root");
	argv_add(a, "%s/state", c->dir);
	argv_add(a, "%s", verb[cmd]);
	if (cmd == L_CREATE) {
		argv_add(a, "--bundle");
		argv_add(a, "%s/life", c->dir);
	}
	argv_add(a, "%s-life", c->name);
	if (cmd == L_KILL)
		argv_add(a, "USR1");
	return 0;
}

const struct life_ops oci_life = {
	.prepare = oci_life_prepare,
	.argv = oci_life_argv,
	.absolute_cgroup = true,
	.own_bundle = true,
};
