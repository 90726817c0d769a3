// SPDX-License-Identifier: MIT
/*
 * cgroup knobs: one table of controller files per version, cg_get/cg_set
 * over it, and the few calls that place or find processes.
 */
#include "cgroup.h"
#include "mutant.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <string.h>
#include <sys/syscall.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

#define CG_CORE (-1) /* a core file of the v2 hierarchy, no controller */

struct cg_knob_file {
	int ctrl; /* enum cg_ctrl whose hierarchy holds it, or CG_CORE */
	const char *file; /* NULL: this version has no such knob */
	const char *rd;	  /* read here instead (a state beside a switch) */
	const char *key;  /* flat-keyed file: the line's key */
	int field;	  /* space-separated field of the value */
	int nfields;	  /* fields a write must give (cpu.max: 2) */
	unsigned div;	  /* units in the file per `per` units of the knob */
	unsigned per;	  /* 0: 1 */
	const char *eq;	  /* the field is "eq=value" (PSI "total=") */
	const char *inf;  /* how unlimited is written ("max" when NULL) */
	const char *const *words; /* value i is written words[i] */
	bool ro;		  /* a statistic */
};

struct cg_knob_info {
	const char *name;
	struct cg_knob_file v[2]; /* [0] v1, [1] v2 */
};

static const char *const freezer_words[] = { "THAWED", "FROZEN", "FREEZING",
					     NULL };

#define STAT(c, f, k)                                                          \
	{                                                                      \
		.ctrl = (c), .file = (f), .key = (k), .ro = true               \
	}
#define STAT_US(c, f, k, d)                                                    \
	{                                                                      \
		.ctrl = (c), .file = (f), .key = (k), .div = (d), .ro = true   \
	}

#define PSI(f, k)                                                              \
	{                                                                      \
		.ctrl = CG_CORE, .file = (f), .key = (k), .field = 3,          \
		.eq = "total", .ro = true                                      \
	}
#define V2(c, f)                                                               \
	{                                                                      \
		{ 0 },                                                         \
		{                                                              \
			.ctrl = (c), .file = (f)                               \
		}                                                              \
	}
#define V2STAT(c, f, k)                                                        \
	{                                                                      \
		{ 0 }, STAT(c, f, k)                                           \
	}

static const struct cg_knob_info knobs[CGK__COUNT] = {
	[CGK_PIDS_MAX] = { "pids.max",
			   { { .ctrl = CG_PIDS, .file = "pids.max" },
			     { .ctrl = CG_PIDS, .file = "pids.max" } } },
	[CGK_PIDS_CURRENT] = { "pids.current",
			       { STAT(CG_PIDS, "pids.current", NULL),
				 STAT(CG_PIDS, "pids.current", NULL) } },
	[CGK_PIDS_EVENTS_MAX] = { "pids.events max",
				  { STAT(CG_PIDS, "pids.events", "max"),
				    STAT(CG_PIDS, "pids.events", "max") } },
	[CGK_MEM_MAX] = { "memory limit",
			  { { .ctrl = CG_MEMORY,
			      .file = "memory.limit_in_bytes",
			      .inf = "-1" },
			    { .ctrl = CG_MEMORY, .file = "memory.max" } } },
	[CGK_MEM_SWAP_MAX] = { "memory+swap limit",
			       { { .ctrl = CG_MEMORY,
				   .file = "memory.memsw.limit_in_bytes",
				   .inf = "-1" },
				 { .ctrl = CG_MEMORY,
				   .file = "memory.swap.max" } } },
	[CGK_MEM_CURRENT] = { "memory usage",
			      { STAT(CG_MEMORY, "memory.usage_in_bytes", NULL),
				STAT(CG_MEMORY, "memory.current", NULL) } },
	[CGK_MEM_OOM_KILL] = { "oom_kill count",
			       { STAT(CG_MEMORY, "memory.oom_control",
				      "oom_kill"),
				 STAT(CG_MEMORY, "memory.events",
				      "oom_kill") } },
	[CGK_MEM_FAILCNT] = { "memory limit hits",
			      { STAT(CG_MEMORY, "memory.failcnt", NULL),
				STAT(CG_MEMORY, "memory.events", "max") } },
	[CGK_CPU_QUOTA] = { "cpu quota",
			    { { .ctrl = CG_CPU,
				.file = "cpu.cfs_quota_us",
				.inf = "-1" },
			      { .ctrl = CG_CPU,
				.file = "cpu.max",
				.nfields = 2 } } },
	[CGK_CPU_PERIOD] = { "cpu period",
			     { { .ctrl = CG_CPU, .file = "cpu.cfs_period_us" },
			       { .ctrl = CG_CPU,
				 .file = "cpu.max",
				 .field = 1,
				 .nfields = 2 } } },
	[CGK_CPU_NR_PERIODS] = { "cpu.stat nr_periods",
				 { STAT(CG_CPU, "cpu.stat", "nr_periods"),
				   STAT(CG_CPU, "cpu.stat", "nr_periods") } },
	[CGK_CPU_NR_THROTTLED] = { "cpu.stat nr_throttled",
				   { STAT(CG_CPU, "cpu.stat", "nr_throttled"),
				     STAT(CG_CPU, "cpu.stat",
					  "nr_throttled") } },
	[CGK_CPU_USAGE] = { "cpu usage",
			    { STAT_US(CG_CPUACCT, "cpuacct.usage", NULL, 1000),
			      STAT(CG_CORE, "cpu.stat", "usage_usec") } },
	[CGK_CPU_USER] = { "cpu user time",
			   { STAT_US(CG_CPUACCT, "cpuacct.usage_user", NULL,
				     1000),
			     STAT(CG_CORE, "cpu.stat", "user_usec") } },
	[CGK_CPU_SYSTEM] = { "cpu system time",
			     { STAT_US(CG_CPUACCT, "cpuacct.usage_sys", NULL,
				       1000),
			       STAT(CG_CORE, "cpu.stat", "system_usec") } },
	[CGK_FREEZE] = { "freeze",
			 { { .ctrl = CG_FREEZER,
			     .file = "freezer.state",
			     .words = freezer_words },
			   { .ctrl = CG_CORE, .file = "cgroup.freeze" } } },
	[CGK_FROZEN] = { "frozen state",
			 { { .ctrl = CG_FREEZER,
			     .file = "freezer.state",
			     .words = freezer_words,
			     .ro = true },
			   STAT(CG_CORE, "cgroup.events", "frozen") } },
	[CGK_KILL] = { "cgroup.kill",
		       { { 0 }, { .ctrl = CG_CORE, .file = "cgroup.kill" } } },
	[CGK_POPULATED] = { "populated",
			    { { 0 },
			      STAT(CG_CORE, "cgroup.events", "populated") } },
	/* cgroup v2 in depth, cgroup v1 (issue 20) */
	[CGK_MEM_HIGH] = { "memory.high", V2(CG_MEMORY, "memory.high") },
	[CGK_MEM_LOW] = { "memory.low", V2(CG_MEMORY, "memory.low") },
	[CGK_MEM_MIN] = { "memory.min", V2(CG_MEMORY, "memory.min") },
	[CGK_MEM_OOM_GROUP] = { "memory.oom.group",
				V2(CG_MEMORY, "memory.oom.group") },
	[CGK_MEM_EV_HIGH] = { "memory.events high",
			      V2STAT(CG_MEMORY, "memory.events", "high") },
	[CGK_MEM_EV_LOW] = { "memory.events low",
			     V2STAT(CG_MEMORY, "memory.events", "low") },
	[CGK_MEM_EV_OOM_GROUP] = { "memory.events oom_group_kill",
				   V2STAT(CG_MEMORY, "memory.events",
					  "oom_group_kill") },
	[CGK_MEM_PEAK] = { "memory peak",
			   { STAT(CG_MEMORY, "memory.max_usage_in_bytes", NULL),
			     STAT(CG_MEMORY, "memory.peak", NULL) } },
	[CGK_MEM_FILE] = { "file memory",
			   { STAT(CG_MEMORY, "memory.stat", "cache"),
			     STAT(CG_MEMORY, "memory.stat", "file") } },
	[CGK_MEM_OOM_DISABLE] = { "oom_kill_disable",
				  { { .ctrl = CG_MEMORY,
				      .file = "memory.oom_control",
				      .key = "oom_kill_disable" },
				    { 0 } } },
	[CGK_MEM_UNDER_OOM] = { "under_oom",
				{ STAT(CG_MEMORY, "memory.oom_control",
				       "under_oom"),
				  { 0 } } },
	[CGK_MEM_FORCE_EMPTY] = { "memory.force_empty",
				  { { .ctrl = CG_MEMORY,
				      .file = "memory.force_empty" },
				    { 0 } } },
	[CGK_PIDS_PEAK] = { "pids.peak",
			    { STAT(CG_PIDS, "pids.peak", NULL),
			      STAT(CG_PIDS, "pids.peak", NULL) } },
	[CGK_CPU_WEIGHT] = { "cpu weight",
			     { { .ctrl = CG_CPU,
				 .file = "cpu.shares",
				 .div = 1024,
				 .per = 100 },
			       { .ctrl = CG_CPU, .file = "cpu.weight" } } },
	[CGK_CPU_IDLE] = { "cpu.idle", V2(CG_CPU, "cpu.idle") },
	[CGK_MAX_DEPTH] = { "cgroup.max.depth",
			    V2(CG_CORE, "cgroup.max.depth") },
	[CGK_MAX_DESCENDANTS] = { "cgroup.max.descendants",
				  V2(CG_CORE, "cgroup.max.descendants") },
	[CGK_NR_DESCENDANTS] = { "cgroup.stat nr_descendants",
				 V2STAT(CG_CORE, "cgroup.stat",
					"nr_descendants") },
	[CGK_FREEZER_SELF] = { "freezer.self_freezing",
			       { STAT(CG_FREEZER, "freezer.self_freezing",
				      NULL),
				 { 0 } } },
	[CGK_FREEZER_PARENT] = { "freezer.parent_freezing",
				 { STAT(CG_FREEZER, "freezer.parent_freezing",
					NULL),
				   { 0 } } },
	[CGK_NOTIFY_RELEASE] = { "notify_on_release",
				 { { .ctrl = CG_PIDS,
				     .file = "notify_on_release" },
				   { 0 } } },
	[CGK_HUGETLB_MAX] = { "hugetlb 2MB limit",
			      { { .ctrl = CG_HUGETLB,
				  .file = "hugetlb.2MB.limit_in_bytes",
				  .inf = "-1" },
				{ .ctrl = CG_HUGETLB,
				  .file = "hugetlb.2MB.max" } } },
	[CGK_HUGETLB_EV_MAX] = { "hugetlb 2MB limit hits",
				 { STAT(CG_HUGETLB, "hugetlb.2MB.failcnt",
					NULL),
				   STAT(CG_HUGETLB, "hugetlb.2MB.events",
					"max") } },
	[CGK_PSI_CPU_SOME] = { "cpu.pressure some",
			       { { 0 }, PSI("cpu.pressure", "some") } },
	[CGK_PSI_CPU_FULL] = { "cpu.pressure full",
			       { { 0 }, PSI("cpu.pressure", "full") } },
	[CGK_PSI_MEM_SOME] = { "memory.pressure some",
			       { { 0 }, PSI("memory.pressure", "some") } },
	[CGK_PSI_MEM_FULL] = { "memory.pressure full",
			       { { 0 }, PSI("memory.pressure", "full") } },
};

const char *cg_knob_name(enum cg_knob k)
{
	return (unsigned)k < CGK__COUNT ? knobs[k].name : "?";
}

bool cg_knob_missing(int err)
{
	return err == -EOPNOTSUPP || err == -ENOENT || err == -ENODATA ||
	       err == -EBADMSG;
}

/* The row for version v, or NULL. */
static const struct cg_knob_file *row(enum cg_knob k, int v)
{
	if ((unsigned)k >= CGK__COUNT || v < 1 || v > 2)
		return NULL;
	return knobs[k].v[v - 1].file ? &knobs[k].v[v - 1] : NULL;
}

/* Which hierarchy of g serves row f: its controller's, or the unified. */
static int row_hier(const struct cg_group *g, const struct cg_knob_file *f,
		    int v)
{
	const struct cg_layout *l = g->layout;
	int i = f->ctrl == CG_CORE ? l->unified : l->by_ctrl[f->ctrl];

	if (i < 0 || l->hier[i].version != v || !(g->hiers & (1u << i)))
		return -1;
	return i;
}

static const struct cg_knob_file *resolve(const struct cg_group *g,
					  enum cg_knob k, const char **dir)
{
	for (int v = 1; v <= 2; v++) {
		const struct cg_knob_file *f = row(k, v);
		int i = f ? row_hier(g, f, v) : -1;
		if (i >= 0) {
			*dir = g->dir[i];
			return f;
		}
	}
	return NULL;
}

int cg_knob_locate(const struct cg_group *g, enum cg_knob k, const char **dir,
		   const char **file)
{
	const struct cg_knob_file *f = resolve(g, k, dir);

	if (!f)
		return -EOPNOTSUPP;
	*file = f->file;
	return 0;
}

/* Field n of a space-separated value, cut out in place. */
static char *field_of(char *s, int n)
{
	char *save = NULL, *t = strtok_r(s, " \t\n", &save);

	while (t && n-- > 0)
		t = strtok_r(NULL, " \t\n", &save);
	return t;
}

/* The value text of a "key value" line in buf, cut out in place. */
static char *key_line(char *buf, const char *key)
{
	size_t n = strlen(key);
	char *save = NULL;

	for (char *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, key, n) == 0 && (l[n] == ' ' || l[n] == '\t'))
			return l + n + 1;
	return NULL;
}

static int parse_val(const struct cg_knob_file *f, const char *t, uint64_t *v)
{
	size_t n = f->eq ? strlen(f->eq) : 0;
	char *end;

	if (f->words) {
		for (int i = 0; f->words[i]; i++)
			if (strcmp(t, f->words[i]) == 0)
				return *v = i, 0;
		return -EBADMSG;
	}
	if (n && (strncmp(t, f->eq, n) != 0 || t[n] != '='))
		return -EBADMSG;
	t += n ? n + 1 : 0;
	if (strcmp(t, "max") == 0 || strcmp(t, "-1") == 0)
		return *v = CG_VAL_MAX, 0;
	errno = 0;
	*v = strtoull(t, &end, 10);
	if (errno || end == t || *end)
		return -EBADMSG;
	if (f->div > 1)
		*v = *v * (f->per ?: 1) / f->div;
	return 0;
}

static int get_row(const char *dir, const struct cg_knob_file *f, uint64_t *v)
{
	char path[PATH_MAX + 64], buf[8192], *t = buf;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, f->rd ?: f->file);
	r = read_text(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (f->key && !(t = key_line(buf, f->key)))
		return -ENODATA;
	t = field_of(t, f->field);
	if (!t)
		return -EBADMSG;
	return parse_val(f, t, v);
}

/* Cgroup files take one value per write(); O_TRUNC as a shell's ">". */
static int write_file(const char *path, const char *s)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return neg_errno();
	n = write(fd, s, strlen(s));
	if (n < 0)
		return neg_errno();
	return (size_t)n == strlen(s) ? 0 : -EIO;
}

static void format_val(const struct cg_knob_file *f, uint64_t v, char *buf,
		       size_t len)
{
	if (v == CG_VAL_MAX)
		snprintf(buf, len, "%s", f->inf ?: "max");
	else if (f->words)
		snprintf(buf, len, "%s", f->words[v < 2 ? v : 0]);
	else
		snprintf(buf, len, "%llu",
			 (unsigned long long)(f->div > 1 ? v * f->div /
								   (f->per ?: 1)
							 : v));
}

/*
 * A file of several fields (v2 cpu.max "QUOTA PERIOD"): read them all,
 * replace ours, write the whole line back.
 */
static int set_row(const char *dir, const struct cg_knob_file *f, uint64_t v)
{
	char path[PATH_MAX + 64], val[64], buf[256], out[256] = "";
	char *save = NULL, *t;
	int r;

	if (f->ro)
		return -EROFS;
	snprintf(path, sizeof(path), "%s/%s", dir, f->file);
	format_val(f, v, val, sizeof(val));
	if (f->nfields < 2)
		return write_file(path, val);
	r = read_text(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	t = strtok_r(buf, " \n", &save);
	for (int i = 0; i < f->nfields; i++) {
		if (!t)
			return -EBADMSG;
		snprintf(out + strlen(out), sizeof(out) - strlen(out), "%s%s",
			 i ? " " : "", i == f->field ? val : t);
		t = strtok_r(NULL, " \n", &save);
	}
	return write_file(path, out);
}

/*
 * Mutants (mutant.h): a reading broken so that it reports the property.
 * In a normal build mutant_on() is false and knob_mutant() returns NULL.
 */
enum km_how {
	KM_HIT,	   /* an event counter reads at least 1 */
	KM_ONE,	   /* a state reads 1 */
	KM_ZERO,   /* a state reads 0 */
	KM_PARENT, /* the file is read in the parent cgroup */
	KM_GROW,   /* a total reads a second more at every read */
};

static const struct knob_mutant {
	enum cg_knob k;
	enum mutant m;
	enum km_how how;
} knob_mutants[] = {
	{ CGK_PIDS_EVENTS_MAX, M_CG_COUNTERS_HIT, KM_HIT },
	{ CGK_MEM_OOM_KILL, M_CG_COUNTERS_HIT, KM_HIT },
	{ CGK_CPU_NR_THROTTLED, M_CG_COUNTERS_HIT, KM_HIT },
	{ CGK_FROZEN, M_CG_FROZEN, KM_ONE },
	{ CGK_POPULATED, M_CG_EMPTY, KM_ZERO },
	{ CGK_MEM_CURRENT, M_CG_STATS_PARENT, KM_PARENT },
	{ CGK_CPU_USAGE, M_CG_STATS_PARENT, KM_PARENT },
	{ CGK_CPU_USER, M_CG_STATS_PARENT, KM_PARENT },
	{ CGK_CPU_SYSTEM, M_CG_STATS_PARENT, KM_PARENT },
	/* cgroup v2 in depth, cgroup v1 */
	{ CGK_MEM_EV_HIGH, M_CG_COUNTERS_HIT, KM_HIT },
	{ CGK_MEM_EV_LOW, M_CG_COUNTERS_HIT, KM_HIT },
	{ CGK_MEM_EV_OOM_GROUP, M_CG_COUNTERS_HIT, KM_HIT },
	{ CGK_MEM_FAILCNT, M_CG_COUNTERS_HIT, KM_HIT },
	{ CGK_HUGETLB_EV_MAX, M_CG_COUNTERS_HIT, KM_HIT },
	{ CGK_MEM_PEAK, M_CG_STATS_PARENT, KM_PARENT },
	{ CGK_MEM_FILE, M_CG_STATS_PARENT, KM_PARENT },
	{ CGK_PIDS_PEAK, M_CG_STATS_PARENT, KM_PARENT },
	{ CGK_NR_DESCENDANTS, M_CG_STATS_PARENT, KM_PARENT },
	{ CGK_PSI_CPU_SOME, M_CG_PRESSURE, KM_GROW },
	{ CGK_PSI_CPU_FULL, M_CG_PRESSURE, KM_GROW },
	{ CGK_PSI_MEM_SOME, M_CG_PRESSURE, KM_GROW },
	{ CGK_PSI_MEM_FULL, M_CG_PRESSURE, KM_GROW },
	{ CGK_MEM_UNDER_OOM, M_CG1_FLAGS, KM_ONE },
	{ CGK_FREEZER_SELF, M_CG1_FLAGS, KM_ONE },
	{ CGK_FREEZER_PARENT, M_CG1_FLAGS, KM_ONE },
	{ CGK_NOTIFY_RELEASE, M_CG1_FLAGS, KM_ONE },
};

static const struct knob_mutant *knob_mutant(enum cg_knob k)
{
	for (size_t i = 0; i < ARRAY_SIZE(knob_mutants); i++)
		if (knob_mutants[i].k == k && mutant_on(knob_mutants[i].m))
			return &knob_mutants[i];
	return NULL;
}

static int get_mutated(const char *dir, const struct cg_knob_file *f,
		       const struct knob_mutant *mu, uint64_t *v)
{
	char up[PATH_MAX];
	int r;

	if (mu->how == KM_PARENT) {
		snprintf(up, sizeof(up), "%s", dir);
		if (strrchr(up, '/') > up)
			*strrchr(up, '/') = '\0';
		return get_row(up, f, v);
	}
	r = get_row(dir, f, v);
	if (r == 0 && mu->how == KM_GROW) {
		static uint64_t grown;
		*v += grown += 1000000;
	} else if (r == 0 && mu->how == KM_HIT)
		*v = *v ?: 1;
	else if (r == 0)
		*v = mu->how == KM_ONE;
	return r;
}

int cg_get(const struct cg_group *g, enum cg_knob k, uint64_t *v)
{
	const char *dir;
	const struct cg_knob_file *f = resolve(g, k, &dir);
	const struct knob_mutant *mu;

	if (!f)
		return -EOPNOTSUPP;
	mu = knob_mutant(k);
	return mu ? get_mutated(dir, f, mu, v) : get_row(dir, f, v);
}

int cg_set(const struct cg_group *g, enum cg_knob k, uint64_t v)
{
	const char *dir;
	const struct cg_knob_file *f = resolve(g, k, &dir);

	return f ? set_row(dir, f, v) : -EOPNOTSUPP;
}

int cg_get_dir(const char *dir, int version, enum cg_knob k, uint64_t *v)
{
	const struct cg_knob_file *f = row(k, version);

	return f ? get_row(dir, f, v) : -EOPNOTSUPP;
}

int cg_set_dir(const char *dir, int version, enum cg_knob k, uint64_t v)
{
	const struct cg_knob_file *f = row(k, version);

	return f ? set_row(dir, f, v) : -EOPNOTSUPP;
}

int cg_dir_has_pid(const char *dir, pid_t pid)
{
	char path[PATH_MAX + 32], buf[65536], *save = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	r = read_text(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (mutant_on(M_CG_LISTED))
		return 1;
	for (char *t = strtok_r(buf, "\n", &save); t;
	     t = strtok_r(NULL, "\n", &save))
		if (atoi(t) == pid)
			return 1;
	return 0;
}

int cg_pid_path(const struct cg_layout *l, int i, pid_t pid, char *buf,
		size_t len)
{
	char path[64], line[PATH_MAX + 256];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	f = fopen(path, "re");
	if (!f)
		return neg_errno();
	while (fgets(line, sizeof(line), f)) {
		const char *p;
		if (cg_line_hier(l, line, &p) == i) {
			snprintf(buf, len, "%s", p);
			return 0;
		}
	}
	return -ENOENT;
}

int cg_path_dir(const struct cg_layout *l, int i, const char *cgpath, char *buf,
		size_t len)
{
	const struct cg_hier *h = &l->hier[i];
	size_t n = strcmp(h->mroot, "/") == 0 ? 0 : strlen(h->mroot);
	int w;

	if (strncmp(cgpath, h->mroot, n) != 0 ||
	    (cgpath[n] != '/' && cgpath[n] != '\0') || strstr(cgpath, "/.."))
		return -ENOENT;
	w = snprintf(buf, len, "%s%s", h->mount,
		     strcmp(cgpath + n, "/") == 0 ? "" : cgpath + n);
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

/*
 * clone3 with CLONE_INTO_CGROUP (5.7+): the child starts life in the
 * cgroup, no migration. The cgroup must be on the v2 hierarchy.
 */
pid_t cg_clone_into(const struct cg_group *g)
{
	return cg_clone_into_flags(g, 0);
}

pid_t cg_clone_into_flags(const struct cg_group *g, unsigned long flags)
{
	struct clone_args a = { .flags = CLONE_INTO_CGROUP | flags,
				.exit_signal = SIGCHLD };
	const char *dir = cg_group_unified(g);
	_cleanup_close_ int fd = -1;
	long pid;

	if (!dir)
		return -EOPNOTSUPP;
	/* 1. A descriptor of the target cgroup directory. */
	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return neg_errno();
	a.cgroup = (unsigned)fd;
	/* 2. clone3 places the child there atomically. */
	pid = syscall(SYS_clone3, &a, sizeof(a));
	if (pid < 0)
		return neg_errno();
	return (pid_t)pid;
}
