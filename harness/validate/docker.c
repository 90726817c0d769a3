// SPDX-License-Identifier: MIT
/*
 * docker: `docker run` on a dockerd of boxcheck's own for the run, never
 * the host's (bench/dockerd.h: its files under the target's run dir,
 * /run/boxcheck/boxcheck-<pid>-<t>/docker; no network of its own; its own
 * mount namespace; its cgroup <own>/boxcheck-<pid>-<t>/dockerd, which
 * `boxcheck cleanup` finds after a killed run). The agent's root is
 * imported as an image, the profile asked for with `docker run` flags, the
 * container below the run's own cgroup (--cgroup-parent). Cleanup: docker
 * rm -f, then the daemon stopped. The client runs with the API version
 * pinned (1.41, docker 20.10's): a newer client talks to an older daemon.
 */
#include "targets.h"
#include "../../bench/dockerd.h"

#include <string.h>

struct docker_target {
	struct dockerd d;
	char host_env[PATH_MAX + 48], cfg_env[PATH_MAX + 32];
	char image[128];
	bool imported;
};

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
	struct docker_target *t = calloc(1, sizeof(*t));
	char sc[PATH_MAX], dir[PATH_MAX + 16], keep[PATH_MAX], why[400];
	struct dockerd_spec s = {
		.dir = dir, .keep = keep, .cgl = c->cgl, .cg_name = c->run_name
	};
	int r;

	if (!t)
		return -ENOMEM;
	c->priv = t;
	snprintf(dir, sizeof(dir), "%.4000s/docker", c->dir);
	/* the run dir, the target's dir's parent */
	snprintf(keep, sizeof(keep), "%.*s",
		 (int)(strrchr(c->dir, '/') - c->dir), c->dir);
	snprintf(t->image, sizeof(t->image), "boxcheck-agent:%s", c->name);
	for (char *p = t->image + 15; *p; p++)
		*p = *p >= 'A' && *p <= 'Z' ? *p + 32 : *p;
	r = seccomp_write_json(c, sc, sizeof(sc));
	if (r < 0)
		return r;
	if (dockerd_start(&t->d, &s, why, sizeof(why)) < 0 ||
	    dockerd_import(&t->d, c->rootfs, t->image, why, sizeof(why)) < 0) {
		snprintf(c->setup_error, sizeof(c->setup_error), "%s", why);
		return -EIO;
	}
	t->imported = true;
	snprintf(t->host_env, sizeof(t->host_env), "DOCKER_HOST=%s", t->d.host);
	snprintf(t->cfg_env, sizeof(t->cfg_env), "DOCKER_CONFIG=%s",
		 t->d.config);
	argv_add(a, "%s", dockerd_client());
	run_flags(c, sc, a);
	argv_add(a, "%s", t->image);
	for (const char *const *q = c->pr->args; *q; q++)
		argv_add(a, "%s", *q);
	c->launch_env[0] = t->host_env;
	c->launch_env[1] = t->cfg_env;
	c->launch_env[2] = "DOCKER_API_VERSION=" DOCKERD_API;
	return 0;
}

void docker_cleanup(struct tctx *c)
{
	struct docker_target *t = c->priv;
	const char *rm[] = { "rm", "--force", c->name, NULL };
	char why[64];

	if (!t)
		return;
	if (t->d.pid > 0 && t->imported)
		dockerd_client_run(&t->d, "docker-rm", rm, why, sizeof(why));
	dockerd_stop(&t->d);
	free(t);
	c->priv = NULL;
}
