# Error recovery. A namespace whose commands take 5 s with io_timeout=2: the
# timeout handler polls the CQ, then resets the controller; the read is not
# lost: it completes with the right data, the controller is live again and
# the second controller is unaffected. A passthrough read with timeout_ms
# above io_timeout waits the 5 s without a timeout; one with
# timeout_ms=1000 times out and the controller recovers. kill -9 ends an
# SG_IO VERIFY over the whole slow disk after the chunk in flight. A
# controller that lost bus mastering
# (its next command sets CSTS.CFS): the read in flight times out, the reset
# restores bus mastering and the read completes. A reset that cannot enable
# the controller again (inject=8 set at run time): the controller is given
# up, its disk is dead (capacity 0, nothing read), the log says why, unload
# is clean.
# smp: 2
# timeout: 150 200
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

dmesg_mark
mq_load io_timeout=2
slow=$(mq_ctrl_of mqslow)
fast=$(mq_ctrl_of mqfast)
[[ -n $slow && -n $fast ]] || fail "controllers not found"
dmesg_mark
start=$SECONDS
dd if=/dev/mqnvme${slow}n1 of=/tmp/slow bs=4k count=1 skip=100 iflag=direct status=none ||
	fail "a read slower than io_timeout failed"
log "the slow read took $((SECONDS - start)) s"
cmp /tmp/slow <(head -c 4096 /dev/zero) || fail "the slow read returned other data"
dmesg_since_mark | grep "mqnvme" | sed 's/^/  /' | tail -10
dmesg_since_mark | grep -q "timed out" || fail "no timeout logged"
assert_ge "$(dmesg_since_mark | grep -c "command timeout: resetting the controller")" 1 "timeout resets"
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
# It times out and the reset deletes its queue; QEMU finishes the read
# while deleting, so it may still end in success.
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
