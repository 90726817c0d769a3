// SPDX-License-Identifier: MIT
/* A/B runs: the master's loop with OTHER, and `bench --serve`. */
#include "bench_ab.h"
#include "../bench/ab.h"
#include "bench_env.h"
#include "cli.h"

#include <string.h>

static void on_signal(int sig)
{
	bench_interrupted = sig;
}

static void on_pipe(int sig)
{
	(void)sig; /* a write to a gone peer fails with EPIPE instead */
}

int bench_ab_ladder(const char *against, const struct bench_opts *o,
		    const struct ladder_ctx *c, struct bench_result *r,
		    struct bench_result *other)
{
	char err[PATH_MAX + 512];
	struct bench_arm arm;
	struct ab_peer p;
	int st;

	signal(SIGPIPE, on_pipe);
	st = ab_peer_start(&p, against, err, sizeof(err));
	if (st < 0) {
		if (st != -EINTR)
			fprintf(stderr, "boxcheck: bench: --against: %s\n",
				err);
		return st;
	}
	fprintf(stderr, "bench: interleaved with %s (boxcheck %s, %s)\n",
		p.path, p.hello.version, p.hello.rev);
	ab_arm(&p, other, &arm);
	bench_run_ladder_ab(o, c, r, &arm);
	if (arm.lost)
		fprintf(stderr, "boxcheck: bench: --against: %s\n",
			arm.lost_why);
	st = ab_peer_stop(&p, false);
	if (st > 0 && !arm.lost)
		fprintf(stderr,
			"boxcheck: bench: '%s bench --serve' exited with "
			"%d\n",
			p.path, st);
	ab_meta(r, other, &p);
	return 0;
}

/*
 * `bench --serve` (hidden; the protocol is in bench/ab.h): the other arm of
 * another build's `bench --against`. The same environment as a run of our
 * own, named by our pid, removed at EOF or on SIGINT/SIGTERM/SIGHUP (the
 * master's death sends SIGTERM); `boxcheck cleanup` after SIGKILL. No test
 * hook: --delay and BOXCHECK_BENCH_DELAY slow the master's arm only.
 */
int bench_serve_main(void)
{
	struct bench_env e = { 0 };
	struct ladder_ctx c = { .delay_step = -1 };
	char err[PATH_MAX * 2 + 128] = "taking over stdin and stdout";
	int in = -1, out = -1, r;

	if (geteuid() != 0)
		return usage_error("bench --serve: needs root");
	catch_stop_signals(on_signal);
	signal(SIGPIPE, on_pipe);
	r = bench_serve_fds(&in, &out);
	if (r == 0)
		r = bench_env_setup(&e, err, sizeof(err));
	if (r == 0) {
		bench_env_ladder(&e, &c);
		snprintf(err, sizeof(err), "answering the master");
		r = bench_serve(in, out, &c);
	}
	bench_env_release(&e);
	closep(&in);
	closep(&out);
	if (r < 0)
		fprintf(stderr, "boxcheck: bench --serve: %s: %s\n", err,
			strerror(-r));
	if (bench_interrupted)
		return EXIT_SIGNAL + bench_interrupted;
	return r < 0 ? EXIT_FAILED : EXIT_OK;
}
