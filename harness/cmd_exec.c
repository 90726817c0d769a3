// SPDX-License-Identifier: MIT
/* boxcheck exec: run a command in the reference container (options). */
#include "cli.h"
#include "exec.h"

#include <string.h>

const char usage_exec[] =
	"usage: boxcheck exec [--ns LIST] [--join TYPE=PATH]... [--root DIR |\n"
	"                     --overlay LOWER[:LOWER...]] [--hostname H]\n"
	"                     [--pids-max N] [--memory-max BYTES] [--cpu-max "
	"PCT]\n"
	"                     [--cpu-period US] [--cgroup NAME]\n"
	"                     [--keep-caps LIST] [--inheritable-caps LIST]\n"
	"                     [--ambient-caps LIST] [--uid-map SPEC]\n"
	"                     [--gid-map SPEC] [--user UID:GID] [--groups "
	"LIST]\n"
	"                     [--cwd DIR] [--umask OCT] [--rlimit "
	"NAME=SOFT:HARD]...\n"
	"                     [--oom-score-adj N] [--read-only] [--mask "
	"PATH]...\n"
	"                     [--ro-path PATH]... [--seccomp-deny LIST]\n"
	"                     [--seccomp-errno N] [--lsm LABEL] [--bind-in "
	"DIR]\n"
	"                     [--no-new-privs] [--env K=V]... [--weaken "
	"LIST]\n"
	"                     [--no-pivot] [--keep-propagation] -- CMD "
	"[ARG...]\n"
	"       boxcheck exec --state-root DIR --create ID [OPTIONS] -- CMD\n"
	"       boxcheck exec --state-root DIR --start|--state|--delete ID\n"
	"       boxcheck exec --state-root DIR --kill ID [--signal SIG]\n"
	"\n"
	"Runs CMD in boxcheck's reference container and exits with its status\n"
	"(128+N when killed by signal N).\n"
	"\n"
	"  --ns LIST        new namespaces: all (default) or a comma list of\n"
	"                   cgroup,ipc,mnt,net,pid,time,user,uts\n"
	"  --join TYPE=PATH join that namespace instead of a new one\n"
	"  --root DIR       pivot_root into DIR, with /proc, the OCI /dev\n"
	"                   (tmpfs, null zero full random urandom tty, fd\n"
	"                   stdin stdout stderr, devpts and ptmx, shm, "
	"mqueue)\n"
	"                   and, with a network namespace, a read-only /sys\n"
	"                   showing our own cgroup read-only\n"
	"  --overlay L1:L2  an overlay of these lower dirs (L1 on top) as "
	"root;\n"
	"                   writes go to a scratch upper dir, removed at exit\n"
	"  --pids-max N, --memory-max BYTES[K|M|G], --cpu-max PCT\n"
	"                   cgroup limits (a cgroup below ours, removed at "
	"exit,\n"
	"                   on the hierarchies of the limits given and on "
	"cgroup2);\n"
	"                   --cpu-period US (default 100000) for --cpu-max\n"
	"  --cgroup NAME    name of that cgroup, relative to our own\n"
	"  --keep-caps LIST capabilities kept (default: the OCI default set;\n"
	"                   'all', 'none' or cap_x,cap_y): bounding, "
	"permitted\n"
	"                   and effective sets\n"
	"  --inheritable-caps LIST of those, left in the inheritable set\n"
	"                   (default none: only what --ambient-caps needs)\n"
	"  --ambient-caps LIST of those, raised in the ambient set too, so a\n"
	"                   non-root uid keeps them over execve (default "
	"none)\n"
	"  --uid-map, --gid-map IN:OUT:COUNT[,...] (default 0:100000:65536)\n"
	"  --user UID:GID, --groups G1,G2  ids and supplementary groups\n"
	"  --cwd DIR, --umask OCT, --rlimit NAME=SOFT:HARD (nofile, nproc,\n"
	"                   core, memlock, stack), --oom-score-adj N\n"
	"  --read-only      remount the root read-only\n"
	"  --mask PATH      make PATH unreadable inside (repeatable)\n"
	"  --ro-path PATH   make PATH read-only inside (repeatable)\n"
	"  --seccomp-deny LIST  a seccomp filter refusing these calls with\n"
	"                   --seccomp-errno N (default EPERM)\n"
	"  --lsm LABEL      the AppArmor or SELinux label to exec into\n"
	"  --bind-in DIR    bind the host's DIR at the same path inside\n"
	"  --no-new-privs   set no_new_privs before execve\n"
	"  --env K=V        the environment (default PATH and HOME only);\n"
	"                   --inherit-env keeps ours as well\n"
	"  --weaken LIST    leave steps out, to see what each is for: "
	"no-pivot\n"
	"                   keep-propagation slave-propagation dev-tmpfs\n"
	"                   dev-symlinks devpts shm mqueue host-console "
	"host-dev\n"
	"                   proc-plain host-proc sys-rw cgroup-rw "
	"cgroupns-early\n"
	"                   host-cgroups mask-files mask-dirs keep-fds\n"
	"                   keep-keyring noroot dev-omit=NODE\n"
	"  --no-pivot, --keep-propagation  the same as --weaken no-pivot and\n"
	"                   keep-propagation\n"
	"\n"
	"Inside it gets a session keyring of its own, and no fd >= 3. With a\n"
	"mount namespace, exec first moves into one of its own whose mounts\n"
	"receive from the host's but never send to it.\n"
	"\n"
	"Lifecycle (as OCI runtimes): --create ID sets the container up and\n"
	"leaves it waiting before execve; --start ID lets it run; --state ID\n"
	"prints the runtime-spec state; --kill ID sends --signal (TERM);\n"
	"--delete ID removes its cgroup and state (--force: kills it first).\n"
	"\n"
	"Exit status: CMD's; 125 the container could not start; 126 CMD not\n"
	"executable; 127 CMD not found; 2 bad usage.\n";

/*
 * The arguments (14 KB) and the launcher's env (130 KB) are static: zero
 * without a memset, and off the stack. On it, they pushed every later
 * frame 144 KB down onto fresh pages, and the memset touched 4 more: 9
 * page faults of every `boxcheck exec` (a trap to the hypervisor each on
 * a VM). One exec per process: nothing here is called twice.
 */
static struct exec_args a;
static struct exec_env e;

int cmd_exec(int argc, char **argv)
{
	const char *what = "";
	pid_t pid;
	int r = exec_parse(argc, argv, &a), code;

	if (r)
		return r;
	if (a.op != OP_NONE)
		return exec_life(&a);
	exec_env_init(&e);
	what = "a mount namespace of our own";
	r = exec_fence(&a);
	if (r == 0)
		r = exec_setup(&a, &e, &what);
	if (r < 0) {
		fprintf(stderr, "boxcheck: exec: %s: %s\n", what, strerror(-r));
		exec_teardown(&e);
		return EXIT_START;
	}
	code = exec_start(&a, &pid);
	if (code == 0)
		code = exec_wait(pid);
	exec_teardown(&e);
	return code;
}
