# Four vCPUs but a controller granting only two queue pairs: two I/O queues,
# each serving two CPUs, both carrying I/O, data intact.
# smp: 4
# timeout: 60 90
# disk: d1 256M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mq2q,drive=d1,max_ioqpairs=2

mq_load
assert_eq "$(mq_nr_queues 0)" 2 "I/O queues"
cat /sys/kernel/debug/mqnvme/mqnvme0/queues
for q in 1 2; do
	cpus=$(mq_queues 0 qid cpus | awk -v q="$q" '$1 == q {print $2}')
	assert_eq "$(tr ',' '\n' <<<"$cpus" | grep -c .)" 2 "CPUs of queue $q"
done
before=$(mq_queue_counts 0)
fio_verify_per_cpu "$(mq_disk 0 1)" $(mq_scaled 32) randwrite 512-512k
assert_all_queues_used 0 "$before"
mq_unload
