# The udev rule of `make install` (scripts/udev/60-mqnvme.rules): with udevd
# running, every mqnvme disk gets /dev/disk/by-id/nvme-<wwid>, as in-tree
# NVMe disks do, and each partition nvme-<wwid>-part<N>; a namespace with an
# EUI-64 gets nvme-eui.<EUI-64>. The links go with the disks on unload.
# Stock kernel only: systemd-udevd needs inotify, which the minimal debug
# kernel leaves out, and the rule involves no driver code the other tests
# do not run under KASAN and lockdep.
# kernels: stock
# smp: 2
# timeout: 60 90
# disk: d1 64M
# disk: d2 64M
# qemu: -device nvme,id=nv0,serial=mqudev -drive file=@d1@,if=none,id=d1,format=raw -device nvme-ns,drive=d1,bus=nv0,nsid=1 -drive file=@d2@,if=none,id=d2,format=raw -device nvme-ns,drive=d2,bus=nv0,nsid=2,eui64=0x0011223344556677

make -s -C "$mqrepo" install-udev >/tmp/out 2>&1 || fail "make install-udev: $(cat /tmp/out)"
[[ -f /usr/lib/udev/rules.d/60-mqnvme.rules ]] || fail "rule not installed"
mkdir -p /run/udev
/lib/systemd/systemd-udevd --daemon 2>/tmp/udevd.err || fail "udevd: $(cat /tmp/udevd.err)"
udevadm control --ping -t 30 || fail "udevd does not answer: $(cat /tmp/udevd.err)"

mq_load
udevadm trigger --action=add --subsystem-match=block
udevadm settle -t 60 || fail "udev did not settle"

links=0
for b in /sys/block/mqnvme0n*; do
	d=${b##*/}
	wwid=$(cat "$b/wwid")
	[[ -n $wwid ]] || fail "$d has no wwid"
	link=/dev/disk/by-id/nvme-$wwid
	assert_eq "$(readlink -f "$link")" "/dev/$d" "$link"
	log "$link -> /dev/$d"
	links=$((links + 1))
done
assert_eq "$links" 2 "disks with a by-id link"
d2=$(readlink -f /dev/disk/by-id/nvme-eui.0011223344556677) || true
assert_eq "$(cat "/sys/block/${d2##*/}/nsid" 2>/dev/null)" 2 "the EUI-64 link's namespace"

log "a partition"
d1=$(mq_disk 0 1)
wwid1=$(cat "/sys/block/${d1##*/}/wwid")
echo ',32M' | sfdisk -q "$d1" >/tmp/out 2>&1 || fail "sfdisk: $(cat /tmp/out)"
udevadm settle -t 60
assert_eq "$(readlink -f "/dev/disk/by-id/nvme-$wwid1-part1")" "${d1}p1" "the partition's link"

mq_unload
udevadm settle -t 60
left=$(ls /dev/disk/by-id/ 2>/dev/null | grep -c '^nvme-' || true)
assert_eq "$left" 0 "by-id links left after unload"
udevadm control --exit
