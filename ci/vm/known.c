// SPDX-License-Identifier: MIT
#include "known.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "5.10.0-46-cloud-amd64" or "5.13": major * 1000 + minor, -1 if neither. */
static int version_of(const char *s)
{
	int major, minor;

	if (!s || sscanf(s, "%d.%d", &major, &minor) != 2)
		return -1;
	return major * 1000 + minor;
}

/* "<5.15", ">=6.12", "5.10" into op and version: 0 or -EINVAL. */
static int parse_range(const char *s, struct known *k)
{
	size_t n = strspn(s, "<>=");

	if (n > 2)
		return -EINVAL;
	memcpy(k->op, s, n);
	k->op[n] = '\0';
	k->version = version_of(s + n);
	if (k->version < 0 || (n && strcmp(k->op, "<") && strcmp(k->op, ">=")))
		return -EINVAL;
	return 0;
}

/* One line's four tab-separated fields into k: 0 or -EINVAL. */
static int parse_line(char *line, struct known *k)
{
	char *f[4], *save = NULL;
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	for (char *p = strtok_r(line, "\t", &save); p && n < 4;
	     p = strtok_r(NULL, "\t", &save))
		f[n++] = p;
	if (n != 4 || strtok_r(NULL, "\t", &save) || parse_range(f[1], k))
		return -EINVAL;
	k->id = strdup(f[0]);
	k->what = strdup(f[2]);
	k->source = strdup(f[3]);
	return k->id && k->what && k->source ? 0 : -ENOMEM;
}

int known_load(const char *path, struct known_table *t)
{
	FILE *f = fopen(path, "re");
	char line[2048];
	int r = 0, no = 0;

	t->n = 0;
	if (!f)
		return -errno;
	while (r == 0 && fgets(line, sizeof(line), f)) {
		no++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (t->n == KNOWN_MAX)
			r = -E2BIG;
		else if ((r = parse_line(line, &t->k[t->n])) == 0)
			t->n++;
		if (r)
			fprintf(stderr, "matrix: %s:%d: %s\n", path, no,
				r == -E2BIG ? "too many entries"
					    : "not scenario TAB kernels TAB "
					      "what TAB source");
	}
	fclose(f);
	return r;
}

void known_free(struct known_table *t)
{
	for (int i = 0; i < t->n; i++) {
		free(t->k[i].id);
		free(t->k[i].what);
		free(t->k[i].source);
	}
	t->n = 0;
}

static bool in_range(const struct known *k, int v)
{
	if (!strcmp(k->op, "<"))
		return v < k->version;
	if (!strcmp(k->op, ">="))
		return v >= k->version;
	return v == k->version;
}

const struct known *known_find(const struct known_table *t, const char *id,
			       const char *kernel)
{
	int v = version_of(kernel);

	for (int i = 0; v >= 0 && id && i < t->n; i++)
		if (!strcmp(t->k[i].id, id) && in_range(&t->k[i], v))
			return &t->k[i];
	return NULL;
}
