// SPDX-License-Identifier: MIT
/*
 * The lifecycle of an OCI command-line target, driven on a second
 * container (not asked for an ipc namespace, joining the run's net
 * namespace by path, the lifecycle agent as its process):
 *   create; state (created); create again with the same id; state;
 *   a tmpfs mounted under its root by us (it must not see it); start;
 *   state (running); kill USR1; its facts; state (stopped); delete.
 * What each command returned and what the agent printed become the facts
 * of "launcher.lifecycle"; props.c's predicates judge them.
 * The control has no runtime: its create runs the agent at once and it
 * has no state, kill or delete (those "exit" 127), so it fails each.
 */
#include "validate.h"
#include "agent.h"
#include "facts.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>

#define NO_RUNTIME 127

struct life {
	struct vrun *run;
	struct tctx *c;
	const struct life_ops *ops;
	json_t *l;
	pid_t host_pid[2];	 /* the control's agents */
	char out[PATH_MAX + 32]; /* the container's output (create's) */
};

static double now_ms(void);

/* Whether our child pid has exited, without reaping it. */
static bool exited(pid_t pid)
{
	siginfo_t si = { 0 };

	return waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0 ||
	       si.si_pid != 0;
}

/*
 * The control's "create": the agent, started at once. Returns once it has
 * printed AGENT_STARTED (at most 3 s): the tmpfs prop_mount puts over /tmp
 * next must not hide a binary under /tmp from it while it starts (it
 * never printed a line, now and then, from a clone under /tmp).
 */
static pid_t host_agent(struct life *x, const char *tag)
{
	char out[PATH_MAX + 32], buf[64];
	double t0 = now_ms();
	pid_t pid = fork();

	snprintf(out, sizeof(out), "%s/%s.out", x->c->dir, tag);
	if (pid == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(126);
		execl(x->c->self, x->c->self, "inspect", "--lifecycle",
		      "--wait", "5", "--no-side-effects", (char *)NULL);
		_exit(127);
	}
	while (pid > 0 && now_ms() - t0 < 3000 && !exited(pid) &&
	       !(read_text(out, buf, sizeof(buf)) >= 0 &&
		 strstr(buf, AGENT_STARTED)))
		usleep(2000);
	return pid;
}

/* One command: its exit status and output (parsed when JSON). */
static json_t *cmd(struct life *x, enum life_cmd k, const char *tag)
{
	struct launch_opts lo = { .tag = tag, .keep_group = k == L_CREATE };
	struct argvb *a;
	struct launch_result res;
	json_t *o, *state;
	int r;

	if (!x->ops) {
		if (k != L_CREATE)
			return json_pack("{s:i}", "exit", NO_RUNTIME);
		x->host_pid[!!x->host_pid[0]] = host_agent(x, tag);
		return json_pack("{s:i}", "exit", 0);
	}
	a = calloc(1, sizeof(*a));
	r = a ? x->ops->argv(x->c, k, a) : -ENOMEM;
	if (r == 0)
		r = target_launch(x->c, a->v, 10, &lo, &res);
	free(a);
	if (r < 0)
		return json_pack("{s:i, s:s}", "exit", -1, "error",
				 strerror(-r));
	o = json_pack("{s:i}", "exit",
		      res.timed_out ? -1 : exit_code_of(res.status));
	state = k == L_STATE ? json_loads(res.out ? res.out : "", 0, NULL)
			     : NULL;
	json_object_set_new(o, "state", state ? state : json_null());
	if (exit_code_of(res.status) && res.err)
		json_object_set_new(o, "stderr",
				    json_sprintf("%.200s", res.err));
	launch_result_free(&res);
	return o;
}

static void step(struct life *x, const char *key, enum life_cmd k,
		 const char *tag)
{
	double t0 = now_ms();

	json_object_set_new(x->l, key, cmd(x, k, tag));
	if (getenv("BOXCHECK_DEBUG"))
		fprintf(stderr, "life %s: %s %.0f ms\n", x->c->label, key,
			now_ms() - t0);
}

/* What the container printed so far. */
static void output(const struct life *x, char *buf, size_t len)
{
	if (read_text(x->out, buf, len) < 0)
		buf[0] = '\0';
}

static bool started(const struct life *x)
{
	char buf[4096];

	output(x, buf, sizeof(buf));
	return strstr(buf, AGENT_STARTED) != NULL;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The facts line the agent prints after its signal, or NULL. */
static json_t *facts_line(const struct life *x)
{
	char *buf = calloc(1, LAUNCH_OUT_MAX), *nl, why[200];
	json_t *doc = NULL;

	if (!buf)
		return NULL;
	output(x, buf, LAUNCH_OUT_MAX);
	/* a line is there once it ends: the agent writes it in chunks */
	if (!buf[0] || buf[strlen(buf) - 1] != '\n') {
		free(buf);
		return NULL;
	}
	chomp(buf);
	nl = strrchr(buf, '\n');
	if (nl && nl[1] == '{' &&
	    facts_load(nl + 1, &doc, why, sizeof(why)) < 0)
		doc = json_pack("{s:s}", "error", why);
	free(buf);
	return doc;
}

/* Wait for the facts up to ms; NULL when none came. */
static json_t *await_facts(const struct life *x, double ms)
{
	double t0 = now_ms();
	json_t *doc;

	while (!(doc = facts_line(x)) && now_ms() - t0 < ms)
		usleep(5000);
	return doc;
}

/* The pid the created container has, from its state or our own fork. */
static pid_t pid_of(const struct life *x)
{
	json_t *s = json_object_get(json_object_get(x->l, "state_created"),
				    "state");

	return x->ops ? (pid_t)json_integer_value(json_object_get(s, "pid"))
		      : x->host_pid[0];
}

/* A tmpfs with a marker, mounted under the container's root after create. */
static int prop_mount(const struct life *x, char *at, size_t len)
{
	char mark[PATH_MAX + 64];

	snprintf(at, len, "%.4000s" AGENT_PROP_DIR,
		 x->c->t->control ? "" : x->c->rootfs);
	if (mount("tmpfs", at, "tmpfs", MS_NOSUID | MS_NODEV, "size=16k") < 0)
		return neg_errno();
	snprintf(mark, sizeof(mark), "%s/" AGENT_PROP_MARK, at);
	return write_text_creat(mark, "");
}

/* The lifecycle container's cgroup directory: does it exist? */
static json_t *cgroup_exists(const struct life *x)
{
	const struct cg_layout *l = x->c->cgl;
	char own[PATH_MAX], path[PATH_MAX * 2];

	for (int i = 0; l && i < l->n; i++) {
		if (!(l->hier[i].ctrls & CG_BIT(CG_PIDS)) && i != l->unified)
			continue;
		if (x->ops && x->ops->absolute_cgroup)
			snprintf(path, sizeof(path), "%s%s-life",
				 l->hier[i].mount, x->c->cgabs);
		else if (cg_own_dir(l, i, own, sizeof(own)) == 0)
			snprintf(path, sizeof(path), "%s/%s-life", own,
				 x->c->cgpath);
		else
			continue;
		return json_boolean(path_exists(path));
	}
	return json_null();
}

static long long exit_of_step(const struct life *x, const char *key)
{
	return json_integer_value(
		json_object_get(json_object_get(x->l, key), "exit"));
}

/* Start, then the agent runs: its start line, state, kill, its facts. */
static void run_it(struct life *x)
{
	double t0;
	json_t *doc;

	json_object_set_new(x->l, "started_before_start",
			    json_boolean(started(x)));
	step(x, "start", L_START, "life-start");
	for (t0 = now_ms(); !started(x) && now_ms() - t0 < 3000;)
		usleep(5000);
	step(x, "state_running", L_STATE, "life-state-running");
	step(x, "kill", L_KILL, "life-kill");
	doc = await_facts(x, exit_of_step(x, "kill") == 0 ? 3000 : 0);
	if (!doc && pid_of(x) > 0) { /* the runtime did not deliver it */
		kill(pid_of(x), SIGUSR2);
		doc = await_facts(x, 3000);
	}
	json_object_set_new(x->l, "agent",
			    doc ? doc : json_pack("{s:s}", "error", "ENODATA"));
	json_object_set_new(x->l, "started", json_boolean(started(x)));
}

/* After it ran: stopped, delete, and what delete left. */
static void end_it(struct life *x)
{
	const char *st;
	double t0 = now_ms();

	do {
		step(x, "state_stopped", L_STATE, "life-state-stopped");
		st = json_string_value(json_object_get(
			json_object_get(json_object_get(x->l, "state_stopped"),
					"state"),
			"status"));
		if (st && !strcmp(st, "stopped"))
			break;
		usleep(10000);
	} while (x->ops && now_ms() - t0 < 2000);
	json_object_set_new(x->l, "cgroup_before_delete", cgroup_exists(x));
	step(x, "delete", L_DELETE, "life-delete");
	json_object_set_new(x->l, "cgroup_after_delete", cgroup_exists(x));
	step(x, "state_after_delete", L_STATE, "life-state-deleted");
}

json_t *life_run(struct vrun *run, struct tctx *c)
{
	struct life x = { .run = run, .c = c, .ops = c->t->life };
	char at[PATH_MAX + 32], bundle[PATH_MAX + 8];
	int r;

	snprintf(x.out, sizeof(x.out), "%s/life-create.out", c->dir);
	snprintf(bundle, sizeof(bundle), "%s%s", c->dir,
		 x.ops && x.ops->own_bundle ? "/life" : "");
	x.l = json_pack("{s:s, s:s, s:s, s:I}", "driver",
			x.ops ? c->t->name : "none (the control)", "id", "",
			"bundle", bundle, "given_net",
			(json_int_t)run->given_net_ino);
	json_object_set_new(x.l, "id", json_sprintf("%s-life", c->name));
	if (x.ops && x.ops->prepare && (r = x.ops->prepare(c)) < 0) {
		json_decref(x.l);
		return json_pack("{s:s}", "error", strerror(-r));
	}
	step(&x, "create", L_CREATE, "life-create");
	step(&x, "state_created", L_STATE, "life-state-created");
	step(&x, "dup_create", L_CREATE, "life-dup");
	step(&x, "state_after_dup", L_STATE, "life-state-dup");
	r = prop_mount(&x, at, sizeof(at));
	json_object_set_new(x.l, "prop_mounted", json_boolean(r == 0));
	run_it(&x);
	end_it(&x);
	if (r == 0)
		umount2(at, MNT_DETACH);
	for (int i = 0; i < 2; i++)
		if (x.host_pid[i] > 0) {
			kill(x.host_pid[i], SIGKILL);
			waitpid(x.host_pid[i], NULL, 0);
		}
	return x.l;
}
