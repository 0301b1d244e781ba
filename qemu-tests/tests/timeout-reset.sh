# Error recovery, on a namespace whose commands take 5 s and a fast one.
# Loaded with io_timeout=3 (a command is reset only after twice that):
# the probe's partition scan and one slow read are Aborted (QEMU does not
# abort what it works on: "not aborted") and complete, nothing is reset; an
# unprivileged reader's passthrough reads with timeout_ms=1 are Aborted and
# succeed, never reset the controller. Then both disks' io_timeout is set
# to 1 s (sysfs): the timeout handler polls the CQ, Aborts the slow read,
# and at the second expiry resets the controller; the read is not lost: it
# completes with the right data, the controller is live again and the
# other one unaffected. A passthrough read with timeout_ms above the
# queue's waits the 5 s without a timeout; one with timeout_ms=1000 times
# out and the controller recovers. kill -9 ends an SG_IO VERIFY over the
# whole slow disk after the chunk in flight. A controller that lost bus
# mastering (its next command sets CSTS.CFS): the read in flight times out,
# the reset restores bus mastering and the read completes. A reset whose
# bring-up meets a timeout (inject=128: its Doorbell Buffer Config is never
# answered; admin_timeout=5) fails that attempt and connects again: the
# controller ends live and working (not "live" on a disabled controller),
# with fio verify running across it. A reset that cannot enable the
# controller again (inject=8 set at run time): the controller is given up,
# its disk is dead (capacity 0, nothing read), the log says why, unload is
# clean.
# smp: 2
# timeout: 200 260
# allow: mqnvme [0-9a-f:.]+: reset failed \(-[0-9]+\): disabling the controller
# allow: mqnvme [0-9a-f:.]+: enable: timed out after [0-9]+ ms
# disk: d2 64M
# qemu: -blockdev driver=null-co,node-name=slow,size=67108864,latency-ns=5000000000,read-zeroes=on -device nvme,serial=mqslow,drive=slow -drive file=@d2@,if=none,id=d2,format=raw -device nvme,serial=mqfast,drive=d2

mq_ctrl_of() { # SERIAL: the mqnvme instance of the controller with SERIAL
	local c
	for c in /sys/class/mqnvme/mqnvme*; do
		[[ $(cat "$c/serial") == "$1"* ]] && echo "${c##*mqnvme}"
	done
}

slow_resets() { cat /sys/kernel/debug/mqnvme/mqnvme$slow/resets; }
slow_aborts() { cat /sys/kernel/debug/mqnvme/mqnvme$slow/aborts; }

dmesg_mark
mq_load io_timeout=3 admin_timeout=5
slow=$(mq_ctrl_of mqslow)
fast=$(mq_ctrl_of mqfast)
[[ -n $slow && -n $fast ]] || fail "controllers not found"
log "one slow command: Aborted, nothing reset (io_timeout=3)"
# The probe's partition scan read the slow disk: Aborts, no reset.
assert_eq "$(slow_resets)" 0 "resets while probing the slow controller"
aborts0=$(slow_aborts)
dmesg_mark
start=$SECONDS
dd if=/dev/mqnvme${slow}n1 of=/tmp/slow bs=4k count=1 skip=300 iflag=direct status=none ||
	fail "a read slower than io_timeout failed"
assert_ge $((SECONDS - start)) 4 "seconds the slow read took"
cmp /tmp/slow <(head -c 4096 /dev/zero) || fail "the slow read returned other data"
assert_eq "$(slow_resets)" 0 "resets for one slow command"
assert_eq "$(($(slow_aborts) - aborts0))" 1 "Aborts for one slow command"
dmesg_since_mark | grep -q "Abort of command id .*: not aborted" || fail "no Abort logged"
dmesg_since_mark | grep "resetting" && fail "one slow command reset the controller"

log "an unprivileged reader's passthrough reads with timeout_ms=1"
chmod o+r /dev/mqnvme${slow}n1
for i in 1 2; do
	setpriv --reuid=65534 --regid=65534 --clear-groups nvme io-passthru \
		/dev/mqnvme${slow}n1 --opcode=2 --namespace-id=1 --data-len=4096 \
		--read --cdw10=400 --cdw12=7 --timeout=1 >/tmp/out 2>&1
	log "timeout_ms=1, read $i: $(head -n 1 /tmp/out)"
	# QEMU does not abort what it works on: the read completes.
	grep -q "Success" /tmp/out || fail "unprivileged read $i: $(cat /tmp/out)"
done
assert_eq "$(slow_resets)" 0 "resets after timeout_ms=1 reads"
assert_eq "$(($(slow_aborts) - aborts0))" 3 "Aborts after two timeout_ms=1 reads"
assert_eq "$(cat /sys/class/mqnvme/mqnvme$slow/state)" live "the slow controller"
dmesg_since_mark | grep "resetting" && fail "a user's timeout_ms reset the controller"

log "io_timeout 1 s on both disks: a command outliving twice that is reset"
echo 1000 >/sys/block/mqnvme${slow}n1/queue/io_timeout
echo 1000 >/sys/block/mqnvme${fast}n1/queue/io_timeout
dmesg_mark
start=$SECONDS
dd if=/dev/mqnvme${slow}n1 of=/tmp/slow bs=4k count=1 skip=100 iflag=direct status=none ||
	fail "a read slower than io_timeout failed"
log "the slow read took $((SECONDS - start)) s"
cmp /tmp/slow <(head -c 4096 /dev/zero) || fail "the slow read returned other data"
dmesg_since_mark | grep "mqnvme" | sed 's/^/  /' | tail -10
dmesg_since_mark | grep -q "timed out" || fail "no timeout logged"
assert_ge "$(dmesg_since_mark | grep -c "command timeout: resetting the controller")" 1 "timeout resets"
dmesg_since_mark | grep -q "mqnvme.*Abort of command id 0x[0-9a-f]* on queue [0-9]*: not aborted" ||
	fail "no Abort before the reset"
dmesg_since_mark | grep -q "opcode 0x02) on queue [0-9]* timed out after its Abort" ||
	fail "the reset came without a second timeout after the Abort"
assert_ge "$(cat /sys/kernel/debug/mqnvme/mqnvme$slow/resets)" 1 "resets done"
assert_eq "$(cat /sys/class/mqnvme/mqnvme$slow/state)" live "the slow controller after recovery"
assert_eq "$(cat /sys/class/mqnvme/mqnvme$fast/state)" live "the fast controller"
fio_ok --name=fast --filename=/dev/mqnvme${fast}n1 --rw=randwrite --bs=4k --size=$(mq_scaled 16)M \
	--ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c

log "passthrough timeout_ms: longer than io_timeout, then shorter"
dmesg_mark
start=$SECONDS
nvme io-passthru /dev/mqnvme${slow}n1 --opcode=2 --namespace-id=1 --data-len=4096 \
	--read --cdw10=200 --cdw12=7 --timeout=15000 >/tmp/out 2>&1 ||
	fail "a 5 s passthrough read with timeout_ms=15000 failed: $(cat /tmp/out)"
assert_ge $((SECONDS - start)) 4 "seconds the slow passthrough read took"
assert_eq "$(dmesg_since_mark | grep -c 'timed out')" 0 "timeouts with timeout_ms=15000"
dmesg_mark
start=$SECONDS
nvme io-passthru /dev/mqnvme${slow}n1 --opcode=2 --namespace-id=1 --data-len=4096 \
	--read --cdw10=200 --cdw12=7 --timeout=1000 >/tmp/out 2>&1
took=$((SECONDS - start))
# It times out at 1 s (an Abort), then again a second later and the reset
# deletes its queue; QEMU finishes the read while deleting, so it may still end in
# success.
log "with timeout_ms=1000: $(head -n 1 /tmp/out) after $took s"
grep -q "Success\|NVMe status" /tmp/out || fail "timeout_ms=1000: $(cat /tmp/out)"
dmesg_since_mark | grep -q "opcode 0x02) on queue .* timed out" || fail "no timeout logged for timeout_ms=1000"
assert_eq "$(cat /sys/class/mqnvme/mqnvme$slow/state)" live "the slow controller after the passthrough timeout"

log "kill -9 stops a whole-disk SG_IO VERIFY between chunks"
# VERIFY(16) of all 131072 blocks: 128 commands of 5 s each on the slow
# namespace; the killed caller waits for the one in flight, no more.
sg_raw -t 900 /dev/mqnvme${slow}n1 8f 00 00 00 00 00 00 00 00 00 00 02 00 00 00 00 \
	>/tmp/sgv 2>&1 &
pid=$!
sleep 2
kill -0 $pid 2>/dev/null || fail "the VERIFY ended before the kill: $(cat /tmp/sgv)"
start=$SECONDS
kill -9 $pid
wait $pid 2>/dev/null
took=$((SECONDS - start))
log "the killed VERIFY ended $took s after kill -9"
((took <= 20)) || fail "kill -9 took $took s to end a VERIFY (128 chunks of 5 s)"
assert_eq "$(cat /sys/class/mqnvme/mqnvme$slow/state)" live "the slow controller after the killed VERIFY"

log "lost bus mastering"
dmesg_mark
bdf=$(cat /sys/class/mqnvme/mqnvme$fast/address)
head -c 1M /dev/urandom >/tmp/pat
dd if=/tmp/pat of=/dev/mqnvme${fast}n1 bs=1M oflag=direct status=none || fail "write"
cmd=$(setpci -s "$bdf" COMMAND)
setpci -s "$bdf" COMMAND=$(printf %04x $((0x$cmd & ~4)))
cmp <(dd if=/dev/mqnvme${fast}n1 bs=1M count=1 iflag=direct status=none) /tmp/pat ||
	fail "the read across the recovery returned other data or failed"
dmesg_since_mark | grep "mqnvme" | sed 's/^/  /' | tail -10
dmesg_since_mark | grep -q "command timeout: resetting the controller" || fail "no recovery reset"
assert_eq "$(cat /sys/class/mqnvme/mqnvme$fast/state)" live "state after recovery"
assert_eq "$((0x$(setpci -s "$bdf" COMMAND) & 4))" 4 "bus master bit after recovery"

log "a timeout while a reset connects: that attempt fails, the next one works"
dmesg_mark
fio_bg_start /tmp/across.json --name=across --filename=/dev/mqnvme${fast}n1 \
	--rw=randwrite --bs=4k --size=$(mq_scaled 32)M --ioengine=libaio --iodepth=8 \
	--direct=1 --verify=crc32c --verify_backlog=64 --verify_fatal=1 --time_based \
	--runtime=600
wait_io mqnvme${fast}n1
echo 128 >/sys/module/mqnvme/parameters/inject
echo 1 >/sys/class/mqnvme/mqnvme$fast/reset_controller 2>/tmp/err ||
	fail "the reset did not recover: $(cat /tmp/err)"
assert_eq "$(cat /sys/module/mqnvme/parameters/inject)" 0 "inject after the lost command (once)"
assert_eq "$(cat /sys/class/mqnvme/mqnvme$fast/state)" live "state after the retried reset"
dmesg_since_mark | grep "mqnvme" | sed 's/^/  /' | tail -12
dmesg_since_mark | grep -q "inject: Doorbell Buffer Config lost" || fail "the command was not lost"
dmesg_since_mark | grep -q "opcode 0x7c) on queue 0 timed out.*controller connecting" ||
	fail "no timeout while connecting"
dmesg_since_mark | grep -q "reset attempt 1 failed: a command timed out while connecting, trying again" ||
	fail "the failed attempt was not retried"
assert_eq "$(dmesg_since_mark | grep -c "reset done")" 1 "resets done"
sleep 2
fio_bg_stop /tmp/across.json "across the retried reset"
# The controller works: admin and I/O commands after it.
nvme id-ctrl /dev/mqnvme$fast >/tmp/out 2>&1 || fail "id-ctrl after the retried reset: $(cat /tmp/out)"
fio_ok --name=after --filename=/dev/mqnvme${fast}n1 --rw=randwrite --bs=4k \
	--size=$(mq_scaled 16)M --ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c
log "a reset that fails"
dmesg_mark
echo 8 >/sys/module/mqnvme/parameters/inject
echo 1 >/sys/class/mqnvme/mqnvme$fast/reset_controller 2>/tmp/err && fail "a failed reset reported success"
grep -q "Network dropped connection on reset" /tmp/err || fail "failed reset: $(cat /tmp/err)"
echo 0 >/sys/module/mqnvme/parameters/inject
assert_eq "$(cat /sys/class/mqnvme/mqnvme$fast/state)" dead "state after a failed reset"
dmesg_since_mark | grep -q "reset failed (-19): disabling the controller" || fail "no log line for the failed reset"
# Its disk is dead: capacity 0, reads return nothing at once.
assert_eq "$(cat /sys/block/mqnvme${fast}n1/size)" 0 "capacity of the dead controller's disk"
start=$SECONDS
got=$(dd if=/dev/mqnvme${fast}n1 bs=4k count=1 iflag=direct status=none 2>/dev/null | wc -c)
assert_eq "$got" 0 "bytes read from the dead controller"
((SECONDS - start < 3)) || fail "I/O to a dead controller took $((SECONDS - start)) s"
nvme reset /dev/mqnvme$fast >/tmp/out 2>&1 && fail "reset of a dead controller accepted"
mq_unload
