// SPDX-License-Identifier: MIT
/*
 * area.c - scenario ids grouped into areas by their prefix, verdict tallies
 * in words, and the order of the matrix's rows (see area.h).
 */
#include "area.h"
#include "../primitives/base.h"

#include <stdio.h>
#include <string.h>

static const char *const verdict_names4[VI__COUNT] = {
	[VI_PASS] = "pass",
	[VI_FAIL] = "fail",
	[VI_SKIP] = "skip",
	[VI_ERROR] = "error",
};

int verdict_index(const char *verdict)
{
	for (int i = 0; i < VI__COUNT; i++)
		if (verdict && !strcmp(verdict, verdict_names4[i]))
			return i;
	return VI_ERROR;
}

void vtally_add(struct vtally *t, const char *verdict)
{
	t->n[verdict_index(verdict)]++;
}

size_t vtally_total(const struct vtally *t)
{
	size_t n = 0;

	for (int i = 0; i < VI__COUNT; i++)
		n += t->n[i];
	return n;
}

/* The areas, in the order a reader meets them; prefix -> area. */
static const char *const area_names[] = {
	"namespaces",	      "cgroups",  "root filesystem",
	"runtime properties", "selftest",
};

#define AREA_OTHER ARRAY_SIZE(area_names)

static const struct {
	const char *prefix;
	unsigned area;
} prefixes[] = {
	{ "ns", 0 },	 { "pidns", 0 },      { "userns", 0 },
	{ "timens", 0 }, { "mntns", 0 },      { "netns", 0 },
	{ "ipcns", 0 },	 { "utsns", 0 },      { "cgroupns", 0 },
	{ "cgroup", 1 }, { "overlay", 2 },    { "minrootfs", 2 },
	{ "mounts", 2 }, { "pivot_root", 2 }, { "chroot", 2 },
	{ "rootfs", 2 }, { "validate", 3 },   { "selftest", 4 },
};

struct area_key area_of(const char *id)
{
	size_t n = strcspn(id, "/");

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (strlen(prefixes[i].prefix) == n &&
		    !strncmp(id, prefixes[i].prefix, n)) {
			const char *name = area_names[prefixes[i].area];
			return (struct area_key){ name, strlen(name),
						  prefixes[i].area };
		}
	return (struct area_key){ id, n, AREA_OTHER };
}

int area_cmp(const struct area_key *a, const struct area_key *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	c = strncmp(a->name, b->name, n);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

bool area_same(const struct area_key *a, const struct area_key *b)
{
	return !area_cmp(a, b);
}

int row_rank(const struct vtally *row)
{
	if (row->n[VI_FAIL] || row->n[VI_ERROR])
		return 0;
	if (row->n[VI_SKIP])
		return 1;
	return row->n[VI_PASS] ? 2 : 3;
}

int row_cmp(const void *pa, const void *pb)
{
	const struct row_key *a = pa, *b = pb;
	int c = area_cmp(&a->area, &b->area);

	if (c)
		return c;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* ", 2 failed, 1 errored" for the counts other than pass that are not 0. */
static void others(char *buf, size_t len, const struct vtally *t,
		   bool with_skip)
{
	static const struct {
		int vi;
		const char *word;
	} words[] = { { VI_FAIL, "failed" },
		      { VI_ERROR, "errored" },
		      { VI_SKIP, "skipped" } };
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(words) && at < len; i++)
		if (t->n[words[i].vi] && (with_skip || words[i].vi != VI_SKIP))
			at += snprintf(buf + at, len - at, "%s%zu %s",
				       at ? ", " : "", t->n[words[i].vi],
				       words[i].word);
}

void holds_text(char *buf, size_t len, const struct vtally *t)
{
	char rest[128];
	size_t total = vtally_total(t);

	others(rest, sizeof(rest), t, true);
	snprintf(buf, len, "%zu of %zu propert%s hold%s%s%s%s", t->n[VI_PASS],
		 total, total == 1 ? "y" : "ies", total == 1 ? "s" : "",
		 *rest ? " (" : "", rest, *rest ? ")" : "");
}

void passed_text(char *buf, size_t len, const struct vtally *t)
{
	size_t total = vtally_total(t);

	snprintf(buf, len,
		 "%zu passed, %zu failed, %zu skipped, %zu errored of %zu "
		 "propert%s",
		 t->n[VI_PASS], t->n[VI_FAIL], t->n[VI_SKIP], t->n[VI_ERROR],
		 total, total == 1 ? "y" : "ies");
}

void control_text(char *buf, size_t len, const struct vtally *t)
{
	size_t total = vtally_total(t);

	if (t->n[VI_FAIL] == total) {
		snprintf(buf, len,
			 "%zu of %zu propert%s absent without isolation, as "
			 "%s must be",
			 total, total, total == 1 ? "y" : "ies",
			 total == 1 ? "it" : "they");
		return;
	}
	snprintf(buf, len,
		 "%zu of %zu propert%s absent without isolation (%zu hold "
		 "anyway, %zu skipped, %zu errored)",
		 t->n[VI_FAIL], total, total == 1 ? "y" : "ies", t->n[VI_PASS],
		 t->n[VI_SKIP], t->n[VI_ERROR]);
}

void ratio_text(char *buf, size_t len, const struct vtally *t)
{
	char rest[128];

	others(rest, sizeof(rest), t, true);
	snprintf(buf, len, "%zu/%zu%s%s%s", t->n[VI_PASS], vtally_total(t),
		 *rest ? " (" : "", rest, *rest ? ")" : "");
}
