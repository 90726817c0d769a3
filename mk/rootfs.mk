# Root filesystem isolation (issue 5): a run of its areas leaves the host's
# mount table and run directory as they were.
ROOTFS_AREAS := overlay chroot pivot_root mounts minrootfs

CHECK_STEPS += rootfs-mounts
.PHONY: rootfs-mounts
rootfs-mounts: $(BIN)
	tests/rootfs-mounts.sh $(BIN) $(ROOTFS_AREAS)
