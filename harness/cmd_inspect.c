// SPDX-License-Identifier: MIT
/*
 * boxcheck inspect: the agent. Runs as a container's process and prints the
 * facts it sees from inside as one JSON document. It judges nothing.
 */
#include "validate/agent.h"
#include "cli.h"

#include <getopt.h>
#include <string.h>

const char usage_inspect[] =
	"usage: boxcheck inspect [--fork-max N] [--no-fork] [--no-write]\n"
	"                        [--no-memory] [--no-cpu] [--no-side-effects]\n"
	"                        [--lifecycle [--wait S]] [--tag WORD]\n"
	"\n"
	"Prints, as JSON on stdout, what this process sees of its isolation:\n"
	"ids, arguments, environment names, working directory, umask,\n"
	"rlimits, oom_score_adj, inherited fds, namespace inodes, hostname,\n"
	"id maps, capabilities, no_new_privs, seccomp, LSM label, the root,\n"
	"the default mounts, /dev, masked and read-only paths, its cgroup;\n"
	"and active probes: fork up to N processes (default 80), a child\n"
	"touching 80 MiB, 30 ms of cpu against the quota, an unnamed file on\n"
	"/, a chroot escape in a child, and the attacker's view (system calls\n"
	"with invalid arguments, sysrq-trigger, core_pattern and\n"
	"release_agent opened for write and closed unwritten, device nodes\n"
	"opened read-only, mknod and a cgroup mount in a child's private\n"
	"mount namespace, the session keyring, host processes, engine\n"
	"sockets). A fact it cannot read is {\"error\": \"ENAME\"}.\n"
	"\n"
	"  --no-side-effects  only what cannot change anything outside the\n"
	"                   agent: the mknod and cgroup-mount probes run only\n"
	"                   in a private mount namespace, the write probe\n"
	"                   only with O_TMPFILE (what the host control gets)\n"
	"  --lifecycle      print " AGENT_STARTED " first, wait up to S\n"
	"                   seconds (default 10) for SIGUSR1 or SIGUSR2, then\n"
	"                   the facts with the signal received\n"
	"  --tag WORD       ignored (the arguments asked for are reported)\n"
	"\n"
	"Meant to run inside a container; `boxcheck validate` and\n"
	"`boxcheck judge` judge it.\n";

static int take(struct agent_opts *o, int c, const char *arg, const char *opt)
{
	switch (c) {
	case 'F':
		return parse_uint(arg, 1, 4096, &o->fork_max) < 0
			       ? usage_error("inspect: --fork-max wants "
					     "1..4096, not '%s'",
					     arg)
			       : 0;
	case 'W':
		return parse_uint(arg, 1, 3600, &o->wait_s) < 0
			       ? usage_error("inspect: --wait wants 1..3600 "
					     "seconds, not '%s'",
					     arg)
			       : 0;
	case 'n':
		o->fork_max = 0;
		return 0;
	case 'w':
		o->no_write = true;
		return 0;
	case 'm':
		o->no_memory = true;
		return 0;
	case 'c':
		o->no_cpu = true;
		return 0;
	case 's':
		o->no_side_effects = true;
		return 0;
	case 'l':
		o->lifecycle = true;
		return 0;
	case 't':
		return 0;
	}
	return usage_error("inspect: unknown option or missing value '%s'",
			   opt);
}

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fork-max", required_argument, NULL, 'F' },
		{ "no-fork", no_argument, NULL, 'n' },
		{ "no-write", no_argument, NULL, 'w' },
		{ "no-memory", no_argument, NULL, 'm' },
		{ "no-cpu", no_argument, NULL, 'c' },
		{ "no-side-effects", no_argument, NULL, 's' },
		{ "lifecycle", no_argument, NULL, 'l' },
		{ "wait", required_argument, NULL, 'W' },
		{ "tag", required_argument, NULL, 't' },
		{ 0 },
	};
	struct agent_opts o = { .fork_max = AGENT_FORK_MAX, .wait_s = 10 };
	json_t *facts;
	int c, r;

	/* argv[-1] is "boxcheck" (or its path): the whole command line */
	o.argc = argc + 1;
	o.argv = argv - 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1)
		if ((r = take(&o, c, optarg, argv[optind - 1])) != 0)
			return r;
	if (optind < argc)
		return usage_error("inspect: unexpected argument '%s'",
				   argv[optind]);
	if (o.lifecycle)
		return agent_lifecycle(&o) < 0 ? EXIT_FAILED : EXIT_OK;
	facts = agent_facts(&o);
	if (!facts || json_dumpf(facts, stdout, JSON_COMPACT) < 0)
		return json_decref(facts), EXIT_FAILED;
	json_decref(facts);
	fputc('\n', stdout);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}
