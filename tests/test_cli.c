// SPDX-License-Identifier: MIT
/*
 * Bad input to every entry point: one line on stderr naming the problem,
 * exit status 2. Runs the built binary ($BOXCHECK) and, for the parsers,
 * boxcheck_main() in-process (so valgrind and ASan see them too).
 */
#include "testlib.h"
#include "../harness/cli.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>

struct result {
	int status; /* exit code, or 128+N */
	char out[8192], err[4096];
};

static const char *bin(void)
{
	const char *b = getenv("BOXCHECK");

	return b && *b ? b : "build/boxcheck";
}

static void slurp_fd(int fd, char *buf, size_t len)
{
	ssize_t n = fd_read_all(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
}

/* Run $BOXCHECK with args (NULL-ended); as uid 65534 when nobody is set. */
static void run_bin(const char *const *args, bool nobody, struct result *r)
{
	char *argv[32] = { (char *)bin() };
	char tout[] = "/tmp/boxcheck-cli.XXXXXX", terr[] = "/tmp/bxc-e.XXXXXX";
	int fo = mkstemp(tout), fe = mkstemp(terr), st;
	pid_t p;

	for (int i = 0; args[i] && i < 30; i++)
		argv[i + 1] = (char *)args[i];
	assert_true(fo >= 0 && fe >= 0);
	unlink(tout);
	unlink(terr);
	p = fork();
	assert_true(p >= 0);
	if (p == 0) {
		dup2(fo, STDOUT_FILENO);
		dup2(fe, STDERR_FILENO);
		if (nobody && (setgroups(0, NULL) < 0 ||
			       setresgid(65534, 65534, 65534) < 0 ||
			       setresuid(65534, 65534, 65534) < 0))
			_exit(99);
		execv(argv[0], argv);
		_exit(98);
	}
	assert_int_equal(wait_status(p, &st), 0);
	r->status = exit_code_of(st);
	lseek(fo, 0, SEEK_SET);
	lseek(fe, 0, SEEK_SET);
	slurp_fd(fo, r->out, sizeof(r->out));
	slurp_fd(fe, r->err, sizeof(r->err));
	close(fo);
	close(fe);
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Exit 2 and exactly one stderr line "boxcheck: ..." containing want. */
static void expect_usage(const char *const *args, const char *want)
{
	struct result r;

	run_bin(args, false, &r);
	if (r.status != EXIT_USAGE || lines(r.err) != 1 ||
	    strncmp(r.err, "boxcheck: ", 10) != 0 || !strstr(r.err, want)) {
		fprintf(stderr, "args:");
		for (int i = 0; args[i]; i++)
			fprintf(stderr, " '%s'", args[i]);
		fprintf(stderr, "\nexit %d, stderr:\n%s(wanted '%s')\n",
			r.status, r.err, want);
		fail();
	}
}

#define A(...) ((const char *const[]){ __VA_ARGS__, NULL })

struct bad {
	const char *const *args;
	const char *want; /* a piece of the message that names the problem */
};

static const struct bad bad_input[] = {
	/* unknown subcommands and options */
	{ A("frobnicate"), "unknown command 'frobnicate'" },
	{ A("--frob"), "unknown command '--frob'" },
	{ A("run", "--frob"), "unknown option '--frob'" },
	{ A("run", "-x"), "unknown option '-x'" },
	{ A("list", "--frob"), "unknown option '--frob'" },
	{ A("probe", "--frob"), "unknown option '--frob'" },
	{ A("probe", "extra"), "unexpected argument 'extra'" },
	{ A("cleanup", "--frob"), "unknown argument '--frob'" },
	/* options without their value, values out of range */
	{ A("run", "--json"), "'--json' needs a value" },
	{ A("run", "-j"), "'-j' needs a value" },
	{ A("list", "--tag"), "'--tag' needs a value" },
	{ A("probe", "--format"), "'--format' needs a value" },
	{ A("run", "-j", "0"), "-j wants 1..256" },
	{ A("run", "-j", "-1"), "-j wants 1..256" },
	{ A("run", "-j", "2x"), "-j wants 1..256" },
	{ A("run", "-j", "99999999999999999999"), "-j wants 1..256" },
	{ A("run", "--timeout", "0"), "--timeout wants seconds" },
	{ A("run", "--timeout", ""), "--timeout wants seconds" },
	{ A("run", "--format", "xml"), "unknown format 'xml'" },
	{ A("list", "--format", "yaml"), "unknown format 'yaml'" },
	{ A("probe", "--format", "yaml"), "unknown format 'yaml'" },
	/* patterns and tags that match nothing */
	{ A("run", "nosuch"), "pattern 'nosuch' matches no scenario" },
	{ A("run", "pidns/*", "nosuch/*"), "pattern 'nosuch/*'" },
	{ A("run", "[", "--tag", "core"), "pattern '['" },
	{ A("list", "nosuch*"), "pattern 'nosuch*' matches no scenario" },
	{ A("run", "--tag", "nosuchtag"), "the selection is empty" },
	/* output files that cannot be written */
	{ A("run", "--json", "/nonexistent/dir/r.json"), "cannot write" },
	{ A("run", "--tap", "/tmp"), "Is a directory" },
	{ A("run", "--junit", "/proc/version/x.xml"), "cannot write" },
	{ A("run", "-o", "/nonexistent/x"), "cannot write" },
	/* A/B runs: the other build, what goes with it */
	{ A("bench", "--against-json", "/tmp/b.json"), "wants --against" },
	{ A("bench", "--against", "/nonexistent/boxcheck"),
	  "--against '/nonexistent/boxcheck': No such file" },
	{ A("bench", "--against", "/bin/true", "--concurrency", "1"),
	  "ladder only" },
	{ A("bench", "--against", "/bin/true", "--compare", "true"),
	  "ladder only" },
	{ A("bench", "--against", "/bin/true", "--vm-runs", "2"),
	  "ladder only" },
	{ A("bench", "--against", "/bin/true", "--against-json",
	    "/nonexistent/b.json"),
	  "cannot write '/nonexistent/b.json'" },
	/* crun's v1 view, the VM rows */
	{ A("bench", "--crun-v1-view", "on"), "wants auto or off, not 'on'" },
	{ A("validate", "--crun-v1-view", ""), "wants auto or off, not ''" },
	{ A("bench", "--vm-arch", "x86_64,sparc"),
	  "unknown architecture 'sparc'" },
	{ A("bench", "--compare", "all,nosuch"), "unknown tool 'all'" },
};

static void bad_input_exits_2(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad_input); i++)
		expect_usage(bad_input[i].args, bad_input[i].want);
}

static void no_arguments_is_usage(void **state)
{
	struct result r;

	run_bin(A("run", "--help"), false, &r);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "usage: boxcheck run"));
	run_bin((const char *const[]){ NULL }, false, &r);
	assert_int_equal(r.status, EXIT_USAGE);
	assert_non_null(strstr(r.err, "usage: boxcheck"));
}

static char *write_tmp(const char *content)
{
	char *p = strdup("/tmp/boxcheck-cli-in.XXXXXX");
	int fd = mkstemp(p);

	assert_true(fd >= 0);
	assert_int_equal(fd_write_all(fd, content, strlen(content)), 0);
	close(fd);
	return p;
}

static void bad_results_files(void **state)
{
	char *trunc = write_tmp("{\"format\": \"boxcheck-results\", \"rec");
	char *future = write_tmp("{\"format\": \"boxcheck-results\", "
				 "\"format_version\": 999, \"kind\": \"run\", "
				 "\"meta\": {}, \"records\": []}");
	char *bfuture = write_tmp("{\"format\": \"boxcheck-results\", "
				  "\"format_version\": 999, \"kind\": "
				  "\"bench\", \"meta\": {}}");
	char *other = write_tmp("{\"format\": \"something-else\"}");
	char *run = write_tmp("{\"format\": \"boxcheck-results\", "
			      "\"format_version\": 1, \"kind\": \"run\", "
			      "\"meta\": {}, \"records\": []}");
	char *kind = write_tmp("{\"format\": \"boxcheck-results\", "
			       "\"format_version\": 1, \"kind\": \"fuzz\"}");
	char *unread = write_tmp("{}");
	char md[] = "/tmp/boxcheck-cli-md.XXXXXX";
	int fd = mkstemp(md);

	assert_true(fd >= 0);
	close(fd);
	chmod(unread, 0);
	/* report: every kind of bad file, named in the message */
	expect_usage(A("report", "--markdown", md, "/nonexistent/r.json"),
		     "/nonexistent/r.json");
	expect_usage(A("report", "--markdown", md, trunc), trunc);
	expect_usage(A("report", "--markdown", md, future), "format_version");
	expect_usage(A("report", "--markdown", md, other), "not a boxcheck");
	expect_usage(A("report", run), "--html");
	/* regression (ASan): the list of known kinds was read past its end */
	expect_usage(A("report", "--markdown", md, kind),
		     "unknown kind 'fuzz'");
	if (geteuid() != 0) /* root reads mode 0 files */
		expect_usage(A("report", "--markdown", md, unread), unread);
	/* compare: bench files only */
	expect_usage(A("compare", run, run), "not a bench result");
	expect_usage(A("compare", "/nonexistent/a.json", run), "/nonexistent");
	expect_usage(A("compare", trunc, trunc), trunc);
	expect_usage(A("compare", bfuture, bfuture), bfuture);
	expect_usage(A("compare", run), "wants BASE.json NEW.json");
	/* validate: runtimes and cmd: templates */
	expect_usage(A("validate", "--runtime", "nosuchruntime"),
		     "unknown runtime 'nosuchruntime'");
	expect_usage(A("validate", "--runtime", "cmd:echo hello"), "{agent}");
	/* the other entry points */
	expect_usage(A("validate", "--frob"), "--frob");
	expect_usage(A("bench", "--frob"), "bench: unknown option");
	expect_usage(A("bench", "nosuchstep"), "nosuchstep");
	expect_usage(A("exec", "--frob"), "--frob");
	expect_usage(A("inspect", "--frob"), "--frob");
	unlink(trunc), unlink(future), unlink(bfuture), unlink(other);
	unlink(run), unlink(unread), unlink(md), unlink(kind);
	free(kind);
	free(trunc), free(future), free(bfuture), free(other), free(run);
	free(unread);
}

/* Not root: what needs root skips, saying so; nothing errors. */
static void not_root_skips_with_reason(void **state)
{
	char *dir = test_tmpdir();
	struct result r;

	if (geteuid() != 0) {
		skip();
		return;
	}
	assert_non_null(dir);
	chmod(dir, 0777);
	setenv("BOXCHECK_RUNDIR", dir, 1);
	run_bin(A("list"), true, &r);
	assert_int_equal(r.status, 0);
	run_bin(A("run", "-j", "2"), true, &r);
	if (r.status != 0)
		fprintf(stderr, "exit %d\n%s%s", r.status, r.out, r.err);
	assert_int_equal(r.status, 0);
	for (char *l = r.out, *nl; (nl = strchr(l, '\n')); l = nl + 1) {
		*nl = '\0';
		if (strncmp(l, "skip", 4) == 0)
			assert_non_null(strstr(l, "root"));
		else if (strstr(l, " passed, "))
			continue;
		else
			assert_true(strncmp(l, "pass", 4) == 0);
	}
	unsetenv("BOXCHECK_RUNDIR");
	rmdir(dir);
	free(dir);
}

/* The same parsers in-process: boxcheck_main() can be called repeatedly. */
static void in_process_usage_errors(void **state)
{
	const char *const *const cases[] = {
		A("boxcheck", "frob"),
		A("boxcheck", "run", "--frob"),
		A("boxcheck", "run", "-j", "0"),
		A("boxcheck", "run", "--json"),
		A("boxcheck", "run", "nosuch"),
		A("boxcheck", "list", "--format", "x"),
		A("boxcheck", "list", "nosuch"),
		A("boxcheck", "probe", "--frob"),
		A("boxcheck", "cleanup", "x"),
	};
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	assert_true(saved >= 0 && null >= 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int argc = 0;
		while (cases[i][argc])
			argc++;
		fflush(stderr);
		dup2(null, STDERR_FILENO);
		int r = boxcheck_main(argc, (char **)cases[i]);
		fflush(stderr);
		dup2(saved, STDERR_FILENO);
		assert_int_equal(r, EXIT_USAGE);
	}
	close(null);
	close(saved);
}

/* A file name without a directory is checked against ".", not itself. */
static void check_writable_relative(void **state)
{
	char *dir = test_tmpdir(), *cwd = getcwd(NULL, 0);

	assert_non_null(dir);
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(check_writable("new.json"), 0);
	assert_int_equal(check_writable("./new.json"), 0);
	assert_int_equal(check_writable("nosuchdir/new.json"), -ENOENT);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(rmdir(dir), 0);
	free(dir);
	free(cwd);
}

static void parse_uint_edges(void **state)
{
	unsigned v = 7;

	assert_int_equal(parse_uint("0", 0, 5, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_uint("5", 0, 5, &v), 0);
	assert_true(parse_uint("6", 0, 5, &v) < 0);
	assert_true(parse_uint("", 0, 5, &v) < 0);
	assert_true(parse_uint(NULL, 0, 5, &v) < 0);
	assert_true(parse_uint("-0", 0, 5, &v) < 0);
	assert_true(parse_uint("+1", 0, 5, &v) < 0);
	assert_true(parse_uint(" 1", 0, 5, &v) < 0);
	assert_true(parse_uint("1 ", 0, 5, &v) < 0);
	assert_true(parse_uint("18446744073709551617", 0, ~0u, &v) < 0);
	assert_true(parse_uint("4294967296", 0, ~0u, &v) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_input_exits_2),
		cmocka_unit_test(no_arguments_is_usage),
		cmocka_unit_test(bad_results_files),
		cmocka_unit_test(not_root_skips_with_reason),
		cmocka_unit_test(in_process_usage_errors),
		cmocka_unit_test(parse_uint_edges),
		cmocka_unit_test(check_writable_relative),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
