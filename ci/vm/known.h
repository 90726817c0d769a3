/* SPDX-License-Identifier: MIT */
/*
 * known.h - the known kernel differences (ci/vm/kernel-differences.tsv)
 * that ci/vm/matrix prints beside a cell: which scenario, on which
 * kernels, what differs there and the source that says so.
 */
#ifndef BOXCHECK_CI_VM_KNOWN_H
#define BOXCHECK_CI_VM_KNOWN_H

#define KNOWN_MAX 64

struct known {
	char *id;     /* scenario */
	char op[3];   /* "<", ">=" or "" (that release) */
	int version;  /* major * 1000 + minor */
	char *what;   /* what differs */
	char *source; /* commit, document */
};

struct known_table {
	struct known k[KNOWN_MAX];
	int n;
};

/* Load the table: 0, or -errno (-EINVAL: a malformed line, said on stderr). */
int known_load(const char *path, struct known_table *t);
void known_free(struct known_table *t);
/* The entry for scenario id on the kernel release ("6.12.118+deb13-..."). */
const struct known *known_find(const struct known_table *t, const char *id,
			       const char *kernel);

#endif
