/* SPDX-License-Identifier: MIT */
/*
 * results.h - boxcheck's JSON result files read back (reports/SCHEMA.md):
 * shared by `boxcheck report` and `boxcheck compare`.
 *
 * The reader is tolerant: a member it does not know is ignored; a member it
 * needs and does not find, or finds with the wrong type, is an error that
 * names the file and the member. Once a file is loaded, every member the
 * schema calls required is there with the right type, so readers use the
 * accessors below without checking again.
 */
#ifndef BOXCHECK_RESULTS_H
#define BOXCHECK_RESULTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#define RESULTS_FORMAT "boxcheck-results"
#define RESULTS_FORMAT_VERSION 1

enum result_kind { RK_RUN, RK_BENCH, RK__COUNT };
extern const char *const result_kind_names[RK__COUNT];

struct result_file {
	char *path;
	enum result_kind kind;
	json_t *doc;  /* owned */
	json_t *meta; /* doc.meta */
	json_t *host; /* doc.meta.host: an object, or NULL */
};

struct result_set {
	struct result_file *f;
	size_t n;
};

/*
 * Load and check one file. On error returns -errno (-ENOENT, -EINVAL for
 * bad content) and writes one line "PATH: what is wrong" to err.
 */
int result_load(const char *path, struct result_file *out, char *err,
		size_t errlen);
void result_free(struct result_file *f);
/* Load every path; stops at the first bad file. */
int results_load(char *const *paths, size_t n, struct result_set *set,
		 char *err, size_t errlen);
void results_free(struct result_set *set);
static inline void results_freep(struct result_set *s)
{
	results_free(s);
}
#define _cleanup_results_ __attribute__((cleanup(results_freep)))

/* Accessors for members the loader has checked (or optional ones). */
const char *jstr(const json_t *o, const char *key, const char *dflt);
double jnum(const json_t *o, const char *key, double dflt);
json_t *jget(const json_t *o, const char *key);
/* A host fact as text ("" when absent): strings, numbers and booleans. */
const char *host_fact(const struct result_file *f, const char *key, char *buf,
		      size_t len);

/* Bench values are stored in the variant's unit; seconds per unit. */
double unit_scale(const char *unit);

#endif
