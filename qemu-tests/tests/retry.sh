# Retries of failed file system I/O. blkdebug fails the backing store's
# first two writes; QEMU answers each with Write Fault (0x280) without DNR.
# With max_retries=0 the first fails the write (EIO, one log line); with the
# default 5 (written at run time) the second is retried and the write
# succeeds with its data, the requeue counted.
# smp: 2
# timeout: 40 120
# allow: mqnvme[0-9]+n1: WRITE sector 80 len 4096 failed, NVMe status 0x280$|(I/O|critical medium) error, dev mqnvme[0-9]+n1, sector 80 op 0x1:\(WRITE\)
# disk: d1 64M
# qemu: -blockdev driver=raw,node-name=d1,file.driver=blkdebug,file.inject-error.0.event=write_aio,file.inject-error.0.errno=5,file.inject-error.0.once=on,file.inject-error.1.event=write_aio,file.inject-error.1.errno=5,file.inject-error.1.once=on,file.image.driver=file,file.image.filename=@d1@ -device nvme,serial=mqretry,drive=d1

mq_load max_retries=0
c=0
read -r serial </sys/class/mqnvme/mqnvme$c/serial
assert_eq "$serial" mqretry "serial of the controller"
dev=$(mq_disk "$c" 1)
head -c 4096 /dev/urandom >/tmp/blk
dmesg_mark
dd if=/tmp/blk of="$dev" bs=4k seek=10 oflag=direct status=none 2>/tmp/err &&
	fail "the write succeeded with max_retries=0: was no fault injected?"
log "max_retries=0: $(cat /tmp/err)"
dmesg_since_mark | grep -q "mqnvme${c}n1: WRITE sector 80 len 4096 failed, NVMe status 0x280$" ||
	fail "no log line for the Write Fault: $(dmesg_since_mark | tail -5)"

echo 5 >/sys/module/mqnvme/parameters/max_retries
requeued=$(cat /sys/kernel/debug/mqnvme/mqnvme"$c"/requeued)
dmesg_mark
dd if=/tmp/blk of="$dev" bs=4k seek=10 oflag=direct status=none ||
	fail "a Write Fault without DNR was not retried"
assert_eq "$(($(cat /sys/kernel/debug/mqnvme/mqnvme"$c"/requeued) - requeued))" 1 "retries of the write"
assert_eq "$(dmesg_since_mark | grep -c 'failed, NVMe status')" 0 "errors logged for the retried write"
cmp <(dd if="$dev" bs=4k skip=10 count=1 iflag=direct status=none) /tmp/blk ||
	fail "the retried write left other data"
mq_unload
