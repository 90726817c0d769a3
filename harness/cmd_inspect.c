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
	"                        [--no-memory]\n"
	"\n"
	"Prints, as JSON on stdout, what this process sees of its isolation:\n"
	"pid and ppid, namespace inodes, hostname, id maps, capabilities,\n"
	"no_new_privs, seccomp, rlimits, cgroup limits, root mount, masked\n"
	"paths, mount propagation, interfaces, inherited fds, and active\n"
	"probes (fork up to N processes, default 80; a child touching 80\n"
	"MiB; an unnamed file on /; a chroot escape in a child; visible\n"
	"processes). A fact it cannot read is {\"error\": \"ENAME\"}.\n"
	"Meant to run inside a container; `boxcheck validate` judges it.\n";

int cmd_inspect(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "fork-max", required_argument, NULL, 'F' },
		{ "no-fork", no_argument, NULL, 'n' },
		{ "no-write", no_argument, NULL, 'w' },
		{ "no-memory", no_argument, NULL, 'm' },
		{ 0 },
	};
	struct agent_opts o = { .fork_max = AGENT_FORK_MAX };
	json_t *facts;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (c == 'F' && parse_uint(optarg, 1, 4096, &o.fork_max) == 0)
			continue;
		if (c == 'F')
			return usage_error("inspect: --fork-max wants 1..4096, "
					   "not '%s'",
					   optarg);
		if (c == 'n')
			o.fork_max = 0;
		else if (c == 'w')
			o.no_write = true;
		else if (c == 'm')
			o.no_memory = true;
		else
			return usage_error("inspect: unknown option '%s'",
					   argv[optind - 1]);
	}
	if (optind < argc)
		return usage_error("inspect: unexpected argument '%s'",
				   argv[optind]);
	facts = agent_facts(&o);
	if (!facts || json_dumpf(facts, stdout, JSON_COMPACT) < 0)
		return json_decref(facts), EXIT_FAILED;
	json_decref(facts);
	fputc('\n', stdout);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAILED;
}
