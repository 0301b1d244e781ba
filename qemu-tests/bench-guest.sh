# Guest side of `make bench`: two identical controllers on QEMU's null-co
# backend, one driven by the in-tree nvme driver and one by mqnvme, measured
# interleaved in the same guest. Prints a BENCH line per measurement.
# smp: 2
# mem: 2G
# timeout: 1500
# qemu: -blockdev driver=null-co,node-name=n1,size=8589934592,read-zeroes=on -device nvme,serial=bench1,drive=n1 -blockdev driver=null-co,node-name=n2,size=8589934592,read-zeroes=on -device nvme,serial=bench2,drive=n2

rounds=${MQBENCH_ROUNDS:-3}
runtime=${MQBENCH_RUNTIME:-10}
mapfile -t bdfs < <(nvme_bdfs)
assert_eq "${#bdfs[@]}" 2 "NVMe functions"
echo nvme >"/sys/bus/pci/devices/${bdfs[0]}/driver_override"
echo mqnvme >"/sys/bus/pci/devices/${bdfs[1]}/driver_override"
modprobe nvme || fail "modprobe nvme"
mq_load
for _ in $(seq 20); do [[ -b /dev/nvme0n1 ]] && break; sleep 0.5; done
[[ -b /dev/nvme0n1 && -b /dev/mqnvme0n1 ]] || fail "both disks must exist"
declare -A dev=([nvme]=/dev/nvme0n1 [mqnvme]=/dev/mqnvme0n1)
declare -A bdf=([nvme]=${bdfs[0]} [mqnvme]=${bdfs[1]})

iops() { # DRIVER QD
	fio --name=b --filename="${dev[$1]}" --rw=randread --bs=4k --direct=1 \
		--ioengine=io_uring --iodepth="$2" --numjobs="$(nproc)" --group_reporting \
		--time_based --runtime="$runtime" --ramp_time=2 --size=8G --randrepeat=0 \
		--norandommap --output-format=json --eta=never |
		python3 -c 'import json,sys; print(int(json.load(sys.stdin)["jobs"][0]["read"]["iops"]))'
}

for qd in 1 32; do
	for r in $(seq 1 "$rounds"); do
		order="nvme mqnvme"
		((r % 2)) || order="mqnvme nvme"
		for d in $order; do
			echo "BENCH iops qd=$qd round=$r driver=$d value=$(iops "$d" "$qd")"
		done
	done
done

# Memory each driver holds for its controller: MemFree before and after
# binding it, page cache dropped, median of three binds.
memfree() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	sleep 1
	awk '/^MemFree:/ {print $2}' /proc/meminfo
}
for d in nvme mqnvme; do
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
