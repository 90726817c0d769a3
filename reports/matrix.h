/* SPDX-License-Identifier: MIT */
/*
 * matrix.h - run-kind records as a matrix: one row per scenario id (sorted
 * by area, failures first, then id), one column per target on one machine.
 * Shared by the headline, the per-area lines and the conformance matrix.
 */
#ifndef BOXCHECK_MATRIX_H
#define BOXCHECK_MATRIX_H

#include "area.h"
#include "results.h"

/*
 * A column is one target on one machine: (target, hostname, arch, kernel).
 * The suite's records and validate's `host` target on the same machine
 * share the machine; validate's `host` target is the control column.
 */
struct column {
	const struct result_file *f; /* the first file with this column */
	const char *target;
	bool control; /* validate's `host` target: expected to fail */
	bool vm;      /* a VM (meta.vm, or the VM init's hostname) */
	bool machine; /* a machine's own suite: target host, not the control */
	size_t mid;   /* the machine: columns of one machine share it */
	size_t group; /* the (arch, kernel) group, numbered as first seen */
	char label[128];
	char group_label[96]; /* "x86_64, Linux 6.1.0-28-amd64" */
	char name[128];	      /* the label without what the group says */
};

struct mrow {
	struct row_key key; /* first: row_cmp sorts struct mrow too */
	json_t **cell;	    /* ncols records, NULL where there is none */
};

/*
 * Columns come grouped by (arch, kernel), groups and columns in the order
 * first seen. With more machines than this, the headline and the area
 * lines summarise the machines instead of naming each.
 */
#define MATRIX_MANY_MACHINES 6

struct matrix {
	const struct result_set *set;
	struct column *cols;
	size_t ncols;
	size_t *mid;	  /* per file: its machine (the first file of it) */
	size_t nmachines; /* columns that are a machine's own suite */
	size_t ngroups;
	struct mrow *rows;
	size_t nrows;
	json_t **cells; /* nrows * ncols, what rows[].cell point into */
};

int matrix_build(const struct result_set *set, struct matrix *m);
void matrix_free(struct matrix *m);
/* The verdicts of the columns that count (not the control) in row. */
void matrix_row_tally(const struct matrix *m, const struct mrow *row,
		      struct vtally *t);
/* Does column c have a record in any row of the area of row first? */
bool matrix_col_in_area(const struct matrix *m, size_t c,
			const struct area_key *area);
/* The row after the last of the area of row first. */
size_t matrix_area_end(const struct matrix *m, size_t first);
/* Column c's verdicts in the area that starts at row first. */
void matrix_area_tally(const struct matrix *m, size_t first, size_t c,
		       struct vtally *t);
/* "namespaces 71/71", or per column: "runtime properties: ref 17/17,
 * runc 16/17 (1 skipped)" (the control is not counted). */
void matrix_area_line(const struct matrix *m, size_t first, char *buf,
		      size_t len);
/*
 * Is the row the same everywhere: every counted column that has a record
 * in the row's area has one in the row, all with one verdict?
 */
bool matrix_row_uniform(const struct matrix *m, const struct mrow *row);
/* Buckets of columns by a text (a tally in words), for many machines:
 * "71/71 on 48 machines, 70/71 (1 failed) on node-07, node-09". */
void matrix_buckets(const struct matrix *m, const size_t *cols, size_t n,
		    char (*texts)[128], char *buf, size_t len);
/* Validate's host target, the control: not counted. */
bool record_is_control(const json_t *r);

#endif
