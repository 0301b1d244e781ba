# Differential test: the same SG_IO requests and SCSI tools against an mqnvme
# disk and scsi_debug (the kernel's reference SCSI target) of the same
# capacity and block size, in one guest. sgdiff compares status, sense,
# lengths and the response fields the standards fix, and fails on any
# difference it does not list with its reason (Documentation/scsi.md has
# the list); then tool outputs that must agree are compared as text.
# smp: 2
# timeout: 60 90
# allow: scsi_debug:resp_report_luns: alloc len too small
# disk: d1 64M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw,discard=unmap -device nvme,serial=mqdiff,id=c1 -device nvme-ns,drive=d1,bus=c1,nsid=1,eui64=0x0011223344556677

mq_load
dev=$(mq_disk 0 1)
modprobe sd_mod || fail "modprobe sd_mod"
# 131072 blocks of 512 bytes, thin provisioned with zeroes, strict CDB checks.
modprobe scsi_debug dev_size_mb=64 sector_size=512 lbpu=1 lbpws=1 lbpws10=1 \
	lbprz=1 strict=1 max_luns=1 num_tgts=1 || fail "modprobe scsi_debug"
ref=
for i in $(seq 50); do
	ref=$(ls -d /sys/bus/pseudo/drivers/scsi_debug/adapter*/host*/target*/*/block/* 2>/dev/null | head -n 1)
	[[ -n $ref ]] && break
	sleep 0.2
done
[[ -n $ref ]] || fail "no scsi_debug disk"
ref=/dev/$(basename "$ref")
for i in $(seq 50); do [[ -b $ref ]] && break; sleep 0.2; done
[[ -b $ref ]] || fail "$ref missing"
log "mqnvme $dev against scsi_debug $ref"

"$mqtools/sgdiff" "$dev" "$ref" >/tmp/diff.out 2>&1
rc=$?
cat /tmp/diff.out
((rc == 0)) || fail "sgdiff found unexpected differences"
same=$(sed -n 's/^\([0-9]*\) same.*/\1/p' /tmp/diff.out)
assert_ge "${same:-0}" 45 "requests answered alike"

# Tool outputs that must be identical once the device name is taken out.
agree() { # what CMD...
	local what=$1 a b
	shift
	a=$("$@" "$dev" 2>&1 | sed "s#$dev#DEV#g")
	b=$("$@" "$ref" 2>&1 | sed "s#$ref#DEV#g")
	[[ $a == "$b" ]] || fail "$what differs:
--- mqnvme
$a
--- scsi_debug
$b"
	log "$what: same"
}
agree "sg_readcap" sg_readcap
agree "sg_readcap -l (capacity lines)" bash -c 'sg_readcap -l "$0" | grep -E "Last LBA|block length|lbpme"'
agree "sg_luns" sg_luns
agree "hdparm -I (ATA PASS-THROUGH refused)" hdparm -I
agree "sg_turs" sg_turs
agree "sg_sync" sg_sync
agree "bad READ(10) LBA" bash -c 'sg_raw -r 512 "$0" 28 00 00 02 00 00 00 00 01 00; echo "rc=$?"'
agree "ATA PASS-THROUGH(16)" bash -c 'sg_raw -r 512 "$0" 85 08 0e 00 00 00 01 00 00 00 00 00 00 00 ec 00; echo "rc=$?"'

rmmod scsi_debug
mq_unload
