# T10 PI on a CPU without PCLMULQDQ (QEMU's qemu64 model): the driver says
# in its log that the guard CRCs run on the table-driven crct10dif-generic,
# sysfs and crc_t10dif agree, and protection still works end to end.
# smp: 2
# timeout: 60 90
# disk: d1 16M
# qemu: -cpu qemu64 -device nvme,id=c0,serial=mqpi2 -drive file=@d1@,if=none,id=d1,format=raw -device nvme-ns,drive=d1,bus=c0,nsid=1,ms=8,mset=0,pi=1

grep -q pclmulqdq /proc/cpuinfo && fail "the guest CPU has pclmulqdq"
dmesg_mark
mq_load
dev=$(mq_disk 0 1)
dmesg_since_mark | grep -q "the CPU has no PCLMULQDQ: PI guard CRCs are computed by the table-driven crct10dif-generic" ||
	fail "no log line says the table is used"
dmesg_since_mark | grep -q "mqnvme0n1: PI type 1, .* guard CRC by crct10dif-generic" ||
	fail "the namespace's log line does not name crct10dif-generic"
assert_eq "$(cat /sys/block/mqnvme0n1/pi_crc_driver)" crct10dif-generic "pi_crc_driver"
assert_eq "$(cat /sys/module/crc_t10dif/parameters/transform)" crct10dif-generic "crc_t10dif transform"
assert_eq "$(cat /sys/block/mqnvme0n1/integrity/format)" T10-DIF-TYPE1-CRC "integrity format"
blkdiscard -f -z "$dev" || fail "write zeroes"
fio_ok --name=nopclmul --filename="$dev" --size=8M --rw=randwrite --bsrange=4k-64k \
	--ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c --verify_fatal=1
mq_unload
