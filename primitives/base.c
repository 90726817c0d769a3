// SPDX-License-Identifier: MIT
#include "base.h"

#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>

ssize_t fd_read_all(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return neg_errno();
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

int fd_write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return neg_errno();
		done += n;
	}
	return 0;
}

/* copy_file_range where the filesystems allow it, else read and write. */
int fd_copy(int in, int out)
{
	char buf[1 << 16];
	ssize_t n;

	for (;;) {
		n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n < 0)
			break;
	}
	if (errno != EXDEV && errno != ENOSYS && errno != EINVAL &&
	    errno != EOPNOTSUPP)
		return neg_errno();
	while ((n = read(in, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return neg_errno();
		int r = fd_write_all(out, buf, n);
		if (r < 0)
			return r;
	}
	return 0;
}

int copy_file(const char *from, const char *to, mode_t mode)
{
	_cleanup_close_ int in = open(from, O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int out = -1;
	int r;

	if (in < 0)
		return neg_errno();
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0)
		return neg_errno();
	r = fd_copy(in, out);
	if (r == 0 && fchmod(out, mode) < 0)
		r = neg_errno();
	return r;
}

int read_text_at(int dirfd, const char *path, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return neg_errno();
	if (len == 0)
		return -EINVAL;
	n = fd_read_all(fd, buf, len - 1);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}

int read_text(const char *path, char *buf, size_t len)
{
	return read_text_at(AT_FDCWD, path, buf, len);
}

/* One write() call: kernel control files take a value per write. */
int write_text_at(int dirfd, const char *path, const char *s)
{
	_cleanup_close_ int fd = openat(dirfd, path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(s);
	ssize_t n;

	if (fd < 0)
		return neg_errno();
	n = write(fd, s, len);
	if (n < 0)
		return neg_errno();
	return (size_t)n == len ? 0 : -EIO;
}

int write_text(const char *path, const char *s)
{
	return write_text_at(AT_FDCWD, path, s);
}

int write_text_creat(const char *path, const char *s)
{
	_cleanup_close_ int fd =
		open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return neg_errno();
	return fd_write_all(fd, s, strlen(s));
}

int write_fmt(const char *path, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -ENAMETOOLONG;
	return write_text(path, buf);
}

int read_u64(const char *path, uint64_t *v)
{
	char buf[64], *end;
	int r = read_text(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	errno = 0;
	*v = strtoull(buf, &end, 10);
	if (errno || end == buf)
		return -EINVAL;
	return 0;
}

/* Read "key value" lines (cgroup stat and events files, "Key:\tvalue"). */
int read_key_u64(const char *path, const char *key, uint64_t *v)
{
	char buf[8192], *line, *save = NULL;
	size_t klen = strlen(key);
	int r = read_text(path, buf, sizeof(buf));

	if (r < 0)
		return r;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, key, klen) == 0 &&
		    (line[klen] == ' ' || line[klen] == '\t')) {
			*v = strtoull(line + klen + 1, NULL, 10);
			return 0;
		}
	}
	return -ENOENT;
}

int mkdir_p(const char *path, mode_t mode)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return neg_errno();
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return neg_errno();
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -1 : 0;
	return unlink(path) < 0 && errno != ENOENT ? -1 : 0;
}

/* Never crosses a mount point and never follows symlinks. */
int rm_rf(const char *path)
{
	if (!path_exists(path))
		return 0;
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT) < 0)
		return neg_errno();
	return 0;
}

char *chomp(char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	return s;
}

bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

int wait_status(pid_t pid, int *status)
{
	int st;

	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return neg_errno();
	}
	if (status)
		*status = st;
	return 0;
}

/* Shell convention: exit code, or 128+N for death by signal N. */
int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 255;
}

int chan_open(struct chan *c)
{
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return neg_errno();
	c->rd = fds[0];
	c->wr = fds[1];
	return 0;
}

void chan_close(struct chan *c)
{
	closep(&c->rd);
	closep(&c->wr);
	c->rd = c->wr = -1;
}

void chan_closep(struct chan *c)
{
	chan_close(c);
}

int chan_send(struct chan *c, const void *buf, size_t len)
{
	return fd_write_all(c->wr, buf, len);
}

int chan_recv(struct chan *c, void *buf, size_t len)
{
	ssize_t n = fd_read_all(c->rd, buf, len);

	if (n < 0)
		return n;
	return (size_t)n == len ? 0 : -EPIPE;
}

int chan_send_int(struct chan *c, int v)
{
	return chan_send(c, &v, sizeof(v));
}

int chan_recv_int(struct chan *c, int *v)
{
	return chan_recv(c, v, sizeof(*v));
}
