# The cgroup area (issue 4): run it under the host-state test, require no
# fail or error and a run under 10 s. Unit tests (tests/test_cgroup.c) run
# with `make unit`.
CHECK_STEPS += cgroup-area

.PHONY: cgroup-area
cgroup-area: $(BIN)
	tests/cgroup-area.sh $(BIN)
