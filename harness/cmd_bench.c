// SPDX-License-Identifier: MIT
/* boxcheck bench: the start-latency ladder, concurrency, external tools. */
#include "../bench/ab.h"
#include "../bench/external.h"
#include "../bench/hostmeta.h"
#include "../bench/pin.h"
#include "bench_ab.h"
#include "bench_env.h"
#include "bench_rows.h"
#include "cli.h"
#include "host.h"
#include "instance.h"
#include "tools.h"

#include <getopt.h>
#include <jansson.h>
#include <sched.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char usage_bench[] =
	"usage: boxcheck bench [--quick] [--runs N] [--warmup N] [--pin CPU]\n"
	"                      [--variants LIST] [--concurrency LIST]\n"
	"                      [--spawners N] [--aslr off|on]\n"
	"                      [--compare LIST] [--ext-runs N] [--vm-runs N]\n"
	"                      [--vm-arch LIST] [--crun-v1-view auto|off]\n"
	"                      [--json FILE] [--markdown FILE]\n"
	"                      [--against OTHER [--against-json FILE]]\n"
	"\n"
	"Start latency, from a bare fork to a full container, then the same\n"
	"static program started by external runtimes through hyperfine.\n"
	"Start: clone called -> the child's first instruction after execve\n"
	"reports over a pipe. Teardown: that report -> reaped (net-cleanup:\n"
	"the kernel's deferred network namespace cleanup, measured apart).\n"
	"\n"
	"  --runs N          samples per variant after warm-up (default 200)\n"
	"  --warmup N        warm-up rounds, discarded (default 10)\n"
	"  --pin CPU|auto|none  the ladder's CPU, its children's too (default\n"
	"                    auto: the highest-numbered CPU we may use);\n"
	"                    concurrency and tools run on all our CPUs\n"
	"  --variants LIST   ladder steps, comma-separated (default: all):\n"
	"                    empty spin faults fork exec ns-pid ns-mnt "
	"ns-uts\n"
	"                    ns-ipc ns-net ns-user ns-cgroup ns-time ns-all "
	"idmap\n"
	"                    cgroup cgroup-into overlay pivot-root pseudo-fs\n"
	"                    caps container net-cleanup\n"
	"  --concurrency L   K values to start at once (default "
	"1,2,8,32,128,512;\n"
	"                    'none' to skip)\n"
	"  --spawners N      concurrency: processes starting the K "
	"containers,\n"
	"                    each its share back to back (default: one per\n"
	"                    CPU we may use)\n"
	"  --compare LIST    external tools (default and 'all': every one;\n"
	"                    'none'): true exec ref ref-nocg unshare bwrap\n"
	"                    bwrap-dev runc crun nspawn lxc podman docker\n"
	"                    (a private dockerd, started and stopped by the\n"
	"                    row). One not installed is a skipped row\n"
	"  --ext-runs N      hyperfine runs per tool (default 30)\n"
	"  --vm-runs N       boots per VM architecture whose images `make\n"
	"                    vm-images` built in build/vm (default 5, quick "
	"0)\n"
	"  --vm-arch LIST    only these VM rows: x86_64 aarch64 host "
	"(default:\n"
	"                    every arch whose images are built; one asked\n"
	"                    for without images is a skipped row). KVM where\n"
	"                    /dev/kvm serves this arch, TCG otherwise (said)\n"
	"  --crun-v1-view auto|off  auto (default): on a hybrid host whose\n"
	"                    cgroup2 has controllers, which crun 1.8 refuses,\n"
	"                    crun runs in a private mount namespace where\n"
	"                    that mount is detached (it sees cgroup v1 only;\n"
	"                    its row says so); off: crun as it is\n"
	"  --aslr off|on     the ladder without address space layout\n"
	"                    randomization (default off: bench re-executes\n"
	"                    itself so; its syscall and page-fault counts are\n"
	"                    then exact) or with it (counts vary by a fault\n"
	"                    or so). Concurrency and tools always run with it\n"
	"  --quick           60 samples, 5 warm-up, no concurrency, no tools\n"
	"                    unless --compare is given\n"
	"  --json FILE       the result with raw samples (reports/SCHEMA.md)\n"
	"  --markdown FILE   a Markdown table\n"
	"  --against OTHER   A/B: OTHER is another boxcheck binary (the base\n"
	"                    build). This build and OTHER sample the ladder "
	"in\n"
	"                    coprocesses, in turns: every round, every "
	"variant\n"
	"                    once in each, who goes first alternating, fresh\n"
	"                    processes every 10 rounds; host drift hits both\n"
	"                    alike. Ladder only: no --concurrency, --compare\n"
	"                    or --vm-runs with it\n"
	"  --against-json F  OTHER's samples, in the same format as --json:\n"
	"                    'boxcheck compare F JSON' is the A/B gate\n"
	"\n"
	"Test hook: --delay STEP:USEC (or BOXCHECK_BENCH_DELAY=STEP:USEC)\n"
	"busy-waits USEC inside STEP's timed window, to make a regression on\n"
	"purpose for 'boxcheck compare' (with --against: in this build's\n"
	"arm only).\n"
	"Test hook: --syscalls STEP:N (or BOXCHECK_BENCH_SYSCALLS=STEP:N)\n"
	"makes N more system calls (getppid) inside STEP's window, to make a\n"
	"regression in the exact counts on purpose (not with --against).\n"
	"\n"
	"Exit status: 0 done (external tools that fail are findings), 1 a\n"
	"ladder step failed, 2 bad usage, 128+N interrupted by signal N.\n";

static const unsigned default_conc[] = { 1, 2, 8, 32, 128, 512 };

struct bench_args {
	struct bench_opts o;
	const char *json, *markdown, *variants, *conc, *compare;
	const char *delay, *syscalls;
	const char *against, *against_json; /* A/B: bench/ab.h */
	const char *crun_view, *vm_arch, *aslr;
	bool crun_v1_view, aslr_on, aslr_restore;
	unsigned vm_runs;
	bool runs_set, warmup_set, ext_set, vm_set;
	bool serve; /* hidden: the other arm of an A/B run */
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
	if (!a->compare || strcmp(a->compare, "all") == 0) {
		if (a->o.quick && !a->compare)
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

/* A test hook's STEP:N into *step and *n; no spec: step -1. */
static int parse_hook(const char *spec, int *step, unsigned *n)
{
	char name[64];
	const char *colon = spec ? strchr(spec, ':') : NULL;

	*step = -1;
	if (!spec)
		return 0;
	if (!colon || colon - spec >= (long)sizeof(name))
		return -EINVAL;
	snprintf(name, sizeof(name), "%.*s", (int)(colon - spec), spec);
	*step = ladder_step_by_name(name);
	if (*step < 0 || parse_uint(colon + 1, 0, 10000000, n))
		return -EINVAL;
	return 0;
}

static int parse_delay(const char *spec, struct ladder_ctx *c)
{
	unsigned usec = 0;
	int r = parse_hook(spec, &c->delay_step, &usec);

	c->delay_s = usec / 1e6;
	return r;
}

static int parse_num(const char *opt, unsigned max, unsigned *v)
{
	if (parse_uint(optarg, opt[2] == 'r' ? 1 : 0, max, v) < 0)
		return usage_error("bench: %s wants 0..%u, not '%s'", opt, max,
				   optarg);
	return 0;
}

/* Options that only keep their value: the letter, where it goes. */
static const struct {
	int opt;
	size_t off;
} value_opts[] = {
	{ 'V', offsetof(struct bench_args, variants) },
	{ 'C', offsetof(struct bench_args, conc) },
	{ 'X', offsetof(struct bench_args, compare) },
	{ 'J', offsetof(struct bench_args, json) },
	{ 'M', offsetof(struct bench_args, markdown) },
	{ 'D', offsetof(struct bench_args, delay) },
	{ 'Y', offsetof(struct bench_args, syscalls) },
	{ 'A', offsetof(struct bench_args, against) },
	{ 'B', offsetof(struct bench_args, against_json) },
	{ 'c', offsetof(struct bench_args, crun_view) },
	{ 'a', offsetof(struct bench_args, vm_arch) },
	{ 'R', offsetof(struct bench_args, aslr) },
};

static bool value_opt(int c, struct bench_args *a)
{
	for (size_t i = 0; i < ARRAY_SIZE(value_opts); i++)
		if (value_opts[i].opt == c) {
			*(const char **)((char *)a + value_opts[i].off) =
				optarg;
			return true;
		}
	return false;
}

static int parse_opt(int c, struct bench_args *a)
{
	char err[160];

	if (value_opt(c, a))
		return 0;
	switch (c) {
	case 'r':
		a->runs_set = true;
		return parse_num("--runs", 1000000, &a->o.runs);
	case 'w':
		a->warmup_set = true;
		return parse_num("--warmup", 100000, &a->o.warmup);
	case 'P':
		return parse_num("--spawners", 4096, &a->o.spawners);
	case 'e':
		a->ext_set = true;
		return parse_num("--ext-runs", 100000, &a->o.ext_runs);
	case 'p':
		if (bench_pin_parse(optarg, &a->o.pin_mode, &a->o.pin_cpu, err,
				    sizeof(err)) < 0)
			return usage_error("bench: %s", err);
		return 0;
	case 'q':
		a->o.quick = true;
		return 0;
	case 'v':
		a->vm_set = true;
		return parse_num("--vm-runs", 1000, &a->vm_runs);
	case 'S':
		a->serve = true;
		return 0;
	}
	return usage_error("bench: unknown option '%s' (see 'boxcheck bench "
			   "--help')",
			   optopt ? (char[]){ '-', optopt, 0 } : "?");
}

/*
 * --against interleaves the ladder only: the concurrency sweep, external
 * tools and VM boots are left out, and asking for them too is an error.
 */
static int parse_against(struct bench_args *a)
{
	const char *const asked[] = { a->conc, a->compare };

	if (!a->against)
		return a->against_json ? usage_error("bench: --against-json "
						     "wants --against OTHER")
				       : 0;
	for (size_t i = 0; i < ARRAY_SIZE(asked); i++)
		if ((asked[i] && strcmp(asked[i], "none") != 0) ||
		    (a->vm_set && a->vm_runs))
			return usage_error("bench: --against interleaves the "
					   "ladder only: no --concurrency, "
					   "--compare or --vm-runs with it");
	if (strchr(a->against, '/') && access(a->against, X_OK) < 0)
		return usage_error("bench: --against '%s': %s", a->against,
				   strerror(errno));
	a->o.n_conc = a->o.n_ext = 0;
	a->vm_runs = 0;
	return 0;
}

/* On stderr, a line at each quarter of a long ladder's rounds. */
static void ladder_progress(unsigned done, unsigned total)
{
	if (total < 50)
		return;
	if (done == total || (done * 4 / total) != ((done - 1) * 4 / total))
		fprintf(stderr, "bench: ladder round %u of %u\n", done, total);
}

/* --crun-v1-view and --vm-arch. */
static int parse_rows(struct bench_args *a)
{
	char bad[64];

	a->crun_v1_view = true;
	if (a->aslr && strcmp(a->aslr, "on") && strcmp(a->aslr, "off"))
		return usage_error("bench: --aslr wants on or off, not '%s'",
				   a->aslr);
	a->aslr_on = a->aslr && !strcmp(a->aslr, "on");
	if (a->crun_view && parse_crun_v1_view(a->crun_view, &a->crun_v1_view))
		return usage_error("bench: --crun-v1-view wants auto or off, "
				   "not '%s'",
				   a->crun_view);
	if (a->vm_arch && bench_vm_arch_check(a->vm_arch, bad, sizeof(bad)))
		return usage_error("bench: --vm-arch: unknown architecture "
				   "'%s' (x86_64, aarch64, host)",
				   bad);
	return 0;
}

static int parse(int argc, char **argv, struct bench_args *a, char *ext_buf,
		 size_t ext_len)
{
	static const struct option opts[] = {
		{ "runs", required_argument, NULL, 'r' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "ext-runs", required_argument, NULL, 'e' },
		{ "spawners", required_argument, NULL, 'P' },
		{ "vm-runs", required_argument, NULL, 'v' },
		{ "vm-arch", required_argument, NULL, 'a' },
		{ "aslr", required_argument, NULL, 'R' },
		{ "crun-v1-view", required_argument, NULL, 'c' },
		{ "pin", required_argument, NULL, 'p' },
		{ "quick", no_argument, NULL, 'q' },
		{ "variants", required_argument, NULL, 'V' },
		{ "concurrency", required_argument, NULL, 'C' },
		{ "compare", required_argument, NULL, 'X' },
		{ "json", required_argument, NULL, 'J' },
		{ "markdown", required_argument, NULL, 'M' },
		{ "delay", required_argument, NULL, 'D' },
		{ "syscalls", required_argument, NULL, 'Y' },
		{ "against", required_argument, NULL, 'A' },
		{ "against-json", required_argument, NULL, 'B' },
		/* `bench --serve`, for another build's --against (bench/ab.h) */
		{ "serve", no_argument, NULL, 'S' },
		{ 0 },
	};
	int c, r;

	a->o.pin_mode = PIN_AUTO;
	a->o.pin_cpu = bench_pin_auto_cpu();
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1)
		if ((r = parse_opt(c == '?' ? 0 : c, a)) != 0)
			return r;
	if (optind < argc)
		return usage_error("bench: unexpected argument '%s'",
				   argv[optind]);
	if (!a->delay && !a->serve) /* a server takes --delay only */
		a->delay = getenv("BOXCHECK_BENCH_DELAY");
	if (!a->syscalls && !a->serve)
		a->syscalls = getenv("BOXCHECK_BENCH_SYSCALLS");
	if (a->syscalls && a->against)
		return usage_error("bench: --syscalls is not for --against");
	if (!a->runs_set)
		a->o.runs = a->o.quick ? 60 : 200;
	if (!a->warmup_set)
		a->o.warmup = a->o.quick ? 5 : 10;
	if (!a->ext_set)
		a->o.ext_runs = a->o.quick ? 5 : 30;
	if (!a->vm_set)
		a->vm_runs = a->o.quick ? 0 : 5;
	a->o.progress = ladder_progress;
	a->o.ext_warmup = a->o.quick ? 1 : 3;
	const char *files[] = { a->json, a->markdown, a->against_json };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (files[i] && (r = check_writable(files[i])) < 0)
			return usage_error("bench: cannot write '%s': %s",
					   files[i], strerror(-r));
	if ((r = parse_list_steps(a)) || (r = parse_list_conc(a)) ||
	    (r = parse_list_ext(a, ext_buf, ext_len)) || (r = parse_rows(a)) ||
	    (r = parse_against(a)))
		return r;
	return 0;
}

static void on_signal(int sig)
{
	bench_interrupted = sig;
}

static json_t *options_json(const struct bench_opts *o, const char *delay,
			    const char *syscalls)
{
	json_t *conc = json_array(), *ext = json_array();

	for (size_t i = 0; i < o->n_conc; i++)
		json_array_append_new(conc, json_integer(o->conc[i]));
	for (size_t i = 0; i < o->n_ext; i++)
		json_array_append_new(ext, json_string(o->ext[i]));
	return json_pack("{s:i, s:i, s:i, s:s, s:b, s:o, s:o, s:i, s:s?, "
			 "s:s?, s:s}",
			 "runs", o->runs, "warmup", o->warmup, "pin",
			 o->pin_cpu < 0 ? -1 : o->pin_cpu, "pin_mode",
			 bench_pin_mode_name(o->pin_mode), "quick", o->quick,
			 "concurrency", conc, "compare", ext, "ext_runs",
			 o->ext_runs, "test_delay", delay, "test_syscalls",
			 syscalls, "aslr", bench_aslr_is_off() ? "off" : "on");
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
			 "options", options_json(&a->o, a->delay, a->syscalls),
			 "host", host, "tools", tools_json());
}

/* r to path through a temp file. 0 or EXIT_USAGE (said why). */
static int write_file(const char *path,
		      int (*fn)(FILE *, const struct bench_result *),
		      const struct bench_result *r)
{
	char tmp[PATH_MAX + 16];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f || fn(f, r) < 0 || fclose(f) != 0 || rename(tmp, path) < 0) {
		fprintf(stderr, "boxcheck: writing %s failed\n", path);
		return EXIT_USAGE;
	}
	return 0;
}

/* Ours to stdout, --json and --markdown; OTHER's after it and to its file. */
static int write_outputs(const struct bench_args *a,
			 const struct bench_result *r,
			 const struct bench_result *other)
{
	const char *files[] = { a->json, a->markdown, a->against_json };
	const struct bench_result *of[] = { r, r, other };
	int (*const fn[])(FILE *, const struct bench_result *) = {
		bench_write_json, bench_write_markdown, bench_write_json
	};
	int ret = 0;

	if (a->against) {
		ab_write_text(stdout, r);
		fputc('\n', stdout);
		ab_write_text(stdout, other);
	} else {
		bench_write_text(stdout, r);
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (files[i] && write_file(files[i], fn[i], of[i]))
			ret = EXIT_USAGE;
	return ret;
}

static int ladder_failed(const struct bench_result *r)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].group != BG_EXTERNAL && r->v[i].status == BS_FAILED)
			return 1;
	return 0;
}

static void finish(struct bench_result *r, double t0)
{
	if (r->meta) {
		json_object_set_new(json_object_get(r->meta, "host"),
				    "load_after", bench_loadavg());
		json_object_set_new(r->meta, "duration_s",
				    json_real(bench_now() - t0));
	}
	bench_finish(r);
}

/* The ladder on its CPU (pin.h); concurrency and tools get all of ours. */
static int ladder_pinned(const struct bench_args *a, struct ladder_ctx *c,
			 struct bench_result *r, struct bench_result *other)
{
	struct bench_pin p;
	int ret = bench_pin_enter(&p, a->o.pin_cpu);

	if (ret < 0)
		fprintf(stderr, "boxcheck: bench: cannot pin to CPU %d: %s\n",
			a->o.pin_cpu, strerror(-ret));
	ret = 0;
	if (a->against)
		ret = bench_ab_ladder(a->against, a->delay, &a->o, r, other);
	else
		bench_run_ladder(&a->o, c, r); /* interrupted: results so far */
	bench_pin_leave(&p);
	return ret;
}

/* Set up, measure, clean up: 0, or the exit status when that failed. */
static int measure(const struct bench_args *a, int argc, char **argv,
		   struct ladder_ctx *c, struct bench_result *r,
		   struct bench_result *other)
{
	struct bench_env e = { 0 };
	char err[PATH_MAX * 2 + 128];
	double t0 = bench_now();
	int ret = bench_env_setup(&e, err, sizeof(err));

	if (ret < 0) {
		bench_env_release(&e);
		fprintf(stderr, "boxcheck: bench: %s: %s\n", err,
			strerror(-ret));
		return EXIT_FAILED;
	}
	bench_env_ladder(&e, c);
	r->meta = make_meta(argc + 1, argv - 1, a);
	ret = ladder_pinned(a, c, r, other);
	bench_aslr_restore(a->aslr_restore);
	if (ret == 0) {
		bench_run_concurrency(&a->o, c, r);
		struct bench_rows x = { .o = &a->o,
					.crun_v1_view = a->crun_v1_view,
					.vm_runs = a->vm_runs,
					.vm_arch = a->vm_arch };
		bench_rows_external(&x, &e, r);
		bench_rows_vm(&x, r);
	}
	bench_env_release(&e);
	if (ret < 0)
		return EXIT_USAGE;
	finish(r, t0);
	finish(other, t0);
	return 0;
}

int cmd_bench(int argc, char **argv)
{
	struct bench_args a = { 0 };
	struct bench_result r = { 0 }, other = { 0 };
	struct ladder_ctx c = { 0 };
	char ext_buf[512];
	int ret = parse(argc, argv, &a, ext_buf, sizeof(ext_buf));

	if (ret)
		return ret;
	if (parse_delay(a.delay, &c) < 0)
		return usage_error("bench: --delay wants STEP:USEC, not '%s'",
				   a.delay);
	if (parse_hook(a.syscalls, &c.syscalls_step, &c.syscalls_n) < 0)
		return usage_error("bench: --syscalls wants STEP:N, not '%s'",
				   a.syscalls);
	if (a.serve)
		return bench_serve_main(&c);
	if (geteuid() != 0)
		return usage_error("bench: needs root (namespaces, cgroups, "
				   "mounts)");
	if (!a.aslr_on && (ret = bench_aslr_off(argv - 1, &a.aslr_restore)))
		fprintf(stderr,
			"boxcheck: bench: cannot turn ASLR off (%s): counts "
			"may vary by a page fault or so\n",
			strerror(-ret));
	catch_stop_signals(on_signal);
	ret = measure(&a, argc, argv, &c, &r, &other);
	if (!ret)
		ret = write_outputs(&a, &r, &other);
	if (!ret)
		ret = ladder_failed(&r) || ladder_failed(&other) ? EXIT_FAILED
								 : EXIT_OK;
	bench_free(&r);
	bench_free(&other);
	if (bench_interrupted)
		return EXIT_SIGNAL + bench_interrupted;
	return ret;
}
