#!/usr/bin/env bash
# Install the Debian packages mqnvme's build, tests and benchmark need, when
# any is missing. Safe to run again; does nothing when all are present.
set -euo pipefail
pkgs=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves kmod cpio
	xz-utils rsync socat python3 sparse busybox-static e2fsprogs
	linux-headers-6.12-amd64 linux-image-6.12-amd64 linux-source-6.12
	qemu-system-x86 qemu-utils fio nvme-cli sg3-utils smartmontools sdparm hdparm
	g++ g++-multilib cmake libgtest-dev fdisk pciutils
)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
((${#missing[@]} == 0)) && exit 0
echo "deps: installing ${missing[*]}" >&2
SUDO=
[[ $(id -u) -eq 0 ]] || SUDO=sudo
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
