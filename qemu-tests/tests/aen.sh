# Asynchronous events. QEMU raises a SMART event when its
# smart_critical_warning property gains a bit (QMP qom-set) that the host
# enabled with Set Features 0Bh, and an error event when a doorbell of a
# queue that does not exist is written. Each event is logged once, with the
# SMART log's words for the bits that are new; the AER is sent again after
# every event and after a reset; with irq_mode=poll the event is still seen
# (the admin queue is looked at every second). I/O keeps running.
# smp: 2
# timeout: 60 120
# allow: mqnvme [0-9a-f:.]+: critical warning 0x[0-9a-f]+:
# allow: mqnvme [0-9a-f:.]+: asynchronous event: write to an invalid doorbell register
# qmp: on
# disk: d1 64M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,id=nv0,serial=mqaen,drive=d1

warn() { # VALUE: set QEMU's critical warning bits
	qmp "{\"execute\":\"qom-set\",\"arguments\":{\"path\":\"/machine/peripheral/$(qid nv0)\",\"property\":\"smart_critical_warning\",\"value\":$1}}" >/dev/null
}

aens() {
	cat /sys/kernel/debug/mqnvme/mqnvme0/aens
}

wait_aens() { # COUNT: wait until the driver has seen COUNT events
	local i
	for ((i = 0; i < 100; i++)); do
		(($(aens) >= $1)) && return 0
		sleep 0.1
	done
	fail "events seen: $(aens), expected $1"
}

# A line of the log since the mark, exactly once.
once() { # PATTERN WHAT
	assert_eq "$(dmesg_since_mark | grep -c -- "$1")" 1 "$2"
}

dmesg_mark
mq_load
assert_eq "$(aens)" 0 "events before any"
dev=$(mq_disk 0 1)
fio_bg "$dev" /tmp/fio.out

log "spare below threshold"
warn 1
wait_aens 1
once "critical warning 0x01: available spare below threshold (temperature 323 K" \
	"the first warning's line"

log "temperature, on top: only the new bit is named"
warn 3
wait_aens 2
once "critical warning 0x03: temperature outside a threshold (" "the second warning's line"
once "available spare below threshold" "lines naming the spare"

log "the same bits again raise nothing"
warn 3
sleep 2
assert_eq "$(aens)" 2 "events after an unchanged value"

log "an invalid doorbell write: an error event"
# SQ 100's tail doorbell: 0x1000 + 2 * 100 * 4.
"$mqtools/mmio_write" "$(nvme_bdfs | head -n 1)" 0 $((0x1000 + 800)) 0 ||
	fail "writing the doorbell"
wait_aens 3
once "asynchronous event: write to an invalid doorbell register" "the error event's line"

log "after a reset the AER is back"
echo 1 >/sys/class/mqnvme/mqnvme0/reset_controller
assert_eq "$(cat /sys/class/mqnvme/mqnvme0/state)" live "state after the reset"
warn 7
wait_aens 4
once "critical warning 0x07: reliability degraded (" "the warning after the reset"

fio_bg_end /tmp/fio.out
assert_eq "$(dmesg_since_mark | grep -c 'refused the Asynchronous Event Request')" 0 "AER refusals"
mq_unload

log "polling mode: no interrupt, the event is still seen"
dmesg_mark
mq_load irq_mode=poll
grep -q "^mode=poll " /sys/class/mqnvme/mqnvme0/interrupts ||
	fail "not polling: $(cat /sys/class/mqnvme/mqnvme0/interrupts)"
warn 15
wait_aens 1
# A new driver instance names every bit it sees for the first time.
once "critical warning 0x0f: available spare below threshold, temperature outside a threshold, reliability degraded, media read-only (" \
	"the warning in polling mode"
warn 0
mq_unload
