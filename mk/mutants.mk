# Built-in mutants (primitives/mutant.h): the suite against deliberately
# broken builds. Every scenario that goes through a mutated observation
# must notice (fail or error), or the check could not fail.
#   mutant          build/mutant/boxcheck (-DBOXCHECK_MUTANTS)
#   check-mutants   run the suite once per mutant; tests/mutants.sh
CHECK_STEPS += check-mutants

MUTANT_BUILD := $(BUILD)/mutant
MUTANT_OUT   := $(BUILD)/check/mutants

.PHONY: mutant check-mutants
mutant:
	@CFLAGS="-O2 -g -DBOXCHECK_MUTANTS" $(MAKE) --no-print-directory \
		BUILD=$(MUTANT_BUILD) $(MUTANT_BUILD)/boxcheck

check-mutants: mutant
	tests/mutants.sh $(MUTANT_BUILD)/boxcheck $(MUTANT_OUT)
