/* SPDX-License-Identifier: MIT */
/* cli.h - subcommands and their shared conventions. */
#ifndef BOXCHECK_CLI_H
#define BOXCHECK_CLI_H

#include "../primitives/base.h"

enum exit_code {
	EXIT_OK = 0,	   /* nothing failed or errored (skips allowed) */
	EXIT_FAILED = 1,   /* a scenario failed or errored */
	EXIT_USAGE = 2,	   /* bad usage or input */
	EXIT_SIGNAL = 128, /* + signal number when interrupted */
};

#include "version.h" /* generated: BOXCHECK_VERSION, BOXCHECK_GIT_REV */

struct command {
	const char *name;
	const char *summary;
	int (*main)(int argc, char **argv);
	const char *usage; /* full --help text */
};

extern const struct command commands[];

/* Print "boxcheck: <message>" to stderr and return EXIT_USAGE. */
int usage_error(const char *fmt, ...) _printf_(1, 2);
/* Parse a whole non-negative integer in [min, max]. */
int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out);
/* Can path be created or overwritten? 0 or -errno. */
int check_writable(const char *path);
/* The command line as one string. */
void join_argv(char *buf, size_t len, int argc, char **argv);
/* SIGINT, SIGTERM and SIGHUP go to handler (which sets a stop flag). */
void catch_stop_signals(void (*handler)(int));
/*
 * --crun-v1-view auto|off (bench and validate): on a hybrid host whose
 * cgroup2 has controllers, run crun with that mount detached in its own
 * mount namespace (auto), or as it is (off). 0, or -EINVAL.
 */
int parse_crun_v1_view(const char *arg, bool *on);
/* Options every subcommand has; returns true if it handled (printed) one. */
bool common_option(const struct command *c, const char *arg);

int boxcheck_main(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_probe(int argc, char **argv);
int cmd_cleanup(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_judge(int argc, char **argv);
int cmd_exec(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_report(int argc, char **argv);

extern const char usage_list[], usage_run[], usage_probe[], usage_cleanup[];
extern const char usage_inspect[], usage_validate[], usage_judge[];
extern const char usage_bench[], usage_compare[], usage_exec[];
extern const char usage_report[];

#endif
