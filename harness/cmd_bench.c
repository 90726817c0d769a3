// SPDX-License-Identifier: MIT
/* boxcheck bench: the start-latency ladder, concurrency, external tools. */
#include "../bench/external.h"
#include "../bench/fixture.h"
#include "../bench/hostmeta.h"
#include "../bench/run.h"
#include "cli.h"
#include "host.h"
#include "instance.h"
#include "tools.h"

#include "../bench/vm.h"

#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char usage_bench[] =
	"usage: boxcheck bench [--quick] [--runs N] [--warmup N] [--pin CPU]\n"
	"                      [--variants LIST] [--concurrency LIST]\n"
	"                      [--compare LIST] [--ext-runs N] [--vm-runs N]\n"
	"                      [--json FILE] [--markdown FILE]\n"
	"\n"
	"Start latency, from a bare fork to a full container, then the same\n"
	"static program started by external runtimes through hyperfine.\n"
	"Start: clone called -> the child's first instruction after execve\n"
	"reports over a pipe. Teardown: that report -> reaped (net-cleanup:\n"
	"the kernel's deferred network namespace cleanup, measured apart).\n"
	"\n"
	"  --runs N          samples per variant after warm-up (default 200)\n"
	"  --warmup N        warm-up rounds, discarded (default 10)\n"
	"  --pin CPU         run on one CPU (children inherit it)\n"
	"  --variants LIST   ladder steps, comma-separated (default: all):\n"
	"                    empty fork exec ns-pid ns-mnt ns-uts ns-ipc "
	"ns-net\n"
	"                    ns-user ns-cgroup ns-time ns-all idmap cgroup\n"
	"                    cgroup-into overlay pivot-root pseudo-fs caps\n"
	"                    container net-cleanup\n"
	"  --concurrency L   K values to start at once (default "
	"1,2,8,32,128,512;\n"
	"                    'none' to skip)\n"
	"  --compare LIST    external tools (default: all installed; 'none'):\n"
	"                    true exec ref ref-nocg unshare bwrap runc crun\n"
	"                    nspawn lxc "
	"podman\n"
	"  --ext-runs N      hyperfine runs per tool (default 30)\n"
	"  --vm-runs N       boots per VM architecture whose images `make\n"
	"                    vm-images` built in build/vm (default 5, quick "
	"0)\n"
	"  --quick           20 samples, 3 warm-up, no concurrency, no tools\n"
	"                    unless --compare is given\n"
	"  --json FILE       the result with raw samples (reports/SCHEMA.md)\n"
	"  --markdown FILE   a Markdown table\n"
	"\n"
	"Test hook: --delay STEP:USEC (or BOXCHECK_BENCH_DELAY=STEP:USEC)\n"
	"busy-waits USEC inside STEP's timed window, to make a regression on\n"
	"purpose for 'boxcheck compare'.\n"
	"\n"
	"Exit status: 0 done (external tools that fail are findings), 1 a\n"
	"ladder step failed, 2 bad usage, 128+N interrupted by signal N.\n";

static const unsigned default_conc[] = { 1, 2, 8, 32, 128, 512 };

struct bench_args {
	struct bench_opts o;
	const char *json, *markdown, *variants, *conc, *compare;
	const char *delay;
	unsigned vm_runs;
	bool runs_set, warmup_set, ext_set, vm_set;
};

static int parse_list_steps(struct bench_args *a)
{
	char buf[512], *save = NULL;

	for (int s = 0; s < LS__COUNT; s++)
		a->o.steps[s] = !a->variants;
	if (!a->variants)
		return 0;
	snprintf(buf, sizeof(buf), "%s", a->variants);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		int s = ladder_step_by_name(t);
		if (s < 0)
			return usage_error("bench: unknown variant '%s' (see "
					   "'boxcheck bench --help')",
					   t);
		a->o.steps[s] = true;
	}
	return 0;
}

static int parse_list_conc(struct bench_args *a)
{
	char buf[256], *save = NULL;

	a->o.n_conc = 0;
	if (!a->conc) {
		if (a->o.quick)
			return 0;
		memcpy(a->o.conc, default_conc, sizeof(default_conc));
		a->o.n_conc = ARRAY_SIZE(default_conc);
		return 0;
	}
	if (strcmp(a->conc, "none") == 0)
		return 0;
	snprintf(buf, sizeof(buf), "%s", a->conc);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (a->o.n_conc == BENCH_MAX_CONC ||
		    parse_uint(t, 1, 4096, &a->o.conc[a->o.n_conc++]) < 0)
			return usage_error("bench: --concurrency wants numbers "
					   "1..4096, not '%s'",
					   t);
	}
	return 0;
}

static int parse_list_ext(struct bench_args *a, char *buf, size_t len)
{
	char *save = NULL;

	a->o.n_ext = 0;
	if (!a->compare) {
		if (a->o.quick)
			return 0;
		for (const struct ext_runtime *e = ext_table; e->name; e++)
			a->o.ext[a->o.n_ext++] = e->name;
		return 0;
	}
	if (strcmp(a->compare, "none") == 0)
		return 0;
	snprintf(buf, len, "%s", a->compare);
	for (char *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		if (!ext_by_name(t))
			return usage_error("bench: unknown tool '%s' for "
					   "--compare",
					   t);
		if (a->o.n_ext < BENCH_MAX_EXT)
			a->o.ext[a->o.n_ext++] = t;
	}
	return 0;
}

static int parse_delay(const char *spec, struct ladder_ctx *c)
{
	char name[64];
	unsigned usec;
	const char *colon = spec ? strchr(spec, ':') : NULL;

	c->delay_step = -1;
	if (!spec)
		return 0;
	if (!colon || colon - spec >= (long)sizeof(name))
		return -EINVAL;
	snprintf(name, sizeof(name), "%.*s", (int)(colon - spec), spec);
	c->delay_step = ladder_step_by_name(name);
	if (c->delay_step < 0 || parse_uint(colon + 1, 0, 10000000, &usec))
		return -EINVAL;
	c->delay_s = usec / 1e6;
	return 0;
}

static int parse_num(const char *opt, unsigned max, unsigned *v)
{
	if (parse_uint(optarg, opt[2] == 'r' ? 1 : 0, max, v) < 0)
		return usage_error("bench: %s wants 0..%u, not '%s'", opt, max,
				   optarg);
	return 0;
}

static int parse_opt(int c, struct bench_args *a)
{
	unsigned v;

	switch (c) {
	case 'r':
		a->runs_set = true;
		return parse_num("--runs", 1000000, &a->o.runs);
	case 'w':
		a->warmup_set = true;
		return parse_num("--warmup", 100000, &a->o.warmup);
	case 'e':
		a->ext_set = true;
		return parse_num("--ext-runs", 100000, &a->o.ext_runs);
	case 'p':
		if (parse_uint(optarg, 0, CPU_SETSIZE - 1, &v) < 0)
			return usage_error("bench: --pin wants a CPU number, "
					   "not '%s'",
					   optarg);
		a->o.pin_cpu = v;
		return 0;
	case 'q':
		a->o.quick = true;
		return 0;
	case 'v':
		a->vm_set = true;
		return parse_num("--vm-runs", 1000, &a->vm_runs);
	case 'V':
		a->variants = optarg;
		return 0;
	case 'C':
		a->conc = optarg;
		return 0;
	case 'X':
		a->compare = optarg;
		return 0;
	case 'J':
		a->json = optarg;
		return 0;
	case 'M':
		a->markdown = optarg;
		return 0;
	case 'D':
		a->delay = optarg;
		return 0;
	}
	return usage_error("bench: unknown option '%s' (see 'boxcheck bench "
			   "--help')",
			   optopt ? (char[]){ '-', optopt, 0 } : "?");
}

static int parse(int argc, char **argv, struct bench_args *a, char *ext_buf,
		 size_t ext_len)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "ext-runs", required_argument, NULL, 'e' },
		{ "vm-runs", required_argument, NULL, 'v' },
		{ "pin", required_argument, NULL, 'p' },
		{ "quick", no_argument, NULL, 'q' },
		{ "variants", required_argument, NULL, 'V' },
		{ "concurrency", required_argument, NULL, 'C' },
		{ "compare", required_argument, NULL, 'X' },
		{ "json", required_argument, NULL, 'J' },
		{ "markdown", required_argument, NULL, 'M' },
		{ "delay", required_argument, NULL, 'D' },
		{ 0 },
	};
	int c, r;

	a->o.pin_cpu = -1;
	a->delay = getenv("BOXCHECK_BENCH_DELAY");
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1)
		if ((r = parse_opt(c == '?' ? 0 : c, a)) != 0)
			return r;
	if (optind < argc)
		return usage_error("bench: unexpected argument '%s'",
				   argv[optind]);
	if (!a->runs_set)
		a->o.runs = a->o.quick ? 20 : 200;
	if (!a->warmup_set)
		a->o.warmup = a->o.quick ? 3 : 10;
	if (!a->ext_set)
		a->o.ext_runs = a->o.quick ? 5 : 30;
	if (!a->vm_set)
		a->vm_runs = a->o.quick ? 0 : 5;
	a->o.ext_warmup = a->o.quick ? 1 : 3;
	const char *files[] = { a->json, a->markdown };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (files[i] && (r = check_writable(files[i])) < 0)
			return usage_error("bench: cannot write '%s': %s",
					   files[i], strerror(-r));
	if ((r = parse_list_steps(a)) || (r = parse_list_conc(a)) ||
	    (r = parse_list_ext(a, ext_buf, ext_len)))
		return r;
	return 0;
}

/* Everything a run creates, released by env_release on every path. */
struct env {
	char inst[64];
	char rundir[PATH_MAX], scratch[PATH_MAX + 16], extdir[PATH_MAX + 16];
	char rootfs[PATH_MAX];
	char cg_abs[PATH_MAX + 80];
	struct cg_abs_track cg_made; /* what tools create along cg_abs */
	struct cg_layout cg;
	struct cg_group group;
	bool have_group;
};

static void on_signal(int sig)
{
	bench_interrupted = sig;
}

/* <dir of our binary>/NAME */
static int beside_binary(const char *name, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return neg_errno();
	exe[n] = '\0';
	snprintf(buf, len, "%s/%s", dirname(exe), name);
	return 0;
}

/*
 * cgroup v1 cpuset: a new group has no CPUs or memory nodes until given
 * some, and attaching to it fails with ENOSPC. Give ours our own and let
 * its children (per-sample groups) inherit them (cgroup.clone_children).
 */
static void cpuset_inherit(const struct cg_group *g)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	const char *dir = cg_group_dir(g, CG_CPUSET);
	char path[PATH_MAX + 32], val[4096];

	if (!dir || g->layout->by_ctrl[CG_CPUSET] == g->layout->unified)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/../%s", dir, files[i]);
		if (read_text(path, val, sizeof(val)) <= 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		write_text(path, chomp(val));
	}
	snprintf(path, sizeof(path), "%s/cgroup.clone_children", dir);
	write_text(path, "1");
}

/*
 * An absolute cgroup path below our own on every hierarchy, for tools that
 * take only one; what they create along it is removed by env_release.
 */
static void common_cgroup(struct env *e)
{
	char deep[PATH_MAX];

	if (cg_common_own(&e->cg, deep, sizeof(deep)) < 0)
		return;
	snprintf(e->cg_abs, sizeof(e->cg_abs), "%s/%s",
		 strcmp(deep, "/") == 0 ? "" : deep, e->inst);
	cg_abs_track(&e->cg, e->cg_abs, &e->cg_made);
}

static int env_setup(struct env *e, char *err, size_t len)
{
	char tiny[PATH_MAX];
	int r;

	if ((r = instance_name(e->inst, sizeof(e->inst))) < 0)
		return snprintf(err, len, "instance name"), r;
	snprintf(e->rundir, sizeof(e->rundir), "%s/%s", instance_base(),
		 e->inst);
	snprintf(e->scratch, sizeof(e->scratch), "%s/scratch", e->rundir);
	snprintf(e->extdir, sizeof(e->extdir), "%s/ext", e->rundir);
	/* 0755 all the way: mapped container root must traverse to scratch */
	if ((r = mkdir_p(e->scratch, 0755)) < 0 ||
	    (r = mkdir_p(e->extdir, 0755)) < 0 ||
	    chmod(instance_base(), 0755) < 0 || chmod(e->rundir, 0755) < 0)
		return snprintf(err, len, "creating %s", e->rundir),
		       r < 0 ? r : neg_errno();
	beside_binary("bench-rootfs", e->rootfs, sizeof(e->rootfs));
	beside_binary("bench-tiny", tiny, sizeof(tiny));
	if ((r = fixture_prepare(e->rootfs, "/bin/busybox", tiny)) < 0)
		return snprintf(err, len,
				"preparing %s from /bin/busybox and %s "
				"(busybox-static installed? make built it?)",
				e->rootfs, tiny),
		       r;
	if (cg_layout_detect(&e->cg) == 0 &&
	    cg_group_create(&e->cg, e->inst, cg_layout_ctrls(&e->cg),
			    &e->group) == 0) {
		e->have_group = true;
		cpuset_inherit(&e->group);
		common_cgroup(e);
	}
	return 0;
}

/* Our cgroup and whatever runtimes made below our name on any hierarchy. */
static void env_release(struct env *e)
{
	if (e->have_group)
		cg_group_destroy(&e->group);
	for (int i = 0; i < e->cg.n; i++) {
		char own[PATH_MAX], path[PATH_MAX + 80];
		if (cg_own_dir(&e->cg, i, own, sizeof(own)) < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", own, e->inst);
		if (path_exists(path))
			cg_dir_remove(path);
	}
	if (e->cg_abs[0])
		cg_abs_release(&e->cg, &e->cg_made);
	if (e->rundir[0])
		rm_rf(e->rundir);
}

static json_t *options_json(const struct bench_opts *o, const char *delay)
{
	json_t *conc = json_array(), *ext = json_array();

	for (size_t i = 0; i < o->n_conc; i++)
		json_array_append_new(conc, json_integer(o->conc[i]));
	for (size_t i = 0; i < o->n_ext; i++)
		json_array_append_new(ext, json_string(o->ext[i]));
	return json_pack("{s:i, s:i, s:i, s:b, s:o, s:o, s:i, s:s?}", "runs",
			 o->runs, "warmup", o->warmup, "pin", o->pin_cpu,
			 "quick", o->quick, "concurrency", conc, "compare", ext,
			 "ext_runs", o->ext_runs, "test_delay", delay);
}

static json_t *make_meta(int argc, char **argv, const struct bench_args *a)
{
	char cmd[2048], started[40];
	time_t t = time(NULL);
	struct host h;
	json_t *host;

	join_argv(cmd, sizeof(cmd), argc, argv);
	strftime(started, sizeof(started), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
	host_probe(&h);
	host = host_facts_json(&h);
	bench_host_meta(host);
	json_object_set_new(host, "load_before", bench_loadavg());
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "tool",
			 "boxcheck", "version", BOXCHECK_VERSION, "git_rev",
			 BOXCHECK_GIT_REV, "command", cmd, "started", started,
			 "options", options_json(&a->o, a->delay), "host", host,
			 "tools", tools_json());
}

static void run_external(const struct bench_args *a, const struct env *e,
			 struct bench_result *r)
{
	struct ext_ctx x = { .rootfs = e->rootfs,
			     .dir = e->extdir,
			     .cg_name = e->inst,
			     .cg_abs = e->cg_abs[0] ? e->cg_abs : NULL,
			     .runs = a->o.ext_runs,
			     .warmup = a->o.ext_warmup };

	for (size_t i = 0; i < a->o.n_ext && !bench_interrupted; i++) {
		const struct ext_runtime *t = ext_by_name(a->o.ext[i]);
		struct bench_variant *v;
		if (ext_installed(t)) {
			fprintf(stderr, "bench: timing %s\n", t->name);
			if (ext_run(&x, t, r) == 0)
				continue;
		}
		v = bench_add(r, t->name, BG_EXTERNAL);
		if (!v)
			return;
		v->status = ext_installed(t) ? BS_FAILED : BS_SKIPPED;
		snprintf(v->reason, sizeof(v->reason), "%s %s", t->binary,
			 ext_installed(t) ? "could not be set up"
					  : "is not installed");
	}
}

/* The VM boot variant: bench/vm.c (another engineer) plugs in here. */
/*
 * VM boot rows, one per architecture whose images `make vm-images` built
 * beside this binary (build/vm/ARCH/). Start: qemu started -> the guest's
 * init running; teardown: init running -> qemu gone (init powers off).
 */
static int vm_image_dir(char *buf, size_t len)
{
	const char *env = getenv("BOXCHECK_VM_DIR");
	char self[PATH_MAX];
	ssize_t n;

	if (env && *env)
		return snprintf(buf, len, "%s", env) < (int)len ? 0 : -1;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -1;
	self[n] = '\0';
	return snprintf(buf, len, "%s/vm", dirname(self)) < (int)len ? 0 : -1;
}

static void vm_variant(const struct bench_args *a, struct bench_result *r,
		       const char *dir, const char *arch)
{
	char kernel[PATH_MAX + 32], initrd[PATH_MAX + 32], name[48], qv[96];
	struct vm_spec s = { .arch = arch,
			     .kernel = kernel,
			     .initrd = initrd,
			     .append = "boxcheck_mode=boot",
			     .timeout_s = 60,
			     .accel = VM_ACCEL_AUTO,
			     .console_fd = -1 };
	struct bench_variant *v;
	struct vm_times t = { 0 };

	snprintf(kernel, sizeof(kernel), "%s/%s/vmlinuz", dir, arch);
	snprintf(initrd, sizeof(initrd), "%s/%s/initramfs.cpio.gz", dir, arch);
	if (!path_exists(kernel) || !path_exists(initrd))
		return;
	snprintf(name, sizeof(name), "vm-%s", arch);
	if (!(v = bench_add(r, name, BG_VM)))
		return;
	fprintf(stderr, "bench: booting %s\n", name);
	for (unsigned i = 0; i < a->vm_runs && !bench_interrupted; i++) {
		int e = vm_boot(&s, &t);
		if (e < 0) {
			v->status = BS_FAILED;
			snprintf(v->reason, sizeof(v->reason), "boot %u: %s", i,
				 strerror(-e));
			break;
		}
		series_push(&v->start, t.init_s);
		series_push(&v->stop, t.exit_s - t.init_s);
	}
	if (vm_qemu_version(&s, qv, sizeof(qv)) < 0)
		snprintf(qv, sizeof(qv), "?");
	snprintf(v->desc, sizeof(v->desc),
		 "qemu start -> guest init running (%s, %.100s)",
		 vm_accel_names[t.accel], t.kernel[0] ? t.kernel : "?");
	snprintf(v->command, sizeof(v->command),
		 "qemu-system-%s %s, %u MiB, %u cpus, kernel %s", arch, qv,
		 1024u, 2u, t.kernel);
}

static void run_vm(const struct bench_args *a, struct bench_result *r)
{
	static const char *const arches[] = { "x86_64", "aarch64" };
	char dir[PATH_MAX];

	if (!a->vm_runs || vm_image_dir(dir, sizeof(dir)) < 0)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(arches) && !bench_interrupted; i++)
		vm_variant(a, r, dir, arches[i]);
}

static int write_outputs(const struct bench_args *a, struct bench_result *r)
{
	const char *files[] = { a->json, a->markdown };
	int (*const fn[])(FILE *, const struct bench_result *) = {
		bench_write_json, bench_write_markdown
	};
	int ret = 0;

	bench_write_text(stdout, r);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char tmp[PATH_MAX + 16];
		FILE *f;
		if (!files[i])
			continue;
		snprintf(tmp, sizeof(tmp), "%s.tmp", files[i]);
		f = fopen(tmp, "we");
		if (!f || fn[i](f, r) < 0 || fclose(f) != 0 ||
		    rename(tmp, files[i]) < 0) {
			fprintf(stderr, "boxcheck: writing %s failed\n",
				files[i]);
			ret = EXIT_USAGE;
		}
	}
	return ret;
}

static int ladder_failed(const struct bench_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].group != BG_EXTERNAL && r->v[i].status == BS_FAILED)
			return 1;
	return 0;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		fprintf(stderr, "boxcheck: --pin %d: %s\n", cpu,
			strerror(errno));
}

int cmd_bench(int argc, char **argv)
{
	struct bench_args a = { 0 };
	struct env e = { 0 };
	struct bench_result r = { 0 };
	struct ladder_ctx c = { 0 };
	char ext_buf[512], err[PATH_MAX * 2 + 128];
	double t0 = bench_now();
	int ret = parse(argc, argv, &a, ext_buf, sizeof(ext_buf));

	if (ret)
		return ret;
	if (parse_delay(a.delay, &c) < 0)
		return usage_error("bench: --delay wants STEP:USEC, not '%s'",
				   a.delay);
	if (geteuid() != 0)
		return usage_error("bench: needs root (namespaces, cgroups, "
				   "mounts)");
	catch_stop_signals(on_signal);
	if (a.o.pin_cpu >= 0)
		pin(a.o.pin_cpu);
	ret = env_setup(&e, err, sizeof(err));
	if (ret < 0) {
		env_release(&e);
		fprintf(stderr, "boxcheck: bench: %s: %s\n", err,
			strerror(-ret));
		return EXIT_FAILED;
	}
	r.meta = make_meta(argc + 1, argv - 1, &a);
	c.rootfs = e.rootfs;
	c.scratch = e.scratch;
	c.cg_parent = e.have_group ? &e.group : NULL;
	c.have_into = e.have_group && cg_group_unified(&e.group) &&
		      feature_probe(FEAT_CLONE_INTO_CGROUP);
	bench_run_ladder(&a.o, &c, &r);
	bench_run_concurrency(&a.o, &c, &r);
	run_external(&a, &e, &r);
	run_vm(&a, &r);
	env_release(&e);
	json_object_set_new(json_object_get(r.meta, "host"), "load_after",
			    bench_loadavg());
	json_object_set_new(r.meta, "duration_s", json_real(bench_now() - t0));
	bench_finish(&r);
	ret = write_outputs(&a, &r);
	if (!ret)
		ret = ladder_failed(&r) ? EXIT_FAILED : EXIT_OK;
	bench_free(&r);
	if (bench_interrupted)
		return EXIT_SIGNAL + bench_interrupted;
	return ret;
}
