# shellcheck shell=bash
# Helpers for the guest side of the tests (sourced before each test script).
# Environment from the kernel command line: mqrepo, mqkind, mqmod, mqtools.

# Workloads shrink on the debug kernel to what KASAN, lockdep and kmemleak
# need to see every path (the stock kernel carries the volume); every check
# stays the same. mq_scaled N: N for the stock kernel, N / MQ_SCALE (at
# least 1) for the debug one.
MQ_SCALE=1
[[ ${mqkind:-} == debug ]] && MQ_SCALE=6
mq_scaled() {
	local v=$(($1 / MQ_SCALE))
	echo $((v < 1 ? 1 : v))
}

fail() {
	echo "FAIL: $*"
	exit 1
}

# mq_abort MSG: fail from inside a command substitution too (fail there
# would only end the subshell).
mq_abort() {
	echo "FAIL: $*" >&2
	kill -TERM $$
	exit 1
}

log() {
	echo "## [${SECONDS}s] $*"
}

assert_eq() { # ACTUAL EXPECTED WHAT
	[[ $1 == "$2" ]] || fail "${3:-value}: expected '$2', got '$1'"
}

assert_ge() { # ACTUAL MIN WHAT
	(($1 >= $2)) || fail "${3:-value}: expected >= $2, got $1"
}

# qmp JSON: run one QMP command on this guest's own QEMU (tests with a
# "# qmp: on" header; the host side is qmp_relay in host-lib.sh). Prints
# QEMU's answer; an error answer fails the test.
MQ_QMP_N=0
qmp() {
	local n=${MQ_QID:-}$((++MQ_QMP_N)) i
	local ans=$mqtmp/qmp-resp.$n
	printf '%s\n' "$1" >"$mqtmp/qmp-new.$n"
	mv "$mqtmp/qmp-new.$n" "$mqtmp/qmp-req.$n"
	for ((i = 0; i < 300; i++)); do
		[[ -f $ans ]] && break
		sleep 0.1
	done
	[[ -f $ans ]] || fail "QMP $1: no answer from the host"
	# The capabilities handshake's answer, then the command's.
	(($(grep -c '"return"' "$ans") >= 2)) && ! grep -q '"error"' "$ans" ||
		fail "QMP $1: $(cat "$ans")"
	cat "$ans"
}

# wait_for WHAT CONDITION: up to 30 s.
wait_for() {
	local i
	for ((i = 0; i < 300; i++)); do
		eval "$2" && return 0
		sleep 0.1
	done
	fail "$1: not within 30 s"
}

# hot_add ID PORT DRIVE SERIAL: QMP device_add of an NVMe controller with
# SERIAL on the test's PCIe root port PORT, backed by the test's DRIVE
# (node); waits for mqnvme's disk of it (the only controller).
hot_add() {
	qmp "{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"nvme\",\"id\":\"${MQ_QID}$1\",\"serial\":\"$4\",\"drive\":\"${MQ_QID}$3\",\"bus\":\"${MQ_QID}$2\"}}" >/dev/null
	wait_for "the hot-added controller's disk" '[[ -b /dev/mqnvme0n1 ]]'
}

# hot_remove ID: device_del, and wait until mqnvme has let the controller go.
hot_remove() {
	qmp "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"${MQ_QID}$1\"}}" >/dev/null
	wait_for "the removal of the controller" '[[ -z $(ls /sys/class/mqnvme) && ! -e /dev/mqnvme0 ]]'
}

# QEMU trace events, switched on and off at run time over QMP; their lines
# go to $mqtmp/trace.log (every guest's QEMU writes its trace there).
trace_set() { # on|off EVENT...
	local state=false e
	[[ $1 == on ]] && state=true
	shift
	for e; do
		qmp "{\"execute\":\"trace-event-set-state\",\"arguments\":{\"name\":\"$e\",\"enable\":$state}}" >/dev/null
	done
}
trace_mark() {
	MQ_TRACE_MARK=$(cat "$mqtmp/trace.log" 2>/dev/null | wc -l)
}
trace_since_mark() {
	tail -n +$((${MQ_TRACE_MARK:-0} + 1)) "$mqtmp/trace.log" 2>/dev/null
}

# wait_io DISK [N]: until N more reads and writes (default 64) completed on
# DISK: the evidence that I/O is really flowing before a reset, an unbind or
# a fault. Fails after 90 s (fio starts slowly on the debug kernel).
wait_io() {
	local d=$1 want=${2:-64} n0 i
	n0=$(($(blk_stat "$d" read_ios) + $(blk_stat "$d" write_ios)))
	for ((i = 0; i < 900; i++)); do
		(($(blk_stat "$d" read_ios) + $(blk_stat "$d" write_ios) >= n0 + want)) && return 0
		sleep 0.1
	done
	fail "no I/O flowing on $d after 90 s"
}

# dmesg lines the test produced since the last mark.
dmesg_mark() {
	MQ_DMESG_MARK=$(dmesg | wc -l)
}
dmesg_since_mark() {
	dmesg | tail -n +$((${MQ_DMESG_MARK:-0} + 1))
}

# The PCI functions of this test's own NVMe controllers, in bus order (the
# guest may hold other tests' controllers too, bound to no driver).
nvme_bdfs() {
	local b
	for b in ${MQ_BDFS:-}; do echo "$b"; done
}

# qid NAME: the QEMU id that the test's header calls NAME (the harness
# prefixes every id so that several tests' devices share one QEMU).
qid() {
	echo "${MQ_QID:-}$1"
}

# col FILE NAME...: the columns called NAME of a table whose first line
# names its columns (debugfs queues), one row per line; a missing column
# fails the test.
col() {
	local f=$1
	shift
	awk -v want="$*" '
		NR == 1 {
			n = split(want, w, " ")
			for (i = 1; i <= n; i++) {
				for (j = 1; j <= NF; j++) if ($j == w[i]) c[i] = j
				if (!c[i]) { print "no column " w[i] > "/dev/stderr"; exit 1 }
			}
			next
		}
		{ line = $c[1]; for (i = 2; i <= n; i++) line = line " " $c[i]; print line }' "$f" ||
		mq_abort "table $f has no column among: $*"
}

# mq_queues C NAME...: columns of controller C's debugfs queue table.
mq_queues() { # C NAME...
	local c=$1
	shift
	col /sys/kernel/debug/mqnvme/mqnvme$c/queues "$@"
}

# blk_stat DISK FIELD: one field of /sys/block/DISK/stat, by the name
# Documentation/block/stat.rst gives it.
blk_stat() {
	local -a f
	local names=(read_ios read_merges read_sectors read_ticks write_ios write_merges
		write_sectors write_ticks in_flight io_ticks time_in_queue discard_ios
		discard_merges discard_sectors discard_ticks flush_ios flush_ticks) i
	read -r -a f </sys/block/"$1"/stat
	for i in "${!names[@]}"; do
		[[ ${names[$i]} == "$2" ]] && { echo "${f[$i]}"; return; }
	done
	fail "no field $2 in /sys/block/$1/stat"
}

# mqnvme uses scsi_mod's SG_IO helpers (get_sg_io_hdr, scsi_cmd_allowed):
# insmod needs it loaded, as modprobe would do by itself.
modprobe scsi_mod || echo "cannot load scsi_mod: mqnvme will not load"

mq_load() { # [PARAM=VALUE...]
	insmod "$mqmod/mqnvme.ko" "$@" || fail "insmod mqnvme $*"
}

mq_unload() {
	rmmod mqnvme || fail "rmmod mqnvme"
	[[ -z $(ls /sys/block | grep '^mqnvme') ]] || fail "disks left after rmmod"
}

# The disk of namespace NSID on controller C.
mq_disk() { # C NSID
	local dev=/dev/mqnvme${1}n${2}
	[[ -b $dev ]] || fail "$dev missing"
	echo "$dev"
}

# "qid submitted" for every I/O queue of controller C of TYPE (default or
# poll; default when not given).
mq_queue_counts() { # C [TYPE]
	mq_queues "$1" qid submitted type | awk -v t="${2:-default}" '$3 == t {print $1, $2}'
}

# Run fio with JSON output and fail unless every job finished without error
# and moved data. Extra arguments go to fio.
# fio_judge OUT RC [stopped]: fio's JSON report OUT says every job ran
# without error and moved data; RC, its exit status, must be 0 unless fio
# was stopped by SIGTERM ("stopped": it then exits non-zero).
fio_judge() {
	local out=$1 rc=$2 stopped=${3:+ (stopped by SIGTERM)} report bad
	# fio prints notes ("verify limited", ...) before the JSON document.
	# jq, not python: under TCG python's start costs a second per fio run.
	if ! report=$(sed -n '/^{/,$p' "$out" | jq -r '
		def bytes: .read.io_bytes + .write.io_bytes + (.trim.io_bytes // 0);
		(.jobs[] | "fio job \(.jobname): error=\(.error) read=\(.read.io_bytes) write=\(.write.io_bytes) trim=\(.trim.io_bytes // 0)"),
		"bad \((.jobs | length) as $n | [.jobs[] | select(.error != 0 or bytes == 0)] | length + (if $n == 0 then 1 else 0 end))"' 2>&1) ||
		[[ $report != *"bad "* ]]; then
		echo "fio output unreadable (${report:-no JSON document}), fio rc $rc"
		return 1
	fi
	bad=${report##*bad }
	printf '%s\n' "${report%bad *}" | sed '/^$/d'
	if { ((rc != 0)) && [[ -z $stopped ]]; } || ((bad)); then
		echo "fio rc $rc$stopped, $bad bad jobs"
		return 1
	fi
}

fio_ok() {
	local out=/tmp/fio.$$.json
	fio --eta=never --output-format=json --output="$out" "$@"
	fio_judge "$out" $? || fail "fio $*"
}

# fio_bg_start OUT ARGS...: fio in the background, its JSON report to OUT,
# its pid in fio_bg_pid; for time-based runs across an event.
fio_bg_start() {
	local out=$1
	shift
	fio --eta=never --output-format=json --output="$out" "$@" &
	fio_bg_pid=$!
}

# fio_bg_stop OUT WHAT: stop that fio (it must still be running) and fail
# unless every job ran without error and moved data.
fio_bg_stop() {
	kill -0 "$fio_bg_pid" 2>/dev/null || fail "fio $2 ended early: $(cat "$1")"
	kill -TERM "$fio_bg_pid"
	wait "$fio_bg_pid"
	fio_judge "$1" $? stopped || fail "fio $2"
}

# fio_bg DEV OUT [SIZE]: random 4 KiB reads and writes with crc32c verify
# on DEV in the background, until fio_bg_end OUT.
fio_bg() {
	fio_bg_start "$2" --name=bg --filename="$1" --rw=randrw --bs=4k --size="${3:-32M}" \
		--ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c \
		--time_based --runtime=600
}

fio_bg_end() { # OUT
	fio_bg_stop "$1" "in the background"
}

# fio_verify_jobs DEVS MIB RW BSRANGE [fio args...]: append to the array
# fio_jobs a group of jobs for one fio run (fio_ok "${fio_jobs[@]}"): on
# each device of DEVS (space separated), one job pinned to each CPU, each on
# its own MIB-MiB region, writing with crc32c verification and reading
# everything back. The group starts when the groups before it ended. One fio
# run for several groups: under TCG fio's start alone takes seconds.
fio_verify_jobs() {
	local devs=$1 size=$2 rw=$3 bs=$4 cpu dev first=--stonewall
	shift 4
	for dev in $devs; do
		for ((cpu = 0; cpu < $(nproc); cpu++)); do
			fio_jobs+=(--name="$(basename "$dev")-cpu$cpu" --filename="$dev" --cpus_allowed="$cpu"
				--offset=$((cpu * size))M --size="${size}M" --rw="$rw" --bsrange="$bs"
				--ioengine=libaio --iodepth=16 --direct=1 --verify=crc32c --verify_fatal=1
				"$@" $first)
			first=
		done
	done
}

# fio_verify_per_cpu DEVS MIB RW BSRANGE [fio args...]: the jobs of
# fio_verify_jobs, all at once in one fio.
fio_verify_per_cpu() {
	local fio_jobs=()
	fio_verify_jobs "$@"
	fio_ok "${fio_jobs[@]}"
}

# Fail unless every I/O queue of controller C (of TYPE, default when not
# given) carried more commands than in the snapshot BEFORE (output of
# mq_queue_counts).
assert_all_queues_used() { # C BEFORE [TYPE]
	local qid n old
	while read -r qid n; do
		old=$(awk -v q="$qid" '$1 == q {print $2}' <<<"$2")
		((n > ${old:-0})) || fail "I/O queue $qid carried no I/O ($n commands)"
		log "queue $qid carried $((n - ${old:-0})) commands"
	done < <(mq_queue_counts "$1" "${3:-}")
}

# Number of I/O queues of controller C (of TYPE, default when not given).
mq_nr_queues() { # C [TYPE]
	mq_queue_counts "$1" "${2:-}" | wc -l
}

# The interrupt set-up of controller C, as its sysfs attribute says it.
mq_interrupts() { # C
	cat /sys/class/mqnvme/mqnvme$1/interrupts || fail "no interrupts attribute for mqnvme$1"
}

# Fail unless controller C runs MODE with VECTORS vectors, DEFAULT default
# and POLL polled queues (sysfs), and its lines in /proc/interrupts agree:
# none in poll mode, an IO-APIC line in intx mode, PCI-MSI(X) lines else.
assert_irq_mode() { # C MODE VECTORS DEFAULT POLL
	local c=$1 mode=$2 lines
	assert_eq "$(mq_interrupts "$c")" \
		"mode=$mode vectors=$3 default=$4 read=0 poll=$5" "interrupts of mqnvme$c"
	lines=$(grep -E "mqnvme${c}q[0-9]+" /proc/interrupts)
	log "mqnvme$c in /proc/interrupts:"
	echo "$lines"
	case $mode in
	poll)
		[[ -z $lines ]] || fail "mqnvme$c has interrupt lines in poll mode" ;;
	intx)
		assert_eq "$(wc -l <<<"$lines")" 1 "INTx lines of mqnvme$c"
		grep -q 'IO-APIC' <<<"$lines" || fail "mqnvme$c: INTx is not an IO-APIC line" ;;
	msix | msi)
		local chip=PCI-MSIX
		[[ $mode == msi ]] && chip=PCI-MSI-
		assert_eq "$(wc -l <<<"$lines")" "$3" "interrupt lines of mqnvme$c"
		[[ -z $(grep -v -- "$chip" <<<"$lines") ]] || fail "mqnvme$c: lines not on $chip" ;;
	esac
	# Every queue with an interrupt has a handler on that line.
	local q
	for q in $(mq_queues "$c" qid vector | awk '$2 != "-" {print $1}'); do
		grep -qE "mqnvme${c}q$q(,|\$| )" <<<"$lines" || fail "queue $q of mqnvme$c has no handler"
	done
	if [[ $mode == poll ]]; then
		assert_eq "$(mq_queues "$c" vector | grep -vc '^-$')" 0 \
			"queues of mqnvme$c with a vector in poll mode"
	fi
}

# Sum of a column (irqs, polls, ...) over the queues of controller C.
mq_queue_sum() { # C COLUMN
	mq_queues "$1" "$2" | awk '{s += $1} END {print s + 0}'
}

# PCI address of controller C.
mq_bdf() { # C
	basename "$(readlink -f /sys/class/mqnvme/mqnvme$1/device)"
}

# MSI-X table size of a PCI function (0 without MSI-X), from config space.
pci_msix_size() { # BDF
	local cfg ptr=0 size=0
	# The config space, a hex byte per element.
	read -rd "" -a cfg < <(od -An -v -tx1 "/sys/bus/pci/devices/$1/config") || :
	((0x${cfg[6]} & 0x10)) && ptr=$((0x${cfg[0x34]}))
	while ((ptr)); do
		if ((0x${cfg[ptr]} == 0x11)); then
			size=$((((0x${cfg[ptr + 3]} << 8 | 0x${cfg[ptr + 2]}) & 0x7ff) + 1))
			break
		fi
		ptr=$((0x${cfg[ptr + 1]}))
	done
	echo "$size"
}
