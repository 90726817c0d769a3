/* SPDX-License-Identifier: MIT */
/*
 * vm.h - boot a qemu VM and time it: qemu started -> the guest's init
 * running (it prints VM_INIT_MARKER on the console), and -> qemu gone.
 *
 * The guest images are built by `make vm-images` (ci/vm): for ARCH in
 * x86_64, aarch64 and armhf and KERNEL in ci/vm/kernels (5.10, 6.1, 6.12),
 *   build/vm/ARCH/KERNEL/vmlinuz            Debian's kernel (cloud-amd64,
 *                                           arm64, armmp-lpae)
 *   build/vm/ARCH/KERNEL/initramfs.cpio.gz  busybox, boxcheck, ci/vm/init
 * and build/vm/ARCH/{vmlinuz,initramfs.cpio.gz} name the default kernel's.
 * With "boxcheck_mode=boot" in append, init prints the markers and powers
 * off at once; without it, it runs the suite first.
 *
 * Primitive-style: returns 0 or -errno, never prints. qemu is killed (by its
 * pid only) at the timeout and always reaped.
 */
#ifndef BOXCHECK_VM_H
#define BOXCHECK_VM_H

#include "../primitives/base.h"

#define VM_INIT_MARKER "@@boxcheck-init-running@@"
#define VM_KERNEL_MARKER "@@boxcheck-kernel " /* RELEASE MACHINE@@ */

enum vm_accel { VM_ACCEL_AUTO, VM_ACCEL_KVM, VM_ACCEL_TCG, VM_ACCEL__COUNT };
extern const char *const vm_accel_names[VM_ACCEL__COUNT]; /* "KVM", "TCG" */

struct vm_spec {
	const char *arch;   /* "x86_64", "aarch64" or "armhf" */
	const char *qemu;   /* NULL: qemu-system-<arch> from PATH */
	const char *kernel; /* vmlinuz */
	const char *initrd; /* initramfs */
	const char *append; /* added to the kernel command line, or NULL */
	unsigned mem_mib;   /* 0: 1024 */
	unsigned cpus;	    /* 0: 2 */
	unsigned timeout_s; /* 0: 60; then qemu is killed */
	enum vm_accel accel;
	int console_fd; /* every console byte is copied here; -1: none */
};

struct vm_times {
	double init_s;	     /* qemu start -> init marker; -1 if never seen */
	double exit_s;	     /* qemu start -> qemu reaped */
	enum vm_accel accel; /* what ran: KVM or TCG */
	int status;	     /* qemu's wait status */
	bool timed_out;
	char kernel[128]; /* guest `uname -r` from the console, or "" */
};

/* The accelerator AUTO picks for arch on this host: KVM or TCG. */
enum vm_accel vm_accel_for(const char *arch);

/*
 * Boot once. 0: qemu exited 0 after init ran. -ETIMEDOUT: killed at the
 * timeout. -EPROTO: qemu exited without init running (a panic before
 * init, a bad image). -ECHILD: qemu exited non-zero. -ENOENT: no qemu.
 * t is filled in every case where qemu was started.
 */
int vm_boot(const struct vm_spec *s, struct vm_times *t);

/* "7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)" from `qemu --version`. */
int vm_qemu_version(const struct vm_spec *s, char *buf, size_t len);

#endif
