#!/bin/bash
# PID 1 of a test guest, on the host's root filesystem under a tmpfs overlay.
# The kernel command line gives (as environment): mqrepo (the checkout),
# mqkind (stock|debug), mqmod (where mqnvme.ko is), mqselftest (the
# harness's own helper module), mqkmods (the debug kernel's module tree, if
# any), mqtools (the C++ test programs) and mqtmp (a host directory of this
# guest, also what @tmp@ in a test header names).
#
# It runs the tests of $mqtmp/plan one after the other (name, script, the
# PCI functions of the test's own controllers, its QEMU id prefix). Each
# test sees only its own controllers: every other NVMe function has a
# driver_override no driver matches. After each test everything it left
# behind goes (processes, mounts, modules, files in /tmp), kmemleak is
# scanned (debug kernel), and its kernel log goes to $mqtmp/<name>.dmesg for
# the host to judge. A guest that cannot be cleaned stops; the host gives
# the remaining tests a fresh one.
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
# The guest's host directory, uncached: files QEMU writes there (traces)
# are read fresh, which the cached root mount would not guarantee.
if [[ -n ${mqtmp:-} && -d $mqtmp ]]; then
	mount -t 9p -o trans=virtio,version=9p2000.L,cache=none,msize=512000 hosttmp "$mqtmp" ||
		echo "cannot mount hosttmp on $mqtmp"
fi
ip link set lo up 2>/dev/null
# The kernel booted on one CPU (maxcpus=1, see launch_guest): the others now.
for c in /sys/devices/system/cpu/cpu[0-9]*/online; do
	read -r on <"$c"
	((on)) || echo 1 >"$c" || echo "cannot bring ${c%/online} online"
done
# A heartbeat for the host: $mqtmp/heartbeat written every 5 s. A guest
# whose timers stopped (TCG was seen to lose a wakeup for minutes) stops
# writing it, and the host wakes it with an NMI instead of waiting for the
# test's time limit.
if [[ -n ${mqtmp:-} ]]; then
	(while :; do
		printf '%(%s)T\n' -1 >"$mqtmp/heartbeat"
		sleep 5
	done) </dev/null >/dev/null 2>&1 &
	heartbeat_pid=$!
fi
# Hung tasks are failures: report them quickly.
[[ -w /proc/sys/kernel/hung_task_timeout_secs ]] &&
	echo 60 >/proc/sys/kernel/hung_task_timeout_secs
cd "$mqrepo" || { echo "MQTEST-READY none (no repo $mqrepo)"; poweroff -f; }

kmemleak=/sys/kernel/debug/kmemleak
# mqnvme needs scsi_mod: loaded once here, it is part of the clean state.
modprobe scsi_mod
# What the guest looks like clean: modules, mounts, files in /tmp.
# (Builtins where a loop would fork per item: a fork costs ~0.1 s here.)
declare -A boot_modules=() boot_mounts=()
while read -r m _; do boot_modules[$m]=1; done </proc/modules
while read -r _ m _; do boot_mounts[$m]=1; done </proc/mounts
declare -A boot_tmp=()
for p in /tmp/* /tmp/.[!.]*; do boot_tmp[$p]=1; done
nvme_functions=()
for d in /sys/bus/pci/devices/*; do
	read -r cls <"$d/class"
	[[ $cls == 0x010802 ]] && nvme_functions+=("$d")
done
for d in "${nvme_functions[@]}"; do echo none >"$d/driver_override"; done
[[ -w $kmemleak ]] && echo clear >"$kmemleak"

# clean_up SESSION: end what a test left behind; DIRTY names the driver's
# modules that would not unload.
clean_up() {
	local sid=$1 p m i st f left=() mounts=()
	pkill -KILL -s "$sid" 2>/dev/null
	# Daemons a test started (udevd) have sessions of their own: every
	# user process but this one goes. Field 9 of stat is the flags word;
	# PF_KTHREAD (0x00200000) marks kernel threads.
	for p in /proc/[0-9]*; do
		p=${p#/proc/}
		((p == 1 || p == BASHPID || p == ${heartbeat_pid:-0})) && continue
		{ read -r st <"/proc/$p/stat"; } 2>/dev/null || continue
		read -r -a f <<<"${st##*) }"
		((f[6] & 0x00200000)) && continue
		kill -KILL "$p" 2>/dev/null
	done
	sleep 0.2
	sync
	while read -r _ m _; do
		[[ -n ${boot_mounts[$m]:-} ]] || mounts=("$m" "${mounts[@]}")
	done </proc/mounts
	for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null; done
	for i in 1 2 3 4 5; do
		left=()
		while read -r m _; do
			[[ -n ${boot_modules[$m]:-} ]] || left+=("$m")
		done </proc/modules
		((${#left[@]})) || break
		for m in "${left[@]}"; do rmmod "$m" 2>/dev/null; done
	done
	for d in "${nvme_functions[@]}"; do
		[[ -e $d/driver ]] && echo "${d##*/}" >"$d/driver/unbind"
		[[ -e $d ]] && echo none >"$d/driver_override"
	done
	# Files the test made in /tmp: its private tmpfs went with the mounts
	# above; with the checkout under /tmp, what was not there at boot.
	if [[ $mqrepo == /tmp/* ]]; then
		for p in /tmp/* /tmp/.[!.]*; do
			[[ -e $p && -z ${boot_tmp[$p]:-} ]] && rm -rf "$p"
		done
	fi
	# A module that will not go (crct10dif_pclmul once crc_t10dif used it)
	# and is not the driver's becomes part of the clean state.
	for m in "${!left[@]}"; do
		[[ ${left[$m]} == mqnvme* ]] && continue
		boot_modules[${left[$m]}]=1
		echo "MQTEST-NOTE ${left[$m]} stays loaded"
		unset "left[$m]"
	done
	local IFS=,
	DIRTY="${left[*]}"
}

# leak_scan NAME ENDED: the second kmemleak scan of test NAME (which ended
# at SECONDS=ENDED), run while the next test starts. An object is reported
# when a scan finds it unreferenced, at least 5 s old and unchanged since
# the scan before: the first scan (right after the clean-up, before the
# next test begins) took the checksums, so nothing the next test allocates
# can be reported here. The report goes to $mqtmp/NAME.kmemleak, the
# verdict to the console ("MQTEST-LEAKS NAME leaks=0|1"); "clear" keeps
# what was found from being reported again.
leak_scan() {
	local name=$1 ended=$2 report
	((SECONDS - ended < 6)) && sleep $((6 - (SECONDS - ended)))
	# A kmemleak that stopped (it disables itself on internal errors)
	# answers nothing: that is no verdict, not "no leaks".
	if ! echo scan >"$kmemleak" || ! report=$(cat "$kmemleak"); then
		echo "MQTEST-LEAKS $name leaks=error"
		return
	fi
	echo clear >"$kmemleak"
	if [[ -n $report ]]; then
		printf '%s\n' "$report" >"$mqtmp/$name.kmemleak"
		echo "MQTEST-LEAKS $name leaks=1"
	else
		echo "MQTEST-LEAKS $name leaks=0"
	fi
}
leak_pid=
wait_leak_scan() {
	[[ -n $leak_pid ]] && wait "$leak_pid"
	leak_pid=
}

echo "MQTEST-READY $(uname -r), $(nproc) CPUs"
while IFS=$'\t' read -r -u 3 name script bdfs prefix keep; do
	[[ -n $name ]] || continue
	echo "5 4 1 7" >/proc/sys/kernel/printk
	for b in ${bdfs//,/ }; do
		[[ $b == - ]] || echo >"/sys/bus/pci/devices/$b/driver_override"
	done
	# A /tmp of its own (unless the checkout lives there: CI may clone
	# anywhere).
	[[ $mqrepo == /tmp/* ]] || mount -t tmpfs -o size=50% tmpfs /tmp
	echo "<6>mqtest: begin $name" >/dev/kmsg
	echo "MQTEST-BEGIN $name"
	start=$SECONDS
	MQ_BDFS=${bdfs//,/ } MQ_QID=$prefix mqtest=$script setsid bash qemu-tests/guest-test.sh </dev/null &
	pid=$!
	wait "$pid"
	rc=$?
	wait_leak_scan
	if [[ -n $keep ]]; then
		# "# keep-loaded:": the test ends the guest with its modules
		# loaded (a power-off runs their .shutdown hooks).
		echo "<6>mqtest: end $name" >/dev/kmsg
		dmesg -r | sed -n "/mqtest: begin $name\$/,\$p" >"$mqtmp/$name.dmesg"
		echo "MQTEST-END $name rc=$rc secs=$((SECONDS - start)) leaks=0 dirty=0"
		break
	fi
	ended=$SECONDS
	clean_up "$pid"
	ended2=$SECONDS
	dirty=$DIRTY
	leaks=0
	if [[ -w $kmemleak ]]; then
		t0=$SECONDS
		echo scan >"$kmemleak"
		echo "MQTEST-NOTE clean-up $((ended2 - ended)) s, first kmemleak scan $((SECONDS - t0)) s"
		leak_scan "$name" "$ended" &
		leak_pid=$!
		leaks=pending
	fi
	echo "<6>mqtest: end $name" >/dev/kmsg
	# kmemleak's own "N new suspected memory leaks" line comes from the
	# harness's scans (the report decides, see leak_scan), and the second
	# scan of a test runs in the next one's time.
	dmesg -r | awk -v b="mqtest: begin $name" -v e="mqtest: end $name" '
		function ends(s, t) { return substr(s, length(s) - length(t) + 1) == t }
		/kmemleak: [0-9]+ new suspected memory leaks/ {next}
		ends($0, b) {on = 1} on {print} ends($0, e) {on = 0}' >"$mqtmp/$name.dmesg"
	[[ -n $dirty ]] && echo "MQTEST-DIRTY $name: modules that would not unload: $dirty"
	echo "MQTEST-END $name rc=$rc secs=$((SECONDS - start)) leaks=$leaks dirty=${dirty:-0}"
	[[ -n $dirty ]] && break
done 3<"$mqtmp/plan"
wait_leak_scan
sync
poweroff -f
