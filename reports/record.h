/* SPDX-License-Identifier: MIT */
/*
 * record.h - the result model. Writers in reports/ are pure functions of a
 * run's metadata and its records; they know nothing of how results were made.
 * Records are plain data so a worker can send one over a pipe.
 */
#ifndef BOXCHECK_RECORD_H
#define BOXCHECK_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum verdict { V_PASS, V_FAIL, V_SKIP, V_ERROR, V__COUNT };
extern const char *const verdict_names[V__COUNT];

/* What one run of a scenario (isolated or control) saw. */
enum obs { OBS_NONE, OBS_HOLDS, OBS_ABSENT, OBS_SKIP, OBS_ERROR, OBS__COUNT };
extern const char *const obs_names[OBS__COUNT];

struct kv {
	char key[32];
	char val[224];
};

#define OUTCOME_MAX_KV 12
struct outcome {
	enum obs obs;
	char observed[512]; /* what it saw, or why it skipped or broke */
	int n_kv;
	struct kv kv[OUTCOME_MAX_KV];
	double duration_s;
};

struct record {
	char id[96];
	char title[128];
	char property[256];
	char expected[256];
	char target[32];
	enum verdict verdict;
	char reason[1024];
	struct outcome iso; /* with the isolating step */
	struct outcome ctl; /* the control, without it */
	double duration_s;
};

/* Run metadata. host is a JSON object (json_t *) or NULL. */
struct run_meta {
	const char *tool; /* "boxcheck" */
	const char *version;
	const char *git_rev;
	const char *command; /* the command line */
	char started[40];    /* ISO 8601 UTC */
	double duration_s;
	void *host;
};

struct tally {
	size_t n[V__COUNT];
};
void tally_records(const struct record *r, size_t n, struct tally *t);
/* "id" up to the first '/': the area. */
size_t record_area_len(const struct record *r);
/*
 * The name a test gets in TAP and JUnit: the id, with the target after the
 * area for runtime validation, whose ids repeat once per target
 * ("validate/runc/ns-pid").
 */
void record_test_name(const struct record *r, char *buf, size_t len);

/* Writers: 0 or -errno. */
struct writer {
	const char *name;
	int (*write)(FILE *f, const struct run_meta *m, const struct record *r,
		     size_t n, bool color);
};
extern const struct writer writers[];
const struct writer *writer_by_name(const char *name);

int report_text(FILE *f, const struct run_meta *m, const struct record *r,
		size_t n, bool color);
void report_text_line(FILE *f, const struct record *r, bool color);
void report_text_summary(FILE *f, const struct tally *t, bool color);
int report_tap(FILE *f, const struct run_meta *m, const struct record *r,
	       size_t n, bool color);
/* KTAP version 1: areas (and validation's targets) as nested suites. */
int report_ktap(FILE *f, const struct run_meta *m, const struct record *r,
		size_t n, bool color);
int report_junit(FILE *f, const struct run_meta *m, const struct record *r,
		 size_t n, bool color);
int report_json(FILE *f, const struct run_meta *m, const struct record *r,
		size_t n, bool color);

/* Write through a temp file and rename: readers never see a partial file. */
int write_file_atomic(const char *path, const struct writer *w,
		      const struct run_meta *m, const struct record *r,
		      size_t n);

#endif
