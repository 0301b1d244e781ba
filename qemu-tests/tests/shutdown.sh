# The driver's .shutdown hook: the guest powers off (reboot(2), which runs
# every driver's shutdown) with mqnvme bound, right after data was written.
# ("# keep-loaded:" makes it the last test of its guest.)
# On the host, once the guest is gone (shutdown.check): QEMU's trace shows
# the controller got CC.SHN after the write, and the backing file holds the
# data.
# smp: 2
# keep-loaded: yes
# qmp: on
# host-check: qemu-tests/tests/shutdown.check
# timeout: 60 90
# disk: d1 64M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqshut,drive=d1

trace_set on pci_nvme_mmio_shutdown_set
mq_load
dev=$(mq_disk 0 1)
out=$mqtmp/shutdown
mkdir -p "$out"
dd if=/dev/urandom of="$out/pattern" bs=1M count=4 status=none
dd if="$out/pattern" of="$dev" bs=1M seek=1 oflag=direct status=none || fail "write"
# What QEMU traced so far: the shutdown must come after this.
wc -l <"$mqtmp/trace.log" >"$out/mark"
log "$(cat "$out/mark") trace lines before the power-off; powering off with mqnvme bound"
