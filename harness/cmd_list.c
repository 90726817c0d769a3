// SPDX-License-Identifier: MIT
/* boxcheck list [PATTERN...] [--tag T] [--format text|json] */
#include "cli.h"
#include "host.h"
#include "registry.h"

#include <getopt.h>
#include <jansson.h>
#include <string.h>

const char usage_list[] =
	"usage: boxcheck list [PATTERN...] [--tag T]... [--format text|json]\n"
	"\n"
	"One line per scenario: id, property, requirements.\n"
	"PATTERN is a glob on scenario ids ('pidns/*'); an area name alone\n"
	"selects the area. --tag keeps scenarios carrying every tag given.\n";

static json_t *scenario_json(const struct scenario *s)
{
	json_t *tags = json_array();
	char req[512];

	req_describe(&s->req, req, sizeof(req));
	for (size_t i = 0; i < ARRAY_SIZE(s->tags) && s->tags[i]; i++)
		json_array_append_new(tags, json_string(s->tags[i]));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", s->id, "title",
			 s->title, "property", s->property, "expect",
			 s->expect ? s->expect : "", "requires", req, "tags",
			 tags);
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tag", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ 0 },
	};
	const char *tags[16], *fmt = "text", *unmatched;
	struct selection sel = { 0 };
	_cleanup_free_ const struct scenario **out =
		calloc(registry_count() + 1, sizeof(*out));
	size_t n;
	int c;

	sel.tags = tags;
	opterr = 0;
	optind = 0; /* a full reset: boxcheck_main may be called again */
	while ((c = getopt_long(argc, argv, ":t:f:", opts, NULL)) != -1) {
		if (c == 't' && sel.n_tags < ARRAY_SIZE(tags))
			tags[sel.n_tags++] = optarg;
		else if (c == 'f')
			fmt = optarg;
		else if (c == ':')
			return usage_error("list: option '%s' needs a value",
					   argv[optind - 1]);
		else if (c == 't')
			return usage_error("list: too many --tag");
		else
			return usage_error("list: unknown option '%s' (see "
					   "'boxcheck list --help')",
					   argv[optind - 1]);
	}
	if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0)
		return usage_error("list: unknown format '%s' (text or json)",
				   fmt);
	sel.patterns = (const char *const *)argv + optind;
	sel.n_patterns = argc - optind;
	sel.include_selftest = true;
	n = registry_select(&sel, out, &unmatched);
	if (unmatched)
		return usage_error("list: pattern '%s' matches no scenario",
				   unmatched);
	if (strcmp(fmt, "json") == 0) {
		json_t *a = json_array();
		for (size_t i = 0; i < n; i++)
			json_array_append_new(a, scenario_json(out[i]));
		json_dumpf(a, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(a);
		return EXIT_OK;
	}
	for (size_t i = 0; i < n; i++) {
		char req[512];
		req_describe(&out[i]->req, req, sizeof(req));
		printf("%-40s %s [%s]\n", out[i]->id, out[i]->property, req);
	}
	return EXIT_OK;
}
