// SPDX-License-Identifier: MIT
/*
 * A/B runs (bench/ab.h): the protocol's lines, the line reader, the server
 * loop over pipes, and the A/B loop's order with two scripted arms.
 */
#include "testlib.h"

#include "../bench/ab.h"
#include "version.h"

#include <fcntl.h>

/* ---- hello ---------------------------------------------------------------- */

static void hello_round_trip(void **state)
{
	char line[AB_LINE_MAX];
	struct ab_hello h;
	int n = ab_format_hello(line, sizeof(line));

	assert_true(n > 0);
	assert_int_equal(line[n - 1], '\n');
	line[n - 1] = '\0';
	assert_int_equal(ab_parse_hello(line, &h), 0);
	assert_int_equal(h.proto, 1);
	assert_string_equal(h.version, BOXCHECK_VERSION);
	assert_string_equal(h.rev, BOXCHECK_GIT_REV);
	for (int s = 0; s < LS__COUNT; s++)
		assert_true(h.has[s]);
	/* too small a buffer is said, not cut */
	assert_int_equal(ab_format_hello(line, 40), -ENOSPC);
}

static void hello_parsing(void **state)
{
	static const char *const bad[] = {
		"",
		"hello",
		"hello 1 0.1.0 abc",
		"hello x 0.1.0 abc fork",
		"hello -1 0.1.0 abc fork",
		"hello 1 0.1.0 abc fork extra",
		"hello  1 0.1.0 abc fork",
		"hi 1 0.1.0 abc fork",
		"err 93 protocol 1 asked, this build speaks 2",
		"y",
	};
	struct ab_hello h;

	/* an older or newer build: names we do not know are ignored */
	assert_int_equal(
		ab_parse_hello("hello 1 0.0.9 1234abc empty,fork,nosuch", &h),
		0);
	assert_int_equal(h.proto, 1);
	assert_string_equal(h.version, "0.0.9");
	assert_string_equal(h.rev, "1234abc");
	assert_true(h.has[LS_EMPTY]);
	assert_true(h.has[LS_FORK]);
	assert_false(h.has[LS_EXEC]);
	assert_false(h.has[LS_CONTAINER]);
	/* another protocol version parses: the caller refuses it */
	assert_int_equal(ab_parse_hello("hello 2 9.0 r exec", &h), 0);
	assert_int_equal(h.proto, 2);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		assert_int_equal(ab_parse_hello(bad[i], &h), -EPROTO);
}

/* ---- replies -------------------------------------------------------------- */

static void reply_parsing(void **state)
{
	static const char *const bad[] = {
		"",
		"y",
		"ok",
		"ok 1",
		"ok nan 1",
		"ok 1 inf",
		"ok -2 1",
		"ok 0.5x 1",
		"ok 1 2 3",
		"ok 1 2 task-clock=",
		"ok 1 2 task-clock=-1.5",
		"ok 1 2 task-clock=-99999",
		"skip",
		"err 5",
		"err 0 zero is no error",
		"err x y",
		"err -5 y",
		"bogus 1 2",
	};
	struct ab_reply r;

	assert_int_equal(ab_parse_reply("ok 0.00123 -1", &r), 0);
	assert_int_equal(r.kind, AB_OK);
	assert_true(r.s.start_s == 0.00123);
	assert_true(r.s.stop_s == -1);
	assert_false(r.k.have);

	assert_int_equal(ab_parse_reply("ok 1e-3 2.5e-4 task-clock=1500 "
					"page-faults=44 cycles=-2 future=7",
					&r),
			 0);
	assert_true(r.s.start_s == 1e-3 && r.s.stop_s == 2.5e-4);
	assert_true(r.k.have);
	assert_true(r.k.delta[CNT_TASK_CLOCK] == 1500);
	assert_int_equal(r.k.err[CNT_TASK_CLOCK], 0);
	assert_true(r.k.delta[CNT_PAGE_FAULTS] == 44);
	assert_int_equal(r.k.err[CNT_CYCLES], -ENOENT);
	assert_int_equal(r.k.err[CNT_INSTRUCTIONS], -ENODATA); /* not sent */

	assert_int_equal(
		ab_parse_reply("skip no cgroup to create groups under", &r), 0);
	assert_int_equal(r.kind, AB_SKIP);
	assert_string_equal(r.why, "no cgroup to create groups under");

	assert_int_equal(ab_parse_reply("err 4223 child failed at pivot_root "
					"(exit 123)",
					&r),
			 0);
	assert_int_equal(r.kind, AB_ERR);
	assert_int_equal(r.err, LADDER_ECHILD + 127);
	assert_string_equal(r.why, "child failed at pivot_root (exit 123)");

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (ab_parse_reply(bad[i], &r) != -EPROTO)
			fail_msg("'%s' was taken", bad[i]);
	}
}

/* What goes out comes back bit for bit, on one line. */
static void reply_round_trip(void **state)
{
	struct ab_reply a = { .kind = AB_OK,
			      .s = { 0.0012345678901234567, 3.3e-7 },
			      .k = { .have = true } },
			b;
	char line[AB_LINE_MAX];
	int n;

	for (int i = 0; i < CNT__COUNT; i++)
		a.k.delta[i] = 1e6 / 3 + i;
	a.k.err[CNT_CYCLES] = a.k.err[CNT_INSTRUCTIONS] = -ENOENT;
	a.k.delta[CNT_CYCLES] = a.k.delta[CNT_INSTRUCTIONS] = 0;
	n = ab_format_reply(line, sizeof(line), &a);
	assert_true(n > 0 && line[n - 1] == '\n' && !memchr(line, '\n', n - 1));
	line[n - 1] = '\0';
	assert_int_equal(ab_parse_reply(line, &b), 0);
	assert_memory_equal(&a.s, &b.s, sizeof(a.s));
	assert_memory_equal(&a.k, &b.k, sizeof(a.k));

	a = (struct ab_reply){ .kind = AB_ERR, .err = 5, .why = "two\nlines" };
	n = ab_format_reply(line, sizeof(line), &a);
	assert_string_equal(line, "err 5 two lines\n");
	a = (struct ab_reply){ .kind = AB_SKIP };
	n = ab_format_reply(line, sizeof(line), &a);
	assert_string_equal(line, "skip ?\n"); /* never an empty reason */
	assert_int_equal(ab_format_reply(line, 8, &a), 7);
	assert_int_equal(ab_format_reply(line, 7, &a), -ENOSPC);
}

/* ---- requests ------------------------------------------------------------- */

static void request_parsing(void **state)
{
	struct ab_request q;
	char why[256];

	assert_int_equal(ab_parse_request("hello 1", &q, why, sizeof(why)), 0);
	assert_int_equal(q.kind, AB_REQ_HELLO);
	assert_int_equal(q.proto, 1);
	assert_int_equal(
		ab_parse_request("sample pivot-root", &q, why, sizeof(why)), 0);
	assert_int_equal(q.kind, AB_REQ_SAMPLE);
	assert_int_equal(q.step, LS_PIVOT);
	assert_int_equal(
		ab_parse_request("sample nosuch", &q, why, sizeof(why)),
		-EINVAL);
	assert_string_equal(why, "unknown variant 'nosuch'");
	assert_int_equal(ab_parse_request("frob x", &q, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "unknown request 'frob x'");
	assert_int_equal(ab_parse_request("hello x", &q, why, sizeof(why)),
			 -EINVAL);
	assert_int_equal(ab_parse_request("sample", &q, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "not a request: 'sample'");
	assert_int_equal(
		ab_parse_request("sample fork exec", &q, why, sizeof(why)),
		-EINVAL);
}

/* ---- the line reader ------------------------------------------------------ */

static void read_lines(void **state)
{
	struct chan c = CHAN_INIT;
	struct ab_lines l;
	char line[AB_LINE_MAX], big[AB_LINE_MAX + 8];

	assert_int_equal(chan_open(&c), 0);
	l = (struct ab_lines){ .fd = c.rd };
	assert_int_equal(fd_write_all(c.wr, "a\nbb\nccc", 8), 0);
	assert_int_equal(ab_read_line(&l, line, sizeof(line), 1000), 1);
	assert_string_equal(line, "a");
	assert_int_equal(ab_read_line(&l, line, sizeof(line), 1000), 2);
	assert_string_equal(line, "bb");
	/* half a line: wait for the rest, not longer than told */
	assert_int_equal(ab_read_line(&l, line, sizeof(line), 50), -ETIMEDOUT);
	assert_int_equal(fd_write_all(c.wr, "\n\n", 2), 0);
	assert_int_equal(ab_read_line(&l, line, sizeof(line), 1000), 3);
	assert_string_equal(line, "ccc");
	assert_int_equal(ab_read_line(&l, line, sizeof(line), 1000), 0);
	assert_string_equal(line, "");
	/* a line longer than the protocol allows */
	memset(big, 'x', sizeof(big));
	assert_int_equal(fd_write_all(c.wr, big, sizeof(big)), 0);
	assert_int_equal(ab_read_line(&l, line, sizeof(line), 1000), -EPROTO);
	l.n = 0;
	closep(&c.wr);
	c.wr = -1;
	assert_int_equal(ab_read_line(&l, line, sizeof(line), 1000), -EPIPE);
	chan_close(&c);
}

/* ---- the server, over pipes ------------------------------------------------ */

/* The next reply line of the server's output. */
static void next_reply(struct ab_lines *l, char *line)
{
	assert_true(ab_read_line(l, line, AB_LINE_MAX, 1000) >= 0);
}

static void server_answers(void **state)
{
	static const char requests[] = "hello 1\nhello 2\nsample empty\n"
				       "sample cgroup\nsample nosuch\nfrob\n";
	struct ladder_ctx c = { .delay_step = -1 }; /* no cgroup */
	struct chan in = CHAN_INIT, out = CHAN_INIT;
	char line[AB_LINE_MAX];
	struct ab_hello h;
	struct ab_reply r;
	struct ab_lines l;

	assert_int_equal(chan_open(&in), 0);
	assert_int_equal(chan_open(&out), 0);
	assert_int_equal(fd_write_all(in.wr, requests, strlen(requests)), 0);
	close(in.wr); /* EOF after the requests */
	assert_int_equal(bench_serve(in.rd, out.wr, &c), 0);
	assert_int_equal(c.seq, 1); /* one sample taken */
	l = (struct ab_lines){ .fd = out.rd };

	next_reply(&l, line);
	assert_int_equal(ab_parse_hello(line, &h), 0);
	assert_int_equal(h.proto, AB_PROTO);
	next_reply(&l, line);
	assert_int_equal(ab_parse_reply(line, &r), 0);
	assert_int_equal(r.kind, AB_ERR);
	assert_int_equal(r.err, EPROTONOSUPPORT);
	assert_string_equal(r.why, "protocol 2 asked, this build speaks 1");
	next_reply(&l, line); /* empty: two clock reads, teardown unmeasured */
	assert_int_equal(ab_parse_reply(line, &r), 0);
	assert_int_equal(r.kind, AB_OK);
	assert_true(r.s.start_s >= 0 && r.s.start_s < 0.1);
	assert_true(r.s.stop_s == -1);
	assert_true(r.k.have);
	next_reply(&l, line);
	assert_int_equal(ab_parse_reply(line, &r), 0);
	assert_int_equal(r.kind, AB_SKIP);
	assert_string_equal(r.why, "no cgroup to create groups under");
	next_reply(&l, line);
	assert_int_equal(ab_parse_reply(line, &r), 0);
	assert_int_equal(r.kind, AB_ERR);
	assert_int_equal(r.err, EINVAL);
	assert_string_equal(r.why, "unknown variant 'nosuch'");
	next_reply(&l, line);
	assert_int_equal(ab_parse_reply(line, &r), 0);
	assert_string_equal(r.why, "not a request: 'frob'");
	close(in.rd);
	close(out.wr);
	assert_int_equal(ab_read_line(&l, line, sizeof(line), 1000), -EPIPE);
	close(out.rd);
}

/* ---- the A/B loop, with two scripted arms --------------------------------- */

struct script {
	int id;
	int *log;   /* arm ids in call order, shared by both */
	size_t *at; /* ... its length */
	unsigned calls, renews, lose_at;
	int answer; /* 0, 1 (skip) or -errno */
};

static int scripted(struct bench_arm *a, enum ladder_step s,
		    struct ladder_sample *out, struct sample_counters *k,
		    char *why, size_t len)
{
	struct script *t = a->data;

	assert_int_equal(s, LS_EMPTY);
	t->log[(*t->at)++] = t->id;
	if (++t->calls == t->lose_at) {
		a->lost = true;
		snprintf(a->lost_why, sizeof(a->lost_why), "arm %d gone",
			 t->id);
		return -EPIPE;
	}
	snprintf(why, len, "scripted %d", t->answer);
	out->start_s = 1e-3 * t->calls + t->id;
	out->stop_s = -1;
	k->have = true;
	k->delta[CNT_PAGE_FAULTS] = 10;
	return t->answer;
}

static int log_buf[1024], renew_log[16];
static size_t log_n, renew_n;

static int renewed(struct bench_arm *a)
{
	struct script *t = a->data;

	t->renews++;
	renew_log[renew_n++] = t->id;
	return 0;
}

static void run(struct script t[2], unsigned warmup, unsigned runs,
		struct bench_result r[2])
{
	struct bench_opts o = { .runs = runs, .warmup = warmup };
	struct bench_arm arm[2], *arms[2] = { &arm[0], &arm[1] };

	log_n = renew_n = 0;
	o.steps[LS_EMPTY] = true;
	for (int i = 0; i < 2; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		t[i].id = i;
		t[i].log = log_buf;
		t[i].at = &log_n;
		arm[i] = (struct bench_arm){ .r = &r[i],
					     .sample = scripted,
					     .renew = renewed,
					     .data = &t[i] };
	}
	assert_int_equal(bench_run_ladder_ab(&o, arms), 0);
}

static void interleaving(void **state)
{
	static const int order[] = { 0, 1, 1, 0, 0, 1, 1, 0 };
	struct script t[2] = { 0 };
	struct bench_result r[2];

	run(t, 2, 25, r);
	/* warm-up 2, kept 25, and a round not kept after each renewal */
	assert_int_equal(t[0].renews, 2);
	assert_int_equal(t[1].renews, 2);
	assert_int_equal(t[0].calls, 2 + 25 + 2);
	assert_int_equal(t[1].calls, 2 + 25 + 2);
	/* arm 0 first in even rounds, arm 1 first in odd ones */
	assert_memory_equal(log_buf, order, sizeof(order));
	/*
	 * Renewed after kept round 9 (log entries 4..23): arm 1 first (arm 0
	 * was started first), arm 0 first the next time; the round not kept
	 * in the order of round 9, so that kept round 10 starts with the arm
	 * that ended the last.
	 */
	assert_int_equal(renew_n, 4);
	assert_int_equal(renew_log[0], 1);
	assert_int_equal(renew_log[1], 0);
	assert_int_equal(renew_log[2], 0);
	assert_int_equal(renew_log[3], 1);
	assert_int_equal(log_buf[23], 0); /* round 9 ends with arm 0 */
	assert_int_equal(log_buf[24], 1);
	assert_int_equal(log_buf[25], 0);
	assert_int_equal(log_buf[26], 0);
	assert_int_equal(log_buf[27], 1);
	for (int i = 0; i < 2; i++) {
		const struct bench_variant *v = &r[i].v[0];
		assert_int_equal(r[i].n, 1);
		assert_string_equal(v->name, "empty");
		assert_int_equal(v->group, BG_CALIBRATION);
		assert_int_equal(v->status, BS_OK);
		assert_int_equal(v->start.n, 25);
		assert_true(v->start.v[0] == i + 3e-3); /* first kept: call 3 */
		assert_int_equal(v->stop.n, 0);
		assert_int_equal(v->counters.n, 25);
		assert_true(v->counters.total[CNT_PAGE_FAULTS] == 250);
		bench_free(&r[i]);
	}
}

static void arm_skips_fails_or_goes(void **state)
{
	struct script t[2] = { 0 };
	struct bench_result r[2];

	t[1].answer = 1;
	run(t, 1, 5, r);
	assert_int_equal(t[1].calls, 1); /* not asked again */
	assert_int_equal(r[1].v[0].status, BS_SKIPPED);
	assert_string_equal(r[1].v[0].reason, "scripted 1");
	assert_int_equal(r[0].v[0].start.n, 5);
	bench_free(&r[0]), bench_free(&r[1]);

	memset(t, 0, sizeof(t));
	t[0].answer = -EIO;
	run(t, 0, 5, r);
	assert_int_equal(t[0].calls, 1);
	assert_int_equal(r[0].v[0].status, BS_FAILED);
	assert_string_equal(r[0].v[0].reason, "scripted -5");
	assert_int_equal(r[1].v[0].start.n, 5);
	bench_free(&r[0]), bench_free(&r[1]);

	/* an arm gone: the run stops, the other keeps what it has */
	memset(t, 0, sizeof(t));
	t[1].lose_at = 3;
	run(t, 0, 10, r);
	assert_int_equal(t[1].calls, 3);
	assert_int_equal(r[1].v[0].status, BS_FAILED);
	assert_string_equal(r[1].v[0].reason, "arm 1 gone");
	assert_int_equal(r[1].v[0].start.n, 2);
	assert_int_equal(r[0].v[0].start.n, 3); /* round 2: arm 0 went first */
	assert_int_equal(r[0].v[0].status, BS_OK);
	bench_free(&r[0]), bench_free(&r[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hello_round_trip),
		cmocka_unit_test(hello_parsing),
		cmocka_unit_test(reply_parsing),
		cmocka_unit_test(reply_round_trip),
		cmocka_unit_test(request_parsing),
		cmocka_unit_test(read_lines),
		cmocka_unit_test(server_answers),
		cmocka_unit_test(interleaving),
		cmocka_unit_test(arm_skips_fails_or_goes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
