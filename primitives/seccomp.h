/* SPDX-License-Identifier: MIT */
/*
 * seccomp.h - a deny-list seccomp filter as classic BPF, built by hand (no
 * libseccomp): the named system calls of this architecture return err,
 * every other call of it is allowed, and calls of any other ABI (i386 on
 * x86_64, x32) are refused with err too, so the deny list cannot be
 * walked around. The program can be installed, or written out for a tool
 * that loads one (bwrap --seccomp FD).
 */
#ifndef BOXCHECK_SECCOMP_H
#define BOXCHECK_SECCOMP_H

#include "base.h"

#include <linux/filter.h>

#define SECCOMP_MAX_INSNS 128

/* This build's AUDIT_ARCH_* (seccomp_data.arch of its native calls). */
uint32_t seccomp_audit_arch(void);
/* This architecture's number of a system call, or -ENOENT. */
long seccomp_nr(const char *name);
/* The calls this file knows, NULL-ended (what a profile may name). */
extern const char *const seccomp_known[];

/*
 * Build the program for the calls in names (NULL-ended; an unknown name
 * is -ENOENT, a name without a number on this architecture is skipped).
 * 0 and *n instructions in prog, or -errno.
 */
int seccomp_build(const char *const *names, int err, struct sock_filter *prog,
		  size_t max, size_t *n);
/* Build and install it on the calling thread. 0 or -errno. */
int seccomp_install(const char *const *names, int err);

#endif
