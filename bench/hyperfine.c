// SPDX-License-Identifier: MIT
#include "hyperfine.h"
#include "../primitives/cgroup.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <jansson.h>
#include <string.h>
#include <time.h>

static int import_one(json_t *res, struct bench_result *r, enum bench_group g,
		      const char *name, char *err, size_t len)
{
	json_t *times = json_object_get(res, "times"), *t;
	const char *cmd = json_string_value(json_object_get(res, "command"));
	struct bench_variant *v;
	size_t i;

	if (!cmd || !json_is_array(times)) {
		snprintf(err, len, "a result without \"command\" or \"times\"");
		return -EINVAL;
	}
	v = bench_add(r, name ? name : cmd, g);
	if (!v)
		return -ENOMEM;
	snprintf(v->command, sizeof(v->command), "%s", cmd);
	snprintf(v->desc, sizeof(v->desc), "hyperfine -N: %.140s", cmd);
	json_array_foreach(times, i, t) {
		if (!json_is_number(t) || json_number_value(t) < 0) {
			snprintf(err, len, "\"times\" holds a non-time");
			return -EINVAL;
		}
		if (series_push(&v->start, json_number_value(t)) < 0)
			return -ENOMEM;
	}
	return 0;
}

int hyperfine_import(const char *path, struct bench_result *r,
		     enum bench_group g, const char *const *names,
		     size_t n_names, char *err, size_t len)
{
	json_error_t je;
	json_t *doc = json_load_file(path, 0, &je), *results, *res;
	size_t i;
	int ret = 0;

	if (!doc) {
		snprintf(err, len, "%s: %s (line %d)", path, je.text, je.line);
		return -EINVAL;
	}
	results = json_object_get(doc, "results");
	if (!json_is_array(results)) {
		snprintf(err, len,
			 "%s: not a hyperfine export (no \"results\")", path);
		json_decref(doc);
		return -EINVAL;
	}
	json_array_foreach(results, i, res) {
		ret = import_one(res, r, g, i < n_names ? names[i] : NULL, err,
				 len);
		if (ret < 0)
			break;
	}
	if (ret == 0)
		ret = (int)json_array_size(results);
	json_decref(doc);
	return ret;
}

/* Split on spaces into argv (in place). */
static size_t split(char *s, char **argv, size_t max)
{
	size_t n = 0;
	char *save = NULL;

	for (char *tok = strtok_r(s, " ", &save); tok && n + 1 < max;
	     tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	return n;
}

static void child_exec(char *const argv[], int out, unsigned timeout_s,
		       const char *hide_v2)
{
	int null = open("/dev/null", O_RDONLY);
	int r;

	setpgid(0, 0);
	/*
	 * Runtimes mount (podman's storage, runc's rootfs): all of it stays in
	 * a private mount namespace that dies with them, never the host's.
	 */
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(125);
	/* the v1 view: in that namespace only (cgroup.h) */
	if (hide_v2 && (r = cg_detach_v2(hide_v2)) < 0) {
		dprintf(out, "boxcheck: detaching %s: %s\n", hide_v2,
			strerror(-r));
		_exit(125);
	}
	alarm(timeout_s); /* survives execve: a hung tool dies */
	if (null < 0 || dup2(null, 0) < 0 || dup2(out, 1) < 0 ||
	    dup2(out, 2) < 0)
		_exit(126);
	if (!argv[0])
		_exit(127);
	execvp(argv[0], argv);
	dprintf(2, "cannot execute %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Read all of fd into buf, keeping the tail (errors come last). */
static void slurp_tail(int fd, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while ((n = read(fd, buf + got, len - 1 - got)) > 0 ||
	       (n < 0 && errno == EINTR)) {
		got += n > 0 ? n : 0;
		if (got == len - 1) {
			memmove(buf, buf + len / 2, got - len / 2);
			got -= len / 2;
		}
	}
	buf[got] = '\0';
}

int run_argv(char *const argv[], char *buf, size_t len, unsigned timeout_s,
	     const char *hide_v2)
{
	_cleanup_chan_ struct chan ch = CHAN_INIT;
	int st, r = chan_open(&ch);
	pid_t pid;

	if (r < 0)
		return r;
	pid = fork();
	if (pid < 0)
		return neg_errno();
	if (pid == 0)
		child_exec(argv, ch.wr, timeout_s, hide_v2);
	closep(&ch.wr);
	ch.wr = -1;
	slurp_tail(ch.rd, buf, len);
	r = wait_status(pid, &st);
	if (r < 0)
		return r;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int run_captured(const char *cmd, char *buf, size_t len, unsigned timeout_s,
		 const char *hide_v2)
{
	_cleanup_free_ char *copy = strdup(cmd);
	char *argv[64];

	if (!copy)
		return -ENOMEM;
	split(copy, argv, ARRAY_SIZE(argv));
	return run_argv(argv, buf, len, timeout_s, hide_v2);
}

int hyperfine_run(const char *cmd, unsigned runs, unsigned warmup,
		  const char *out, const char *hide_v2, char *err, size_t len)
{
	char w[16], n[16];
	char *argv[] = { "hyperfine",	  "-N",	       "--style",   "none",
			 "--warmup",	  w,	       "--runs",    n,
			 "--export-json", (char *)out, (char *)cmd, NULL };
	int r;

	snprintf(w, sizeof(w), "%u", warmup);
	snprintf(n, sizeof(n), "%u", runs);
	r = run_argv(argv, err, len, 1800, hide_v2);
	return r == 0 ? 0 : r < 0 ? r : -EIO;
}
