#!/usr/bin/env bash
# Build the tiny busybox initramfs that mounts the host's root filesystem
# over virtio-9p (read-only), puts a tmpfs overlay on it and switch_roots
# into qemu-tests/guest-init.sh.
#   mkinitramfs.sh OUT.cpio.gz [KVER [ROOT]]
#       KVER: the stock kernel whose 9p/overlay modules go in (none for the
#       debug one), from ROOT/lib/modules (default /)
set -euo pipefail
out=$1
kver=${2:-}
root=${3:-/}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{bin,dev,proc,sys,lower,upper,newroot,modules}
cp /bin/busybox "$work/bin/busybox"
if [[ -n $kver ]]; then
	: >"$work/modules/order"
	for m in netfs 9pnet 9pnet_virtio 9p overlay; do
		modprobe -d "$root" -S "$kver" --show-depends "$m" | awk '$1 == "insmod" {print $2}'
	done | awk '!seen[$0]++' | while read -r ko; do
		base=$(basename "$ko" .xz)
		case $ko in
		*.xz) xz -dc "$ko" >"$work/modules/$base" ;;
		*) cp "$ko" "$work/modules/$base" ;;
		esac
		echo "$base" >>"$work/modules/order"
	done
fi
cat >"$work/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
if [ -f /modules/order ]; then
	for m in $(cat /modules/order); do insmod /modules/$m || echo "initramfs: insmod $m failed"; done
fi
mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000,cache=loose hostroot /lower ||
	{ echo "initramfs: cannot mount hostroot"; poweroff -f; }
mount -t tmpfs -o size=75% tmpfs /upper
mkdir -p /upper/u /upper/w
mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/u,workdir=/upper/w /newroot ||
	{ echo "initramfs: overlay failed"; poweroff -f; }
umount /proc /sys
umount /dev
exec switch_root /newroot "${mqinit:-/bin/sh}"
INIT
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
