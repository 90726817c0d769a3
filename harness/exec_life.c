// SPDX-License-Identifier: MIT
/*
 * boxcheck exec's lifecycle, as OCI runtimes have it, on a state dir:
 *   create  set the container up; its process waits right before execve,
 *           opening <state>/<id>/exec.fifo for writing (runc's way);
 *           state.json records its pid, bundle and cgroup
 *   start   open the fifo for reading: the process goes on and execs
 *   state   the runtime-spec state: created (fifo still there), running,
 *           stopped (the process is gone or a zombie)
 *   kill    send a signal to it
 *   delete  remove its cgroup and its state (--force: kill it first)
 * --flaw breaks one of them on purpose, for validate's ref-without steps.
 */
#include "cli.h"
#include "exec.h"

#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const char *const life_flaw_names[FLAW__COUNT] = {
	[FLAW_NONE] = "none",
	[FLAW_CREATE_RUNS] = "create-runs",
	[FLAW_STATE_NO_PID] = "state-no-pid",
	[FLAW_KILL_OTHER] = "kill-other",
	[FLAW_DELETE_KEEPS] = "delete-keeps",
	[FLAW_REUSE_ID] = "reuse-id",
};

static void path_of(const struct exec_args *a, const char *file, char *buf,
		    size_t len)
{
	snprintf(buf, len, "%s/%s%s%s", a->state_root, a->id, file ? "/" : "",
		 file ? file : "");
}

static int fail(const char *fmt, const char *arg, int err)
{
	fprintf(stderr, "boxcheck: exec: ");
	fprintf(stderr, fmt, arg);
	if (err)
		fprintf(stderr, ": %s", strerror(-err));
	fputc('\n', stderr);
	return EXIT_FAILED;
}

/* The state.json of the container, or NULL (it does not exist). */
static json_t *load(const struct exec_args *a)
{
	char p[PATH_MAX];

	path_of(a, "state.json", p, sizeof(p));
	return json_load_file(p, 0, NULL);
}

/* 'R', 'S', 'Z'... of /proc/PID/stat, or 0 when gone. */
static char proc_state(pid_t pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (pid <= 0 || read_text(path, buf, sizeof(buf)) < 0 ||
	    !(p = strrchr(buf, ')')))
		return 0;
	return p[2];
}

static const char *status_of(const struct exec_args *a, pid_t pid)
{
	char fifo[PATH_MAX];
	char st = proc_state(pid);

	path_of(a, "exec.fifo", fifo, sizeof(fifo));
	if (!st || st == 'Z' || st == 'X')
		return "stopped";
	return path_exists(fifo) ? "created" : "running";
}

static int save(const struct exec_args *a, const struct exec_env *e, pid_t pid)
{
	char p[PATH_MAX], cwd[PATH_MAX];
	json_t *cg = json_array(), *st;
	int r;

	for (int i = 0; i < CG_MAX_HIER; i++)
		if (e->cg.hiers & (1u << i))
			json_array_append_new(cg, json_string(e->cg.dir[i]));
	st = json_pack("{s:s, s:i, s:s, s:o, s:s}", "id", a->id, "pid", pid,
		       "bundle", getcwd(cwd, sizeof(cwd)) ? cwd : "", "cgroups",
		       cg, "flaw", life_flaw_names[a->flaw]);
	path_of(a, "state.json", p, sizeof(p));
	r = st && json_dump_file(st, p, JSON_COMPACT) == 0 ? 0 : -EIO;
	json_decref(st);
	return r;
}

/* The fifo, owned by whom root inside is outside (it opens it). */
static int make_fifo(const struct exec_args *a, char *fifo, size_t len)
{
	uint32_t uid = 0, gid = 0;

	path_of(a, "exec.fifo", fifo, len);
	if (mkfifo(fifo, 0600) < 0)
		return neg_errno();
	if (a->s.ns & NS_BIT(NS_USER)) {
		idmap_to_outside(&a->uid, 0, &uid);
		idmap_to_outside(&a->gid, 0, &gid);
	}
	return chown(fifo, uid, gid) < 0 ? neg_errno() : 0;
}

static int create(struct exec_args *a)
{
	struct exec_env e;
	char dir[PATH_MAX], fifo[PATH_MAX];
	const char *what = "the state dir";
	pid_t pid;
	int r = mkdir_p(a->state_root, 0711), code;

	exec_env_init(&e);
	path_of(a, NULL, dir, sizeof(dir));
	if (r == 0 && mkdir(dir, 0711) < 0)
		r = neg_errno();
	if (r == -EEXIST && a->flaw == FLAW_REUSE_ID)
		return EXIT_OK; /* the flaw: says yes, does nothing */
	if (r == -EEXIST)
		return fail("container %s exists", a->id, 0);
	if (r == 0 && (r = make_fifo(a, fifo, sizeof(fifo))) == 0)
		a->s.hold_fifo = a->flaw == FLAW_CREATE_RUNS ? NULL : fifo;
	if (r == 0 && (what = "a mount namespace of our own", 1))
		r = exec_fence(a);
	if (r == 0)
		r = exec_setup(a, &e, &what);
	if (r < 0) {
		exec_teardown(&e);
		rm_rf(dir);
		return fail("create: %s", what, r);
	}
	code = exec_start(a, &pid);
	if (code == 0 && save(a, &e, pid) < 0)
		code = fail("create: cannot write %s's state", a->id, 0);
	if (code) {
		exec_teardown(&e);
		rm_rf(dir);
	}
	return code; /* created: the cgroup stays until delete */
}

static int start(struct exec_args *a)
{
	char fifo[PATH_MAX], b;
	struct pollfd p;
	int fd;

	path_of(a, "exec.fifo", fifo, sizeof(fifo));
	fd = open(fifo, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail("start: %s is not created", a->id, neg_errno());
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 2000) != 1 || read(fd, &b, 1) != 1) {
		close(fd);
		return fail("start: %s did not take the start", a->id, 0);
	}
	close(fd);
	unlink(fifo);
	return EXIT_OK;
}

static int state(struct exec_args *a)
{
	json_t *st = load(a), *out;
	pid_t pid;

	if (!st)
		return fail("state: no container %s", a->id, 0);
	pid = json_integer_value(json_object_get(st, "pid"));
	out = json_pack("{s:s, s:s, s:s, s:O}", "ociVersion", "1.0.2", "id",
			a->id, "status", status_of(a, pid), "bundle",
			json_object_get(st, "bundle"));
	if (strcmp(json_string_value(json_object_get(st, "flaw")) ?: "",
		   life_flaw_names[FLAW_STATE_NO_PID]))
		json_object_set_new(out, "pid", json_integer(pid));
	json_dumpf(out, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(out);
	json_decref(st);
	return EXIT_OK;
}

static int signal_of(const char *s)
{
	if (!s)
		return SIGTERM;
	if (!strncmp(s, "SIG", 3))
		s += 3;
	for (int n = 1; n < NSIG; n++)
		if (sigabbrev_np(n) && !strcmp(sigabbrev_np(n), s))
			return n;
	return atoi(s) > 0 && atoi(s) < NSIG ? atoi(s) : -EINVAL;
}

static int kill_it(struct exec_args *a)
{
	json_t *st = load(a);
	int sig = signal_of(a->signal);
	pid_t pid;

	if (!st)
		return fail("kill: no container %s", a->id, 0);
	pid = json_integer_value(json_object_get(st, "pid"));
	if (!strcmp(json_string_value(json_object_get(st, "flaw")) ?: "",
		    life_flaw_names[FLAW_KILL_OTHER]))
		sig = SIGUSR2;
	json_decref(st);
	if (sig < 0)
		return usage_error("exec: --signal: no signal '%s'", a->signal);
	if (!strcmp(status_of(a, pid), "stopped"))
		return fail("kill: %s is stopped", a->id, 0);
	return kill(pid, sig) < 0 ? fail("kill %s", a->id, neg_errno())
				  : EXIT_OK;
}

static int delete (struct exec_args *a)
{
	json_t *st = load(a), *v;
	char dir[PATH_MAX];
	bool keep;
	pid_t pid;
	size_t i;

	if (!st)
		return fail("delete: no container %s", a->id, 0);
	pid = json_integer_value(json_object_get(st, "pid"));
	if (strcmp(status_of(a, pid), "stopped")) {
		if (!a->force && !strcmp(status_of(a, pid), "running")) {
			json_decref(st);
			return fail("delete: %s is running (--force)", a->id,
				    0);
		}
		kill(pid, SIGKILL);
		for (int n = 0; n < 200 && strcmp(status_of(a, pid), "stopped");
		     n++)
			usleep(5000);
	}
	keep = !strcmp(json_string_value(json_object_get(st, "flaw")) ?: "",
		       life_flaw_names[FLAW_DELETE_KEEPS]);
	json_array_foreach(json_object_get(st, "cgroups"), i, v)
		if (!keep && json_string_value(v))
			cg_dir_remove(json_string_value(v));
	json_decref(st);
	path_of(a, NULL, dir, sizeof(dir));
	rm_rf(dir);
	return EXIT_OK;
}

int exec_life(struct exec_args *a)
{
	static int (*const ops[])(struct exec_args * a) = {
		[OP_CREATE] = create, [OP_START] = start,   [OP_STATE] = state,
		[OP_KILL] = kill_it,  [OP_DELETE] = delete,
	};

	return a->op > OP_NONE && a->op < ARRAY_SIZE(ops) ? ops[a->op](a)
							  : EXIT_USAGE;
}
