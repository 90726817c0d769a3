// SPDX-License-Identifier: MIT
/*
 * Running each target once: its root and configuration, the launch, the
 * agent's facts, the lifecycle (OCI command-line targets), the runtime's
 * own cleanup; then the records, with the host as the control.
 */
#include "validate.h"
#include "agent.h"
#include "../cli.h"
#include "../hints.h"

#include <ctype.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

static bool host_has_tool(const char *cmd)
{
	char path[PATH_MAX];
	const char *env = getenv("PATH");
	char buf[4096], *dir, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", env ? env : "/usr/bin:/bin");
	for (dir = strtok_r(buf, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", dir, cmd);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/* Why a target cannot run at all here: true and res says so. */
static bool target_skip(const struct vrun *run, const struct vsel *s,
			struct tres *res)
{
	const struct target *t = s->t;

	res->kind = OBS_SKIP;
	if (t->not_ready)
		snprintf(res->why, sizeof(res->why), "%s", t->not_ready);
	else if (t->tool && !host_has_tool(t->tool))
		snprintf(res->why, sizeof(res->why),
			 "%s is not installed; hint: %s", t->tool,
			 runtime_hint(t->name, "is not installed"));
	else if (t->needs_rootfs && run->agent_err)
		snprintf(res->why, sizeof(res->why),
			 "no static agent to put in the root (%s; run 'make "
			 "static' or pass --agent)",
			 strerror(-run->agent_err));
	else if (t->tool && !run->have_cg)
		snprintf(res->why, sizeof(res->why),
			 "cannot give %s a cgroup below ours: %s", t->tool,
			 run->cg_why);
	else if (t->absolute_cgroup && run->have_cg && !run->cg_deep[0])
		snprintf(res->why, sizeof(res->why),
			 "%s takes only an absolute cgroup path, and no one "
			 "path is below our own cgroup on every hierarchy",
			 t->tool ? t->tool : t->name);
	else
		return false;
	return true;
}

static void ctx_init(const struct vrun *run, const struct vsel *s,
		     struct tctx *c)
{
	unsigned kernel = ns_available();
	char why[256];

	memset(c, 0, sizeof(*c));
	c->t = s->t;
	c->pr = run->pr;
	c->tmpl = s->tmpl;
	c->step = s->step;
	c->self = run->self;
	c->cgl = run->have_cg ? &run->cgl : NULL;
	c->run_name = run->name;
	snprintf(c->label, sizeof(c->label), "%s", s->label);
	snprintf(c->dir, sizeof(c->dir), "%.4000s/%.40s", run->dir, s->label);
	for (char *p = c->dir + strlen(run->dir) + 1; *p; p++)
		*p = isalnum((unsigned char)*p) || *p == '-' ? *p : '_';
	snprintf(c->rootfs, sizeof(c->rootfs), "%s/rootfs", c->dir);
	if (run->have_cg)
		snprintf(c->cgpath, sizeof(c->cgpath), "%s/%s", run->name,
			 c->dir + strlen(run->dir) + 1);
	if (run->have_cg && run->cg_deep[0])
		snprintf(c->cgabs, sizeof(c->cgabs), "%.3000s/%s",
			 strcmp(run->cg_deep, "/") ? run->cg_deep : "",
			 c->cgpath);
	snprintf(c->name, sizeof(c->name), "%.50s-%.40s", run->name,
		 c->dir + strlen(run->dir) + 1);
	snprintf(c->token, sizeof(c->token), "%s", run->token);
	snprintf(c->given_net, sizeof(c->given_net), "%s", run->given_net);
	if (s->t->spec_version)
		target_spec_version(s->t, &c->spec_major, &c->spec_minor);
	c->ns = run->pr->ns & kernel;
	for (int t = 0; t < NS__COUNT; t++)
		if (target_cannot(s->t, K_NS(t), c->spec_major, c->spec_minor,
				  why, sizeof(why)))
			c->ns &= ~NS_BIT(t);
	c->no_memory_probe = s->t->control && run->control_no_memory;
	c->hide_v2 = s->t->v1_view ? run->hide_v2 : NULL;
}

/* The root (and the other root of ref-without:given-root). */
static int roots(const struct vrun *run, const struct tctx *c)
{
	char other[PATH_MAX + 32];
	int r = 0;

	if (c->t->needs_rootfs)
		r = rootfs_make(c->rootfs, run->agent, c->token);
	if (r == 0 && ref_step_other_root(c->step)) {
		snprintf(other, sizeof(other), "%s/rootfs-other", c->dir);
		r = rootfs_make(other, run->agent, "another-root");
	}
	return r;
}

static void launch(const struct vrun *run, struct tctx *c, struct argvb *a,
		   struct tres *res)
{
	struct launch_opts lo = { .tag = "main",
				  .fd_file =
					  c->fd_file[0] ? c->fd_file : NULL };
	struct launch_result l;
	int r;

	memcpy(lo.env, c->launch_env, sizeof(lo.env));
	if (getenv("BOXCHECK_DEBUG"))
		for (int i = 0; i < a->n; i++)
			fprintf(stderr, "%s%s", a->v[i],
				i + 1 < a->n ? " " : "\n");
	r = target_launch(c, a->v, run->timeout_s, &lo, &l);
	if (getenv("BOXCHECK_DEBUG"))
		fprintf(stderr, "main %s: %.0f ms\n", c->label,
			l.duration_s * 1e3);
	if (r < 0)
		snprintf(res->why, sizeof(res->why), "cannot start %s: %s",
			 a->v[0], strerror(-r));
	else
		validate_result(c->label, l.status, l.timed_out, l.out,
				l.out_truncated ? LAUNCH_OUT_MAX : l.out_len,
				l.err, run->timeout_s, res);
	launch_result_free(&l);
}

/* The launcher's section of the facts: what only it knows. */
static void launcher_section(struct tres *res, const struct tctx *c,
			     json_t *life)
{
	json_t *l =
		json_pack("{s:s, s:s, s:o}", "target", c->label, "root_token",
			  c->token, "lifecycle", life ? life : json_null());

	if (res->launched)
		json_object_set_new(l, "launched", json_string(res->launched));
	if (c->t->spec_version)
		json_object_set_new(
			l, "runtime_spec",
			json_sprintf("%d.%d", c->spec_major, c->spec_minor));
	json_object_set(l, "skips", res->skips);
	json_object_set_new(res->doc, "launcher", l);
}

void validate_run_one(struct vrun *run, const struct vsel *s, struct tres *res)
{
	struct tctx c;
	struct argvb *a = calloc(1, sizeof(*a));
	int r;

	memset(res, 0, sizeof(*res));
	if (!a || target_skip(run, s, res)) {
		res->skips = json_object();
		free(a);
		return;
	}
	ctx_init(run, s, &c);
	res->skips = validate_skips(s->t, c.label, ns_available(), c.spec_major,
				    c.spec_minor);
	res->kind = OBS_ERROR;
	res->launched = c.hide_v2 ? TARGET_V1_VIEW : NULL;
	r = mkdir(c.dir, 0711) < 0 ? neg_errno() : 0;
	r = r ?: roots(run, &c);
	r = r ?: s->t->prepare(&c, a);
	if (!r && a->overflow)
		r = -E2BIG;
	if (r < 0)
		snprintf(res->why, sizeof(res->why),
			 "cannot prepare %s's configuration: %s", c.label,
			 c.setup_error[0] ? c.setup_error : strerror(-r));
	else
		launch(run, &c, a, res);
	if (res->kind == OBS_HOLDS)
		launcher_section(res, &c,
				 s->t->life || s->t->control ? life_run(run, &c)
							     : NULL);
	if (res->kind == OBS_ERROR)
		runtime_hint_append(s->t->name, res->why, sizeof(res->why));
	if (s->t->cleanup)
		s->t->cleanup(&c);
	free(a);
}

/* The facts of a target, as gathered, into the --save-facts dir. */
void validate_save(const struct vrun *run, const char *label,
		   const struct tres *res)
{
	char path[PATH_MAX];

	if (!run->save_facts || res->kind != OBS_HOLDS)
		return;
	snprintf(path, sizeof(path), "%s/%s.json", run->save_facts, label);
	for (char *p = path + strlen(run->save_facts) + 1; *p; p++)
		*p = *p == '/' || *p == ':' ? '_' : *p;
	if (json_dump_file(res->doc, path, JSON_COMPACT) < 0)
		fprintf(stderr, "boxcheck: cannot write %s\n", path);
}

/* The control's unusable reasons, as a document section, for judge. */
static void save_control(const struct vrun *run, struct tres *host,
			 const struct vcontrol *ctl)
{
	json_t *u = json_object();
	char id[64];

	if (!run->save_facts || host->kind != OBS_HOLDS)
		return;
	for (size_t i = 0; i < prop_count(); i++)
		if (ctl->unusable[i][0])
			json_object_set_new(
				u, prop_id(prop_get(i), id, sizeof(id)),
				json_string(ctl->unusable[i]));
	json_object_set_new(json_object_get(host->doc, "launcher"), "unusable",
			    u);
	json_object_set_new(json_object_get(host->doc, "launcher"), "control",
			    json_true());
	validate_save(run, "host-control", host);
}

size_t validate_run(struct vrun *run, const struct vsel *sel, int n,
		    struct record *recs)
{
	const struct vsel control = { .t = target_by_name("host"),
				      .label = "host-control" };
	struct vcontrol *ctl = calloc(1, sizeof(*ctl));
	struct tres *host = calloc(1, sizeof(*host)),
		    *res = calloc(1, sizeof(*res));
	size_t k = 0, np = prop_count();

	if (!ctl || !host || !res || np > PROP_MAX) {
		free(ctl), free(host), free(res);
		return 0;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1); /* containers left by create */
	validate_unusable(run->pr, ctl);
	run->control_no_memory = unusable_memory(run->pr, NULL, 0);
	validate_run_one(run, &control, host);
	validate_control(run->pr, host, ctl);
	save_control(run, host, ctl);
	if (run->jobs > 1) {
		validate_run_jobs(run, sel, n, ctl, host, recs);
		k = (size_t)n * np;
	}
	for (int i = 0; run->jobs <= 1 && i < n && !target_launch_interrupted();
	     i++) {
		const struct tres *r = res;
		fprintf(stderr, "validate: target %d of %d: %s\n", i + 1, n,
			sel[i].label);
		if (sel[i].t->control) {
			r = host;
		} else {
			tres_clear(res);
			validate_run_one(run, &sel[i], res);
			validate_save(run, sel[i].label, res);
		}
		validate_judge(run->pr, sel[i].t->control, sel[i].label, r, ctl,
			       recs + k);
		k += np;
		while (waitpid(-1, NULL, WNOHANG) > 0) /* orphans reparented */
			;
	}
	tres_clear(res);
	tres_clear(host);
	free(ctl), free(host), free(res);
	return k;
}

/* ---- what the properties need from the run ----------------------------- */

/* A net namespace of its own, held by a bind mount of its nsfs file. */
static int given_net(struct vrun *run)
{
	struct stat st;
	pid_t pid;
	int p[2], st_, r = 0;
	char src[64], b;

	snprintf(run->given_net, sizeof(run->given_net), "%.4000s/given-net",
		 run->dir);
	if (write_text_creat(run->given_net, "") < 0 || pipe2(p, O_CLOEXEC) < 0)
		return -EIO;
	if ((pid = fork()) == 0) {
		close(p[0]);
		b = unshare(CLONE_NEWNET) < 0 ? 'e' : 'g';
		if (write(p[1], &b, 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &b, 1) != 1 || b != 'g')
		r = -EIO;
	snprintf(src, sizeof(src), "/proc/%d/ns/net", pid);
	if (r == 0 && mount(src, run->given_net, NULL, MS_BIND, NULL) < 0)
		r = neg_errno();
	close(p[0]);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st_, 0);
	}
	if (r == 0 && stat(run->given_net, &st) == 0)
		run->given_net_ino = (long long)st.st_ino;
	return r;
}

/* A unix socket at <run dir>/engine.sock: an engine's, for the probe. */
static int engine_socket(struct vrun *run)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	run->engine_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%.94s/engine.sock", run->dir);
	if (run->engine_fd < 0 ||
	    bind(run->engine_fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		return neg_errno();
	return 0;
}

int validate_props_setup(struct vrun *run)
{
	unsigned char rnd[8];
	int r;

	if (getentropy(rnd, sizeof(rnd)) < 0)
		return neg_errno();
	snprintf(run->token, sizeof(run->token), "%.30s-%02x%02x%02x%02x",
		 run->name, rnd[0], rnd[1], rnd[2], rnd[3]);
	r = engine_socket(run);
	if (r == 0 && geteuid() == 0)
		r = given_net(run);
	return r;
}

void validate_props_teardown(struct vrun *run)
{
	if (run->given_net[0])
		umount2(run->given_net, MNT_DETACH);
	if (run->engine_fd > 0)
		close(run->engine_fd);
}

/*
 * The run's cpu weight: the most, on each directory of the run's own that
 * holds the containers (<own>/<run>, and what is new along <deep>/<run>),
 * on v1 cpu hierarchies. A cgroup's weight counts against its siblings
 * only: without this the run's subtree competes with each task of our own
 * cgroup at their weight, and on a busy host the cpu probe's spin never
 * reaches the quota, so no throttling can show. Best effort.
 */
static void weigh(const char *dir)
{
	char path[PATH_MAX + 16];

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return;
	snprintf(path, sizeof(path), "%s/cpu.shares", dir);
	write_text(path, "262144");
}

void validate_cpu_weight(struct vrun *run)
{
	const struct cg_layout *l = &run->cgl;
	char own[PATH_MAX], path[PATH_MAX * 2];

	for (int i = 0; run->have_cg && i < l->n; i++) {
		const char *first = run->cg_made.first_new[i];
		size_t at;
		if (!(l->hier[i].ctrls & CG_BIT(CG_CPU)) ||
		    cg_own_dir(l, i, own, sizeof(own)) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", own, run->name);
		weigh(path);
		if (!run->cg_deep[0] || !first[0])
			continue;
		/* from the first new component of <deep>/<run> down */
		snprintf(path, sizeof(path), "%s%s/%s", l->hier[i].mount,
			 strcmp(run->cg_deep, "/") ? run->cg_deep : "",
			 run->name);
		for (at = strlen(first); path[at] == '/' || !path[at];) {
			char c = path[at];
			path[at] = '\0';
			weigh(path);
			path[at] = c;
			if (!c)
				break;
			at += 1 + strcspn(path + at + 1, "/");
		}
	}
}
