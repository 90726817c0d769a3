/* SPDX-License-Identifier: MIT */
/*
 * hostmeta.h - the host facts a benchmark figure needs beyond the probe's
 * (harness/facts.c): kernel cmdline, SMT, CPU frequency governor, mount
 * count, load average, PMU availability.
 */
#ifndef BOXCHECK_HOSTMETA_H
#define BOXCHECK_HOSTMETA_H

/* Add them to a JSON object (json_t *host). */
void bench_host_meta(void *host);
/* The 1, 5 and 15 minute load averages as a JSON array (json_t *). */
void *bench_loadavg(void);

#endif
