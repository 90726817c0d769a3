/* SPDX-License-Identifier: MIT */
/*
 * base.h - the one error convention, cleanup helpers and small fs helpers
 * shared by every layer of boxcheck.
 *
 * Error convention: functions return 0 (or a non-negative count) on success
 * and -errno on failure. The caller adds context once; primitives never print
 * and never exit.
 */
#ifndef BOXCHECK_BASE_H
#define BOXCHECK_BASE_H

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))

/* Return -errno, never 0, even if a libc call forgot to set errno. */
static inline int neg_errno(void)
{
	return errno > 0 ? -errno : -EIO;
}

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* Kill a child we started and reap it: for pids owned by a scope. */
static inline void reapp(pid_t *pid)
{
	if (*pid > 0) {
		int saved = errno;
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
		errno = saved;
	}
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _cleanup_reap_ _cleanup_(reapp)

/* Hand ownership out of a cleanup scope. */
#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _fd = (fd);                                                \
		(fd) = -1;                                                     \
		_fd;                                                           \
	})
#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _p = (p);                                        \
		(p) = NULL;                                                    \
		_p;                                                            \
	})
#define TAKE_PID(p) TAKE_FD(p)

/* fs helpers (base.c). All return 0 or a count on success, -errno on error. */
int read_text(const char *path, char *buf, size_t len);
int read_text_at(int dirfd, const char *path, char *buf, size_t len);
int write_text(const char *path, const char *s);
int write_text_at(int dirfd, const char *path, const char *s);
/* Create or truncate a regular file and write s. */
int write_text_creat(const char *path, const char *s);
int write_fmt(const char *path, const char *fmt, ...) _printf_(2, 3);
int read_u64(const char *path, uint64_t *v);
int read_key_u64(const char *path, const char *key, uint64_t *v);
int mkdir_p(const char *path, mode_t mode);
/* Copy from's bytes to fd out (copy_file_range, else read and write). */
int fd_copy(int in, int out);
/* Copy a regular file to to (created or truncated) with mode. */
int copy_file(const char *from, const char *to, mode_t mode);
int rm_rf(const char *path);
char *chomp(char *s);
bool path_exists(const char *path);

/* processes */
int wait_status(pid_t pid, int *status);
int exit_code_of(int status);

/* A one-way pipe for parent/child synchronisation and small messages. */
struct chan {
	int rd, wr;
};
#define CHAN_INIT                                                              \
	{                                                                      \
		-1, -1                                                         \
	}
int chan_open(struct chan *c);
void chan_close(struct chan *c);
void chan_closep(struct chan *c);
#define _cleanup_chan_ _cleanup_(chan_closep)
int chan_send(struct chan *c, const void *buf, size_t len);
int chan_recv(struct chan *c, void *buf, size_t len);
int chan_send_int(struct chan *c, int v);
int chan_recv_int(struct chan *c, int *v);
int fd_write_all(int fd, const void *buf, size_t len);
ssize_t fd_read_all(int fd, void *buf, size_t len);

#endif
