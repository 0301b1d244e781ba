# Hot-add and hot-removal under I/O. The guest boots with an empty PCIe
# root port; QMP device_add puts a controller there while mqnvme is loaded
# and it is probed. With ext4 mounted on its disk, a file held open and fio
# writing, device_del takes it away: fio ends with I/O errors instead of
# hanging, the disk, the char device and the class entry go, the file
# system unmounts and the module unloads. Added again, the controller's
# disk holds the file written and synced before the removal; it is removed
# once more, idle, so the guest ends as it booted. Four vCPUs: the guest of
# the queues-4cpu tests has a free slot of bus 0 for the root port (the
# 2-vCPU ones use every slot).
# smp: 4
# timeout: 60 100
# allow: I/O error, dev mqnvme0n1|Buffer I/O error on dev mqnvme0n1|EXT4-fs (error|warning) \(device mqnvme0n1\)|EXT4-fs \(mqnvme0n1\)|JBD2: .*mqnvme0n1|lost (async )?page write|Aborting journal on device mqnvme0n1
# disk: d1 256M
# qemu: -device pcie-root-port,id=rp,chassis=30,slot=0,addr=0x1c -blockdev driver=raw,node-name=d1,file.driver=file,file.filename=@d1@

mq_load
hot_add hp1 rp d1 mqhot
log "hot-added: $(cat /sys/class/mqnvme/mqnvme0/address)"
mkfs.ext4 -q -F /dev/mqnvme0n1 || fail "mkfs.ext4"
mkdir -p /tmp/mnt
mount /dev/mqnvme0n1 /tmp/mnt || fail "mount"
head -c 4M /dev/urandom >/tmp/keep
cp /tmp/keep /tmp/mnt/keep && sync || fail "writing the file to keep"
exec 4</tmp/mnt/keep
fio --name=hp --directory=/tmp/mnt --rw=randwrite --bs=4k --size=32M \
	--ioengine=libaio --iodepth=8 --direct=1 --time_based --runtime=600 \
	--output=/tmp/fio.out >/dev/null 2>&1 &
fpid=$!
wait_io mqnvme0n1 256

log "device_del under I/O"
hot_remove hp1
wait_for "fio's end after the removal" '! kill -0 $fpid 2>/dev/null'
wait $fpid && fail "fio succeeded on a removed disk: $(cat /tmp/fio.out)"
grep -q "err=" /tmp/fio.out && ! grep -q "err= 0" /tmp/fio.out ||
	fail "fio did not report the I/O error: $(cat /tmp/fio.out)"
log "fio: $(grep -o 'err=[^:]*:[^,]*' /tmp/fio.out | head -n 1)"
[[ ! -e /sys/block/mqnvme0n1 ]] || fail "the disk outlived its controller"
exec 4<&-
umount /tmp/mnt || fail "umount after the removal"
mq_unload

log "hot-add again: the synced file is intact"
mq_load
hot_add hp2 rp d1 mqhot
mount /dev/mqnvme0n1 /tmp/mnt || fail "mount after the hot-add"
cmp /tmp/mnt/keep /tmp/keep || fail "the file written before the removal changed"
umount /tmp/mnt
hot_remove hp2
mq_unload
