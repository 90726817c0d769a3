// SPDX-License-Identifier: MIT
/* boxcheck compare: the CI regression gate over two bench results. */
#include "../bench/compare.h"
#include "../bench/ladder.h"
#include "cli.h"

#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <string.h>

const char usage_compare[] =
	"usage: boxcheck compare BASE.json NEW.json [--threshold PCT] "
	"[--alpha A]\n"
	"                        [--gate time|counts|all]\n"
	"\n"
	"Compares two 'boxcheck bench --json' results variant by variant: a\n"
	"Mann-Whitney U test on the raw samples (normal approximation with\n"
	"tie correction) plus a minimum effect size on the median. A variant\n"
	"regressed when p < A and its median grew by more than PCT percent\n"
	"and by at least 1 us (below that: the harness's own resolution).\n"
	"\n"
	"  --threshold PCT  minimum effect, percent of the base median "
	"(default 5)\n"
	"  --alpha A        significance level (default 0.01)\n"
	"  --gate WHAT      what fails the gate: time (the test above), "
	"counts\n"
	"                   (below) or all (default)\n"
	"\n"
	"Counts: the system calls and minor and major page faults of each\n"
	"start, counted by the kernel (bench --json keeps every sample),\n"
	"judged by their floor, the least any sample counted: one that grew\n"
	"by even one regressed, whatever the clock says. The host adds a\n"
	"page fault to a sample now and then, never takes one away: the\n"
	"floor does not move with that. Not judged (shown): runs with\n"
	"bench --aslr on, and net-cleanup, whose count includes retries.\n"
	"\n"
	"A series measured in BASE that NEW skipped, failed or lacks fails\n"
	"the gate too (SKIPPED, FAILED, MISSING). From a median of 0 there is\n"
	"no percentage: any significant move past 1 us counts.\n"
	"\n"
	"Exit status: 0 the gate passes, 1 a variant regressed or was not\n"
	"measured in NEW, 2 bad usage or files that are not comparable bench\n"
	"results.\n";

static int parse_double(const char *s, double lo, double hi, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	return errno || end == s || *end || *v < lo || *v > hi ? -EINVAL : 0;
}

/* --gate time|counts|all. */
static int parse_gate(const char *s, struct compare_opts *o)
{
	o->time = !strcmp(s, "time") || !strcmp(s, "all");
	o->counts = !strcmp(s, "counts") || !strcmp(s, "all");
	return o->time || o->counts ? 0 : -EINVAL;
}

/* The verdicts stand; say what else differed between the two runs. */
static void warn_host(const struct compare_tally *t)
{
	if (t->host_effect == 0) { /* it moved from a median of 0 */
		fprintf(stderr,
			"compare: warning: the host probe '%s' moved in NEW: "
			"the verdicts may be the host's, not the build's\n",
			t->host_name);
		return;
	}
	fprintf(stderr,
		"compare: warning: the host itself was %.0f%% %s in NEW (the "
		"'%s' variant, which no build changes): the verdicts may be "
		"the host's, not the build's. Time both builds in one "
		"interleaved run: bench --against BASE_BINARY\n",
		fabs(t->host_effect) * 100,
		t->host_effect > 0 ? "slower" : "faster", t->host_name);
}

static void where(json_t *meta, char *buf, size_t len)
{
	json_t *o = json_object_get(meta, "options");
	json_int_t cpu = json_integer_value(json_object_get(o, "pin"));

	if (cpu >= 0)
		snprintf(buf, len, "on CPU %lld", (long long)cpu);
	else
		snprintf(buf, len, "on any CPU");
}

/* Where each ladder ran shapes its samples: say when the two differ. */
static void warn_pin(const struct bench_result *base,
		     const struct bench_result *cur)
{
	char a[32], b[32];

	where(base->meta, a, sizeof(a));
	where(cur->meta, b, sizeof(b));
	if (strcmp(a, b) != 0)
		fprintf(stderr,
			"compare: warning: BASE's ladder ran %s, NEW's %s: "
			"where it runs moves the medians. Bench both with "
			"the same --pin\n",
			a, b);
}

/* The ladder variants of r, in order, comma-separated. */
static void ladder_list(const struct bench_result *r, char *buf, size_t len)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < r->n && at < len; i++)
		if (r->v[i].group == BG_LADDER ||
		    r->v[i].group == BG_CALIBRATION)
			at += snprintf(buf + at, len - at, "%s%s",
				       at ? "," : "", r->v[i].name);
}

/*
 * A rung's counts depend on the rungs sampled beside it (what one leaves in
 * the sampling process's memory, the next one's fork copies or not: exec
 * took 41 faults alone and 26 beside the container): say when the lists
 * differ.
 */
static void warn_variants(const struct bench_result *base,
			  const struct bench_result *cur,
			  const struct compare_tally *t)
{
	char a[1024], b[1024];

	ladder_list(base, a, sizeof(a));
	ladder_list(cur, b, sizeof(b));
	if (t->counts_compared && strcmp(a, b) != 0)
		fprintf(stderr,
			"compare: warning: BASE and NEW sampled different "
			"ladder variants: a rung's counts depend on the rungs "
			"run beside it. Bench both with the same --variants\n");
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "threshold", required_argument, NULL, 't' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "gate", required_argument, NULL, 'g' },
		{ 0 },
	};
	struct compare_opts o = {
		.threshold = 0.05, .alpha = 0.01, .time = true, .counts = true
	};
	struct bench_result base, cur;
	struct compare_tally t;
	char err[PATH_MAX + 256];
	double pct;
	int c, r;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		bool good =
			(c == 't' && parse_double(optarg, 0, 1000, &pct) == 0 &&
			 (o.threshold = pct / 100, true)) ||
			(c == 'a' &&
			 parse_double(optarg, 1e-12, 1, &o.alpha) == 0) ||
			(c == 'g' && parse_gate(optarg, &o) == 0);
		if (good)
			continue;
		if (c == 't' || c == 'a' || c == 'g')
			return usage_error("compare: bad value '%s' for %s",
					   optarg, argv[optind - 1]);
		return usage_error("compare: unknown option '%s'",
				   argv[optind - 1]);
	}
	if (argc - optind != 2)
		return usage_error("compare: wants BASE.json NEW.json");
	if (bench_read_json(argv[optind], &base, err, sizeof(err)) < 0)
		return usage_error("compare: %s", err);
	if (bench_read_json(argv[optind + 1], &cur, err, sizeof(err)) < 0) {
		bench_free(&base);
		return usage_error("compare: %s", err);
	}
	printf("Mann-Whitney U, alpha %g, minimum effect %g%% of the base "
	       "median and 1 us\n",
	       o.alpha, o.threshold * 100);
	r = bench_compare(stdout, &base, &cur, &o, &t, err, sizeof(err));
	if (r == 0) {
		warn_pin(&base, &cur);
		warn_variants(&base, &cur, &t);
	}
	bench_free(&base);
	bench_free(&cur);
	if (r < 0)
		return usage_error("compare: %s", err);
	printf("%u compared: %u regressed, %u improved, %u unchanged; %u "
	       "measured in BASE only; %u unmatched\n",
	       t.compared, t.regressed, t.improved, t.same, t.lost,
	       t.unmatched);
	printf("%u exact counts compared (%u by a floor some sample rose "
	       "above): %u grew, %u shrank, %u the same; %u not judged\n",
	       t.counts_compared, t.counts_floor, t.counts_regressed,
	       t.counts_improved,
	       t.counts_compared - t.counts_regressed - t.counts_improved,
	       t.counts_unsteady);
	if (t.host_moved)
		warn_host(&t);
	return compare_gate_failed(&t) ? EXIT_FAILED : EXIT_OK;
}
