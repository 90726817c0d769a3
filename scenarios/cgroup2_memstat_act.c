// SPDX-License-Identifier: MIT
/*
 * What a process does so that one memory.stat field of its cgroup moves
 * (cgroup2_memstat.c): each action makes and keeps something the memory
 * controller tracks. They run in a process of the observed cgroup (or of
 * its sibling, in the control) and return 0 or -errno.
 */
#include "cgroup2_memstat.h"

#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define HPAGE (2 * MIB)

static int anon(size_t len, int advice, char **out)
{
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long pg = sysconf(_SC_PAGESIZE);

	if (p == MAP_FAILED)
		return neg_errno();
	madvise(p, len, advice);
	for (size_t off = 0; off < len; off += (size_t)pg)
		p[off] = 1;
	if (out)
		*out = p;
	return 0;
}

static void *park(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

/*
 * MS_THREADS threads, a kernel stack each (THREAD_SIZE: 8 KiB on 32-bit
 * ARM, 16 KiB on x86_64 and arm64): twice the 16 stacks of 8 KiB that
 * the scenario's 128 KiB stands for, because a kernel may hold part of
 * them back from memory.stat. 5.10 counted kernel_stack in KiB and moved
 * a CPU's pending sum into memory.stat only once it passed
 * MEMCG_CHARGE_BATCH (32): with 8 KiB stacks every fifth one, so 16
 * threads showed 15 stacks (120 KiB) and up to 32 KiB stay per CPU.
 */
static int threads(const struct ms_where *w _unused_)
{
	for (int i = 0; i < MS_THREADS; i++) {
		pthread_t t;
		if (pthread_create(&t, NULL, park, NULL) != 0)
			return -EAGAIN;
	}
	return MS_THREADS;
}

/* One page touched every 2 MiB: a page table page for each. */
static int page_tables(const struct ms_where *w _unused_)
{
	size_t len = 512 * MIB;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (p == MAP_FAILED)
		return neg_errno();
	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += HPAGE)
		p[off] = 1;
	return 0;
}

/*
 * Memory cgroups made in percpu_dir, MS_PERCPU_GROUPS at a time, until
 * its memory.stat percpu has grown by w->until or MS_PERCPU_MAX are made:
 * their per-CPU data is charged to percpu_dir, and a kernel may hold up
 * to a batch of it per CPU back from memory.stat. 5.10 held up to
 * MEMCG_CHARGE_BATCH pages (128 KiB) per CPU, while a memory cgroup's
 * per-CPU data is, per possible CPU, about 5 KiB on a 64-bit kernel but
 * 1 to 2 KiB on a 32-bit one: 64 of them showed nothing on a one-CPU
 * 5.10 armhf guest, 128 did. Returns how many were made.
 */
static int percpu(const struct ms_where *w)
{
	char stat[PATH_MAX + 16], path[PATH_MAX + 16];
	uint64_t base, now;
	int n = 0, r;

	snprintf(stat, sizeof(stat), "%s/memory.stat", w->percpu_dir);
	if ((r = read_key_u64(stat, "percpu", &base)) < 0)
		return r;
	do {
		for (int i = 0; i < MS_PERCPU_GROUPS; i++, n++) {
			snprintf(path, sizeof(path), "%s/m%d", w->percpu_dir,
				 n);
			if (mkdir(path, 0755) < 0)
				return neg_errno();
		}
		if ((r = read_key_u64(stat, "percpu", &now)) < 0)
			return r;
	} while (now < base + w->until && n < MS_PERCPU_MAX);
	return n;
}

/* A TCP connection over lo whose data nobody reads. */
static int sockets(const struct ms_where *w _unused_)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	static char buf[64 * 1024];
	int l, s, r;

	if ((r = net_if_up("lo")) < 0)
		return r;
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (l < 0 || s < 0 || bind(l, (void *)&a, sizeof(a)) < 0 ||
	    listen(l, 1) < 0 || getsockname(l, (void *)&a, &al) < 0)
		return neg_errno();
	if (connect(s, (void *)&a, sizeof(a)) < 0 && errno != EINPROGRESS)
		return neg_errno();
	if (accept4(l, NULL, NULL, SOCK_CLOEXEC) < 0)
		return neg_errno();
	for (int i = 0; i < 256; i++) /* until both buffers are full */
		if (write(s, buf, sizeof(buf)) < 0)
			return errno == EAGAIN ? 0 : neg_errno();
	return 0;
}

static int files(const struct ms_where *w _unused_)
{
	char path[32];

	if (mkdir("many", 0755) < 0)
		return neg_errno();
	for (int i = 0; i < 2000; i++) {
		snprintf(path, sizeof(path), "many/%d", i);
		int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			return neg_errno();
		close(fd);
	}
	return 0;
}

/* A BPF array map of 1 MiB: vmalloc'ed, charged to its creator. */
static int bpf_map(const struct ms_where *w _unused_)
{
	union bpf_attr a;
	long fd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4096;
	a.max_entries = 256;
	fd = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	return fd < 0 ? neg_errno() : 0;
}

static int memfd(bool map)
{
	int fd = memfd_create("stat", MFD_CLOEXEC);
	static char buf[64 * 1024];
	char *p;

	if (fd < 0)
		return neg_errno();
	if (!map) {
		for (size_t n = 0; n < 4 * MIB; n += sizeof(buf))
			if (write(fd, buf, sizeof(buf)) < 0)
				return neg_errno();
		return 0;
	}
	if (ftruncate(fd, 4 * MIB) < 0)
		return neg_errno();
	p = mmap(NULL, 4 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return neg_errno();
	for (size_t off = 0; off < 4 * MIB; off += 4096)
		p[off] = 1;
	return 0;
}

/* Buffered IO on the loop device: its page cache. */
static int memfd_write(const struct ms_where *w _unused_)
{
	return memfd(false);
}

static int memfd_map(const struct ms_where *w _unused_)
{
	return memfd(true);
}

/* Buffered IO on the loop device: its page cache. */
static int bdev_io(const char *dev, bool write_it, int times)
{
	static char buf[64 * 1024];
	int fd = open(dev, (write_it ? O_WRONLY : O_RDONLY) | O_CLOEXEC);

	if (fd < 0)
		return neg_errno();
	for (int t = 0; t < times; t++)
		for (off_t off = 0; off < (off_t)(2 * MIB); off += sizeof(buf))
			if ((write_it ? pwrite(fd, buf, sizeof(buf), off)
				      : pread(fd, buf, sizeof(buf), off)) < 0)
				return neg_errno();
	return 0;
}

/* Every page of the device's first MiB faulted in from the device. */
static int major_faults(const struct ms_where *w)
{
	int fd = open(w->dev, O_RDONLY | O_CLOEXEC);
	volatile char *p;
	long sum = 0;

	if (fd < 0)
		return neg_errno();
	p = mmap(NULL, MIB, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return neg_errno();
	madvise((void *)p, MIB, MADV_RANDOM); /* no read-around */
	for (size_t off = 0; off < MIB; off += 4096)
		sum += p[off];
	return (int)(sum & 0);
}

/*
 * MS_THP_RANGES aligned MADV_HUGEPAGE ranges, one byte touched in each:
 * more than the 32 a kernel may hold back per CPU (5.10 counted anon_thp
 * and thp_fault_alloc in huge pages and events, batched per CPU by
 * MEMCG_CHARGE_BATCH before memory.stat showed them).
 */
static int thp(const struct ms_where *w _unused_)
{
	size_t len = (MS_THP_RANGES + 1) * HPAGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *a;

	if (p == MAP_FAILED)
		return neg_errno();
	a = p + ((HPAGE - (uintptr_t)p % HPAGE) % HPAGE); /* aligned */
	if (madvise(a, MS_THP_RANGES * HPAGE, MADV_HUGEPAGE) < 0)
		return neg_errno();
	for (size_t i = 0; i < MS_THP_RANGES; i++)
		a[i * HPAGE] = 1;
	return 0;
}

static int shmem_thp(const struct ms_where *w)
{
	char path[PATH_MAX + 8];
	static char buf[64 * 1024];
	int fd;

	snprintf(path, sizeof(path), "%s/f", w->mnt);
	fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return neg_errno();
	for (size_t n = 0; n < 4 * MIB; n += sizeof(buf))
		if (write(fd, buf, sizeof(buf)) < 0)
			return neg_errno();
	return 0;
}

static int locked(const struct ms_where *w _unused_)
{
	char *p;
	int r = anon(2 * MIB, MADV_NOHUGEPAGE, &p);

	/* the system call: the sanitizers' mlock() returns 0 unasked */
	return r ?: syscall(SYS_mlock, p, 2 * MIB) < 0 ? neg_errno() : 0;
}

/* Lazily freed pages, then reclaim asked of the process's own cgroup. */
static int lazy(const char *reclaim_dir)
{
	char *p;
	int r = anon(4 * MIB, MADV_NOHUGEPAGE, &p);

	if (r == 0 && madvise(p, 4 * MIB, MADV_FREE) < 0)
		r = neg_errno();
	if (r == 0 && reclaim_dir) {
		char path[PATH_MAX + 16];
		snprintf(path, sizeof(path), "%s/memory.reclaim", reclaim_dir);
		r = write_text(path, "4M");
		r = r == -EAGAIN ? 0 : r; /* reclaimed less: counted anyway */
	}
	return r;
}

/*
 * The kernel folds its per-CPU statistics into memory.stat only after
 * enough updates: a MiB touched and released makes sure it does.
 */
static void nudge(void)
{
	char *p = NULL;

	if (anon(MIB, MADV_NOHUGEPAGE, &p) == 0)
		munmap(p, MIB);
}

static int act_anon(const struct ms_where *w _unused_)
{
	return anon(4 * MIB, MADV_NOHUGEPAGE, NULL);
}

static int act_dirty(const struct ms_where *w)
{
	return bdev_io(w->dev, true, 1);
}

static int act_read(const struct ms_where *w)
{
	return bdev_io(w->dev, false, 1);
}

static int act_reread(const struct ms_where *w)
{
	return bdev_io(w->dev, false, 3);
}

static int act_lazy(const struct ms_where *w _unused_)
{
	return lazy(NULL);
}

static int act_reclaim(const struct ms_where *w)
{
	return lazy(w->own_dir);
}

static int (*const acts[ACT__COUNT])(const struct ms_where *) = {
	[ACT_ANON] = act_anon,	       [ACT_THREADS] = threads,
	[ACT_PGTABLES] = page_tables,  [ACT_PERCPU] = percpu,
	[ACT_SOCK] = sockets,	       [ACT_FILES] = files,
	[ACT_BPFMAP] = bpf_map,	       [ACT_SHMEM] = memfd_write,
	[ACT_MAPPED] = memfd_map,      [ACT_DIRTY] = act_dirty,
	[ACT_READ] = act_read,	       [ACT_REREAD] = act_reread,
	[ACT_MAJFAULT] = major_faults, [ACT_THP] = thp,
	[ACT_SHMEM_THP] = shmem_thp,   [ACT_MLOCK] = locked,
	[ACT_LAZYFREE] = act_lazy,     [ACT_RECLAIM] = act_reclaim,
};

int ms_act(void *where, int cmd)
{
	const struct ms_where *w = where;
	int r;

	(void)cmd;
	if ((unsigned)w->act >= ACT__COUNT || !acts[w->act])
		return -EINVAL;
	r = acts[w->act](w);
	nudge();
	return r;
}
