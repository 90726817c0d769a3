# The kernel and architecture matrix (issues 7 and 19): the conformance
# suite in qemu VMs on Debian's kernels with pure cgroup v2. A column is a
# kernel (ci/vm/kernels: 5.10 bullseye, 6.1 bookworm, 6.12
# bookworm-backports) on an architecture (x86_64 -M q35, aarch64 -M virt
# -cpu cortex-a72, armhf -M virt -cpu cortex-a15 with armmp-lpae), named
# KERNEL-ARCH; KERNEL-ARCH-pi is the same VM booted with
# cgroup_disable=memory, as Raspberry Pi OS boots. KVM when /dev/kvm
# exists and the arch is the host's, TCG otherwise.
#
#   make vm-images     kernels, userlands, static boxchecks, initramfs for VM_COLS
#   make vm-image-host the host arch on the default kernel only (make run)
#   make check-vm      the suite in every column of VM_COLS + the matrix
#   make check-matrix  the same for the whole grid (3 kernels x 3 arches + Pi)
#   make vm-boot       VM start latency (VM_BOOTS boots per arch)
#   make vm-refresh    forget the apt lists: fetch the newest kernels
#
# Downloads are cached in $(VM_CACHE); versions in $(VM_DIR)/versions.txt.

VM_DIR     := $(BUILD)/vm
VM_CACHE   ?= $(VM_DIR)/cache
VM_HOST    := $(shell uname -m)
VM_KERNELS := $(shell awk '!/^\#/ && NF { print $$1 }' ci/vm/kernels)
VM_KERNEL  ?= 6.1
# The cross compiler of each arch (the native one needs none), from
# ci/install-deps.sh's vm group.
VM_TRIPLET_x86_64  := x86_64-linux-gnu
VM_TRIPLET_aarch64 := aarch64-linux-gnu
VM_TRIPLET_armhf   := arm-linux-gnueabihf
# The guests' static boxcheck: no debug info (a quarter of the cross
# builds' compile time; nothing reads it in the guest).
VM_CROSS_CFLAGS ?= -O2
# The native arch always; others when their cross compiler is installed
# (on x86_64, `make deps-check` installs the aarch64 and armhf ones first).
VM_CROSS    = $(foreach a,$(filter-out $(VM_HOST),x86_64 aarch64 armhf),\
	$(if $(shell command -v $(VM_TRIPLET_$(a))-gcc),$(a)))
VM_ARCHES  ?= $(VM_HOST) $(if $(filter x86_64,$(VM_HOST)),aarch64 armhf,$(VM_CROSS))
VM_PI_ARCH ?= $(if $(filter aarch64,$(VM_ARCHES)),aarch64,$(firstword $(VM_ARCHES)))
VM_PI_COL  := $(VM_KERNEL)-$(VM_PI_ARCH)-pi
# A fail counts in the default kernel's columns; on the other kernels it
# is listed as that kernel's difference (matrix --strict), errors count
# everywhere.
# make check: every arch on the default kernel, the host's arch on every
# kernel, and the Pi column. make check-matrix: every kernel x every arch.
VM_COLS_DEFAULT := $(foreach a,$(VM_ARCHES),$(VM_KERNEL)-$(a)) \
	$(foreach k,$(filter-out $(VM_KERNEL),$(VM_KERNELS)),$(k)-$(VM_HOST)) \
	$(VM_PI_COL)
VM_COLS_MATRIX  := $(foreach k,$(VM_KERNELS),$(foreach a,$(VM_ARCHES),$(k)-$(a))) \
	$(VM_PI_COL)
VM_COLS    ?= $(VM_COLS_DEFAULT)
# Kernel command line per column kind.
VM_APPEND_pi := cgroup_disable=memory boxcheck_hostname=boxcheck-vm-pi
# Guests at a time (2 cores: two TCG guests, one vCPU each).
VM_PAR     ?= 2
VM_TIMEOUT ?= 300
VM_MEM     ?= 1024
VM_CPUS    ?= $(if $(filter 1,$(VM_PAR)),2,1)
VM_JOBS    ?= 2
VM_BOOTS   ?= 10
VM_RUN     := $(VM_DIR)/vmrun
VM_MATRIX  := $(VM_DIR)/matrix
VM_ENV     := VM_TIMEOUT=$(VM_TIMEOUT) VM_MEM=$(VM_MEM) VM_CPUS=$(VM_CPUS) \
	      VM_JOBS=$(VM_JOBS) VM_SELECT=$(VM_SELECT)

# A column's parts: kernel, arch, kind ("" or pi).
vm_k    = $(word 1,$(subst -, ,$(1)))
vm_a    = $(word 2,$(subst -, ,$(1)))
vm_kind = $(word 3,$(subst -, ,$(1)))
vm_img  = $(VM_DIR)/$(call vm_a,$(1))/$(call vm_k,$(1))

CHECK_STEPS += check-vm
# The images (downloads, cross builds) alongside the steps that time
# nothing; check-vm then only boots them.
CHECK_PAR_STEPS += vm-images
DEPS_CHECK  += vm
FORMAT_SRC  += $(wildcard ci/vm/*.[ch])

# vm-col-COL is a pattern rule: not .PHONY (make skips implicit rules for
# those), and no file of that name is ever made.
.PHONY: vm-deps vm-images vm-image-host vm-refresh check-vm check-matrix \
	vm-boot vm-cols

vm-deps:
	@ci/install-deps.sh build test vm

$(VM_RUN): ci/vm/vmrun.c bench/vm.h $(LIB) | vm-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)
$(VM_MATRIX): ci/vm/matrix.c ci/vm/known.c ci/vm/known.h | vm-deps
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $(filter %.c,$^) -ljansson

# Per arch: the userland (host's release), the static boxcheck (native or
# cross, with a sysroot of the host's release).
define vm_arch
$(VM_DIR)/$(1)/.user: ci/vm/fetch.sh ci/vm/debian.sh ci/vm/packages | vm-deps
	ci/vm/fetch.sh user $(1) $(VM_DIR)/$(1) $(VM_CACHE)
	@touch $$@
$(VM_DIR)/sysroot-$(1)/.fetched: ci/vm/fetch-sysroot.sh ci/vm/debian.sh | vm-deps
	ci/vm/fetch-sysroot.sh $(1) $(VM_DIR)/sysroot-$(1) $(VM_CACHE)
	@touch $$@
ifeq ($(1),$(VM_HOST))
$(VM_DIR)/$(1)/boxcheck: FORCE
	@$$(MAKE) --no-print-directory static
	@mkdir -p $$(@D)
	@cmp -s $(BUILD)/boxcheck-static $$@ || cp $(BUILD)/boxcheck-static $$@
else
$(VM_DIR)/$(1)/boxcheck: FORCE $(VM_DIR)/sysroot-$(1)/.fetched
	@CFLAGS="$(VM_CROSS_CFLAGS)" $$(MAKE) --no-print-directory BUILD=$(BUILD)/cross/$(1) \
		CC="$(VM_TRIPLET_$(1))-gcc --sysroot=$(abspath $(VM_DIR)/sysroot-$(1))" \
		AR=$(VM_TRIPLET_$(1))-ar static
	@mkdir -p $$(@D)
	@cmp -s $(BUILD)/cross/$(1)/boxcheck-static $$@ || \
		cp $(BUILD)/cross/$(1)/boxcheck-static $$@
endif
endef
$(foreach a,$(sort $(VM_ARCHES) $(VM_HOST)),$(eval $(call vm_arch,$(a))))

# Per (arch, kernel): the kernel package, vmlinuz, the initramfs.
define vm_kernel
$(VM_DIR)/$(1)/$(2)/.fetched: ci/vm/fetch.sh ci/vm/debian.sh ci/vm/kernels | vm-deps
	ci/vm/fetch.sh kernel $(1) $(2) $(VM_DIR)/$(1)/$(2) $(VM_CACHE)
	@touch $$@
$(VM_DIR)/$(1)/$(2)/vmlinuz: $(VM_DIR)/$(1)/$(2)/.fetched
	cp $(VM_DIR)/$(1)/$(2)/pkgs/boot/vmlinuz-* $$@
$(VM_DIR)/$(1)/$(2)/initramfs.cpio.gz: $(VM_DIR)/$(1)/boxcheck ci/vm/init \
		ci/vm/modules ci/vm/mkinitramfs.sh $(VM_DIR)/$(1)/.user \
		$(VM_DIR)/$(1)/$(2)/.fetched
	ci/vm/mkinitramfs.sh $(VM_DIR)/$(1) $(VM_DIR)/$(1)/$(2) \
		$(VM_DIR)/$(1)/boxcheck $$@
endef
$(foreach a,$(sort $(VM_ARCHES) $(VM_HOST)),$(foreach k,$(VM_KERNELS),\
	$(eval $(call vm_kernel,$(a),$(k)))))

VM_IMAGES = $(sort $(foreach c,$(VM_COLS),$(call vm_img,$(c))/vmlinuz \
	$(call vm_img,$(c))/initramfs.cpio.gz))

# The default kernel's images also as build/vm/ARCH/{vmlinuz,initramfs}
# (bench's VM row, vm-boot).
vm_link = ln -sfn $(VM_KERNEL)/vmlinuz $(VM_DIR)/$(1)/vmlinuz && \
	ln -sfn $(VM_KERNEL)/initramfs.cpio.gz $(VM_DIR)/$(1)/initramfs.cpio.gz

vm-images: $(VM_RUN) $(VM_IMAGES)
	@$(foreach a,$(VM_ARCHES),[ ! -e $(VM_DIR)/$(a)/$(VM_KERNEL)/vmlinuz ] || \
		{ $(call vm_link,$(a)); };)
	@cat $(wildcard $(VM_DIR)/*/*/pkgs.versions $(VM_DIR)/*/bb.versions \
		$(VM_DIR)/*/extra.versions $(VM_DIR)/sysroot-*.versions) | \
		sort -u >$(VM_DIR)/versions.txt
	@for c in $(VM_COLS); do set -- $$(echo $$c | tr - ' '); \
		echo "vm: $$c: kernel $$(cat $(VM_DIR)/$$2/$$1/kernel-release)"; done

vm-image-host: $(VM_RUN) $(VM_DIR)/$(VM_HOST)/$(VM_KERNEL)/vmlinuz \
		$(VM_DIR)/$(VM_HOST)/$(VM_KERNEL)/initramfs.cpio.gz
	@$(call vm_link,$(VM_HOST))
	@echo "vm: $(VM_HOST): kernel $$(cat $(VM_DIR)/$(VM_HOST)/$(VM_KERNEL)/kernel-release)," \
		"$$(qemu-system-$(VM_HOST) --version | head -n1)"

# One column: boot, run the suite, bring the results back.
vm-col-%: $(VM_RUN) $(BIN)
	@$(VM_ENV) VM_APPEND="$(VM_APPEND_$(call vm_kind,$*)) $(VM_APPEND)" \
		ci/vm/run-suite.sh $* $(call vm_a,$*) $(call vm_img,$*) \
		$(VM_DIR)/results/$* $(VM_RUN) $(BIN)

# The longest columns first (the last run's times, else estimates), so the
# two slots end together.
vm-cols: $(addprefix vm-col-,$(shell ci/vm/col-order.sh $(VM_DIR)/results \
	$(VM_HOST) $(VM_COLS)))

# The host column: `make suite`'s results when newer than the binary (as in
# `make check`), else a fresh host run.
VM_HOST_JSON = $(strip $(if $(shell [ $(CHECK_OUT)/suite.json -nt $(BIN) ] \
	&& echo y),$(CHECK_OUT)/suite.json,$(VM_DIR)/host/suite.json))
# Images: two jobs at a time (downloads, cross builds), whatever make's -j.
check-vm: $(VM_MATRIX) $(BIN)
	@$(MAKE) --no-print-directory -j2 vm-images VM_COLS="$(VM_COLS)"
	@if [ $(VM_HOST_JSON) = $(VM_DIR)/host/suite.json ]; then \
		echo "== host: boxcheck run (no fresh $(CHECK_OUT)/suite.json)"; \
		mkdir -p $(VM_DIR)/host; \
		$(BIN) run -j 2 --json $(VM_DIR)/host/suite.json >/dev/null || true; fi
	@t0=$$(date +%s); rc=0; \
	$(MAKE) --no-print-directory -k -O -j$(VM_PAR) vm-cols \
		VM_COLS="$(VM_COLS)" || rc=1; \
	echo "== vm: $(words $(VM_COLS)) columns, $(VM_PAR) at a time:" \
		"$$(( $$(date +%s) - t0 )) s"; \
	cols="host=$(VM_HOST_JSON)"; \
	for c in $(VM_COLS); do \
		cols="$$cols $$c=$(VM_DIR)/results/$$c/suite.json"; \
		[ ! -s $(VM_DIR)/results/$$c/suite.xml ] || \
			xmllint --noout $(VM_DIR)/results/$$c/suite.xml || rc=1; \
	done; \
	echo "== matrix ($(VM_DIR)/matrix.txt, $(VM_DIR)/matrix.md)"; \
	$(BIN) list --format json >$(VM_DIR)/list.json || rc=1; \
	$(VM_MATRIX) --text $(VM_DIR)/matrix.txt --markdown $(VM_DIR)/matrix.md \
		--list $(VM_DIR)/list.json --strict $(VM_KERNEL)- \
		--known ci/vm/kernel-differences.tsv $$cols || rc=1; \
	echo "== report ($(VM_DIR)/matrix.html)"; \
	$(BIN) report $(VM_HOST_JSON) $(wildcard $(VM_DIR)/results/*/suite.json) \
		--html $(VM_DIR)/matrix.html >/dev/null || rc=1; \
	exit $$rc

check-matrix:
	@$(MAKE) --no-print-directory check-vm VM_COLS="$(VM_COLS_MATRIX)"

vm-boot: vm-images
	@for a in $(VM_ARCHES); do \
		$(VM_RUN) --arch $$a --kernel $(VM_DIR)/$$a/vmlinuz \
		--initrd $(VM_DIR)/$$a/initramfs.cpio.gz \
		--append boxcheck_mode=boot --mem $(VM_MEM) --cpus $(VM_CPUS) \
		--timeout 60 --repeat $(VM_BOOTS) || exit 1; \
	done

vm-refresh:
	rm -rf $(VM_CACHE)/apt-* $(VM_DIR)/*/.user $(VM_DIR)/*/*/.fetched \
		$(VM_DIR)/sysroot-*/.fetched
