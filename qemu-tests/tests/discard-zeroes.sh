# Discard (Dataset Management, deallocate) and Write Zeroes: both ranges read
# back as zeroes afterwards (the backend unmaps), the data around them stays.
# smp: 2
# timeout: 300
# disk: d1 128M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw,discard=unmap -device nvme,serial=mqdsm,drive=d1

mq_load
dev=$(mq_disk 0 1)
dd if=/dev/urandom of=/tmp/pat bs=1M count=32 status=none
dd if=/tmp/pat of="$dev" bs=1M oflag=direct status=none || fail "write pattern"
zeroes() { cmp -s <(dd if="$dev" bs=1M skip="$1" count="$2" iflag=direct status=none) \
	<(head -c $(($2 * 1048576)) /dev/zero); }
intact() { cmp -s <(dd if="$dev" bs=1M skip="$1" count="$2" iflag=direct status=none) \
	<(dd if=/tmp/pat bs=1M skip="$1" count="$2" status=none); }

zeroes 4 4 && fail "pattern already zero?"
blkdiscard -o $((4 << 20)) -l $((4 << 20)) "$dev" || fail "blkdiscard"
zeroes 4 4 || fail "discarded range does not read back zeroes"
intact 0 4 || fail "data before the discarded range changed"
intact 8 4 || fail "data after the discarded range changed"

blkdiscard -z -o $((16 << 20)) -l $((8 << 20)) "$dev" || fail "blkdiscard -z"
zeroes 16 8 || fail "write-zeroes range does not read back zeroes"
intact 12 4 || fail "data before the write-zeroes range changed"
intact 24 8 || fail "data after the write-zeroes range changed"

# Many small discards merged into multi-range DSM commands.
fio_ok --name=trim --filename="$dev" --rw=randtrim --bs=4k --size=$((32 / MQ_SCALE))M --offset=64M \
	--ioengine=libaio --iodepth=32 --direct=1
mq_unload
