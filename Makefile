# boxcheck - see README.md. `make help` lists the targets.

CC       ?= gcc
BUILD    ?= build
VERSION  := 0.1.0
GIT_REV  := $(shell git describe --always --dirty --abbrev=7 2>/dev/null || echo unknown)

WARN     := -Wall -Wextra $(if $(or $(CI),$(WERROR)),-Werror)
# Where dpkg-buildflags exists, the flags Debian's package is built with
# (hardening=+all, debian/rules): the package build then reuses this
# build's objects (make check-package). A CFLAGS given replaces all three.
ifeq ($(origin CFLAGS),undefined)
DPKG_FLAGS = $(shell DEB_BUILD_MAINT_OPTIONS=hardening=+all \
	dpkg-buildflags --get $(1) 2>/dev/null)
ifneq ($(shell command -v dpkg-buildflags),)
CFLAGS   := $(call DPKG_FLAGS,CFLAGS)
CPPFLAGS := $(call DPKG_FLAGS,CPPFLAGS)
LDFLAGS  := $(call DPKG_FLAGS,LDFLAGS)
endif
endif
CFLAGS   ?= -O2 -g
# The flags as given, before the tree's own: another tree built with
# these finds this one's objects up to date (mk/truth.mk's mutant tree).
BASE_CFLAGS := $(CFLAGS)
CFLAGS   += -std=gnu17 $(WARN) -D_GNU_SOURCE -MMD -MP -I$(BUILD)/gen
# libpfm4 is dlopen()ed by primitives/counters.c; only the static build
# links it (see counters-static.o).
LDLIBS   := -lcap -lseccomp -ljansson -ldl
STATIC_LIBS := -lcap -lseccomp -lpfm -ljansson
TESTLIBS := -lcmocka

DIRS     := primitives scenarios bench harness harness/validate reports
SRC      := $(foreach d,$(DIRS),$(wildcard $(d)/*.c))
LIB_SRC  := $(filter-out harness/main.c,$(SRC))
OBJ      := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libboxcheck.a
BIN      := $(BUILD)/boxcheck
TESTS    := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))
# Builds started by recipes use every core unless make was given -j.
JOBS     ?= $(shell nproc 2>/dev/null || echo 2)
PAR       = $(if $(filter -j%,$(MAKEFLAGS)),,-j$(JOBS))
AREAS_H  := $(BUILD)/gen/areas.h
VERSION_H := $(BUILD)/gen/version.h
FLAGS_STAMP := $(BUILD)/gen/flags
LINK_STAMP := $(BUILD)/gen/ldflags

# Dependency groups for ci/install-deps.sh, per target. INSTALL_DEPS=true
# skips the installs (a package build: its Build-Depends are there).
INSTALL_DEPS ?= ci/install-deps.sh
DEPS_BUILD := build
DEPS_CHECK := build test
DEPS_RUN   := build test

# What `make check` runs after building, in order. Fragments in mk/*.mk add
# their own steps (CHECK_STEPS += check-vm) and dependency groups.
# suite runs through the host-state test (one run serves both).
# CHECK_PAR_STEPS time nothing and judge no timing: one step, check-par,
# runs them JOBS at a time (make -O: each step's output whole).
CHECK_STEPS := unit suite check-par
CHECK_PAR_STEPS := format-check

.PHONY: FORCE all deps deps-check static check check-par unit suite host-state format \
        format-check clean help

all: $(BIN) $(BUILD)/boxcheck-static

help:
	@echo "make            build $(BIN) and $(BUILD)/boxcheck-static"
	@echo "                (installs missing build deps)"
	@echo "make run        install, build, then the whole mission here: the"
	@echo "                suite, validate (every runtime), bench (every"
	@echo "                runtime, one VM), one report in reports/out"
	@echo "make check      install, build, unit tests, format, the suite,"
	@echo "                output validation and the host-state test"
	@echo "make static     statically linked $(BUILD)/boxcheck-static"
	@echo "make deps       install every dependency (ci/install-deps.sh)"
	@echo "make install    boxcheck, its static agent and boxcheck(1) under"
	@echo "                PREFIX (/usr/local), staged in DESTDIR"
	@echo "make check-package  the Debian package (dpkg-buildpackage), installed"
	@echo "                into a scratch root, runs there"
	@echo "make lava-overlay  the overlay tarball for LAVA and tuxrun (ci/lava)"
	@echo "make format     reformat the sources with clang-format"

deps:
	@$(INSTALL_DEPS)

# Order-only: checking is quick, and never forces a rebuild.
$(BUILD)/.deps-build: | $(BUILD)
	@$(INSTALL_DEPS) $(DEPS_BUILD)
deps-check:
	@$(INSTALL_DEPS) $(sort $(DEPS_CHECK))

# Its subdirectories are made even when build/ exists already (a build/vm
# copied in, or made by a VM target first).
$(BUILD): | $(BUILD)/gen $(BUILD)/obj $(BUILD)/tests
$(BUILD)/gen $(BUILD)/obj $(BUILD)/tests:
	@mkdir -p $@

# One X(symbol) per BOXCHECK_AREA in scenarios/; rewritten only on change.
$(AREAS_H): $(wildcard scenarios/*.c) | $(BUILD)
	@grep -ho 'BOXCHECK_AREA([a-z0-9_]*' scenarios/*.c | sed 's/.*(/X(/; s/$$/)/' \
		| sort > $@.$$$$; \
	cmp -s $@.$$$$ $@ && rm -f $@.$$$$ || mv $@.$$$$ $@

$(BUILD)/obj/%.o: %.c $(FLAGS_STAMP) | $(BUILD)/.deps-build $(VERSION_H) $(AREAS_H)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/obj/harness/registry.o: $(AREAS_H)

# The version and git revision, rewritten only when they change.
$(VERSION_H): FORCE | $(BUILD)
	@printf '#define BOXCHECK_VERSION "%s"\n#define BOXCHECK_GIT_REV "%s"\n' \
		"$(VERSION)" "$(GIT_REV)" > $@.$$$$; \
	cmp -s $@.$$$$ $@ && rm -f $@.$$$$ || mv $@.$$$$ $@
FORCE:

# What the objects (FLAGS_STAMP) and the binaries (LINK_STAMP) are made
# with, rewritten only on change: a change of flags rebuilds them. Left
# out: the tree's path (dpkg's -ffile-prefix-map maps it to "."), its own
# gen/, -Werror (no object changes with it) and -DBOXCHECK_MUTANTS (read
# by primitives/mutant.h alone, whose includers are never copied between
# trees: ci/seed-build.sh). A copy of this tree built with the same flags
# (the package's) finds the objects up to date.
FLAGS_TEXT = $(subst $(CURDIR),.,$(CC) | $(CPPFLAGS) | $(filter-out \
	-Werror -DBOXCHECK_MUTANTS -I$(BUILD)/gen,$(CFLAGS)))
LINK_TEXT = $(CC) | $(LDFLAGS)
$(FLAGS_STAMP): FORCE | $(BUILD)
	@printf '%s\n' '$(FLAGS_TEXT)' > $@.$$$$; \
	cmp -s $@.$$$$ $@ && rm -f $@.$$$$ || mv $@.$$$$ $@
$(LINK_STAMP): FORCE | $(BUILD)
	@printf '%s\n' '$(LINK_TEXT)' > $@.$$$$; \
	cmp -s $@.$$$$ $@ && rm -f $@.$$$$ || mv $@.$$$$ $@

$(LIB): $(OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/obj/harness/main.o $(LIB) $(LINK_STAMP)
	$(CC) $(LDFLAGS) -o $@ $(filter-out $(LINK_STAMP),$^) $(LDLIBS)

static: $(BUILD)/boxcheck-static
# counters.c again, linking libpfm4 directly; ahead of the archive, so the
# archive's counters.o is not pulled in.
$(BUILD)/obj/counters-static.o: primitives/counters.c $(FLAGS_STAMP) | $(BUILD)/.deps-build
	$(CC) $(CPPFLAGS) $(CFLAGS) -DBOXCHECK_PFM_STATIC -c -o $@ $<
$(BUILD)/boxcheck-static: $(BUILD)/obj/harness/main.o \
		$(BUILD)/obj/counters-static.o $(LIB) $(LINK_STAMP)
	$(CC) $(LDFLAGS) -static -o $@ $(filter-out $(LINK_STAMP),$^) \
		$(STATIC_LIBS) $(filter -lm,$(LDLIBS))

$(BUILD)/tests/%: tests/%.c $(LIB) tests/testlib.h $(wildcard tests/*_fixtures.h) | $(BUILD)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Wno-unused-parameter -o $@ $< \
		$(LIB) $(LDLIBS) $(TESTLIBS)

# ---- checks ---------------------------------------------------------------

unit: deps-check $(TESTS) $(BIN) $(BUILD)/boxcheck-static
	@set -e; for t in $(TESTS); do echo "== $$t"; BOXCHECK=$(abspath $(BIN)) $$t; done

CHECK_OUT := $(BUILD)/check
suite: $(BIN) $(BUILD)/tests/json-valid $(BUILD)/tests/ktap-valid
	@mkdir -p $(CHECK_OUT)
	HOST_STATE_STRICT=1 tests/host-state.sh $(BIN) -j 2 \
		--tap $(CHECK_OUT)/suite.tap --junit $(CHECK_OUT)/suite.xml \
		--json $(CHECK_OUT)/suite.json --ktap $(CHECK_OUT)/suite.ktap
	prove --exec cat $(CHECK_OUT)/suite.tap
	prove --exec cat $(CHECK_OUT)/suite.ktap
	xmllint --noout $(CHECK_OUT)/suite.xml
	$(BUILD)/tests/json-valid $(CHECK_OUT)/suite.json
	$(BUILD)/tests/ktap-valid $(CHECK_OUT)/suite.ktap

$(BUILD)/tests/json-valid: tests/json-valid.c | $(BUILD)/.deps-build
	$(CC) $(CFLAGS) -o $@ $< -ljansson
$(BUILD)/tests/ktap-valid: tests/ktap-valid.c tests/ktap_read.h | $(BUILD)
	$(CC) $(CFLAGS) -o $@ $<

host-state: $(BIN)
	tests/host-state.sh $(BIN)

FORMAT_SRC = $(wildcard $(addsuffix /*.[ch],$(DIRS) tests))
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run -Werror $(FORMAT_SRC)

check: deps-check
	$(MAKE) $(PAR) all $(TESTS) $(BUILD)/tests/json-valid \
		$(BUILD)/tests/ktap-valid
	@set -e; t=$$(date +%s); for step in $(CHECK_STEPS); do \
		echo "== make $$step"; s=$$(date +%s); \
		$(MAKE) --no-print-directory $$step; \
		echo "== make $$step: $$(($$(date +%s) - s)) s"; done; \
		echo "== make check: $$(($$(date +%s) - t)) s after the build"

# The longest first, so the two slots end together.
CHECK_PAR_FIRST := vm-images lint check-asan-unit check-package check-valgrind
check-par:
	@$(MAKE) --no-print-directory -j$(JOBS) -O $(addprefix timed-,\
		$(foreach s,$(CHECK_PAR_FIRST),$(filter $(s),$(CHECK_PAR_STEPS))) \
		$(filter-out $(CHECK_PAR_FIRST),$(CHECK_PAR_STEPS)))
timed-%:
	@s=$$(date +%s); $(MAKE) --no-print-directory $*; \
		echo "== make $*: $$(($$(date +%s) - s)) s (in check-par)"

# `make run`: mk/run.mk.

clean:
	rm -rf $(BUILD)

include $(wildcard mk/*.mk)

-include $(shell find $(BUILD)/obj $(BUILD)/tests -name '*.d' 2>/dev/null)
