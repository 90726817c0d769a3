// SPDX-License-Identifier: MIT
/* boxcheck: the command line. One table of subcommands. */
#include "cli.h"
#include "../primitives/mutant.h"

#include <libgen.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

const struct command commands[] = {
	{ "list", "list scenarios", cmd_list, usage_list },
	{ "run", "run the conformance suite", cmd_run, usage_run },
	{ "probe", "show what this host's kernel offers", cmd_probe,
	  usage_probe },
	{ "cleanup", "remove what a killed run left behind", cmd_cleanup,
	  usage_cleanup },
	{ "inspect", "agent: print isolation facts seen from inside",
	  cmd_inspect, usage_inspect },
	{ "validate", "check runtimes against the standard profile",
	  cmd_validate, usage_validate },
	{ "judge", "judge facts gathered elsewhere (boxcheck inspect)",
	  cmd_judge, usage_judge },
	{ "exec", "run a command in the reference container", cmd_exec,
	  usage_exec },
	{ "bench", "start-latency benchmarks", cmd_bench, usage_bench },
	{ "compare", "compare two bench results (regression gate)", cmd_compare,
	  usage_compare },
	{ "report", "render result files as HTML and Markdown with plots",
	  cmd_report, usage_report },
	{ NULL, NULL, NULL, NULL },
};

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("boxcheck: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_USAGE;
}

int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	/* strtoul() would skip blanks and take a sign: digits only. */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int check_writable(const char *path)
{
	char dir[4096], *d;
	struct stat st;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		return access(path, W_OK) == 0 ? 0 : neg_errno();
	}
	/* dirname() may return a static "." and leave dir as it was */
	snprintf(dir, sizeof(dir), "%s", path);
	d = dirname(dir);
	if (stat(d, &st) < 0)
		return neg_errno();
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return access(d, W_OK | X_OK) == 0 ? 0 : neg_errno();
}

void join_argv(char *buf, size_t len, int argc, char **argv)
{
	size_t at = 0;

	buf[0] = '\0';
	for (int i = 0; i < argc && at < len; i++)
		at += snprintf(buf + at, len - at, "%s%s", i ? " " : "",
			       argv[i]);
}

void catch_stop_signals(void (*handler)(int))
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = handler };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

bool common_option(const struct command *c, const char *arg)
{
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
		fputs(c->usage, stdout);
		return true;
	}
	return false;
}

static void usage(FILE *f)
{
	fputs("usage: boxcheck COMMAND [OPTIONS]\n\n"
	      "A conformance suite and benchmark harness for the Linux "
	      "primitives\nthat containers are made of.\n\ncommands:\n",
	      f);
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fputs("\n'boxcheck COMMAND --help' for a command's options.\n"
	      "exit status: 0 ok, 1 a scenario failed or errored, 2 bad usage "
	      "or input.\n",
	      f);
}

static void on_sigpipe(int sig)
{
	(void)sig;
}

/*
 * A reader that goes away (`boxcheck bench | head`) must not kill us
 * before we remove our cgroups and run dir: writes fail with EPIPE
 * instead. A handler, not SIG_IGN, which execve would pass on to the
 * commands we start.
 */
static void survive_sigpipe(void)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
}

/* A mutant build (make mutant) lists its mutants; see primitives/mutant.h. */
static int mutants(void)
{
	for (int m = 1; m < M__COUNT; m++)
		printf("%s\t%s\n", mutant_table[m].name, mutant_table[m].does);
	return EXIT_OK;
}

int boxcheck_main(int argc, char **argv)
{
	survive_sigpipe();
	if (!mutant_env_ok())
		return usage_error("BOXCHECK_MUTANT: no mutant '%s' in this "
				   "build",
				   getenv("BOXCHECK_MUTANT"));
	if (argc >= 2 && strcmp(argv[1], "mutants") == 0 && mutant_env_ok() &&
	    BOXCHECK_MUTANT_BUILD)
		return mutants();
	if (argc < 2)
		return usage(stderr), EXIT_USAGE;
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage(stdout), EXIT_OK;
	if (strcmp(argv[1], "--version") == 0 ||
	    strcmp(argv[1], "version") == 0) {
		printf("boxcheck %s (%s)\n", BOXCHECK_VERSION,
		       BOXCHECK_GIT_REV);
		return EXIT_OK;
	}
	for (const struct command *c = commands; c->name; c++) {
		if (strcmp(c->name, argv[1]) != 0)
			continue;
		for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
			if (common_option(c, argv[i]))
				return EXIT_OK;
		return c->main(argc - 1, argv + 1);
	}
	return usage_error("unknown command '%s' (try 'boxcheck --help')",
			   argv[1]);
}

int parse_crun_v1_view(const char *arg, bool *on)
{
	if (strcmp(arg, "auto") != 0 && strcmp(arg, "off") != 0)
		return -EINVAL;
	*on = arg[0] == 'a';
	return 0;
}
