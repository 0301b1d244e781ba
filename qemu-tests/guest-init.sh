#!/bin/bash
# PID 1 of a test guest, on the host's root filesystem under a tmpfs overlay.
# The kernel command line gives (as environment): mqrepo (the checkout),
# mqtest (the test script), mqkind (stock|debug), mqmod (where mqnvme.ko is)
# mqkmods (the debug kernel's module tree, if any) and mqtmp (a host
# directory of this run, also what @tmp@ in a test header names).
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# /tmp is not a fresh tmpfs: the checkout may live under the host's /tmp
# (CI clones anywhere). The overlay's tmpfs upper layer keeps writes local.
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root TERM=dumb LANG=C
if [[ -n ${mqkmods:-} && -d $mqkmods ]]; then
	kdir=/lib/modules/$(uname -r)
	mkdir -p "$kdir" && mount --bind "$mqkmods" "$kdir"
fi
# The run's host directory, uncached: files QEMU writes there (traces) are
# read fresh, which the cached root mount would not guarantee.
if [[ -n ${mqtmp:-} && -d $mqtmp ]]; then
	mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=512000 hosttmp "$mqtmp" ||
		echo "cannot mount hosttmp on $mqtmp"
fi
ip link set lo up 2>/dev/null
# The console keeps the kernel's warnings and errors (the harness scans them),
# not its chatter; tests read dmesg for the rest.
echo "5 4 1 7" >/proc/sys/kernel/printk
# Hung tasks are failures: report them quickly.
[[ -w /proc/sys/kernel/hung_task_timeout_secs ]] &&
	echo 60 >/proc/sys/kernel/hung_task_timeout_secs

cd "$mqrepo" || { echo "MQTEST-RESULT fail (no repo $mqrepo)"; poweroff -f; }
echo "MQTEST-BEGIN $mqtest on $(uname -r), $(nproc) CPUs"
(
	source qemu-tests/lib.sh
	source "$mqtest"
)
rc=$?
if ((rc == 0)) && [[ -w /sys/kernel/debug/kmemleak ]]; then
	# Objects must be older than 5 s and seen in two scans to be reported.
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	echo scan >/sys/kernel/debug/kmemleak
	leaks=$(cat /sys/kernel/debug/kmemleak)
	if [[ -n $leaks ]]; then
		echo "kmemleak report:"
		echo "$leaks"
		echo "MQTEST-KMEMLEAK found"
	fi
fi
if ((rc == 0)); then echo "MQTEST-RESULT pass"; else echo "MQTEST-RESULT fail (rc=$rc)"; fi
sync
poweroff -f
