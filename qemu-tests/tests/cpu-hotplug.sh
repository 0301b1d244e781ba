# CPU hotplug under I/O, on a controller with a vector per CPU and one with
# two I/O vectors for four CPUs (msix_qsize=3). The second runs two
# default queues, one per I/O vector, each mapped to exactly its vector's
# CPUs (as nvme-pci): when the CPUs of a managed vector go offline, blk-mq
# first drains the only queue that uses it. fio writes and verifies on
# both while CPUs 3, 2 and 1 (3 and 2 on the debug kernel) go offline one
# by one and come back: I/O goes
# on at every step, no command times out or is found by the timeout
# poller, fio verify is clean, both controllers stay live.
# smp: 4
# timeout: 60 120
# disk: d1 256M
# disk: d2 256M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqcpu1,drive=d1 -drive file=@d2@,if=none,id=d2,format=raw -device nvme,serial=mqcpu2,drive=d2,msix_qsize=3

cpu_set() { # CPU 0|1
	echo "$2" >/sys/devices/system/cpu/cpu"$1"/online || fail "cpu$1 online=$2"
	assert_eq "$(cat /sys/devices/system/cpu/cpu"$1"/online)" "$2" "cpu$1 online"
}

expand_cpus() { # LIST: "0-1,3" as "0,1,3"
	local out=() part i parts
	IFS=, read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		for ((i = ${part%-*}; i <= ${part#*-}; i++)); do
			out+=("$i")
		done
	done
	local IFS=,
	echo "${out[*]}"
}

mq_load
assert_irq_mode 0 msix 5 4 0
assert_irq_mode 1 msix 3 2 0
# Each default queue of mqnvme1 serves exactly its vector's CPUs.
for q in 1 2; do
	cpus=$(mq_queues 1 qid cpus | awk -v q="$q" '$1 == q {print $2}')
	irq=$(awk -v n="mqnvme1q$q" '$NF == n {sub(":", "", $1); print $1}' /proc/interrupts)
	[[ -n $irq ]] || fail "no interrupt line mqnvme1q$q"
	log "mqnvme1 queue $q: CPUs $cpus, vector $irq affinity $(cat /proc/irq/"$irq"/smp_affinity_list)"
	assert_eq "$cpus" "$(expand_cpus "$(cat /proc/irq/"$irq"/smp_affinity_list)")" \
		"queue $q's CPUs against its vector's affinity"
done
dmesg_mark
fio_bg_start /tmp/cpu.json --ioengine=libaio --direct=1 --iodepth=16 --rw=randwrite \
	--bsrange=4k-64k --verify=crc32c --verify_backlog=128 --verify_fatal=1 --size=96M \
	--time_based --runtime=600 --numjobs=2 \
	--name=a --filename="$(mq_disk 0 1)" --name=b --filename="$(mq_disk 1 1)"
wait_io mqnvme0n1
# CPUs 3 and 2 are one I/O vector's of mqnvme1 (the debug kernel stops
# there), 1 then leaves CPU 0 alone.
offline="3 2 1"
((MQ_SCALE > 1)) && offline="3 2"
for cpu in $offline; do
	cpu_set $cpu 0
	wait_io mqnvme0n1
	wait_io mqnvme1n1
done
for cpu in $(tac -s ' ' <<<"$offline "); do
	cpu_set $cpu 1
	wait_io mqnvme1n1
done
fio_bg_stop /tmp/cpu.json "across CPU hotplug"
dmesg_since_mark | grep -E "timed out|found by polling" && fail "commands waited for the timeout across CPU hotplug"
assert_eq "$(cat /sys/class/mqnvme/mqnvme0/state)" live "mqnvme0"
assert_eq "$(cat /sys/class/mqnvme/mqnvme1/state)" live "mqnvme1"
mq_unload
