/* SPDX-License-Identifier: MIT */
/* tools.h - external runtimes and VMMs: installed? which version? */
#ifndef BOXCHECK_TOOLS_H
#define BOXCHECK_TOOLS_H

#include "../primitives/base.h"

struct tool {
	const char *name; /* boxcheck's name for it */
	const char *cmd;  /* executable */
	const char *args; /* prints the version */
};
extern const struct tool tool_table[];

/* First line of `cmd args`, or -ENOENT when not installed. */
int tool_version(const struct tool *t, char *buf, size_t len);
/* JSON object name -> version string or null (json_t *). */
void *tools_json(void);

#endif
