// SPDX-License-Identifier: MIT
/* JSON results (reports/SCHEMA.md), written with jansson. */
#include "record.h"

#include <errno.h>
#include <jansson.h>

#define FORMAT_NAME "boxcheck-results"
#define FORMAT_VERSION 1

static json_t *outcome_json(const struct outcome *o)
{
	json_t *ev = json_object();

	for (int k = 0; k < o->n_kv; k++)
		json_object_set_new(ev, o->kv[k].key,
				    json_string(o->kv[k].val));
	return json_pack("{s:s, s:s, s:f, s:o}", "outcome", obs_names[o->obs],
			 "observed", o->observed, "duration_s", o->duration_s,
			 "evidence", ev);
}

static json_t *record_json(const struct record *r)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:o, s:o}",
			 "id", r->id, "title", r->title, "property",
			 r->property, "expected", r->expected, "target",
			 r->target, "verdict", verdict_names[r->verdict],
			 "reason", r->reason, "duration_s", r->duration_s,
			 "isolated", outcome_json(&r->iso), "control",
			 outcome_json(&r->ctl));
}

static json_t *meta_json(const struct run_meta *m)
{
	json_t *host = m->host ? json_incref((json_t *)m->host) : json_null();

	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:o}", "tool",
			 m->tool ? m->tool : "boxcheck", "version",
			 m->version ? m->version : "", "git_rev",
			 m->git_rev ? m->git_rev : "", "command",
			 m->command ? m->command : "", "started", m->started,
			 "duration_s", m->duration_s, "host", host);
}

int report_json(FILE *f, const struct run_meta *m, const struct record *r,
		size_t n, bool color)
{
	struct run_meta empty = { 0 };
	json_t *recs = json_array(), *doc;
	struct tally t;
	int err;

	(void)color;
	for (size_t i = 0; i < n; i++)
		json_array_append_new(recs, record_json(&r[i]));
	tally_records(r, n, &t);
	doc = json_pack(
		"{s:s, s:i, s:s, s:o, s:{s:I, s:I, s:I, s:I, s:I}, "
		"s:o}",
		"format", FORMAT_NAME, "format_version", FORMAT_VERSION, "kind",
		"run", "meta", meta_json(m ? m : &empty), "summary", "total",
		(json_int_t)n, "pass", (json_int_t)t.n[V_PASS], "fail",
		(json_int_t)t.n[V_FAIL], "skip", (json_int_t)t.n[V_SKIP],
		"error", (json_int_t)t.n[V_ERROR], "records", recs);
	if (!doc)
		return -ENOMEM;
	err = json_dumpf(doc, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(doc);
	return err || ferror(f) ? -EIO : 0;
}
