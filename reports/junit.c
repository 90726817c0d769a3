// SPDX-License-Identifier: MIT
/* JUnit XML: a testsuite per area, a testcase per scenario. */
#include "record.h"

#include <errno.h>
#include <string.h>

static void xq(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;
		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			/* XML 1.0 forbids most control characters. */
			if (c >= 0x20 || c == '\n' || c == '\t')
				fputc(c, f);
		}
	}
}

static bool same_area(const struct record *a, const struct record *b)
{
	size_t n = record_area_len(a);

	return n == record_area_len(b) && strncmp(a->id, b->id, n) == 0;
}

static void outcome_text(FILE *f, const char *name, const struct outcome *o)
{
	fprintf(f, "%s: %s: ", name, obs_names[o->obs]);
	xq(f, o->observed);
	fputc('\n', f);
	for (int k = 0; k < o->n_kv; k++) {
		fputs("  ", f);
		xq(f, o->kv[k].key);
		fputs(" = ", f);
		xq(f, o->kv[k].val);
		fputc('\n', f);
	}
}

static void testcase(FILE *f, const struct record *r, size_t area_len)
{
	static const char *const tag[V__COUNT] = {
		[V_FAIL] = "failure", [V_ERROR] = "error", [V_SKIP] = "skipped"
	};
	char name[sizeof(r->id) + sizeof(r->target) + 2];

	record_test_name(r, name, sizeof(name));
	fprintf(f, "    <testcase classname=\"%.*s\" name=\"", (int)area_len,
		r->id);
	xq(f, name);
	fprintf(f, "\" time=\"%.6f\">\n", r->duration_s);
	if (tag[r->verdict]) {
		fprintf(f, "      <%s message=\"", tag[r->verdict]);
		xq(f, r->reason);
		if (r->verdict == V_SKIP) {
			fputs("\"/>\n", f);
		} else {
			fprintf(f, "\" type=\"%s\">expected: ",
				verdict_names[r->verdict]);
			xq(f, r->expected);
			fputs("\nobserved: ", f);
			xq(f, r->iso.observed);
			fprintf(f, "</%s>\n", tag[r->verdict]);
		}
	}
	fputs("      <system-out>", f);
	xq(f, r->property);
	fputc('\n', f);
	outcome_text(f, "isolated", &r->iso);
	outcome_text(f, "control", &r->ctl);
	fputs("</system-out>\n    </testcase>\n", f);
}

static void suite(FILE *f, const struct record *r, size_t n, size_t first,
		  const bool *written)
{
	struct tally t = { 0 };
	double time = 0;
	size_t len = record_area_len(&r[first]);

	for (size_t i = first; i < n; i++)
		if (same_area(&r[first], &r[i])) {
			t.n[r[i].verdict]++;
			time += r[i].duration_s;
		}
	fprintf(f,
		"  <testsuite name=\"%.*s\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"%zu\" skipped=\"%zu\" time=\"%.6f\">\n",
		(int)len, r[first].id,
		t.n[V_PASS] + t.n[V_FAIL] + t.n[V_SKIP] + t.n[V_ERROR],
		t.n[V_FAIL], t.n[V_ERROR], t.n[V_SKIP], time);
	for (size_t i = first; i < n; i++)
		if (!written[i] && same_area(&r[first], &r[i]))
			testcase(f, &r[i], len);
	fputs("  </testsuite>\n", f);
}

int report_junit(FILE *f, const struct run_meta *m, const struct record *r,
		 size_t n, bool color)
{
	bool written[n + 1];
	struct tally t;

	(void)color;
	memset(written, 0, sizeof(written));
	tally_records(r, n, &t);
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"boxcheck\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"%zu\" skipped=\"%zu\" time=\"%.6f\">\n",
		n, t.n[V_FAIL], t.n[V_ERROR], t.n[V_SKIP],
		m ? m->duration_s : 0.0);
	for (size_t i = 0; i < n; i++) {
		if (written[i])
			continue;
		suite(f, r, n, i, written);
		for (size_t k = i; k < n; k++)
			if (same_area(&r[i], &r[k]))
				written[k] = true;
	}
	fputs("</testsuites>\n", f);
	return ferror(f) ? -EIO : 0;
}
