# `make run` (issue 17): the whole mission in one go, from a fresh clone.
#   1 install every group it uses (ci/install-deps.sh: DEPS_RUN)
#   2 build boxcheck, boxcheck-static, then this host's VM image (mk/vm.mk;
#     Debian's kernel is downloaded once into $(VM_CACHE)); one after the
#     other: the image's recipe builds boxcheck-static in a make of its
#     own, which must not race this one's library. An image that cannot be
#     built (no network) is said, and the VM row then says why it is empty
#   3-6 ci/run.sh: the conformance suite on this host; validate against
#     every runtime boxcheck knows; bench --quick with every runtime and
#     one VM boot row for this host's architecture (KVM where /dev/kvm
#     serves it, TCG otherwise); one report of the three in $(RUN_OUT)
# Each step prints what it does and how far it got; full logs go to
# $(RUN_OUT)/logs. Findings (a failing scenario, a runtime that fails a
# property or refuses this host) are in the report; the target fails only
# when a step could not run.

DEPS_RUN += runtimes vm
RUN_OUT  := reports/out

.PHONY: run
run:
	@t0=$$(date +%s); mkdir -p $(RUN_OUT)/logs && \
	echo "[1/6] install: ci/install-deps.sh $(sort $(DEPS_RUN))" && \
	ci/install-deps.sh $(sort $(DEPS_RUN)) && \
	RUN_BUILD="$(MAKE) --no-print-directory $(PAR)" \
	RUN_VM_HOST=$(VM_HOST) RUN_T0=$$t0 ci/run.sh $(BIN) $(RUN_OUT) 2 6
