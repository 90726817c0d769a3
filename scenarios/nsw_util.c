// SPDX-License-Identifier: MIT
/* Helpers the third-wave namespace scenario files share (no scenarios). */
#include "nsw.h"

#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>

static void proc_path(char *buf, size_t len, pid_t pid, const char *file)
{
	if (pid)
		snprintf(buf, len, "/proc/%d/%s", pid, file);
	else
		snprintf(buf, len, "/proc/self/%s", file);
}

int nsw_proc_write(enum mutant m, pid_t pid, const char *file, const char *text,
		   off_t off, int want)
{
	char path[64];
	_cleanup_close_ int fd = -1;
	size_t len = strlen(text);
	ssize_t n;
	int err;

	proc_path(path, sizeof(path), pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return probe_errno(m, -1, want);
	/* lseek, then write: /proc seq files take no pwrite (ESPIPE). */
	if (off && lseek(fd, off, SEEK_SET) != off)
		return probe_errno(m, -1, want);
	n = write(fd, text, len);
	err = n < 0 ? errno : (size_t)n == len ? 0 : EIO;
	errno = err;
	return probe_errno(m, err ? -1 : 0, want);
}

int proc_write(pid_t pid, const char *file, const char *text)
{
	char path[64];

	proc_path(path, sizeof(path), pid, file);
	return write_text(path, text);
}

int proc_read(pid_t pid, const char *file, char *buf, size_t len)
{
	char path[64];

	proc_path(path, sizeof(path), pid, file);
	return read_text(path, buf, len);
}

int drop_effective(capmask_t mask)
{
	return cap_flags_set(mask, CAP_EFFECTIVE, false);
}

int become_dumpable(uid_t id)
{
	int r = become_uid(id);

	if (r == 0 && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		r = neg_errno();
	return r;
}

int userns_holder(struct holder *h, unsigned long flags)
{
	return holder_start(h, CLONE_NEWUSER | flags);
}

enum obs judge_err_is(struct judge *j, int err, int want, int absent,
		      const char *key, const char *what)
{
	judge_kv(j, key, "%s", errname(err));
	if (err != want && err != absent)
		return judge_unknown(j, "%s: %s, neither %s nor %s", what,
				     errname(err), errname(want),
				     errname(absent));
	return judge_holds(j, err == want, "%s: %s", what, errname(err));
}

int in_initial_userns(bool *initial)
{
	char buf[128], *nl;
	unsigned a, b, n;
	int r = read_text("/proc/self/uid_map", buf, sizeof(buf));

	if (r < 0)
		return r;
	nl = strchr(buf, '\n');
	*initial = sscanf(buf, "%u %u %u", &a, &b, &n) == 3 && a == 0 &&
		   b == 0 && n == 4294967295u && (!nl || !nl[1]);
	return 0;
}

int exec_view(int fd, unsigned what, struct exec_view *v)
{
	_cleanup_chan_ struct chan out = CHAN_INIT;
	_cleanup_reap_ pid_t pid = -1;
	char *const argv[] = { "boxcheck-status", NULL };
	struct capstat st;
	char buf[8192];
	ssize_t n;
	int r, status;

	if ((r = chan_open(&out)) < 0)
		return r;
	if ((pid = fork()) < 0)
		return neg_errno();
	if (pid == 0) {
		if (dup2(out.wr, 1) == 1)
			fexecve(fd, argv, environ);
		_exit(127);
	}
	closep(&out.wr);
	out.wr = -1;
	if ((n = fd_read_all(out.rd, buf, sizeof(buf) - 1)) < 0)
		return (int)n;
	buf[n] = '\0';
	if ((r = wait_status(TAKE_PID(pid), &status)) < 0)
		return r;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return -ECHILD;
	if ((r = capstat_parse_raw(buf, &st)) < 0)
		return r;
	*v = (struct exec_view){ 0 };
	if ((what & EXEC_CAPS) && (r = cap_eff_of(buf, &v->eff)) < 0)
		return r;
	if (what & EXEC_CAPS)
		v->bnd = st.bnd;
	if (what & EXEC_EUID)
		v->euid = mutant_on(M_SETID_EXEC) ? 1 : st.euid;
	return 0;
}
