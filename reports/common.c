// SPDX-License-Identifier: MIT
#include "record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *const verdict_names[V__COUNT] = {
	[V_PASS] = "pass",
	[V_FAIL] = "fail",
	[V_SKIP] = "skip",
	[V_ERROR] = "error",
};

const char *const obs_names[OBS__COUNT] = {
	[OBS_NONE] = "not run", [OBS_HOLDS] = "holds", [OBS_ABSENT] = "absent",
	[OBS_SKIP] = "skip",	[OBS_ERROR] = "error",
};

const struct writer writers[] = {
	{ "text", report_text }, { "tap", report_tap },
	{ "json", report_json }, { "junit", report_junit },
	{ "ktap", report_ktap }, { NULL, NULL },
};

const struct writer *writer_by_name(const char *name)
{
	for (const struct writer *w = writers; w->name; w++)
		if (strcmp(w->name, name) == 0)
			return w;
	return NULL;
}

void tally_records(const struct record *r, size_t n, struct tally *t)
{
	memset(t, 0, sizeof(*t));
	for (size_t i = 0; i < n; i++)
		t->n[r[i].verdict]++;
}

size_t record_area_len(const struct record *r)
{
	const char *slash = strchr(r->id, '/');

	return slash ? (size_t)(slash - r->id) : strlen(r->id);
}

void record_test_name(const struct record *r, char *buf, size_t len)
{
	size_t area = record_area_len(r);

	if (r->id[area] == '/' && !strncmp(r->id, "validate", area) &&
	    r->target[0])
		snprintf(buf, len, "%.*s/%s%s", (int)area, r->id, r->target,
			 r->id + area);
	else
		snprintf(buf, len, "%s", r->id);
}

int write_file_atomic(const char *path, const struct writer *w,
		      const struct run_meta *m, const struct record *r,
		      size_t n)
{
	char tmp[4096];
	FILE *f;
	int err;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, getpid()) >=
	    (int)sizeof(tmp))
		return -ENAMETOOLONG;
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	err = w->write(f, m, r, n, false);
	if (fflush(f) != 0 || fsync(fileno(f)) != 0)
		err = err ?: -errno;
	if (fclose(f) != 0)
		err = err ?: -errno;
	if (!err && rename(tmp, path) != 0)
		err = -errno;
	if (err)
		unlink(tmp);
	return err;
}
