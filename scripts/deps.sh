#!/usr/bin/env bash
# Install the Debian packages mqnvme's build, tests and benchmark need, when
# any is missing. Safe to run again; does nothing when all are present.
#   deps.sh                 the packages
#   deps.sh --debug-kernel  also, when the debug guest kernel is not cached,
#                           start building it in the background as soon as
#                           its sources are in (make check), at SCHED_IDLE
#                           priority: it builds in what the rest of the
#                           installation, the host builds and the stock
#                           tier's guests leave of the CPUs; run.sh waits
#                           for it (the cache's lock) before the debug tier.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# What scripts/build-debug-kernel.sh needs, installed first.
kernel_pkgs=(build-essential bc bison flex libelf-dev libssl-dev xz-utils cpio kmod linux-source-6.12)
pkgs=(
	dwarves rsync socat python3 sparse busybox-static e2fsprogs
	linux-headers-6.12-amd64
	qemu-system-x86 qemu-utils fio nvme-cli sg3-utils smartmontools sdparm hdparm
	g++ g++-multilib cmake libgtest-dev fdisk pciutils
)
SUDO=
[[ $(id -u) -eq 0 ]] || SUDO=sudo
updated=

missing() {
	local p
	for p; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"
	done
}

apt_install() {
	(($#)) || return 0
	echo "deps: installing $*" >&2
	if [[ -z $updated ]]; then
		$SUDO apt-get update -qq
		updated=1
	fi
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$@" >&2
}

mapfile -t todo < <(missing "${kernel_pkgs[@]}")
apt_install "${todo[@]}"
# (Returns at once when the kernel is cached.)
if [[ ${1:-} == --debug-kernel ]]; then
	mkdir -p "$top/build/logs"
	chrt --idle 0 "$top/scripts/build-debug-kernel.sh" </dev/null \
		>"$top/build/logs/debug-kernel.bg.out" 2>"$top/build/logs/debug-kernel.bg.log" &
fi
mapfile -t todo < <(missing "${pkgs[@]}")
apt_install "${todo[@]}"

# The stock guest kernel: Debian's image for the installed 6.12 headers.
# Not installed but unpacked into $MQNVME_CACHE/stock-kernel/<version>:
# installing it would build two initramfs images (2 x 80 s here) that the
# guests never use, and make it the machine's default boot entry. An image
# already installed for that version is used as it is.
kver=$(ls -d /usr/src/linux-headers-6.12.*-amd64 | sort -V | tail -n 1)
kver=${kver#/usr/src/linux-headers-}
stock=${MQNVME_CACHE:-/var/cache/mqnvme}/stock-kernel
if [[ ! -f /boot/vmlinuz-$kver || ! -d /lib/modules/$kver/kernel ]] &&
	[[ ! -f $stock/$kver/boot/vmlinuz-$kver ]]; then
	echo "deps: unpacking linux-image-$kver into $stock/$kver" >&2
	mkdir -p "$stock"
	unpack=$(mktemp -d "$stock/.unpack.XXXXXX")
	trap 'rm -rf "$unpack"' EXIT
	[[ -n $updated ]] || $SUDO apt-get update -qq
	(cd "$unpack" && apt-get download -qq -o APT::Sandbox::User=root "linux-image-$kver")
	dpkg-deb -x "$unpack"/linux-image-"$kver"_*.deb "$unpack/root"
	depmod -b "$unpack/root" "$kver"
	# Published by a rename: an interrupted unpack is never taken for one.
	mv -T "$unpack/root" "$stock/$kver"
fi
echo "deps: ready in $SECONDS s" >&2
