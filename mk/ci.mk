# CI systems (issue 22): the targets the workflow templates in ci/templates
# call, so that the templates stay a few lines each and `make check` can
# check them (tests/ci-templates.py: YAML, and every make target and
# boxcheck command they call exists).
#
#   make ci-vm-cell KERNEL=6.1 ARCH=aarch64   one cell of the kernel x arch
#        matrix: the suite in that VM, its results as
#        $(CI_OUT)/suite-KERNEL-ARCH.json (and .xml, .tap); exits with the
#        guest boxcheck's status (1: a scenario failed or errored)
#   make ci-report      every $(CI_OUT)/suite-*.json as one report
#        ($(CI_OUT)/report.html, report.md)
#   make bench-gate GATE_BASE=../base/build/boxcheck   the regression gate:
#        this build against the base branch's, interleaved in one run
#        (bench --against), then compare; exit 1 on a regression
#
# The kernel of a cell is asked of the VM matrix as VM_KERNEL (issue 19's
# kernel axis); the cell checks the kernel the VM booted and fails when it
# is not the one asked for, so a matrix never mislabels a column.

CI_OUT     ?= $(BUILD)/ci
KERNEL     ?= 6.1
ARCH       ?= $(shell uname -m)
GATE_BASE  ?=
GATE_ARGS  ?= --quick

.PHONY: ci-vm-cell ci-report bench-gate check-ci-templates
ci-vm-cell:
	@$(MAKE) --no-print-directory VM_ARCHES=$(ARCH) VM_KERNEL=$(KERNEL) \
		check-vm-$(ARCH)
	@rel=$$(cat $(BUILD)/vm/$(ARCH)/kernel-release); \
	case $$rel in $(KERNEL).* | $(KERNEL)-*) ;; \
	*) echo "ci-vm-cell: asked for Linux $(KERNEL), the $(ARCH) VM booted" \
		"$$rel (the VM matrix's VM_KERNEL)" >&2; exit 1 ;; esac
	@mkdir -p $(CI_OUT)
	@for f in json xml tap; do \
		[ ! -s $(BUILD)/vm/$(ARCH)/results/suite.$$f ] || \
		cp $(BUILD)/vm/$(ARCH)/results/suite.$$f \
			$(CI_OUT)/suite-$(KERNEL)-$(ARCH).$$f; done
	@ec=$$(cat $(BUILD)/vm/$(ARCH)/results/exit-code 2>/dev/null || echo 1); \
	echo "ci-vm-cell: $(CI_OUT)/suite-$(KERNEL)-$(ARCH).json (the guest's" \
		"boxcheck exit code $$ec)"; exit $$ec

ci-report: $(BIN)
	$(BIN) report $(CI_OUT)/suite-*.json --html $(CI_OUT)/report.html \
		--markdown $(CI_OUT)/report.md

bench-gate: $(BIN) $(BUILD)/boxcheck-static
	@[ -n "$(GATE_BASE)" ] || { echo "bench-gate: give GATE_BASE=the base" \
		"build's boxcheck" >&2; exit 2; }
	@mkdir -p $(CI_OUT)
	$(BIN) bench $(GATE_ARGS) --against $(GATE_BASE) \
		--json $(CI_OUT)/bench-new.json --against-json $(CI_OUT)/bench-base.json
	$(BIN) compare $(CI_OUT)/bench-base.json $(CI_OUT)/bench-new.json

CHECK_STEPS += check-ci-templates
check-ci-templates: $(BIN)
	python3 tests/ci-templates.py $(BIN) ci/templates/github-actions.yml \
		ci/templates/gitlab-ci.yml
