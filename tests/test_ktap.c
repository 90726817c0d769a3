// SPDX-License-Identifier: MIT
/*
 * The KTAP writer against the KTAP v1 grammar: a strict reader
 * (ktap_read.h) parses what it writes and gives back every test's path,
 * verdict and reason (the round trip); the reader rejects each kind of
 * broken document, so its acceptance means something; and the top level
 * is plain TAP that prove accepts.
 */
#include "testlib.h"
#include "ktap_read.h"
#include "../primitives/base.h"
#include "../reports/record.h"

#include <sys/wait.h>

static struct record recs[9];

static void fill(struct record *r, const char *id, const char *target,
		 enum verdict v, const char *reason)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->target, sizeof(r->target), "%s", target);
	strcpy(r->expected, "getpid()=1 # not a directive");
	r->verdict = v;
	snprintf(r->reason, sizeof(r->reason), "%s", reason);
	r->iso.obs = v == V_PASS ? OBS_HOLDS : OBS_ABSENT;
	strcpy(r->iso.observed, "getpid()=7\nsecond line");
	r->ctl.obs = OBS_ABSENT;
	strcpy(r->ctl.observed, "getpid()=42");
}

/* Areas interleaved on purpose: the writer groups them. */
static int setup(void **state)
{
	fill(&recs[0], "pidns/a", "host", V_PASS, "getpid()=1");
	fill(&recs[1], "net/c", "host", V_FAIL, "expected <1> # observed 2");
	fill(&recs[2], "pidns/b", "host", V_SKIP,
	     "kernel has no time namespaces");
	fill(&recs[3], "pidns/d", "host", V_ERROR, "timeout after 5 s");
	fill(&recs[4], "timens/e", "host", V_SKIP, "no timens");
	fill(&recs[5], "validate/ns-pid", "runc", V_PASS, "ok");
	fill(&recs[6], "validate/ns-pid", "host", V_FAIL,
	     "control (no isolation): the host's own");
	fill(&recs[7], "validate/ro-root", "runc", V_ERROR, "agent exited 1");
	fill(&recs[8], "validate/ro-root", "host", V_FAIL, "control");
	return 0;
}

static char *ktap_of(size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct run_meta m = { .tool = "boxcheck",
			      .version = "0.1.0",
			      .git_rev = "abc",
			      .command = "boxcheck run # x" };

	assert_non_null(f);
	assert_int_equal(writer_by_name("ktap")->write(f, &m, recs, n, false),
			 0);
	fclose(f);
	return buf;
}

/* The writer's text rules: no '#' and no newline in a line's text. */
static void plain(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s);
	for (char *p = dst; *p; p++)
		if (*p == '#' || (unsigned char)*p < 0x20)
			*p = ' ';
}

static enum verdict verdict_of(const struct kr_test *t)
{
	if (!strcmp(t->directive, "SKIP"))
		return V_SKIP;
	if (!strcmp(t->directive, "XFAIL"))
		return V_FAIL;
	if (!strcmp(t->directive, "ERROR") || !strcmp(t->directive, "TIMEOUT"))
		return V_ERROR;
	return t->ok ? V_PASS : V_FAIL;
}

static const struct kr_test *find(const struct kr *k, const char *path)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->t[i].path, path))
			return &k->t[i];
	return NULL;
}

static void round_trip(void **state)
{
	char *text = ktap_of(ARRAY_SIZE(recs)), name[160], want[1024];
	struct kr k;

	if (kr_parse(&k, text) < 0)
		fail_msg("%s\n%s", k.err, text);
	assert_int_equal(k.n, (int)ARRAY_SIZE(recs));
	for (size_t i = 0; i < ARRAY_SIZE(recs); i++) {
		const struct record *r = &recs[i];
		const struct kr_test *t;
		record_test_name(r, name, sizeof(name));
		t = find(&k, name);
		if (!t)
			fail_msg("%s: not in\n%s", name, text);
		assert_int_equal(verdict_of(t), r->verdict);
		plain(want, sizeof(want), r->reason);
		if (r->verdict == V_SKIP || r->verdict == V_ERROR ||
		    !strcmp(t->directive, "XFAIL"))
			assert_string_equal(t->text, want);
		if (r->verdict == V_FAIL && !t->directive[0]) {
			assert_string_equal(t->reason, want);
			plain(want, sizeof(want), r->expected);
			assert_string_equal(t->expected, want);
			assert_string_equal(t->isolated,
					    "absent: getpid()=7 second line");
		}
	}
	/* the control's failures are expected ones; a timeout is TIMEOUT */
	assert_int_equal(k.xfail, 2);
	assert_string_equal(find(&k, "pidns/d")->directive, "TIMEOUT");
	assert_string_equal(find(&k, "validate/runc/ro-root")->directive,
			    "ERROR");
	assert_true(k.totals_seen);
	free(k.t);
	free(text);
}

/* Areas are suites; a suite fails with a failing test, skips when all do. */
static void suites(void **state)
{
	char *text = ktap_of(ARRAY_SIZE(recs));

	assert_non_null(strstr(text, "KTAP version 1\n1..4\n# boxcheck "));
	assert_non_null(strstr(text, "  KTAP version 1\n  # Subtest: pidns\n"
				     "  1..3\n"));
	assert_non_null(strstr(text, "\nnot ok 1 pidns\n"));
	assert_non_null(strstr(text, "\nnot ok 2 net\n"));
	assert_non_null(strstr(text, "\nok 3 timens # SKIP"));
	assert_non_null(strstr(text, "    # Subtest: runc\n"));
	assert_non_null(strstr(text, "    ok 1 ns-pid # XFAIL control"));
	assert_non_null(strstr(text, "\n  ok 2 host\n"));
	free(text);
}

/* Each broken document is rejected: the reader's checks can fail. */
static void reader_rejects(void **state)
{
	static const char *const bad[] = {
		"1..1\nok 1 a\n",			    /* no version */
		"KTAP version 1\nok 1 a\n",		    /* no plan */
		"KTAP version 1\n1..2\nok 1 a\n",	    /* plan not met */
		"KTAP version 1\n1..1\nok 2 a\n",	    /* numbering */
		"KTAP version 1\n1..1\nok 1 a # BOGUS x\n", /* directive */
		"KTAP version 1\n1..1\nok 1 a#b\n",	    /* '#' in desc */
		"KTAP version 1\n1..1\n   ok 1 a\n",	    /* indent */
		"KTAP version 1\n1..1\nnoise\nok 1 a\n",    /* unknown line */
		"KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n"
		"  not ok 1 t\nok 1 s\n", /* a failing child, parent ok */
		"KTAP version 1\n1..1\n  KTAP version 1\n  # Subtest: s\n"
		"  1..1\n  ok 1 t\nok 1 other\n", /* the suite's name */
		"KTAP version 1\n1..1\n  KTAP version 1\n  1..2\n"
		"  ok 1 t\nok 1 s\n", /* the child's plan */
		"KTAP version 1\n1..1\n  KTAP version 1\n  1..1\n"
		"  ok 1 t\n", /* never closed */
	};
	struct kr k;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (kr_parse(&k, bad[i]) == 0)
			fail_msg("accepted:\n%s", bad[i]);
		free(k.t);
	}
	assert_int_equal(kr_parse(&k,
				  "KTAP version 1\n1..1\n  KTAP version 1\n"
				  "  # Subtest: s\n  1..1\n  ok 1 t # SKIP x\n"
				  "ok 1 s # SKIP x\n"),
			 0);
	assert_string_equal(k.t[0].path, "s/t");
	free(k.t);
}

static int prove_exit(const char *text)
{
	char *dir = test_tmpdir(), path[512], cmd[1024];
	FILE *f;
	int st;

	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/t.ktap", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
		 "prove --exec cat '%s' >/dev/null 2>&1; r=$?; rm -rf '%s'; "
		 "exit $r",
		 path, dir);
	st = system(cmd);
	free(dir);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The top level is TAP: prove passes an all-ok run, fails a failing one. */
static void top_level_is_tap(void **state)
{
	char *ok = ktap_of(1), *bad = ktap_of(ARRAY_SIZE(recs));

	assert_int_equal(prove_exit(ok), 0);
	assert_int_not_equal(prove_exit(bad), 0);
	free(ok);
	free(bad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(suites),
		cmocka_unit_test(reader_rejects),
		cmocka_unit_test(top_level_is_tap),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
