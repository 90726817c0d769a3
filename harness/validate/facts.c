// SPDX-License-Identifier: MIT
/*
 * The agent's facts for the judge: the strict document check, and the
 * accessors a predicate reads through. Strict: a document that is not the
 * agent's, of another format version, or missing any fact a property reads
 * is refused as a whole (a truncated or foreign document is an error, never
 * a set of absent facts). A fact the agent reported as {"error": ...} is
 * judged unknown: an error, never absent.
 */
#include "facts.h"
#include "agent.h"
#include "props.h"

#include <stdarg.h>
#include <string.h>

const json_t *jpath(const json_t *v, const char *path)
{
	char key[PATH_MAX];
	const char *p = path;

	while (v && *p) {
		size_t n = strcspn(p, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		v = json_is_object(v) ? json_object_get(v, key) : NULL;
		p += n + (p[n] == '.');
	}
	return v;
}

const char *fact_error(const json_t *v)
{
	const char *e = json_string_value(json_object_get(v, "error"));

	if (json_is_object(v) && e)
		return e;
	if (json_is_object(v) && json_object_get(v, "skipped"))
		return "skipped";
	return NULL;
}

bool fact_known(const json_t *v)
{
	return v && !json_is_null(v) && !fact_error(v);
}

/* Is path one of the row's facts, or inside one? */
static bool declared(const struct prop_def *p, const char *path)
{
	char facts[1024], *tok, *save = NULL;

	prop_facts(p, facts, sizeof(facts));
	for (tok = strtok_r(facts, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save)) {
		size_t n = strlen(tok);
		if (!strncmp(path, tok, n) && (!path[n] || path[n] == '.'))
			return true;
	}
	return false;
}

static const json_t *read_at(struct jctx *c, const json_t *doc, const char *fmt,
			     va_list ap)
{
	char path[PATH_MAX];

	vsnprintf(path, sizeof(path), fmt, ap);
	if (!declared(c->p, path)) {
		snprintf(c->undeclared, sizeof(c->undeclared), "%.90s", path);
		return NULL;
	}
	return jpath(doc, path);
}

const json_t *F(struct jctx *c, const char *fmt, ...)
{
	va_list ap;
	const json_t *v;

	va_start(ap, fmt);
	v = read_at(c, c->doc, fmt, ap);
	va_end(ap);
	return v;
}

const json_t *H(struct jctx *c, const char *fmt, ...)
{
	va_list ap;
	const json_t *v;

	va_start(ap, fmt);
	v = read_at(c, c->ctl, fmt, ap);
	va_end(ap);
	return v;
}

bool jint(const json_t *v, long long *out)
{
	if (!json_is_integer(v))
		return false;
	*out = json_integer_value(v);
	return true;
}

const char *jtext(const json_t *v)
{
	return json_string_value(v);
}

bool jhex(const json_t *v, unsigned long long *out)
{
	const char *s = json_string_value(v);
	char *end;

	if (!s || strncmp(s, "0x", 2))
		return false;
	*out = strtoull(s, &end, 16);
	return end != s + 2 && !*end;
}

void kv(struct outcome *o, const char *key, const char *fmt, ...)
{
	va_list ap;

	if (o->n_kv >= OUTCOME_MAX_KV)
		return;
	snprintf(o->kv[o->n_kv].key, sizeof(o->kv[0].key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(o->kv[o->n_kv].val, sizeof(o->kv[0].val), fmt, ap);
	va_end(ap);
	o->n_kv++;
}

enum obs unknown(struct outcome *o, const char *what, const json_t *v)
{
	const char *e = fact_error(v);

	if (e && !strcmp(e, "skipped"))
		SAY(o, "%s: not probed (%s)", what,
		    jtext(json_object_get(v, "skipped")) ?: "skipped");
	else if (e)
		SAY(o, "%s unreadable inside: %s", what, e);
	else
		SAY(o, "%s: no such fact", what);
	return OBS_ERROR;
}

enum obs holds(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->observed, sizeof(o->observed), fmt, ap);
	va_end(ap);
	return OBS_HOLDS;
}

enum obs absent(struct outcome *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->observed, sizeof(o->observed), fmt, ap);
	va_end(ap);
	return OBS_ABSENT;
}

void prop_judge(const struct prop_def *p, const struct profile *pr,
		const json_t *doc, const json_t *ctl, struct outcome *o)
{
	struct jctx c = { .p = p, .pr = pr, .doc = doc, .ctl = ctl };

	o->n_kv = 0;
	o->observed[0] = '\0';
	o->obs = p->judge(&c, o);
	if (c.undeclared[0]) {
		/* a judge that reads what its row does not name is a bug */
		o->obs = OBS_ERROR;
		SAY(o, "the judge read '%s', which its row does not declare",
		    c.undeclared);
	}
}

/* ---- the document ------------------------------------------------------ */

static int bad(char *why, size_t len, const char *fmt, ...) _printf_(3, 4);
static int bad(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int facts_check(const json_t *doc, char *why, size_t len)
{
	const char *fmt = json_string_value(jpath(doc, "format"));
	const json_t *v = jpath(doc, "format_version");
	bool launcher = json_is_object(jpath(doc, "launcher"));

	if (!json_is_object(doc) || !fmt || strcmp(fmt, "boxcheck-facts"))
		return bad(why, len, "not a boxcheck-facts document");
	if (json_integer_value(v) != AGENT_FORMAT_VERSION)
		return bad(why, len,
			   "facts format version %" JSON_INTEGER_FORMAT
			   ", this boxcheck reads %d",
			   json_integer_value(v), AGENT_FORMAT_VERSION);
	for (size_t i = 0; i < prop_count(); i++) {
		const struct prop_def *p = prop_get(i);
		char facts[1024], *tok, *save = NULL;
		if (prop_needs_launcher(p) && !launcher)
			continue;
		prop_facts(p, facts, sizeof(facts));
		for (tok = strtok_r(facts, " ", &save); tok;
		     tok = strtok_r(NULL, " ", &save))
			if (!jpath(doc, tok))
				return bad(why, len,
					   "incomplete facts document: no '%s'",
					   tok);
	}
	return 0;
}

int facts_load(const char *text, json_t **doc, char *why, size_t len)
{
	json_error_t e;
	int r;

	*doc = json_loads(text, 0, &e);
	if (!*doc)
		return bad(why, len, "not a JSON document (%.80s, at byte %d)",
			   e.text, e.position);
	r = facts_check(*doc, why, len);
	if (r < 0) {
		json_decref(*doc);
		*doc = NULL;
	}
	return r;
}
