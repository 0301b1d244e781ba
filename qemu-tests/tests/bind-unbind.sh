# Unbind and bind through sysfs, and scripts/mqnvme-bind moving a controller
# between the in-tree nvme driver and mqnvme with both loaded; data written
# through one driver reads back through the other.
# smp: 2
# timeout: 60 90
# disk: d1 128M
# disk: d2 128M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqb1,drive=d1 -drive file=@d2@,if=none,id=d2,format=raw -device nvme,serial=mqb2,drive=d2

mapfile -t bdfs < <(nvme_bdfs)
assert_eq "${#bdfs[@]}" 2 "NVMe functions"
mq_load
assert_eq "$(ls /sys/block | grep -c ^mqnvme)" 2 "disks"
dd if=/dev/urandom of=/tmp/pat bs=1M count=8 status=none
dd if=/tmp/pat of=/dev/mqnvme0n1 bs=1M oflag=direct status=none || fail "write"

for i in 1 2 3; do
	echo "${bdfs[0]}" >/sys/bus/pci/drivers/mqnvme/unbind || fail "unbind"
	[[ ! -e /sys/block/mqnvme0n1 ]] || fail "disk still there after unbind"
	[[ -e /sys/block/mqnvme1n1 ]] || fail "the other controller lost its disk"
	echo "${bdfs[0]}" >/sys/bus/pci/drivers/mqnvme/bind || fail "bind"
	# The instance number is reused: the first controller is mqnvme0 again.
	[[ -e /sys/block/mqnvme0n1 ]] || fail "no mqnvme0n1 after bind"
	cmp <(dd if=/dev/mqnvme0n1 bs=1M count=8 iflag=direct status=none) /tmp/pat ||
		fail "data changed across unbind/bind $i"
done

# The in-tree driver next to mqnvme: move the controller over and back.
modprobe nvme || fail "modprobe nvme"
scripts/mqnvme-bind -d nvme "${bdfs[0]}" || fail "mqnvme-bind -d nvme"
for _ in $(seq 20); do [[ -b /dev/nvme0n1 ]] && break; sleep 0.5; done
[[ -b /dev/nvme0n1 ]] || fail "nvme0n1 did not appear"
[[ ! -e /sys/block/mqnvme0n1 ]] || fail "mqnvme kept the disk"
cmp <(dd if=/dev/nvme0n1 bs=1M count=8 iflag=direct status=none) /tmp/pat ||
	fail "in-tree nvme reads other data"
dd if=/dev/urandom of=/tmp/pat2 bs=1M count=8 status=none
dd if=/tmp/pat2 of=/dev/nvme0n1 bs=1M oflag=direct status=none || fail "write via nvme"
scripts/mqnvme-bind "${bdfs[0]}" || fail "mqnvme-bind back"
[[ ! -e /dev/nvme0n1 ]] || fail "nvme0n1 still there"
cmp <(dd if=/dev/mqnvme0n1 bs=1M count=8 iflag=direct status=none) /tmp/pat2 ||
	fail "mqnvme reads other data than nvme wrote"
scripts/mqnvme-bind -r "${bdfs[0]}"
scripts/mqnvme-bind 00:ff.0 2>/dev/null && fail "mqnvme-bind accepted a missing device"
rmmod nvme
mq_unload
