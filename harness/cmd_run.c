// SPDX-License-Identifier: MIT
/* boxcheck run: select, run, and write the results in every format asked. */
#include "cli.h"
#include "host.h"
#include "registry.h"
#include "runner.h"

#include <getopt.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

const char usage_run[] =
	"usage: boxcheck run [PATTERN...] [--tag T]... [-j N] [--timeout S]\n"
	"                    [--format text|tap|ktap|json|junit] [-o FILE]\n"
	"                    [--tap FILE] [--ktap FILE] [--junit FILE]\n"
	"                    [--json FILE]\n"
	"\n"
	"Runs each selected scenario twice, isolated and as a control, in its\n"
	"own worker (process group, private mount namespace, temp dir and\n"
	"cgroup). A scenario passes only if the property holds isolated and "
	"is\n"
	"absent in the control.\n"
	"\n"
	"  -j, --jobs N      workers at once (default 1)\n"
	"  --timeout S       per-run wall-clock limit, overriding each "
	"scenario's\n"
	"  --format F        format of --output, or of stdout without it\n"
	"  -o, --output FILE write --format to FILE; the terminal shows text\n"
	"  --tap/--ktap/--junit/--json FILE  also write that format to FILE\n"
	"                    (ktap: KTAP version 1, areas as nested suites)\n"
	"  --tag T           only scenarios with tag T (repeatable)\n"
	"\n"
	"Exit status: 0 nothing failed or errored, 1 otherwise, 2 bad usage,\n"
	"128+N interrupted by signal N (results so far are written).\n";

enum { OUT_TAP, OUT_JUNIT, OUT_JSON, OUT_KTAP, OUT_MAIN, OUT__COUNT };

struct run_args {
	struct selection sel;
	const char *tags[16];
	unsigned jobs, timeout;
	const char *format, *output;
	const char *files[OUT__COUNT];
	bool color;
};

static int parse(int argc, char **argv, struct run_args *a)
{
	static const struct option opts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "tap", required_argument, NULL, 'P' },
		{ "junit", required_argument, NULL, 'J' },
		{ "json", required_argument, NULL, 'S' },
		{ "ktap", required_argument, NULL, 'K' },
		{ 0 },
	};
	int c;

	a->jobs = 1;
	a->format = "text";
	a->sel.tags = a->tags;
	opterr = 0;
	optind = 0; /* a full reset: boxcheck_main may be called again */
	while ((c = getopt_long(argc, argv, ":t:j:o:", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (a->sel.n_tags == ARRAY_SIZE(a->tags))
				return usage_error("run: too many --tag");
			a->tags[a->sel.n_tags++] = optarg;
			break;
		case 'j':
			if (parse_uint(optarg, 1, 256, &a->jobs) < 0)
				return usage_error("run: -j wants 1..256, not "
						   "'%s'",
						   optarg);
			break;
		case 'T':
			if (parse_uint(optarg, 1, 86400, &a->timeout) < 0)
				return usage_error("run: --timeout wants "
						   "seconds, not '%s'",
						   optarg);
			break;
		case 'f':
			a->format = optarg;
			break;
		case 'o':
			a->files[OUT_MAIN] = optarg;
			break;
		case 'P':
			a->files[OUT_TAP] = optarg;
			break;
		case 'J':
			a->files[OUT_JUNIT] = optarg;
			break;
		case 'S':
			a->files[OUT_JSON] = optarg;
			break;
		case 'K':
			a->files[OUT_KTAP] = optarg;
			break;
		case ':':
			return usage_error("run: option '%s' needs a value",
					   argv[optind - 1]);
		default:
			return usage_error("run: unknown option '%s' (see "
					   "'boxcheck run --help')",
					   argv[optind - 1]);
		}
	}
	if (!writer_by_name(a->format))
		return usage_error("run: unknown format '%s' (text, tap, ktap, "
				   "json or junit)",
				   a->format);
	for (int i = 0; i < OUT__COUNT; i++) {
		int r = a->files[i] ? check_writable(a->files[i]) : 0;
		if (r < 0)
			return usage_error("run: cannot write '%s': %s",
					   a->files[i], strerror(-r));
	}
	a->sel.patterns = (const char *const *)argv + optind;
	a->sel.n_patterns = argc - optind;
	a->color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	return EXIT_OK;
}

static void on_record(const struct record *r, void *arg)
{
	const struct run_args *a = arg;

	report_text_line(stdout, r, a->color);
	fflush(stdout);
}

static void on_signal(int sig)
{
	runner_interrupted = sig;
}

static void fill_meta(struct run_meta *m, char *cmd, size_t len, int argc,
		      char **argv, const struct host *h)
{
	time_t t = time(NULL);

	join_argv(cmd, len, argc, argv);
	m->tool = "boxcheck";
	m->version = BOXCHECK_VERSION;
	m->git_rev = BOXCHECK_GIT_REV;
	m->command = cmd;
	strftime(m->started, sizeof(m->started), "%Y-%m-%dT%H:%M:%SZ",
		 gmtime(&t));
	m->host = host_facts_json(h);
}

static int write_outputs(const struct run_args *a, const struct run_meta *m,
			 const struct record *recs, size_t n)
{
	static const char *const fmt[OUT__COUNT] = { "tap", "junit", "json",
						     "ktap" };
	int ret = 0;

	for (int i = 0; i < OUT__COUNT; i++) {
		const char *name = i == OUT_MAIN ? a->format : fmt[i];
		int r;
		if (!a->files[i])
			continue;
		r = write_file_atomic(a->files[i], writer_by_name(name), m,
				      recs, n);
		if (r < 0) {
			fprintf(stderr, "boxcheck: writing %s: %s\n",
				a->files[i], strerror(-r));
			ret = EXIT_USAGE;
		}
	}
	if (!a->files[OUT_MAIN] && strcmp(a->format, "text") != 0)
		writer_by_name(a->format)->write(stdout, m, recs, n, false);
	return ret;
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { 0 };
	struct host h;
	struct run_meta m = { 0 };
	struct tally t;
	char cmd[2048];
	const char *unmatched;
	size_t n;
	int r = parse(argc, argv, &a), got;
	double t0 = mono();

	if (r != EXIT_OK)
		return r;
	_cleanup_free_ const struct scenario **sel =
		calloc(registry_count() + 1, sizeof(*sel));
	_cleanup_free_ struct record *recs =
		calloc(registry_count() + 1, sizeof(*recs));
	if (!sel || !recs)
		return usage_error("run: out of memory");
	n = registry_select(&a.sel, sel, &unmatched);
	if (unmatched)
		return usage_error("run: pattern '%s' matches no scenario",
				   unmatched);
	if (n == 0)
		return usage_error("run: the selection is empty");
	host_probe(&h);
	fill_meta(&m, cmd, sizeof(cmd), argc + 1, argv - 1, &h);
	catch_stop_signals(on_signal); /* SIGPIPE: see boxcheck_main() */
	bool stream = !strcmp(a.format, "text") || a.files[OUT_MAIN];
	struct run_opts o = { .jobs = a.jobs,
			      .timeout_s = a.timeout,
			      .on_record = stream ? on_record : NULL,
			      .arg = &a };
	got = runner_run(sel, n, &h, &o, recs);
	if (got < 0) {
		json_decref(m.host);
		return usage_error("run: cannot set up the run: %s",
				   strerror(-got));
	}
	m.duration_s = mono() - t0;
	tally_records(recs, got, &t);
	if (stream)
		report_text_summary(stdout, &t, a.color);
	r = write_outputs(&a, &m, recs, got);
	json_decref(m.host);
	if (runner_interrupted)
		return EXIT_SIGNAL + runner_interrupted;
	if (r)
		return r;
	return t.n[V_FAIL] || t.n[V_ERROR] ? EXIT_FAILED : EXIT_OK;
}
