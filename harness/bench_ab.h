/* SPDX-License-Identifier: MIT */
/*
 * bench_ab.h - `boxcheck bench --against OTHER` and its other side, the
 * hidden `boxcheck bench --serve` (the protocol: bench/ab.h).
 */
#ifndef BOXCHECK_HARNESS_BENCH_AB_H
#define BOXCHECK_HARNESS_BENCH_AB_H

#include "../bench/run.h"

/*
 * The ladder in two arms, this binary's and that of OTHER (against), each
 * sampled in `bench --serve` coprocesses (only ours gets --delay delay);
 * ours go to r, OTHER's to other. 0 (also when interrupted: the results so
 * far), or -errno when an arm could not be started or does not speak the
 * protocol (said on stderr).
 */
int bench_ab_ladder(const char *against, const char *delay,
		    const struct bench_opts *o, struct bench_result *r,
		    struct bench_result *other);

/*
 * `bench --serve`: serve the master on stdin/stdout, with hook's test delay
 * (from --delay only). An exit status.
 */
int bench_serve_main(const struct ladder_ctx *hook);

#endif
