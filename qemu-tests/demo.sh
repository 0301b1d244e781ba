# The `make run` demonstration: one emulated NVMe controller, mqnvme bound to
# it, fio writing, verifying and reading through /dev/mqnvme0n1, then the
# SCSI tools answering through SG_IO.
# smp: 2
# timeout: 300
# disk: d1 1G
# qemu: -drive file=@d1@,if=none,id=d1,format=raw,discard=unmap -device nvme,serial=mqdemo,drive=d1

log "loading mqnvme"
mq_load
dmesg | grep -E 'mqnvme' | sed 's/^/  /'
log "interrupts (sysfs): $(mq_interrupts 0)"
log "queues (debugfs):"
cat /sys/kernel/debug/mqnvme/mqnvme0/queues
dev=$(mq_disk 0 1)
log "$dev: $(cat /sys/block/mqnvme0n1/size) sectors, $(cat /sys/block/mqnvme0n1/queue/logical_block_size)-byte blocks"
log "fio: write 128 MiB with crc32c verify, then random 4k reads for 10 s"
fio_ok --name=write-verify --filename="$dev" --rw=write --bs=128k --size=128M \
	--ioengine=libaio --iodepth=16 --direct=1 --verify=crc32c
fio --name=randread --filename="$dev" --rw=randread --bs=4k --size=1G \
	--ioengine=io_uring --iodepth=32 --direct=1 --numjobs=2 --group_reporting \
	--time_based --runtime=10 --eta=never | grep -E 'IOPS|lat \(usec\): min'
log "SCSI tools through SG_IO: sg_inq, sg_readcap"
sg_inq "$dev" | grep -E 'identification|revision|serial'
sg_readcap -l "$dev" | grep -E 'Last LBA|block length|lbpme'
log "queues after the run"
cat /sys/kernel/debug/mqnvme/mqnvme0/queues
mq_unload
log "unloaded cleanly"
