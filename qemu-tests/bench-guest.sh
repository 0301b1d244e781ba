# Guest side of `make bench`: two identical controllers on QEMU's null-co
# backend, one driven by the in-tree nvme driver and one by mqnvme, measured
# interleaved in the same guest: mqnvme in each interrupt mode, polled I/O on
# both drivers' poll queues, memory. Then a third controller with a T10 PI
# namespace (512+8, type 3, on null-co as well: blocks read as zeroes with
# zero metadata, which is a valid type 3 tuple, so nothing but CPU is
# measured): mqnvme with host-side PI against pi=pract on that same format,
# and the guard CRC drivers crct10dif-pclmul and crct10dif-generic timed by
# a test module. Prints a BENCH line per measurement.
# smp: 2
# mem: 2G
# timeout: 1800 3600
# qemu: -blockdev driver=null-co,node-name=n1,size=8589934592,read-zeroes=on -device nvme,serial=bench1,drive=n1 -blockdev driver=null-co,node-name=n2,size=8589934592,read-zeroes=on -device nvme,serial=bench2,drive=n2 -blockdev driver=null-co,node-name=n3,size=8589934592,read-zeroes=on -device nvme,id=c3,serial=bench3 -device nvme-ns,drive=n3,bus=c3,nsid=1,ms=8,mset=0,pi=3

rounds=${MQBENCH_ROUNDS:-3}
runtime=${MQBENCH_RUNTIME:-10}
# `bench.sh pi` measures only the PI part (bench.sh writes the choice).
parts=$(cat "$mqrepo/build/bench-parts" 2>/dev/null || echo all)
mapfile -t bdfs < <(nvme_bdfs)
assert_eq "${#bdfs[@]}" 3 "NVMe functions"
echo nvme >"/sys/bus/pci/devices/${bdfs[0]}/driver_override"
echo mqnvme >"/sys/bus/pci/devices/${bdfs[1]}/driver_override"
# The PI controller waits for its own part, at the end.
echo none >"/sys/bus/pci/devices/${bdfs[2]}/driver_override"
# Both drivers get two polled queues for the io_uring IOPOLL rows.
modprobe nvme poll_queues=2 || fail "modprobe nvme"
for _ in $(seq 20); do [[ -b /dev/nvme0n1 ]] && break; sleep 0.5; done
declare -A dev=([nvme]=/dev/nvme0n1 [mqnvme]=/dev/mqnvme0n1)
declare -A bdf=([nvme]=${bdfs[0]} [mqnvme]=${bdfs[1]})

load_mqnvme() { # IRQ_MODE
	lsmod | grep -q '^mqnvme ' && mq_unload
	mq_load irq_mode="$1" poll_queues=2
	[[ -b /dev/nvme0n1 && -b /dev/mqnvme0n1 ]] || fail "both disks must exist"
	echo "## mqnvme $(mq_interrupts 0)"
	grep -q "^mode=$1 " /sys/class/mqnvme/mqnvme0/interrupts || fail "mqnvme is not in $1 mode"
}

iops() { # DRIVER QD [fio args]
	local d=$1 qd=$2
	shift 2
	fio --name=b --filename="${dev[$d]}" --rw=randread --bs=4k --direct=1 \
		--ioengine=io_uring --iodepth="$qd" --numjobs="$(nproc)" --group_reporting \
		--time_based --runtime="$runtime" --ramp_time=2 --size=8G --randrepeat=0 \
		--norandommap --output-format=json --eta=never "$@" |
		python3 -c 'import json,sys; j=json.load(sys.stdin)["jobs"][0]; print(int(j["read"]["iops"] + j["write"]["iops"]))'
}

# bench_rounds LABEL QD [fio args]: interleaved rounds, nvme and mqnvme.
bench_rounds() {
	local label=$1 qd=$2 r d order
	shift 2
	for r in $(seq 1 "$rounds"); do
		order="nvme mqnvme"
		((r % 2)) || order="mqnvme nvme"
		for d in $order; do
			echo "BENCH iops qd=$qd mode=$label round=$r driver=$d value=$(iops "$d" "$qd" "$@")"
		done
	done
}

# The in-tree driver always runs MSI-X; mqnvme runs each interrupt mode.
[[ $parts == all ]] || rounds_all=0
for mode in msix intx poll; do
	((${rounds_all:-1})) || break
	load_mqnvme "$mode"
	bench_rounds "$mode" 1
	bench_rounds "$mode" 32
done
# io_uring IOPOLL on the polled queues of both drivers.
load_mqnvme msix
((${rounds_all:-1})) && bench_rounds polled 1 --hipri=1

# Memory each driver holds for its controller: MemFree before and after
# binding it, page cache dropped, median of three binds.
memfree() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^MemFree:/ {print $2}' /proc/meminfo
}
for d in nvme mqnvme; do
	((${rounds_all:-1})) || break
	for r in 1 2 3; do
		echo "${bdf[$d]}" >"/sys/bus/pci/drivers/$d/unbind"
		before=$(memfree)
		echo "${bdf[$d]}" >"/sys/bus/pci/drivers/$d/bind"
		for _ in $(seq 20); do [[ -b ${dev[$d]} ]] && break; sleep 0.5; done
		sleep 2
		after=$(memfree)
		echo "BENCH mem round=$r driver=$d value=$((before - after))"
	done
done

# T10 PI: host-side generation and verification (crct10dif-pclmul) against
# the controller inserting and stripping the PI (pi=pract), same format,
# interleaved; 4k random reads and writes at QD32. The in-tree driver on
# the same namespace (host-side, it has no other way) shows what the
# kernel's PI costs by itself.
rmmod nvme
mq_unload
echo none >"/sys/bus/pci/devices/${bdfs[1]}/driver_override"
modprobe crct10dif-pclmul
load_pi() { # host|pract (mqnvme) or nvme (the in-tree driver)
	lsmod | grep -q '^mqnvme ' && mq_unload
	lsmod | grep -q '^nvme ' && rmmod nvme
	if [[ $1 == nvme ]]; then
		echo nvme >"/sys/bus/pci/devices/${bdfs[2]}/driver_override"
		modprobe nvme || fail "modprobe nvme"
		for _ in $(seq 40); do [[ -b /dev/nvme0n1 ]] && break; sleep 0.5; done
		dev[pi]=/dev/nvme0n1
	else
		echo mqnvme >"/sys/bus/pci/devices/${bdfs[2]}/driver_override"
		mq_load pi="$1"
		assert_eq "$(cat /sys/block/mqnvme0n1/pi_mode)" "$1" "pi_mode"
		dev[pi]=/dev/mqnvme0n1
	fi
	[[ -b ${dev[pi]} ]] || fail "no disk for the PI namespace"
}
load_pi host
assert_eq "$(cat /sys/block/mqnvme0n1/integrity/format)" T10-DIF-TYPE3-CRC "PI namespace"
echo "## PI namespace: $(cat /sys/block/mqnvme0n1/integrity/format), guard CRC by $(cat /sys/block/mqnvme0n1/pi_crc_driver)"
for r in $(seq 1 $((rounds + 2))); do
	case $((r % 3)) in
	0) order="nvme host pract" ;;
	1) order="host pract nvme" ;;
	*) order="pract nvme host" ;;
	esac
	for m in $order; do
		load_pi "$m"
		for rw in randread randwrite; do
			v=$(iops pi 32 --rw=$rw)
			[[ -n $v ]] || fail "PI $rw with $m failed"
			echo "BENCH pi rw=$rw qd=32 round=$r driver=$m value=$v"
		done
	done
done
lsmod | grep -q '^mqnvme ' && mq_unload
lsmod | grep -q '^nvme ' && rmmod nvme

# The guard CRC itself: the PCLMULQDQ driver against the table.
insmod "$(dirname "$mqmod")/crcbench/mqnvme_crcbench.ko" || fail "insmod mqnvme_crcbench"
dmesg | grep "mqnvme_crcbench:"
for d in crct10dif-pclmul crct10dif-generic; do
	v=$(dmesg | sed -n "s/.*mqnvme_crcbench: $d \([0-9]*\) MB\/s.*/\1/p" | tail -n 1)
	[[ -n $v ]] || fail "no measurement of $d"
	echo "BENCH crc driver=$d value=$v"
done
rmmod mqnvme_crcbench
