// SPDX-License-Identifier: MIT
/*
 * The property x target matrix, grouped as the property table is
 * (namespaces, process, privileges, ...), then what did not pass, and the
 * exit status.
 */
#include "validate.h"
#include "../cli.h"

#include <string.h>

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

/* Column widths: the property column, then each target's. */
#define PROP_W 22

static void header(FILE *f, const char *const *t, int nt, const int *w, bool md)
{
	if (md)
		fputs("| property |", f);
	else
		fprintf(f, "%-*s", PROP_W, "property");
	for (int j = 0; j < nt; j++)
		fprintf(f, md ? " %*s |" : " %-*s", w[j], t[j]);
	fputc('\n', f);
	if (md) {
		fputs("|---|", f);
		for (int j = 0; j < nt; j++)
			fputs("---|", f);
		fputc('\n', f);
	}
}

void validate_matrix(FILE *f, const struct record *r, size_t n, bool md)
{
	const char *t[MATRIX_MAX];
	int nt = labels(r, n, t), w[MATRIX_MAX];
	int group = -1;

	for (int j = 0; j < nt; j++)
		w[j] = md ? 0 : strlen(t[j]) > 6 ? (int)strlen(t[j]) : 6;
	header(f, t, nt, w, md);
	for (size_t p = 0; p < prop_count(); p++) {
		const struct prop_def *d = prop_get(p);
		char id[64], rid[80];
		if ((int)d->group != group) {
			group = d->group;
			fprintf(f, md ? "| **%s** |" : "-- %s\n",
				pgroup_names[group]);
			for (int j = 0; md && j < nt; j++)
				fputs(" |", f);
			if (md)
				fputc('\n', f);
		}
		prop_id(d, id, sizeof(id));
		snprintf(rid, sizeof(rid), "validate/%s", id);
		if (md)
			fprintf(f, "| %s |", id);
		else
			fprintf(f, "%-*s", PROP_W, id);
		for (int j = 0; j < nt; j++)
			fprintf(f, md ? " %*s |" : " %-*s", w[j],
				cell_text(cell(r, n, t[j], rid), md));
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
