# Interrupts that never arrive. inject=16 loses the MSI-X interrupt at probe:
# auto mode steps down (MSI-X -> MSI -> INTx) instead of hanging, the log says
# why, and I/O runs on INTx. Then on MSI-X an I/O queue's vector is masked
# (debugfs irq_fault): a read on that queue completes when its timeout polls
# the CQ, the log says so, the data is right and the controller stays live;
# unmasked, the queue completes on its interrupt again.
# smp: 2
# timeout: 60 100
# disk: d1 128M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqlost,drive=d1

dmesg_mark
t=$SECONDS
mq_load inject=16
log "probe with a lost MSI-X interrupt took $((SECONDS - t)) s"
dmesg_since_mark | grep mqnvme | sed 's/^/  /'
bdf=$(mq_bdf 0)
dmesg_since_mark | grep -qE "$bdf: MSI-X: an admin completion raised no interrupt within 2 s \(-110\), trying MSI" ||
	fail "no log line for the lost MSI-X interrupt"
dmesg_since_mark | grep -qE "$bdf: MSI: the function offers no such vector \(-[0-9]+\), trying INTx" ||
	fail "no log line for MSI refused"
assert_irq_mode 0 intx 1 2 0
before=$(mq_queue_counts 0)
fio_verify_per_cpu "$(mq_disk 0 1)" $(mq_scaled 16) randwrite 4k-64k
assert_all_queues_used 0 "$before"
mq_unload

mq_load io_timeout=3
assert_irq_mode 0 msix 3 2 0
dev=$(mq_disk 0 1)
dd if=/dev/urandom of=/tmp/pat bs=64k count=1 status=none
dd if=/tmp/pat of="$dev" bs=64k oflag=direct status=none || fail "write pattern"
q=$(mq_queues 0 qid type cpus | awk '$2 == "default" && $3 ~ /(^|,)1(,|$)/ {print $1}')
[[ -n $q ]] || fail "no queue for CPU 1"
dmesg_mark
echo "mask $q" >/sys/kernel/debug/mqnvme/mqnvme0/irq_fault || fail "mask queue $q"
t=$SECONDS
taskset -c 1 dd if="$dev" of=/tmp/got bs=64k count=1 iflag=direct status=none || fail "read with a lost interrupt"
took=$((SECONDS - t))
log "read on queue $q with its interrupt masked took $took s"
assert_ge "$took" 2 "seconds the read waited for its timeout"
cmp /tmp/got /tmp/pat || fail "data read with a lost interrupt differs"
dmesg_since_mark | grep -qE "$bdf: tag [0-9]+ on queue $q timed out, completion found by polling \(lost interrupt\?\)" ||
	fail "no log line for the completion found by polling"
assert_eq "$(cat /sys/kernel/debug/mqnvme/mqnvme0/state)" live "state after a lost interrupt"

echo "unmask $q" >/sys/kernel/debug/mqnvme/mqnvme0/irq_fault || fail "unmask queue $q"
irqs=$(mq_queues 0 qid irqs | awk -v q="$q" '$1 == q {print $2}')
t=$SECONDS
taskset -c 1 dd if="$dev" of=/tmp/got bs=64k count=1 iflag=direct status=none || fail "read after unmask"
(( SECONDS - t < 2 )) || fail "read after unmask took $((SECONDS - t)) s"
cmp /tmp/got /tmp/pat || fail "data read after unmask differs"
irqs2=$(mq_queues 0 qid irqs | awk -v q="$q" '$1 == q {print $2}')
assert_ge "$((irqs2 - irqs))" 1 "interrupts on queue $q after unmask"
# Bad knob input is refused.
echo "mask 99" >/sys/kernel/debug/mqnvme/mqnvme0/irq_fault 2>/dev/null && fail "mask 99 accepted"
echo "frob 1" >/sys/kernel/debug/mqnvme/mqnvme0/irq_fault 2>/dev/null && fail "frob 1 accepted"
mq_unload
