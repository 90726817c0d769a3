// SPDX-License-Identifier: MIT
/*
 * memory.stat (admin-guide/cgroup-v2.rst, "memory.stat"): each field
 * follows what the cgroup's processes do. One scenario per field: a
 * process of the cgroup makes and keeps what the field tracks (anonymous
 * memory, kernel stacks, page tables, sockets, page cache, huge pages,
 * locked pages, faults, lazily freed and reclaimed pages), and the field
 * grows by about that much. In the control the same process acts from a
 * sibling cgroup: the observed cgroup's field stays.
 */
#include "cgroup2_memstat.h"

#include <string.h>
#include <sys/mount.h>

#define THP_ENABLED "/sys/kernel/mm/transparent_hugepage/enabled"

enum ms_need {
	N_LOOP = 1,	/* a read-only loop device */
	N_RWLOOP = 2,	/* a writable one */
	N_THP = 4,	/* transparent huge pages on */
	N_HUGETMP = 8,	/* a tmpfs mounted huge=always */
	N_PERCPU = 16,	/* the cgroups offer memory below */
	N_RECLAIM = 32, /* memory.reclaim */
	N_TWO_LRU = 64, /* the active/inactive LRU, not the multi-gen one */
	N_SETTLE = 128, /* read again until the kernel's periodic flush */
};

struct ms_row {
	const char *field[2]; /* summed */
	uint64_t min;	      /* growth of the sum at least */
	bool count;	      /* events, not bytes */
	enum ms_act act;
	unsigned needs;
};

enum {
	R_ANON,
	R_KERNEL,
	R_KSTACK,
	R_PGTABLES,
	R_PERCPU,
	R_SOCK,
	R_VMALLOC,
	R_SLAB,
	R_SHMEM,
	R_MAPPED,
	R_DIRTY,
	R_ANON_THP,
	R_THP_FAULT,
	R_SHMEM_THP,
	R_LRU_ANON,
	R_LRU_FILE,
	R_UNEVICT,
	R_PGFAULT,
	R_PGMAJFAULT,
	R_PGACTIVATE,
	R_PGLAZYFREE,
	R_PGLAZYFREED,
	R_PGSCAN,
	R_PGSTEAL,
};

static const struct ms_row rows[] = {
	[R_ANON] = { { "anon" }, 3 * MIB, false, ACT_ANON, 0 },
	[R_KERNEL] = { { "kernel" }, 128 * KIB, false, ACT_THREADS, 0 },
	[R_KSTACK] = { { "kernel_stack" }, 128 * KIB, false, ACT_THREADS, 0 },
	[R_PGTABLES] = { { "pagetables" }, 512 * KIB, false, ACT_PGTABLES, 0 },
	[R_PERCPU] = { { "percpu" },
		       8 * KIB,
		       false,
		       ACT_PERCPU,
		       N_PERCPU | N_SETTLE },
	[R_SOCK] = { { "sock" }, 64 * KIB, false, ACT_SOCK, 0 },
	[R_VMALLOC] = { { "vmalloc" }, 512 * KIB, false, ACT_BPFMAP, 0 },
	[R_SLAB] = { { "slab" }, 256 * KIB, false, ACT_FILES, 0 },
	[R_SHMEM] = { { "shmem" }, 3 * MIB, false, ACT_SHMEM, 0 },
	[R_MAPPED] = { { "file_mapped" }, 3 * MIB, false, ACT_MAPPED, 0 },
	[R_DIRTY] = { { "file_dirty" }, MIB, false, ACT_DIRTY, N_RWLOOP },
	[R_ANON_THP] = { { "anon_thp" }, 2 * MIB, false, ACT_THP, N_THP },
	[R_THP_FAULT] = { { "thp_fault_alloc" }, 1, true, ACT_THP, N_THP },
	[R_SHMEM_THP] = { { "shmem_thp" },
			  2 * MIB,
			  false,
			  ACT_SHMEM_THP,
			  N_HUGETMP },
	[R_LRU_ANON] = { { "inactive_anon", "active_anon" },
			 3 * MIB,
			 false,
			 ACT_ANON,
			 0 },
	[R_LRU_FILE] = { { "inactive_file", "active_file" },
			 MIB,
			 false,
			 ACT_READ,
			 N_LOOP },
	[R_UNEVICT] = { { "unevictable" }, MIB, false, ACT_MLOCK, 0 },
	[R_PGFAULT] = { { "pgfault" }, 768, true, ACT_ANON, 0 },
	[R_PGMAJFAULT] = { { "pgmajfault" }, 128, true, ACT_MAJFAULT, N_LOOP },
	[R_PGACTIVATE] = { { "pgactivate" },
			   64,
			   true,
			   ACT_REREAD,
			   N_LOOP | N_TWO_LRU },
	[R_PGLAZYFREE] = { { "pglazyfree" }, 768, true, ACT_LAZYFREE, 0 },
	[R_PGLAZYFREED] = { { "pglazyfreed" },
			    256,
			    true,
			    ACT_RECLAIM,
			    N_RECLAIM },
	[R_PGSCAN] = { { "pgscan" }, 256, true, ACT_RECLAIM, N_RECLAIM },
	[R_PGSTEAL] = { { "pgsteal" }, 256, true, ACT_RECLAIM, N_RECLAIM },
};

static int need_thp(struct ctx *c)
{
	char buf[128];

	if (read_text(THP_ENABLED, buf, sizeof(buf)) < 0)
		return ctx_skip(c,
				"kernel has no transparent huge pages (%s "
				"missing)",
				THP_ENABLED);
	if (strstr(buf, "[never]"))
		return ctx_skip(c, "transparent huge pages are off (%s: never)",
				THP_ENABLED);
	return 0;
}

#define LRU_GEN "/sys/kernel/mm/lru_gen/enabled"

/*
 * With the multi-gen LRU on, a page used again gains a reference in its
 * generation and is never moved to an active list, so nothing counts
 * pgactivate (mm/swap.c, folio_mark_accessed). Debian's 6.12 turns it on
 * (CONFIG_LRU_GEN_ENABLED), its 6.1 does not.
 */
static int need_two_lru(struct ctx *c)
{
	char buf[32];

	if (read_text(LRU_GEN, buf, sizeof(buf)) < 0)
		return 0; /* no multi-gen LRU in this kernel */
	ctx_kv(c, "lru_gen/enabled", "%s", chomp(buf));
	if (strtoul(buf, NULL, 0) & 1)
		return ctx_skip(c,
				"the multi-gen LRU is on (%s: %s): pages move "
				"between generations, never to an active list "
				"that pgactivate counts",
				LRU_GEN, buf);
	return 0;
}

/* What the scenario prepares for an action; undone by ms_env_end. */
struct ms_env {
	struct cg_group g, s;
	struct cgx_loop loop;
	bool mounted;
};

static void ms_env_end(struct ms_env *e)
{
	if (e->mounted)
		umount2("hugetmp", MNT_DETACH);
	cgx_loop_close(&e->loop);
	cg_group_destroy(&e->s);
	cg_group_destroy(&e->g);
}

static int huge_tmpfs(struct ctx *c, struct ms_env *e)
{
	int r;

	TRY(c, mkdir("hugetmp", 0700) < 0 ? neg_errno() : 0, "mkdir hugetmp");
	r = mount("tmpfs", "hugetmp", "tmpfs", 0, "huge=always,size=16M");
	if (r < 0 && errno == EINVAL)
		return ctx_skip(c, "tmpfs takes no huge=always (no transparent "
				   "huge pages for shmem)");
	TRY(c, r < 0 ? neg_errno() : 0, "mount tmpfs huge=always");
	e->mounted = true;
	return 0;
}

static int ms_prepare(struct ctx *c, const struct ms_row *row, struct ms_env *e,
		      struct ms_where *w)
{
	if (row->needs & N_THP)
		TRY_OBS(need_thp(c));
	if (row->needs & N_TWO_LRU)
		TRY_OBS(need_two_lru(c));
	if (row->needs & (N_LOOP | N_RWLOOP)) {
		TRY_OBS(cgx_loop_attach(c, "backing", 4 * MIB,
					row->needs & N_RWLOOP, &e->loop));
		w->dev = e->loop.path;
	}
	if (row->needs & N_HUGETMP) {
		TRY_OBS(huge_tmpfs(c, e));
		w->mnt = "hugetmp";
	}
	if (row->needs & N_PERCPU) {
		TRY(c, cg_group_enable(&e->g, CG_BIT(CG_MEMORY)),
		    "offer memory");
		TRY(c, cg_group_enable(&e->s, CG_BIT(CG_MEMORY)),
		    "offer memory");
	}
	if (row->needs & N_RECLAIM)
		TRY_OBS(cgx_need(c, cg_group_unified(&e->g), "memory.reclaim"));
	return 0;
}

struct ms_seen {
	uint64_t before, after; /* the fields' sum */
	int made;		/* threads or cgroups the action made */
};

static int sum_fields(struct ctx *c, const char *dir, const struct ms_row *row,
		      uint64_t *sum)
{
	uint64_t v;

	*sum = 0;
	for (int i = 0; i < 2 && row->field[i]; i++) {
		TRY_OBS(cgx_get(c, dir, "memory.stat", row->field[i], CGX_OWN,
				&v));
		*sum += v;
	}
	return 0;
}

/*
 * Read the fields again until they grew by the row's minimum or
 * SETTLE_MS passed: from 6.8 a read of memory.stat flushes a cgroup's
 * pending per-CPU updates only past a per-cgroup threshold
 * (MEMCG_CHARGE_BATCH x CPUs); the rest waits for the periodic flush,
 * every 2 s (mm/memcontrol.c, FLUSH_TIME).
 */
#define SETTLE_MS 2500

static int settle_fields(struct ctx *c, const char *dir,
			 const struct ms_row *row, struct ms_seen *o)
{
	for (int waited = 0;; waited += 100) {
		TRY_OBS(sum_fields(c, dir, row, &o->after));
		if (!(row->needs & N_SETTLE) || waited >= SETTLE_MS ||
		    o->after >= o->before + row->min)
			return 0;
		usleep(100 * 1000);
	}
}

static int observe_ms(struct ctx *c, struct ms_seen *o, int r)
{
	_cleanup_(ms_env_end) struct ms_env e = { .loop = CGX_LOOP_INIT };
	_cleanup_actor_ struct cgx_actor a = CGX_ACTOR_INIT;
	const struct ms_row *row = &rows[r];
	struct ms_where w = { .act = row->act };
	const struct cg_group *place;
	const char *dir;
	int res;

	TRY_OBS(cgs_need_group(c));
	TRY_OBS(cgx_mem_group(c, c->cg, "observed", 0, &e.g));
	TRY_OBS(cgx_mem_group(c, c->cg, "sibling", 0, &e.s));
	dir = cg_group_unified(&e.g);
	TRY_OBS(ms_prepare(c, row, &e, &w));
	/*
	 * 1. The acting process in the observed cgroup (isolated) or beside.
	 * A memory cgroup's per-CPU data is charged to its parent: that
	 * action makes its cgroups in the observed cgroup or beside, from
	 * where we are.
	 */
	w.own_dir = cg_group_unified(c->isolate ? &e.g : &e.s);
	w.percpu_dir = w.own_dir;
	w.until = row->min;
	place = row->needs & N_PERCPU ? NULL : c->isolate ? &e.g : &e.s;
	TRY_OBS(cgx_actor_start(c, place, ms_act, &w, &a));
	/* 2. The field before and after it acted. */
	TRY_OBS(sum_fields(c, dir, row, &o->before));
	TRY_OBS(cgx_actor_do(c, &a, 0, "the action", &res));
	o->made = res;
	return settle_fields(c, dir, row, o);
}

static enum obs judge_ms(struct judge *j, const struct ms_seen *o, int r)
{
	const struct ms_row *row = &rows[r];
	uint64_t grew = o->after > o->before ? o->after - o->before : 0;
	char name[64];

	snprintf(name, sizeof(name), "%s%s%s", row->field[0],
		 row->field[1] ? " + " : "", row->field[1] ?: "");
	judge_kv(j, "field", "%s", name);
	if (o->made > 0)
		judge_kv(j, row->act == ACT_THREADS ? "threads" : "cgroups",
			 "%d", o->made);
	judge_kv(j, "before", "%llu", (unsigned long long)o->before);
	judge_kv(j, "after", "%llu", (unsigned long long)o->after);
	return judge_holds(j, grew >= row->min,
			   "%s grew by %llu%s (at least %llu expected)", name,
			   (unsigned long long)grew, row->count ? "" : " bytes",
			   (unsigned long long)row->min);
}

#define MS_CHECK(name_, row_)                                                  \
	static int observe_##name_(struct ctx *c, struct ms_seen *o)           \
	{                                                                      \
		return observe_ms(c, o, row_);                                 \
	}                                                                      \
	static enum obs judge_##name_(struct judge *j,                         \
				      const struct ms_seen *o)                 \
	{                                                                      \
		return judge_ms(j, o, row_);                                   \
	}                                                                      \
	CHECK(name_, struct ms_seen, observe_##name_, judge_##name_)
MS_CHECK(ms_anon, R_ANON);
MS_CHECK(ms_kernel, R_KERNEL);
MS_CHECK(ms_kstack, R_KSTACK);
MS_CHECK(ms_pgtables, R_PGTABLES);
MS_CHECK(ms_percpu, R_PERCPU);
MS_CHECK(ms_sock, R_SOCK);
MS_CHECK(ms_vmalloc, R_VMALLOC);
MS_CHECK(ms_slab, R_SLAB);
MS_CHECK(ms_shmem, R_SHMEM);
MS_CHECK(ms_mapped, R_MAPPED);
MS_CHECK(ms_dirty, R_DIRTY);
MS_CHECK(ms_anon_thp, R_ANON_THP);
MS_CHECK(ms_thp_fault, R_THP_FAULT);
MS_CHECK(ms_shmem_thp, R_SHMEM_THP);
MS_CHECK(ms_lru_anon, R_LRU_ANON);
MS_CHECK(ms_lru_file, R_LRU_FILE);
MS_CHECK(ms_unevict, R_UNEVICT);
MS_CHECK(ms_pgfault, R_PGFAULT);
MS_CHECK(ms_pgmajfault, R_PGMAJFAULT);
MS_CHECK(ms_pgactivate, R_PGACTIVATE);
MS_CHECK(ms_pglazyfree, R_PGLAZYFREE);
MS_CHECK(ms_pglazyfreed, R_PGLAZYFREED);
MS_CHECK(ms_pgscan, R_PGSCAN);
MS_CHECK(ms_pgsteal, R_PGSTEAL);

#define MS(id_, does_, expect_, check_)                                        \
	{                                                                      \
		.id = "cgroup2/memory-stat-" id_,                              \
		.title = "memory.stat " id_ " follows the cgroup's processes", \
		.property = "after " does_ ", the cgroup's memory.stat " id_   \
			    " has grown by at least " expect_,                 \
		.expect = id_ " grew >= " expect_,                             \
		.req = { .root = true,                                         \
			 .cgroup_version = 2,                                  \
			 .ctrls = CG_BIT(CG_MEMORY) },                         \
		.tags = { "cgroup", "v2", "memory.stat" }, .check = &check_,   \
	}

static const struct scenario cgroup2_memstat[] = {
	MS("anon", "a process of the cgroup touches 4 MiB of anonymous memory",
	   "3 MiB", ms_anon),
	MS("kernel", "a process of the cgroup starts 32 threads", "128 KiB",
	   ms_kernel),
	MS("kernel_stack", "a process of the cgroup starts 32 threads",
	   "128 KiB", ms_kstack),
	MS("pagetables",
	   "a process of the cgroup touches a page every 2 MiB of 512 MiB",
	   "512 KiB", ms_pgtables),
	MS("percpu",
	   "the cgroup gets child memory cgroups (their per-CPU data), 32 at "
	   "a time until it shows, at most 512",
	   "8 KiB", ms_percpu),
	MS("sock",
	   "a process of the cgroup fills a TCP connection over lo that nobody "
	   "reads",
	   "64 KiB", ms_sock),
	MS("vmalloc", "a process of the cgroup creates a 1 MiB BPF array map",
	   "512 KiB", ms_vmalloc),
	MS("slab", "a process of the cgroup creates 2000 empty files",
	   "256 KiB", ms_slab),
	MS("shmem", "a process of the cgroup writes 4 MiB to a memfd", "3 MiB",
	   ms_shmem),
	MS("file_mapped",
	   "a process of the cgroup maps a 4 MiB memfd and touches it", "3 MiB",
	   ms_mapped),
	MS("file_dirty",
	   "a process of the cgroup writes 2 MiB to a block device (buffered)",
	   "1 MiB", ms_dirty),
	MS("anon_thp",
	   "a process of the cgroup touches forty MADV_HUGEPAGE 2 MiB ranges",
	   "2 MiB", ms_anon_thp),
	MS("thp_fault_alloc",
	   "a process of the cgroup touches forty MADV_HUGEPAGE 2 MiB ranges",
	   "1", ms_thp_fault),
	MS("shmem_thp",
	   "a process of the cgroup writes 4 MiB to a file of a huge=always "
	   "tmpfs",
	   "2 MiB", ms_shmem_thp),
	MS("lru-anon",
	   "a process of the cgroup touches 4 MiB of anonymous memory "
	   "(inactive_anon + "
	   "active_anon)",
	   "3 MiB", ms_lru_anon),
	MS("lru-file",
	   "a process of the cgroup reads 2 MiB of a block device "
	   "(inactive_file + "
	   "active_file)",
	   "1 MiB", ms_lru_file),
	MS("unevictable", "a process of the cgroup mlocks 2 MiB", "1 MiB",
	   ms_unevict),
	MS("pgfault", "a process of the cgroup touches 4 MiB (1024 pages)",
	   "768", ms_pgfault),
	MS("pgmajfault",
	   "a process of the cgroup faults 1 MiB of a block device in through "
	   "a mapping",
	   "128", ms_pgmajfault),
	MS("pgactivate",
	   "a process of the cgroup reads 2 MiB of a block device three times",
	   "64", ms_pgactivate),
	MS("pglazyfree",
	   "a process of the cgroup frees 4 MiB with MADV_FREE (1024 pages)",
	   "768", ms_pglazyfree),
	MS("pglazyfreed",
	   "a process of the cgroup frees 4 MiB with MADV_FREE and asks "
	   "memory.reclaim "
	   "for 4M",
	   "256", ms_pglazyfreed),
	MS("pgscan",
	   "a process of the cgroup frees 4 MiB with MADV_FREE and asks "
	   "memory.reclaim for "
	   "4M",
	   "256", ms_pgscan),
	MS("pgsteal",
	   "a process of the cgroup frees 4 MiB with MADV_FREE and asks "
	   "memory.reclaim for "
	   "4M",
	   "256", ms_pgsteal),
};

BOXCHECK_AREA(cgroup2_memstat, cgroup2_memstat);
