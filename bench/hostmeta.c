// SPDX-License-Identifier: MIT
#include "hostmeta.h"
#include "../primitives/base.h"
#include "../primitives/counters.h"

#include <jansson.h>
#include <string.h>

static json_t *text_or_null(const char *path)
{
	char buf[4096];

	if (read_text(path, buf, sizeof(buf)) < 0)
		return json_null();
	return json_string(chomp(buf));
}

static int mount_count(void)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	return n;
}

void *bench_loadavg(void)
{
	double l[3];

	if (getloadavg(l, 3) != 3)
		return json_null();
	return json_pack("[f, f, f]", l[0], l[1], l[2]);
}

/* SMT: "on", "off", "notsupported" ... or the sibling count per core. */
static json_t *smt(void)
{
	json_t *s = text_or_null("/sys/devices/system/cpu/smt/control");

	if (!json_is_null(s))
		return s;
	return text_or_null("/sys/devices/system/cpu/cpu0/topology/"
			    "thread_siblings_list");
}

static json_t *pmu(void)
{
	struct counters c;
	json_t *o;

	counters_open(&c);
	o = json_pack("{s:b, s:s}", "hardware", c.fd[CNT_CYCLES] >= 0, "cycles",
		      c.fd[CNT_CYCLES] >= 0 ? "available"
					    : "unavailable: no "
					      "hardware PMU");
	counters_close(&c);
	return o;
}

void bench_host_meta(void *host)
{
	json_t *h = host;
	json_t *gov = text_or_null(
		"/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");

	json_object_set_new(h, "kernel_cmdline", text_or_null("/proc/cmdline"));
	json_object_set_new(h, "smt", smt());
	json_object_set_new(h, "governor",
			    json_is_null(gov) ? json_string("none (no cpufreq)")
					      : gov);
	json_object_set_new(h, "mounts", json_integer(mount_count()));
	json_object_set_new(h, "pmu", pmu());
}
