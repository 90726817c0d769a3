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
# The cell asks the VM matrix (mk/vm.mk, read after this file: hence the
# recursive variables) for that kernel: with its kernel axis (VM_KERNELS,
# columns KERNEL-ARCH, issue 19) the column KERNEL-ARCH; without, the
# arch's one kernel. Either way the cell checks the kernel the VM booted
# and fails when it is not the one asked for: a column is never mislabelled.
CI_COL      = $(KERNEL)-$(ARCH)
CI_CELL_RUN = $(if $(VM_KERNELS),\
	VM_ARCHES=$(ARCH) VM_COLS=$(CI_COL) vm-images vm-col-$(CI_COL),\
	VM_ARCHES=$(ARCH) check-vm-$(ARCH))
CI_CELL_DIR = $(BUILD)/vm/$(if $(VM_KERNELS),results/$(CI_COL),$(ARCH)/results)
CI_CELL_REL = $(BUILD)/vm/$(ARCH)/$(if $(VM_KERNELS),$(KERNEL)/)kernel-release

CI_OUT     ?= $(BUILD)/ci
KERNEL     ?= 6.1
ARCH       ?= $(shell uname -m)
GATE_BASE  ?=
GATE_ARGS  ?= --quick

.PHONY: ci-vm-cell ci-report bench-gate check-ci-templates
ci-vm-cell:
	@$(MAKE) --no-print-directory $(CI_CELL_RUN)
	@rel=$$(cat $(CI_CELL_REL)); \
	case $$rel in $(KERNEL).* | $(KERNEL)-*) ;; \
	*) echo "ci-vm-cell: asked for Linux $(KERNEL), the $(ARCH) VM booted" \
		"$$rel" >&2; exit 1 ;; esac
	@mkdir -p $(CI_OUT)
	@for f in json xml tap; do \
		[ ! -s $(CI_CELL_DIR)/suite.$$f ] || \
		cp $(CI_CELL_DIR)/suite.$$f $(CI_OUT)/suite-$(CI_COL).$$f; done
	@ec=$$(cat $(CI_CELL_DIR)/exit-code 2>/dev/null || echo 1); \
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

CHECK_PAR_STEPS += check-ci-templates
check-ci-templates: $(BIN)
	python3 tests/ci-templates.py $(BIN) ci/templates/github-actions.yml \
		ci/templates/gitlab-ci.yml

# Kubernetes (issue 22): ci/k8s's DaemonSet and Sonobuoy plugin parse and
# carry what they need (tests/k8s.py; kubectl where installed).
CHECK_PAR_STEPS += check-k8s
.PHONY: check-k8s
check-k8s: $(BIN)
	python3 tests/k8s.py $(BIN) ci/k8s/daemonset.yaml ci/k8s/sonobuoy-plugin.yaml
