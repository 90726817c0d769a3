# Kernel CI (issue 22): the overlay tarball for LAVA and tuxrun, and its
# test (ci/lava/README.md). LAVA_ARCH: this host's arch (default), or
# another the VM matrix cross-builds (mk/vm.mk's $(VM_DIR)/ARCH/boxcheck).
# (mk/vm.mk comes later: its VM_HOST and VM_DIR are not set yet here.)
LAVA_HOST    := $(shell uname -m)
LAVA_ARCH    ?= $(LAVA_HOST)
LAVA_OUT     := $(BUILD)/lava
LAVA_OVERLAY := $(LAVA_OUT)/boxcheck-overlay.tar.xz
LAVA_FILES   := ci/lava/boxcheck.yaml ci/lava/run.sh ci/lava/results.awk
LAVA_NATIVE   = $(filter $(LAVA_HOST),$(LAVA_ARCH))
LAVA_BIN      = $(if $(LAVA_NATIVE),$(BUILD)/boxcheck-static,$(BUILD)/vm/$(LAVA_ARCH)/boxcheck)
LAVA_TINY     = $(if $(LAVA_NATIVE),$(BENCH_TINY),$(BUILD)/cross/$(LAVA_ARCH)/bench-tiny)

CHECK_STEPS += check-lava
.PHONY: lava-overlay check-lava
lava-overlay: $(LAVA_OVERLAY)
# bench-tiny for another arch: the VM matrix's cross compiler and sysroot.
$(BUILD)/cross/%/bench-tiny: bench/tiny/tiny.c $(BUILD)/vm/sysroot-%/.fetched
	@$(MAKE) --no-print-directory BUILD=$(BUILD)/cross/$* \
		CC="$*-linux-gnu-gcc --sysroot=$(abspath $(BUILD)/vm/sysroot-$*)" $@

$(LAVA_OVERLAY): $(LAVA_BIN) $(LAVA_TINY) $(LAVA_FILES)
	@rm -rf $(LAVA_OUT)/root && mkdir -p $(LAVA_OUT)/root/opt/boxcheck/lava
	install -m 0755 $(LAVA_BIN) $(LAVA_OUT)/root/opt/boxcheck/boxcheck-static
	install -m 0755 $(LAVA_TINY) $(LAVA_OUT)/root/opt/boxcheck/bench-tiny
	install -m 0755 ci/lava/run.sh $(LAVA_OUT)/root/opt/boxcheck/lava/
	install -m 0644 ci/lava/boxcheck.yaml ci/lava/results.awk \
		$(LAVA_OUT)/root/opt/boxcheck/lava/
	tar -C $(LAVA_OUT)/root --owner=0 --group=0 --numeric-owner -cJf $@.tmp opt
	@mv $@.tmp $@
	@echo "lava: $@ ($(LAVA_ARCH))"

check-lava: $(LAVA_OVERLAY) $(BIN) $(BUILD)/tests/ktap-valid
	tests/lava.sh $(LAVA_OVERLAY) $(BIN) $(BUILD)/check/lava
