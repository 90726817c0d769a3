// SPDX-License-Identifier: MIT
/*
 * boxcheck validate: start the agent in each target with the standard
 * profile, compare its facts with the profile and with the host (the
 * control), and report a property x target matrix plus the usual formats.
 *
 *   run dir <base>/boxcheck-<pid>-<t>/<target>/{rootfs,config,state,...}
 *   cgroup  <own>/boxcheck-<pid>-<t>/<target> on each hierarchy (relative
 *           paths: the runtimes create them below their own, i.e. ours)
 *   after each target: the runtime's own delete; at the end: kill and
 *   remove the cgroups, detach leftover mounts, remove the run dir.
 */
#include "cli.h"
#include "instance.h"
#include "validate/validate.h"
#include "../primitives/cgroup.h"
#include "host.h"
#include "runner.h"

#include <getopt.h>
#include <stddef.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>

const char usage_validate[] =
	"usage: boxcheck validate [--runtime LIST]... [--format F] [-o FILE]\n"
	"                         [--tap FILE] [--ktap FILE] [--junit FILE]\n"
	"                         [--json FILE]\n"
	"                         [--agent PATH] [--timeout S]\n"
	"                         [--crun-v1-view auto|off] [--save-facts "
	"DIR]\n"
	"                         [--lsm-label LABEL]\n"
	"\n"
	"Starts `boxcheck inspect` in each target with one standard profile\n"
	"(every namespace the target supports, id maps, hostname, uid, gid\n"
	"and groups, cwd, environment, arguments, umask, rlimits,\n"
	"oom_score_adj, a read-only root entered with pivot_root, private\n"
	"mounts, the OCI mounts, devices, masked and read-only paths, pids,\n"
	"memory and cpu limits, the default capabilities and no inheritable\n"
	"or ambient ones, no_new_privs, a seccomp filter refusing a curated\n"
	"set of system calls) and judges what it reports: the properties of\n"
	"`boxcheck validate --list`, in groups. OCI command-line runtimes "
	"also\n"
	"run a second container through create, state, start, kill, delete.\n"
	"`host` is the control. As root, the run is fenced: private mount,\n"
	"UTS, IPC and network namespaces of its own.\n"
	"\n"
	"  --runtime LIST   comma-separated: ref host runc crun bwrap nspawn\n"
	"                   lxc podman docker, ref-without:STEP (the "
	"reference\n"
	"                   container with one step left out, to see each\n"
	"                   property fail; ref-without alone: every step),\n"
	"                   or cmd:TEMPLATE (takes the rest of\n"
	"                   the list; repeat --runtime for more). Templates\n"
	"                   are split on blanks (no shell); placeholders\n"
	"                   {rootfs} {agent} {config} {bundle} {self}\n"
	"                   {hostname} {pids} {memory} {cgroup} {name}\n"
	"                   {life} {given-net} {agent-life} {rundir};\n"
	"                   {agent} is required. Default: every target.\n"
	"  --format F       text, markdown, tap, ktap, json or junit\n"
	"  -o, --output F   write --format to F\n"
	"  --tap/--ktap/--junit/--json FILE  also write that format (ktap:\n"
	"                   KTAP version 1, a suite per target)\n"
	"  --agent PATH     the static boxcheck copied into the root\n"
	"                   (default: boxcheck-static next to this binary)\n"
	"  --timeout S      per-target limit (default 60)\n"
	"  --crun-v1-view auto|off  auto (default): on a hybrid host whose\n"
	"                   cgroup2 has controllers, which crun 1.8 refuses,\n"
	"                   crun is launched in a mount namespace of its own\n"
	"                   where that mount is detached (it sees cgroup v1\n"
	"                   only; its records say \"launched\"); off: as it "
	"is\n"
	"  --save-facts DIR write each target's facts (with the launcher's)\n"
	"                   to DIR/TARGET.json, the control's to\n"
	"                   DIR/host-control.json: `boxcheck judge` reads "
	"them\n"
	"  --lsm-label L    ask every target for the AppArmor or SELinux "
	"label L\n"
	"  --list           the properties: id, group, reference, step\n"
	"  -j, --jobs N     run N targets at once (default 1)\n"
	"\n"
	"Exit status: 0 every runtime delivered what it accepted, 1 one "
	"failed\n"
	"or did not start (the host never counts), 2 bad usage.\n";

enum { OUT_TAP, OUT_JUNIT, OUT_JSON, OUT_KTAP, OUT_MAIN, OUT__COUNT };

struct vargs {
	struct vsel sel[VALIDATE_MAX_TARGETS];
	int n;
	const char *format, *files[OUT__COUNT], *agent, *save_facts, *lsm;
	unsigned timeout, jobs;
	bool crun_v1_view, list;
	char lists[8192]; /* copies of the --runtime lists, tokenised */
	size_t used;
};

/* ref, or ref-without:STEP (its template built for it). */
static int add_ref(struct vargs *a, struct vsel *s, const char *name)
{
	const char *colon = strchr(name, ':');

	if (s->t->family && !colon)
		return usage_error("validate: %s wants a step: %s:STEP", name,
				   name);
	if (!s->t->family && colon)
		return usage_error("validate: unknown runtime '%s'", name);
	snprintf(s->stepbuf, sizeof(s->stepbuf), "%s", colon ? colon + 1 : "");
	s->step = colon ? s->stepbuf : NULL;
	if (ref_template(&profile_standard, s->step, s->tbuf,
			 sizeof(s->tbuf))) {
		char steps[4096], step[32];
		size_t at = 0;
		for (size_t i = 0; ref_step_name(i, step, sizeof(step)); i++)
			at += snprintf(steps + at,
				       at < sizeof(steps) ? sizeof(steps) - at
							  : 0,
				       " %s", step);
		return usage_error("validate: %s: no such step (steps:%s)",
				   name, steps);
	}
	s->tmpl = s->tbuf;
	snprintf(s->label, sizeof(s->label), "%s", name);
	a->n++;
	return EXIT_OK;
}

static int add_target(struct vargs *a, const char *name, const char *tmpl)
{
	struct vsel *s = &a->sel[a->n];
	char base[32];
	const char *why;

	if (a->n == VALIDATE_MAX_TARGETS)
		return usage_error("validate: too many targets");
	snprintf(base, sizeof(base), "%.*s",
		 (int)strcspn(name ? name : "", ":"), name ? name : "");
	if (tmpl) {
		if ((why = template_check(tmpl)))
			return usage_error("validate: cmd:%s: %s", tmpl, why);
		s->t = &target_cmd;
		s->tmpl = tmpl;
		validate_cmd_label(tmpl, a->n, s->label, sizeof(s->label));
	} else if (!(s->t = target_by_name(base))) {
		return usage_error("validate: unknown runtime '%s' (ref host "
				   "runc crun bwrap nspawn lxc podman docker "
				   "ref-without:STEP cmd:TEMPLATE)",
				   name);
	} else if (s->t->ref) {
		return add_ref(a, s, name);
	} else if (strchr(name, ':')) {
		return usage_error("validate: unknown runtime '%s'", name);
	} else {
		s->tmpl = s->t->tmpl;
		snprintf(s->label, sizeof(s->label), "%s", name);
	}
	a->n++;
	return EXIT_OK;
}

/* ref-without alone: every step. */
static int add_family(struct vargs *a, const char *name)
{
	char step[32], full[64];
	int r = EXIT_OK;

	for (size_t i = 0; r == EXIT_OK && ref_step_name(i, step, sizeof(step));
	     i++) {
		snprintf(full, sizeof(full), "%s:%s", name, step);
		r = add_target(a, full, NULL);
	}
	return r;
}

/* Tokenises a copy: argv stays whole for meta.command and ps. */
static int parse_list(struct vargs *a, const char *arg)
{
	char *save = NULL, *tok, *list = a->lists + a->used;
	size_t len = strlen(arg) + 1;
	const struct target *t;

	if (len > sizeof(a->lists) - a->used)
		return usage_error("validate: --runtime lists too long");
	memcpy(list, arg, len);
	a->used += len;
	for (tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int r;
		if (strncmp(tok, "cmd:", 4) == 0) {
			/* the template takes the rest, commas and all */
			if (save && *save)
				tok[strlen(tok)] = ',';
			return add_target(a, NULL, tok + 4);
		}
		t = target_by_name(tok);
		r = t && t->family ? add_family(a, tok)
				   : add_target(a, tok, NULL);
		if (r != EXIT_OK)
			return r;
	}
	return EXIT_OK;
}

/* The options that keep their value as given, and where. */
static const struct {
	int opt;
	size_t off;
} value_opts[] = {
	{ 'f', offsetof(struct vargs, format) },
	{ 'o', offsetof(struct vargs, files[OUT_MAIN]) },
	{ 'P', offsetof(struct vargs, files[OUT_TAP]) },
	{ 'J', offsetof(struct vargs, files[OUT_JUNIT]) },
	{ 'S', offsetof(struct vargs, files[OUT_JSON]) },
	{ 'K', offsetof(struct vargs, files[OUT_KTAP]) },
	{ 'a', offsetof(struct vargs, agent) },
	{ 'F', offsetof(struct vargs, save_facts) },
	{ 'L', offsetof(struct vargs, lsm) },
};

static const char **value_of(struct vargs *a, int c)
{
	for (size_t i = 0; i < sizeof(value_opts) / sizeof(*value_opts); i++)
		if (value_opts[i].opt == c)
			return (const char **)((char *)a + value_opts[i].off);
	return NULL;
}

/* One option: EXIT_OK, or a usage error (printed). */
static int take(struct vargs *a, int c, const char *arg, const char *opt)
{
	const char **v = value_of(a, c);

	if (v) {
		*v = arg;
		return EXIT_OK;
	}
	if (c == 'r')
		return parse_list(a, arg);
	if (c == 'l')
		return a->list = true, EXIT_OK;
	if (c == 'j' && parse_uint(arg, 1, 64, &a->jobs))
		return usage_error("validate: --jobs wants 1..64, not '%s'",
				   arg);
	if (c == 'c' && parse_crun_v1_view(arg, &a->crun_v1_view))
		return usage_error("validate: --crun-v1-view wants auto or "
				   "off, not '%s'",
				   arg);
	if (c == 'T' && parse_uint(arg, 1, 3600, &a->timeout))
		return usage_error("validate: --timeout wants 1..3600 seconds, "
				   "not '%s'",
				   arg);
	if (c == '?' || c == ':')
		return usage_error("validate: unknown option or missing value "
				   "'%s'",
				   opt);
	return EXIT_OK;
}

static int parse(int argc, char **argv, struct vargs *a)
{
	static const struct option opts[] = {
		{ "runtime", required_argument, NULL, 'r' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "tap", required_argument, NULL, 'P' },
		{ "junit", required_argument, NULL, 'J' },
		{ "json", required_argument, NULL, 'S' },
		{ "ktap", required_argument, NULL, 'K' },
		{ "agent", required_argument, NULL, 'a' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "crun-v1-view", required_argument, NULL, 'c' },
		{ "save-facts", required_argument, NULL, 'F' },
		{ "lsm-label", required_argument, NULL, 'L' },
		{ "list", no_argument, NULL, 'l' },
		{ "jobs", required_argument, NULL, 'j' },
		{ 0 },
	};
	int c, r;

	a->format = "text";
	a->timeout = 60;
	a->crun_v1_view = true;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:j:", opts, NULL)) != -1)
		if ((r = take(a, c, optarg, argv[optind - 1])) != EXIT_OK)
			return r;
	if (optind < argc)
		return usage_error("validate: unexpected argument '%s'",
				   argv[optind]);
	if (strcmp(a->format, "markdown") && !writer_by_name(a->format))
		return usage_error("validate: unknown format '%s' (text, "
				   "markdown, tap, ktap, json or junit)",
				   a->format);
	for (int i = 0; i < OUT__COUNT; i++) {
		r = a->files[i] ? check_writable(a->files[i]) : 0;
		if (r < 0)
			return usage_error("validate: cannot write '%s': %s",
					   a->files[i], strerror(-r));
	}
	/* No --runtime: every target (decided once, before adding any). */
	if (a->n == 0)
		for (const struct target *t = target_table; t->name; t++)
			if (!t->family)
				add_target(a, t->name, NULL);
	return EXIT_OK;
}

/* ---- the run ----------------------------------------------------------- */

/* The static agent: --agent, $BOXCHECK_AGENT, or next to this binary. */
static int find_agent(const char *opt, const char *self, char *buf, size_t len)
{
	const char *env = getenv("BOXCHECK_AGENT");
	const char *slash = strrchr(self, '/');
	int dl = slash ? (int)(slash - self) : 0;

	if (opt || (env && *env)) {
		snprintf(buf, len, "%s", opt ? opt : env);
		return access(buf, R_OK) == 0 ? 0 : neg_errno();
	}
	if (snprintf(buf, len, "%.*s/boxcheck-static", dl, self) >= (int)len)
		return -ENAMETOOLONG;
	if (access(buf, R_OK) == 0)
		return 0;
	if (strstr(self, "-static")) {
		snprintf(buf, len, "%s", self);
		return 0;
	}
	return -ENOENT;
}

/* The deepest own path, if every hierarchy's own path is its ancestor. */
static void cg_deep_setup(struct vrun *run)
{
	char abs[PATH_MAX + 128];

	if (cg_common_own(&run->cgl, run->cg_deep, sizeof(run->cg_deep)) < 0) {
		run->cg_deep[0] = '\0';
		return;
	}
	snprintf(abs, sizeof(abs), "%s/%s",
		 strcmp(run->cg_deep, "/") ? run->cg_deep : "", run->name);
	cg_abs_track(&run->cgl, abs, &run->cg_made);
	instance_note_cgroups(run->dir, &run->cgl, &run->cg_made);
}

static int run_setup(struct vrun *run)
{
	int r = instance_name(run->name, sizeof(run->name));

	if (r < 0)
		return r;
	if (readlink("/proc/self/exe", run->self, sizeof(run->self) - 1) < 0)
		return neg_errno();
	r = mkdir_p(instance_base(), 0755);
	if (r < 0)
		return r;
	snprintf(run->dir, sizeof(run->dir), "%s/%s", instance_base(),
		 run->name);
	/* 0711: a user-namespaced runtime must reach the root below. */
	if (mkdir(run->dir, 0711) < 0)
		return neg_errno();
	run->have_cg = geteuid() == 0 && cg_layout_detect(&run->cgl) == 0 &&
		       run->cgl.mode != CG_MODE_NONE;
	snprintf(run->cg_why, sizeof(run->cg_why), "%s",
		 geteuid() ? "not root" : "no cgroup hierarchy");
	if (run->have_cg)
		cg_deep_setup(run);
	validate_cpu_weight(run);
	return 0;
}

static void detach_mounts_below(const char *dir)
{
	char line[8192], mp[PATH_MAX], list[64][PATH_MAX];
	size_t len = strlen(dir), n = 0;
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");

	while (f && n < ARRAY_SIZE(list) && fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 &&
		    strncmp(mp, dir, len) == 0 && mp[len] == '/')
			snprintf(list[n++], PATH_MAX, "%s", mp);
	while (n-- > 0)
		umount2(list[n], MNT_DETACH);
}

static void cg_remove_quiet(const char *path)
{
	if (path_exists(path) && cg_dir_remove(path) < 0)
		fprintf(stderr, "boxcheck: cannot remove cgroup %s\n", path);
}

/*
 * Every hierarchy, also those a runtime joined on its own (cpuset, named):
 * <own>/<instance>, and what appeared along <deep>/<instance>.
 */
static void cg_teardown(struct vrun *run)
{
	for (int i = 0; run->have_cg && i < run->cgl.n; i++) {
		char own[PATH_MAX], path[PATH_MAX + 128];
		if (cg_own_dir(&run->cgl, i, own, sizeof(own)) == 0) {
			snprintf(path, sizeof(path), "%s/%s", own, run->name);
			cg_remove_quiet(path);
		}
	}
	if (run->have_cg && run->cg_deep[0])
		cg_abs_release(&run->cgl, &run->cg_made);
}

static void run_teardown(struct vrun *run)
{
	cg_teardown(run);
	detach_mounts_below(run->dir);
	rm_rf(run->dir);
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int write_outputs(const struct vargs *a, const struct run_meta *m,
			 const struct record *recs, size_t n)
{
	static const char *const fmt[OUT__COUNT] = { "tap", "junit", "json",
						     "ktap" };
	bool md = strcmp(a->format, "markdown") == 0;
	int ret = 0;

	for (int i = 0; i < OUT__COUNT; i++) {
		const char *name = i == OUT_MAIN ? a->format : fmt[i];
		_cleanup_fclose_ FILE *f = NULL;
		int r;
		if (!a->files[i])
			continue;
		if (i == OUT_MAIN && (md || !strcmp(name, "text"))) {
			f = fopen(a->files[i], "we");
			r = f ? 0 : neg_errno();
			if (f)
				validate_matrix(f, recs, n, md);
		} else {
			r = write_file_atomic(a->files[i], writer_by_name(name),
					      m, recs, n);
		}
		if (r < 0) {
			fprintf(stderr, "boxcheck: writing %s: %s\n",
				a->files[i], strerror(-r));
			ret = EXIT_USAGE;
		}
	}
	if (a->files[OUT_MAIN] || md || !strcmp(a->format, "text"))
		validate_matrix(stdout, recs, n, md);
	else
		writer_by_name(a->format)->write(stdout, m, recs, n, false);
	return ret;
}

static void fill_meta(struct run_meta *m, char *cmd, size_t len, int argc,
		      char **argv)
{
	time_t t = time(NULL);
	struct host h;

	host_probe(&h);
	join_argv(cmd, len, argc, argv);
	m->tool = "boxcheck";
	m->version = BOXCHECK_VERSION;
	m->git_rev = BOXCHECK_GIT_REV;
	m->command = cmd;
	strftime(m->started, sizeof(m->started), "%Y-%m-%dT%H:%M:%SZ",
		 gmtime(&t));
	m->host = host_facts_json(&h);
}

/* --list: the property table, for people and scripts. */
static int list_props(const struct profile *pr)
{
	char id[64], step[64], exp[256];

	for (size_t i = 0; i < prop_count(); i++) {
		const struct prop_def *p = prop_get(i);
		prop_expected(p, pr, exp, sizeof(exp));
		printf("%-22s %-16s %-22s %s | %s\n",
		       prop_id(p, id, sizeof(id)), pgroup_names[p->group],
		       prop_step(p, step, sizeof(step)), p->ref, exp);
	}
	return EXIT_OK;
}

static volatile sig_atomic_t stopped;

static void on_stop(int sig)
{
	stopped = sig;
	target_launch_interrupt(sig);
}

/* The ref templates, with the profile as finally asked for. */
static void ref_templates(struct vargs *a, const struct profile *pr)
{
	for (int i = 0; i < a->n; i++)
		if (a->sel[i].t->ref)
			ref_template(pr, a->sel[i].step, a->sel[i].tbuf,
				     sizeof(a->sel[i].tbuf));
}

static int run_all(struct vargs *a, struct vrun *run, struct run_meta *m,
		   struct record *recs, size_t *n)
{
	int r;

	run->timeout_s = a->timeout;
	run->save_facts = a->save_facts;
	run->jobs = a->jobs ? a->jobs : 1;
	if (a->crun_v1_view && run->have_cg)
		run->hide_v2 = cg_hybrid_v2_mount(&run->cgl);
	run->agent_err =
		find_agent(a->agent, run->self, run->agent, sizeof(run->agent));
	r = geteuid() == 0 ? validate_fence(run->pr) : 0;
	if (r < 0)
		return usage_error("validate: cannot fence the run in "
				   "namespaces of its own: %s",
				   strerror(-r));
	r = validate_props_setup(run);
	if (r < 0)
		return usage_error("validate: cannot set the run up: %s",
				   strerror(-r));
	catch_stop_signals(on_stop);
	*n = validate_run(run, a->sel, a->n, recs);
	(void)m;
	return EXIT_OK;
}

int cmd_validate(int argc, char **argv)
{
	_cleanup_free_ struct vargs *a = calloc(1, sizeof(*a));
	struct profile pr = profile_standard;
	struct vrun run = { .pr = &pr };
	struct run_meta m = { 0 };
	char cmd[2048];
	size_t n = 0;
	int r, bad;
	double t0 = mono();

	if (!a)
		return usage_error("validate: out of memory");
	r = parse(argc, argv, a);
	if (r != EXIT_OK)
		return r;
	pr.lsm_label = a->lsm;
	if (a->list)
		return list_props(&pr);
	ref_templates(a, &pr);
	if (a->save_facts && mkdir_p(a->save_facts, 0755) < 0)
		return usage_error("validate: cannot make '%s': %s",
				   a->save_facts, strerror(errno));
	_cleanup_free_ struct record *recs =
		calloc((size_t)a->n * prop_count() + 1, sizeof(*recs));
	if (!recs)
		return usage_error("validate: out of memory");
	r = run_setup(&run);
	if (r < 0)
		return usage_error("validate: cannot set up the run: %s",
				   strerror(-r));
	fill_meta(&m, cmd, sizeof(cmd), argc + 1, argv - 1);
	r = run_all(a, &run, &m, recs, &n);
	validate_props_teardown(&run);
	run_teardown(&run);
	if (r != EXIT_OK) {
		json_decref(m.host);
		return r;
	}
	m.duration_s = mono() - t0;
	r = write_outputs(a, &m, recs, n);
	json_decref(m.host);
	bad = validate_exit_status(a->sel, a->n, recs, n);
	if (stopped)
		return 128 + stopped;
	return r ?: bad;
}
