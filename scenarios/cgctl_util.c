// SPDX-License-Identifier: MIT
/* Helpers of the controller interface-file scenarios (cgctl_util.h). */
#include "cgctl_util.h"
#include "../primitives/mutant.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/loop.h>
#include <linux/perf_event.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#define MARK 0x5a

/* The value text of line `key` of buf, cut out in place; NULL if none. */
static char *line_of(char *buf, const char *key)
{
	size_t n = strlen(key);
	char *save = NULL;

	for (char *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (strncmp(l, key, n) == 0 && l[n] == ' ')
			return l + n + 1;
	return NULL;
}

static int parse_u64(const char *t, uint64_t *v)
{
	char *end;

	if (strncmp(t, "max", 3) == 0 && (!t[3] || t[3] == '\n'))
		return *v = CG_VAL_MAX, 0;
	errno = 0;
	*v = strtoull(t, &end, 10);
	return errno || end == t || (*end && *end != '\n' && *end != ' ')
		       ? -EBADMSG
		       : 0;
}

static int read_key(const char *dir, const char *file, const char *key,
		    bool psi, uint64_t *v)
{
	char path[PATH_MAX + 64], buf[8192], *t = buf;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	r = read_text(path, buf, sizeof(buf));
	if (r < 0)
		return r;
	if (key && !(t = line_of(buf, key)))
		return -ENODATA;
	if (psi && !(t = strstr(t, "total=")))
		return -EBADMSG;
	return parse_u64(psi ? t + 6 : t, v);
}

int cgx_key(const char *dir, const char *file, const char *key,
	    enum cgx_kind kind, uint64_t *v)
{
	static uint64_t grown;
	char up[PATH_MAX];
	int r;

	if (kind == CGX_OWN && mutant_on(M_CG_STATS_PARENT)) {
		snprintf(up, sizeof(up), "%s", dir);
		if (strrchr(up, '/') > up)
			*strrchr(up, '/') = '\0';
		return read_key(up, file, key, false, v);
	}
	r = read_key(dir, file, key, kind == CGX_PSI, v);
	if (r == 0 && kind == CGX_EVENT && mutant_on(M_CG_COUNTERS_HIT))
		*v = *v ?: 1;
	if (r == 0 && kind == CGX_PSI && mutant_on(M_CG_PRESSURE))
		*v += grown += 1000000;
	return r;
}

int cgx_get(struct ctx *c, const char *dir, const char *file, const char *key,
	    enum cgx_kind kind, uint64_t *v)
{
	int r = cgx_key(dir, file, key, kind, v);

	if (r == -ENODATA)
		return ctx_skip(c, "kernel's cgroup file %s has no %s line",
				file, key);
	if (r < 0)
		return ctx_error(c, r, "read %s%s%s", file, key ? " " : "",
				 key ?: "");
	return 0;
}

const char *cgx_err(int r)
{
	return r ? strerrorname_np(-r) ?: "?" : "ok";
}

int cgx_need(struct ctx *c, const char *dir, const char *file)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return path_exists(path)
		       ? 0
		       : ctx_skip(c, "kernel has no cgroup file %s", file);
}

int cgx_set(struct ctx *c, const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	r = write_text(path, text);
	return r < 0 ? ctx_error(c, r, "write \"%s\" to %s", text, file) : 0;
}

int cgx_group(struct ctx *c, const struct cg_group *of, const char *name,
	      unsigned ctrls, unsigned sub, struct cg_group *g)
{
	TRY(c, cg_group_child_on(of, name, ctrls, g), name);
	if (!cg_group_unified(g))
		return ctx_skip(c, "no cgroup v2 directory for this run");
	if (sub)
		TRY(c, cg_group_enable(g, sub), "offer controllers below");
	return 0;
}

/* The actor's side: a command, its result, until the pipe closes. */
struct actor_arg {
	cgx_act_fn fn;
	void *arg;
	struct cgx_actor *a;
};

static int actor_loop(void *arg)
{
	struct actor_arg *aa = arg;
	int cmd;

	closep(&aa->a->go.wr);
	closep(&aa->a->rep.rd);
	while (chan_recv_int(&aa->a->go, &cmd) == 0)
		if (chan_send_int(&aa->a->rep, aa->fn(aa->arg, cmd)) < 0)
			return 1;
	return 0;
}

int cgx_actor_start(struct ctx *c, const struct cg_group *g, cgx_act_fn fn,
		    void *arg, struct cgx_actor *a)
{
	struct actor_arg aa = { fn, arg, a };

	TRY(c, chan_open(&a->go), "pipe");
	TRY(c, chan_open(&a->rep), "pipe");
	a->pid = TRY(c, cgs_fork_in(g, actor_loop, &aa), "start a process");
	closep(&a->go.rd);
	closep(&a->rep.wr);
	return 0;
}

int cgx_actor_do(struct ctx *c, struct cgx_actor *a, int cmd, const char *what,
		 int *res)
{
	int r = 0;

	TRY(c, chan_send_int(&a->go, cmd), what);
	TRY(c, chan_recv_int(&a->rep, &r), what);
	TRY(c, r, what);
	*res = r;
	return 0;
}

int cgx_actor_finish(struct ctx *c, struct cgx_actor *a, const char *who,
		     int *sig)
{
	chan_close(&a->go);
	chan_close(&a->rep);
	return cgs_reap(c, TAKE_PID(a->pid), who, sig);
}

void cgx_actor_end(struct cgx_actor *a)
{
	chan_close(&a->go);
	chan_close(&a->rep);
	reapp(&a->pid);
}

int cgx_lazy_fn(void *lazy, int cmd)
{
	struct cgx_lazy *l = lazy;

	if (cmd == CGX_LAZY_COUNT)
		return l->p ? (int)cgs_pages_intact(l->p, l->len, MARK)
			    : -EINVAL;
	l->p = mmap(NULL, l->len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (l->p == MAP_FAILED)
		return l->p = NULL, neg_errno();
	madvise(l->p, l->len, MADV_NOHUGEPAGE); /* a page at a time */
	memset(l->p, MARK, l->len);
	return madvise(l->p, l->len, MADV_FREE) < 0 ? neg_errno() : 0;
}

int cgx_lazy_start(struct ctx *c, const struct cg_group *g, struct cgx_lazy *l,
		   struct cgx_actor *a)
{
	int r;

	TRY_OBS(cgx_actor_start(c, g, cgx_lazy_fn, l, a));
	return cgx_actor_do(c, a, CGX_LAZY_FILL, "fill and MADV_FREE pages",
			    &r);
}

int cgx_mem_group(struct ctx *c, const struct cg_group *of, const char *name,
		  unsigned sub, struct cg_group *g)
{
	TRY_OBS(cgx_group(c, of, name, CG_BIT(CG_MEMORY), sub, g));
	return cgx_need(c, cg_group_unified(g), "memory.current");
}

long cgx_pages(uint64_t len)
{
	return (long)(len / (uint64_t)sysconf(_SC_PAGESIZE));
}

void cgx_squeeze_end(struct cgx_squeeze *s)
{
	cgx_actor_end(&s->lazy);
	cg_group_destroy(&s->b);
	cg_group_destroy(&s->a);
	cg_group_destroy(&s->p);
}

int cgx_squeeze_start(struct ctx *c, struct cgx_squeeze *s, uint64_t max,
		      const char *knob, size_t lazy)
{
	struct cgx_lazy l = { .len = lazy };
	char v[32];

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_mem_group(c, c->cg, "parent", CG_BIT(CG_MEMORY), &s->p));
	TRY_OBS(cgx_mem_group(c, &s->p, "a", 0, &s->a));
	TRY_OBS(cgx_mem_group(c, &s->p, "b", 0, &s->b));
	TRY_OBS(cgx_need(c, cg_group_unified(&s->a), knob));
	snprintf(v, sizeof(v), "%llu", (unsigned long long)max);
	TRY_OBS(cgx_set(c, cg_group_unified(&s->p), "memory.max", v));
	return cgx_lazy_start(c, &s->a, &l, &s->lazy);
}

int cgx_press(struct ctx *c, const struct cg_group *g, size_t len, int *sig)
{
	pid_t pid = TRY(c, cgs_fork_in(g, cgs_touch_fn, &len), "press");

	return cgs_reap(c, pid, "the pressure", sig);
}

int cgx_adj_hold_fn(void *arg)
{
	struct cgx_adj_hold *h = arg;
	char v[16];

	snprintf(v, sizeof(v), "%d", h->adj);
	if (h->set && write_text("/proc/self/oom_score_adj", v) < 0)
		return 3;
	return cgs_hold(h->hold);
}

void cgx_loop_close(struct cgx_loop *l)
{
	closep(&l->fd);
}

/* Configure a free loop device over fd: 0 or -errno. */
static int loop_configure(int backing, bool writable, struct cgx_loop *l)
{
	struct loop_config cfg = { .fd = (unsigned)backing };
	_cleanup_close_ int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);

	if (ctl < 0)
		return neg_errno();
	cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR;
	if (!writable)
		cfg.info.lo_flags |= LO_FLAGS_READ_ONLY;
	for (int tries = 0; tries < 8; tries++) {
		int n = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (n < 0)
			return neg_errno();
		snprintf(l->path, sizeof(l->path), "/dev/loop%d", n);
		l->fd = open(l->path,
			     (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		if (l->fd < 0)
			return neg_errno();
		if (ioctl(l->fd, LOOP_CONFIGURE, &cfg) == 0)
			return 0;
		closep(&l->fd);
		if (errno != EBUSY) /* taken meanwhile: another one */
			return neg_errno();
	}
	return -EBUSY;
}

int cgx_loop_attach(struct ctx *c, const char *backing, size_t size,
		    bool writable, struct cgx_loop *l)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (!path_exists("/dev/loop-control"))
		return ctx_skip(c, "no loop devices (/dev/loop-control "
				   "missing): no block device of our own");
	fd = open(backing, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	TRY(c, fd < 0 ? neg_errno() : ftruncate(fd, (off_t)size), backing);
	TRY(c, loop_configure(fd, writable, l), "attach a loop device");
	TRY(c, fstat(l->fd, &st) < 0 ? neg_errno() : 0, "stat the loop device");
	l->rdev = st.st_rdev;
	return 0;
}

int cgx_io_stat(const char *dir, dev_t dev, const char *key, uint64_t *v)
{
	char path[PATH_MAX + 16], buf[4096], dk[32], kk[32], *save = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/io.stat", dir);
	if (mutant_on(M_CG_STATS_PARENT) && strrchr(path, '/') > path) {
		char *slash = strrchr(path, '/');
		*slash = '\0';
		if ((slash = strrchr(path, '/')))
			strcpy(slash, "/io.stat");
	}
	if ((r = read_text(path, buf, sizeof(buf))) < 0)
		return r;
	snprintf(dk, sizeof(dk), "%u:%u ", major(dev), minor(dev));
	snprintf(kk, sizeof(kk), " %s=", key);
	*v = 0;
	for (char *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(l, kk);
		if (strncmp(l, dk, strlen(dk)) == 0 && p)
			*v = strtoull(p + strlen(kk), NULL, 10);
	}
	return 0;
}

int cgx_perf_cgroup(const char *dir, int cpu)
{
	struct perf_event_attr a = {
		.type = PERF_TYPE_SOFTWARE,
		.size = sizeof(a),
		.config = PERF_COUNT_SW_TASK_CLOCK,
	};
	_cleanup_close_ int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long fd;

	if (cg < 0)
		return neg_errno();
	fd = syscall(SYS_perf_event_open, &a, cg, cpu, -1,
		     PERF_FLAG_PID_CGROUP | PERF_FLAG_FD_CLOEXEC);
	return fd < 0 ? neg_errno() : (int)fd;
}

int cgx_perf_read(int fd, uint64_t *ns)
{
	static uint64_t grown;

	if (read(fd, ns, sizeof(*ns)) != sizeof(*ns))
		return errno ? neg_errno() : -EIO;
	if (mutant_on(M_CG_PERF_COUNT))
		*ns += grown += 1000000000;
	return 0;
}

/* One BPF instruction. */
static struct bpf_insn insn(unsigned char code, unsigned char dst,
			    unsigned char src, short off, int imm)
{
	return (struct bpf_insn){ .code = code,
				  .dst_reg = dst,
				  .src_reg = src,
				  .off = off,
				  .imm = imm };
}

int cgx_devcg_load(unsigned major, unsigned minor, unsigned deny)
{
	/* r2 = access_type; the type in its low half, the access above. */
	const struct bpf_insn prog[] = {
		insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, 0, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_X, 3, 2, 0, 0),
		insn(BPF_ALU64 | BPF_AND | BPF_K, 3, 0, 0, 0xffff),
		insn(BPF_JMP | BPF_JNE | BPF_K, 3, 0, 9, BPF_DEVCG_DEV_CHAR),
		insn(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 4, 0), /* major */
		insn(BPF_JMP | BPF_JNE | BPF_K, 3, 0, 7, (int)major),
		insn(BPF_LDX | BPF_MEM | BPF_W, 3, 1, 8, 0), /* minor */
		insn(BPF_JMP | BPF_JNE | BPF_K, 3, 0, 5, (int)minor),
		insn(BPF_ALU64 | BPF_RSH | BPF_K, 2, 0, 0, 16),
		insn(BPF_ALU64 | BPF_AND | BPF_K, 2, 0, 0, (int)deny),
		insn(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 2, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0), /* deny */
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
		insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1), /* allow */
		insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	union bpf_attr a;
	long fd;

	/* The jump offsets above count from the next insn to "allow". */
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)prog;
	a.insn_cnt = ARRAY_SIZE(prog);
	a.license = (uintptr_t) "GPL";
	fd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd >= 0)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	return fd < 0 ? neg_errno() : (int)fd;
}

int cgx_devcg_attach(const char *dir, int prog)
{
	_cleanup_close_ int cg = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	union bpf_attr a;

	if (cg < 0)
		return neg_errno();
	memset(&a, 0, sizeof(a));
	a.target_fd = (unsigned)cg;
	a.attach_bpf_fd = (unsigned)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	return syscall(SYS_bpf, BPF_PROG_ATTACH, &a, sizeof(a)) < 0
		       ? neg_errno()
		       : 0;
}
