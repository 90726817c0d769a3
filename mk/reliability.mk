# mk/reliability.mk - issue 10: hostile scenarios, leak tests, sanitizers,
# static analysis and fuzzing. Included by the Makefile.
#
#   check-selftest  hostile scenarios handled (tests/selftest.sh)
#   check-leaks     SIGKILL + cleanup, SIGINT/SIGTERM, closed stdout, A/B
#                   runs (bench --against) stopped on either side
#   check-asan      ASan+UBSan build: the suite, the selftests
#   check-asan-unit ASan+UBSan build: the unit tests
#   check-valgrind  unit tests under memcheck, no errors or leaks
#   lint            clang-tidy and cppcheck, checked-in configuration
#   fuzz            every fuzz target for FUZZ_TIME seconds each
#   check-all       check + fuzz (each target FUZZ_TIME seconds)

.PHONY: check-selftest check-leaks check-asan check-asan-unit check-valgrind lint fuzz \
        fuzz-build fuzz-merge fuzz-replay check-all unit-bins

# lint is clean (clang-tidy and cppcheck) and part of make check.
CHECK_STEPS += check-selftest check-leaks check-asan
CHECK_PAR_STEPS += check-valgrind check-asan-unit fuzz-replay lint
# One sanitized tree: its two users in check-par build it one after the other.
timed-fuzz-replay: timed-check-asan-unit
DEPS_CHECK  += sanitize valgrind lint

check-selftest: $(BIN)
	tests/selftest.sh $(BIN)

check-leaks: $(BIN)
	tests/leak-sigkill.sh $(BIN)
	tests/leak-sigint.sh $(BIN)
	tests/leak-ab.sh $(BIN)

# ---- sanitizers -----------------------------------------------------------
# A separate build tree with clang; CFLAGS go through the environment so the
# Makefile's own += flags still apply. -Werror stays with the gcc build:
# clang 14 warns about more (missing field initialisers), and this build is
# here for its run-time checks.
SAN_FLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
             -fno-sanitize-recover=undefined
# The same objects serve the fuzz targets (fuzzer-no-link only adds
# coverage counters, which the sanitizer runtime accepts without libFuzzer):
# one sanitized build of the library instead of two.
SAN_CFLAGS := $(SAN_FLAGS) -fsanitize=fuzzer-no-link
ASAN_BUILD := $(BUILD)/asan
SAN_ENV := LSAN_OPTIONS=suppressions=$(abspath ci/lsan.supp):print_suppressions=0 \
           ASAN_OPTIONS=detect_leaks=1:allow_user_segv_handler=1:fast_unwind_on_malloc=0 \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# The unit tests' static binary (test_oci runs it inside runc) cannot take
# ASan: the regular one is copied in.
unit-bins: $(TESTS) $(BIN)

# The unit tests time nothing: check-asan-unit runs in check-par; the
# suite and the selftests (timeouts, timing checks) in check-asan, alone.
ASAN_MAKE = $(SAN_ENV) CC=clang CFLAGS="$(SAN_CFLAGS)" LDFLAGS="$(SAN_FLAGS)" \
	$(MAKE) --no-print-directory $(PAR) BUILD=$(ASAN_BUILD) WERROR= CI=
check-asan-unit: $(BUILD)/boxcheck-static
	$(ASAN_MAKE) unit-bins
	cp $(BUILD)/boxcheck-static $(ASAN_BUILD)/boxcheck-static
	@set -e; for t in $(patsubst $(BUILD)/%,$(ASAN_BUILD)/%,$(TESTS)); do \
		echo "== $$t"; \
		$(SAN_ENV) BOXCHECK=$(abspath $(ASAN_BUILD))/boxcheck $$t; done
	@echo "check-asan-unit: unit tests clean under ASan+UBSan"

check-asan: $(BUILD)/boxcheck-static
	$(ASAN_MAKE) $(ASAN_BUILD)/boxcheck $(ASAN_BUILD)/tests/json-valid \
		$(ASAN_BUILD)/tests/ktap-valid
	$(SAN_ENV) CC=clang CFLAGS="$(SAN_CFLAGS)" LDFLAGS="$(SAN_FLAGS)" \
		$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) WERROR= CI= suite
	@rm -f $(ASAN_BUILD)/san.*
	$(SAN_ENV):log_path=$(abspath $(ASAN_BUILD))/san \
		tests/selftest.sh $(ASAN_BUILD)/boxcheck
	@if ls $(ASAN_BUILD)/san.* >/dev/null 2>&1; then cat $(ASAN_BUILD)/san.*; \
		echo "check-asan: sanitizer reports above"; exit 1; fi
	@echo "check-asan: suite and selftests clean under ASan+UBSan"

# ---- valgrind -------------------------------------------------------------
VALGRIND := valgrind -q --error-exitcode=99 --leak-check=full \
            --show-leak-kinds=definite,indirect \
            --errors-for-leak-kinds=definite,indirect \
            --suppressions=ci/valgrind.supp

# Tests that cannot run under memcheck, skipped (and said so).
# test_report drives gnuplot with wall-clock timeouts that memcheck's
# slowdown exceeds; its asserts then fail and cmocka's longjmp skips the
# frees, which shows as leaks. Run alone, its frees are complete: ASan's
# LeakSanitizer covers it in check-asan.
VALGRIND_SKIP ?= test_report

check-valgrind: $(TESTS) $(BIN)
	@set -e; for t in $(TESTS); do \
		if echo " $(VALGRIND_SKIP) " | grep -q " $${t##*/} "; then \
			echo "== valgrind $$t: SKIPPED (gnuplot timeouts, VALGRIND_SKIP)"; \
			continue; fi; \
		echo "== valgrind $$t"; \
		BOXCHECK=$(abspath $(BIN)) BOXCHECK_VALGRIND=1 $(VALGRIND) $$t >$(BUILD)/valgrind.log 2>&1 \
		|| { cat $(BUILD)/valgrind.log; exit 1; }; done
	@echo "check-valgrind: unit tests clean under memcheck"

# ---- static analysis ------------------------------------------------------
LINT_SRC = $(wildcard $(addsuffix /*.c,$(DIRS)))
LINT_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CPPCHECK := cppcheck --quiet --error-exitcode=1 --inline-suppr \
            --enable=warning,portability --std=c11 -D_GNU_SOURCE \
            -D__$(shell uname -m)__ \
            --suppressions-list=ci/cppcheck.supp -I$(BUILD)/gen --library=posix \
            --library=ci/jansson.cfg

lint: $(VERSION_H) $(AREAS_H)
	@LINT_DEPS=$(BUILD)/obj tests/lint-tidy.sh $(BUILD)/gen $(LINT_JOBS) $(BUILD)/tidy-ok \
		$(LINT_SRC) >$(BUILD)/tidy.log 2>&1 || true
	@head -n 1 $(BUILD)/tidy.log
	@if grep -q -E '(warning|error|Error):' $(BUILD)/tidy.log; then \
		cat $(BUILD)/tidy.log; echo "lint: clang-tidy findings above"; exit 1; fi
	@mkdir -p $(BUILD)/cppcheck
	@$(CPPCHECK) --cppcheck-build-dir=$(BUILD)/cppcheck -j $(LINT_JOBS) \
		$(LINT_SRC)
	@echo "lint: clang-tidy and cppcheck clean"

# ---- fuzzing --------------------------------------------------------------
# libFuzzer targets in fuzz/, linked with a sanitized copy of the library.
# FUZZ_TIME seconds each; each ran once for 300 s (fuzz/README).
FUZZ_TIME ?= 15
FUZZ_BUILD := $(ASAN_BUILD)
FUZZ_FLAGS := $(SAN_FLAGS)
FUZZ_TARGETS := $(patsubst fuzz/%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_BINS := $(addprefix $(FUZZ_BUILD)/,$(FUZZ_TARGETS))
FUZZ_RUN = $(FUZZ_BUILD)/$$t -timeout=5 -rss_limit_mb=1024 -max_len=4096 \
           -close_fd_mask=2 \
           -artifact_prefix=$(FUZZ_BUILD)/$$t-

$(FUZZ_BUILD)/libboxcheck.a: FORCE
	@CC=clang CFLAGS="$(SAN_CFLAGS)" \
		$(MAKE) --no-print-directory $(PAR) BUILD=$(FUZZ_BUILD) WERROR= CI= $@

$(FUZZ_BUILD)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_BUILD)/libboxcheck.a
	clang $(FUZZ_FLAGS) -fsanitize=fuzzer -std=gnu17 -D_GNU_SOURCE \
		-I$(FUZZ_BUILD)/gen -o $@ $< $(FUZZ_BUILD)/libboxcheck.a $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/corpus/$$t $(FUZZ_BUILD)/new/$$t; \
		echo "== fuzz $$t ($(FUZZ_TIME) s)"; \
		$(FUZZ_RUN) -max_total_time=$(FUZZ_TIME) $(FUZZ_BUILD)/new/$$t \
			fuzz/corpus/$$t >$(FUZZ_BUILD)/$$t.log 2>&1 \
			|| { tail -n 40 $(FUZZ_BUILD)/$$t.log; exit 1; }; \
		grep -E '^#[0-9]+.*DONE' $(FUZZ_BUILD)/$$t.log | tail -n 1; done
	@echo "fuzz: no crash in $(FUZZ_TIME) s per target"

# Regression: replay the checked-in corpus (and past crashes) once.
fuzz-replay: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		$(FUZZ_RUN) -runs=0 fuzz/corpus/$$t >$(FUZZ_BUILD)/$$t.log 2>&1 \
		|| { tail -n 40 $(FUZZ_BUILD)/$$t.log; exit 1; }; done
	@echo "fuzz-replay: corpus replays clean"

# Keep the new inputs that add coverage in the checked-in corpus.
fuzz-merge: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
		$(FUZZ_BUILD)/$$t -merge=1 fuzz/corpus/$$t $(FUZZ_BUILD)/new/$$t \
			>/dev/null 2>&1; done

check-all: check fuzz
