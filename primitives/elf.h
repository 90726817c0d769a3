/* SPDX-License-Identifier: MIT */
/*
 * elf.h - what a program needs to run: its ELF program interpreter and
 * DT_NEEDED libraries, resolved the way the dynamic loader resolves them.
 *
 * Search order for a DT_NEEDED name without a '/' (as in ld.so(8)):
 *   1. DT_RPATH of the needing object, only when it has no DT_RUNPATH
 *   2. DT_RUNPATH of the needing object
 *   3. the directories of <root>/etc/ld.so.conf (and its includes), in the
 *      place of ld.so.cache, which is only an index of those directories
 *   4. the default directories: /lib/<triplet>, /usr/lib/<triplet>, then
 *      /lib64 and /usr/lib64 for 64-bit objects, then /lib and /usr/lib
 * $ORIGIN in a path is the directory of the needing object. A candidate is
 * taken only if it is an ELF file of the same class and machine, as ld.so
 * skips a 32-bit library in a 64-bit search, and on 32-bit ARM of a float
 * ABI the program's loader accepts. The triplet of an ARM program comes
 * from its float ABI (hard: arm-linux-gnueabihf), else from its loader's
 * name (/lib/ld-linux-armhf.so.3). LD_LIBRARY_PATH is not used:
 * the result must not depend on the caller's environment.
 *
 * Every lookup happens inside a root directory ("/" or a sysroot) through
 * openat2(RESOLVE_IN_ROOT), so absolute symlinks in a sysroot stay in it.
 */
#ifndef BOXCHECK_ELF_H
#define BOXCHECK_ELF_H

#include "base.h"

#include <limits.h>

#define ELF_MAX_NEEDED 64
#define ELF_NAME_MAX 256

/*
 * The float ABI of a 32-bit ARM EABI5 object (e_flags): a hard-float
 * loader (/lib/ld-linux-armhf.so.3) refuses soft-float objects and the
 * soft-float one (/lib/ld-linux.so.3) hard-float ones; an object with
 * neither flag (and any other machine's) goes with either.
 */
enum elf_float { ELF_FLOAT_ANY, ELF_FLOAT_HARD, ELF_FLOAT_SOFT };

struct elf_info {
	bool is64;
	uint16_t machine;	/* EM_X86_64, EM_AARCH64, EM_ARM, ... */
	uint16_t type;		/* ET_EXEC, ET_DYN */
	uint32_t flags;		/* e_flags */
	enum elf_float fabi;	/* from flags, for EM_ARM EABI5 */
	bool dynamic;		/* has a PT_DYNAMIC segment */
	char interp[PATH_MAX];	/* PT_INTERP, "" for a static program */
	char rpath[PATH_MAX];	/* DT_RPATH, "" if none */
	char runpath[PATH_MAX]; /* DT_RUNPATH, "" if none */
	size_t n_needed;
	char needed[ELF_MAX_NEEDED][ELF_NAME_MAX];
};

/* Parse an ELF file: -ENOEXEC if it is not one this host can read. */
int elf_read_fd(int fd, struct elf_info *e);
int elf_read(const char *path, struct elf_info *e);

/*
 * "x86_64-linux-gnu" for EM_X86_64, "arm-linux-gnueabihf" for 32-bit EM_ARM
 * with the hard-float ABI ("arm-linux-gnueabi" soft), NULL for a machine
 * not in the table (or ARM with ELF_FLOAT_ANY: the loader decides).
 */
const char *elf_multiarch(uint16_t machine, bool is64, enum elf_float fabi);
/* The float ABI a loader implies: ld-linux-armhf.so.3 hard, ... */
enum elf_float elf_float_of_interp(const char *interp);

/* The closure of a program: every file the loader opens to start it. */
struct elf_deps {
	size_t n;
	char **paths; /* [0] the program, then the interpreter, then libraries,
			 as paths inside the root (not resolved symlinks) */
	char missing[ELF_NAME_MAX];  /* set with -ENOENT: the library ... */
	char missing_from[PATH_MAX]; /* ... and the object that needs it */
};

/*
 * Collect the closure of program inside root (NULL: "/"). 0 or -errno;
 * -ENOENT with d->missing set when a needed library is nowhere; -ENOEXEC for
 * a file that is not ELF. Free with elf_deps_free() in any case.
 */
int elf_deps_collect(const char *root, const char *program, struct elf_deps *d);
void elf_deps_free(struct elf_deps *d);
#define _cleanup_elf_deps_ _cleanup_(elf_deps_free)

/* Open path inside the root dir fd, symlinks resolved within it. */
int open_in_root(int rootfd, const char *path, int flags);

#endif
