// SPDX-License-Identifier: MIT
/* drift.c - a host probe's first half against its second (drift.h). */
#include "drift.h"

#include "ladder.h"

#include <math.h>
#include <stdio.h>

int bench_drift(const struct series *s, struct drift *d)
{
	size_t half = s->n / 2;
	struct mwu m;
	struct stats a, b;

	if (s->n < DRIFT_MIN_N)
		return -EINVAL;
	if (stats_mann_whitney(s->v, half, s->v + half, s->n - half, &m) < 0 ||
	    stats_compute(s->v, half, &a) < 0 ||
	    stats_compute(s->v + half, s->n - half, &b) < 0)
		return -EINVAL;
	*d = (struct drift){
		.first_p50 = a.p50,
		.second_p50 = b.p50,
		.effect = m.effect,
		.p = m.p,
		.moved = m.p < DRIFT_ALPHA && fabs(m.effect) > DRIFT_EFFECT,
	};
	return 0;
}

void bench_drift_line(const struct bench_variant *v, char *buf, size_t len)
{
	struct drift d;

	buf[0] = '\0';
	if (!ladder_is_host_probe(v->name) || bench_drift(&v->start, &d) < 0)
		return;
	snprintf(buf, len,
		 "host: '%s' %+.1f%% from the first half of the run to the "
		 "second (%.1f -> %.1f us, p = %.2g): %s",
		 v->name, d.effect * 100, d.first_p50 * 1e6, d.second_p50 * 1e6,
		 d.p,
		 d.moved ? "the host changed under this run, and every "
			   "variant's samples mix the two"
			 : "steady");
}
