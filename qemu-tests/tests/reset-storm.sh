# Controller resets with I/O in flight: fio writes and verifies on two
# namespaces while the controller is reset 12 times (3 on the debug
# kernel), alternately through
# sysfs reset_controller and nvme-cli's reset (NVME_IOCTL_RESET). I/O issued
# during a reset waits and is carried out; nothing fails, nothing is lost;
# the interrupt mode chosen at probe is kept. Then the same in polling mode.
# An ioctl on a resetting controller waits for the reset and runs.
# Namespace 2 is throttled in QEMU (its commands wait there), so every reset
# finds commands at the controller: each reset starts only once the block
# layer shows them in flight, and fio's verify proves none was lost. QEMU
# completes what it fetched when the driver deletes the I/O queues; the
# sysfs resets run with inject=64 (the queues are not deleted, as for a
# controller that stopped answering), so QEMU mostly drops those
# completions and the driver must cancel and requeue: debugfs "requeued"
# grows across them (not at every one: while it resets, QEMU sometimes
# still completes what it holds).
# smp: 2
# timeout: 80 280
# disk: d1 128M
# disk: d2 128M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -drive file=@d2@,if=none,id=d2,format=raw,throttling.iops-total=200 -device nvme,serial=mqrst,id=c1 -device nvme-ns,drive=d1,bus=c1,nsid=1 -device nvme-ns,drive=d2,bus=c1,nsid=2

inflight() { # DISK: requests the block layer has in flight on DISK
	local r w
	read -r r w </sys/block/"$1"/inflight
	echo $((r + w))
}

held_inflight() { # DISK: wait (up to 90 s) until DISK shows requests in
	# flight at 5 samples in a row, 0.1 s apart
	local seen=0 tries
	for ((tries = 0; tries < 900 && seen < 5; tries++)); do
		if (($(inflight "$1") > 0)); then
			seen=$((seen + 1))
		else
			seen=0
		fi
		sleep 0.1
	done
	((seen >= 5))
}

storm() { # RESETS
	local n=$1 i resets0 requeued0 rq_kept=0
	resets0=$(cat /sys/kernel/debug/mqnvme/mqnvme0/resets)
	requeued0=$(cat /sys/kernel/debug/mqnvme/mqnvme0/requeued)
	dmesg_mark
	fio_bg_start /tmp/storm.json \
		--ioengine=libaio --direct=1 --iodepth=16 --time_based --runtime=600 \
		--rw=randwrite --bsrange=4k-64k --verify=crc32c --verify_backlog=256 \
		--verify_fatal=1 --size=48M \
		--name=a --filename=/dev/mqnvme0n1 --name=b --filename=/dev/mqnvme0n2
	for i in $(seq "$n"); do
		# Evidence, not a sleep: namespace 2's throttled requests are in
		# flight at the controller when the reset starts. fio keeps 16
		# there once it runs (it starts slowly on the debug kernel: up to
		# 60 s); one busy sample is not enough, as the kernel's own
		# partition scan of a new disk is one read in flight for a moment.
		held_inflight mqnvme0n2 ||
			fail "no I/O in flight before reset $i ($(cat /sys/block/mqnvme0n{1,2}/inflight | tr -s ' \n' ' '), fio $(kill -0 $fio_bg_pid 2>/dev/null && echo running || echo gone), requests held: $(cat /sys/kernel/debug/block/mqnvme0n*/requeue_list /sys/kernel/debug/block/mqnvme0n*/hctx*/dispatch | wc -l): $(cat /tmp/storm.json))"
		local rq0 rq
		rq0=$(cat /sys/kernel/debug/mqnvme/mqnvme0/requeued)
		if ((i % 2)); then
			echo 64 >/sys/module/mqnvme/parameters/inject
			echo 1 >/sys/class/mqnvme/mqnvme0/reset_controller || fail "sysfs reset $i"
			echo 0 >/sys/module/mqnvme/parameters/inject
		else
			nvme reset /dev/mqnvme0 >/tmp/out 2>&1 || fail "nvme reset $i: $(cat /tmp/out)"
		fi
		assert_eq "$(cat /sys/class/mqnvme/mqnvme0/state)" live "state after reset $i"
		rq=$(($(cat /sys/kernel/debug/mqnvme/mqnvme0/requeued) - rq0))
		log "reset $i: $rq requests requeued"
		((i % 2 == 0)) || rq_kept=$((rq_kept + rq))
	done
	assert_ge "$rq_kept" 1 "requests requeued by the resets that keep the queues"
	fio_bg_stop /tmp/storm.json "across the resets"
	assert_eq "$(dmesg_since_mark | grep -c 'reset done')" "$n" "resets done"
	assert_eq "$(($(cat /sys/kernel/debug/mqnvme/mqnvme0/resets) - resets0))" "$n" "resets counted"
	log "$(($(cat /sys/kernel/debug/mqnvme/mqnvme0/requeued) - requeued0)) requests requeued across $n resets"
	dmesg_since_mark | grep -E "failed|error" | grep mqnvme && fail "errors logged across the resets"
	# Every block written before is still what it was.
	fio_ok --name=check --ioengine=libaio --direct=1 --iodepth=16 --rw=randwrite \
		--bsrange=4k-64k --verify=crc32c --size=$(mq_scaled 16)M --offset=64M \
		--filename=/dev/mqnvme0n1
}

mq_load poll_queues=1
assert_irq_mode 0 msix 3 2 1
# The debug kernel sees both kinds of reset under I/O; the stock one the volume.
storm "$((MQ_SCALE > 1 ? 3 : 12))"
assert_irq_mode 0 msix 3 2 1

# An ioctl issued while the controller resets waits for it, then runs.
echo 1 >/sys/class/mqnvme/mqnvme0/reset_controller &
nvme id-ctrl /dev/mqnvme0 -b >/tmp/id1 || fail "id-ctrl during a reset"
wait
nvme id-ctrl /dev/mqnvme0 -b | cmp - /tmp/id1 || fail "identify during a reset"
mq_unload

mq_load irq_mode=poll
assert_irq_mode 0 poll 0 2 0
storm "$((MQ_SCALE > 1 ? 3 : 5))"
assert_irq_mode 0 poll 0 2 0
grep -q mqnvme /proc/interrupts && fail "interrupt lines in poll mode after resets"
mq_unload
