// SPDX-License-Identifier: MIT
/* boxcheck probe [--format text|json] */
#include "cli.h"
#include "host.h"
#include "tools.h"

#include <getopt.h>
#include <jansson.h>
#include <string.h>

const char usage_probe[] =
	"usage: boxcheck probe [--format text|json]\n"
	"\n"
	"Host facts, each probed: kernel, arch, CPU, virtualization, cgroup\n"
	"layout (hierarchies, controllers, our own cgroup paths), namespace\n"
	"types, user namespace limits, overlayfs, syscalls and kernel "
	"features\n"
	"(clone3, CLONE_INTO_CGROUP, pidfd, fsopen, mount_setattr, "
	"cgroup.kill,\n"
	"seccomp, PMU, /dev/kvm), and the installed runtimes with versions.\n";

/* Text: one "path: value" line per leaf. */
static void flat(const char *prefix, json_t *v)
{
	const char *k;
	json_t *x;
	size_t i;
	char p[256];

	if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			snprintf(p, sizeof(p), "%s%s%s", prefix,
				 *prefix ? "." : "", k);
			flat(p, x);
		}
	} else if (json_is_array(v) && json_array_size(v) &&
		   json_is_object(json_array_get(v, 0))) {
		json_array_foreach(v, i, x) {
			snprintf(p, sizeof(p), "%s[%zu]", prefix, i);
			flat(p, x);
		}
	} else {
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		bool str = json_is_string(v);
		printf("%-36s %s\n", prefix,
		       str ? json_string_value(v) : (s ? s : "?"));
		free(s);
	}
}

int cmd_probe(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ 0 },
	};
	const char *fmt = "text";
	struct host h;
	json_t *facts;
	int c;

	opterr = 0;
	optind = 0; /* a full reset: boxcheck_main may be called again */
	while ((c = getopt_long(argc, argv, "+:f:", opts, NULL)) != -1) {
		if (c == ':')
			return usage_error("probe: option '%s' needs a value",
					   argv[optind - 1]);
		if (c != 'f')
			return usage_error("probe: unknown option '%s'",
					   argv[optind - 1]);
		fmt = optarg;
	}
	if (optind < argc)
		return usage_error("probe: unexpected argument '%s'",
				   argv[optind]);
	if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0)
		return usage_error("probe: unknown format '%s' (text or json)",
				   fmt);
	host_probe(&h);
	facts = host_facts_json(&h);
	json_object_set_new(facts, "tools", tools_json());
	if (strcmp(fmt, "json") == 0) {
		json_dumpf(facts, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		flat("", facts);
	}
	json_decref(facts);
	return EXIT_OK;
}
