// SPDX-License-Identifier: MIT
/*
 * The master side of an A/B run (ab.h): OTHER as a coprocess, its samples
 * as the other arm of bench/run.c's loop, both results' metadata.
 */
#include "ab.h"
#include "version.h" /* generated: BOXCHECK_VERSION, BOXCHECK_GIT_REV */

#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/prctl.h>

#define AB_HELLO_MS 60000  /* its setup: fixture, cgroups */
#define AB_SAMPLE_MS 60000 /* net-cleanup alone may take 10 s */
#define AB_STOP_MS 10000   /* its cleanup, after EOF or SIGTERM */

/* The coprocess: pipes on 0 and 1, gone with us, without the test hook. */
static void child(const char *path, const struct chan *to,
		  const struct chan *from, pid_t parent)
{
	char *const argv[] = { (char *)path, "bench", "--serve", NULL };

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	if (dup2(to->rd, 0) < 0 || dup2(from->wr, 1) < 0)
		_exit(127);
	unsetenv("BOXCHECK_BENCH_DELAY");
	execvp(path, argv);
	fprintf(stderr, "boxcheck: bench: --against %s: %s\n", path,
		strerror(errno));
	_exit(127);
}

static int spawn(struct ab_peer *p, const char *path)
{
	_cleanup_chan_ struct chan to = CHAN_INIT, from = CHAN_INIT;
	pid_t parent = getpid();
	int r;

	if ((r = chan_open(&to)) < 0 || (r = chan_open(&from)) < 0)
		return r;
	p->pid = fork();
	if (p->pid < 0)
		return neg_errno();
	if (p->pid == 0)
		child(path, &to, &from, parent);
	p->to = TAKE_FD(to.wr);
	p->from.fd = TAKE_FD(from.rd);
	return 0;
}

/* Stopped and reaped: how it ended, for a message. */
static void ended(struct ab_peer *p, char *buf, size_t len)
{
	int st;

	ab_peer_stop(p, false);
	st = p->status;
	if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else
		snprintf(buf, len, "was killed by signal %d", WTERMSIG(st));
}

/*
 * One request, one reply line. 0, -EINTR when a stop signal came, or
 * -errno with why in err (then the peer is stopped if it hung up).
 */
static int ask(struct ab_peer *p, const char *req, char *line, int ms,
	       char *err, size_t len)
{
	char how[64];
	int r = fd_write_all(p->to, req, strlen(req));

	while (r == 0 || (r == -EINTR && !bench_interrupted))
		r = ab_read_line(&p->from, line, AB_LINE_MAX, ms);
	if (r >= 0 || r == -EINTR)
		return r < 0 ? r : 0;
	if (r == -EPIPE) {
		ended(p, how, sizeof(how));
		snprintf(err, len, "'%s bench --serve' %s", p->path, how);
	} else {
		snprintf(err, len, "'%s bench --serve': %s", p->path,
			 r == -EPROTO ? "a reply line too long" : strerror(-r));
	}
	return r;
}

static int hello(struct ab_peer *p, char *err, size_t len)
{
	char req[32], line[AB_LINE_MAX];
	struct ab_reply refusal;
	int r;

	snprintf(req, sizeof(req), "hello %d\n", AB_PROTO);
	r = ask(p, req, line, AB_HELLO_MS, err, len);
	if (r < 0 && r != -EINTR)
		snprintf(err + strlen(err), len - strlen(err),
			 " before answering: not a boxcheck build with the "
			 "A/B server (bench --serve)");
	if (r < 0)
		return r;
	if (ab_parse_hello(line, &p->hello) == 0 && p->hello.proto == AB_PROTO)
		return 0;
	snprintf(err, len,
		 "'%s bench --serve' does not speak boxcheck's A/B protocol "
		 "%d; it said '%.200s'",
		 p->path, AB_PROTO, line);
	/* another protocol's boxcheck: a server that cleans up at EOF */
	if (ab_parse_hello(line, &p->hello) == 0 ||
	    (ab_parse_reply(line, &refusal) == 0 && refusal.kind == AB_ERR))
		return -EPROTONOSUPPORT;
	return -EPROTO;
}

int ab_peer_start(struct ab_peer *p, const char *path, char *err, size_t len)
{
	int r;

	memset(p, 0, sizeof(*p));
	p->to = p->from.fd = -1;
	/* a path as given, else as execvp would find it in $PATH */
	if (!strchr(path, '/') || !realpath(path, p->path))
		snprintf(p->path, sizeof(p->path), "%s", path);
	r = spawn(p, p->path);
	if (r == 0)
		r = hello(p, err, len);
	else
		snprintf(err, len, "starting %s: %s", path, strerror(-r));
	if (r < 0) /* a boxcheck that refused our hello cleans up at EOF */
		ab_peer_stop(p, r != -EPROTONOSUPPORT);
	return r;
}

int ab_peer_sample(struct ab_peer *p, enum ladder_step s, struct ab_reply *r,
		   char *err, size_t len)
{
	char req[96], line[AB_LINE_MAX];
	int ret;

	snprintf(req, sizeof(req), "sample %s\n", ladder_steps[s].name);
	ret = ask(p, req, line, AB_SAMPLE_MS, err, len);
	if (ret < 0)
		return ret;
	if (ab_parse_reply(line, r) < 0) {
		snprintf(err, len, "'%s bench --serve' replied '%.200s'",
			 p->path, line);
		return -EPROTO;
	}
	return 0;
}

/* Wait for its stdout to close (it exits), at most ms in all. */
static bool drained(struct ab_peer *p, int ms)
{
	char line[AB_LINE_MAX];
	double end = bench_now() + ms / 1e3;
	int r;

	do {
		int left = (int)((end - bench_now()) * 1e3);
		r = ab_read_line(&p->from, line, sizeof(line),
				 left > 0 ? left : 0);
		if (r == -EPROTO)
			p->from.n = 0; /* a long line: drop it */
	} while ((r >= 0 || r == -EINTR || r == -EPROTO) && bench_now() < end);
	return r == -EPIPE;
}

/* Gone within ms, else the next signal; SIGKILL last. */
static void end(struct ab_peer *p, bool term)
{
	if (p->pid <= 0 || p->from.fd < 0)
		return;
	if (term)
		kill(p->pid, SIGTERM);
	if (drained(p, AB_STOP_MS))
		return;
	if (!term) {
		kill(p->pid, SIGTERM);
		if (drained(p, AB_STOP_MS))
			return;
	}
	kill(p->pid, SIGKILL);
}

int ab_peer_stop(struct ab_peer *p, bool term)
{
	closep(&p->to);
	p->to = -1;
	end(p, term);
	closep(&p->from.fd);
	p->from.fd = -1;
	if (p->pid <= 0)
		return -ECHILD;
	if (wait_status(p->pid, &p->status) < 0)
		return -ECHILD;
	p->pid = 0;
	return exit_code_of(p->status);
}

/* ---- run.c's other arm ---------------------------------------------------- */

static int arm_sample(struct bench_arm *a, enum ladder_step s,
		      struct ladder_sample *out, struct sample_counters *k,
		      char *why, size_t len)
{
	struct ab_peer *p = a->data;
	struct ab_reply r;
	int ret;

	if (!p->hello.has[s]) {
		snprintf(why, len, "%s (boxcheck %s, %s) has no variant %s",
			 p->path, p->hello.version, p->hello.rev,
			 ladder_steps[s].name);
		return 1;
	}
	ret = ab_peer_sample(p, s, &r, a->lost_why, sizeof(a->lost_why));
	if (ret == -EINTR) /* stopping: no sample, nothing wrong */
		return 0;
	if (ret < 0) {
		a->lost = true;
		return ret;
	}
	snprintf(why, len, "%s", r.why);
	*out = r.s;
	*k = r.k;
	return r.kind == AB_OK ? 0 : r.kind == AB_SKIP ? 1 : -r.err;
}

void ab_arm(struct ab_peer *p, struct bench_result *other,
	    struct bench_arm *arm)
{
	*arm = (struct bench_arm){ .r = other,
				   .sample = arm_sample,
				   .data = p };
}

/* ---- metadata ------------------------------------------------------------- */

static json_t *ab_json(const char *arm, const char *binary, const char *ver,
		       const char *rev, const char *other, bool counters)
{
	return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:b}",
			 "interleaved", 1, "arm", arm, "binary", binary,
			 "version", ver, "git_rev", rev, "other_binary", other,
			 "order", "alternating by round", "counters", counters);
}

void ab_meta(struct bench_result *self, struct bench_result *other,
	     const struct ab_peer *p)
{
	char exe[PATH_MAX] = "?";
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0)
		exe[n] = '\0';
	if (!self->meta)
		return;
	other->meta = json_deep_copy(self->meta);
	json_object_set_new(self->meta, "ab",
			    ab_json("new", exe, BOXCHECK_VERSION,
				    BOXCHECK_GIT_REV, p->path, true));
	json_object_set_new(other->meta, "ab",
			    ab_json("base", p->path, p->hello.version,
				    p->hello.rev, exe, true));
}

static const char *ab_str(const struct bench_result *r, const char *key)
{
	const char *s = json_string_value(
		json_object_get(json_object_get(r->meta, "ab"), key));

	return s ? s : "?";
}

int ab_write_text(FILE *f, const struct bench_result *other)
{
	fprintf(f,
		"\n== the other arm (--against), interleaved with the run "
		"above: %s (boxcheck %s, %s); counters as it read them ==\n",
		ab_str(other, "binary"), ab_str(other, "version"),
		ab_str(other, "git_rev"));
	return bench_write_text(f, other);
}
