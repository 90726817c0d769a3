// SPDX-License-Identifier: MIT
#include "tools.h"
#include "host.h"

#include <jansson.h>
#include <string.h>

const struct tool tool_table[] = {
	{ "runc", "runc", "--version" },
	{ "crun", "crun", "--version" },
	{ "bwrap", "bwrap", "--version" },
	{ "nspawn", "systemd-nspawn", "--version" },
	{ "lxc", "lxc-execute", "--version" },
	{ "podman", "podman", "--version" },
	{ "docker", "dockerd", "--version" },
	{ "unshare", "unshare", "--version" },
	{ "hyperfine", "hyperfine", "--version" },
	{ "qemu-x86_64", "qemu-system-x86_64", "--version" },
	{ "qemu-aarch64", "qemu-system-aarch64", "--version" },
	{ "qemu-arm", "qemu-system-arm", "--version" },
	{ NULL, NULL, NULL },
};

int tool_version(const struct tool *t, char *buf, size_t len)
{
	char cmd[256];
	FILE *p;

	if (!host_has_cmd(t->cmd))
		return -ENOENT;
	/* Fixed strings from the table above: no outside input reaches sh. */
	snprintf(cmd, sizeof(cmd), "%s %s 2>&1 </dev/null", t->cmd, t->args);
	p = popen(cmd, "re");
	if (!p)
		return neg_errno();
	if (!fgets(buf, len, p))
		buf[0] = '\0';
	while (fgetc(p) != EOF) /* drain: no SIGPIPE for the tool */
		;
	pclose(p);
	chomp(buf);
	return 0;
}

void *tools_json(void)
{
	json_t *o = json_object();

	for (const struct tool *t = tool_table; t->name; t++) {
		char v[256];
		json_object_set_new(o, t->name,
				    tool_version(t, v, sizeof(v)) == 0
					    ? json_string(v)
					    : json_null());
	}
	return o;
}
