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
	dwarves rsync socat python3 sparse busybox-static e2fsprogs
	linux-headers-6.12-amd64 linux-image-6.12-amd64
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
	nice -n 10 "$top/scripts/build-debug-kernel.sh" </dev/null \
		>"$top/build/logs/debug-kernel.bg.out" 2>"$top/build/logs/debug-kernel.bg.log" &
fi
mapfile -t todo < <(missing "${pkgs[@]}")
apt_install "${todo[@]}"
[[ -z $updated ]] || echo "deps: packages installed in $SECONDS s" >&2
