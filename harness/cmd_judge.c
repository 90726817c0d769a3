// SPDX-License-Identifier: MIT
/*
 * boxcheck judge: the validation predicates on facts gathered elsewhere.
 * Each FACTS.json is what `boxcheck inspect` printed inside a container
 * (a pod of some node, a CI job), or what `validate --save-facts` kept;
 * the control is the one of the host (`boxcheck inspect` run on the node
 * itself; validate marks its own). The records are the ones validate
 * makes from the same facts: same predicates, same control rule.
 */
#include "cli.h"
#include "runner.h"
#include "validate/facts.h"
#include "validate/validate.h"

#include <getopt.h>
#include <libgen.h>
#include <string.h>

const char usage_judge[] =
	"usage: boxcheck judge [--control HOST.json] [--profile "
	"standard|FILE]\n"
	"                      [--format F] [-o FILE] [--tap FILE] [--junit "
	"FILE]\n"
	"                      [--json FILE] FACTS.json...\n"
	"\n"
	"Judges facts gathered elsewhere with validate's predicates: each\n"
	"FACTS.json is the output of `boxcheck inspect` in a container (its\n"
	"target is the file's name), or a file of `validate --save-facts`\n"
	"(which also holds what only the launcher saw: the lifecycle, the\n"
	"root's token, what the target cannot be asked for). The control is\n"
	"the host's facts: --control, or the file validate marked as such.\n"
	"\n"
	"  --control FILE   `boxcheck inspect` on the host itself\n"
	"  --profile P      what the runtime was asked for: standard (the\n"
	"                   default), or a JSON file of profile keys over it\n"
	"                   (hostname, pids_max, memory_max, cpu_quota_us,\n"
	"                   cpu_period_us, uid, gid, groups, cwd, env, args,\n"
	"                   umask, rlimits, oom_score_adj, caps, "
	"no_new_privs,\n"
	"                   read_only_root, uid_base, id_count, lsm_label)\n"
	"  --format F       text, markdown, tap, json or junit\n"
	"  -o, --output F   write --format to F\n"
	"  --tap/--junit/--json FILE  also write that format\n"
	"\n"
	"A property only the launcher sees (lifecycle, the root's token) is\n"
	"skipped for facts of `boxcheck inspect` alone.\n"
	"Exit status: 0 nothing failed, 1 a target failed or errored, 2 bad\n"
	"usage or a file that is not a facts document.\n";

struct jargs {
	const char *control, *format, *files[4];
	struct profile pr;
	char **facts;
	int n;
};

static int parse(int argc, char **argv, struct jargs *a)
{
	static const struct option opts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "profile", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "tap", required_argument, NULL, 'P' },
		{ "junit", required_argument, NULL, 'J' },
		{ "json", required_argument, NULL, 'S' },
		{ 0 },
	};
	static const char keys[] = "PJSo"; /* files[] order */
	char why[300];
	int c;

	a->format = "text";
	a->pr = profile_standard;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:", opts, NULL)) != -1) {
		const char *k = strchr(keys, c);
		if (k)
			a->files[k - keys] = optarg;
		else if (c == 'c')
			a->control = optarg;
		else if (c == 'f')
			a->format = optarg;
		else if (c == 'p' && strcmp(optarg, "standard") &&
			 profile_load(optarg, &a->pr, why, sizeof(why)) < 0)
			return usage_error("judge: --profile %s", why);
		else if (c == '?' || c == ':')
			return usage_error("judge: unknown option or missing "
					   "value '%s'",
					   argv[optind - 1]);
	}
	if (strcmp(a->format, "markdown") && strcmp(a->format, "text") &&
	    !writer_by_name(a->format))
		return usage_error("judge: unknown format '%s'", a->format);
	a->facts = argv + optind;
	a->n = argc - optind;
	return a->n ? EXIT_OK
		    : usage_error("judge: no FACTS.json (boxcheck judge "
				  "--help)");
}

/* A facts file: the document, or a usage error (printed). */
static int load(const char *path, json_t **doc)
{
	char why[300];
	char *text = calloc(1, LAUNCH_OUT_MAX);
	int r = text ? read_text(path, text, LAUNCH_OUT_MAX) : -ENOMEM;

	if (r >= 0)
		r = facts_load(text, doc, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", strerror(-r));
	free(text);
	return r < 0 ? usage_error("judge: %s: %s", path, why) : EXIT_OK;
}

static bool is_control(const json_t *doc)
{
	return json_is_true(jpath(doc, "launcher.control"));
}

/* The target's name: the launcher's, else the file's, without .json. */
static void label_of(const char *path, const json_t *doc, char *buf, size_t len)
{
	const char *t = jtext(jpath(doc, "launcher.target"));
	char copy[PATH_MAX];
	char *b, *dot;

	snprintf(copy, sizeof(copy), "%s", path);
	b = basename(copy);
	if ((dot = strrchr(b, '.')) && !strcmp(dot, ".json"))
		*dot = '\0';
	snprintf(buf, len, "%.40s", t ? t : b);
}

/* The control: its facts, and the reasons the host was no control. */
static void control(const struct jargs *a, json_t *doc, struct tres *host,
		    struct vcontrol *ctl)
{
	const json_t *u = jpath(doc, "launcher.unusable");
	char id[64];

	host->kind = doc ? OBS_HOLDS : OBS_ERROR;
	host->doc = doc;
	snprintf(host->why, sizeof(host->why),
		 "no control: give the host's facts (--control)");
	for (size_t i = 0; i < prop_count(); i++)
		snprintf(ctl->unusable[i], sizeof(ctl->unusable[i]), "%s",
			 jtext(json_object_get(
				 u, prop_id(prop_get(i), id, sizeof(id))))
				 ?: "");
	validate_control(&a->pr, host, ctl);
}

static int write_out(const struct jargs *a, struct record *r, size_t n)
{
	static const char *const fmt[] = { "tap", "junit", "json" };
	struct run_meta m = { .tool = "boxcheck",
			      .version = BOXCHECK_VERSION,
			      .git_rev = BOXCHECK_GIT_REV,
			      .command = "boxcheck judge" };
	bool md = !strcmp(a->format, "markdown");
	int ret = EXIT_OK;

	for (int i = 0; i < 3; i++)
		if (a->files[i] &&
		    write_file_atomic(a->files[i], writer_by_name(fmt[i]), &m,
				      r, n) < 0)
			ret = usage_error("judge: cannot write %s",
					  a->files[i]);
	if (md || !strcmp(a->format, "text")) {
		FILE *f = a->files[3] ? fopen(a->files[3], "we") : stdout;
		if (!f)
			return usage_error("judge: cannot write %s",
					   a->files[3]);
		validate_matrix(f, r, n, md);
		if (f != stdout)
			fclose(f);
	} else if (a->files[3]) {
		if (write_file_atomic(a->files[3], writer_by_name(a->format),
				      &m, r, n) < 0)
			ret = usage_error("judge: cannot write %s",
					  a->files[3]);
	} else {
		writer_by_name(a->format)->write(stdout, &m, r, n, false);
	}
	return ret;
}

static int judge_all(struct jargs *a, json_t **docs, struct vcontrol *ctl,
		     struct record *recs, size_t *n)
{
	bool failed = false;

	for (int i = 0; i < a->n; i++) {
		struct tres res = { .kind = OBS_HOLDS };
		char label[48];
		if (!docs[i] || is_control(docs[i]))
			continue;
		label_of(a->facts[i], docs[i], label, sizeof(label));
		res.doc = docs[i];
		res.skips =
			json_incref((json_t *)jpath(docs[i], "launcher.skips"));
		if (!res.skips)
			res.skips = json_object();
		res.launched = jtext(jpath(docs[i], "launcher.launched"));
		validate_judge(&a->pr, false, label, &res, ctl, recs + *n);
		for (size_t p = 0; p < prop_count(); p++)
			failed |= recs[*n + p].verdict == V_FAIL ||
				  recs[*n + p].verdict == V_ERROR;
		*n += prop_count();
		json_decref(res.skips);
	}
	return failed ? EXIT_FAILED : EXIT_OK;
}

int cmd_judge(int argc, char **argv)
{
	struct jargs a = { 0 };
	_cleanup_free_ json_t **docs = NULL;
	_cleanup_free_ struct vcontrol *ctl = calloc(1, sizeof(*ctl));
	_cleanup_free_ struct record *recs = NULL;
	json_t *host_doc = NULL;
	struct tres host = { 0 };
	size_t n = 0;
	int r = parse(argc, argv, &a), bad = EXIT_OK;

	if (r != EXIT_OK)
		return profile_unload(&a.pr), r;
	docs = calloc(a.n ? a.n : 1, sizeof(*docs)); /* parse wants n >= 1 */
	recs = calloc((size_t)a.n * prop_count() + 1, sizeof(*recs));
	if (!docs || !recs || !ctl)
		return profile_unload(&a.pr),
		       usage_error("judge: out of memory");
	for (int i = 0; r == EXIT_OK && i < a.n; i++)
		if ((r = load(a.facts[i], &docs[i])) == EXIT_OK &&
		    is_control(docs[i]) && !host_doc)
			host_doc = json_incref(docs[i]);
	if (r == EXIT_OK && a.control) {
		json_decref(host_doc);
		r = load(a.control, &host_doc);
	}
	if (r == EXIT_OK) {
		control(&a, host_doc, &host, ctl);
		bad = judge_all(&a, docs, ctl, recs, &n);
		r = write_out(&a, recs, n);
	}
	for (int i = 0; i < a.n; i++)
		json_decref(docs[i]);
	json_decref(host_doc);
	profile_unload(&a.pr);
	return r ?: bad;
}
