# shellcheck shell=bash
# Helpers for the guest side of the tests (sourced before each test script).
# Environment from the kernel command line: mqrepo, mqkind, mqmod, mqtools.

# Workloads shrink on the debug kernel (KASAN and lockdep under TCG are ~3x
# slower); every check stays the same.
MQ_SCALE=1
[[ ${mqkind:-} == debug ]] && MQ_SCALE=3

fail() {
	echo "FAIL: $*"
	exit 1
}

log() {
	echo "## $*"
}

assert_eq() { # ACTUAL EXPECTED WHAT
	[[ $1 == "$2" ]] || fail "${3:-value}: expected '$2', got '$1'"
}

assert_ge() { # ACTUAL MIN WHAT
	(($1 >= $2)) || fail "${3:-value}: expected >= $2, got $1"
}

# dmesg lines the test produced since the last mark.
dmesg_mark() {
	MQ_DMESG_MARK=$(dmesg | wc -l)
}
dmesg_since_mark() {
	dmesg | tail -n +$((${MQ_DMESG_MARK:-0} + 1))
}

# PCI functions of NVMe class (010802), in bus order.
nvme_bdfs() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[[ $(cat "$d/class") == 0x010802 ]] && basename "$d"
	done
}

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

# "qid submitted" for every I/O queue of controller C.
mq_queue_counts() { # C
	awk 'NR > 1 && $1 > 0 {print $1, $4}' /sys/kernel/debug/mqnvme/mqnvme$1/queues
}

# Run fio with JSON output and fail unless every job finished without error
# and moved data. Extra arguments go to fio.
fio_ok() {
	local out=/tmp/fio.$$.json
	fio --eta=never --output-format=json --output="$out" "$@"
	local rc=$?
	python3 - "$out" "$rc" <<'PY' || fail "fio $*"
import json, sys
path, rc = sys.argv[1], int(sys.argv[2])
try:
    text = open(path).read()
    # fio prints notes ("verify limited", ...) before the JSON document.
    data = json.loads(text[text.index("{"):])
except Exception as e:
    print(f"fio output unreadable ({e}), fio rc {rc}")
    sys.exit(1)
bad = 0
for job in data["jobs"]:
    r, w = job["read"]["io_bytes"], job["write"]["io_bytes"]
    trim = job.get("trim", {}).get("io_bytes", 0)
    print(f"fio job {job['jobname']}: error={job['error']} read={r} write={w} trim={trim}")
    if job["error"] != 0 or r + w + trim == 0:
        bad += 1
if rc != 0 or bad:
    print(f"fio rc {rc}, {bad} bad jobs")
    sys.exit(1)
PY
}

# fio_verify_per_cpu DEV MIB RW BSRANGE [fio args...]: one job pinned to
# each CPU, each on its own MIB-MiB region of DEV, writing with crc32c
# verification and reading everything back.
fio_verify_per_cpu() {
	local dev=$1 size=$2 rw=$3 bs=$4 cpu
	shift 4
	local jobs=()
	for ((cpu = 0; cpu < $(nproc); cpu++)); do
		jobs+=(--name="cpu$cpu" --cpus_allowed="$cpu" --offset=$((cpu * size))M)
	done
	fio_ok --filename="$dev" --size="${size}M" --rw="$rw" --bsrange="$bs" \
		--ioengine=libaio --iodepth=16 --direct=1 --verify=crc32c \
		--verify_fatal=1 "$@" "${jobs[@]}"
}

# Fail unless every I/O queue of controller C carried more commands than in
# the snapshot BEFORE (output of mq_queue_counts).
assert_all_queues_used() { # C BEFORE
	local qid n old
	while read -r qid n; do
		old=$(awk -v q="$qid" '$1 == q {print $2}' <<<"$2")
		((n > ${old:-0})) || fail "I/O queue $qid carried no I/O ($n commands)"
		log "queue $qid carried $((n - ${old:-0})) commands"
	done < <(mq_queue_counts "$1")
}

# Number of I/O queues of controller C.
mq_nr_queues() {
	mq_queue_counts "$1" | wc -l
}
