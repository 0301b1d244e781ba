# The `make run` demonstration: one emulated NVMe controller, mqnvme bound to
# it, fio writing, verifying and reading through /dev/mqnvme0n1, then the
# SCSI tools answering through SG_IO, then a second namespace formatted with
# T10 PI type 1 protected end to end.
# smp: 2
# timeout: 300
# disk: d1 1G
# disk: d2 64M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw,discard=unmap -device nvme,id=c0,serial=mqdemo -device nvme-ns,drive=d1,bus=c0,nsid=1 -drive file=@d2@,if=none,id=d2,format=raw -device nvme-ns,drive=d2,bus=c0,nsid=2,ms=8,pi=1

log "loading mqnvme"
mq_load
# QEMU keeps zero metadata for never-written blocks, so the kernel's
# partition scan of the fresh PI namespace fails the reference tag check
# there: those lines are counted, not shown (Write Zeroes below fixes it).
dmesg | grep -E 'mqnvme' | grep -vE 'of LBA|LBA [0-9]+: PI|protection error|Buffer I/O' | sed 's/^/  /'
log "reads of never-written PI blocks at probe: $(dmesg | grep -c 'reference tag check error')"
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
pi=$(mq_disk 0 2)
log "$pi: T10 PI: integrity $(cat /sys/block/mqnvme0n2/integrity/format), protected by $(cat /sys/block/mqnvme0n2/pi_mode), guard CRC by $(cat /sys/block/mqnvme0n2/pi_crc_driver)"
blkdiscard -f -z "$pi" || fail "write zeroes over $pi"
fio_ok --name=pi-verify --filename="$pi" --rw=randwrite --bs=4k --size=32M \
	--ioengine=libaio --iodepth=16 --direct=1 --verify=crc32c
sg_readcap -l "$pi" | grep -E 'Protection'
log "queues after the run"
cat /sys/kernel/debug/mqnvme/mqnvme0/queues
mq_unload
log "unloaded cleanly"
