# The kernel and architecture matrix (issue 7): the conformance suite in qemu
# VMs, x86_64 (-M q35) and aarch64 (-M virt -cpu cortex-a72), on Debian's
# kernels with pure cgroup v2. KVM when /dev/kvm exists, TCG otherwise.
#
#   make vm-images   kernels, busyboxes, static boxchecks, initramfs per arch
#   make vm-image-host  the same for this host's architecture only (make run)
#   make check-vm    the suite in every VM + the matrix host x VMs
#   make vm-boot     VM start latency (VM_BOOTS boots per arch)
#   make vm-refresh  forget the apt lists: fetch the newest kernels
#
# Downloads are cached in $(VM_CACHE); versions in $(VM_DIR)/versions.txt.

VM_DIR     := $(BUILD)/vm
VM_CACHE   ?= $(VM_DIR)/cache
VM_HOST    := $(shell uname -m)
# The native arch always; others when their cross compiler is installed
# (on x86_64, `make deps-check` installs gcc-aarch64-linux-gnu first).
VM_CROSS    = $(foreach a,$(filter-out $(VM_HOST),x86_64 aarch64),\
	$(if $(shell command -v $(a)-linux-gnu-gcc),$(a)))
VM_ARCHES  ?= $(VM_HOST) $(if $(filter x86_64,$(VM_HOST)),aarch64,$(VM_CROSS))
VM_TIMEOUT ?= 240
VM_MEM     ?= 1024
VM_CPUS    ?= 2
VM_JOBS    ?= 2
VM_BOOTS   ?= 10
VM_RUN     := $(VM_DIR)/vmrun
VM_MATRIX  := $(VM_DIR)/matrix
VM_ENV     := VM_TIMEOUT=$(VM_TIMEOUT) VM_MEM=$(VM_MEM) VM_CPUS=$(VM_CPUS) \
	      VM_JOBS=$(VM_JOBS) VM_SELECT=$(VM_SELECT)

CHECK_STEPS += check-vm
DEPS_CHECK  += vm
FORMAT_SRC  += $(wildcard ci/vm/*.c)

.PHONY: vm-deps vm-images vm-image-host vm-refresh check-vm vm-boot \
	$(addprefix check-vm-,$(VM_ARCHES))

vm-deps:
	@ci/install-deps.sh build test vm

$(VM_RUN): ci/vm/vmrun.c bench/vm.h $(LIB) | vm-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)
$(VM_MATRIX): ci/vm/matrix.c | vm-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< -ljansson

# Per arch: fetch, the static boxcheck (native or cross), the initramfs.
define vm_arch
$(VM_DIR)/$(1)/.fetched: ci/vm/fetch.sh ci/vm/debian.sh | vm-deps
	ci/vm/fetch.sh $(1) $(VM_DIR)/$(1) $(VM_CACHE)
	@touch $$@
$(VM_DIR)/$(1)/vmlinuz: $(VM_DIR)/$(1)/.fetched
	cp $(VM_DIR)/$(1)/pkgs/boot/vmlinuz-* $$@
$(VM_DIR)/sysroot-$(1)/.fetched: ci/vm/fetch-sysroot.sh ci/vm/debian.sh | vm-deps
	ci/vm/fetch-sysroot.sh $(1) $(VM_DIR)/sysroot-$(1) $(VM_CACHE)
	@touch $$@
ifeq ($(1),$(VM_HOST))
$(VM_DIR)/$(1)/boxcheck: FORCE | $(VM_DIR)/$(1)/.fetched
	@$$(MAKE) --no-print-directory static
	@cmp -s $(BUILD)/boxcheck-static $$@ || cp $(BUILD)/boxcheck-static $$@
else
$(VM_DIR)/$(1)/boxcheck: FORCE $(VM_DIR)/sysroot-$(1)/.fetched \
		| $(VM_DIR)/$(1)/.fetched
	@$$(MAKE) --no-print-directory BUILD=$(BUILD)/cross/$(1) \
		CC="$(1)-linux-gnu-gcc --sysroot=$(abspath $(VM_DIR)/sysroot-$(1))" \
		AR=$(1)-linux-gnu-ar static
	@cmp -s $(BUILD)/cross/$(1)/boxcheck-static $$@ || \
		cp $(BUILD)/cross/$(1)/boxcheck-static $$@
endif
$(VM_DIR)/$(1)/initramfs.cpio.gz: $(VM_DIR)/$(1)/boxcheck ci/vm/init \
		ci/vm/modules ci/vm/mkinitramfs.sh $(VM_DIR)/$(1)/.fetched
	ci/vm/mkinitramfs.sh $(VM_DIR)/$(1) $(VM_DIR)/$(1)/boxcheck $$@
check-vm-$(1): $(VM_DIR)/$(1)/vmlinuz $(VM_DIR)/$(1)/initramfs.cpio.gz \
		$(VM_RUN) $(BIN)
	@$(VM_ENV) ci/vm/run-suite.sh $(1) $(VM_DIR)/$(1) $(VM_RUN) $(BIN)
endef
$(foreach a,$(VM_ARCHES),$(eval $(call vm_arch,$(a))))

vm-images: $(VM_RUN) $(foreach a,$(VM_ARCHES),$(VM_DIR)/$(a)/vmlinuz \
		$(VM_DIR)/$(a)/initramfs.cpio.gz)
	@cat $(foreach a,$(VM_ARCHES),$(VM_DIR)/$(a)/pkgs.versions \
		$(VM_DIR)/$(a)/extra.versions) \
		$(wildcard $(VM_DIR)/sysroot-*.versions) | sort -u \
		>$(VM_DIR)/versions.txt
	@for a in $(VM_ARCHES); do \
		echo "vm: $$a: kernel $$(cat $(VM_DIR)/$$a/kernel-release)," \
		"$$(qemu-system-$$a --version | head -n1)"; done

vm-image-host: $(VM_RUN) $(VM_DIR)/$(VM_HOST)/vmlinuz \
		$(VM_DIR)/$(VM_HOST)/initramfs.cpio.gz
	@echo "vm: $(VM_HOST): kernel $$(cat $(VM_DIR)/$(VM_HOST)/kernel-release)," \
		"$$(qemu-system-$(VM_HOST) --version | head -n1)"

# The host column: `make suite`'s results when newer than the binary (as in
# `make check`), else a fresh host run.
VM_HOST_JSON = $(strip $(if $(shell [ $(CHECK_OUT)/suite.json -nt $(BIN) ] \
	&& echo y),$(CHECK_OUT)/suite.json,$(VM_DIR)/host/suite.json))
check-vm: vm-images $(VM_MATRIX) $(BIN)
	@if [ $(VM_HOST_JSON) = $(VM_DIR)/host/suite.json ]; then \
		echo "== host: boxcheck run (no fresh $(CHECK_OUT)/suite.json)"; \
		mkdir -p $(VM_DIR)/host; \
		$(BIN) run -j 2 --json $(VM_DIR)/host/suite.json >/dev/null || true; fi
	@rc=0; cols="host=$(VM_HOST_JSON)"; \
	for a in $(VM_ARCHES); do \
		$(MAKE) --no-print-directory check-vm-$$a || rc=1; \
		cols="$$cols $$a=$(VM_DIR)/$$a/results/suite.json"; \
		[ ! -s $(VM_DIR)/$$a/results/suite.xml ] || \
			xmllint --noout $(VM_DIR)/$$a/results/suite.xml || rc=1; \
	done; \
	echo "== matrix ($(VM_DIR)/matrix.txt, $(VM_DIR)/matrix.md)"; \
	$(VM_MATRIX) --text $(VM_DIR)/matrix.txt --markdown $(VM_DIR)/matrix.md \
		$$cols || rc=1; \
	exit $$rc

vm-boot: vm-images
	@for a in $(VM_ARCHES); do \
		$(VM_RUN) --arch $$a --kernel $(VM_DIR)/$$a/vmlinuz \
		--initrd $(VM_DIR)/$$a/initramfs.cpio.gz \
		--append boxcheck_mode=boot --mem $(VM_MEM) --cpus $(VM_CPUS) \
		--timeout 60 --repeat $(VM_BOOTS) || exit 1; \
	done

vm-refresh:
	rm -rf $(VM_CACHE)/apt-* $(VM_DIR)/*/.fetched $(VM_DIR)/sysroot-*/.fetched
