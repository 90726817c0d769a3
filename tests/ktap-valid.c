// SPDX-License-Identifier: MIT
/*
 * ktap-valid FILE...: exit 0 if each file is KTAP version 1 as
 * tests/ktap_read.h reads it (strictly), with a "# Totals:" line; prints
 * the number of tests in each.
 */
#include "ktap_read.h"

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "re");
		char *text = NULL;
		size_t len = 0;
		struct kr k;
		int r;

		if (!f || getdelim(&text, &len, '\0', f) < 0) {
			fprintf(stderr, "%s: cannot read\n", argv[i]);
			return 1;
		}
		fclose(f);
		r = kr_parse(&k, text);
		free(text);
		if (r < 0 || !k.totals_seen) {
			fprintf(stderr, "%s: %s\n", argv[i],
				r < 0 ? k.err : "no # Totals: line");
			free(k.t);
			return 1;
		}
		printf("%s: KTAP version 1, %zu tests\n", argv[i], k.n);
		free(k.t);
	}
	return argc > 1 ? 0 : 2;
}
