// SPDX-License-Identifier: MIT
/* TAP version 13, with a YAML diagnostic block for failures and errors. */
#include "record.h"

#include <errno.h>

/* A double-quoted YAML scalar. */
static void yq(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/* A TAP description must not contain '#' (it starts a directive). */
static void desc(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '#' || *s == '\n' ? ' ' : *s, f);
}

static void yaml_outcome(FILE *f, const char *name, const struct outcome *o)
{
	fprintf(f, "  %s:\n    outcome: %s\n    observed: ", name,
		obs_names[o->obs]);
	yq(f, o->observed);
	fputc('\n', f);
	for (int k = 0; k < o->n_kv; k++) {
		fputs("    ", f);
		yq(f, o->kv[k].key);
		fputs(": ", f);
		yq(f, o->kv[k].val);
		fputc('\n', f);
	}
}

static void diagnostic(FILE *f, const struct record *r)
{
	fputs("  ---\n  message: ", f);
	yq(f, r->reason);
	fprintf(f, "\n  severity: %s\n  expected: ", verdict_names[r->verdict]);
	yq(f, r->expected);
	fputs("\n  observed: ", f);
	yq(f, r->iso.observed);
	fputc('\n', f);
	yaml_outcome(f, "isolated", &r->iso);
	yaml_outcome(f, "control", &r->ctl);
	fputs("  ...\n", f);
}

int report_tap(FILE *f, const struct run_meta *m, const struct record *r,
	       size_t n, bool color)
{
	(void)m;
	(void)color;
	fprintf(f, "TAP version 13\n1..%zu\n", n);
	for (size_t i = 0; i < n; i++) {
		bool ok = r[i].verdict == V_PASS || r[i].verdict == V_SKIP;
		char name[sizeof(r->id) + sizeof(r->target) + 2];
		record_test_name(&r[i], name, sizeof(name));
		fprintf(f, "%s %zu - ", ok ? "ok" : "not ok", i + 1);
		desc(f, name);
		if (r[i].verdict == V_SKIP) {
			fputs(" # SKIP ", f);
			desc(f, r[i].reason);
		}
		fputc('\n', f);
		if (!ok)
			diagnostic(f, &r[i]);
	}
	return ferror(f) ? -EIO : 0;
}
