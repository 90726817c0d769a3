// SPDX-License-Identifier: MIT
/* json-valid FILE...: exit 0 if each file is a boxcheck results document. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		json_error_t err;
		json_t *doc = json_load_file(argv[i], 0, &err);
		const char *fmt;

		if (!doc) {
			fprintf(stderr, "%s:%d: %s\n", argv[i], err.line,
				err.text);
			return 1;
		}
		fmt = json_string_value(json_object_get(doc, "format"));
		if (!fmt || strcmp(fmt, "boxcheck-results") != 0 ||
		    !json_is_array(json_object_get(doc, "records"))) {
			fprintf(stderr, "%s: not a boxcheck results file\n",
				argv[i]);
			return 1;
		}
		json_decref(doc);
	}
	return argc > 1 ? 0 : 2;
}
