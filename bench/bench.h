/* SPDX-License-Identifier: MIT */
/*
 * bench.h - the benchmark result model shared by the ladder, the external
 * comparison, the concurrency sweep, the writers and compare. A result is
 * plain data: variants with raw samples, statistics and counters, and
 * metadata as a JSON object.
 */
#ifndef BOXCHECK_BENCH_H
#define BOXCHECK_BENCH_H

#include "../primitives/base.h"
#include "../primitives/counters.h"
#include "stats.h"

enum bench_group {
	BG_CALIBRATION, /* the harness's own overhead */
	BG_LADDER,	/* boxcheck's own steps */
	BG_EXTERNAL,	/* commands timed by hyperfine */
	BG_VM,		/* VM boot (bench/vm.c, wired in by the lead) */
	BG__COUNT,
};
extern const char *const bench_group_names[BG__COUNT];

/* One growable series of samples, in seconds. */
struct series {
	double *v;
	size_t n, cap;
	struct stats st; /* filled by bench_finish() */
};
int series_push(struct series *s, double v);
/* Room for n samples. 0 or -ENOMEM. */
int series_reserve(struct series *s, size_t n);
void series_free(struct series *s);

enum bench_status { BS_OK, BS_SKIPPED, BS_FAILED };
extern const char *const bench_status_names[];

struct bench_variant {
	char name[48];
	char desc[160];
	enum bench_group group;
	enum bench_status status;
	char reason[512];    /* why skipped or failed, or a note on isolation */
	char command[1024];  /* external: the command timed */
	struct series start; /* creation latency */
	struct series stop;  /* teardown latency (ladder only) */
	struct counter_set counters;
	bool have_counters;
	/* The exact counters (counter_info.exact): each sample's count. */
	struct series count[CNT__COUNT];
};

struct conc_level {
	unsigned k;
	unsigned spawners; /* processes starting them, each its share */
	unsigned rounds;
	struct series lat;	 /* clone called -> reported, every start */
	double starts_per_s;	 /* median over rounds */
	double mem_cgroup_bytes; /* per idle container, memcg usage delta */
	double mem_avail_bytes;	 /* per idle container, MemAvailable delta */
	char error[256];
};

struct bench_result {
	void *meta; /* json_t * object: tool, command, options, host, tools */
	struct bench_variant *v;
	size_t n, cap;
	const char *conc_variant;
	struct conc_level *conc;
	size_t n_conc;
};

struct bench_variant *bench_add(struct bench_result *r, const char *name,
				enum bench_group g);

/*
 * Room for n samples in every series of v, taken before the run: a series
 * that grows during it moves the heap under the windows' own allocations,
 * and with them the counts by a page fault.
 */
void bench_variant_reserve(struct bench_variant *v, size_t n);

/* One sample's counter deltas as the sampling process read them. */
struct sample_counters {
	bool have;
	double delta[CNT__COUNT];
	int err[CNT__COUNT]; /* 0, or -errno: that counter is unavailable */
};
/* The deltas from before to after, read on k. */
void sample_counters_of(const struct counters *k, const uint64_t *before,
			const uint64_t *after, struct sample_counters *d);
/* Add one sample's counters to v: totals, and each exact one's sample. */
void bench_add_counters(struct bench_variant *v,
			const struct sample_counters *k);
struct bench_variant *bench_find(struct bench_result *r, const char *name);
/* Compute every series' statistics. */
void bench_finish(struct bench_result *r);
void bench_free(struct bench_result *r);

/* Writers (bench/output.c). 0 or -errno. */
int bench_write_text(FILE *f, const struct bench_result *r);
int bench_write_markdown(FILE *f, const struct bench_result *r);
int bench_write_json(FILE *f, const struct bench_result *r);
/* Read a "kind":"bench" document. 0, or -EINVAL with a message in err. */
int bench_read_json(const char *path, struct bench_result *r, char *err,
		    size_t len);

#endif
