# nvme-cli 2.3 and smartctl, unchanged, on mqnvme's char device and disks.
# The same controllers are first driven by the in-tree nvme driver in this
# guest; what they report there (identify data, SMART fields, sysfs) must be
# what mqnvme reports. Then every command nvme-cli users run: data commands
# checked against the disk's contents, features, logs, passthrough, formats
# that change the block size and the metadata (without PI, then with PI
# type 1: the integrity profile follows), rescans, and the controller's
# refusals of what QEMU does not implement.
# smp: 2
# timeout: 60 190
# disk: d1 64M
# disk: d2 32M
# disk: d3 32M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqcli1,id=c1 -device nvme-ns,drive=d1,bus=c1,nsid=1,eui64=0x0011223344556677 -drive file=@d2@,if=none,id=d2,format=raw -drive file=@d3@,if=none,id=d3,format=raw -device nvme,serial=mqcli2,id=c2 -device nvme-ns,drive=d2,bus=c2,nsid=1 -device nvme-ns,drive=d3,bus=c2,nsid=2

mapfile -t bdfs < <(nvme_bdfs)
assert_eq "${#bdfs[@]}" 2 "NVMe functions"
ref=/tmp/ref
mkdir -p $ref /tmp/mq

# What a driver reports for controller 0 and its namespace, into DIR.
collect() { # DIR CTRL_DEV NS_DEV CLASS_DIR DISK
	local d=$1 c=$2 n=$3 cls=$4 disk=$5 a
	nvme id-ctrl "$c" >"$d/id-ctrl" || fail "id-ctrl $c"
	nvme id-ctrl "$c" -b >"$d/id-ctrl.bin" || fail "id-ctrl -b $c"
	nvme id-ns "$n" >"$d/id-ns" || fail "id-ns $n"
	nvme id-ns "$c" -n 1 >"$d/id-ns-c" || fail "id-ns $c -n 1"
	nvme list-ns "$c" >"$d/list-ns" || fail "list-ns $c"
	nvme fw-log "$c" | sed "s#${c#/dev/}#DEV#" >"$d/fw-log" || fail "fw-log $c"
	nvme get-feature "$c" -f 4 >"$d/feat4" || fail "get-feature $c"
	nvme smart-log "$c" -o json >"$d/smart.json" || fail "smart-log $c"
	python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))
for k in ("critical_warning", "temperature", "avail_spare", "spare_thresh",
          "percent_used", "media_errors"):
    print(k, s[k])' "$d/smart.json" >"$d/smart" || fail "smart-log json $c"
	smartctl -d nvme -a "$c" >"$d/smartctl.raw"
	grep -E "^(Model Number|Serial Number|Firmware Version|SMART overall-health|Temperature:|Available Spare|Critical Warning|Namespace 1 Size)" \
		"$d/smartctl.raw" >"$d/smartctl"
	[[ $(wc -l <"$d/smartctl") -ge 7 ]] || fail "smartctl on $c: $(cat "$d/smartctl.raw")"
	for a in model serial firmware_rev cntlid queue_count sqsize numa_node address; do
		echo "$a $(cat "$cls/$a")"
	done >"$d/sysfs-ctrl"
	for a in nsid wwid eui uuid; do
		echo "$a $(cat "/sys/block/$disk/$a" 2>/dev/null || echo -)"
	done >"$d/sysfs-ns"
}

# wwid of namespace 1 of the controller at PCI function BDF, for DRIVER
# (the in-tree driver's disk names do not follow the nsid).
wwid_of() { # DRIVER BDF
	local c d
	for c in /sys/class/"$1"/*; do
		[[ $(cat "$c/address") == "$2" ]] || continue
		for d in /sys/block/"${c##*/}"n*; do
			[[ $(cat "$d/nsid") == 1 ]] && cat "$d/wwid"
		done
	done
}

log "in-tree nvme driver"
modprobe nvme || fail "modprobe nvme"
for _ in $(seq 40); do [[ -b /dev/nvme0n1 && -b /dev/nvme1n1 ]] && break; sleep 0.5; done
# The in-tree driver probes asynchronously: find its name for function 0.
for c in /sys/class/nvme/nvme*; do
	[[ $(cat "$c/address") == "${bdfs[0]}" ]] && nc=${c##*/}
done
[[ -n ${nc:-} && -b /dev/${nc}n1 ]] || fail "no in-tree disk for ${bdfs[0]}"
collect $ref /dev/$nc /dev/${nc}n1 /sys/class/nvme/$nc ${nc}n1
ref_wwid2=$(wwid_of nvme "${bdfs[1]}")

log "the same controllers on mqnvme"
mq_load
scripts/mqnvme-bind "${bdfs[0]}" || fail "mqnvme-bind ${bdfs[0]}"
scripts/mqnvme-bind "${bdfs[1]}" || fail "mqnvme-bind ${bdfs[1]}"
rmmod nvme
[[ -c /dev/mqnvme0 && -c /dev/mqnvme1 ]] || fail "no controller char devices: $(ls -l /dev/mqnvme*)"
[[ -b /dev/mqnvme0n1 && -b /dev/mqnvme1n2 ]] || fail "no namespace disks"
assert_eq "$(cat /sys/class/mqnvme/mqnvme0/address)" "${bdfs[0]}" "mqnvme0 address"
assert_eq "$(cat /sys/class/mqnvme/mqnvme0/state)" live "state"
collect /tmp/mq /dev/mqnvme0 /dev/mqnvme0n1 /sys/class/mqnvme/mqnvme0 mqnvme0n1
for f in id-ctrl id-ns id-ns-c list-ns fw-log feat4 smart smartctl sysfs-ctrl; do
	diff -u "$ref/$f" "/tmp/mq/$f" || fail "$f differs from the in-tree driver's"
done
cmp $ref/id-ctrl.bin /tmp/mq/id-ctrl.bin || fail "binary identify differs"
grep -q "^serial mqcli1 *$" /tmp/mq/sysfs-ctrl || fail "serial: $(cat /tmp/mq/sysfs-ctrl)"
# The in-tree driver ignores QEMU's namespace identifiers (its quirk
# NVME_QUIRK_BOGUS_NID); mqnvme uses the EUI-64 the namespace was given.
grep -q "^nsid 1$" /tmp/mq/sysfs-ns || fail "nsid: $(cat /tmp/mq/sysfs-ns)"
grep -q "^wwid eui.0011223344556677$" /tmp/mq/sysfs-ns || fail "wwid: $(cat /tmp/mq/sysfs-ns)"
grep -q "^eui 00 11 22 33 44 55 66 77$" /tmp/mq/sysfs-ns || fail "eui: $(cat /tmp/mq/sysfs-ns)"
# Without identifiers both fall back to vendor, serial, model and nsid.
[[ $ref_wwid2 == nvme.1b36-* ]] || fail "in-tree wwid of controller 1: $ref_wwid2"
assert_eq "$(wwid_of mqnvme "${bdfs[1]}")" "$ref_wwid2" "wwid without identifiers"
assert_eq "$(cat /sys/block/mqnvme0n1/metadata_bytes)" 0 "metadata_bytes"
assert_eq "$(nvme list-ns /dev/mqnvme1 | wc -l)" 2 "namespaces of controller 1"

log "data commands"
dev=/dev/mqnvme0n1
head -c 4096 /dev/urandom >/tmp/pat
head -c 4096 /dev/urandom >/tmp/other
nvme write $dev -s 8 -c 7 -z 4096 -d /tmp/pat >/tmp/out 2>&1 || fail "nvme write: $(cat /tmp/out)"
cmp <(dd if=$dev bs=512 skip=8 count=8 iflag=direct status=none) /tmp/pat ||
	fail "nvme write did not reach the disk"
nvme read $dev -s 8 -c 7 -z 4096 -d /tmp/rd >/tmp/out 2>&1 || fail "nvme read: $(cat /tmp/out)"
cmp /tmp/rd /tmp/pat || fail "nvme read returned other data"
nvme compare $dev -s 8 -c 7 -z 4096 -d /tmp/pat >/tmp/out 2>&1 || fail "compare of equal data: $(cat /tmp/out)"
nvme compare $dev -s 8 -c 7 -z 4096 -d /tmp/other >/tmp/out 2>&1 && fail "compare of other data succeeded"
grep -q "Compare Failure.*(0x285)" /tmp/out || fail "compare failure not reported: $(cat /tmp/out)"
nvme io-passthru $dev -o 2 -n 1 --cdw10=8 --cdw12=7 -l 4096 -r -b >/tmp/io.bin 2>/tmp/out ||
	fail "io-passthru read: $(cat /tmp/out)"
cmp /tmp/io.bin /tmp/pat || fail "io-passthru read returned other data"
nvme flush $dev -n 1 >/tmp/out 2>&1 || fail "flush: $(cat /tmp/out)"
nvme write-zeroes $dev -s 8 -c 7 >/tmp/out 2>&1 || fail "write-zeroes: $(cat /tmp/out)"
cmp <(dd if=$dev bs=512 skip=8 count=8 iflag=direct status=none) <(head -c 4096 /dev/zero) ||
	fail "write-zeroes left data"
nvme dsm $dev -n 1 -d -s 64 -b 8 >/tmp/out 2>&1 || fail "dsm: $(cat /tmp/out)"
grep -qi "success" /tmp/out || fail "dsm: $(cat /tmp/out)"

log "features, logs, admin passthrough"
nvme set-feature /dev/mqnvme0 -f 4 -v 0x15e >/tmp/out 2>&1 || fail "set-feature: $(cat /tmp/out)"
nvme get-feature /dev/mqnvme0 -f 4 >/tmp/out 2>&1 || fail "get-feature"
grep -q "0x0*15e" /tmp/out || fail "temperature threshold not set: $(cat /tmp/out)"
nvme set-feature /dev/mqnvme0 -f 4 -v 0x157 >/dev/null || fail "restoring the threshold"
nvme set-feature /dev/mqnvme0 -f 7 -v 0x10001 >/tmp/out 2>&1 && fail "Set Features Number of Queues was let through"
grep -qi "denied\|not permitted" /tmp/out || fail "Number of Queues refusal: $(cat /tmp/out)"
nvme admin-passthru /dev/mqnvme0 -o 6 --cdw10=1 -l 4096 -r -b >/tmp/id.bin 2>/tmp/out ||
	fail "admin-passthru identify: $(cat /tmp/out)"
cmp /tmp/id.bin $ref/id-ctrl.bin || fail "admin-passthru identify differs"
nvme get-log /dev/mqnvme0 -i 2 -l 512 -b >/tmp/smart.bin 2>/tmp/out || fail "get-log: $(cat /tmp/out)"
assert_eq "$(stat -c %s /tmp/smart.bin)" 512 "SMART log size"
# Composite temperature, bytes 1-2: QEMU reports 323 K.
assert_eq "$(od -An -tu2 -j1 -N2 /tmp/smart.bin | tr -d ' ')" 323 "temperature in the raw log"
nvme error-log /dev/mqnvme0 -e 4 >/tmp/out 2>&1 || fail "error-log: $(cat /tmp/out)"
grep -q "Entry\[ 0\]" /tmp/out && grep -q "^error_count" /tmp/out || fail "error-log entries: $(cat /tmp/out)"
# The same admin command on the namespace disk goes to the controller.
nvme id-ctrl $dev -b | cmp - $ref/id-ctrl.bin || fail "id-ctrl via the disk differs"
assert_eq "$(nvme get-ns-id $dev)" "mqnvme0n1: namespace-id:1" "get-ns-id"

# The reservation commands' buffers are the sizes nvme-cli sends (16, 16,
# 8 bytes and NUMD): the driver lets them through to the controller.
log "commands QEMU refuses come back unchanged"
head -c 4096 /dev/urandom >/tmp/fw
for cmd in "fw-download /dev/mqnvme0 -f /tmp/fw" "fw-commit /dev/mqnvme0 -s 1 -a 1" \
	"device-self-test /dev/mqnvme0 -n 1 -s 1" "security-recv /dev/mqnvme0 -x 512 -p 1" \
	"security-send /dev/mqnvme0 -f /tmp/fw -p 1 -t 4096" \
	"resv-register $dev -n 1 -k 1 -r 0" "resv-acquire $dev -n 1 -c 1 -t 1 -a 0" \
	"resv-release $dev -n 1 -c 1 -t 1 -a 0" "resv-report $dev -n 1"; do
	# shellcheck disable=SC2086
	nvme $cmd >/tmp/out 2>&1 && fail "nvme $cmd succeeded"
	grep -q "Invalid Command Opcode.*(0x4001)" /tmp/out || fail "nvme $cmd: $(cat /tmp/out)"
done

log "format: the disk's block size and size follow"
bytes=$(($(cat /sys/block/mqnvme0n1/size) * 512))
nvme format $dev -l 4 --force >/tmp/out 2>&1 || fail "format to 4096: $(cat /tmp/out)"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/logical_block_size)" 4096 "block size after format"
assert_eq "$(($(cat /sys/block/mqnvme0n1/size) * 512))" $bytes "bytes after format"
head -c 65536 /dev/urandom >/tmp/pat64
dd if=/tmp/pat64 of=$dev bs=4096 oflag=direct status=none || fail "write after format"
cmp <(dd if=$dev bs=4096 count=16 iflag=direct status=none) /tmp/pat64 || fail "data after format"
nvme read $dev -s 1 -c 0 -z 4096 -d /tmp/rd >/dev/null 2>&1 || fail "nvme read of a 4096-byte block"
cmp /tmp/rd <(tail -c +4097 /tmp/pat64 | head -c 4096) || fail "nvme read at 4K LBA 1"
dmesg_mark
nvme format /dev/mqnvme0 -n 1 -l 1 --force >/tmp/out 2>&1 || fail "format to 512+8: $(cat /tmp/out)"
assert_eq "$(cat /sys/block/mqnvme0n1/metadata_bytes)" 8 "metadata_bytes"
assert_eq "$(cat /sys/block/mqnvme0n1/integrity/format)" nop "integrity of metadata without PI"
(($(cat /sys/block/mqnvme0n1/size) > 0)) || fail "a metadata format has capacity 0"
dmesg_since_mark | grep -q "mqnvme0n1: 8 metadata bytes per block without protection information, integrity format nop" ||
	fail "no log line for the metadata format: $(dmesg_since_mark)"
dd if=/tmp/pat64 of=$dev bs=4096 oflag=direct status=none || fail "write with metadata"
cmp <(dd if=$dev bs=4096 count=16 iflag=direct status=none) /tmp/pat64 || fail "data with metadata"
# Passthrough needs the metadata buffer.
nvme read $dev -s 0 -c 0 -z 512 -y 8 -d /tmp/rd -M /tmp/md >/tmp/out 2>&1 ||
	fail "read with metadata: $(cat /tmp/out)"
# nvme-cli does not truncate the file it reads into: compare 512 bytes.
cmp -n 512 /tmp/rd /tmp/pat64 || fail "nvme read with metadata: data"
nvme read $dev -s 0 -c 0 -z 512 -d /tmp/rd >/tmp/out 2>&1 && fail "read without the metadata buffer succeeded"
# Formatted with PI type 1: the integrity profile follows.
dmesg_mark
nvme format /dev/mqnvme0 -n 1 -l 1 -i 1 --force >/tmp/out 2>&1 || fail "format to PI type 1: $(cat /tmp/out)"
assert_eq "$(cat /sys/block/mqnvme0n1/integrity/format)" T10-DIF-TYPE1-CRC "integrity after formatting with PI"
assert_eq "$(cat /sys/block/mqnvme0n1/pi_mode)" host "pi_mode after formatting with PI"
dmesg_since_mark | grep -q "mqnvme0n1: PI type 1, 8-byte CRC16 guard" ||
	fail "no log line for the PI format: $(dmesg_since_mark)"
blkdiscard -f -z $dev || fail "write zeroes over the PI namespace"
dd if=/tmp/pat64 of=$dev bs=4096 oflag=direct status=none || fail "write with PI"
cmp <(dd if=$dev bs=4096 count=16 iflag=direct status=none) /tmp/pat64 || fail "data with PI"
nvme format /dev/mqnvme0 -n 1 -l 0 --force >/tmp/out 2>&1 || fail "format back: $(cat /tmp/out)"
assert_eq "$(cat /sys/block/mqnvme0n1/queue/logical_block_size)" 512 "block size after format back"
assert_eq "$(($(cat /sys/block/mqnvme0n1/size) * 512))" $bytes "bytes after format back"
nvme ns-rescan /dev/mqnvme0 >/tmp/out 2>&1 || fail "ns-rescan: $(cat /tmp/out)"
echo 1 >/sys/class/mqnvme/mqnvme0/rescan_controller || fail "rescan_controller"
[[ -b /dev/mqnvme0n1 ]] || fail "the disk went away on rescan"

log "unprivileged callers"
chmod 666 /dev/mqnvme0 $dev
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
as_nobody nvme id-ctrl /dev/mqnvme0 -b | cmp - $ref/id-ctrl.bin || fail "unprivileged identify"
as_nobody nvme smart-log /dev/mqnvme0 >/tmp/out 2>&1 && fail "unprivileged smart-log allowed"
grep -qi "permission denied" /tmp/out || fail "unprivileged smart-log: $(cat /tmp/out)"
as_nobody nvme io-passthru $dev -o 2 -n 1 --cdw12=7 -l 4096 -r -b >/dev/null 2>&1 ||
	fail "unprivileged read passthrough on a writable open"

mq_unload
