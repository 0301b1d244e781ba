# T10 PI and metadata formats end to end. One controller carries the PI
# matrix (types 1/2/3, PI first and last, separate and interleaved
# metadata, 512 and 4096-byte data, 8/16/64 metadata bytes, the 64-bit
# guard, metadata without PI, a format no driver can serve):
# - each served namespace passes fio verify, its integrity sysfs files name
#   the right profile, the driver says how it serves it; the one it cannot
#   serve has capacity 0 and a log line saying why; the in-tree nvme driver
#   on the same controller agrees on every namespace it serves;
# - the guard CRC runs on crct10dif-pclmul (module parameter, sysfs, log);
# - corrupting a block's guard, reference tag or data in the backing file
#   (qemu-io over QMP) makes exactly that block fail with EILSEQ, the log
#   names its LBA, SG_IO READ(16) gets ABORTED COMMAND 10h/01h or 10h/03h
#   and RDPROTECT=3 reads the damaged tuple back;
# - nvme-cli reads and writes with separate metadata buffers (-y/-M), with
#   host-made tuples the controller checks, and an application tag check
#   that fails with its NVMe status;
# - pi=pract: the controller inserts and strips the PI instead.
# smp: 2
# timeout: 110 370
# allow: mqnvme0n[0-9]+: (READ|WRITE) of LBA [0-9]+ \([0-9]+ blocks\) failed: end-to-end (guard|reference tag|application tag) check error
# allow: protection error, dev mqnvme0n[0-9]+, sector
# allow: mqnvme0n[0-9]+: LBA [0-9]+: PI (guard|reference tag|application tag) check failed
# qmp: on
# disk: d1 16M
# disk: d2 16M
# disk: d3 16M
# disk: d4 16M
# disk: d5 16M
# disk: d6 16M
# disk: d7 16M
# disk: d8 16M
# disk: d9 16M
# qemu: -device nvme,id=c0,serial=mqpi -drive file=@d1@,if=none,id=d1,format=raw -device nvme-ns,drive=d1,bus=c0,nsid=1,ms=8,mset=0,pi=1 -drive file=@d2@,if=none,id=d2,format=raw -device nvme-ns,drive=d2,bus=c0,nsid=2,ms=8,mset=1,pi=1 -drive file=@d3@,if=none,id=d3,format=raw -device nvme-ns,drive=d3,bus=c0,nsid=3,ms=16,mset=0,pi=2,pil=1 -drive file=@d4@,if=none,id=d4,format=raw -device nvme-ns,drive=d4,bus=c0,nsid=4,ms=8,mset=0,pi=3 -drive file=@d5@,if=none,id=d5,format=raw -device nvme-ns,drive=d5,bus=c0,nsid=5,ms=8,mset=0,pi=0 -drive file=@d6@,if=none,id=d6,format=raw -device nvme-ns,drive=d6,bus=c0,nsid=6,logical_block_size=4096,physical_block_size=4096,ms=16,mset=0,pi=1,pif=2 -drive file=@d7@,if=none,id=d7,format=raw -device nvme-ns,drive=d7,bus=c0,nsid=7,ms=64,mset=1,pi=1 -drive file=@d8@,if=none,id=d8,format=raw -device nvme-ns,drive=d8,bus=c0,nsid=8,logical_block_size=4096,physical_block_size=4096,ms=64,mset=0,pi=1,pil=0 -drive file=@d9@,if=none,id=d9,format=raw -device nvme-ns,drive=d9,bus=c0,nsid=9,logical_block_size=4096,physical_block_size=4096,ms=8,mset=0,pi=2

pit=$mqtools/pi_tool
# nsid -> "integrity format, PI mode, metadata bytes, block size"
declare -A want=(
	[1]="T10-DIF-TYPE1-CRC host 8 512"
	[2]="none pract 8 512"
	[3]="T10-DIF-TYPE1-CRC host 16 512"
	[4]="T10-DIF-TYPE3-CRC host 8 512"
	[5]="nop none 8 512"
	[6]="EXT-DIF-TYPE1-CRC64 host 16 4096"
	[8]="T10-DIF-TYPE1-CRC host 64 4096"
	[9]="T10-DIF-TYPE1-CRC host 8 4096"
)
served="1 2 3 4 5 6 8 9"

# "format pi_mode metadata_bytes block_size" of a disk, as sysfs says it.
describe() { # DISK
	local b=/sys/block/$1
	echo "$(cat "$b/integrity/format") $(cat "$b/pi_mode") $(cat "$b/metadata_bytes") $(cat "$b/queue/logical_block_size")"
}

# QEMU keeps all-zero metadata for never-written blocks, which fails the
# reference tag check (the kernel's partition scan at load shows it): Write
# Zeroes over each namespace has the controller write valid tuples (PRACT).
prime() {
	local n
	for n in $served; do
		blkdiscard -f -z /dev/mqnvme0n$n || fail "write zeroes over mqnvme0n$n"
	done
}

# verify_all: fio writes and reads back with crc32c on every served disk,
# then (a second group of the same fio) 1 MiB writes, split at MDTS
# (512 KiB): each part carries its own reference tags.
verify_all() {
	local args=() n first=--stonewall
	for n in $served; do
		args+=(--name=ns$n --filename=/dev/mqnvme0n$n --size=$(mq_scaled 4)M
			--offset=64k --rw=randwrite --bsrange=4k-128k --ioengine=libaio
			--iodepth=8 --direct=1 --verify=crc32c --verify_fatal=1)
	done
	for n in $served; do
		args+=(--name=ns$n-1m --filename=/dev/mqnvme0n$n --size=2M --offset=6M
			--rw=write --bs=1m --ioengine=psync --direct=1 --verify=md5 $first)
		first=
	done
	fio_ok "${args[@]}"
}

dmesg_mark
mq_load
log "=== the matrix with host-side PI"
for n in $served; do
	d=mqnvme0n$n
	[[ -b /dev/$d ]] || fail "$d missing"
	assert_eq "$(describe $d)" "${want[$n]}" "$d: integrity format, PI mode, metadata, block size"
	(($(cat /sys/block/$d/size) > 0)) || fail "$d has capacity 0"
done
assert_eq "$(cat /sys/block/mqnvme0n7/size)" 0 "capacity of the interleaved 64-byte format"
dmesg_since_mark | grep -q "namespace 7: LBA format .* not served: metadata interleaved with the data (extended LBA) that is not only a PI tuple" ||
	fail "no log line says why namespace 7 is not served"
assert_eq "$(cat /sys/block/mqnvme0n1/integrity/protection_interval_bytes)" 512 "ns1 protection interval"
assert_eq "$(cat /sys/block/mqnvme0n4/integrity/tag_size)" 6 "type 3 tag size"
assert_eq "$(cat /sys/block/mqnvme0n1/integrity/tag_size)" 2 "type 1 tag size"

log "=== the guard CRC's crypto driver"
# Nothing but mqnvme loads crct10dif-pclmul here (no udev); crc_t10dif
# switches to it from a work item.
lsmod | grep -q '^crct10dif_pclmul ' || [[ $mqkind == debug ]] ||
	fail "mqnvme did not load crct10dif-pclmul"
for _ in $(seq 50); do
	transform=$(cat /sys/module/crc_t10dif/parameters/transform)
	[[ $transform == crct10dif-pclmul ]] && break
	sleep 0.1
done
log "crc_t10dif transform: $transform"
grep -q pclmulqdq /proc/cpuinfo || fail "the guest CPU has no pclmulqdq"
assert_eq "$transform" crct10dif-pclmul "crc_t10dif transform"
assert_eq "$(cat /sys/block/mqnvme0n1/pi_crc_driver)" crct10dif-pclmul "ns1 pi_crc_driver"
assert_eq "$(cat /sys/block/mqnvme0n5/pi_crc_driver)" none "pi_crc_driver without PI"
dmesg_since_mark | grep -q "mqnvme0n1: PI type 1, 8-byte CRC16 guard, separate metadata of 8 bytes with the PI first; the host generates and verifies it; guard CRC by crct10dif-pclmul" ||
	fail "no log line for ns1's protection"
dmesg_since_mark | grep -q "mqnvme0n8: PI type 1, 8-byte CRC16 guard, separate metadata of 64 bytes with the PI last" ||
	fail "no log line for ns8's protection"

prime
verify_all
# Write Zeroes uses PRACT: the zeroed blocks read back through the host's
# verification.
blkdiscard -f -z -o 1M -l 1M /dev/mqnvme0n1 || fail "write zeroes on ns1"
blkdiscard -f -z -o 1M -l 1M /dev/mqnvme0n6 || fail "write zeroes on ns6"
[[ -z $(dd if=/dev/mqnvme0n1 bs=1M skip=1 count=1 iflag=direct status=none | tr -d '\0' | head -c 1) ]] ||
	fail "ns1: zeroed range does not read as zeroes"
dd if=/dev/mqnvme0n6 of=/dev/null bs=1M skip=1 count=1 iflag=direct status=none ||
	fail "ns6: zeroed range does not read"

log "=== a partition: the tuples carry absolute LBAs"
# sfdisk counts logical blocks: 8 MiB in on ns1 (512), 1 MiB in on ns9 (4096).
echo 'start=16384, size=8192' | sfdisk -q /dev/mqnvme0n1 || fail "sfdisk ns1"
echo 'start=256, size=1024' | sfdisk -q /dev/mqnvme0n9 || fail "sfdisk ns9"
for _ in $(seq 50); do [[ -b /dev/mqnvme0n1p1 && -b /dev/mqnvme0n9p1 ]] && break; sleep 0.1; done
fio_ok --size=$(mq_scaled 4)M --rw=randwrite --bsrange=4k-64k --ioengine=libaio --iodepth=8 \
	--direct=1 --verify=crc32c --verify_fatal=1 \
	--name=p1 --filename=/dev/mqnvme0n1p1 --name=p9 --filename=/dev/mqnvme0n9p1
head -c 4096 /dev/urandom >/tmp/pblk
dd if=/tmp/pblk of=/dev/mqnvme0n1p1 bs=4096 seek=1 oflag=direct status=none || fail "write ns1p1"
# Partition block 8 is LBA 16392 of the disk: its tuples say so.
nvme read /dev/mqnvme0n1 -s 16392 -c 7 -z 4096 -y 64 -d /tmp/pr -M /tmp/pm -p 0 >/tmp/nr.out 2>&1 ||
	fail "nvme read of the partition's blocks: $(cat /tmp/nr.out)"
cmp /tmp/pr /tmp/pblk || fail "partition data through passthrough"
"$pit" check /tmp/pr /tmp/pm 512 8 0 1 16392 8 || fail "tuples of the partition's blocks"

log "=== the tuples the host made, read with their metadata through passthrough"
head -c 4096 /dev/urandom >/tmp/blk8
dd if=/tmp/blk8 of=/dev/mqnvme0n1 bs=4096 seek=100 oflag=direct status=none || fail "write ns1"
dd if=/tmp/blk8 of=/dev/mqnvme0n8 bs=4096 seek=100 oflag=direct status=none || fail "write ns8"
# ns1: LBAs 800-807; metadata of 8 bytes, PI first.
nvme read /dev/mqnvme0n1 -s 800 -c 7 -z 4096 -y 64 -d /tmp/r1 -M /tmp/m1 -p 0 >/tmp/nr.out 2>&1 ||
	fail "nvme read with metadata: $(cat /tmp/nr.out)"
cmp /tmp/r1 /tmp/blk8 || fail "nvme read data differs"
"$pit" check /tmp/r1 /tmp/m1 512 8 0 1 800 8 || fail "host-made tuples of ns1"
# ns8: LBA 100, 64 metadata bytes, PI last: the guard covers 56 bytes of it.
nvme read /dev/mqnvme0n8 -s 100 -c 0 -z 4096 -y 64 -d /tmp/r8 -M /tmp/m8 -p 0 >/tmp/nr.out 2>&1 ||
	fail "nvme read ns8: $(cat /tmp/nr.out)"
"$pit" check /tmp/r8 /tmp/m8 4096 64 56 1 100 1 || fail "host-made tuple of ns8"

log "=== nvme-cli writes with its own tuples, checked by the controller"
head -c 2048 /dev/urandom >/tmp/w
"$pit" gen /tmp/w /tmp/wm 512 8 0 1 300 4 || fail "pi_tool gen"
nvme write /dev/mqnvme0n1 -s 300 -c 3 -z 2048 -y 32 -d /tmp/w -M /tmp/wm -p 7 -r 300 >/tmp/nw.out 2>&1 ||
	fail "nvme write with checked tuples: $(cat /tmp/nw.out)"
dd if=/dev/mqnvme0n1 bs=512 skip=300 count=4 iflag=direct status=none | cmp - /tmp/w ||
	fail "blocks written by nvme-cli read back differently through the block layer"
# A bad guard in the caller's tuples: the controller refuses the write.
cp /tmp/wm /tmp/wbad
printf '\xde\xad' | dd of=/tmp/wbad bs=1 seek=16 conv=notrunc status=none
nvme write /dev/mqnvme0n1 -s 300 -c 3 -z 2048 -y 32 -d /tmp/w -M /tmp/wbad -p 7 -r 300 >/tmp/nw.out 2>&1 &&
	fail "a write with a bad guard succeeded"
grep -qi "guard" /tmp/nw.out || fail "nvme write with a bad guard: $(cat /tmp/nw.out)"
# Application tag check: the stored tag is 0, the expected one is not.
nvme read /dev/mqnvme0n1 -s 300 -c 0 -z 512 -y 8 -d /tmp/r -M /tmp/m -p 2 -a 0x1234 -m 0xffff >/tmp/nr.out 2>&1 &&
	fail "an application tag mismatch was not reported"
grep -qi "app" /tmp/nr.out || fail "nvme read with a wrong application tag: $(cat /tmp/nr.out)"
log "nvme-cli: $(head -n 1 /tmp/nr.out)"
dd if=/dev/mqnvme0n1 bs=512 skip=300 count=4 iflag=direct status=none | cmp - /tmp/w ||
	fail "the refused write changed data"

log "=== corruption in the backing file is caught, on that block only"
nlbas=$(cat /sys/block/mqnvme0n1/size)	# 512-byte blocks: sectors = LBAs
head -c 32768 /dev/urandom >/tmp/pat
dd if=/tmp/pat of=/dev/mqnvme0n1 bs=32k seek=1 oflag=direct status=none || fail "pattern"
# LBAs 64-127 hold the pattern. Metadata of LBA n: nlbas * 512 + n * 8.
qemu_io() { # WHAT
	qmp "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"qemu-io $(qid d1) \\\"$1\\\"\"}}" >/tmp/qio.out
	grep -qi "error\|failed" /tmp/qio.out && fail "qemu-io $1: $(cat /tmp/qio.out)"
	return 0
}
# wait_log PATTERN: the kernel log gains a line matching PATTERN (since
# the last dmesg_mark) within 15 s.
wait_log() {
	local i
	for ((i = 0; i < 75; i++)); do
		dmesg_since_mark | grep -q "$1" && return 0
		sleep 0.2
	done
	fail "no log line matches '$1': $(dmesg_since_mark | tail -n 5)"
}
lba16() { # LBA: the last two bytes of a 64-bit LBA field, in hex
	printf '%02x %02x' $(($1 >> 8)) $(($1 & 255))
}
check_one_bad() { # LBA CHECK-NAME SENSE-TEXT
	local out
	dmesg_mark
	out=$("$pit" scan /dev/mqnvme0n1 512 64 64)
	assert_eq "$out" "$1 EILSEQ
ok 63" "blocks 64-127 read one at a time"
	wait_log "mqnvme0n1: READ of LBA $1 (1 blocks) failed: end-to-end $2 check error"
	wait_log "mqnvme0n1: LBA $1: PI $2 check failed"
	# A multi-block read fails as a whole; the log then names the block.
	dmesg_mark
	dd if=/dev/mqnvme0n1 of=/dev/null bs=32k skip=1 count=1 iflag=direct 2>/tmp/dd.err &&
		fail "a 32 KiB read over LBA $1 succeeded"
	grep -q "Invalid or incomplete multibyte or wide character" /tmp/dd.err ||
		fail "32 KiB read: $(cat /tmp/dd.err)"
	wait_log "mqnvme0n1: READ of LBA 64 (64 blocks) failed: end-to-end $2 check error"
	wait_log "mqnvme0n1: LBA $1: PI $2 check failed"
	# SG_IO READ(16) with RDPROTECT=001b on that block, and on a good one.
	sg_raw -r 520 /dev/mqnvme0n1 88 20 00 00 00 00 00 00 $(lba16 $1) 00 00 00 01 00 00 >/tmp/sg.out 2>&1 &&
		fail "SG_IO READ(16) of LBA $1 succeeded"
	grep -q "Aborted Command" /tmp/sg.out && grep -qi "$3" /tmp/sg.out ||
		fail "SG_IO READ(16) LBA $1: $(cat /tmp/sg.out)"
	sg_raw -r 520 -o /tmp/sg.blk /dev/mqnvme0n1 88 20 00 00 00 00 00 00 00 41 00 00 00 01 00 00 >/tmp/sg.out 2>&1 ||
		fail "SG_IO READ(16) RDPROTECT=1 of good LBA 65: $(cat /tmp/sg.out)"
	assert_eq "$("$pit" tuple /tmp/sg.blk 512)" "$("$pit" crc16 /tmp/pat 512 512) 0000 00000041" "PI of LBA 65 through SG_IO"
	# Plain READ(16) checks too (PRACT strips what it checked).
	sg_raw -r 512 /dev/mqnvme0n1 88 00 00 00 00 00 00 00 $(lba16 $1) 00 00 00 01 00 00 >/tmp/sg.out 2>&1 &&
		fail "SG_IO READ(16) RDPROTECT=0 of LBA $1 succeeded"
	grep -qi "$3" /tmp/sg.out || fail "SG_IO READ(16) RDPROTECT=0 LBA $1: $(cat /tmp/sg.out)"
}

qemu_io "write -P 0x5a $((nlbas * 512 + 70 * 8)) 2"
check_one_bad 70 guard "guard check failed"
# RDPROTECT=011b: no check; the damaged guard comes back as stored.
sg_raw -r 520 -o /tmp/sg.blk /dev/mqnvme0n1 88 60 00 00 00 00 00 00 00 46 00 00 00 01 00 00 >/tmp/sg.out 2>&1 ||
	fail "SG_IO READ(16) RDPROTECT=3: $(cat /tmp/sg.out)"
assert_eq "$("$pit" tuple /tmp/sg.blk 512)" "5a5a 0000 00000046" "stored tuple of LBA 70"
cmp -n 512 /tmp/sg.blk <(tail -c +$((6 * 512 + 1)) /tmp/pat) || fail "data of LBA 70 through RDPROTECT=3"
dd if=/tmp/pat of=/dev/mqnvme0n1 bs=512 seek=70 skip=6 count=1 oflag=direct status=none || fail "rewriting LBA 70"

qemu_io "write -P 0x33 $((nlbas * 512 + 80 * 8 + 4)) 4"
check_one_bad 80 "reference tag" "reference tag check failed"
dd if=/tmp/pat of=/dev/mqnvme0n1 bs=512 seek=80 skip=16 count=1 oflag=direct status=none || fail "rewriting LBA 80"

qemu_io "write -P 0x77 $((90 * 512 + 100)) 16"
check_one_bad 90 guard "guard check failed"
dd if=/tmp/pat of=/dev/mqnvme0n1 bs=512 seek=90 skip=26 count=1 oflag=direct status=none || fail "rewriting LBA 90"
dd if=/dev/mqnvme0n1 bs=32k skip=1 count=1 iflag=direct status=none | cmp - /tmp/pat ||
	fail "the pattern does not read back after the repairs"

log "=== SG_IO WRITE(16) with WRPROTECT carries the caller's tuples"
"$pit" gen /tmp/w /tmp/wm 512 8 0 1 400 4 || fail "pi_tool gen"
python3 - <<'PY' || fail "interleaving"
d = open("/tmp/w", "rb").read(); m = open("/tmp/wm", "rb").read()
open("/tmp/wi", "wb").write(b"".join(d[i*512:(i+1)*512] + m[i*8:(i+1)*8] for i in range(4)))
PY
sg_raw -s 2080 -i /tmp/wi /dev/mqnvme0n1 8a 20 00 00 00 00 00 00 01 90 00 00 00 04 00 00 >/tmp/sg.out 2>&1 ||
	fail "SG_IO WRITE(16) WRPROTECT=1: $(cat /tmp/sg.out)"
dd if=/dev/mqnvme0n1 bs=512 skip=400 count=4 iflag=direct status=none | cmp - /tmp/w ||
	fail "blocks written with WRPROTECT read back differently"
printf '\xde\xad' | dd of=/tmp/wi bs=1 seek=$((520 + 512)) conv=notrunc status=none
sg_raw -s 2080 -i /tmp/wi /dev/mqnvme0n1 8a 20 00 00 00 00 00 00 01 90 00 00 00 04 00 00 >/tmp/sg.out 2>&1 &&
	fail "SG_IO WRITE(16) with a bad guard succeeded"
grep -qi "guard check failed" /tmp/sg.out || fail "SG_IO WRITE(16) bad guard: $(cat /tmp/sg.out)"
# WRITE SAME (emulated writes and Write Zeroes, PRACT) and VERIFY (Verify,
# Compare with the tuples the driver computes) on 8 bytes of PI and on PI
# first in 16 bytes; the block layer's own verification reads the result.
head -c 512 /dev/urandom >/tmp/blk
head -c 512 /dev/urandom >/tmp/blk2
for n in 1 3; do
	d=/dev/mqnvme0n$n
	sg_write_same --lba=500 --num=16 --in=/tmp/blk $d >/tmp/sg.out 2>&1 ||
		fail "$d: WRITE SAME with a pattern: $(cat /tmp/sg.out)"
	cmp <(dd if=$d bs=512 skip=500 count=16 iflag=direct status=none) \
		<(for i in $(seq 16); do cat /tmp/blk; done) || fail "$d: WRITE SAME pattern reads back differently"
	sg_write_same --lba=508 --num=8 $d >/tmp/sg.out 2>&1 || fail "$d: WRITE SAME zeroes: $(cat /tmp/sg.out)"
	cmp <(dd if=$d bs=512 skip=508 count=8 iflag=direct status=none) <(head -c 4096 /dev/zero) ||
		fail "$d: WRITE SAME zeroes read back differently"
	sg_verify --lba=500 --count=16 $d >/tmp/sg.out 2>&1 || fail "$d: VERIFY: $(cat /tmp/sg.out)"
	sg_verify --lba=500 --count=1 --bytchk=1 --ndo=512 --in=/tmp/blk $d >/tmp/sg.out 2>&1 ||
		fail "$d: VERIFY BYTCHK of equal data: $(cat /tmp/sg.out)"
	sg_verify --lba=500 --count=1 --bytchk=1 --ndo=512 --in=/tmp/blk2 $d >/tmp/sg.out 2>&1 &&
		fail "$d: VERIFY BYTCHK of other data succeeded"
	grep -q "MISCOMPARE" /tmp/sg.out || fail "$d: VERIFY BYTCHK miscompare: $(cat /tmp/sg.out)"
done
# The 64-bit guard has no SCSI form: RDPROTECT is refused there.
sg_raw -r 4104 /dev/mqnvme0n6 88 20 00 00 00 00 00 00 00 10 00 00 00 01 00 00 >/tmp/sg.out 2>&1 &&
	fail "RDPROTECT on the CRC64 namespace was accepted"
grep -qi "Invalid field in cdb" /tmp/sg.out || fail "RDPROTECT on ns6: $(cat /tmp/sg.out)"
sg_readcap -l /dev/mqnvme0n1 >/tmp/rc.out || fail "sg_readcap"
grep -q "Protection: prot_en=1, p_type=0" /tmp/rc.out || fail "READ CAPACITY(16) of ns1: $(cat /tmp/rc.out)"

log "=== the in-tree nvme driver on the same controller"
declare -A mine
for n in $served 7; do
	mine[$n]="$(cat /sys/block/mqnvme0n$n/integrity/format) $(cat /sys/block/mqnvme0n$n/size)"
done
bdf=$(mq_bdf 0)
mq_unload
modprobe nvme || fail "modprobe nvme"
for _ in $(seq 100); do [[ -e /sys/block/nvme0n9 ]] && break; sleep 0.1; done
agree=0
for b in /sys/block/nvme0n*; do
	n=$(cat "$b/nsid")
	theirs="$(cat "$b/integrity/format") $(cat "$b/size")"
	log "ns$n: mqnvme '${mine[$n]}', nvme '$theirs'"
	if [[ ${theirs##* } != 0 ]]; then
		assert_eq "${mine[$n]}" "$theirs" "ns$n: format and size, mqnvme vs nvme"
		agree=$((agree + 1))
	fi
done
assert_ge "$agree" 6 "namespaces both drivers serve alike"
echo "$bdf" >/sys/bus/pci/drivers/nvme/unbind || fail "unbinding nvme"
rmmod nvme nvme_core 2>/dev/null

log "=== pi=pract: the controller inserts and strips the PI"
dmesg_mark
mq_load pi=pract
assert_eq "$(describe mqnvme0n1)" "none pract 8 512" "ns1 with pi=pract"
assert_eq "$(describe mqnvme0n6)" "none pract 16 4096" "ns6 with pi=pract"
assert_eq "$(describe mqnvme0n3)" "T10-DIF-TYPE1-CRC host 16 512" "ns3 (16 bytes of metadata) with pi=pract"
dmesg_since_mark | grep -q "mqnvme0n3: pi=pract needs metadata of exactly one PI tuple, host-side PI used" ||
	fail "no log line says why ns3 stays host-side"
verify_all
dd if=/dev/mqnvme0n1 bs=32k skip=1 count=1 iflag=direct status=none | cmp - /tmp/pat ||
	fail "data written host-side does not read back with PRACT"
mq_unload
