# The coverage map (issue 20): docs/coverage/<doc>.tsv maps each normative
# statement of the kernel's and man-pages' documents to the scenarios that
# check it, or to why no test can observe it; docs/coverage.md is made from
# the tables (tests/coverage.c says how).
#   coverage      fails when a table is malformed, names a scenario this
#                 build does not have, or docs/coverage.md is stale; prints
#                 the percentage covered per document. Strict: an id planned
#                 in an unmerged branch (BRANCH:area/name) fails too, unless
#                 COVERAGE_FLAGS=--allow-planned.
#   coverage-md   rewrites docs/coverage.md from the tables.
CHECK_PAR_STEPS += coverage

COVERAGE_TABLES := $(sort $(wildcard docs/coverage/*.tsv))
COVERAGE_FLAGS  ?=

.PHONY: coverage coverage-md
$(BUILD)/tests/coverage: tests/coverage.c $(LIB) | $(BUILD)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

coverage: $(BUILD)/tests/coverage
	tests/coverage-selftest.sh $(BUILD)/tests/coverage
	$(BUILD)/tests/coverage $(COVERAGE_FLAGS) --check docs/coverage.md \
		$(COVERAGE_TABLES)

coverage-md: $(BUILD)/tests/coverage
	$(BUILD)/tests/coverage --allow-planned -o docs/coverage.md \
		$(COVERAGE_TABLES)

# After merging BRANCH, its planned ids are in the build: drop their
# "BRANCH:" prefix from the tables and rewrite docs/coverage.md.
.PHONY: coverage-land
coverage-land:
	@test -n "$(BRANCH)" || { echo "usage: make coverage-land BRANCH=name" >&2; exit 2; }
	sed -i 's/\([\t ]\)$(BRANCH):/\1/g' $(COVERAGE_TABLES)
	$(MAKE) --no-print-directory coverage-md
