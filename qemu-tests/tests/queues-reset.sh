# The number of I/O queues changes across resets (poll_queues written at run
# time, as with the in-tree driver): blk-mq is told the new count and the
# new default/poll split, hardware contexts go and come back, and fio
# verify (interrupt-driven, libaio) keeps running without an error; an
# io_uring --hipri reader runs through a reset that adds a polled queue.
# With no polled queue left, polled I/O is refused (EOPNOTSUPP); more polled
# queues than the controller was probed with are not taken.
# smp: 2
# timeout: 60 130
# disk: d1 128M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqqr,drive=d1

ctl=/sys/class/mqnvme/mqnvme0

reset_to() { # POLL_QUEUES HW_QUEUES
	echo "$1" >/sys/module/mqnvme/parameters/poll_queues
	echo 1 >$ctl/reset_controller || fail "reset with poll_queues=$1"
	assert_eq "$(cat $ctl/state)" live "state after the reset"
	assert_eq "$(ls /sys/block/mqnvme0n1/mq | wc -l)" "$2" "hardware contexts with poll_queues=$1"
	assert_eq "$(cat $ctl/queue_count)" $(($2 + 1)) "queue_count with poll_queues=$1"
	grep -q "default=2 read=0 poll=$(($2 - 2))" $ctl/interrupts ||
		fail "poll_queues=$1: $(cat $ctl/interrupts)"
	log "poll_queues=$1: $(cat $ctl/interrupts)"
}

hipri() { # SECONDS: io_uring polled reads (fio --hipri)
	fio --name=hipri --filename="$dev" --rw=randread --bs=4k --size=64M \
		--ioengine=io_uring --hipri --iodepth=4 --direct=1 \
		--time_based --runtime="$1" --output=/tmp/hipri.out >/dev/null 2>&1
}

dmesg_mark
mq_load poll_queues=2
assert_eq "$(ls /sys/block/mqnvme0n1/mq | wc -l)" 4 "hardware contexts at probe"
dev=$(mq_disk 0 1)
fio_bg "$dev" /tmp/fio.out 64M
wait_io mqnvme0n1

reset_to 1 3
log "a reset adding a polled queue while polled reads run"
hipri 8 &
h=$!
# The polled reads are under way: the polled queue carries commands.
p0=$(mq_queue_counts 0 poll | awk '{s += $2} END {print s + 0}')
for _ in $(seq 300); do
	(($(mq_queue_counts 0 poll | awk '{s += $2} END {print s + 0}') > p0 + 64)) && break
	sleep 0.1
done
(($(mq_queue_counts 0 poll | awk '{s += $2} END {print s + 0}') > p0 + 64)) ||
	fail "polled reads did not start"
reset_to 2 4
wait $h || fail "polled reads across the reset: $(cat /tmp/hipri.out)"
grep -q "err= 0" /tmp/hipri.out || fail "polled reads: $(cat /tmp/hipri.out)"

reset_to 0 2
hipri 1 && fail "polled reads without a polled queue succeeded"
grep -q "Operation not supported" /tmp/hipri.out ||
	fail "polled reads without a polled queue: $(cat /tmp/hipri.out)"

# Beyond the probe's two: capped.
reset_to 8 4
hipri 2 || fail "polled reads after growing back: $(cat /tmp/hipri.out)"

fio_bg_end /tmp/fio.out
assert_eq "$(cat /sys/kernel/debug/mqnvme/mqnvme0/resets)" 4 "resets done"
dmesg_since_mark | grep "reset done" | sed 's/^/  /'
mq_unload
