// SPDX-License-Identifier: MIT
/*
 * The control rule: a scenario passes only when the property holds with the
 * isolating step and is absent without it.
 */
#include "runner.h"

#include <string.h>

static void set(struct record *r, enum verdict v, const char *fmt,
		const char *a, const char *b)
{
	r->verdict = v;
	snprintf(r->reason, sizeof(r->reason), fmt, a, b);
}

void verdict_decide(struct record *r)
{
	const struct outcome *i = &r->iso, *c = &r->ctl;

	switch (i->obs) {
	case OBS_SKIP:
		return set(r, V_SKIP, "%s%s", i->observed, "");
	case OBS_ERROR:
		return set(r, V_ERROR, "%s%s", i->observed, "");
	case OBS_ABSENT:
		return set(r, V_FAIL, "expected %s, observed %s", r->expected,
			   i->observed);
	case OBS_NONE:
	case OBS__COUNT:
		return set(r, V_ERROR, "%s%s", "isolated run reported nothing",
			   "");
	case OBS_HOLDS:
		break;
	}
	switch (c->obs) {
	case OBS_ABSENT:
		return set(r, V_PASS, "%s%s", i->observed, "");
	case OBS_HOLDS:
		return set(r, V_FAIL,
			   "check does not discriminate: control also observed "
			   "%s%s",
			   c->observed, "");
	case OBS_SKIP:
	case OBS_ERROR:
		return set(r, V_ERROR, "control could not run: %s%s",
			   c->observed, "");
	case OBS_NONE:
	case OBS__COUNT:
		break;
	}
	set(r, V_ERROR, "%s%s", "control reported nothing", "");
}

void record_init(struct record *r, const struct scenario *s)
{
	memset(r, 0, sizeof(*r));
	snprintf(r->id, sizeof(r->id), "%s", s->id);
	snprintf(r->title, sizeof(r->title), "%s", s->title);
	snprintf(r->property, sizeof(r->property), "%s", s->property);
	snprintf(r->expected, sizeof(r->expected), "%s",
		 s->expect ? s->expect : "the property");
	snprintf(r->target, sizeof(r->target), "host");
}
