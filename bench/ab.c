// SPDX-License-Identifier: MIT
/*
 * The master side of an A/B run (ab.h): OTHER as a coprocess, its samples
 * as the other arm of bench/run.c's loop, both results' metadata.
 */
#include "ab.h"

#include <fcntl.h>
#include <jansson.h>
#include <string.h>
#include <sys/prctl.h>

#define AB_HELLO_MS 60000  /* its setup: fixture, cgroups */
#define AB_SAMPLE_MS 60000 /* net-cleanup alone may take 10 s */
#define AB_STOP_MS 10000   /* its cleanup, after EOF or SIGTERM */

/*
 * The coprocess: pipes on 0 and 1, gone with us, the test hook only when
 * given as --delay (never from the environment).
 */
static void child(const struct ab_peer *p, const struct chan *to,
		  const struct chan *from, pid_t parent)
{
	char *const argv[] = { (char *)p->path,	 "bench",
			       "--serve",	 p->delay[0] ? "--delay" : NULL,
			       (char *)p->delay, NULL };

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	if (dup2(to->rd, 0) < 0 || dup2(from->wr, 1) < 0)
		_exit(127);
	unsetenv("BOXCHECK_BENCH_DELAY");
	execvp(p->path, argv);
	fprintf(stderr, "boxcheck: bench: %s: %s\n", p->path, strerror(errno));
	_exit(127);
}

static int spawn(struct ab_peer *p)
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
		child(p, &to, &from, parent);
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

int ab_peer_start(struct ab_peer *p, const char *path, const char *delay,
		  char *err, size_t len)
{
	int r;

	memset(p, 0, sizeof(*p));
	p->to = p->from.fd = -1;
	/* a path as given, else as execvp would find it in $PATH */
	if (!strchr(path, '/') || !realpath(path, p->path))
		snprintf(p->path, sizeof(p->path), "%s", path);
	snprintf(p->delay, sizeof(p->delay), "%s", delay ? delay : "");
	r = spawn(p);
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

/* The same binary and options again, in a fresh process. */
static int arm_renew(struct bench_arm *a)
{
	struct ab_peer *p = a->data;
	char path[sizeof(p->path)], delay[sizeof(p->delay)];
	int r;

	memcpy(path, p->path, sizeof(path));
	memcpy(delay, p->delay, sizeof(delay));
	ab_peer_stop(p, false);
	r = ab_peer_start(p, path, delay, a->lost_why, sizeof(a->lost_why));
	a->lost = r < 0 && r != -EINTR;
	return r;
}

void ab_arm(struct ab_peer *p, struct bench_result *r, struct bench_arm *arm)
{
	*arm = (struct bench_arm){
		.r = r, .sample = arm_sample, .renew = arm_renew, .data = p
	};
}

/* ---- metadata ------------------------------------------------------------- */

static json_t *ab_json(const char *arm, const struct ab_peer *p,
		       const struct ab_peer *other)
{
	return json_pack("{s:b, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:b}",
			 "interleaved", 1, "arm", arm, "binary", p->path,
			 "version", p->hello.version, "git_rev", p->hello.rev,
			 "other_binary", other->path, "order",
			 "alternating by round", "renew_rounds", BENCH_AB_RENEW,
			 "counters", 1);
}

void ab_meta(struct bench_result *r[2], const struct ab_peer *p[2])
{
	if (!r[0]->meta)
		return;
	r[1]->meta = json_deep_copy(r[0]->meta);
	json_object_set_new(r[0]->meta, "ab", ab_json("new", p[0], p[1]));
	json_object_set_new(r[1]->meta, "ab", ab_json("base", p[1], p[0]));
}

static const char *ab_str(const struct bench_result *r, const char *key)
{
	const char *s = json_string_value(
		json_object_get(json_object_get(r->meta, "ab"), key));

	return s ? s : "?";
}

int ab_write_text(FILE *f, const struct bench_result *r)
{
	fprintf(f, "== arm %s: %s (boxcheck %s, %s) ==\n", ab_str(r, "arm"),
		ab_str(r, "binary"), ab_str(r, "version"),
		ab_str(r, "git_rev"));
	return bench_write_text(f, r);
}
