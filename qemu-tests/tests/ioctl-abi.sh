# The nvme_ioctl.h ABI driven directly by a C++20 GoogleTest suite
# (qemu-tests/tools/ioctl_abi_test.cc): every ioctl and its bad inputs,
# unprivileged callers, partitions, and a bounded random fuzz of admin and
# I/O passthrough, after which data written first reads back intact.
# smp: 2
# timeout: 60 90
# allow: ioctl_abi_test: nsid [0-9]+ in the command is not the namespace's
# disk: d1 64M
# disk: d2 32M
# disk: d3 32M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqabi1,id=c1 -device nvme-ns,drive=d1,bus=c1,nsid=1 -drive file=@d2@,if=none,id=d2,format=raw -drive file=@d3@,if=none,id=d3,format=raw -device nvme,serial=mqabi2,id=c2 -device nvme-ns,drive=d2,bus=c2,nsid=1 -device nvme-ns,drive=d3,bus=c2,nsid=2

mq_load
[[ -c /dev/mqnvme0 && -c /dev/mqnvme1 ]] || fail "controller char devices missing"
echo 'start=2048, size=32768' | sfdisk -q /dev/mqnvme1n2 || fail "sfdisk"
for _ in $(seq 20); do [[ -b /dev/mqnvme1n2p1 ]] && break; sleep 0.2; done
[[ -b /dev/mqnvme1n2p1 ]] || fail "no partition device"

iters=$(mq_scaled 2000)
MQ_CTRL=/dev/mqnvme0 MQ_NS=/dev/mqnvme0n1 MQ_CTRL_MULTI=/dev/mqnvme1 \
	MQ_FUZZ_NS=/dev/mqnvme1n1 MQ_PART=/dev/mqnvme1n2p1 MQ_FUZZ_ITERS=$iters \
	"$mqtools/ioctl_abi_test" --gtest_color=no >/tmp/gtest.out 2>&1
rc=$?
cat /tmp/gtest.out
((rc == 0)) || fail "ioctl_abi_test exited $rc"
grep -q "^\[  PASSED  \] 2[0-9] tests" /tmp/gtest.out || fail "not every test ran and passed"
grep -q "^admin fuzz: .*status 0x" /tmp/gtest.out || fail "the admin fuzz reached no controller"
grep -q "^io fuzz: .*status 0x0=" /tmp/gtest.out || fail "the I/O fuzz had no successful command"
mq_unload
