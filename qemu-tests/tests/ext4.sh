# A file system on mqnvme: mkfs.ext4, mount, write files, fsync, umount,
# fsck clean, mount again and the files read back identical.
# smp: 2
# timeout: 60 90
# disk: d1 512M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqext4,drive=d1

modprobe ext4 2>/dev/null
mq_load
dev=$(mq_disk 0 1)
mkfs.ext4 -q -F "$dev" || fail "mkfs.ext4"
mkdir -p /mnt/t
mount "$dev" /mnt/t || fail "mount"
for i in 1 2 3 4 5 6 7 8; do
	head -c $(((i * 3 << 20) / MQ_SCALE)) /dev/urandom >/mnt/t/f$i
done
cp -r /usr/share/doc/bash /mnt/t/tree 2>/dev/null || cp -r /etc/default /mnt/t/tree
sync
(cd /mnt/t && find . -type f -exec md5sum {} + | sort -k2) >/tmp/sums
umount /mnt/t || fail "umount"
fsck.ext4 -f -n "$dev" || fail "fsck found problems"
mq_unload
mq_load
mount "$(mq_disk 0 1)" /mnt/t || fail "mount after reload"
(cd /mnt/t && md5sum -c --quiet /tmp/sums) || fail "files changed across umount/reload"
umount /mnt/t
mq_unload
