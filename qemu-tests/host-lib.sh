# shellcheck shell=bash
# Host side of the QEMU harness: guest kernels, initramfs, module builds,
# booting one test and judging its log. Sourced by run.sh and bench.sh;
# expects $top, $build and $logs.

STOCK_KVER=$(ls /lib/modules 2>/dev/null | grep -E '^6\.12\..*-amd64$' | sort -V | tail -n 1)
STOCK_KERNEL=/boot/vmlinuz-$STOCK_KVER
STOCK_KDIR=/usr/src/linux-headers-$STOCK_KVER
DEBUG_SRC=
DEBUG_KVER=

# The module sources, copied per kernel so two builds never share objects.
mod_sources() {
	echo "$top/Kbuild" "$top/drivers" "$top/include" "$top/kunit"
}

build_module() { # KDIR OUTDIR
	local kdir=$1 out=$2
	mkdir -p "$out"
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' $(mod_sources) "$out/" >/dev/null || return 1
	# rsync --delete above only prunes inside the copied folders.
	make -s -C "$kdir" M="$out" W=1 modules >"$logs/build-$(basename "$out").log" 2>&1 || {
		cat "$logs/build-$(basename "$out").log" >&2
		return 1
	}
	if grep -q "warning:" "$logs/build-$(basename "$out").log"; then
		echo "module build for $kdir has warnings:" >&2
		grep "warning:" "$logs/build-$(basename "$out").log" >&2
		return 1
	fi
}

newer_than() { # FILE DEP... : true when FILE is missing or older than a DEP
	local f=$1 d
	shift
	[[ -e $f ]] || return 0
	for d; do [[ $d -nt $f ]] && return 0; done
	return 1
}

prepare_stock() {
	[[ -n $STOCK_KVER && -f $STOCK_KERNEL ]] || {
		echo "no Debian 6.12 kernel installed: run scripts/deps.sh" >&2
		return 1
	}
	STOCK_INITRD=$build/initramfs-stock.cpio.gz
	if newer_than "$STOCK_INITRD" "$top/qemu-tests/mkinitramfs.sh"; then
		"$top/qemu-tests/mkinitramfs.sh" "$STOCK_INITRD" "$STOCK_KVER" || return 1
	fi
	build_module "$STOCK_KDIR" "$build/mod-stock" || return 1
	build_tools || return 1
}

prepare_debug() {
	DEBUG_SRC=$("$top/scripts/build-debug-kernel.sh") || return 1
	DEBUG_KVER=$(cat "$DEBUG_SRC/include/config/kernel.release")
	DEBUG_KERNEL=$DEBUG_SRC/arch/x86/boot/bzImage
	DEBUG_MODROOT=$build/debug-kernel/modroot
	if newer_than "$DEBUG_MODROOT/lib/modules/$DEBUG_KVER/modules.dep" "$DEBUG_KERNEL"; then
		rm -rf "$DEBUG_MODROOT"
		make -s -C "$DEBUG_SRC" INSTALL_MOD_PATH="$DEBUG_MODROOT" modules_install >/dev/null || return 1
	fi
	DEBUG_INITRD=$build/initramfs-debug.cpio.gz
	if newer_than "$DEBUG_INITRD" "$top/qemu-tests/mkinitramfs.sh"; then
		"$top/qemu-tests/mkinitramfs.sh" "$DEBUG_INITRD" || return 1
	fi
	build_module "$DEBUG_SRC" "$build/mod-debug" || return 1
	build_tools || return 1
}

# C++ test programs (qemu-tests/tools/), built once per run on the host, run
# in guests as $mqtools/NAME.
build_tools() {
	[[ -n ${TOOLS_BUILT:-} ]] && return 0
	if [[ -f $top/qemu-tests/tools/CMakeLists.txt ]]; then
		cmake -S "$top/qemu-tests/tools" -B "$build/tools" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
			cmake --build "$build/tools" -j2 >/dev/null || return 1
	fi
	TOOLS_BUILT=1
}

# test_header FILE KEY: the values of "# KEY: ..." lines, joined by spaces.
test_header() {
	sed -n "s/^# $2: //p" "$1" | tr '\n' ' ' | sed 's/ *$//'
}

# Kernel log lines that fail any test (KASAN, lockdep, WARN, oops, leaks...).
BAD_KERNEL_LOG='BUG:|WARNING:|Oops|KASAN|UBSAN|general protection|Kernel panic|Call Trace:|possible circular locking|possible recursive locking|inconsistent lock state|lock held when returning|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|INFO: task .* blocked for more than|soft lockup|hard LOCKUP|refcount_t:|list_add corruption|list_del corruption|sleeping function called from invalid context|unreferenced object|stack-protector|double fault'

# qmp_relay DIR: carry out the QMP requests a guest leaves in DIR (qmp in
# lib.sh writes DIR/qmp-req.N) on its own QEMU's socket DIR/qmp.sock, and
# put QEMU's answers in DIR/qmp-resp.N. Runs until killed.
qmp_relay() {
	local dir=$1 req n
	while :; do
		for req in "$dir"/qmp-req.*; do
			[[ -f $req ]] || continue
			n=${req##*.}
			# Stdin stays open a moment: QEMU answers before it sees EOF.
			{ echo '{"execute":"qmp_capabilities"}'; cat "$req"; sleep 0.5; } |
				socat -t 1 - "UNIX-CONNECT:$dir/qmp.sock" >"$dir/qmp-ans.$n" 2>&1
			mv "$dir/qmp-ans.$n" "$dir/qmp-resp.$n"
			rm -f "$req"
		done
		sleep 0.2
	done
}

# run_guest TEST KIND NAME [--show]: boot one guest for TEST; 0 when it passed.
run_guest() {
	local t=$1 kind=$2 name=$3 show=${4:-}
	local log=$logs/$name.$kind.log tmp=$build/tmp/$name.$kind
	local smp mem tmo append qopts kernel initrd kmods=
	smp=$(test_header "$t" smp); smp=${smp:-2}
	mem=$(test_header "$t" mem); mem=${mem:-2G}
	tmo=$(test_header "$t" timeout); tmo=${tmo:-300}
	[[ $kind == debug ]] && tmo=$((tmo * 3))
	append=$(test_header "$t" append)
	qopts=$(test_header "$t" qemu)
	rm -rf "$tmp"
	mkdir -p "$tmp"
	while read -r dname dsize; do
		[[ -n $dname ]] || continue
		truncate -s "$dsize" "$tmp/$dname.img"
		qopts=${qopts//@$dname@/$tmp/$dname.img}
	done < <(sed -n 's/^# disk: //p' "$t")
	qopts=${qopts//@tmp@/$tmp}
	local relay=
	if [[ -n $(test_header "$t" qmp) ]]; then
		qopts+=" -qmp unix:$tmp/qmp.sock,server=on,wait=off"
		qmp_relay "$tmp" &
		relay=$!
	fi
	if [[ $kind == stock ]]; then
		kernel=$STOCK_KERNEL initrd=$STOCK_INITRD
	else
		kernel=$DEBUG_KERNEL initrd=$DEBUG_INITRD
		kmods=$DEBUG_MODROOT/lib/modules/$DEBUG_KVER
		# KASAN+lockdep make ACPI's AML interpreter so slow under TCG that
		# evaluating _PRT trips the soft-lockup detector: route legacy
		# interrupts from the BIOS tables instead.
		append="kunit.enable=1 $append"
	fi
	local start=$SECONDS rc attempt note=
	for attempt in 1 2; do
		# shellcheck disable=SC2086
		timeout --foreground -k 10 "$tmo" qemu-system-x86_64 \
			-machine q35 -accel tcg,thread=multi -cpu max -smp "$smp" -m "$mem" \
			-display none -monitor none -serial stdio -no-reboot \
			-kernel "$kernel" -initrd "$initrd" \
			-append "console=ttyS0 panic=-1 mqinit=$top/qemu-tests/guest-init.sh mqrepo=$top mqtest=$t mqkind=$kind mqmod=$build/mod-$kind mqkmods=$kmods mqtools=$build/tools mqtmp=$tmp $append" \
			-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
			-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
			-fsdev local,id=hosttmp,path="$tmp",security_model=none,multidevs=remap \
			-device virtio-9p-pci,fsdev=hosttmp,mount_tag=hosttmp \
			$qopts </dev/null >"$log" 2>&1
		rc=$?
		# A guest that died before the test began (TCG occasionally trips
		# over the kernel's own boot-time code patching) is booted again
		# once; anything after MQTEST-BEGIN counts.
		grep -q "^MQTEST-BEGIN" "$log" && break
		((attempt == 1)) || break
		note=" (booted twice: $(grep -a -m1 -E 'Oops|BUG:|Kernel panic' "$log" || echo "guest died before the test"))"
		cp "$log" "$log.boot-failure"
	done
	[[ -n $relay ]] && { kill "$relay"; wait "$relay"; } 2>/dev/null
	local why= secs=$((SECONDS - start))
	if ((rc == 124 || rc == 137)); then
		why="timed out after $tmo s"
	elif ! grep -q "^MQTEST-RESULT pass" "$log"; then
		why=$(grep -m1 -E "^FAIL:|^MQTEST-RESULT" "$log" || echo "guest died (qemu rc $rc)")
	elif grep -q "^MQTEST-KMEMLEAK" "$log"; then
		why="kmemleak found leaks"
	fi
	local bad
	bad=$(grep -aE '^\[ *[0-9]+\.[0-9]+\] ' "$log" | grep -aE "$BAD_KERNEL_LOG" | head -n 5)
	[[ -n $bad && -z $why ]] && why="kernel log: $(echo "$bad" | head -n 1)"
	rm -rf "$tmp"
	if [[ -n $show ]]; then
		sed -n '/^MQTEST-BEGIN/,/^MQTEST-RESULT/p' "$log"
	fi
	if [[ -z $why ]]; then
		printf 'PASS %-28s %-6s %4d s%s\n' "$name" "$kind" "$secs" "$note"
		return 0
	fi
	printf 'FAIL %-28s %-6s %4d s: %s%s\n' "$name" "$kind" "$secs" "$why" "$note"
	[[ -n $bad ]] && echo "$bad" | sed 's/^/    /'
	echo "    log: $log (last lines below)"
	tail -n 25 "$log" | sed 's/^/    | /'
	return 1
}

# Host-side gates run by `run.sh --all` before any guest: sparse and
# checkpatch --strict must be silent (W=1 warnings already fail the build).
static_checks() {
	local out=$build/mod-sparse cp rc=0 log
	build_module "$STOCK_KDIR" "$out" || return 1
	log=$logs/sparse.log
	make -C "$STOCK_KDIR" M="$out" W=1 C=2 modules >"$log" 2>&1 || rc=1
	if grep -E "warning:|error:" "$log"; then
		echo "FAIL sparse: see $log"
		rc=1
	else
		echo "PASS sparse ($(grep -c ' CHECK ' "$log") files)"
	fi
	cp=$(ls "$build"/debug-kernel/linux-source-6.12/scripts/checkpatch.pl 2>/dev/null)
	[[ -n $cp ]] || { echo "FAIL checkpatch: no kernel tree (build the debug kernel)"; return 1; }
	log=$logs/checkpatch.log
	(cd "$top" && perl "$cp" --no-tree --strict --terse --show-types \
		-f drivers/*.c include/*.h kunit/*.c) >"$log" 2>&1
	if grep -E "ERROR|WARNING|CHECK" "$log"; then
		echo "FAIL checkpatch --strict: see $log"
		rc=1
	else
		echo "PASS checkpatch --strict ($(ls "$top"/drivers/*.c "$top"/include/*.h "$top"/kunit/*.c | wc -l) files)"
	fi
	return $rc
}
