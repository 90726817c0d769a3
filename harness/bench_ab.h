/* SPDX-License-Identifier: MIT */
/*
 * bench_ab.h - `boxcheck bench --against OTHER` and its other side, the
 * hidden `boxcheck bench --serve` (the protocol: bench/ab.h).
 */
#ifndef BOXCHECK_HARNESS_BENCH_AB_H
#define BOXCHECK_HARNESS_BENCH_AB_H

#include "../bench/run.h"

/*
 * The ladder, interleaved with that of OTHER (against), whose samples go to
 * other. 0 (also when interrupted: the results so far), or -errno when
 * OTHER could not be started or does not speak the protocol (said on
 * stderr).
 */
int bench_ab_ladder(const char *against, const struct bench_opts *o,
		    const struct ladder_ctx *c, struct bench_result *r,
		    struct bench_result *other);

/* `bench --serve`: serve the master on stdin/stdout. An exit status. */
int bench_serve_main(void);

#endif
