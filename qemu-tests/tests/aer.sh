# PCI error recovery (AER). A controller hot-added behind a PCIe root port
# carries fio verify while QEMU injects a non-fatal uncorrectable error
# (Poisoned TLP) at the port (pcie_aer_inject_error): the AER driver calls
# error_detected, which hears the channel still works and stops nothing,
# then mmio_enabled and resume; the AER driver reports the recovery
# successful (a driver without error handlers gets the device
# disconnected). No command times out, fio verify is clean and goes on, a
# pattern written before reads back, the controller is live. A fatal
# error (Malformed TLP) is not injected: with QEMU 7.2 the guest stops
# making progress right after it, before the AER driver hears of it. Stock
# kernel only: the debug kernel is built without the AER driver (PCIEAER).
# kernels: stock
# smp: 4
# timeout: 60 240
# allow: pcieport [0-9a-f:.]+: (PCIe Bus Error|AER: |  )
# disk: d1 256M
# qemu: -device pcie-root-port,id=rp,chassis=31,slot=0,addr=0x1b -blockdev driver=raw,node-name=d1,file.driver=file,file.filename=@d1@

inject() { # ERROR: an uncorrectable error at the root port
	local ans
	ans=$(qmp "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"pcie_aer_inject_error ${MQ_QID}rp $1\"}}")
	grep -q '"return": "OK id: ' <<<"$ans" || fail "pcie_aer_inject_error $1: $ans"
}

mq_load
hot_add aer1 rp d1 mqaer
head -c 1M /dev/urandom >/tmp/pat
dd if=/tmp/pat of=/dev/mqnvme0n1 bs=1M seek=200 oflag=direct status=none || fail "pattern write"
fio_bg_start /tmp/aer.json --name=aer --filename=/dev/mqnvme0n1 --rw=randwrite \
	--bsrange=4k-64k --size=128M --ioengine=libaio --iodepth=16 --direct=1 \
	--verify=crc32c --verify_backlog=128 --verify_fatal=1 --time_based --runtime=600
wait_io mqnvme0n1

log "non-fatal: Poisoned TLP"
dmesg_mark
inject POISON_TLP
wait_for "the recovery's end" 'dmesg_since_mark | grep -q "PCI error recovery done"'
dmesg_since_mark | grep -E "AER|mqnvme|pcieport" | sed 's/^/  /' | tail -8
dmesg_since_mark | grep -q "mqnvme.*PCI error (channel working): carrying on" ||
	fail "error_detected did not hear of the non-fatal error"
dmesg_since_mark | grep -q "AER: device recovery successful" || fail "recovery of the non-fatal error"
dmesg_since_mark | grep "holding its I/O" && fail "a non-fatal error stopped the controller"
wait_io mqnvme0n1

assert_eq "$(cat /sys/class/mqnvme/mqnvme0/state)" live "state after the recovery"
fio_bg_stop /tmp/aer.json "across the PCI error"
dmesg_since_mark | grep "timed out" && fail "command timeouts across the error recovery"
cmp <(dd if=/dev/mqnvme0n1 bs=1M skip=200 count=1 iflag=direct status=none) /tmp/pat ||
	fail "the pattern written before the error reads back different"
hot_remove aer1
mq_unload
