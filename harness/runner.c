// SPDX-License-Identifier: MIT
/*
 * The runner. Each (scenario, mode) is a job run by a forked worker:
 *
 *   runner                         worker (child)
 *   mkdir  <run>/<job>             setpgid(0, 0), PR_SET_PDEATHSIG
 *   cgroup <top>/<job>/worker      join <top>/<job>/worker on every hierarchy
 *   fork ------------------------> the fence: unshare(NEWNS | NEWUTS |
 *                                  NEWIPC | NEWNET), make / rprivate
 *                                  chdir <run>/<job>, observe, judge
 *   wait (pidfd or tick) <-------- outcome over a pipe, _exit
 *   kill the pgid and the cgroup (leftovers), rmdir the cgroup, rm -r dir
 *
 * A job past its deadline is killed the same way and reported as a timeout.
 */
#include "runner.h"
#include "instance.h"
#include "reaper.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

volatile sig_atomic_t runner_interrupted;

/* Held blocked while the loop runs; wait_some lets them in atomically. */
static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

enum { MODE_ISO, MODE_CTL, MODE__COUNT };
static const char *const mode_names[] = { "iso", "ctl" };

struct job {
	const struct scenario *s;
	size_t rec; /* index into records */
	int mode;
	pid_t pid;
	int pidfd;
	struct chan ch;
	double start, deadline;
	unsigned timeout_s;
	struct place *p; /* while it runs */
};

/*
 * Where a running job works. Allocated at its start and freed at its end:
 * a cg_group is large, and a runner holding one per planned job would give
 * every fork (workers and their children) tens of MiB of page tables to
 * copy and pages to fault in.
 */
struct place {
	char dir[PATH_MAX];
	struct cg_group cg, wcg; /* the job's group and the worker's leaf */
};

struct run {
	const struct host *h;
	const struct run_opts *o;
	char name[96];
	char dir[PATH_MAX];
	struct cg_group top;
	bool have_cg;
	pid_t self;
	sigset_t waitmask; /* the caller's mask: what ppoll() lets in */
	struct reaper reaper;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static unsigned job_timeout(const struct run *run, const struct scenario *s)
{
	if (run->o->timeout_s)
		return run->o->timeout_s;
	return s->timeout_s ? s->timeout_s : DEFAULT_TIMEOUT_S;
}

/* ---- the worker ---------------------------------------------------- */

static _Noreturn void worker_send(struct job *j, struct outcome *o)
{
	fd_write_all(j->ch.wr, o, sizeof(*o));
	_exit(0);
}

/*
 * The fence: private mount, UTS, IPC and network namespaces, and / made
 * rprivate inside. Whatever a scenario does, broken or hostile, to mounts,
 * the hostname, SysV and POSIX IPC objects or network interfaces acts on
 * these stand-ins and never reaches the host; its "control" too.
 */
#define FENCE_NS (CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET)

static int worker_fence(void)
{
	if (unshare(FENCE_NS) < 0)
		return neg_errno();
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return neg_errno();
	return 0;
}

static void worker_reset_signals(void)
{
	sigset_t all;

	for (int sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	sigemptyset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
}

/* Join the job's cgroup, raise the fence, go to the job's directory. */
static int worker_setup(struct run *run, struct job *j, struct ctx *c)
{
	int r;

	if (run->have_cg && (r = cg_group_attach(&j->p->wcg, getpid())) < 0)
		return ctx_error(c, r, "join the job's cgroup");
	if ((r = worker_fence()) < 0)
		return ctx_error(c, r,
				 "make the worker's private mount, UTS, IPC "
				 "and network namespaces");
	if (chdir(j->p->dir) < 0)
		return ctx_error(c, neg_errno(),
				 "chdir to the job's directory");
	return 0;
}

/* Observe, then judge the observation with no knowledge of the run. */
static void worker_check(const struct check *k, struct ctx *c)
{
	_cleanup_free_ void *obs = calloc(1, k->obs_size ? k->obs_size : 1);
	struct judge jd = { .out = c->out };

	if (!obs) {
		ctx_error(c, -ENOMEM, "allocate the observation");
		return;
	}
	if (k->observe(c, obs) != 0) {
		if (c->out->obs != OBS_SKIP && c->out->obs != OBS_ERROR)
			ctx_error(c, 0, "observe failed without saying why");
		return;
	}
	if (c->out->obs != OBS_NONE)
		ctx_error(c, 0, "observe returned a verdict of its own");
	else if (k->judge(&jd, obs) == OBS_NONE || c->out->obs == OBS_NONE)
		ctx_error(c, 0, "the judge reported nothing");
}

static _Noreturn void worker_main(struct run *run, struct job *j)
{
	struct outcome o = { 0 };
	struct ctx c = { .tmpdir = j->p->dir,
			 .cgl = &run->h->cg,
			 .cg = run->have_cg ? &j->p->cg : NULL,
			 .features = run->h->features,
			 .out = &o };
	double t0 = now_s();

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != run->self)
		_exit(1);
	worker_reset_signals();
	close(j->ch.rd);
	mutant_arm();
	c.isolate = j->mode == MODE_ISO && !mutant_on(M_NO_ISOLATE);
	if (worker_setup(run, j, &c) == 0)
		worker_check(j->s->check, &c);
	char reached[200];
	if (mutant_reached(reached, sizeof(reached)))
		ctx_kv(&c, "mutant", "%s", reached);
	o.duration_s = now_s() - t0;
	worker_send(j, &o);
}

/* ---- jobs ---------------------------------------------------------- */

static void sanitize(char *dst, size_t len, const char *id, const char *mode)
{
	size_t k = 0;

	for (const char *p = id; *p && k + 1 < len; p++)
		dst[k++] = (*p == '/' || *p == '.') ? '_' : *p;
	dst[k] = '\0';
	snprintf(dst + k, len - k, ".%s", mode);
}

static int job_prepare(struct run *run, struct job *j)
{
	struct place *p;
	char name[128];
	int r;

	p = j->p = calloc(1, sizeof(*j->p));
	if (!p)
		return -ENOMEM;
	sanitize(name, sizeof(name), j->s->id, mode_names[j->mode]);
	if (snprintf(p->dir, sizeof(p->dir), "%s/%s", run->dir, name) >=
	    (int)sizeof(p->dir))
		return -ENAMETOOLONG;
	if (mkdir(p->dir, 0700) < 0)
		return neg_errno();
	if (!run->have_cg)
		return 0;
	/* pids tracks and contains every process; the rest only when asked. */
	r = cg_group_child_on(&run->top, name,
			      CG_BIT(CG_PIDS) | j->s->req.ctrls, &p->cg);
	if (r < 0)
		return r;
	cg_group_delegate(&p->cg);
	return cg_group_child(&p->cg, "worker", &p->wcg);
}

static int job_start(struct run *run, struct job *j)
{
	int r = job_prepare(run, j);

	if (r == 0)
		r = chan_open(&j->ch);
	if (r < 0)
		return r;
	j->timeout_s = job_timeout(run, j->s);
	j->start = now_s();
	j->deadline = j->start + j->timeout_s;
	j->pid = fork();
	if (j->pid < 0)
		return neg_errno();
	if (j->pid == 0)
		worker_main(run, j);
	setpgid(j->pid, j->pid); /* also here: no race with our kill(-pgid) */
	closep(&j->ch.wr);
	j->ch.wr = -1;
	j->pidfd = syscall(SYS_pidfd_open, j->pid, 0);
	return 0;
}

/* Everything the job started dies: its process group and its cgroup. */
static void job_kill(struct job *j)
{
	kill(-j->pid, SIGKILL);
	if (j->p && j->p->cg.layout)
		cg_group_kill(&j->p->cg);
}

/* Its cgroup and directory go, and its place. */
static void job_release(struct job *j)
{
	if (j->p && j->p->cg.layout)
		cg_group_destroy(&j->p->cg);
	if (j->p && j->p->dir[0])
		rm_rf(j->p->dir);
	free(TAKE_PTR(j->p));
	j->pid = 0;
}

static void job_outcome(struct job *j, int status, bool timed_out,
			struct outcome *o)
{
	ssize_t n;

	memset(o, 0, sizeof(*o));
	fcntl(j->ch.rd, F_SETFL, O_NONBLOCK);
	n = fd_read_all(j->ch.rd, o, sizeof(*o));
	if (timed_out) {
		memset(o, 0, sizeof(*o));
		o->obs = OBS_ERROR;
		snprintf(o->observed, sizeof(o->observed), "timeout after %u s",
			 j->timeout_s);
	} else if (n != sizeof(*o)) {
		memset(o, 0, sizeof(*o));
		o->obs = OBS_ERROR;
		if (WIFSIGNALED(status))
			snprintf(o->observed, sizeof(o->observed),
				 "killed by SIG%s",
				 sigabbrev_np(WTERMSIG(status)) ?: "?");
		else
			snprintf(o->observed, sizeof(o->observed),
				 "worker exited %d without a result",
				 exit_code_of(status));
	}
	o->duration_s = now_s() - j->start;
}

static void job_finish(struct job *j, int status, bool timed_out,
		       struct record *rec)
{
	job_kill(j); /* leftovers: children the scenario did not reap */
	job_outcome(j, status, timed_out,
		    j->mode == MODE_ISO ? &rec->iso : &rec->ctl);
	chan_close(&j->ch);
	closep(&j->pidfd);
	j->pidfd = -1;
	job_release(j);
}

static void job_fail_start(struct job *j, int err, struct record *rec)
{
	struct outcome *o = j->mode == MODE_ISO ? &rec->iso : &rec->ctl;

	o->obs = OBS_ERROR;
	snprintf(o->observed, sizeof(o->observed), "could not start: %s",
		 strerror(-err));
	chan_close(&j->ch);
	job_release(j);
}

/* ---- the run ------------------------------------------------------- */

struct state {
	struct run run;
	struct job *jobs;
	size_t n_jobs;
	struct record *recs;
	int *pending; /* outcomes still missing per record */
	bool *done;
	char cg_err[128];
};

static void complete(struct state *st, size_t rec)
{
	struct record *r = &st->recs[rec];

	if (--st->pending[rec] > 0)
		return;
	verdict_decide(r);
	r->duration_s = r->iso.duration_s + r->ctl.duration_s;
	st->done[rec] = true;
	if (st->run.o->on_record)
		st->run.o->on_record(r, st->run.o->arg);
}

static void skip(struct state *st, size_t rec, const char *why)
{
	struct record *r = &st->recs[rec];

	r->verdict = V_SKIP;
	snprintf(r->reason, sizeof(r->reason), "%s", why);
	st->done[rec] = true;
	if (st->run.o->on_record)
		st->run.o->on_record(r, st->run.o->arg);
}

static bool needs_cgroup(const struct scenario *s)
{
	return s->req.ctrls || s->req.cgroup_version;
}

static void plan(struct state *st, const struct scenario *const *sel, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char why[256];
		record_init(&st->recs[i], sel[i]);
		if (!req_met(&sel[i]->req, st->run.h, why, sizeof(why))) {
			skip(st, i, why);
			continue;
		}
		if (needs_cgroup(sel[i]) && !st->run.have_cg) {
			snprintf(why, sizeof(why), "cannot create cgroups: %s",
				 st->cg_err);
			skip(st, i, why);
			continue;
		}
		st->pending[i] = MODE__COUNT;
		for (int m = 0; m < MODE__COUNT; m++)
			st->jobs[st->n_jobs++] =
				(struct job){ .s = sel[i],
					      .rec = i,
					      .mode = m,
					      .pidfd = -1,
					      .ch = CHAN_INIT };
	}
}

/*
 * Sleep until a worker exits, a deadline passes or a signal comes. The stop
 * signals are blocked outside ppoll(), so one that arrives after the loop
 * checked runner_interrupted still wakes us at once.
 */
static void wait_some(struct state *st)
{
	struct pollfd pfd[256];
	nfds_t n = 0;
	double soonest = now_s() + 3600, left;
	struct timespec ts;

	for (size_t i = 0; i < st->n_jobs; i++) {
		struct job *j = &st->jobs[i];
		if (j->pid <= 0)
			continue;
		if (j->deadline < soonest)
			soonest = j->deadline;
		if (j->pidfd < 0 || n == ARRAY_SIZE(pfd))
			soonest = now_s() + 0.005; /* no pidfd: a short tick */
		else
			pfd[n++] = (struct pollfd){ j->pidfd, POLLIN, 0 };
	}
	if (runner_interrupted)
		return;
	left = soonest - now_s() + 0.001;
	if (left < 0)
		left = 0;
	ts.tv_sec = (time_t)left;
	ts.tv_nsec = (long)((left - ts.tv_sec) * 1e9);
	ppoll(pfd, n, &ts, &st->run.waitmask);
}

static bool is_worker(pid_t pid, void *arg)
{
	const struct state *st = arg;

	for (size_t i = 0; i < st->n_jobs; i++)
		if (st->jobs[i].pid == pid)
			return true;
	return false;
}

static void reap_done(struct state *st, size_t *running)
{
	for (size_t i = 0; i < st->n_jobs; i++) {
		struct job *j = &st->jobs[i];
		int status = 0;
		bool timed_out = false;

		if (j->pid <= 0)
			continue;
		if (waitpid(j->pid, &status, WNOHANG) != j->pid) {
			if (now_s() < j->deadline && !runner_interrupted)
				continue;
			timed_out = !runner_interrupted;
			job_kill(j);
			wait_status(j->pid, &status);
		}
		job_finish(j, status, timed_out, &st->recs[j->rec]);
		(*running)--;
		if (!runner_interrupted)
			complete(st, j->rec);
	}
	reaper_reap(&st->run.reaper, is_worker, st);
}

static void loop(struct state *st)
{
	size_t next = 0, running = 0;
	int max = st->run.o->jobs > 0 ? st->run.o->jobs : 1;

	while (next < st->n_jobs || running > 0) {
		while (!runner_interrupted && running < (size_t)max &&
		       next < st->n_jobs) {
			struct job *j = &st->jobs[next++];
			int r = job_start(&st->run, j);
			if (r < 0) {
				job_fail_start(j, r, &st->recs[j->rec]);
				complete(st, j->rec);
			} else {
				running++;
			}
		}
		if (runner_interrupted && running == 0)
			break;
		if (running > 0)
			wait_some(st);
		reap_done(st, &running);
	}
}

/* Controllers the runner puts every job under (cpuset needs set-up). */
#define RUN_CTRLS (~0u & ~CG_BIT(CG_CPUSET))

static int run_setup(struct state *st)
{
	struct run *run = &st->run;
	int r = instance_name(run->name, sizeof(run->name));

	if (r < 0)
		return r;
	r = mkdir_p(instance_base(), 0755);
	if (r < 0)
		return r;
	snprintf(run->dir, sizeof(run->dir), "%s/%s", instance_base(),
		 run->name);
	if (mkdir(run->dir, 0700) < 0)
		return neg_errno();
	snprintf(st->cg_err, sizeof(st->cg_err), "%s",
		 run->h->root ? "no cgroup hierarchy" : "not root");
	if (run->h->root && run->h->cg_ok && run->h->cg.mode != CG_MODE_NONE) {
		r = cg_group_create(&run->h->cg, run->name, RUN_CTRLS,
				    &run->top);
		run->have_cg = r == 0;
		if (r < 0)
			snprintf(st->cg_err, sizeof(st->cg_err), "%s",
				 strerror(-r));
		else
			cg_group_delegate(&run->top);
	}
	return 0;
}

static void run_teardown(struct state *st)
{
	reaper_stop(&st->run.reaper);
	if (st->run.have_cg)
		cg_group_destroy(&st->run.top);
	rm_rf(st->run.dir);
}

/* Block the stop signals; old receives the caller's mask. */
static void block_stop_signals(sigset_t *old)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaddset(&set, stop_signals[i]);
	sigprocmask(SIG_BLOCK, &set, old);
}

int runner_run(const struct scenario *const *sel, size_t n,
	       const struct host *h, const struct run_opts *o,
	       struct record *recs)
{
	struct state st = { .run = { .h = h, .o = o, .self = getpid() },
			    .recs = recs };
	_cleanup_free_ struct job *jobs = calloc(2 * n + 1, sizeof(*jobs));
	_cleanup_free_ int *pending = calloc(n + 1, sizeof(int));
	_cleanup_free_ bool *done = calloc(n + 1, sizeof(bool));
	size_t k = 0;
	int r;

	if (!jobs || !pending || !done)
		return -ENOMEM;
	st.jobs = jobs;
	st.pending = pending;
	st.done = done;
	r = run_setup(&st);
	if (r < 0) {
		rm_rf(st.run.dir);
		return r;
	}
	block_stop_signals(&st.run.waitmask);
	reaper_start(&st.run.reaper);
	plan(&st, sel, n);
	loop(&st);
	run_teardown(&st);
	sigprocmask(SIG_SETMASK, &st.run.waitmask, NULL);
	for (size_t i = 0; i < n; i++)
		if (done[i] && k++ != i)
			recs[k - 1] = recs[i];
	return k;
}
