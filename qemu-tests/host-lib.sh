# shellcheck shell=bash
# Host side of the QEMU harness: guest kernels, initramfs, module builds,
# guests that run several tests each, and the judging of every test's log.
# Sourced by run.sh and bench.sh; expects $top, $build and $logs.

# The stock kernel (STOCK_KVER, STOCK_KDIR, STOCK_KERNEL, STOCK_MODROOT).
# shellcheck source=scripts/stock-kernel.sh
source "$top/scripts/stock-kernel.sh"
DEBUG_SRC=
DEBUG_KVER=

# The module sources, copied per kernel so two builds never share objects.
mod_sources() {
	echo "$top/Kbuild" "$top/drivers" "$top/include" "$top/kunit"
}

# build_module KDIR OUTDIR [SOURCES...]: an out-of-tree module build in its
# own folder (default: mqnvme); a W=1 warning fails it.
build_module() {
	local kdir=$1 out=$2 blog
	shift 2
	(($#)) || set -- $(mod_sources)
	blog=$logs/build-$(basename "$out").log
	mkdir -p "$out"
	rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		--exclude='*.mod*' "$@" "$out/" >/dev/null || return 1
	make -s -j"$(nproc)" -C "$kdir" M="$out" W=1 modules >"$blog" 2>&1 || {
		cat "$blog" >&2
		return 1
	}
	if grep -q "warning:" "$blog"; then
		echo "module build for $kdir has warnings:" >&2
		grep "warning:" "$blog" >&2
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

# The helper module of the harness's own positive controls.
SELFTEST_SRC=$top/qemu-tests/selftest

prepare_stock() {
	[[ -n $STOCK_KVER && -f $STOCK_KERNEL ]] || {
		echo "no Debian 6.12 kernel installed: run scripts/deps.sh" >&2
		return 1
	}
	STOCK_INITRD=$build/initramfs-stock.cpio.gz
	if newer_than "$STOCK_INITRD" "$top/qemu-tests/mkinitramfs.sh" "$STOCK_KERNEL"; then
		"$top/qemu-tests/mkinitramfs.sh" "$STOCK_INITRD" "$STOCK_KVER" "$STOCK_MODROOT" || return 1
	fi
	build_module "$STOCK_KDIR" "$build/mod-stock" || return 1
	build_module "$STOCK_KDIR" "$build/selftest-stock" "$SELFTEST_SRC/" || return 1
	build_tools || return 1
}

prepare_debug() {
	DEBUG_SRC=$("$top/scripts/build-debug-kernel.sh") || return 1
	DEBUG_KVER=$(cat "$DEBUG_SRC/include/config/kernel.release")
	DEBUG_KERNEL=$DEBUG_SRC/arch/x86/boot/bzImage
	DEBUG_MODROOT=$build/debug-modroot
	if newer_than "$DEBUG_MODROOT/lib/modules/$DEBUG_KVER/modules.dep" "$DEBUG_KERNEL"; then
		rm -rf "$DEBUG_MODROOT"
		make -s -C "$DEBUG_SRC" INSTALL_MOD_PATH="$DEBUG_MODROOT" modules_install >/dev/null || return 1
	fi
	DEBUG_INITRD=$build/initramfs-debug.cpio.gz
	if newer_than "$DEBUG_INITRD" "$top/qemu-tests/mkinitramfs.sh"; then
		"$top/qemu-tests/mkinitramfs.sh" "$DEBUG_INITRD" || return 1
	fi
	build_module "$DEBUG_SRC" "$build/mod-debug" || return 1
	build_module "$DEBUG_SRC" "$build/selftest-debug" "$SELFTEST_SRC/" || return 1
	build_tools || return 1
}

# C++ test programs (qemu-tests/tools/), built once per run on the host, run
# in guests as $mqtools/NAME.
build_tools() {
	[[ -n ${TOOLS_BUILT:-} ]] && return 0
	if [[ -f $top/qemu-tests/tools/CMakeLists.txt ]]; then
		cmake -S "$top/qemu-tests/tools" -B "$build/tools" -DCMAKE_BUILD_TYPE=Release >/dev/null &&
			cmake --build "$build/tools" -j"$(nproc)" >/dev/null || return 1
	fi
	TOOLS_BUILT=1
}

# test_header FILE KEY: the values of "# KEY: ..." lines, joined by spaces.
test_header() {
	sed -n "s/^# $2: //p" "$1" | tr '\n' ' ' | sed 's/ *$//'
}

# Kernel log lines that fail any test at any log level (KASAN, lockdep,
# WARN, oops, leaks...). No allow-list applies to these.
BAD_KERNEL_LOG='BUG:|WARNING:|Oops|KASAN|UBSAN|general protection|Kernel panic|Call Trace:|possible circular locking|possible recursive locking|inconsistent lock state|lock held when returning|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|INFO: task .* blocked for more than|soft lockup|hard LOCKUP|refcount_t:|list_add corruption|list_del corruption|sleeping function called from invalid context|unreferenced object|new suspected memory leaks|stack-protector|double fault|rcu: INFO|detected stalls? on CPU|self-detected stall'

# Besides those, every kernel message of level err or worse (I/O errors,
# "EXT4-fs error", the driver's own dev_err, RCU stalls...) fails a test,
# unless the test's "# allow: REGEX" lines name it as provoked on purpose.

# test_timeout FILE KIND: seconds the test may take ("# timeout: STOCK
# DEBUG"; DEBUG defaults to 3 x STOCK).
test_timeout() {
	local t
	read -r -a t <<<"$(test_header "$1" timeout)"
	if [[ $2 == debug ]]; then
		echo "${t[1]:-$((${t[0]:-300} * 3))}"
	else
		echo "${t[0]:-300}"
	fi
}

# group_key FILE KIND: tests with equal keys can share one guest: same vCPU
# count, memory, kernel command line and CPU model; "# guest: NAME" and
# QEMU trace files keep a test (or a named set) in a guest of its own.
group_key() {
	local t=$1 q own after
	# "# after: TEST": in TEST's guest (the harness's positive controls,
	# which need no guest of their own).
	after=$(test_header "$t" after)
	if [[ -n $after ]]; then
		group_key "$top/qemu-tests/tests/$after.sh" "$2"
		return
	fi
	q=$(test_header "$t" qemu)
	own=$(test_header "$t" guest)
	[[ $q == *"-trace "* ]] && own="trace-$(basename "$t" .sh)"
	printf 'smp=%s mem=%s append=%s cpu=%s guest=%s' \
		"$(test_header "$t" smp)" "$(test_header "$t" mem)" \
		"$(test_header "$t" append)" "$(grep -o -- '-cpu [^ ]*' <<<"$q")" "$own"
}

# The union of several tests' devices goes on the root bus: NVMe
# controllers at fixed slots so the guest knows which test owns which, the
# harness's own virtio-9p functions at the top.
SLOT_FIRST=1
SLOT_LAST=28
MAX_CTRLS=$((SLOT_LAST - SLOT_FIRST + 1))

# nr_ctrls FILE: NVMe controllers a test's QEMU line adds.
nr_ctrls() {
	test_header "$1" qemu | tr ' ' '\n' | grep -cE '^nvme(,|$)'
}

# qemu_union TMP TESTS...: the QEMU options for all TESTS (disk images made
# under TMP/<test>/, ids prefixed with "<test>_" so they cannot clash) and
# the plan the guest follows (TMP/plan: name, script, PCI functions, id
# prefix, "# keep-loaded:" one line per test). Prints the options.
qemu_union() {
	local tmp=$1 t name prefix tok prev slot=$SLOT_FIRST bdfs opts=() dname dsize
	shift
	: >"$tmp/plan"
	for t; do
		name=$(basename "$t" .sh)
		prefix=${name//-/_}_
		mkdir -p "$tmp/$name"
		local q
		q=$(test_header "$t" qemu)
		while read -r dname dsize; do
			[[ -n $dname ]] || continue
			truncate -s "$dsize" "$tmp/$name/$dname.img"
			q=${q//@$dname@/$tmp/$name/$dname.img}
		done < <(sed -n 's/^# disk: //p' "$t")
		q=${q//@tmp@/$tmp}
		bdfs= prev=
		for tok in $q; do
			case $prev in
			-device | -drive | -blockdev | -object)
				tok=$(sed -E "s/(^|,)(id|drive|bus|subsys|node-name)=/\1\2=$prefix/g" <<<"$tok")
				if [[ $prev == -device && $tok =~ ^nvme(,|$) ]]; then
					tok+=$(printf ',addr=0x%x' "$slot")
					bdfs+=$(printf '%s0000:00:%02x.0' "${bdfs:+,}" "$slot")
					slot=$((slot + 1))
				fi
				;;
			esac
			opts+=("$tok")
			prev=$tok
		done
		printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$t" "${bdfs:--}" "$prefix" \
			"$(test_header "$t" keep-loaded)" >>"$tmp/plan"
	done
	echo "${opts[*]}"
}

# qmp_relay DIR: carry out the QMP requests a guest leaves in DIR (qmp in
# lib.sh writes DIR/qmp-req.N) on its own QEMU's socket DIR/qmp.sock, and
# put QEMU's answers in DIR/qmp-resp.N. Runs until killed.
#
# It also connects to the socket once a second, asking nothing: that wakes
# QEMU's main loop, which runs the timers that are due. QEMU 7.2's TCG was
# seen to leave a guest asleep for minutes with its timers long due (the
# clocksource watchdog counted 161 s of TSC against 33 s of HPET; an idle
# CPU's soft-lockup timer did not run for 53 s). This alone did not stop
# it (26 s once more): the guests also keep their APIC timer periodic
# (MQ_GUEST_TICK in launch_guest), and a stalled heartbeat brings an NMI.
qmp_relay() {
	local dir=$1 req n tick=0
	while :; do
		if ((++tick % 5 == 0)); then
			socat -t 0.1 - "UNIX-CONNECT:$dir/qmp.sock" </dev/null >/dev/null 2>&1
		fi
		for req in "$dir"/qmp-req.*; do
			[[ -f $req ]] || continue
			n=${req##*.}
			qmp_host "$dir" "$(cat "$req")" >"$dir/qmp-ans.$n"
			mv "$dir/qmp-ans.$n" "$dir/qmp-resp.$n"
			rm -f "$req"
		done
		sleep 0.2
	done
}

# qmp_host DIR JSON...: run QMP commands on the guest's QEMU from the host;
# prints QEMU's answers.
qmp_host() {
	local dir=$1 c
	shift
	# Stdin stays open a moment: QEMU answers before it sees EOF.
	{
		echo '{"execute":"qmp_capabilities"}'
		for c; do echo "$c"; done
		sleep 0.5
	} | socat -t 1 - "UNIX-CONNECT:$dir/qmp.sock" 2>&1
}

# guest_sysrq DIR KEY...: press Alt-SysRq-KEY on the guest's PS/2 keyboard
# (guests boot with sysrq_always_enabled).
guest_sysrq() {
	local dir=$1 k
	shift
	for k; do
		qmp_host "$dir" "$(printf '{"execute":"send-key","arguments":{"keys":[%s,%s,%s]}}' \
			'{"type":"qcode","data":"alt"}' '{"type":"qcode","data":"sysrq"}' \
			"{\"type\":\"qcode\",\"data\":\"$k\"}")" >/dev/null
		sleep 2
	done
}

# nudge_guest DIR CONSOLE test|heartbeat: send an NMI to the guest's
# vCPUs; true when, within 10 s, what stood still moved: the test printed
# something, or the guest wrote its heartbeat. (A healthy guest beats while
# a hung test waits: only a stalled heartbeat may be judged by the beat.)
nudge_guest() {
	local dir=$1 con=$2 what=$3 mark hb i
	mark=$(grep -a -c . "$con")
	hb=$(heartbeat_age "$dir")
	qmp_host "$dir" '{"execute":"inject-nmi"}' >/dev/null
	for ((i = 0; i < 10; i++)); do
		sleep 1
		if [[ $what == heartbeat ]]; then
			(($(heartbeat_age "$dir") < hb)) && return 0
		else
			tail -n +"$((mark + 1))" "$con" | grep -a -vE '^\[ *[0-9]+\.[0-9]+\] ' | grep -aq . && return 0
		fi
	done
	return 1
}

# heartbeat_age DIR: seconds since the guest last wrote DIR/heartbeat
# (guest-init.sh does every 5 s; 0 before the first).
heartbeat_age() {
	local m
	m=$(stat -c %Y "$1/heartbeat" 2>/dev/null) || { echo 0; return; }
	echo $(($(date +%s) - m))
}

# The kernel's lines about the NMI the harness sends a stalled guest.
NMI_LINES='NMI received for unknown reason|Dazed and confused|Do you have a strange power saving mode'

# hang_summary LOG: from the SysRq dumps a hang left in LOG, each blocked
# task and the first frames of its stack, and what each CPU was doing.
hang_summary() {
	awk '
	/sysrq: Show Blocked State/ { on = 1 }
	/sysrq: Show backtrace of all active CPUs/ { on = 1 }
	!on { next }
	{ sub(/^\[ *[0-9.]+\] /, "") }
	/^task:/ { split($1, a, ":"); task = a[2]; st = $0; sub(/.*state:/, "", st); sub(/ .*/, "", st)
		printf "\n  blocked: %s (%s):", task, st; n = 0; next }
	/^NMI backtrace for cpu/ { printf "\n  %s:", $0; n = 0; next }
	/^ *(\? )?[a-z_0-9.]+\+0x/ && n < 8 && $1 != "?" {
		f = $1; sub(/\+.*/, "", f)
		if (f !~ /^(__schedule|schedule|schedule_timeout|io_schedule|nmi_cpu_backtrace|nmi_trigger_cpumask_backtrace|dump_stack_lvl|show_stack)$/) { printf " %s", f; n++ }
	}
	END { print "" }' "$1" | grep -v '^$' | head -n 20
}

# Results of run_tests, by "name kind": "PASS secs note" or "FAIL secs why".
declare -gA RESULT=()
declare -ga RESULT_ORDER=()
BOOT_RETRIES=0
NUDGES=0
# MQ_DEADLINE (seconds since the epoch): nothing starts or runs past it.
MQ_DEADLINE=${MQ_DEADLINE:-$(($(date +%s) + 85 * 60))}

record() { # NAME KIND VERDICT SECS TEXT
	[[ -n ${RESULT["$1 $2"]:-} ]] || RESULT_ORDER+=("$1 $2")
	RESULT["$1 $2"]="$3 $4 $5"
}

# section LOG NAME: the console lines of test NAME (from its MQTEST-BEGIN to
# the next test's, or the end of the log).
section() {
	awk -v n="$2" '/^MQTEST-(BEGIN|READY) / {on = ($1 == "MQTEST-BEGIN" && $2 == n)} on' "$1"
}

# judge NAME KIND TEST CONSOLE DMESG SECS: the verdict on one test that
# ran to its end; records it and prints its line.
judge() {
	local name=$1 kind=$2 t=$3 con=$4 dm=$5 secs=$6 why= end bad allow expect
	local out=$logs/$name.$kind.log
	section "$con" "$name" >"$out"
	end=$(grep -a -m1 "^MQTEST-END $name " "$out")
	allow=$(sed -n 's/^# allow: //p' "$t" | paste -sd'|')
	# A test the harness woke with an NMI (launch_guest's nudged): the
	# kernel's lines about that NMI are the harness's, not the test's.
	if [[ -n ${nudged[$name]:-} ]]; then
		allow=${allow:+$allow|}$NMI_LINES
		note=" (stalled at ${nudged[$name]} s, went on after an NMI)"
		NUDGES=$((NUDGES + 1))
	fi
	expect=$(test_header "$t" expect-fail)
	if [[ -z $end ]]; then
		why="no end marker"
	elif [[ $end != *" rc=0 "* ]]; then
		why=$(grep -a -m1 -E "^FAIL:" "$out" || echo "exit ${end#* rc=}")
	fi
	# The second kmemleak scan (debug kernel) ends during the next test.
	if [[ $end == *" leaks=pending"* ]]; then
		local leaks
		leaks=$(grep -a -m1 "^MQTEST-LEAKS $name " "$con")
		if [[ -z $leaks ]]; then
			[[ -z $why ]] && why="no kmemleak verdict (the guest ended before its scan)"
		elif [[ $leaks == *" leaks=error" ]]; then
			[[ -z $why ]] && why="no kmemleak verdict (kmemleak did not answer its scan)"
		elif [[ $leaks == *" leaks=1" ]]; then
			[[ -z $why ]] && why="kmemleak found leaks"
			{
				echo "---- kmemleak report ----"
				cat "$(dirname "$dm")/$name.kmemleak" 2>/dev/null
			} >>"$out"
		fi
	fi
	# A module that would not unload ends the guest (the next tests get a
	# fresh one); when it is the driver's own, that is the test's failure.
	[[ $end == *" dirty="*mqnvme* && -z $why ]] && why="module would not unload: ${end##* dirty=}"
	# Every kernel line of the section and of its dmesg: reports at any
	# level, errors unless allowed.
	if [[ -f $dm ]]; then
		{
			echo "---- kernel log of $name (dmesg -r) ----"
			cat "$dm"
		} >>"$out"
		bad=$(grep -aE "$BAD_KERNEL_LOG" "$dm" | head -n 5)
		[[ -z $bad ]] && bad=$(awk -F'>' '/^<[0-9]+>/ && substr($1, 2) % 8 <= 3' "$dm" |
			{ if [[ -n $allow ]]; then grep -avE "$allow"; else cat; fi } | head -n 5)
	else
		[[ -z $why ]] && why="no kernel log from the guest"
	fi
	[[ -z $bad ]] && bad=$(grep -aE '^\[ *[0-9]+\.[0-9]+\] ' "$out" | grep -aE "$BAD_KERNEL_LOG" | head -n 5)
	# A check on the host once the guest is gone ("# host-check: SCRIPT",
	# given the guest's host directory).
	local hc
	hc=$(test_header "$t" host-check)
	if [[ -n $hc && -z $why ]]; then
		if ! "$top/$hc" "$(dirname "$dm")" >>"$out" 2>&1; then
			why=$(grep -a '^FAIL' "$out" | tail -n 1)
			why="host check: ${why:-$hc failed}"
		fi
	fi
	[[ -n $bad && -z $why ]] && why="kernel log: $(head -n 1 <<<"$bad")"
	finish "$name" "$kind" "$secs" "$why" "$expect" "$bad" "$out"
}

# finish NAME KIND SECS WHY EXPECT BAD OUT: record and print a verdict. A
# test with "# expect-fail: REGEX" (the harness's positive controls) passes
# only when it failed for a reason matching REGEX.
finish() {
	local name=$1 kind=$2 secs=$3 why=$4 expect=$5 bad=$6 out=$7
	if [[ -n $expect ]]; then
		if [[ -n $why ]] && grep -qE "$expect" <<<"$why"; then
			bad= why= note=" (detector fired: ${4:0:60})"
		else
			why="the harness missed what this test provokes ($expect): ${why:-it passed}"
			bad=
		fi
	fi
	if [[ -z $why ]]; then
		record "$name" "$kind" PASS "$secs" "${note:-}"
		printf 'PASS %-28s %-6s %4d s%s\n' "$name" "$kind" "$secs" "${note:-}"
		note=
		return 0
	fi
	note=
	record "$name" "$kind" FAIL "$secs" "$why"
	printf 'FAIL %-28s %-6s %4d s: %s\n' "$name" "$kind" "$secs" "$why"
	[[ -n $bad ]] && sed 's/^/    /' <<<"$bad"
	echo "    log: $out (last lines below)"
	tail -n 25 "$out" 2>/dev/null | sed 's/^/    | /'
	return 1
}

# run_tests KIND TESTS...: run TESTS on KIND in as few guests as their
# set-ups allow; records and prints a verdict per test.
run_tests() {
	local kind=$1 t key k i n
	shift
	local -A members=()
	local -a keys=() ordered=()
	# A "# keep-loaded:" test ends its guest: it goes last. "# after:"
	# tests (the positive controls) come after the others: what they
	# provoke taints the kernel, and a tainted kernel has turned lockdep
	# off for the rest of its guest.
	for t; do [[ -z $(test_header "$t" keep-loaded)$(test_header "$t" after) ]] && ordered+=("$t"); done
	for t; do [[ -n $(test_header "$t" after) ]] && ordered+=("$t"); done
	for t; do [[ -n $(test_header "$t" keep-loaded) ]] && ordered+=("$t"); done
	for t in "${ordered[@]}"; do
		key=$(group_key "$t" "$kind")
		[[ -n ${members[$key]:-} ]] || keys+=("$key")
		members[$key]+="$t "
	done
	n=0
	for key in "${keys[@]}"; do
		# Split a group whose controllers do not fit on the bus.
		local chunk=() ctrls=0 c
		for t in ${members[$key]}; do
			c=$(nr_ctrls "$t")
			if ((${#chunk[@]} && ctrls + c > MAX_CTRLS)); then
				run_group "$kind" "$((n++))" "${chunk[@]}"
				chunk=() ctrls=0
			fi
			chunk+=("$t")
			ctrls=$((ctrls + c))
		done
		((${#chunk[@]})) && run_group "$kind" "$((n++))" "${chunk[@]}"
	done
	return 0
}

# run_group KIND ID TESTS...: boot guests until every test of TESTS has a
# verdict. A guest that crashes, hangs or is left dirty ends the test it
# was running; the tests not yet started get a fresh guest.
run_group() {
	local kind=$1 gid=$2
	shift 2
	local -a pending=("$@")
	local -A boot_retried=()
	local launch=0
	while ((${#pending[@]})); do
		if (($(date +%s) >= MQ_DEADLINE)); then
			for t in "${pending[@]}"; do
				finish "$(basename "$t" .sh)" "$kind" 0 "not run: the suite's deadline passed" "" "" "-"
			done
			return
		fi
		launch=$((launch + 1))
		launch_guest "$kind" "$gid.$launch" "${pending[@]}"
		# launch_guest leaves the tests it did not start in LEFT and says
		# whether the guest failed to boot in BOOT_FAILED.
		if ((BOOT_FAILED)); then
			local first
			first=$(basename "${pending[0]}" .sh)
			if [[ -z ${boot_retried[$first]:-} ]]; then
				boot_retried[$first]=1
				BOOT_RETRIES=$((BOOT_RETRIES + 1))
				echo "NOTE: $kind guest $gid.$launch did not boot ($BOOT_WHY); booting again (retry $BOOT_RETRIES)"
				continue
			fi
			for t in "${pending[@]}"; do
				finish "$(basename "$t" .sh)" "$kind" 0 "the guest did not boot twice: $BOOT_WHY" "" "" \
					"$logs/$kind-g$gid.$launch.console.log"
			done
			return
		fi
		pending=("${LEFT[@]}")
	done
}

# launch_guest KIND LAUNCH TESTS...: one guest for TESTS, in order, watched
# from here: each test has its own time limit (and none runs past
# MQ_DEADLINE). Sets LEFT (tests not started) and BOOT_FAILED.
launch_guest() {
	local kind=$1 id=$2
	shift 2
	local tests=("$@") t first=$1
	local tmp=$build/tmp/$kind-g$id con=$logs/$kind-g$id.console.log
	local smp mem append cpu kernel initrd kmods= qopts relay qpid
	rm -rf "$tmp"
	mkdir -p "$tmp"
	smp=$(test_header "$first" smp) mem=$(test_header "$first" mem)
	# The kernel boots on one CPU and guest-init.sh brings the others
	# online: under multi-threaded TCG a CPU sometimes runs a breakpoint
	# the kernel already took out of its text (an "int3" Oops right after
	# "sched_clock: Marking stable" killed a boot in three), and on one CPU
	# the boot-time text patching has no other CPU to race.
	# no_ipi_broadcast keeps the IPI shorthand key from flipping then.
	# MQ_GUEST_TICK (default "nohz=off highres=off", the benchmark sets it
	# empty): the APIC timer in periodic mode, which QEMU re-arms itself,
	# so a vCPU whose wakeup TCG lost is kicked again 4 ms later (see
	# qmp_relay).
	append="iomem=relaxed log_buf_len=16M sysrq_always_enabled maxcpus=1 no_ipi_broadcast=1 ${MQ_GUEST_TICK-nohz=off highres=off} $(test_header "$first" append)"
	qopts=$(qemu_union "$tmp" "${tests[@]}")
	if [[ $kind == stock ]]; then
		kernel=$STOCK_KERNEL initrd=$STOCK_INITRD
		[[ -n $STOCK_MODROOT ]] && kmods=$STOCK_MODROOT/lib/modules/$STOCK_KVER
	else
		kernel=$DEBUG_KERNEL initrd=$DEBUG_INITRD
		kmods=$DEBUG_MODROOT/lib/modules/$DEBUG_KVER
		append="kunit.enable=1 kasan_multi_shot $append"
		# kmemleak scans all of a guest's memory after every test: the
		# debug guests get less of it unless a test asks.
		mem=${mem:-${MQ_DEBUG_MEM:-1G}}
	fi
	qmp_relay "$tmp" &
	relay=$!
	# shellcheck disable=SC2086
	qemu-system-x86_64 \
		-machine q35 -accel tcg,thread=multi -cpu max -smp "${smp:-2}" -m "${mem:-2G}" \
		-display none -vga none -monitor none -serial stdio -no-reboot -nic none \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 mqinit=$top/qemu-tests/guest-init.sh mqrepo=$top mqkind=$kind mqmod=$build/mod-$kind mqselftest=$build/selftest-$kind mqkmods=$kmods mqtools=$build/tools mqtmp=$tmp $append" \
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot,addr=0x1d \
		-fsdev local,id=hosttmp,path="$tmp",security_model=none,multidevs=remap \
		-device virtio-9p-pci,fsdev=hosttmp,mount_tag=hosttmp,addr=0x1e \
		-qmp "unix:$tmp/qmp.sock,server=on,wait=off" -trace "file=$tmp/trace.log" \
		$qopts </dev/null > >(sed -u 's/\r$//' >"$con") 2>&1 &
	qpid=$!
	# Watch the console: boot, then each test's time.
	local boot_tmo=90 started=$SECONDS cur= cur_start=0 cur_tmo=0 why= line
	[[ $kind == debug ]] && boot_tmo=240
	local -A done_=() nudged=() nudges_of=()
	# nudge_test test|heartbeat: an NMI for the running test, at most
	# three; true (and nudged[$cur] set) when the guest went on.
	nudge_test() {
		((${nudges_of[$cur]:-0} < 3)) || return 1
		nudges_of[$cur]=$((${nudges_of[$cur]:-0} + 1))
		nudge_guest "$tmp" "$con" "$1" || return 1
		nudged[$cur]=$((SECONDS - cur_start))
	}
	BOOT_FAILED=0 BOOT_WHY= LEFT=()
	while kill -0 "$qpid" 2>/dev/null; do
		sleep 1
		line=$(grep -a -E '^MQTEST-(READY|BEGIN|END) ' "$con" | tail -n 1)
		if [[ -z $line ]]; then
			if ((SECONDS - started > boot_tmo)); then
				why="no test started within $boot_tmo s"
				break
			fi
			continue
		fi
		read -r -a f <<<"$line"
		if [[ ${f[0]} == MQTEST-BEGIN && ${f[1]} != "$cur" ]]; then
			cur=${f[1]} cur_start=$SECONDS
			cur_tmo=$(test_timeout "$(awk -F'\t' -v n="$cur" '$1 == n {print $2}' "$tmp/plan")" "$kind")
		elif [[ ${f[0]} == MQTEST-END ]]; then
			cur=
		fi
		# A guest whose heartbeat stopped (its timers with it) gets the
		# NMI at once; the time it stood still is not the test's.
		local age
		age=$(heartbeat_age "$tmp")
		if [[ -n $cur ]] && ((age > 12)) && nudge_test heartbeat; then
			cur_tmo=$((cur_tmo + age))
			echo "NOTE: $kind $cur: the guest stood still for $age s and went on after an NMI"
			continue
		fi
		if [[ -n $cur ]] && ((SECONDS - cur_start > cur_tmo)); then
			# Past its time: an NMI to every vCPU first. A guest that
			# was waiting for a wakeup the emulator lost (TCG was seen
			# to leave a guest asleep for minutes) goes on, and the
			# test gets a bounded grace period; one that does not go
			# on is hung.
			if nudge_test test; then
				cur_tmo=$((SECONDS - cur_start + (cur_tmo / 2 > 60 ? cur_tmo / 2 : 60)))
				echo "NOTE: $kind $cur stalled for ${nudged[$cur]} s and went on after an NMI"
				continue
			fi
			why="timed out after $((SECONDS - cur_start)) s"
			break
		fi
		if (($(date +%s) >= MQ_DEADLINE)); then
			why="stopped at the suite's deadline"
			break
		fi
	done
	# A hang: the guest's blocked tasks and CPUs go to its console first.
	if [[ -n $cur && -n $why ]] && kill -0 "$qpid" 2>/dev/null; then
		guest_sysrq "$tmp" w l
		sleep 3
	fi
	if kill -0 "$qpid" 2>/dev/null; then
		kill "$qpid"
		sleep 2
		kill -9 "$qpid" 2>/dev/null
	fi
	wait "$qpid" 2>/dev/null
	kill "$relay" 2>/dev/null
	wait "$relay" 2>/dev/null
	if ! grep -q -a '^MQTEST-READY ' "$con"; then
		BOOT_FAILED=1
		BOOT_WHY=${why:-$(grep -a -m1 -E 'Oops|BUG:|Kernel panic' "$con" || echo "the guest died during boot")}
		cp "$con" "$con.boot-failure"
		rm -rf "$tmp"
		return
	fi
	# Verdicts: every test that ended is judged; the one that was running
	# failed with the reason above (or the guest's death); the others wait.
	local name secs
	for t in "${tests[@]}"; do
		name=$(basename "$t" .sh)
		line=$(grep -a -m1 "^MQTEST-END $name " "$con")
		if [[ -n $line ]]; then
			secs=$(sed -n 's/.* secs=\([0-9]*\).*/\1/p' <<<"$line")
			judge "$name" "$kind" "$t" "$con" "$tmp/$name.dmesg" "${secs:-0}"
		elif grep -q -a "^MQTEST-BEGIN $name\$" "$con"; then
			section "$con" "$name" >"$logs/$name.$kind.log"
			local died=${why:-$(grep -a -m1 -E 'Kernel panic|Oops|BUG:|MQTEST-DIRTY' "$logs/$name.$kind.log" || echo "the guest died")}
			secs=$((SECONDS - cur_start))
			[[ -n $why ]] && hang_summary "$logs/$name.$kind.log" >"$logs/$name.$kind.hang" &&
				[[ -s $logs/$name.$kind.hang ]] && died+=$'\n'"    where it hung:"$'\n'"$(cat "$logs/$name.$kind.hang")"
			finish "$name" "$kind" "$secs" "$died" "$(test_header "$t" expect-fail)" \
				"$(grep -aE "$BAD_KERNEL_LOG" "$logs/$name.$kind.log" | head -n 5)" \
				"$logs/$name.$kind.log"
		else
			LEFT+=("$t")
		fi
	done
	rm -rf "$tmp"
}

# run_guest TEST KIND NAME [--show]: one test in a guest of its own (the
# demo and the benchmark); 0 when it passed.
run_guest() {
	local t=$1 kind=$2 name=$3 show=${4:-} base
	base=$(basename "$t" .sh)
	run_group "$kind" "$name" "$t"
	[[ $base == "$name" ]] || cp "$logs/$base.$kind.log" "$logs/$name.$kind.log"
	[[ -n $show ]] && sed -n '/^MQTEST-BEGIN/,/^MQTEST-END/p' "$logs/$name.$kind.log"
	[[ ${RESULT["$base $kind"]} == PASS* ]]
}

# Host-side gates run by `run.sh --all` before any guest: sparse and
# checkpatch --strict must be silent (W=1 warnings already fail the build).
# sparse checks the stock build's sources again (C=2) without recompiling.
static_checks() {
	local rc=0 log=$logs/sparse.log
	make -C "$STOCK_KDIR" M="$build/mod-stock" W=1 C=2 modules >"$log" 2>&1 || rc=1
	if grep -E "warning:|error:" "$log"; then
		echo "FAIL sparse: see $log"
		rc=1
	else
		echo "PASS sparse ($(grep -c ' CHECK ' "$log") files)"
	fi
	log=$logs/checkpatch.log
	if "$top/scripts/checkpatch.sh" >"$log" 2>&1 && [[ ! -s $log ]]; then
		echo "PASS checkpatch --strict ($(ls "$top"/drivers/*.c "$top"/include/*.h "$top"/kunit/*.c "$top"/qemu-tests/{selftest,crcbench}/*.c | wc -l) files)"
	else
		echo "FAIL checkpatch --strict: see $log"
		cat "$log"
		rc=1
	fi
	return $rc
}
