/* SPDX-License-Identifier: MIT */
/*
 * validate_fixtures.h - the facts `boxcheck validate --save-facts` recorded
 * on the development machine (tests/fixtures/facts/: every target's, and
 * the control's), and small helpers to judge and mutate them.
 */
#ifndef BOXCHECK_VALIDATE_FIXTURES_H
#define BOXCHECK_VALIDATE_FIXTURES_H

#include "testlib.h"
#include "../harness/validate/facts.h"
#include "../harness/validate/validate.h"

#define FACTS "tests/fixtures/facts/"

static inline json_t *fixture(const char *name)
{
	char path[256];
	json_error_t e;
	json_t *doc;

	snprintf(path, sizeof(path), FACTS "%s.json", name);
	doc = json_load_file(path, 0, &e);
	if (!doc)
		fail_msg("%s: %s", path, e.text);
	return doc;
}

/* Set the value at a dotted path, making the objects on the way. */
static inline void set_path(json_t *doc, const char *path, json_t *v)
{
	char key[256];
	const char *p = path;

	while (strchr(p, '.')) {
		size_t n = strcspn(p, ".");
		json_t *next;
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		next = json_object_get(doc, key);
		if (!json_is_object(next)) {
			next = json_object();
			json_object_set_new(doc, key, next);
		}
		doc = next;
		p += n + 1;
	}
	json_object_set_new(doc, p, v);
}

static inline enum obs judge_id(const char *id, const struct profile *pr,
				const json_t *doc, const json_t *ctl,
				struct outcome *o)
{
	int i = prop_index(id);

	if (i < 0)
		fail_msg("no property %s", id);
	memset(o, 0, sizeof(*o));
	prop_judge(prop_get(i), pr, doc, ctl, o);
	return o->obs;
}

/* The properties this machine could not show (their facts are moot). */
static inline bool not_here(const char *id)
{
	return !strcmp(id, "lsm-label") || !strcmp(id, "attack-sysrq");
}

#endif
