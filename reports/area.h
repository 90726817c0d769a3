/* SPDX-License-Identifier: MIT */
/*
 * area.h - the pure pieces of the report's front page: scenario ids grouped
 * into areas by their prefix, verdict tallies and the sentences made of
 * them, and the order of the matrix's rows (failures first). No JSON, no
 * output: unit-tested on their own (tests/test_report.c).
 */
#ifndef BOXCHECK_AREA_H
#define BOXCHECK_AREA_H

#include <stdbool.h>
#include <stddef.h>

/* Verdict indices, as struct report_summary counts them. */
enum { VI_PASS, VI_FAIL, VI_SKIP, VI_ERROR, VI__COUNT };

/* "pass" -> VI_PASS ...; anything else is an error. */
int verdict_index(const char *verdict);

struct vtally {
	size_t n[VI__COUNT];
};

void vtally_add(struct vtally *t, const char *verdict);
size_t vtally_total(const struct vtally *t);

/*
 * The area of a scenario id: "pidns/init-is-pid1" -> namespaces. name is
 * the area's name, len its length (an unknown prefix is an area of its
 * own, named by the prefix, and sorts after the known ones); order sorts
 * areas.
 */
struct area_key {
	const char *name;
	size_t len;
	unsigned order;
};
struct area_key area_of(const char *id);
bool area_same(const struct area_key *a, const struct area_key *b);
int area_cmp(const struct area_key *a, const struct area_key *b);

/*
 * A row of the matrix: its id, area and rank, the worst verdict over the
 * columns that count (not the control): 0 fail or error, 1 skip, 2 pass,
 * 3 nothing counted.
 */
struct row_key {
	const char *id;
	struct area_key area;
	int rank;
};
int row_rank(const struct vtally *row);
/* By area, then failures first (rank), then id. */
int row_cmp(const void *a, const void *b);

/* "105 of 106 properties hold (1 skipped)" */
void holds_text(char *buf, size_t len, const struct vtally *t);
/* "16 passed, 0 failed, 1 skipped, 0 errored of 17 properties" */
void passed_text(char *buf, size_t len, const struct vtally *t);
/* The control must fail: "17 of 17 properties absent without isolation,
 * as they must be" (fail is "absent" here). */
void control_text(char *buf, size_t len, const struct vtally *t);
/* "71/71", "12/13 (1 skipped)", "10/13 (2 failed, 1 errored)" */
void ratio_text(char *buf, size_t len, const struct vtally *t);

#endif
