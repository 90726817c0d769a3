// SPDX-License-Identifier: MIT
/*
 * The server side of an A/B run, `boxcheck bench --serve` (ab.h has the
 * protocol): samples the ladder steps the master asks for, one at a time.
 */
#include "ab.h"

#include <fcntl.h>
#include <string.h>

int bench_serve_fds(int *in, int *out)
{
	_cleanup_close_ int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	*in = fcntl(0, F_DUPFD_CLOEXEC, 3);
	*out = fcntl(1, F_DUPFD_CLOEXEC, 3);
	if (null < 0 || *in < 0 || *out < 0 || dup2(null, 0) < 0 ||
	    dup2(2, 1) < 0)
		return neg_errno();
	return 0;
}

static void sample(struct ladder_ctx *c, const struct counters *k,
		   enum ladder_step s, struct ab_reply *a)
{
	const char *why = bench_step_unavailable(c, s);
	uint64_t before[CNT__COUNT], after[CNT__COUNT];
	int r;

	if (why) {
		a->kind = AB_SKIP;
		snprintf(a->why, sizeof(a->why), "%s", why);
		return;
	}
	c->seq++;
	bench_settle();
	counters_read(k, before);
	r = ladder_sample(c, s, &a->s);
	counters_read(k, after);
	if (r < 0) {
		a->kind = AB_ERR;
		a->err = -r;
		ladder_strerror(r, a->why, sizeof(a->why));
		return;
	}
	a->kind = AB_OK;
	sample_counters_of(k, before, after, &a->k);
}

/* The reply to one request line, into buf. Its length or -errno. */
static int answer(struct ladder_ctx *c, const struct counters *k,
		  const char *line, char *buf, size_t len)
{
	struct ab_reply a = { .kind = AB_ERR, .err = EINVAL };
	struct ab_request q;

	if (ab_parse_request(line, &q, a.why, sizeof(a.why)) < 0)
		return ab_format_reply(buf, len, &a);
	if (q.kind == AB_REQ_HELLO && q.proto == AB_PROTO)
		return ab_format_hello(buf, len);
	if (q.kind == AB_REQ_HELLO) {
		a.err = EPROTONOSUPPORT;
		snprintf(a.why, sizeof(a.why),
			 "protocol %u asked, this build speaks %d", q.proto,
			 AB_PROTO);
		return ab_format_reply(buf, len, &a);
	}
	sample(c, k, q.step, &a);
	return ab_format_reply(buf, len, &a);
}

/* Requests until EOF or a stop signal. 0 or -errno. */
static int loop(int in, int out, struct ladder_ctx *c, const struct counters *k)
{
	struct ab_lines l = { .fd = in };
	char line[AB_LINE_MAX], reply[AB_LINE_MAX];

	while (!bench_interrupted) {
		int n = ab_read_line(&l, line, sizeof(line), -1);
		if (n == -EINTR)
			continue;
		if (n == -EPIPE)
			return 0;
		if (n < 0)
			return n;
		n = answer(c, k, line, reply, sizeof(reply));
		if (n < 0 || (n = fd_write_all(out, reply, n)) < 0)
			return n;
	}
	return 0;
}

/*
 * Counters on the server too, as the master has them on itself: with
 * inherit, every start and exit pays for them, and both arms must pay alike
 * (without them here, the master's fork/exec rows came out 4-12% slower in
 * A/A runs).
 */
struct serve_args {
	int in, out;
	struct ladder_ctx *c;
};

static int serve_loop(void *arg)
{
	struct serve_args *a = arg;
	struct counters k;
	int r;

	counters_open(&k);
	r = loop(a->in, a->out, a->c, &k);
	counters_close(&k);
	return r;
}

int bench_serve(int in, int out, struct ladder_ctx *c)
{
	struct serve_args a = { in, out, c };

	bench_steady_heap();
	return bench_steady_stack(serve_loop, &a);
}
