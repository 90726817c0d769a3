// SPDX-License-Identifier: MIT
/*
 * plot.c - gnuplot as a child process: the script (with its data inline as
 * datablocks) goes in on a pipe, the SVG comes out on another, under a
 * wall-clock timeout after which gnuplot is killed. $BOXCHECK_GNUPLOT names
 * another binary (tests use it to break gnuplot on purpose).
 */
#include "report.h"
#include "../primitives/base.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define PLOT_MAX_OUT (16u << 20)

void plot_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; s && *s; s++) {
		if (*s == '\'')
			fputs("''", f);
		else if ((unsigned char)*s < 0x20 || *s == 0x7f)
			fputc(' ', f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

void plot_header(FILE *f, int width, int height)
{
	fprintf(f,
		"set encoding utf8\n"
		"set terminal svg size %d,%d fixed noenhanced "
		"font 'sans,11' background '#ffffff'\n"
		"set termoption noenhanced\n"
		"set border lc rgb '#555555'\n"
		"set grid lc rgb '#dddddd'\n"
		"set key noenhanced\n",
		width, height);
}

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_read(struct buf *b, int fd)
{
	ssize_t n;

	if (b->cap - b->len < 4096) {
		size_t cap = b->cap ? b->cap * 2 : 65536;
		char *p;
		if (cap > PLOT_MAX_OUT)
			return -EFBIG;
		p = realloc(b->p, cap + 1);
		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	n = read(fd, b->p + b->len, b->cap - b->len);
	if (n < 0)
		return errno == EINTR || errno == EAGAIN ? 1 : -errno;
	b->len += n;
	b->p[b->len] = '\0';
	return n > 0;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int spawn_gnuplot(int in[2], int out[2], int err[2], pid_t *pid)
{
	const char *bin = getenv("BOXCHECK_GNUPLOT");
	char *argv[] = { (char *)(bin && *bin ? bin : "gnuplot"), NULL };
	posix_spawn_file_actions_t fa;
	int r;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
	r = posix_spawnp(pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return -r;
}

/* Feed the script and collect stdout and stderr until both close. */
static int pump(int *in, int out, int err, const char *script, struct buf *o,
		struct buf *e, long deadline)
{
	size_t len = strlen(script), at = 0;
	struct pollfd p[3] = { { *in, POLLOUT, 0 },
			       { out, POLLIN, 0 },
			       { err, POLLIN, 0 } };

	while (p[1].fd >= 0 || p[2].fd >= 0) {
		long left = deadline - now_ms();
		int r;
		if (left <= 0)
			return -ETIMEDOUT;
		r = poll(p, 3, left);
		if (r < 0 && errno != EINTR)
			return -errno;
		if (r <= 0)
			continue;
		if (p[0].fd >= 0 && p[0].revents) {
			ssize_t n = write(*in, script + at, len - at);
			if (n > 0)
				at += n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    at == len) {
				close(*in);
				*in = p[0].fd = -1;
			}
		}
		for (int i = 1; i < 3; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			r = buf_read(i == 1 ? o : e, p[i].fd);
			if (r < 0)
				return r;
			if (r == 0)
				p[i].fd = -1;
		}
	}
	return 0;
}

static void close_pair(int p[2])
{
	for (int i = 0; i < 2; i++)
		if (p[i] >= 0)
			close(p[i]);
}

static void first_line(char *why, size_t len, const char *prefix,
		       const char *text)
{
	const char *s = text ? text : "";
	int n;

	while (*s == '\n' || *s == ' ')
		s++;
	n = strcspn(s, "\n");
	snprintf(why, len, "%s%.*s", prefix, n, s);
}

int plot_svg(const char *script, int timeout_ms, char **svg, char *why,
	     size_t whylen)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	struct buf o = { 0 }, e = { 0 };
	_cleanup_reap_ pid_t pid = -1;
	int r, st;

	*svg = NULL;
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0 ||
	    pipe2(err, O_CLOEXEC) < 0) {
		r = -errno;
		goto out;
	}
	r = spawn_gnuplot(in, out, err, &pid);
	if (r < 0) {
		snprintf(why, whylen, "cannot start gnuplot: %s", strerror(-r));
		goto out;
	}
	close(in[0]), close(out[1]), close(err[1]);
	in[0] = out[1] = err[1] = -1;
	fcntl(in[1], F_SETFL, O_NONBLOCK);
	/* gnuplot may exit before reading everything: EPIPE, not a signal. */
	signal(SIGPIPE, SIG_IGN);
	r = pump(&in[1], out[0], err[0], script, &o, &e, now_ms() + timeout_ms);
	if (r == -ETIMEDOUT) {
		snprintf(why, whylen, "gnuplot timed out after %d ms",
			 timeout_ms);
		goto out;
	}
	if (r < 0) {
		snprintf(why, whylen, "gnuplot: %s", strerror(-r));
		goto out;
	}
	r = wait_status(TAKE_PID(pid), &st);
	if (r < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0 || !o.p ||
	    !strstr(o.p, "<svg")) {
		first_line(why, whylen, "gnuplot failed: ", e.p);
		r = -EIO;
		goto out;
	}
	*svg = TAKE_PTR(o.p);
	r = 0;
out:
	close_pair(in), close_pair(out), close_pair(err);
	free(o.p), free(e.p);
	return r;
}
