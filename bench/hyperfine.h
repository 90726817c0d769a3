/* SPDX-License-Identifier: MIT */
/* hyperfine.h - timing external commands with hyperfine, and importing its
 * --export-json samples into the bench result model. */
#ifndef BOXCHECK_HYPERFINE_H
#define BOXCHECK_HYPERFINE_H

#include "bench.h"

/*
 * Import every result of a hyperfine JSON export as a variant of r in group
 * g: named names[i] when given (n_names > i), else after its "command".
 * "times" become the start series. Returns the count imported, or -EINVAL
 * (err says why) when the file is not a hyperfine export.
 */
int hyperfine_import(const char *path, struct bench_result *r,
		     enum bench_group g, const char *const *names,
		     size_t n_names, char *err, size_t len);

/*
 * hyperfine -N --warmup W --runs R --export-json out CMD. CMD is split on
 * spaces by hyperfine. 0, or -errno with hyperfine's own message in err.
 * hide_v2: NULL, or the cgroup2 mount to detach first (the v1 view, see
 * cg_detach_v2), for hyperfine and all it runs.
 */
int hyperfine_run(const char *cmd, unsigned runs, unsigned warmup,
		  const char *out, const char *hide_v2, char *err, size_t len);

/*
 * Run argv (or cmd split on spaces) once with stdout and stderr captured in
 * out (its tail when long), killed after timeout_s, in a private mount
 * namespace of its own (hide_v2 as above). The exit status (128 + signal
 * when killed) or -errno.
 */
int run_argv(char *const argv[], char *out, size_t len, unsigned timeout_s,
	     const char *hide_v2);
int run_captured(const char *cmd, char *out, size_t len, unsigned timeout_s,
		 const char *hide_v2);

#endif
