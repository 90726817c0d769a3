// SPDX-License-Identifier: MIT
/*
 * Running each target once and turning what its agent saw into records:
 * one per (property, target), with the host's outcome as the control.
 */
#include "validate.h"
#include "../cli.h"
#include "../hints.h"
#include "../runner.h"

#include <ctype.h>
#include <string.h>
#include <sys/stat.h>

void validate_cmd_label(const char *tmpl, int i, char *buf, size_t len)
{
	size_t w = strcspn(tmpl, " \t");
	const char *base = tmpl;

	for (const char *p = tmpl; p < tmpl + w; p++)
		if (*p == '/')
			base = p + 1;
	snprintf(buf, len, "cmd:%.*s", (int)(tmpl + w - base), base);
	if (strlen(buf) + 1 >= len)
		snprintf(buf, len, "cmd%d", i);
}

/* The last part of a runtime's stderr, on one line. */
static void tail_line(const char *s, char *buf, size_t len)
{
	size_t n = strlen(s), k = 0;
	bool space = false;

	if (n > len - 1)
		s += n - (len - 1);
	for (; *s && k + 1 < len; s++) {
		bool ws = isspace((unsigned char)*s);
		if (ws && (space || k == 0))
			continue;
		buf[k++] = ws ? ' ' : *s;
		space = ws;
	}
	while (k > 0 && buf[k - 1] == ' ')
		k--;
	buf[k] = '\0';
}

void validate_result(const char *label, int status, bool timed_out,
		     const char *out, size_t out_len, const char *err_text,
		     unsigned timeout_s, struct tres *res)
{
	char err[300];
	int code = status >= 0 ? exit_code_of(status) : -1;

	tail_line(err_text ? err_text : "", err, sizeof(err));
	if (!err[0])
		snprintf(err, sizeof(err), "(empty)");
	res->kind = OBS_ERROR;
	if (timed_out) {
		snprintf(res->why, sizeof(res->why),
			 "%s did not finish within %u s; stderr: %s", label,
			 timeout_s, err);
	} else if (code != 0) {
		/* the agent's exit status counts: its facts may be partial */
		snprintf(res->why, sizeof(res->why),
			 "%s exited %d (the agent or the launcher failed); "
			 "stderr: %s",
			 label, code, err);
	} else if (out_len + 1 >= LAUNCH_OUT_MAX) {
		snprintf(res->why, sizeof(res->why),
			 "%s wrote more than %d bytes: facts truncated", label,
			 LAUNCH_OUT_MAX - 1);
	} else if (facts_parse_text(out ? out : "", &res->f) < 0) {
		snprintf(res->why, sizeof(res->why),
			 "%s exited 0 without the agent's facts: %s; stderr: "
			 "%s",
			 label, res->f.bad, err);
	} else {
		res->kind = OBS_HOLDS;
	}
}

static bool host_has_tool(const char *cmd)
{
	char path[PATH_MAX];
	const char *env = getenv("PATH");
	char buf[4096], *dir, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", env ? env : "/usr/bin:/bin");
	for (dir = strtok_r(buf, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", dir, cmd);
		if (access(path, X_OK) == 0)
			return true;
	}
	return false;
}

/* Why a target cannot run at all here, or NULL. */
static bool target_skip(const struct vrun *run, const struct vsel *s,
			struct tres *res)
{
	const struct target *t = s->t;

	res->kind = OBS_SKIP;
	if (t->not_ready)
		snprintf(res->why, sizeof(res->why), "%s", t->not_ready);
	else if (t->tool && !host_has_tool(t->tool))
		snprintf(res->why, sizeof(res->why),
			 "%s is not installed; "
			 "hint: %s",
			 t->tool, runtime_hint(t->name, "is not installed"));
	else if (t->needs_rootfs && run->agent_err)
		snprintf(res->why, sizeof(res->why),
			 "no static agent to put in the root (%s; run 'make "
			 "static' or pass --agent)",
			 strerror(-run->agent_err));
	else if (t->tool && !run->have_cg)
		snprintf(res->why, sizeof(res->why),
			 "cannot give %s a cgroup below ours: %s", t->tool,
			 run->cg_why);
	else if (t->absolute_cgroup && run->have_cg && !run->cg_deep[0])
		snprintf(res->why, sizeof(res->why),
			 "%s takes only an absolute cgroup path, and no one "
			 "path is below our own cgroup on every hierarchy",
			 t->tool);
	else
		return false;
	return true;
}

static void ctx_init(const struct vrun *run, const struct vsel *s,
		     struct tctx *c)
{
	unsigned kernel = ns_available();

	memset(c, 0, sizeof(*c));
	c->t = s->t;
	c->pr = run->pr;
	c->tmpl = s->tmpl;
	c->self = run->self;
	snprintf(c->label, sizeof(c->label), "%s", s->label);
	snprintf(c->dir, sizeof(c->dir), "%.4000s/%.31s", run->dir, s->label);
	for (char *p = c->dir + strlen(run->dir) + 1; *p; p++)
		*p = isalnum((unsigned char)*p) || *p == '-' ? *p : '_';
	snprintf(c->rootfs, sizeof(c->rootfs), "%s/rootfs", c->dir);
	if (run->have_cg)
		snprintf(c->cgpath, sizeof(c->cgpath), "%s/%s", run->name,
			 c->dir + strlen(run->dir) + 1);
	if (run->have_cg && run->cg_deep[0])
		snprintf(c->cgabs, sizeof(c->cgabs), "%.3000s/%s",
			 strcmp(run->cg_deep, "/") ? run->cg_deep : "",
			 c->cgpath);
	snprintf(c->name, sizeof(c->name), "%.60s-%.31s", run->name,
		 c->dir + strlen(run->dir) + 1);
	c->ns = run->pr->ns & kernel;
	c->no_memory_probe = s->t->control && run->control_no_memory;
	c->hide_v2 = s->t->v1_view ? run->hide_v2 : NULL;
	for (int t = 0; t < NS__COUNT; t++)
		if (s->t->cannot[P_NS(t)])
			c->ns &= ~NS_BIT(t);
}

static void run_one(const struct vrun *run, const struct vsel *s,
		    struct tres *res)
{
	struct tctx c;
	struct argvb a = { 0 };
	struct launch_result l;
	int r;

	memset(res, 0, sizeof(*res));
	if (target_skip(run, s, res))
		return;
	ctx_init(run, s, &c);
	res->kind = OBS_ERROR;
	res->launched = c.hide_v2 ? TARGET_V1_VIEW : NULL;
	r = mkdir(c.dir, 0711) < 0 ? neg_errno() : 0;
	if (!r && s->t->needs_rootfs)
		r = rootfs_make(c.rootfs, run->agent);
	if (!r)
		r = s->t->prepare(&c, &a);
	if (!r && a.overflow)
		r = -E2BIG;
	if (r < 0) {
		snprintf(res->why, sizeof(res->why),
			 "cannot prepare %s's configuration: %s", c.label,
			 strerror(-r));
		return;
	}
	if (getenv("BOXCHECK_DEBUG"))
		for (int i = 0; i < a.n; i++)
			fprintf(stderr, "%s%s", a.v[i],
				i + 1 < a.n ? " " : "\n");
	r = target_launch(&c, a.v, run->timeout_s, &l);
	if (r < 0)
		snprintf(res->why, sizeof(res->why), "cannot start %s: %s",
			 a.v[0], strerror(-r));
	else
		validate_result(c.label, l.status, l.timed_out, l.out,
				l.out_truncated ? LAUNCH_OUT_MAX : l.out_len,
				l.err, run->timeout_s, res);
	if (res->kind == OBS_ERROR)
		runtime_hint_append(s->t->name, res->why, sizeof(res->why));
	launch_result_free(&l);
	if (s->t->cleanup)
		s->t->cleanup(&c);
}

/* The outcome of one (target, property), before the control rule. */
static void judge_one(const struct profile *pr, const struct target *t,
		      const char *label, unsigned kernel_ns,
		      const struct tres *res, const struct vcontrol *ctl, int p,
		      struct outcome *o)
{
	bool ns = p >= P_NS_FIRST && p <= P_NS_LAST;

	o->obs = OBS_SKIP;
	if (ns && !(kernel_ns & NS_BIT(p - P_NS_FIRST)))
		snprintf(o->observed, sizeof(o->observed),
			 "kernel has no %s namespace",
			 ns_table[p - P_NS_FIRST].name);
	else if (res->kind != OBS_HOLDS && res->kind != OBS_ERROR)
		snprintf(o->observed, sizeof(o->observed), "%.500s", res->why);
	else if (t->cannot[p])
		snprintf(o->observed, sizeof(o->observed),
			 "%s cannot be asked for it: %s", label, t->cannot[p]);
	else if (ctl->unusable[p][0])
		snprintf(o->observed, sizeof(o->observed),
			 "no control here: %s", ctl->unusable[p]);
	else if (res->kind == OBS_ERROR)
		o->obs = OBS_ERROR,
		snprintf(o->observed, sizeof(o->observed), "%.500s", res->why);
	else
		profile_judge(p, pr, &res->f, &ctl->base, o);
}

void validate_judge(const struct profile *pr, const struct target *t,
		    const char *label, unsigned kernel_ns,
		    const struct tres *res, const struct vcontrol *ctl,
		    struct record *out)
{
	for (int p = 0; p < P__COUNT; p++) {
		struct record *r = &out[p];
		profile_record_init(r, p, label);
		r->ctl = ctl->out[p];
		judge_one(pr, t, label, kernel_ns, res, ctl, p, &r->iso);
		if (res->launched && r->iso.n_kv < OUTCOME_MAX_KV) {
			struct kv *kv = &r->iso.kv[r->iso.n_kv++];
			snprintf(kv->key, sizeof(kv->key), "launched");
			snprintf(kv->val, sizeof(kv->val), "%s", res->launched);
		}
		verdict_decide(r);
		if (t->control) {
			char why[sizeof(r->reason)];
			snprintf(why, sizeof(why), "%s", r->reason);
			snprintf(r->reason, sizeof(r->reason),
				 "control (no isolation): %.900s", why);
		}
	}
}

void validate_control(const struct profile *pr, const struct tres *host,
		      struct vcontrol *ctl)
{
	for (int p = 0; p < P__COUNT; p++) {
		struct outcome *o = &ctl->out[p];
		memset(o, 0, sizeof(*o));
		if (host->kind != OBS_HOLDS) {
			o->obs = OBS_ERROR;
			snprintf(o->observed, sizeof(o->observed), "%.500s",
				 host->why);
			continue;
		}
		profile_judge(p, pr, &host->f, &ctl->base, o);
		/*
		 * The host shows the property by itself: a check that cannot
		 * discriminate here, unless the host says why on its own.
		 */
		if (o->obs == OBS_HOLDS && !ctl->unusable[p][0])
			validate_host_unusable(p, pr, ctl->unusable[p],
					       sizeof(ctl->unusable[p]));
	}
}

size_t validate_run(struct vrun *run, const struct vsel *sel, int n,
		    struct record *recs)
{
	const struct vsel control = { .t = target_by_name("host"),
				      .label = "host-control" };
	struct vcontrol *ctl = calloc(1, sizeof(*ctl));
	struct tres *host = calloc(1, sizeof(*host)),
		    *res = calloc(1, sizeof(*res));
	unsigned kernel = ns_available();
	size_t k = 0;

	if (!ctl || !host || !res) {
		free(ctl), free(host), free(res);
		return 0;
	}
	facts_self(&ctl->base);
	run->control_no_memory = validate_host_unusable(
		P_MEMORY, run->pr, ctl->unusable[P_MEMORY],
		sizeof(ctl->unusable[P_MEMORY]));
	run_one(run, &control, host);
	validate_control(run->pr, host, ctl);
	for (int i = 0; i < n; i++) {
		const struct tres *r = res;
		fprintf(stderr, "validate: target %d of %d: %s\n", i + 1, n,
			sel[i].label);
		if (sel[i].t->control)
			r = host;
		else
			run_one(run, &sel[i], res);
		validate_judge(run->pr, sel[i].t, sel[i].label, kernel, r, ctl,
			       recs + k);
		k += P__COUNT;
	}
	free(ctl), free(host), free(res);
	return k;
}

/* ---- the matrix -------------------------------------------------------- */

#define MATRIX_MAX (VALIDATE_MAX_TARGETS + 1)

static int labels(const struct record *r, size_t n, const char **out)
{
	int k = 0;

	for (size_t i = 0; i < n; i++) {
		int j = 0;
		while (j < k && strcmp(out[j], r[i].target))
			j++;
		if (j == k && k < MATRIX_MAX)
			out[k++] = r[i].target;
	}
	return k;
}

static const struct record *cell(const struct record *r, size_t n,
				 const char *target, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].target, target) && !strcmp(r[i].id, id))
			return &r[i];
	return NULL;
}

static const char *cell_text(const struct record *c, bool md)
{
	static const char *const text[V__COUNT] = { [V_PASS] = "pass",
						    [V_FAIL] = "FAIL",
						    [V_SKIP] = "skip",
						    [V_ERROR] = "error" };

	if (!c)
		return "-";
	if (md && c->verdict == V_FAIL)
		return "**FAIL**";
	return text[c->verdict];
}

/* The evidence value of key in o, or NULL. */
static const char *kv_get(const struct outcome *o, const char *key)
{
	for (int i = 0; i < o->n_kv; i++)
		if (!strcmp(o->kv[i].key, key))
			return o->kv[i].val;
	return NULL;
}

/* Targets launched other than as they are, once each, first. */
static void launch_notes(FILE *f, const struct record *r, size_t n, bool md)
{
	for (size_t i = 0; i < n; i++) {
		const char *how = kv_get(&r[i].iso, "launched");
		if (!how || (i > 0 && !strcmp(r[i].target, r[i - 1].target)))
			continue;
		fprintf(f,
			md ? "- `%s` was launched with the %s (the host is "
			     "hybrid; `--crun-v1-view off`: as it is)\n"
			   : "%s was launched with the %s (the host is hybrid; "
			     "--crun-v1-view off: as it is)\n",
			r[i].target, how);
	}
}

/* What did not pass, once per (target, reason). */
static void notes(FILE *f, const struct record *r, size_t n, bool md)
{
	fputc('\n', f);
	launch_notes(f, r, n, md);
	for (size_t i = 0; i < n; i++) {
		bool again = i > 0 && !strcmp(r[i].target, r[i - 1].target) &&
			     !strcmp(r[i].reason, r[i - 1].reason);
		if (r[i].verdict == V_PASS || again)
			continue;
		fprintf(f, md ? "- `%s` %s %s: %s\n" : "%s %s %s: %s\n",
			r[i].target, r[i].id + strlen("validate/"),
			verdict_names[r[i].verdict], r[i].reason);
	}
}

void validate_matrix(FILE *f, const struct record *r, size_t n, bool md)
{
	const char *t[MATRIX_MAX];
	int nt = labels(r, n, t), w[MATRIX_MAX];

	fprintf(f, md ? "| property |" : "%-14s", "property");
	for (int j = 0; j < nt; j++) {
		w[j] = md ? 0 : strlen(t[j]) > 6 ? (int)strlen(t[j]) : 6;
		fprintf(f, md ? " %*s |" : " %-*s", w[j], t[j]);
	}
	fputc('\n', f);
	if (md) {
		fputs("|---|", f);
		for (int j = 0; j < nt; j++)
			fputs("---|", f);
		fputc('\n', f);
	}
	for (int p = 0; p < P__COUNT; p++) {
		char id[64];
		snprintf(id, sizeof(id), "validate/%s", prop_info(p)->id);
		fprintf(f, md ? "| %s |" : "%-14s", prop_info(p)->id);
		for (int j = 0; j < nt; j++)
			fprintf(f, md ? " %*s |" : " %-*s", w[j],
				cell_text(cell(r, n, t[j], id), md));
		fputc('\n', f);
	}
	notes(f, r, n, md);
}

int validate_exit_status(const struct vsel *sel, int n, const struct record *r,
			 size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		bool control = false;
		for (int j = 0; j < n; j++)
			if (!strcmp(sel[j].label, r[i].target))
				control = sel[j].t->control;
		if (!control &&
		    (r[i].verdict == V_FAIL || r[i].verdict == V_ERROR))
			return EXIT_FAILED;
	}
	return EXIT_OK;
}
