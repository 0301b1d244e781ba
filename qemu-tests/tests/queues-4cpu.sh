# Four vCPUs and a controller granting 64 queues: four I/O queues, one per
# CPU, and a job pinned to CPU n runs on the queue mapped to CPU n.
# Stock kernel only: four vCPUs of a KASAN kernel on two host cores take five
# minutes for a mapping check; irq-modes and queues-4cpu-2q run the
# multi-queue paths under the debug kernel.
# kernels: stock
# smp: 4
# timeout: 60 90
# disk: d1 256M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mq4q,drive=d1

mq_load
assert_eq "$(mq_nr_queues 0)" 4 "I/O queues"
cat /sys/kernel/debug/mqnvme/mqnvme0/queues
dev=$(mq_disk 0 1)
for cpu in 0 1 2 3; do
	q=$(mq_queues 0 qid cpus | awk -v c="$cpu" '$1 > 0 {n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print $1}')
	[[ -n $q ]] || fail "CPU $cpu is mapped to no queue"
	before=$(mq_queues 0 qid submitted | awk -v q="$q" '$1 == q {print $2}')
	fio_ok --name=pin$cpu --filename="$dev" --cpus_allowed=$cpu --rw=randwrite \
		--bs=4k --size=8M --offset=$((cpu * 16))M --ioengine=libaio --iodepth=4 \
		--direct=1 --verify=crc32c
	after=$(mq_queues 0 qid submitted | awk -v q="$q" '$1 == q {print $2}')
	(( after - before >= 4096 )) || fail "CPU $cpu: queue $q carried $((after - before)) commands, expected >= 4096"
	log "CPU $cpu -> queue $q: $((after - before)) commands"
done
before=$(mq_queue_counts 0)
fio_verify_per_cpu "$dev" $(mq_scaled 32) randwrite 4k-256k
assert_all_queues_used 0 "$before"
mq_unload
