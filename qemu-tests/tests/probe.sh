# Bring-up: a controller SeaBIOS left enabled is disabled and brought up, one
# I/O queue per CPU on MSI-X vectors, disk limits follow MDTS and the LBA
# format, the controller shuts down on unload and comes up again on reload.
# smp: 2
# timeout: 60 90
# disk: d1 256M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqprobe,drive=d1,mdts=5

dmesg_mark
mq_load
dmesg_since_mark | grep -q "controller was left enabled" ||
	fail "the firmware-enabled controller was not noticed"
line=$(dmesg_since_mark | grep "I/O queues of depth")
log "$line"
[[ $line == *"2 I/O queues of depth 1024"* ]] || fail "expected 2 queues of depth 1024: $line"
assert_irq_mode 0 msix 3 2 0
[[ $line == *"max transfer 128 KiB"* ]] || fail "MDTS 5 should give 128 KiB: $line"
# QEMU offers Doorbell Buffer Config (OACS bit 8): the I/O queues use it.
[[ $line == *"shadow doorbells"* ]] || fail "shadow doorbells not in use: $line"

assert_eq "$(ls /sys/block | grep ^mqnvme)" mqnvme0n1 "disks"
assert_eq "$(cat /sys/block/mqnvme0n1/size)" 524288 "size in sectors"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/logical_block_size)" 512 "block size"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/max_hw_sectors_kb)" 128 "max_hw_sectors_kb"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/nr_requests)" 1023 "queue depth"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/write_cache)" "write back" "volatile write cache"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/fua)" 1 "FUA"
assert_ge "$(cat /sys/block/mqnvme0n1/queue/discard_max_hw_bytes)" 1 "discard support"
# Our own block major, not BLOCK_EXT_MAJOR (259).
# (The char device /dev/mqnvme<C> has a major of its own too.)
major=$(awk '/^Block devices:/ {b = 1} b && $2 == "mqnvme" {print $1}' /proc/devices)
cmajor=$(awk '/^Character devices:/ {c = 1} /^Block devices:/ {c = 0} c && $2 == "mqnvme" {print $1}' /proc/devices)
[[ -n $cmajor ]] || fail "no char device major"
assert_eq "$(stat -c %t /dev/mqnvme0)" "$(printf %x "$cmajor")" "char device major"
[[ -n $major && $major != 259 ]] || fail "block major $major"
assert_eq "$(stat -c %t /dev/mqnvme0n1)" "$(printf %x "$major")" "device major"
# One vector per queue in /proc/interrupts, named after the queue.
for q in mqnvme0q0 mqnvme0q1 mqnvme0q2; do
	grep -q "$q\$" /proc/interrupts || fail "no interrupt line $q"
done
grep -q "PCI-MSIX" <(grep mqnvme0q1 /proc/interrupts) || fail "queue 1 not on MSI-X"
assert_eq "$(mq_nr_queues 0)" 2 "I/O queues in debugfs"
assert_eq "$(cat /sys/kernel/debug/mqnvme/mqnvme0/state)" live "state"

# Some I/O, then unload: the controller must be shut down (CC.SHN) and come
# back on the next load without a firmware-enabled notice being required.
dd if=/dev/urandom of=/tmp/pat bs=1M count=4 status=none
dd if=/tmp/pat of=/dev/mqnvme0n1 bs=1M oflag=direct status=none || fail "write"
mq_unload
dmesg_mark
mq_load io_queue_depth=64
dmesg_since_mark | grep -q "I/O queues of depth 64" || fail "io_queue_depth not applied"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/nr_requests)" 63 "queue depth 64"
cmp <(dd if=/dev/mqnvme0n1 bs=1M count=4 iflag=direct status=none) /tmp/pat ||
	fail "data written before the reload did not survive it"
mq_unload
log "probe ok"
