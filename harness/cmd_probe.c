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
	"seccomp, PMU, /dev/kvm), and the installed runtimes with versions.\n"
	"\n"
	"--format text (default): a short summary grouped for a person, each\n"
	"missing feature named. --format json: every fact, for machines.\n";

/*
 * Text: a summary grouped for a person, rendered from the same facts as the
 * JSON (one source), each group behind a label in the first column.
 */
#define LABEL 12
#define WIDTH 78

/* Words after a label, wrapped under it. */
struct wrap {
	int col;
};

static void wrap_start(struct wrap *w, const char *label)
{
	w->col = printf("%-*s", LABEL, label);
}

static void wrap_word(struct wrap *w, const char *word)
{
	int n = (int)strlen(word);

	if (w->col > LABEL && w->col + 1 + n > WIDTH)
		w->col = printf("\n%*s", LABEL, "") - 1;
	w->col += printf("%s%s", w->col > LABEL ? " " : "", word);
}

static void wrap_end(struct wrap *w)
{
	if (w->col > LABEL)
		putchar('\n');
	else
		puts("none");
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "?";
}

/* A JSON array of strings, space separated ("-" when empty). */
static void join(json_t *a, char *buf, size_t len)
{
	size_t at = 0, i;
	json_t *x;

	buf[0] = '\0';
	json_array_foreach(a, i, x) {
		at += snprintf(buf + at, len - at, "%s%s", at ? " " : "",
			       json_string_value(x));
		if (at >= len)
			break;
	}
	if (!buf[0])
		snprintf(buf, len, "-");
}

static void text_host(json_t *f)
{
	json_t *cores = json_object_get(f, "cores");

	printf("%-*s%s %s (%s)\n", LABEL, "kernel", str(f, "kernel"),
	       str(f, "arch"), str(f, "kernel_version"));
	printf("%-*s%s, %lld cores; virtualization: %s\n", LABEL, "cpu",
	       str(f, "cpu_model"), (long long)json_integer_value(cores),
	       str(f, "virtualization"));
	printf("%-*s%s, running as %s\n", LABEL, "host", str(f, "hostname"),
	       json_is_true(json_object_get(f, "root")) ? "root" : "not root");
}

/* v2: what our cgroup has, and what it hands to its children. */
static void v2_controllers(json_t *h, char *buf, size_t len)
{
	char avail[256], deleg[256];

	join(json_object_get(h, "available"), avail, sizeof(avail));
	join(json_object_get(h, "controllers"), deleg, sizeof(deleg));
	snprintf(buf, len, "%s (delegated: %s)", avail,
		 strcmp(deleg, "-") ? deleg : "none");
}

static void hier_controllers(json_t *h, char *buf, size_t len)
{
	const char *name = json_string_value(json_object_get(h, "name"));

	if (json_integer_value(json_object_get(h, "version")) == 2)
		v2_controllers(h, buf, len);
	else if (name && !json_array_size(json_object_get(h, "controllers")))
		snprintf(buf, len, "(%s)", name);
	else
		join(json_object_get(h, "controllers"), buf, len);
}

static void text_cgroup(json_t *f)
{
	json_t *cg = json_object_get(f, "cgroup");
	json_t *hs = json_object_get(cg, "hierarchies"), *h;
	int mw = 0, cw = 0;
	char c[1024];
	size_t i;

	printf("%-*s%s, %zu %s\n", LABEL, "cgroup", str(cg, "mode"),
	       json_array_size(hs),
	       json_array_size(hs) == 1 ? "hierarchy" : "hierarchies");
	json_array_foreach(hs, i, h) {
		hier_controllers(h, c, sizeof(c));
		if ((int)strlen(str(h, "mount")) > mw)
			mw = (int)strlen(str(h, "mount"));
		if ((int)strlen(c) > cw)
			cw = (int)strlen(c);
	}
	json_array_foreach(hs, i, h) {
		hier_controllers(h, c, sizeof(c));
		printf("  v%lld %-*s  %-*s  ours %s\n",
		       (long long)json_integer_value(
			       json_object_get(h, "version")),
		       mw, str(h, "mount"), cw, c, str(h, "own"));
	}
}

static bool has_string(json_t *a, const char *s)
{
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x) {
		if (strcmp(json_string_value(x), s) == 0)
			return true;
	}
	return false;
}

static void text_namespaces(json_t *f)
{
	json_t *ns = json_object_get(f, "namespaces");
	char have[256];
	struct wrap w = { 0 };

	join(ns, have, sizeof(have));
	printf("%-*s%zu of %d: %s\n", LABEL, "namespaces", json_array_size(ns),
	       NS__COUNT, have);
	for (int t = 0; t < NS__COUNT; t++) {
		if (has_string(ns, ns_table[t].name))
			continue;
		if (!w.col)
			wrap_start(&w, "  missing");
		wrap_word(&w, ns_table[t].name);
	}
	if (w.col)
		putchar('\n');
}

static void text_userns(json_t *f)
{
	json_t *max = json_object_get(f, "max_user_namespaces");
	json_t *unpriv = json_object_get(f, "unprivileged_userns_clone");

	printf("%-*s", LABEL, "userns");
	if (json_is_integer(max))
		printf("max_user_namespaces %lld",
		       (long long)json_integer_value(max));
	else
		printf("no user.max_user_namespaces");
	if (json_is_integer(unpriv))
		printf("; unprivileged_userns_clone %lld\n",
		       (long long)json_integer_value(unpriv));
	else
		printf("; no kernel.unprivileged_userns_clone sysctl\n");
}

/* Present ones on one (wrapped) line; each missing one with its reason. */
static void text_features(json_t *f)
{
	json_t *feat = json_object_get(f, "features");
	bool overlay = json_is_true(json_object_get(f, "overlayfs"));
	int have = overlay, all = FEAT__COUNT + 1;
	struct wrap w;

	for (int i = 0; i < FEAT__COUNT; i++)
		have += json_is_true(
			json_object_get(feat, feature_table[i].name));
	printf("%-*s%d of %d present\n", LABEL, "features", have, all);
	wrap_start(&w, "  present");
	for (int i = 0; i < FEAT__COUNT; i++)
		if (json_is_true(json_object_get(feat, feature_table[i].name)))
			wrap_word(&w, feature_table[i].name);
	if (overlay)
		wrap_word(&w, "overlayfs");
	wrap_end(&w);
	for (int i = 0; i < FEAT__COUNT; i++)
		if (!json_is_true(json_object_get(feat, feature_table[i].name)))
			printf("  missing   %s: %s\n", feature_table[i].name,
			       feature_table[i].missing);
	if (!overlay)
		printf("  missing   overlayfs: kernel has no overlay "
		       "filesystem\n");
}

/* Which group a tool of tools.c is shown in; the rest are runtimes. */
static const struct {
	const char *prefix, *group;
} tool_groups[] = {
	{ "qemu-", "VMMs" },
	{ "hyperfine", "bench tools" },
};

static const char *tool_group(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(tool_groups); i++)
		if (strncmp(name, tool_groups[i].prefix,
			    strlen(tool_groups[i].prefix)) == 0)
			return tool_groups[i].group;
	return "runtimes";
}

/* The version in a tool's first line: its first word that starts with a
 * digit, up to a comma ("runc version 1.1.5" -> "1.1.5", "Docker version
 * 20.10.24, build 5d6db84" -> "20.10.24"), else the whole line. */
static void short_version(const char *line, char *buf, size_t len)
{
	for (const char *p = line; *p; p += strcspn(p, " "), p += *p == ' ')
		if (*p >= '0' && *p <= '9') {
			snprintf(buf, len, "%.*s", (int)strcspn(p, " ,"), p);
			return;
		}
	snprintf(buf, len, "%s", line);
}

static void text_tools_group(json_t *tools, const char *group)
{
	const char *label = group;

	for (const struct tool *t = tool_table; t->name; t++) {
		json_t *v = json_object_get(tools, t->name);
		bool same = strcmp(t->name, t->cmd) == 0;
		char ver[128];
		if (strcmp(tool_group(t->name), group) != 0)
			continue;
		if (json_is_string(v))
			short_version(json_string_value(v), ver, sizeof(ver));
		else
			snprintf(ver, sizeof(ver), "not installed%s%s%s",
				 same ? "" : " (", same ? "" : t->cmd,
				 same ? "" : ")");
		printf("%-*s%-14s%s\n", LABEL, label, t->name, ver);
		label = "";
	}
}

static void text_tools(json_t *f)
{
	json_t *tools = json_object_get(f, "tools");

	text_tools_group(tools, "runtimes");
	for (size_t i = 0; i < ARRAY_SIZE(tool_groups); i++)
		text_tools_group(tools, tool_groups[i].group);
}

static void text(json_t *facts)
{
	text_host(facts);
	text_cgroup(facts);
	text_namespaces(facts);
	text_userns(facts);
	text_features(facts);
	text_tools(facts);
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
		text(facts);
	}
	json_decref(facts);
	return EXIT_OK;
}
