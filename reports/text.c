// SPDX-License-Identifier: MIT
/* Text for people: a line per scenario, a summary line. */
#include "record.h"

#include <errno.h>

static const char *const color_of[V__COUNT] = {
	[V_PASS] = "\033[32m",
	[V_FAIL] = "\033[31m",
	[V_SKIP] = "\033[33m",
	[V_ERROR] = "\033[35m",
};
#define RESET "\033[0m"

void report_text_line(FILE *f, const struct record *r, bool color)
{
	const char *name = verdict_names[r->verdict];

	if (color)
		fprintf(f, "%s%-5s" RESET, color_of[r->verdict], name);
	else
		fprintf(f, "%-5s", name);
	fprintf(f, " %-40s %s", r->id, r->reason);
	if (r->verdict == V_PASS)
		fprintf(f, " (control: %s)", r->ctl.observed);
	fputc('\n', f);
}

void report_text_summary(FILE *f, const struct tally *t, bool color)
{
	bool bad = t->n[V_FAIL] || t->n[V_ERROR];

	if (color)
		fputs(bad ? color_of[V_FAIL] : color_of[V_PASS], f);
	fprintf(f, "%zu passed, %zu failed, %zu skipped, %zu errors",
		t->n[V_PASS], t->n[V_FAIL], t->n[V_SKIP], t->n[V_ERROR]);
	if (color)
		fputs(RESET, f);
	fputc('\n', f);
}

int report_text(FILE *f, const struct run_meta *m, const struct record *r,
		size_t n, bool color)
{
	struct tally t;

	(void)m;
	for (size_t i = 0; i < n; i++)
		report_text_line(f, &r[i], color);
	tally_records(r, n, &t);
	report_text_summary(f, &t, color);
	return ferror(f) ? -EIO : 0;
}
