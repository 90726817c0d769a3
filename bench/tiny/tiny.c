// SPDX-License-Identifier: MIT
/*
 * tiny - the program every benchmark variant starts. Its first instructions
 * after execve read CLOCK_MONOTONIC and write the struct timespec to fd 3
 * (the harness's report pipe). Without fd 3 (external runtimes) it writes one
 * byte to stdout instead. If fd 4 is open it then blocks reading it: an idle
 * container, until the harness closes the other end. Then it exits 0.
 *
 * Built static and without libc where the architecture is known below, so
 * "first instruction after execve" is literal: no loader, no libc start-up.
 */
#include <sys/syscall.h>
#include <time.h>

#if defined(__x86_64__)
static long sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ volatile("syscall"
			 : "=a"(r)
			 : "a"(n), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
}
#define ENTRY __attribute__((force_align_arg_pointer)) void _start(void)
#elif defined(__aarch64__)
static long sys3(long n, long a, long b, long c)
{
	register long x8 __asm__("x8") = n;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;

	__asm__ volatile("svc 0"
			 : "+r"(x0)
			 : "r"(x8), "r"(x1), "r"(x2)
			 : "memory");
	return x0;
}
#define ENTRY void _start(void)
#else
#include <unistd.h>
static long sys3(long n, long a, long b, long c)
{
	return syscall(n, a, b, c);
}
#define ENTRY int main(void)
#define TINY_LIBC 1
#endif

ENTRY
{
	struct timespec ts;
	char b = 'x';

	sys3(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&ts, 0);
	if (sys3(SYS_write, 3, (long)&ts, sizeof(ts)) < 0)
		sys3(SYS_write, 1, (long)&b, 1);
	sys3(SYS_read, 4, (long)&b, 1);
	sys3(SYS_exit_group, 0, 0, 0);
#ifdef TINY_LIBC
	return 0;
#else
	for (;;)
		;
#endif
}
