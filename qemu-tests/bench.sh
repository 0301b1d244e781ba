#!/usr/bin/env bash
# `make bench`: mqnvme against the in-tree nvme driver in one stock guest.
# `qemu-tests/bench.sh pi` measures only the T10 PI part.
# Prints every measurement and the median ratios mqnvme/nvme. A measurement,
# not a test: it fails only when the guest could not measure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
logs=$build/logs
mkdir -p "$logs"
source "$top/qemu-tests/host-lib.sh"
# `bench.sh pi`: only the T10 PI part (host PI vs PRACT, guard CRC drivers).
echo "${1:-all}" >"$build/bench-parts"
prepare_stock || exit 1
# The guard CRC benchmark module (qemu-tests/crcbench), for the stock kernel.
mkdir -p "$build/crcbench"
cp "$top"/qemu-tests/crcbench/* "$build/crcbench/"
make -s -C "$STOCK_KDIR" M="$build/crcbench" W=1 modules || exit 1
# Timers as on a server (tickless, high resolution): the polled rows
# depend on them.
MQ_GUEST_TICK= run_guest "$top/qemu-tests/bench-guest.sh" stock bench >/dev/null
rc=$?
grep -a "^BENCH" "$logs/bench.stock.log" | python3 -c '
import sys, statistics, collections
vals = collections.defaultdict(list)
for line in sys.stdin:
    f = dict(kv.split("=") for kv in line.split()[2:])
    kind = line.split()[1]
    key = (kind, f.get("mode", ""), f.get("qd", ""))
    if kind == "pi":
        key = (kind, f["rw"], f["qd"])
    vals[key + (f["driver"],)].append(int(f["value"]))
    print(line.rstrip())
print()
med = lambda k: statistics.median(vals[k])
for rw in ("randread", "randwrite"):
    h, p, n = ("pi", rw, "32", "host"), ("pi", rw, "32", "pract"), ("pi", rw, "32", "nvme")
    if vals[h] and vals[p]:
        label = "PI " + rw + " 4k QD32"
        print(f"{label:34s} pract {med(p):9.0f} IOPS  host PI {med(h):9.0f} IOPS  "
              f"ratio host/pract {med(h) / med(p):.3f} (overhead {100 * (1 - med(h) / med(p)):.1f}%)")
    if vals[h] and vals[n]:
        label = "PI " + rw + " 4k QD32 host-side"
        print(f"{label:34s} nvme  {med(n):9.0f} IOPS  mqnvme  {med(h):9.0f} IOPS  "
              f"ratio mqnvme/nvme {med(h) / med(n):.3f}")
g, c = ("crc", "", "", "crct10dif-generic"), ("crc", "", "", "crct10dif-pclmul")
if vals[g] and vals[c]:
    label = "guard CRC over 4 KiB blocks"
    print(f"{label:34s} generic {med(g):8.0f} MB/s  pclmul {med(c):8.0f} MB/s  "
          f"ratio pclmul/generic {med(c) / med(g):.2f}")
names = {"msix": "MSI-X", "intx": "INTx", "poll": "poll mode", "polled": "io_uring IOPOLL"}
for kind, mode, qd in sorted({k[:3] for k in vals if k[0] in ("iops", "mem")}, key=lambda k: (k[0], list(names).index(k[1]) if k[1] in names else 9, int(k[2] or 0))):
    a, b = vals[(kind, mode, qd, "mqnvme")], vals[(kind, mode, qd, "nvme")]
    if not a or not b:
        continue
    ma, mb = statistics.median(a), statistics.median(b)
    unit = "IOPS" if kind == "iops" else "KiB"
    label = f"{names[mode]} randread 4k QD{qd}" if kind == "iops" else "memory held"
    print(f"{label:34s} nvme {mb:10.0f} {unit}  mqnvme {ma:10.0f} {unit}  ratio mqnvme/nvme {ma / mb:.3f}")
'
if ((rc)); then
	echo "bench guest failed, see $logs/bench.stock.log" >&2
	exit 1
fi
