// SPDX-License-Identifier: MIT
#include "cgroup.h"

#include <fcntl.h>
#include <ftw.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>

const struct cg_ctrl_info cg_ctrl_table[CG__COUNT] = {
	[CG_CPU] = { "cpu", "cpu" },
	[CG_CPUACCT] = { "cpuacct", NULL },
	[CG_CPUSET] = { "cpuset", "cpuset" },
	[CG_MEMORY] = { "memory", "memory" },
	[CG_DEVICES] = { "devices", NULL },
	[CG_FREEZER] = { "freezer", NULL },
	[CG_IO] = { "blkio", "io" },
	[CG_PIDS] = { "pids", "pids" },
	[CG_HUGETLB] = { "hugetlb", "hugetlb" },
	[CG_PERF_EVENT] = { "perf_event", "perf_event" },
	[CG_NET_CLS] = { "net_cls", NULL },
	[CG_NET_PRIO] = { "net_prio", NULL },
	[CG_RDMA] = { "rdma", "rdma" },
	[CG_MISC] = { "misc", "misc" },
};

const char *const cg_mode_names[] = {
	[CG_MODE_NONE] = "none",
	[CG_MODE_V1] = "v1",
	[CG_MODE_HYBRID] = "hybrid",
	[CG_MODE_UNIFIED] = "unified",
};

int cg_ctrl_by_name(const char *name)
{
	for (int c = 0; c < CG__COUNT; c++) {
		const struct cg_ctrl_info *i = &cg_ctrl_table[c];
		if ((i->v1_name && strcmp(i->v1_name, name) == 0) ||
		    (i->v2_name && strcmp(i->v2_name, name) == 0))
			return c;
	}
	return -ENOENT;
}

/* Controllers named in a comma list; unknown names are ignored, not fatal. */
static unsigned ctrls_of_list(const char *list, char *named, size_t nlen)
{
	char buf[512], *tok, *save = NULL;
	unsigned mask = 0;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		int c = cg_ctrl_by_name(tok);
		if (c >= 0)
			mask |= CG_BIT(c);
		else if (strncmp(tok, "name=", 5) == 0 && named)
			snprintf(named, nlen, "%s", tok);
	}
	return mask;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *w = s;

	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] &&
		    r[3]) {
			*w++ = (char)strtol((char[]){ r[1], r[2], r[3], 0 },
					    NULL, 8);
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* s split at blanks, in place, into at most n fields: how many. */
static int split_fields(char *s, char **f, int n)
{
	char *save = NULL;
	int k = 0;

	for (char *t = strtok_r(s, " \t\n", &save); t && k < n;
	     t = strtok_r(NULL, " \t\n", &save))
		f[k++] = t;
	return k;
}

/*
 * One mountinfo line of a cgroup filesystem -> a hierarchy (without own):
 * "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPER",
 * split in place (sscanf wanted two PATH_MAX buffers and its own stack:
 * pages faulted in every `boxcheck exec`).
 */
static int parse_mount_line(char *line, const char *root, struct cg_hier *h)
{
	char *dash = strstr(line, " - "), *a[5], *b[3];

	if (!dash)
		return -EINVAL;
	*dash = '\0';
	if (split_fields(line, a, 5) != 5 || split_fields(dash + 3, b, 3) != 3)
		return -EINVAL;
	memset(h, 0, sizeof(*h));
	if (strcmp(b[0], "cgroup2") == 0)
		h->version = 2;
	else if (strcmp(b[0], "cgroup") == 0)
		h->version = 1;
	else
		return -ENOENT;
	unescape(a[4]);
	unescape(a[3]);
	/* Cut at CG_PATH_MAX, they make the hierarchy unusable (check_statfs) */
	if (snprintf(h->mount, sizeof(h->mount), "%s%s", root, a[4]) < 0 ||
	    snprintf(h->mroot, sizeof(h->mroot), "%s", a[3]) < 0 ||
	    snprintf(h->opts, sizeof(h->opts), "%s", b[2]) < 0)
		return -EINVAL;
	if (h->version == 1)
		h->ctrls = ctrls_of_list(b[2], h->name, sizeof(h->name));
	return 0;
}

static bool same_v1_hier(const struct cg_hier *h, unsigned ctrls,
			 const char *named)
{
	return h->version == 1 && h->ctrls == ctrls &&
	       strcmp(h->name, named) == 0;
}

static int find_hier(const struct cg_layout *l, int version, unsigned ctrls,
		     const char *named)
{
	for (int i = 0; i < l->n; i++) {
		if (version == 2 && l->hier[i].version == 2)
			return i;
		if (version == 1 && same_v1_hier(&l->hier[i], ctrls, named))
			return i;
	}
	return -1;
}

/*
 * The same hierarchy can be mounted twice: a whole-tree mount and a bind of
 * a subtree (as container runtimes do). The whole tree reaches our cgroup
 * wherever it sits, so it wins.
 */
static int read_mounts(const char *root, struct cg_layout *l)
{
	char path[PATH_MAX], line[8192];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/proc/self/mountinfo", root);
	f = fopen(path, "re");
	if (!f)
		return neg_errno();
	while (fgets(line, sizeof(line), f)) {
		struct cg_hier h;
		int i;

		if (parse_mount_line(line, root, &h) < 0)
			continue;
		i = find_hier(l, h.version, h.ctrls, h.name);
		if (i >= 0) {
			if (strcmp(l->hier[i].mroot, "/") != 0 &&
			    strcmp(h.mroot, "/") == 0)
				l->hier[i] = h;
			continue;
		}
		if (l->n < CG_MAX_HIER)
			l->hier[l->n++] = h;
	}
	return 0;
}

/*
 * Our cgroup as seen through the mount: /proc/self/cgroup names it from the
 * hierarchy's root, the mount shows the subtree mroot. -ENOENT when our
 * cgroup is outside that subtree (it cannot be reached from here).
 */
static int own_below_mount(struct cg_hier *h, const char *cgpath)
{
	size_t n = strlen(h->mroot);

	/* Outside our cgroup namespace: "/../.." */
	if (strstr(cgpath, "/..") || cgpath[0] != '/')
		return -ENOENT;
	if (strcmp(h->mroot, "/") != 0) {
		if (strncmp(cgpath, h->mroot, n) != 0 ||
		    (cgpath[n] != '/' && cgpath[n] != '\0'))
			return -ENOENT;
		cgpath = cgpath[n] ? cgpath + n : "/";
	}
	if (snprintf(h->own, sizeof(h->own), "%s", cgpath) >=
	    (int)sizeof(h->own))
		return -ENAMETOOLONG;
	return 0;
}

/* /proc/self/cgroup: "ID:CONTROLLERS:PATH" per hierarchy. */
int cg_line_hier(const struct cg_layout *l, char *line, const char **path)
{
	char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char named[64] = "";
	unsigned ctrls;

	if (!c2)
		return -1;
	*c2 = '\0';
	*path = chomp(c2 + 1);
	ctrls = ctrls_of_list(c1 + 1, named, sizeof(named));
	return find_hier(l, c1[1] ? 1 : 2, ctrls, named);
}

static int read_own(const char *root, struct cg_layout *l)
{
	char path[PATH_MAX], line[PATH_MAX + 256];
	_cleanup_fclose_ FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/proc/self/cgroup", root);
	f = fopen(path, "re");
	if (!f)
		return neg_errno();
	while (fgets(line, sizeof(line), f)) {
		const char *own;
		int i = cg_line_hier(l, line, &own);

		if (i >= 0 && own[0] == '/')
			l->hier[i].err = own_below_mount(&l->hier[i], own);
	}
	return 0;
}

/*
 * Cross-check each mount with statfs: mountinfo can list a mount that is
 * hidden under a later one, and only the filesystem magic says what a path
 * really shows. A fake tree (root != "") is plain directories: accepted.
 * A mount point or mounted root cut at CG_PATH_MAX is unusable.
 */
static void check_statfs(const char *root, struct cg_hier *h)
{
	struct statfs sf;
	int v = 0;

	if (strlen(h->mount) >= sizeof(h->mount) - 1 ||
	    strlen(h->mroot) >= sizeof(h->mroot) - 1) {
		h->err = -ENAMETOOLONG;
		return;
	}
	if (statfs(h->mount, &sf) < 0) {
		h->err = h->err ?: neg_errno();
		return;
	}
	if ((unsigned long)sf.f_type == CGROUP2_SUPER_MAGIC)
		v = 2;
	else if ((unsigned long)sf.f_type == CGROUP_SUPER_MAGIC)
		v = 1;
	if (v ? v != h->version : !root[0])
		h->err = h->err ?: -EMEDIUMTYPE;
}

/*
 * On v2 our children can use only what our own cgroup delegates in its
 * cgroup.subtree_control. We never write that file: it is not ours.
 */
static void read_v2_ctrls(struct cg_hier *h)
{
	char path[2 * PATH_MAX + 32], buf[1024];

	h->ctrls = 0;
	snprintf(path, sizeof(path), "%s%s/cgroup.subtree_control", h->mount,
		 strcmp(h->own, "/") == 0 ? "" : h->own);
	if (read_text(path, buf, sizeof(buf)) >= 0) {
		for (char *p = buf; *p; p++)
			if (*p == ' ' || *p == '\n')
				*p = ',';
		h->ctrls = ctrls_of_list(buf, NULL, 0);
	}
}

static void classify(struct cg_layout *l)
{
	bool v1 = false;

	l->unified = -1;
	for (int c = 0; c < CG__COUNT; c++)
		l->by_ctrl[c] = -1;
	for (int i = 0; i < l->n; i++) {
		struct cg_hier *h = &l->hier[i];
		if (h->err)
			continue;
		if (h->version == 2) {
			read_v2_ctrls(h);
			l->unified = i;
			continue;
		}
		v1 = v1 || h->ctrls;
		for (int c = 0; c < CG__COUNT; c++)
			if (h->ctrls & CG_BIT(c))
				l->by_ctrl[c] = i;
	}
	/* A controller bound to v1 is not available on v2 at the same time. */
	if (l->unified >= 0)
		for (int c = 0; c < CG__COUNT; c++)
			if (l->by_ctrl[c] < 0 &&
			    (l->hier[l->unified].ctrls & CG_BIT(c)))
				l->by_ctrl[c] = l->unified;
	if (v1)
		l->mode = l->unified >= 0 ? CG_MODE_HYBRID : CG_MODE_V1;
	else
		l->mode = l->unified >= 0 ? CG_MODE_UNIFIED : CG_MODE_NONE;
}

/*
 * Only the hierarchies holding one of ctrls, and cgroup2, are checked;
 * all with CG_ALL (named ones, without a controller, too).
 */
static int detect(const char *root, struct cg_layout *l, unsigned ctrls)
{
	int r;

	/*
	 * The header only: an entry is written whole when its hierarchy is
	 * found, and none past n is read. Zeroing all CG_MAX_HIER entries
	 * (200 KB of path buffers) was 20 page faults more in every
	 * `boxcheck exec`.
	 */
	l->mode = CG_MODE_NONE;
	l->n = 0;
	l->unified = -1;
	for (int c = 0; c < CG__COUNT; c++)
		l->by_ctrl[c] = -1;
	r = read_mounts(root, l);
	if (r < 0)
		return r;
	/* Not listed in /proc/self/cgroup: we sit at the hierarchy's root. */
	for (int i = 0; i < l->n; i++)
		l->hier[i].err = own_below_mount(&l->hier[i], "/");
	r = read_own(root, l);
	if (r < 0)
		return r;
	for (int i = 0; i < l->n; i++) {
		struct cg_hier *h = &l->hier[i];
		if (ctrls == CG_ALL || h->version == 2 || (h->ctrls & ctrls))
			check_statfs(root, h);
		else
			h->err = h->err ?: -ESRCH;
	}
	classify(l);
	return 0;
}

int cg_layout_detect_at(const char *root, struct cg_layout *l)
{
	return detect(root, l, CG_ALL);
}

int cg_layout_detect(struct cg_layout *l)
{
	return detect("", l, CG_ALL);
}

int cg_layout_detect_for(struct cg_layout *l, unsigned ctrls)
{
	return detect("", l, ctrls);
}

unsigned cg_layout_ctrls(const struct cg_layout *l)
{
	unsigned mask = 0;

	for (int c = 0; c < CG__COUNT; c++)
		if (l->by_ctrl[c] >= 0)
			mask |= CG_BIT(c);
	return mask;
}

int cg_own_dir(const struct cg_layout *l, int i, char *buf, size_t len)
{
	const struct cg_hier *h = &l->hier[i];
	int n;

	if (h->err)
		return h->err;
	n = snprintf(buf, len, "%s%s", h->mount,
		     strcmp(h->own, "/") == 0 ? "" : h->own);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/*
 * v2: offer controllers to the children of a dir we made (top-down: a
 * controller can be enabled only where the parent offers it). All at once
 * first; if the kernel refuses one (EBUSY from the no-internal-process
 * rule refuses all), each on its own so the others still go through.
 */
static int enable_subtree(const char *dir, unsigned ctrls)
{
	char path[PATH_MAX + 32], buf[1024], cmd[1024] = "";
	char *tok, *save = NULL, *one = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	r = read_text(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	for (tok = strtok_r(buf, " \n", &save); tok;
	     tok = strtok_r(NULL, " \n", &save)) {
		int c = cg_ctrl_by_name(tok);
		if (c >= 0 && (ctrls & CG_BIT(c)))
			snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
				 "+%s ", tok);
	}
	if (!cmd[0])
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	r = write_text(path, cmd);
	if (r == 0 || r == -EBUSY)
		return r;
	r = 0;
	save = NULL;
	for (one = strtok_r(cmd, " ", &save); one;
	     one = strtok_r(NULL, " ", &save)) {
		int w = write_text(path, one);
		r = r ?: w;
	}
	return r;
}

int cg_group_enable(const struct cg_group *g, unsigned ctrls)
{
	const char *dir = cg_group_unified(g);

	return dir ? enable_subtree(dir, ctrls) : 0;
}

void cg_group_delegate(const struct cg_group *g)
{
	cg_group_enable(g, ~0u);
}

static bool group_wants(const struct cg_layout *l, int i, unsigned ctrls)
{
	if (l->hier[i].err)
		return false;
	return (l->hier[i].ctrls & ctrls) || i == l->unified;
}

/*
 * An empty group of l: no dir ours. The dirs are left as they are (see
 * struct cg_group): each is a page of its own, and writing them all
 * cost a page fault per hierarchy of the layout in every start.
 */
static void group_init(struct cg_group *g, const struct cg_layout *l)
{
	g->layout = l;
	g->hiers = 0;
}

int cg_group_create(const struct cg_layout *l, const char *name, unsigned ctrls,
		    struct cg_group *g)
{
	group_init(g, l);
	for (int i = 0; i < l->n; i++) {
		char own[PATH_MAX];
		int r;

		if (!group_wants(l, i, ctrls))
			continue;
		r = cg_own_dir(l, i, own, sizeof(own));
		if (r == 0 && snprintf(g->dir[i], PATH_MAX, "%s/%s", own,
				       name) >= PATH_MAX)
			r = -ENAMETOOLONG;
		if (r == 0 && mkdir(g->dir[i], 0755) < 0)
			r = neg_errno();
		if (r < 0) {
			cg_group_destroy(g);
			return r;
		}
		g->hiers |= 1u << i;
	}
	return 0;
}

int cg_group_child_on(const struct cg_group *g, const char *name,
		      unsigned ctrls, struct cg_group *child)
{
	const struct cg_layout *l = g->layout;

	group_init(child, l);
	for (int i = 0; i < CG_MAX_HIER; i++) {
		int r = 0;

		if (!(g->hiers & (1u << i)))
			continue;
		if (ctrls != CG_ALL && !(l->hier[i].ctrls & ctrls) &&
		    i != l->unified)
			continue;
		if (snprintf(child->dir[i], PATH_MAX, "%s/%s", g->dir[i],
			     name) >= PATH_MAX)
			r = -ENAMETOOLONG;
		else if (mkdir(child->dir[i], 0755) < 0)
			r = neg_errno();
		if (r < 0) {
			cg_group_destroy(child);
			return r;
		}
		child->hiers |= 1u << i;
	}
	return 0;
}

int cg_group_child(const struct cg_group *g, const char *name,
		   struct cg_group *child)
{
	return cg_group_child_on(g, name, CG_ALL, child);
}

int cg_group_attach(const struct cg_group *g, pid_t pid)
{
	char path[PATH_MAX + 32];

	for (int i = 0; i < CG_MAX_HIER; i++) {
		int r;
		if (!(g->hiers & (1u << i)))
			continue;
		snprintf(path, sizeof(path), "%s/cgroup.procs", g->dir[i]);
		r = write_fmt(path, "%d", pid);
		if (r < 0)
			return r;
	}
	return 0;
}

const char *cg_group_dir(const struct cg_group *g, enum cg_ctrl c)
{
	int i = g->layout->by_ctrl[c];

	if (i < 0 || !(g->hiers & (1u << i)))
		return NULL;
	return g->dir[i];
}

int cg_group_path(const struct cg_group *g, enum cg_ctrl c, const char *file,
		  char *buf, size_t len)
{
	const char *dir = cg_group_dir(g, c);

	if (!dir)
		return -ENOENT;
	if (snprintf(buf, len, "%s/%s", dir, file) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

const char *cg_group_unified(const struct cg_group *g)
{
	int i = g->layout->unified;

	return i >= 0 && (g->hiers & (1u << i)) ? g->dir[i] : NULL;
}

/* Count of processes in dir and all directories below it. */
int cg_dir_nprocs(const char *dir)
{
	char path[PATH_MAX + 32], buf[65536];
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0, r;

	if (!d)
		return neg_errno();
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	r = read_text(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	for (char *p = buf; *p; p++)
		n += *p == '\n';
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		r = cg_dir_nprocs(path);
		if (r > 0)
			n += r;
	}
	return n;
}

/* Thaw first: a frozen task cannot act on SIGKILL. */
static void thaw(const char *dir)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/freezer.state", dir);
	if (path_exists(path))
		write_text(path, "THAWED");
	snprintf(path, sizeof(path), "%s/cgroup.freeze", dir);
	if (path_exists(path))
		write_text(path, "0");
}

static void kill_listed(const char *dir)
{
	char path[PATH_MAX + 32], buf[65536], *save = NULL;
	_cleanup_closedir_ DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	thaw(dir);
	snprintf(path, sizeof(path), "%s/cgroup.kill", dir);
	if (write_text(path, "1") < 0) {
		snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
		if (read_text(path, buf, sizeof(buf)) > 0)
			for (char *t = strtok_r(buf, "\n", &save); t;
			     t = strtok_r(NULL, "\n", &save))
				kill(atoi(t), SIGKILL);
	}
	while ((e = readdir(d))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		kill_listed(path);
	}
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Kill loop: processes may fork while we read the list. ~5 s at most. */
int cg_dir_kill(const char *dir)
{
	for (int round = 0; round < 5000; round++) {
		int n = cg_dir_nprocs(dir);
		if (n == -ENOENT)
			return 0;
		if (n <= 0)
			return n;
		kill_listed(dir);
		sleep_ms(round < 100 ? 0 : 1);
	}
	return -EBUSY;
}

static int rmdir_one(const char *path, const struct stat *st, int flag,
		     struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag != FTW_DP)
		return 0;
	/* rmdir can answer EBUSY while the last tasks are being released. */
	for (int i = 0; i < 1000; i++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -1;
		sleep_ms(1);
	}
	return -1;
}

int cg_dir_remove(const char *dir)
{
	int r;

	/* An empty cgroup, the usual case, goes with one rmdir: the kernel
	 * refuses it while tasks or child groups are left (EBUSY). */
	if (rmdir(dir) == 0 || errno == ENOENT)
		return 0;
	r = cg_dir_kill(dir);

	if (r < 0 && r != -ENOENT)
		return r;
	if (!path_exists(dir))
		return 0;
	if (nftw(dir, rmdir_one, 16, FTW_DEPTH | FTW_PHYS) < 0)
		return neg_errno();
	return 0;
}

int cg_group_kill(const struct cg_group *g)
{
	int ret = 0;

	for (int i = 0; i < CG_MAX_HIER; i++) {
		if (g->hiers & (1u << i)) {
			int r = cg_dir_kill(g->dir[i]);
			if (r < 0 && !ret)
				ret = r;
		}
	}
	return ret;
}

int cg_group_destroy(struct cg_group *g)
{
	int ret = 0;

	for (int i = 0; i < CG_MAX_HIER; i++) {
		if (!(g->hiers & (1u << i)))
			continue;
		int r = cg_dir_remove(g->dir[i]);
		if (r < 0 && !ret)
			ret = r;
		else
			g->hiers &= ~(1u << i);
	}
	return ret;
}

void cg_group_destroyp(struct cg_group *g)
{
	if (g->layout)
		cg_group_destroy(g);
}

int cg_common_own(const struct cg_layout *l, char *buf, size_t len)
{
	const char *deep = "/";

	for (int i = 0; i < l->n; i++)
		if (strlen(l->hier[i].own) > strlen(deep))
			deep = l->hier[i].own;
	for (int i = 0; i < l->n; i++) {
		const char *own = l->hier[i].own;
		size_t n = strlen(own);
		if (strcmp(own, "/") != 0 &&
		    (strncmp(deep, own, n) != 0 || (deep[n] && deep[n] != '/')))
			return -ENOENT;
	}
	return snprintf(buf, len, "%s", deep) < (int)len ? 0 : -ENAMETOOLONG;
}

void cg_abs_track(const struct cg_layout *l, const char *abs,
		  struct cg_abs_track *t)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < l->n && i < CG_MAX_HIER; i++) {
		const char *mount = l->hier[i].mount;
		size_t at = 0;

		/* Walk abs one component at a time: /a, /a/b, /a/b/c ... */
		while (abs[at] == '/') {
			const char *next = strchr(abs + at + 1, '/');
			char path[PATH_MAX];

			at = next ? (size_t)(next - abs) : strlen(abs);
			if (snprintf(path, sizeof(path), "%s%.*s", mount,
				     (int)at, abs) >= (int)sizeof(path))
				break;
			if (!path_exists(path)) {
				snprintf(t->first_new[i], PATH_MAX, "%s", path);
				break;
			}
		}
	}
}

void cg_abs_release(const struct cg_layout *l, struct cg_abs_track *t)
{
	for (int i = 0; i < l->n && i < CG_MAX_HIER; i++) {
		if (t->first_new[i][0] && path_exists(t->first_new[i]))
			cg_dir_remove(t->first_new[i]);
		t->first_new[i][0] = '\0';
	}
}
