// SPDX-License-Identifier: MIT
/*
 * tool-list: every external command boxcheck's own tables name, one a line
 * as "COMMAND TABLE": the tools whose versions it reports (tool_table), the
 * validate targets' launchers (target_table), bench's external runtimes
 * (ext_table) and the commands scenarios require. tests/deps-coverage.sh
 * checks each against ci/commands and ci/install-deps.sh.
 */
#include "../bench/external.h"
#include "../harness/registry.h"
#include "../harness/validate/targets.h"
#include "../harness/tools.h"
#include "../scenarios/scenario.h"

#include <stdio.h>

int main(void)
{
	for (const struct tool *t = tool_table; t->name; t++)
		printf("%s tool_table\n", t->cmd);
	for (const struct target *t = target_table; t->name; t++)
		if (t->tool)
			printf("%s target_table\n", t->tool);
	for (const struct ext_runtime *e = ext_table; e->name; e++)
		if (e->binary)
			printf("%s ext_table\n", e->binary);
	for (size_t i = 0; i < registry_count(); i++) {
		const struct scenario *s = registry_get(i);
		for (size_t k = 0;
		     k < ARRAY_SIZE(s->req.cmds) && s->req.cmds[k]; k++)
			printf("%s scenario:%s\n", s->req.cmds[k], s->id);
	}
	return ferror(stdout) ? 1 : 0;
}
