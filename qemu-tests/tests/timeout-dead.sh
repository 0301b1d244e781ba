# A namespace whose commands take 5 s with io_timeout=2: the timeout handler
# polls the CQ, then gives up on the controller; its I/O fails with EIO, the
# log says why, the second controller is unaffected, and unload is clean.
# smp: 2
# timeout: 400
# disk: d2 64M
# qemu: -blockdev driver=null-co,node-name=slow,size=67108864,latency-ns=5000000000 -device nvme,serial=mqslow,drive=slow -drive file=@d2@,if=none,id=d2,format=raw -device nvme,serial=mqfast,drive=d2

dmesg_mark
mq_load io_timeout=2
for _ in $(seq 30); do
	grep -q dead /sys/kernel/debug/mqnvme/mqnvme*/state 2>/dev/null && break
	dd if=/dev/mqnvme0n1 of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null
	dd if=/dev/mqnvme1n1 of=/dev/null bs=4k count=1 iflag=direct status=none 2>/dev/null
	sleep 1
done
dmesg_since_mark | grep "mqnvme" | sed 's/^/  /'
dead=$(grep -l dead /sys/kernel/debug/mqnvme/mqnvme*/state | sed -E 's|.*/mqnvme([0-9]+)/state|\1|')
[[ $dead == 0 || $dead == 1 ]] || fail "expected exactly one dead controller, got '$dead'"
live=$((1 - dead))
assert_eq "$(cat /sys/kernel/debug/mqnvme/mqnvme$live/state)" live "the fast controller"
dmesg_since_mark | grep -q "timed out" || fail "no timeout logged"
dmesg_since_mark | grep -q "command timeout: disabling the controller" || fail "no give-up logged"
if dd if=/dev/mqnvme${dead}n1 of=/dev/null bs=4k count=1 iflag=direct status=none 2>/tmp/err; then
	fail "I/O to the dead controller succeeded"
fi
grep -q "Input/output error" /tmp/err || fail "dead controller: $(cat /tmp/err)"
fio_ok --name=fast --filename=/dev/mqnvme${live}n1 --rw=randwrite --bs=4k --size=16M \
	--ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c
mq_unload
