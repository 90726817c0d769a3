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

/* Our own binary, for our arm. */
static int self_exe(char *buf, size_t len)
{
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n < 0)
		return neg_errno();
	buf[n] = '\0';
	return 0;
}

/* Both arms' first processes: 0, or -errno (said on stderr). */
static int start(struct ab_peer p[2], const char *against, const char *delay)
{
	char err[PATH_MAX + 512], self[PATH_MAX];
	int r = self_exe(self, sizeof(self));

	/* SIGPIPE: a no-op (boxcheck_main): a gone server is EPIPE */
	if (r < 0) {
		fprintf(stderr, "boxcheck: bench: /proc/self/exe: %s\n",
			strerror(-r));
		return r;
	}
	r = ab_peer_start(&p[0], self, delay, err, sizeof(err));
	if (r == 0) {
		r = ab_peer_start(&p[1], against, NULL, err, sizeof(err));
		if (r < 0)
			ab_peer_stop(&p[0], false);
	}
	if (r < 0 && r != -EINTR)
		fprintf(stderr, "boxcheck: bench: --against: %s\n", err);
	return r;
}

int bench_ab_ladder(const char *against, const char *delay,
		    const struct bench_opts *o, struct bench_result *r,
		    struct bench_result *other)
{
	struct bench_result *res[2] = { r, other };
	struct bench_arm arm[2], *arms[2] = { &arm[0], &arm[1] };
	struct ab_peer p[2];
	int st = start(p, against, delay);

	if (st < 0)
		return st;
	fprintf(stderr,
		"bench: A/B: %s (boxcheck %s, %s) against %s "
		"(boxcheck %s, %s)\n",
		p[0].path, p[0].hello.version, p[0].hello.rev, p[1].path,
		p[1].hello.version, p[1].hello.rev);
	for (int i = 0; i < 2; i++)
		ab_arm(&p[i], res[i], &arm[i]);
	bench_run_ladder_ab(o, arms);
	for (int i = 0; i < 2; i++) {
		if (arm[i].lost)
			fprintf(stderr, "boxcheck: bench: A/B: %s\n",
				arm[i].lost_why);
		st = ab_peer_stop(&p[i], false);
		if (st > 0 && !arm[i].lost)
			fprintf(stderr,
				"boxcheck: bench: '%s bench --serve' exited "
				"with %d\n",
				p[i].path, st);
	}
	ab_meta(res, (const struct ab_peer *[]){ &p[0], &p[1] });
	return 0;
}

/*
 * `bench --serve` (hidden; the protocol is in bench/ab.h): the other arm of
 * another build's `bench --against`. The same environment as a run of our
 * own, named by our pid, removed at EOF or on SIGINT/SIGTERM/SIGHUP (the
 * master's death sends SIGTERM); `boxcheck cleanup` after SIGKILL. No test
 * hook from the environment (BOXCHECK_BENCH_DELAY is for the master, which
 * passes --delay to its own arm's server only).
 */
int bench_serve_main(const struct ladder_ctx *hook)
{
	struct bench_env e = { 0 };
	struct ladder_ctx c = { .delay_step = hook->delay_step,
				.delay_s = hook->delay_s };
	char err[PATH_MAX * 2 + 128] = "taking over stdin and stdout";
	int in = -1, out = -1, r;

	if (geteuid() != 0)
		return usage_error("bench --serve: needs root");
	catch_stop_signals(on_signal); /* SIGPIPE: see boxcheck_main() */
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
