# SG_IO on the namespace disks driven directly by a C++20 GoogleTest suite
# (qemu-tests/tools/sgio_test.cc): every opcode of the translation's table
# with reserved bits (field pointer byte and bit), short CDBs and bad
# lengths, directions, pointers; allocation lengths and resid; READ/WRITE
# transfer lengths, ranges, unaligned and iovec buffers checked against
# O_DIRECT reads; fixed and descriptor sense (D_SENSE via MODE SELECT(10))
# and mx_sb_len; callers without CAP_SYS_RAWIO; a partition; SG_* and
# SCSI_IOCTL_* companions; a bounded random-CDB fuzz after which the data
# written first is intact. Then the same table with inject=32 (every
# command offered), and a 32-bit program through the compat ioctl path.
# smp: 2
# timeout: 60 90
# disk: d1 64M
# disk: d2 32M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw,discard=unmap -drive file=@d2@,if=none,id=d2,format=raw,discard=unmap -device nvme,serial=mqsgio1,id=c1 -device nvme-ns,drive=d1,bus=c1,nsid=1,eui64=0x0011223344556677 -device nvme-ns,drive=d2,bus=c1,nsid=2

dmesg_mark
mq_load
dev=$(mq_disk 0 1)
dev2=$(mq_disk 0 2)
part=${dev2}p1
echo 'start=2048, size=32768' | sfdisk -q "$dev2" || fail "sfdisk"
for _ in $(seq 20); do [[ -b $part ]] && break; sleep 0.2; done
[[ -b $part ]] || fail "no partition device"

# run_gtest OUT [gtest args...]: the suite with this guest's devices.
iters=$(mq_scaled 20000)
run_gtest() {
	local out=$1 rc
	shift
	MQ_DISK=$dev MQ_DISK2=$dev2 MQ_PART=$part MQ_FUZZ_ITERS=$iters \
		"$mqtools/sgio_test" --gtest_color=no "$@" >"$out" 2>&1
	rc=$?
	cat "$out"
	((rc == 0)) || fail "sgio_test $* exited $rc"
}

log "the suite, as QEMU's controller is"
run_gtest /tmp/gtest.out --gtest_filter=-Inject.*
grep -q "^\[  PASSED  \] 137 tests\.$" /tmp/gtest.out || fail "not every test ran and passed"
grep -q "^\[  SKIPPED \]" /tmp/gtest.out && fail "tests were skipped"
grep -qE "^sgio fuzz: $iters cdbs good=[1-9][0-9]* check=[1-9][0-9]* " /tmp/gtest.out ||
	fail "the fuzz did not run $iters CDBs with GOOD and CHECK CONDITION outcomes"
grep -q "^RSOC lists 30 commands$" /tmp/gtest.out || fail "RSOC count"

log "a 32-bit caller: compat sg_io_hdr and iovec"
"$mqtools/sgio32" "$dev" >/tmp/sgio32.out 2>&1
rc=$?
cat /tmp/sgio32.out
((rc == 0)) || fail "sgio32 exited $rc"
grep -q "sizeof(sg_io_hdr_t) 64, sizeof(void \*) 4" /tmp/sgio32.out || fail "sgio32 is not a 32-bit program"
for check in inquiry read-capacity-10 pread-reference read-10-iovec bad-cdb interface-id cmd-len-5; do
	grep -qE "^ok $check(:|$)" /tmp/sgio32.out || fail "sgio32: no 'ok $check'"
done
grep -q "^FAIL" /tmp/sgio32.out && fail "sgio32 reported a failure"
mq_unload

log "inject=32: every command of the table is offered"
mq_load inject=32
for _ in $(seq 20); do [[ -b $part ]] && break; sleep 0.2; done
MQ_INJECT_CAPS=1 run_gtest /tmp/gtest-inject.out \
	--gtest_filter='Cmd/TableTest.*:Opcodes.AllCommandsListed:Inject.*'
grep -q "^\[  PASSED  \] 104 tests\.$" /tmp/gtest-inject.out || fail "not every inject test ran and passed"
grep -q "^RSOC lists 34 commands$" /tmp/gtest-inject.out || fail "RSOC count with inject=32"
mq_unload

# The harness scans the console too; the whole log, and no format ran.
bad=$(dmesg_since_mark | grep -E 'BUG:|WARNING:|Oops|KASAN|UBSAN|Call Trace:|general protection|refcount_t:|unreferenced object')
[[ -z $bad ]] || fail "kernel log: $bad"
dmesg_since_mark | grep -q "FORMAT UNIT" && fail "a FORMAT UNIT ran: $(dmesg_since_mark | grep 'FORMAT UNIT')"
true
