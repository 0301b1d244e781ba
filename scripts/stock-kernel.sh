# shellcheck shell=bash
# Sourced by scripts/deps.sh and qemu-tests/host-lib.sh: find Debian's
# 6.12, the stock kernel mqnvme builds against and boots its stock guests
# with. An installed one (headers, image and modules) is used as it is;
# otherwise the one scripts/deps.sh unpacked into
# $MQNVME_CACHE/stock-kernel/<version>, whose module tree the guest gets as
# its /lib/modules/<version> (STOCK_MODROOT). STOCK_KVER is empty when
# there is neither (never a failure: deps.sh runs under set -e and pipefail).
stock_kernel_find() {
	STOCK_KVER=$(ls -d /usr/src/linux-headers-6.12.*-amd64 2>/dev/null | sort -V | tail -n 1 || true)
	STOCK_KVER=${STOCK_KVER#/usr/src/linux-headers-}
	STOCK_KDIR=/usr/src/linux-headers-$STOCK_KVER
	STOCK_KERNEL=/boot/vmlinuz-$STOCK_KVER
	STOCK_MODROOT=
	if [[ -z $STOCK_KVER || ! -f $STOCK_KERNEL || ! -d /lib/modules/$STOCK_KVER/kernel ]]; then
		STOCK_MODROOT=$(ls -d "${MQNVME_CACHE:-/var/cache/mqnvme}"/stock-kernel/6.12.*-amd64 2>/dev/null |
			sort -V | tail -n 1 || true)
		STOCK_KVER=${STOCK_MODROOT##*/}
		STOCK_KDIR=$STOCK_MODROOT/usr/src/linux-headers-$STOCK_KVER
		STOCK_KERNEL=$STOCK_MODROOT/boot/vmlinuz-$STOCK_KVER
	fi
}
stock_kernel_find
