// SPDX-License-Identifier: MIT
/*
 * validate --jobs N: up to N targets at once, each run in a child of ours
 * (same fence, its own directory and cgroup), which sends its result back
 * as one JSON document on a pipe; the records are made here, in the order
 * of the targets.
 */
#include "validate.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>

struct job {
	int i;	/* the target's index */
	int fd; /* the read end, or -1 */
	pid_t pid;
	char *buf; /* what came so far */
	size_t len, cap;
};

/* In the child: run it, send {kind, why, launched, doc, skips}. */
static _Noreturn void child(struct vrun *run, const struct vsel *s, int fd)
{
	struct tres res;
	json_t *o;
	char *text;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	validate_run_one(run, s, &res);
	o = json_pack("{s:i, s:s, s:o, s:O, s:O}", "kind", res.kind, "why",
		      res.why, "launched",
		      res.launched ? json_string(res.launched) : json_null(),
		      "doc", res.doc ? res.doc : json_null(), "skips",
		      res.skips ? res.skips : json_null());
	text = o ? json_dumps(o, JSON_COMPACT) : NULL;
	_exit(text && fd_write_all(fd, text, strlen(text)) == 0 ? 0 : 1);
}

/* The result from the child's document; an error when there is none. */
static void result_of(const struct job *j, const char *label, struct tres *r)
{
	json_t *o = j->buf ? json_loadb(j->buf, j->len, 0, NULL) : NULL;
	const char *l;

	memset(r, 0, sizeof(*r));
	r->kind = OBS_ERROR;
	snprintf(r->why, sizeof(r->why), "the run of %s died", label);
	if (!o)
		return;
	r->kind = json_integer_value(json_object_get(o, "kind"));
	snprintf(r->why, sizeof(r->why), "%s",
		 json_string_value(json_object_get(o, "why")) ?: "");
	l = json_string_value(json_object_get(o, "launched"));
	r->launched = l && !strcmp(l, TARGET_V1_VIEW) ? TARGET_V1_VIEW : NULL;
	r->doc = json_object_get(o, "doc");
	r->doc = json_is_object(r->doc) ? json_incref(r->doc) : NULL;
	r->skips = json_incref(json_object_get(o, "skips"));
	json_decref(o);
}

static int start(struct vrun *run, const struct vsel *sel, int i, int n,
		 struct job *j)
{
	int p[2];

	fprintf(stderr, "validate: target %d of %d: %s\n", i + 1, n,
		sel[i].label);
	memset(j, 0, sizeof(*j));
	j->i = i;
	if (pipe2(p, O_CLOEXEC) < 0)
		return neg_errno();
	j->pid = fork();
	if (j->pid == 0) {
		close(p[0]);
		child(run, &sel[i], p[1]);
	}
	close(p[1]);
	j->fd = p[0];
	return j->pid < 0 ? neg_errno() : 0;
}

/* Read what is there; true when the child closed its end. */
static bool drain(struct job *j)
{
	char chunk[65536];
	ssize_t k = read(j->fd, chunk, sizeof(chunk));

	if (k < 0 && errno == EINTR)
		return false;
	if (k <= 0)
		return true;
	if (j->len + k > j->cap) {
		char *b = realloc(j->buf, (j->len + k) * 2);
		if (!b)
			return true;
		j->buf = b;
		j->cap = (j->len + k) * 2;
	}
	memcpy(j->buf + j->len, chunk, k);
	j->len += k;
	return false;
}

static void finish(const struct vrun *run, const struct vsel *sel,
		   const struct vcontrol *ctl, struct job *j,
		   struct record *recs)
{
	struct tres r;

	close(j->fd);
	j->fd = -1;
	waitpid(j->pid, NULL, 0);
	result_of(j, sel[j->i].label, &r);
	validate_save(run, sel[j->i].label, &r);
	validate_judge(run->pr, false, sel[j->i].label, &r, ctl,
		       recs + (size_t)j->i * prop_count());
	tres_clear(&r);
	free(j->buf);
}

void validate_run_jobs(struct vrun *run, const struct vsel *sel, int n,
		       const struct vcontrol *ctl, const struct tres *host,
		       struct record *recs)
{
	struct job *jobs = calloc(run->jobs, sizeof(*jobs));
	struct pollfd pf[64];
	unsigned idx[64];
	int next = 0, live = 0;

	if (!jobs)
		return;
	for (unsigned k = 0; k < run->jobs; k++)
		jobs[k].fd = -1;
	while (next < n || live) {
		int np = 0;
		for (unsigned k = 0; k < run->jobs && k < 64; k++) {
			while (jobs[k].fd < 0 && next < n &&
			       !target_launch_interrupted()) {
				int i = next++;
				if (sel[i].t->control)
					validate_judge(
						run->pr, true, sel[i].label,
						host, ctl,
						recs + (size_t)i *
								prop_count());
				else if (start(run, sel, i, n, &jobs[k]) == 0)
					live++;
			}
			if (jobs[k].fd >= 0) {
				idx[np] = k;
				pf[np++] = (struct pollfd){ jobs[k].fd, POLLIN,
							    0 };
			}
		}
		if (!np)
			break;
		if (poll(pf, np, -1) < 0 && errno != EINTR)
			break;
		for (int q = 0; q < np; q++)
			if (pf[q].revents && drain(&jobs[idx[q]])) {
				finish(run, sel, ctl, &jobs[idx[q]], recs);
				live--;
			}
		while (waitpid(-1, NULL, WNOHANG) > 0) /* orphans reparented */
			;
	}
	free(jobs);
}
