#!/usr/bin/env bash
# Install the Debian packages mqnvme's build, tests and benchmark need, when
# any is missing. Safe to run again; does nothing when all are present.
#   deps.sh                 the packages
#   deps.sh --debug-kernel  also, when the debug guest kernel is not cached,
#                           start building it in the background as soon as
#                           its sources are in (make check): it builds while
#                           the rest installs and while the host builds and
#                           static checks run; run.sh waits for it (the
#                           cache's lock) before the first guest.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
# What scripts/build-debug-kernel.sh needs, installed first.
kernel_pkgs=(build-essential bc bison flex libelf-dev libssl-dev xz-utils cpio kmod linux-source-6.12)
pkgs=(
	dwarves rsync socat python3 jq sparse busybox-static e2fsprogs
	qemu-system-x86 qemu-utils fio nvme-cli sg3-utils smartmontools sdparm hdparm
	g++ g++-multilib cmake libgtest-dev fdisk pciutils udev
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
	"$top/scripts/build-debug-kernel.sh" </dev/null \
		>"$top/build/logs/debug-kernel.bg.out" 2>"$top/build/logs/debug-kernel.bg.log" &
fi
mapfile -t todo < <(missing "${pkgs[@]}")
apt_install "${todo[@]}"

# The stock guest kernel and the headers mqnvme builds against: Debian's
# 6.12 image, headers and kbuild tools, not installed but unpacked into
# $MQNVME_CACHE/stock-kernel/<version>. The headers package depends on the
# image, and installing the image builds two initramfs images (80 s each
# here) the guests never use and makes it the machine's default boot entry.
# An installed 6.12 (headers, image and modules), or one unpacked before,
# is used as it is (qemu-tests/host-lib.sh picks it), as installed packages
# are: nothing is downloaded again, not even the archive's index.
# shellcheck source=scripts/stock-kernel.sh
source "$top/scripts/stock-kernel.sh"
stock=${MQNVME_CACHE:-/var/cache/mqnvme}/stock-kernel
if [[ -z $STOCK_KVER ]]; then
	[[ -n $updated ]] || $SUDO apt-get update -qq
	kver=$(apt-cache depends linux-headers-6.12-amd64 | sed -n 's/^ *Depends: linux-headers-//p' | head -n 1)
	[[ -n $kver ]] || { echo "deps: no linux-headers-6.12-amd64 in the archive" >&2; exit 1; }
	if [[ ! -d $stock/$kver ]]; then
		echo "deps: unpacking Debian's $kver into $stock/$kver" >&2
		mkdir -p "$stock"
		unpack=$(mktemp -d "$stock/.unpack.XXXXXX")
		trap 'rm -rf "$unpack"' EXIT
		v=${kver%-amd64}
		(cd "$unpack" && apt-get download -qq -o APT::Sandbox::User=root "linux-image-$kver" \
			"linux-headers-$kver" "linux-headers-$v-common" "linux-kbuild-${v}")
		for deb in "$unpack"/*.deb; do dpkg-deb -x "$deb" "$unpack/root"; done
		# The headers' Makefile includes the common one by its absolute path.
		sed -i "s|/usr/src/|$stock/$kver/usr/src/|" "$unpack/root/usr/src/linux-headers-$kver/Makefile"
		depmod -b "$unpack/root" "$kver"
		# Published by a rename: an interrupted unpack is never taken for one.
		mv -T "$unpack/root" "$stock/$kver"
	fi
fi
echo "deps: ready in $SECONDS s" >&2
