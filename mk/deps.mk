# deps-coverage (issue 17): ci/install-deps.sh covers every external command
# boxcheck and its make targets run. The table is ci/commands; the commands
# in use come from boxcheck's own tables ($(BUILD)/tests/tool-list) and from
# the scripts, recipes and C sources (tests/deps-coverage.sh says how).
# First: cheap, and a missing package explains later failures.
CHECK_STEPS := deps-coverage $(CHECK_STEPS)

.PHONY: deps-coverage
$(BUILD)/tests/tool-list: tests/tool-list.c $(LIB) | $(BUILD)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

deps-coverage: $(BUILD)/tests/tool-list
	tests/deps-coverage.sh $(BUILD)/tests/tool-list ci/commands
