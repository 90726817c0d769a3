// SPDX-License-Identifier: MIT
/*
 * From a target's facts to records, one per (target, property), with the
 * host's outcome as the control. Shared by `boxcheck validate`, which
 * gathers the facts, and `boxcheck judge`, which reads them from files.
 */
#include "validate.h"
#include "facts.h"
#include "../runner.h"

#include <ctype.h>
#include <string.h>

void tres_clear(struct tres *r)
{
	json_decref(r->doc);
	json_decref(r->skips);
	memset(r, 0, sizeof(*r));
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
	char err[300], bad[200];
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
	} else if (facts_load(out ? out : "", &res->doc, bad, sizeof(bad)) <
		   0) {
		snprintf(res->why, sizeof(res->why),
			 "%s exited 0 without the agent's facts: %s; stderr: "
			 "%s",
			 label, bad, err);
	} else {
		res->kind = OBS_HOLDS;
	}
}

json_t *validate_skips(const struct target *t, const char *label,
		       unsigned kernel_ns, int spec_major, int spec_minor)
{
	json_t *o = json_object();
	char id[64], why[400], buf[300];

	for (size_t i = 0; i < prop_count(); i++) {
		const struct prop_def *p = prop_get(i);
		const char *cannot;
		int ns = p->knob >= K_NS_FIRST && p->knob <= K_NS_LAST
				 ? (int)p->knob - K_NS_FIRST
				 : -1;
		why[0] = '\0';
		if (ns >= 0 && !(kernel_ns & NS_BIT(ns)))
			snprintf(why, sizeof(why), "kernel has no %s namespace",
				 ns_table[ns].name);
		else if ((cannot = target_cannot(t, p->knob, spec_major,
						 spec_minor, buf, sizeof(buf))))
			snprintf(why, sizeof(why),
				 "%s cannot be asked for it: %s", label,
				 cannot);
		if (why[0])
			json_object_set_new(o, prop_id(p, id, sizeof(id)),
					    json_string(why));
	}
	return o;
}

static bool not_on_host(const char *why)
{
	return !strncmp(why, "not on this host:", 17);
}

/* The outcome of one (target, property), before the control rule. */
static void judge_one(const struct profile *pr, const struct tres *res,
		      const struct vcontrol *ctl, size_t i, struct outcome *o)
{
	const struct prop_def *p = prop_get(i);
	char id[64];
	const char *skip = json_string_value(
		json_object_get(res->skips, prop_id(p, id, sizeof(id))));

	o->obs = OBS_SKIP;
	if (res->kind == OBS_SKIP)
		snprintf(o->observed, sizeof(o->observed), "%.500s", res->why);
	else if (not_on_host(ctl->unusable[i]))
		snprintf(o->observed, sizeof(o->observed), "%s",
			 ctl->unusable[i]);
	else if (skip)
		snprintf(o->observed, sizeof(o->observed), "%.500s", skip);
	else if (ctl->unusable[i][0])
		snprintf(o->observed, sizeof(o->observed),
			 "no control here: %.480s", ctl->unusable[i]);
	else if (res->kind == OBS_ERROR)
		o->obs = OBS_ERROR,
		snprintf(o->observed, sizeof(o->observed), "%.500s", res->why);
	else if (prop_needs_launcher(p) &&
		 !json_is_object(json_object_get(res->doc, "launcher")))
		snprintf(o->observed, sizeof(o->observed),
			 "seen by the launcher (boxcheck validate): facts of "
			 "boxcheck inspect alone have none");
	else
		prop_judge(p, pr, res->doc, ctl->doc, o);
}

void validate_judge(const struct profile *pr, bool control, const char *label,
		    const struct tres *res, const struct vcontrol *ctl,
		    struct record *out)
{
	for (size_t i = 0; i < prop_count(); i++) {
		struct record *r = &out[i];
		prop_record_init(r, prop_get(i), pr, label);
		r->ctl = ctl->out[i];
		judge_one(pr, res, ctl, i, &r->iso);
		if (res->launched && r->iso.n_kv < OUTCOME_MAX_KV) {
			struct kv *kv = &r->iso.kv[r->iso.n_kv++];
			snprintf(kv->key, sizeof(kv->key), "launched");
			snprintf(kv->val, sizeof(kv->val), "%s", res->launched);
		}
		verdict_decide(r);
		if (control) {
			char why[sizeof(r->reason)];
			snprintf(why, sizeof(why), "%s", r->reason);
			snprintf(r->reason, sizeof(r->reason),
				 "control (no isolation): %.900s", why);
		}
	}
}

void validate_unusable(const struct profile *pr, struct vcontrol *ctl)
{
	for (size_t i = 0; i < prop_count(); i++) {
		const struct prop_def *p = prop_get(i);
		if (p->unusable && !ctl->unusable[i][0])
			p->unusable(pr, ctl->unusable[i],
				    sizeof(ctl->unusable[i]));
	}
}

void validate_control(const struct profile *pr, const struct tres *host,
		      struct vcontrol *ctl)
{
	ctl->doc = host->kind == OBS_HOLDS ? host->doc : NULL;
	for (size_t i = 0; i < prop_count(); i++) {
		struct outcome *o = &ctl->out[i];
		memset(o, 0, sizeof(*o));
		if (host->kind != OBS_HOLDS) {
			o->obs = OBS_ERROR;
			snprintf(o->observed, sizeof(o->observed), "%.500s",
				 host->why);
			continue;
		}
		prop_judge(prop_get(i), pr, host->doc, ctl->doc, o);
	}
}
