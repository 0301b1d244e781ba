# Function level reset (sysfs "reset", as a hypervisor does it) under I/O.
# The PCI core calls reset_prepare and reset_done around it: mqnvme stops
# the controller and holds its I/O before, and brings it back after, so
# no command times out (without them every command in flight waits for the
# timeout and a reset). fio writes and verifies across three resets (one on
# the debug kernel) and keeps writing after them; a pattern written before
# reads back after; every reset is counted; the log has no timeout.
# Then a system sleep of the function, through debugfs "sleep" (the guest's
# virtio-9p root cannot sleep and wake, so not through /sys/power/state):
# the driver's suspend shuts the controller down (CC.SHN, QEMU's trace
# shows it) and holds its I/O, the function goes to D3hot and back, the
# driver's resume brings it back; fio verify again clean across it.
# smp: 4
# timeout: 60 110
# disk: d1 256M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqflr,drive=d1

mq_load
bdf=$(cat /sys/class/mqnvme/mqnvme0/address)
log "reset methods of $bdf: $(cat /sys/bus/pci/devices/"$bdf"/reset_method)"
head -c 1M /dev/urandom >/tmp/pat
dd if=/tmp/pat of=/dev/mqnvme0n1 bs=1M seek=200 oflag=direct status=none || fail "pattern write"
resets0=$(cat /sys/kernel/debug/mqnvme/mqnvme0/resets)
n=$((MQ_SCALE > 1 ? 1 : 3))
dmesg_mark
fio_bg_start /tmp/flr.json --name=flr --filename=/dev/mqnvme0n1 --rw=randwrite \
	--bsrange=4k-64k --size=128M --ioengine=libaio --iodepth=16 --direct=1 \
	--verify=crc32c --verify_backlog=128 --verify_fatal=1 --time_based --runtime=600
for ((i = 1; i <= n; i++)); do
	wait_io mqnvme0n1
	echo 1 >/sys/bus/pci/devices/"$bdf"/reset || fail "function reset $i"
	assert_eq "$(cat /sys/class/mqnvme/mqnvme0/state)" live "state after function reset $i"
done
# I/O goes on after the last one.
wait_io mqnvme0n1
fio_bg_stop /tmp/flr.json "across the function resets"
dmesg_since_mark | grep "mqnvme" | sed 's/^/  /' | tail -6
assert_eq "$(dmesg_since_mark | grep -c "function reset: stopping the controller, holding its I/O")" "$n" \
	"function resets prepared"
assert_eq "$(dmesg_since_mark | grep -c "mqnvme.*reset done")" "$n" "function resets done"
assert_eq "$(($(cat /sys/kernel/debug/mqnvme/mqnvme0/resets) - resets0))" "$n" "resets counted"
dmesg_since_mark | grep "timed out" && fail "command timeouts across a function reset"
cmp <(dd if=/dev/mqnvme0n1 bs=1M skip=200 count=1 iflag=direct status=none) /tmp/pat ||
	fail "the pattern written before the resets reads back different"

log "system sleep of the function under I/O"
dmesg_mark
trace_mark
trace_set on pci_nvme_mmio_shutdown_set
fio_bg_start /tmp/sleep.json --name=sleep --filename=/dev/mqnvme0n1 --rw=randwrite \
	--bsrange=4k-64k --size=128M --ioengine=libaio --iodepth=16 --direct=1 \
	--verify=crc32c --verify_backlog=128 --verify_fatal=1 --time_based --runtime=600
wait_io mqnvme0n1
echo cycle >/sys/kernel/debug/mqnvme/mqnvme0/sleep || fail "sleep cycle"
trace_set off pci_nvme_mmio_shutdown_set
assert_eq "$(cat /sys/class/mqnvme/mqnvme0/state)" live "state after the sleep"
wait_io mqnvme0n1
fio_bg_stop /tmp/sleep.json "across the sleep"
dmesg_since_mark | grep "mqnvme" | sed 's/^/  /' | tail -4
dmesg_since_mark | grep -q "system sleep: shutting down the controller, holding its I/O" ||
	fail "the suspend did not hold the controller"
assert_eq "$(dmesg_since_mark | grep -c "mqnvme.*reset done")" 1 "resumes done"
assert_eq "$(trace_since_mark | grep -c pci_nvme_mmio_shutdown_set)" 1 "CC.SHN written across the sleep"
dmesg_since_mark | grep "timed out" && fail "command timeouts across the sleep"
echo bogus >/sys/kernel/debug/mqnvme/mqnvme0/sleep 2>/dev/null && fail "the sleep knob took bogus input"
cmp <(dd if=/dev/mqnvme0n1 bs=1M skip=200 count=1 iflag=direct status=none) /tmp/pat ||
	fail "the pattern reads back different after the sleep"
mq_unload
