/* SPDX-License-Identifier: MIT */
/*
 * bench_rows.h - the rows of `bench` after the ladder: external runtimes
 * through hyperfine (bench/external.c), then VM boots (bench/vm.c). Each
 * prints one progress line per row on stderr.
 */
#ifndef BOXCHECK_BENCH_ROWS_H
#define BOXCHECK_BENCH_ROWS_H

#include "../bench/run.h"
#include "bench_env.h"

struct bench_rows {
	const struct bench_opts *o; /* ext, n_ext, ext_runs, ext_warmup */
	/*
	 * --crun-v1-view auto: on a hybrid host whose cgroup2 has
	 * controllers, crun runs with that mount detached in its private
	 * mount namespace (cg_hybrid_v2_mount). false: as it is.
	 */
	bool crun_v1_view;
	unsigned vm_runs;    /* boots per VM row; 0: no VM rows */
	const char *vm_arch; /* "x86_64,aarch64", or NULL: those built */
};

/* The VM architectures bench knows; --vm-arch words ("host": ours). */
int bench_vm_arch_check(const char *list, char *bad, size_t len);

void bench_rows_external(const struct bench_rows *x, const struct bench_env *e,
			 struct bench_result *r);
void bench_rows_vm(const struct bench_rows *x, struct bench_result *r);

#endif
