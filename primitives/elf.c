// SPDX-License-Identifier: MIT
/* ELF program interpreter and DT_NEEDED resolution; see elf.h. */
#include "elf.h"
#include "mutant.h"

#include <elf.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

/* ---- parsing ------------------------------------------------------- */

/* A mapped file; every read is bounds-checked against len. */
struct view {
	const unsigned char *p;
	size_t len;
	bool is64;
};

static bool in_bounds(const struct view *v, uint64_t off, uint64_t n)
{
	return off <= v->len && n <= v->len - off;
}

/* Program header i, widened to the 64-bit layout. */
static int phdr_at(const struct view *v, const Elf64_Ehdr *eh, size_t i,
		   Elf64_Phdr *ph)
{
	uint64_t off = eh->e_phoff + (uint64_t)i * eh->e_phentsize;

	if (!in_bounds(v, off,
		       v->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)))
		return -ENOEXEC;
	if (v->is64) {
		memcpy(ph, v->p + off, sizeof(*ph));
		return 0;
	}
	Elf32_Phdr p32;
	memcpy(&p32, v->p + off, sizeof(p32));
	*ph = (Elf64_Phdr){ .p_type = p32.p_type,
			    .p_offset = p32.p_offset,
			    .p_vaddr = p32.p_vaddr,
			    .p_filesz = p32.p_filesz };
	return 0;
}

static int ehdr_of(struct view *v, Elf64_Ehdr *eh)
{
	if (v->len < EI_NIDENT || memcmp(v->p, ELFMAG, SELFMAG) != 0)
		return -ENOEXEC;
	if (v->p[EI_DATA] !=
	    (__BYTE_ORDER == __LITTLE_ENDIAN ? ELFDATA2LSB : ELFDATA2MSB))
		return -ENOEXEC; /* foreign byte order: not supported */
	v->is64 = v->p[EI_CLASS] == ELFCLASS64;
	if (!v->is64 && v->p[EI_CLASS] != ELFCLASS32)
		return -ENOEXEC;
	if (v->is64) {
		if (v->len < sizeof(*eh))
			return -ENOEXEC;
		memcpy(eh, v->p, sizeof(*eh));
	} else {
		Elf32_Ehdr e32;
		if (v->len < sizeof(e32))
			return -ENOEXEC;
		memcpy(&e32, v->p, sizeof(e32));
		*eh = (Elf64_Ehdr){ .e_type = e32.e_type,
				    .e_machine = e32.e_machine,
				    .e_flags = e32.e_flags,
				    .e_phoff = e32.e_phoff,
				    .e_phentsize = e32.e_phentsize,
				    .e_phnum = e32.e_phnum };
	}
	if (eh->e_phnum && eh->e_phentsize < (v->is64 ? sizeof(Elf64_Phdr)
						      : sizeof(Elf32_Phdr)))
		return -ENOEXEC;
	return 0;
}

/* File offset of a virtual address, through the PT_LOAD segments. */
static int vaddr_to_off(const struct view *v, const Elf64_Ehdr *eh,
			uint64_t addr, uint64_t *off)
{
	Elf64_Phdr ph;

	for (size_t i = 0; i < eh->e_phnum; i++) {
		if (phdr_at(v, eh, i, &ph) < 0)
			return -ENOEXEC;
		if (ph.p_type == PT_LOAD && addr >= ph.p_vaddr &&
		    addr - ph.p_vaddr < ph.p_filesz) {
			*off = ph.p_offset + (addr - ph.p_vaddr);
			return 0;
		}
	}
	return -ENOEXEC;
}

/* Copy a NUL-terminated string at off; -ENOEXEC if it runs off the file. */
static int str_at(const struct view *v, uint64_t off, char *dst, size_t len)
{
	const unsigned char *end;

	if (off >= v->len)
		return -ENOEXEC;
	end = memchr(v->p + off, '\0', v->len - off);
	if (!end || (size_t)(end - (v->p + off)) >= len)
		return -ENAMETOOLONG;
	memcpy(dst, v->p + off, end - (v->p + off) + 1);
	return 0;
}

struct dyn {
	int64_t tag;
	uint64_t val;
};

static struct dyn dyn_at(const struct view *v, uint64_t off)
{
	if (v->is64) {
		Elf64_Dyn d;
		memcpy(&d, v->p + off, sizeof(d));
		return (struct dyn){ d.d_tag, d.d_un.d_val };
	}
	Elf32_Dyn d;
	memcpy(&d, v->p + off, sizeof(d));
	return (struct dyn){ d.d_tag, d.d_un.d_val };
}

/* Two passes over PT_DYNAMIC: find DT_STRTAB, then read the strings. */
static int read_dynamic(const struct view *v, const Elf64_Ehdr *eh,
			const Elf64_Phdr *dp, struct elf_info *e)
{
	size_t esz = v->is64 ? sizeof(Elf64_Dyn) : sizeof(Elf32_Dyn);
	uint64_t strtab = 0, stroff;
	bool have_strtab = false;
	int r;

	if (!in_bounds(v, dp->p_offset, dp->p_filesz))
		return -ENOEXEC;
	for (uint64_t o = 0; o + esz <= dp->p_filesz; o += esz) {
		struct dyn d = dyn_at(v, dp->p_offset + o);
		if (d.tag == DT_NULL)
			break;
		if (d.tag == DT_STRTAB) {
			strtab = d.val;
			have_strtab = true;
		}
	}
	if (!have_strtab)
		return 0;
	r = vaddr_to_off(v, eh, strtab, &stroff);
	if (r < 0)
		return r;
	for (uint64_t o = 0; o + esz <= dp->p_filesz; o += esz) {
		struct dyn d = dyn_at(v, dp->p_offset + o);
		if (d.tag == DT_NULL)
			break;
		if (d.tag == DT_NEEDED) {
			if (e->n_needed == ELF_MAX_NEEDED)
				return -E2BIG;
			r = str_at(v, stroff + d.val, e->needed[e->n_needed++],
				   ELF_NAME_MAX);
		} else if (d.tag == DT_RPATH) {
			r = str_at(v, stroff + d.val, e->rpath, PATH_MAX);
		} else if (d.tag == DT_RUNPATH) {
			r = str_at(v, stroff + d.val, e->runpath, PATH_MAX);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static enum elf_float float_of(const Elf64_Ehdr *eh)
{
	if (eh->e_machine != EM_ARM ||
	    EF_ARM_EABI_VERSION(eh->e_flags) != EF_ARM_EABI_VER5)
		return ELF_FLOAT_ANY;
	if (eh->e_flags & EF_ARM_ABI_FLOAT_HARD)
		return ELF_FLOAT_HARD;
	if (eh->e_flags & EF_ARM_ABI_FLOAT_SOFT)
		return ELF_FLOAT_SOFT;
	return ELF_FLOAT_ANY;
}

static int parse(struct view *v, struct elf_info *e)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	int r = ehdr_of(v, &eh);

	if (r < 0)
		return r;
	memset(e, 0, sizeof(*e));
	e->is64 = v->is64;
	e->machine = eh.e_machine;
	e->type = eh.e_type;
	e->flags = eh.e_flags;
	e->fabi = float_of(&eh);
	for (size_t i = 0; i < eh.e_phnum; i++) {
		r = phdr_at(v, &eh, i, &ph);
		if (r == 0 && ph.p_type == PT_INTERP)
			r = in_bounds(v, ph.p_offset, ph.p_filesz)
				    ? str_at(v, ph.p_offset, e->interp,
					     sizeof(e->interp))
				    : -ENOEXEC;
		if (r == 0 && ph.p_type == PT_DYNAMIC) {
			e->dynamic = true;
			r = read_dynamic(v, &eh, &ph, e);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

int elf_read_fd(int fd, struct elf_info *e)
{
	struct stat st;
	struct view v = { 0 };
	void *p;
	int r;

	if (fstat(fd, &st) < 0)
		return neg_errno();
	if (!S_ISREG(st.st_mode) || st.st_size < EI_NIDENT)
		return -ENOEXEC;
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED)
		return neg_errno();
	v.p = p;
	v.len = st.st_size;
	r = parse(&v, e);
	munmap(p, st.st_size);
	return r;
}

int elf_read(const char *path, struct elf_info *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return neg_errno();
	return elf_read_fd(fd, e);
}

/* ---- the search ---------------------------------------------------- */

/* ELF_FLOAT_ANY in the table: the row holds whatever the object's ABI. */
static const struct {
	uint16_t machine;
	bool is64;
	enum elf_float fabi;
	const char *triplet;
} multiarch_table[] = {
	{ EM_X86_64, true, ELF_FLOAT_ANY, "x86_64-linux-gnu" },
	{ EM_X86_64, false, ELF_FLOAT_ANY, "x86_64-linux-gnux32" },
	{ EM_386, false, ELF_FLOAT_ANY, "i386-linux-gnu" },
	{ EM_AARCH64, true, ELF_FLOAT_ANY, "aarch64-linux-gnu" },
	{ EM_ARM, false, ELF_FLOAT_HARD, "arm-linux-gnueabihf" },
	{ EM_ARM, false, ELF_FLOAT_SOFT, "arm-linux-gnueabi" },
	{ EM_RISCV, true, ELF_FLOAT_ANY, "riscv64-linux-gnu" },
	{ EM_PPC64, true, ELF_FLOAT_ANY, "powerpc64le-linux-gnu" },
	{ EM_S390, true, ELF_FLOAT_ANY, "s390x-linux-gnu" },
	{ EM_MIPS, true, ELF_FLOAT_ANY, "mips64el-linux-gnuabi64" },
	{ EM_LOONGARCH, true, ELF_FLOAT_ANY, "loongarch64-linux-gnu" },
};

const char *elf_multiarch(uint16_t machine, bool is64, enum elf_float fabi)
{
	for (size_t i = 0; i < ARRAY_SIZE(multiarch_table); i++)
		if (multiarch_table[i].machine == machine &&
		    multiarch_table[i].is64 == is64 &&
		    (multiarch_table[i].fabi == ELF_FLOAT_ANY ||
		     multiarch_table[i].fabi == fabi))
			return multiarch_table[i].triplet;
	return NULL;
}

/* The ARM loaders' names (glibc): the hard-float one has its own. */
enum elf_float elf_float_of_interp(const char *interp)
{
	const char *base = interp ? strrchr(interp, '/') : NULL;

	base = base ? base + 1 : interp;
	if (!base)
		return ELF_FLOAT_ANY;
	if (strcmp(base, "ld-linux-armhf.so.3") == 0)
		return ELF_FLOAT_HARD;
	if (strcmp(base, "ld-linux.so.3") == 0)
		return ELF_FLOAT_SOFT;
	return ELF_FLOAT_ANY;
}

int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = { .flags = flags | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT };
	long fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));

	if (fd < 0 && errno == ENOSYS)
		fd = openat(rootfd, path[0] == '/' ? path + 1 : path,
			    flags | O_CLOEXEC); /* no openat2: best effort */
	return fd < 0 ? neg_errno() : (int)fd;
}

/* The state of one collection: the root, the config dirs and the result. */
struct walk {
	int rootfd;
	enum elf_float fabi; /* the program's (the loader's) float ABI */
	const char *root;    /* "/" or a sysroot */
	char **conf;	     /* ld.so.conf directories */
	size_t n_conf;
	struct elf_deps *d;
};

static int strv_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int conf_load(struct walk *w, const char *file, int depth);

/* "include GLOB": the glob is expanded inside the root, like the path. */
static int conf_include(struct walk *w, const char *pattern, int depth)
{
	bool top = strcmp(w->root, "/") == 0;
	size_t skip = top ? 0 : strlen(w->root);
	char pat[PATH_MAX];
	glob_t g;
	int r = 0;

	snprintf(pat, sizeof(pat), "%s%s%s", top ? "" : w->root,
		 pattern[0] == '/' ? "" : "/etc/", pattern);
	if (glob(pat, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; r == 0 && i < g.gl_pathc; i++)
		r = conf_load(w, g.gl_pathv[i] + skip, depth + 1);
	globfree(&g);
	return r;
}

static int conf_load(struct walk *w, const char *file, int depth)
{
	_cleanup_fclose_ FILE *f = NULL;
	char line[PATH_MAX];
	int fd, r = 0;

	if (depth > 8)
		return 0;
	fd = open_in_root(w->rootfd, file, O_RDONLY);
	if (fd < 0 || !(f = fdopen(fd, "re"))) {
		if (fd >= 0)
			close(fd);
		return 0; /* no ld.so.conf: only the defaults */
	}
	while (r == 0 && fgets(line, sizeof(line), f)) {
		char *s = line + strspn(line, " \t");
		s[strcspn(s, "#\n")] = '\0';
		chomp(s);
		if (strncmp(s, "include", 7) == 0 &&
		    (s[7] == ' ' || s[7] == '\t'))
			r = conf_include(w, s + 8 + strspn(s + 8, " \t"),
					 depth);
		else if (s[0] == '/')
			r = strv_push(&w->conf, &w->n_conf, s);
	}
	return r;
}

/*
 * An object the loader would accept for `from`: ELF, same class and arch,
 * and on ARM a float ABI that does not contradict the program's.
 */
static bool usable(struct walk *w, const char *path,
		   const struct elf_info *from)
{
	_cleanup_close_ int fd = open_in_root(w->rootfd, path, O_RDONLY);
	_cleanup_free_ struct elf_info *e = malloc(sizeof(*e));

	if (fd < 0 || !e || elf_read_fd(fd, e) < 0)
		return false;
	if (e->fabi != ELF_FLOAT_ANY && w->fabi != ELF_FLOAT_ANY &&
	    e->fabi != w->fabi)
		return false;
	return e->is64 == from->is64 && e->machine == from->machine;
}

static void dirname_of(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
}

/* Try each dir of a ':' list; $ORIGIN is the needing object's directory. */
static bool try_list(struct walk *w, const char *list, const char *origin,
		     const char *name, const struct elf_info *from, char *out)
{
	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, ":");
		char dir[PATH_MAX];
		if (n >= 7 && strncmp(p, "$ORIGIN", 7) == 0)
			snprintf(dir, sizeof(dir), "%s%.*s", origin,
				 (int)(n - 7), p + 7);
		else if (n >= 9 && strncmp(p, "${ORIGIN}", 9) == 0)
			snprintf(dir, sizeof(dir), "%s%.*s", origin,
				 (int)(n - 9), p + 9);
		else
			snprintf(dir, sizeof(dir), "%.*s", (int)n, p);
		p += n + (p[n] == ':');
		if (!strchr(dir, '$') && dir[0] == '/' &&
		    snprintf(out, PATH_MAX, "%s/%s", dir, name) < PATH_MAX &&
		    usable(w, out, from))
			return true;
	}
	return false;
}

static int resolve(struct walk *w, const char *name, const char *from_path,
		   const struct elf_info *from, char *out)
{
	const char *tri = elf_multiarch(from->machine, from->is64, w->fabi);
	char origin[PATH_MAX], defaults[4 * PATH_MAX];

	if (strchr(name, '/'))
		return snprintf(out, PATH_MAX, "%s", name) < PATH_MAX
			       ? 0
			       : -ENAMETOOLONG;
	dirname_of(from_path, origin, sizeof(origin));
	/* 1. DT_RPATH, ignored when DT_RUNPATH exists. 2. DT_RUNPATH. */
	if (!from->runpath[0] &&
	    try_list(w, from->rpath, origin, name, from, out))
		return 0;
	if (try_list(w, from->runpath, origin, name, from, out))
		return 0;
	/* 3. ld.so.conf directories. */
	for (size_t i = 0; i < w->n_conf; i++)
		if (try_list(w, w->conf[i], origin, name, from, out))
			return 0;
	/* 4. The defaults. */
	snprintf(defaults, sizeof(defaults), "%s%s%s%s%s%s/lib:/usr/lib",
		 tri ? "/lib/" : "", tri ?: "", tri ? ":/usr/lib/" : "",
		 tri ?: "", tri ? ":" : "",
		 from->is64 ? "/lib64:/usr/lib64:" : "");
	if (try_list(w, defaults, origin, name, from, out))
		return 0;
	return -ENOENT;
}

static bool have(const struct elf_deps *d, const char *path)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->paths[i], path) == 0)
			return true;
	return false;
}

/*
 * The loader matches a DT_NEEDED name against objects already loaded before
 * it searches: libc's need of ld-linux-x86-64.so.2 is met by the interpreter.
 */
static bool loaded(const struct elf_deps *d, const char *name)
{
	for (size_t i = 0; i < d->n; i++) {
		const char *base = strrchr(d->paths[i], '/');
		if (strcmp(base ? base + 1 : d->paths[i], name) == 0)
			return true;
	}
	return false;
}

static int add_path(struct walk *w, const char *path)
{
	if (have(w->d, path))
		return 0;
	return strv_push(&w->d->paths, &w->d->n, path);
}

/* Breadth first: d->paths is the queue, and grows as objects are read. */
static int walk_all(struct walk *w)
{
	_cleanup_free_ struct elf_info *e = malloc(sizeof(*e));
	char found[PATH_MAX];
	int r;

	if (!e)
		return -ENOMEM;
	for (size_t i = 0; i < w->d->n; i++) {
		_cleanup_close_ int fd =
			open_in_root(w->rootfd, w->d->paths[i], O_RDONLY);
		if (fd < 0)
			return fd;
		r = elf_read_fd(fd, e);
		if (r < 0)
			return r;
		if (i == 0) /* the program: its flags, else its loader's name */
			w->fabi = e->fabi != ELF_FLOAT_ANY
					  ? e->fabi
					  : elf_float_of_interp(e->interp);
		if ((e->interp[0] || e->n_needed) && mutant_on(M_ELF_DEPS))
			return 0; /* the closure stops at what it has */
		if (e->interp[0] && (r = add_path(w, e->interp)) < 0)
			return r;
		for (size_t k = 0; k < e->n_needed; k++) {
			if (loaded(w->d, e->needed[k]))
				continue;
			r = resolve(w, e->needed[k], w->d->paths[i], e, found);
			if (r == -ENOENT) {
				snprintf(w->d->missing, sizeof(w->d->missing),
					 "%s", e->needed[k]);
				snprintf(w->d->missing_from,
					 sizeof(w->d->missing_from), "%s",
					 w->d->paths[i]);
			}
			if (r < 0 || (r = add_path(w, found)) < 0)
				return r;
		}
	}
	return 0;
}

int elf_deps_collect(const char *root, const char *program, struct elf_deps *d)
{
	struct walk w = { .d = d, .root = root ?: "/" };
	int r;

	memset(d, 0, sizeof(*d));
	if (!program || program[0] != '/')
		return -EINVAL;
	w.rootfd = open(w.root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (w.rootfd < 0)
		return neg_errno();
	r = conf_load(&w, "/etc/ld.so.conf", 0);
	if (r == 0)
		r = add_path(&w, program);
	if (r == 0)
		r = walk_all(&w);
	strv_free(w.conf, w.n_conf);
	close(w.rootfd);
	return r;
}

void elf_deps_free(struct elf_deps *d)
{
	strv_free(d->paths, d->n);
	d->paths = NULL;
	d->n = 0;
}
