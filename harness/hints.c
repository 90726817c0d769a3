// SPDX-License-Identifier: MIT
#include "hints.h"

#include <stdio.h>
#include <string.h>

static const struct hint {
	const char *runtime; /* NULL: any */
	const char *words;   /* in its message */
	const char *hint;
} hints[] = {
	{ "crun", "hybrid mode not supported",
	  "crun 1.8 refuses a hybrid host whose cgroup2 has controllers: "
	  "--crun-v1-view auto (the default) hides cgroup2 from it" },
	{ "crun", "absolute cgroup path",
	  "crun resolves a relative cgroup path from the root: run boxcheck "
	  "from a cgroup whose path is the same on every hierarchy" },
	{ "docker", "dockerd did not start",
	  "that is dockerd's own log: boxcheck starts a dockerd of its own "
	  "(vfs storage, no bridge, no iptables, its files and socket in "
	  "the run dir; bench/dockerd.h), never the host's" },
	{ NULL, "cannot execute hyperfine",
	  "hyperfine is in ci/install-deps.sh's runtimes group (make run "
	  "installs it)" },
	{ NULL, "is not installed",
	  "ci/install-deps.sh runtimes installs it (make run does)" },
	{ NULL, "absolute cgroup path",
	  "run boxcheck from a cgroup whose path is the same on every "
	  "hierarchy" },
	{ NULL, "did not finish within",
	  "a loaded host? try again (validate --timeout S gives it longer)" },
};

static const char general[] =
	"run the same command by hand as root to see all it says (bench: "
	"the row's \"command\" in its JSON)";

const char *runtime_hint(const char *runtime, const char *msg)
{
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		const struct hint *h = &hints[i];
		if (h->runtime && (!runtime || strcmp(h->runtime, runtime)))
			continue;
		if (msg && strstr(msg, h->words))
			return h->hint;
	}
	return general;
}

void runtime_hint_append(const char *runtime, char *buf, size_t len)
{
	size_t n = strlen(buf);

	if (n + 1 < len)
		snprintf(buf + n, len - n, "; hint: %s",
			 runtime_hint(runtime, buf));
}
