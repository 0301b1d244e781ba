# The SCSI tools users run, unchanged, on an mqnvme disk through SG_IO:
# sg3_utils (inquiry and every VPD page, capacity, LUNs, mode and log pages,
# TUR, REQUEST SENSE, START STOP, SYNCHRONIZE CACHE, UNMAP, WRITE SAME,
# VERIFY, sg_dd, WRITE BUFFER, SECURITY PROTOCOL, SEND DIAGNOSTIC,
# FORMAT UNIT, REPORT SUPPORTED OPERATION CODES), sdparm setting WCE,
# smartctl -d scsi, hdparm (ATA PASS-THROUGH refused), udev's scsi_id and
# fio's sg engine.
# Every answer is checked against what QEMU's controller is (model, size,
# temperature, limits) and the data against what was written.
# smp: 2
# timeout: 70 180
# disk: d1 64M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw,discard=unmap -device nvme,serial=mqsg1,id=c1 -device nvme-ns,drive=d1,bus=c1,nsid=1,eui64=0x0011223344556677

mq_load
dev=$(mq_disk 0 1)
cdev=/dev/mqnvme0
out=/tmp/out

# has OUT REGEX...: every extended regex matches a line of OUT.
has() {
	local f=$1 re
	shift
	for re; do
		grep -qE -- "$re" "$f" || fail "$(head -c 4000 "$f") ... lacks /$re/"
	done
}
# run RC CMD...: CMD exits with RC (sg3_utils exit codes: 0 good, 5 illegal
# request, 9 invalid opcode, 14 miscompare, 22 LBA out of range); its output goes to $out.
run() {
	local want=$1 rc
	shift
	"$@" >"$out" 2>&1
	rc=$?
	((rc == want)) || fail "$* exited $rc, not $want: $(head -c 600 "$out")"
}

log "standard INQUIRY and every VPD page"
run 0 sg_inq "$dev"
has "$out" "version=0x06" "Protect=1" "CmdQue=1" "length=96" \
	"Vendor identification: NVMe" "Product identification: QEMU NVMe Ctrl" \
	"Product revision level: 2\.22" "Unit serial number: 0011_2233_4455_6677\."
run 0 sg_vpd -p sv "$dev"
[[ $(grep -cE '^  [A-Z]' "$out") == 7 ]] || fail "supported VPD pages: $(cat "$out")"
sg_vpd -p sv -r "$dev" | od -An -tx1 | tr -s ' \n' ' ' >/tmp/sv
assert_eq "$(cat /tmp/sv)" " 00 00 00 07 00 80 83 86 b0 b1 b2 " "VPD 00h bytes"
run 0 sg_vpd -p di "$dev"
has "$out" "EUI-64 based" "0x0011223344556677" "eui\.0011223344556677" \
	"vendor id: NVMe" "mqsg1 +00000001"
run 0 sg_vpd -p ei "$dev"
has "$out" "SPT=7" "GRD_CHK=0" "SIMPSUP=1" "V_SUP=1"
run 0 sg_vpd -p bl "$dev"
# QEMU's MDTS 7: 512 KiB, 1024 blocks of 512 bytes.
has "$out" "Write same non-zero \(WSNZ\): 1" "Maximum transfer length: 1024 blocks" \
	"Maximum unmap LBA count: -1" "Maximum unmap block descriptor count: 256"
run 0 sg_vpd -p bdc "$dev"
has "$out" "Non-rotating medium"
run 0 sg_vpd -p lbpv "$dev"
has "$out" "\(LBPU\): 1" "\(LBPWS\): 1" "\(LBPWS10\): 1" "Provisioning type: 2"
run 5 sg_raw -r 255 "$dev" 12 01 8f 00 ff 00
has "$out" "Illegal [Rr]equest"

log "udev's scsi_id (SG_IO v4 first: EINVAL, then v3) names the disk by its EUI-64"
run 0 /usr/lib/udev/scsi_id --whitelisted --replace-whitespace --device="$dev"
# Identifier type 2 (EUI-64) + the EUI-64, as for any SCSI disk.
assert_eq "$(cat "$out")" "20011223344556677" "scsi_id"
run 0 /usr/lib/udev/scsi_id --whitelisted --export --device="$dev"
has "$out" "^ID_VENDOR=NVMe$" "^ID_MODEL=QEMU_NVMe_Ctrl$" "^ID_SERIAL=20011223344556677$"

log "capacity, LUNs"
run 0 sg_readcap "$dev"
has "$out" "Last LBA=131071" "Number of logical blocks=131072" "Logical block length=512 bytes"
run 0 sg_readcap -l "$dev"
has "$out" "prot_en=0, p_type=0" "lbpme=1" "Last LBA=131071"
run 0 sg_luns "$dev"
has "$out" "1 lun entry" "^    0000000000000000$"
run 5 sg_luns -s 0x55 "$dev"

log "mode pages, log pages"
run 0 sg_modes -a "$dev"
has "$out" "DpoFua=1" "Block descriptor length=8" "^ 00     08 12 04" \
	"^ 00     0a 0a 02 10" "^ 00     01 0a c0" "^ 00     1c 0a 00 06"
run 0 sg_modes -6 -p 8 "$dev"
has "$out" "Mode parameter header from MODE SENSE\(6\)" "^ 00     08 12 04"
run 0 sg_modes -c 1 -p 8 "$dev"
has "$out" "changeable" "^ 00     08 12 04 00"
run 5 sg_modes -c 3 -p 8 "$dev"
has "$out" "Illegal [Rr]equest"
run 0 sg_logs -a "$dev"
# QEMU reports 323 K, over-temperature threshold 343 K.
has "$out" "0x0d +Temperature" "0x2f +Informational exceptions" \
	"Current temperature = 50 C" "Reference temperature = 70 C" "IE asc = 0x0, ascq = 0x0"
run 5 sg_logs -p 0x15 "$dev"

log "TEST UNIT READY, REQUEST SENSE, START STOP UNIT, SYNCHRONIZE CACHE"
run 0 sg_turs -n 20 -t "$dev"
has "$out" "Completed 20 Test Unit Ready commands"
run 0 sg_requests "$dev"
has "$out" "Fixed format" "No Sense" "No additional sense information"
run 0 sg_requests --desc "$dev"
has "$out" "Descriptor format" "No Sense"
run 0 sg_start --stop "$dev"
run 0 sg_start --start "$dev"
run 5 sg_start --eject "$dev"
has "$out" "Illegal [Rr]equest"
run 0 sg_sync "$dev"
run 0 sg_sync --lba=131000 --count=72 "$dev"
run 22 sg_sync --lba=131071 --count=2 "$dev"
has "$out" "LBA out of range"

log "sg_dd in and out through SG_IO, and the block device agrees"
dd if=/dev/urandom of=/tmp/pat bs=1M count=8 status=none
run 0 sg_dd if=/tmp/pat of="$dev" bs=512 bpt=128 blk_sgio=1 count=16384
cmp -s /tmp/pat <(dd if="$dev" bs=1M count=8 iflag=direct status=none) ||
	fail "the disk does not hold what sg_dd wrote"
run 0 sg_dd if="$dev" of=/tmp/back bs=512 bpt=1024 blk_sgio=1 count=16384 dio=1
assert_eq "$(md5sum </tmp/back)" "$(md5sum </tmp/pat)" "sg_dd read-back checksum"
run 0 sg_dd if="$dev" of=/tmp/back6 bs=512 bpt=64 blk_sgio=1 count=2048 cdbsz=6
cmp -s /tmp/back6 <(head -c 1048576 /tmp/pat) || fail "READ(6) data"
run 0 sg_dd if="$dev" of=/tmp/back16 bs=512 bpt=64 blk_sgio=1 count=2048 cdbsz=16 skip=4096
cmp -s /tmp/back16 <(dd if=/tmp/pat bs=512 skip=4096 count=2048 status=none) || fail "READ(16) data"

log "UNMAP reads back zeroes, the rest stays"
run 0 sg_unmap --force --lba=2048,8192 --num=2048,1024 "$dev"
zero() { cmp -s <(dd if="$dev" bs=512 skip="$1" count="$2" iflag=direct status=none) <(head -c $(($2 * 512)) /dev/zero); }
same() { cmp -s <(dd if="$dev" bs=512 skip="$1" count="$2" iflag=direct status=none) <(dd if=/tmp/pat bs=512 skip="$1" count="$2" status=none); }
zero 2048 2048 || fail "unmapped range 1 is not zero"
zero 8192 1024 || fail "unmapped range 2 is not zero"
same 0 2048 || fail "data before the unmapped range changed"
same 4096 4096 || fail "data between the unmapped ranges changed"
same 9216 4096 || fail "data after the unmapped ranges changed"
run 22 sg_unmap --force --lba=131000 --num=100 "$dev"
has "$out" "LBA out of range"

log "WRITE SAME: a pattern, zeroes, and with UNMAP"
head -c 512 /dev/urandom >/tmp/blk
run 0 sg_write_same --in=/tmp/blk --lba=100 --num=50 "$dev"
for i in 100 125 149; do
	cmp -s /tmp/blk <(dd if="$dev" bs=512 skip=$i count=1 iflag=direct status=none) ||
		fail "WRITE SAME block $i"
done
same 99 1 || fail "WRITE SAME wrote before its range"
same 150 1 || fail "WRITE SAME wrote after its range"
head -c 512 /dev/zero >/tmp/zblk
run 0 sg_write_same --16 --in=/tmp/zblk --lba=300 --num=700 "$dev"
zero 300 700 || fail "WRITE SAME(16) of zeroes"
run 0 sg_write_same --10 --unmap --in=/tmp/zblk --lba=1200 --num=100 "$dev"
zero 1200 100 || fail "WRITE SAME(10) with UNMAP"
same 1300 100 || fail "WRITE SAME(10) with UNMAP wrote past its range"
run 22 sg_write_same --in=/tmp/zblk --lba=131071 --num=2 "$dev"

log "VERIFY: medium, compare, miscompare"
run 0 sg_verify --lba=0 --count=1000 "$dev"
dd if=/tmp/pat of=/tmp/cmp bs=512 skip=4096 count=16 status=none
run 0 sg_verify --bytchk=1 --ndo=8192 --in=/tmp/cmp --lba=4096 --count=16 "$dev"
run 14 sg_verify --bytchk=1 --ndo=8192 --in=/tmp/cmp --lba=4097 --count=16 "$dev"
has "$out" "[Mm]iscompare"
run 22 sg_verify --lba=131071 --count=2 "$dev"

log "firmware, security, self-test: QEMU has none, and says so"
head -c 8192 /dev/urandom >/tmp/fw
run 9 sg_write_buffer --mode=dmc_save --in=/tmp/fw "$dev"
has "$out" "Invalid opcode"
run 9 sg_raw -r 512 "$dev" a2 00 00 00 00 00 00 00 02 00 00 00
run 9 sg_raw -s 512 -i /tmp/fw "$dev" b5 00 00 00 00 00 00 00 02 00 00 00
run 9 sg_senddiag -t "$dev"
has "$out" "Invalid opcode"
run 0 sg_opcodes "$dev"
has "$out" "^ 28 +10 .*Read\(10\)" "^ 42 +10 .*Unmap" "^ 9e +10 +16 .*Read capacity\(16\)" \
	"^ a3 +c +12 .*Report supported operation codes"
grep -qE "Write buffer|Send diagnostic|Security protocol" "$out" &&
	fail "RSOC lists commands the controller lacks: $(cat "$out")"
run 0 sg_opcodes -o 0x2a "$dev"
has "$out" "Write\(10\)" "Usage data: 2a f8 ff ff ff ff 3f ff ff 00"
run 0 sg_opcodes -o 0x3b "$dev"
has "$out" "Command is NOT supported"

log "ATA PASS-THROUGH is refused cleanly"
run 9 sg_raw -r 512 "$dev" 85 08 0e 00 00 00 01 00 00 00 00 00 00 00 ec 00
run 9 sg_raw -r 512 "$dev" a1 08 0e 00 01 00 00 00 00 ec 00 00
hdparm -I "$dev" >"$out" 2>&1
grep -q "Model Number" "$out" && fail "hdparm -I identified a drive: $(cat "$out")"
has "$out" "device size with M = 1024\*1024: +0 MBytes"

log "smartctl -d scsi, sdparm WCE"
# Exit bit 2: smartctl could not read the error counter and self-test
# logs, which neither QEMU nor scsi_debug have.
run 4 smartctl -d scsi -a "$dev"
has "$out" "Vendor: +NVMe" "Product: +QEMU NVMe Ctrl" "User Capacity: +67,108,864 bytes" \
	"Rotation Rate: +Solid State Device" "Logical Unit id: +0x0011223344556677" \
	"SMART Health Status: OK" "Current Drive Temperature: +50 C" "Drive Trip Temperature: +70 C"
# --get also asks for the saved values (PC 3): SAVING PARAMETERS NOT
# SUPPORTED, as from scsi_debug, so it exits 5 after printing the rest.
run 5 sdparm --get=WCE "$dev"
has "$out" "WCE +1 +\[cha: y, def: +1\]"
run 0 sdparm --clear=WCE "$dev"
run 5 sdparm --get=WCE "$dev"
has "$out" "WCE +0 +\[cha: y"
nvme get-feature "$cdev" -f 6 >"$out" 2>&1
has "$out" "Current value:0+$"
run 0 sdparm --set=WCE "$dev"
run 5 sdparm --get=WCE "$dev"
has "$out" "WCE +1 +\[cha: y"
run 5 sdparm --set=GLTSD=0 "$dev"

log "fio's sg engine with verify"
fio_ok --name=sg --filename="$dev" --ioengine=sg --rw=randwrite --bs=4k --size=$(mq_scaled 16)M \
	--iodepth=8 --verify=crc32c --verify_fatal=1

log "FORMAT UNIT to 4096-byte blocks and back"
run 0 sg_format --format --quick --size=4096 --wait "$dev"
run 0 sg_readcap "$dev"
has "$out" "Number of logical blocks=16384" "Logical block length=4096 bytes"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/logical_block_size)" 4096 "block size after sg_format"
cmp -s <(dd if="$dev" bs=4096 count=512 iflag=direct status=none) <(head -c 2097152 /dev/zero) ||
	fail "the formatted disk is not zeroed"
# --quick: no 15 s pause to reconsider. With IMMED (no --wait) sg_format
# would poll once a minute; --early leaves the polling to TEST UNIT READY
# here: NOT READY, FORMAT IN PROGRESS until the format is done, then good.
run 0 sg_format --format --quick --early --size=512 "$dev"
for ((i = 0; i < 100; i++)); do
	sg_turs "$dev" >"$out" 2>&1 && break
	has "$out" "Not ready|format in progress"
	sleep 0.1
done
((i < 100)) || fail "the disk is still not ready 10 s after FORMAT UNIT: $(cat "$out")"
run 0 sg_readcap "$dev"
has "$out" "Number of logical blocks=131072" "Logical block length=512 bytes"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/logical_block_size)" 512 "block size after the second sg_format"
mq_unload

log "with inject=32 the commands QEMU lacks reach it and its status is translated"
mq_load inject=32
dev=$(mq_disk 0 1)
run 0 sg_opcodes "$dev"
has "$out" "Write buffer" "Send diagnostic" "Security protocol in"
run 9 sg_write_buffer --mode=dmc_offs_defer --in=/tmp/fw "$dev"
run 9 sg_senddiag -t "$dev"
run 9 sg_raw -r 512 "$dev" a2 00 00 00 00 00 00 00 02 00 00 00
run 0 sg_turs "$dev"
mq_unload
