// SPDX-License-Identifier: MIT
/* bench's external rows: the table, the setup/teardown hooks, docker's row. */
#include "testlib.h"

#include "../bench/dockerd.h"
#include "../bench/external.h"
#include "../primitives/base.h"

static int marker; /* a state of the fake row's setup */
static int prepared, torn_down;
static void *seen_state;

static void table_rows_whole(void **state)
{
	const struct ext_runtime *d = ext_by_name("docker");

	for (const struct ext_runtime *e = ext_table; e->name; e++) {
		assert_non_null(e->prepare);
		assert_non_null(e->isolation);
		assert_true(!e->setup == !e->teardown);
		assert_ptr_equal(ext_by_name(e->name), e); /* names unique */
	}
	assert_non_null(d);
	assert_string_equal(d->binary, "dockerd");
	assert_non_null(d->setup);
	assert_true(d->absolute_cgroup);
	assert_non_null(strstr(d->isolation, "no user namespace"));
}

static int setup_fails(const struct ext_ctx *c, const char *dir, void **st,
		       char *why, size_t len)
{
	*st = &marker;
	snprintf(why, len, "the daemon said no");
	return -EIO;
}

static int setup_ok(const struct ext_ctx *c, const char *dir, void **st,
		    char *why, size_t len)
{
	*st = &marker;
	return 0;
}

static void teardown(void *st)
{
	torn_down++;
	seen_state = st;
}

/* The command fails: the row is failed by its first run, no hyperfine. */
static int prep_false(const struct ext_ctx *c, const char *dir, char *cmd,
		      size_t len)
{
	prepared++;
	seen_state = c->state;
	snprintf(cmd, len, "/bin/false");
	return 0;
}

static struct ext_runtime fake = { .name = "fake",
				   .prepare = prep_false,
				   .isolation = "none",
				   .teardown = teardown };

static struct bench_variant *run_fake(struct bench_result *r,
				      const struct ext_runtime *e,
				      const char *cg_abs)
{
	char *dir = test_tmpdir();
	struct ext_ctx c = { .rootfs = "/nonexistent",
			     .dir = dir,
			     .cg_name = "boxcheck-1-1",
			     .cg_abs = cg_abs,
			     .runs = 2 };

	assert_non_null(dir);
	prepared = torn_down = 0;
	seen_state = NULL;
	assert_int_equal(ext_run(&c, e, r), 0);
	rm_rf(dir);
	free(dir);
	assert_int_equal(r->n, 1);
	return &r->v[0];
}

/* The fake row failed, prepared n times, its state torn down once. */
static void failed_torn_down(struct bench_result *r, int n)
{
	assert_int_equal(r->v[0].status, BS_FAILED);
	assert_int_equal(prepared, n);
	assert_int_equal(torn_down, 1);
	assert_ptr_equal(seen_state, &marker);
	bench_free(r);
}

/* A setup that fails fails the row in its words, and is torn down. */
static void setup_failure_fails_row(void **state)
{
	struct bench_result r = { 0 };

	fake.setup = setup_fails;
	assert_string_equal(run_fake(&r, &fake, NULL)->reason,
			    "the daemon said no");
	failed_torn_down(&r, 0);
}

/* prepare sees setup's state; teardown follows the runs. */
static void setup_state_reaches_prepare(void **state)
{
	struct bench_result r = { 0 };
	struct bench_variant *v;

	if (geteuid() != 0)
		skip(); /* the first run is in a mount namespace of its own */
	fake.setup = setup_ok;
	v = run_fake(&r, &fake, NULL);
	assert_string_equal(v->command, "/bin/false");
	assert_non_null(strstr(v->reason, "exit 1"));
	failed_torn_down(&r, 1);
}

/* Without a cgroup path below ours, docker's row fails before its daemon. */
static void docker_needs_absolute_cgroup(void **state)
{
	struct bench_result r = { 0 };
	struct bench_variant *v = run_fake(&r, ext_by_name("docker"), NULL);

	assert_int_equal(v->status, BS_FAILED);
	assert_string_equal(v->reason,
			    "docker takes only an absolute cgroup path, and "
			    "no one path is below our own cgroup on every "
			    "hierarchy");
	assert_string_equal(v->command, "");
	bench_free(&r);
}

/* The command says its daemon, cgroup and network: a reader can rerun it. */
static void docker_command_rerunnable(void **state)
{
	const struct ext_runtime *e = ext_by_name("docker");
	struct dockerd d = { .host = "unix:///r/ext/docker/docker.sock",
			     .config = "/r/ext/docker/client" };
	struct ext_ctx c = { .rootfs = "/fx",
			     .dir = "/r/ext",
			     .cg_abs = "/own/boxcheck-1-1",
			     .state = &d };
	char cmd[1024], want[512];

	assert_int_equal(e->prepare(&c, "/r/ext/docker", cmd, sizeof(cmd)), 0);
	snprintf(want, sizeof(want),
		 "%s --host unix:///r/ext/docker/docker.sock --config "
		 "/r/ext/docker/client run --rm --network none --read-only "
		 "--cgroupns private --cgroup-parent /own/boxcheck-1-1 "
		 "boxcheck-bench:tiny /tiny",
		 dockerd_client());
	assert_string_equal(cmd, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_rows_whole),
		cmocka_unit_test(setup_failure_fails_row),
		cmocka_unit_test(setup_state_reaches_prepare),
		cmocka_unit_test(docker_needs_absolute_cgroup),
		cmocka_unit_test(docker_command_rerunnable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
