# Truth rules (DESIGN.md): checks that keep every verdict earned.
#   lint-truth      a predicate never reads which run it is: the lint over
#                   scenarios/, its planted violations, and a judge that
#                   reads the run failing to compile (tests/lint-truth.sh)
#   mutant          build/mutant/boxcheck (-DBOXCHECK_MUTANTS; the main
#                   build's objects that cannot differ are copied in)
#   check-mutants   the suite once per built-in mutant (primitives/mutant.h):
#                   every scenario whose run went through the mutation must
#                   fail or error (tests/mutants.sh)
CHECK_PAR_STEPS += lint-truth
CHECK_STEPS += check-mutants

MUTANT_BUILD := $(BUILD)/mutant
MUTANT_OUT   := $(BUILD)/check/mutants

.PHONY: lint-truth mutant check-mutants
lint-truth:
	tests/lint-truth.sh $(CC)

# The main build's flags plus the define: its objects that do not include
# primitives/mutant.h are copied in (ci/seed-build.sh), the rest compiled.
mutant: $(LIB)
	@ci/seed-build.sh $(BUILD) $(MUTANT_BUILD) primitives/mutant.h
	@CFLAGS="$(BASE_CFLAGS) -DBOXCHECK_MUTANTS" CPPFLAGS="$(CPPFLAGS)" \
		LDFLAGS="$(LDFLAGS)" $(MAKE) --no-print-directory $(PAR) \
		BUILD=$(MUTANT_BUILD) $(MUTANT_BUILD)/boxcheck

check-mutants: mutant
	tests/mutants.sh $(MUTANT_BUILD)/boxcheck $(MUTANT_OUT)
