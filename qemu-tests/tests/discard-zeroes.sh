# Discard (Dataset Management, deallocate) and Write Zeroes: both ranges read
# back as zeroes afterwards (the backend unmaps), the data around them stays;
# random trims read back zeroes exactly where fio trimmed.
# smp: 2
# timeout: 60 90
# disk: d1 128M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw,discard=unmap -device nvme,serial=mqdsm,drive=d1

mq_load
dev=$(mq_disk 0 1)
dd if=/dev/urandom of=/tmp/pat bs=1M count=32 status=none
dd if=/tmp/pat of="$dev" bs=1M oflag=direct status=none || fail "write pattern"
zeroes() { cmp -s <(dd if="$dev" bs=1M skip="$1" count="$2" iflag=direct status=none) \
	<(head -c $(($2 * 1048576)) /dev/zero); }
intact() { cmp -s <(dd if="$dev" bs=1M skip="$1" count="$2" iflag=direct status=none) \
	<(dd if=/tmp/pat bs=1M skip="$1" count="$2" status=none); }

zeroes 4 4 && fail "pattern already zero?"
blkdiscard -o $((4 << 20)) -l $((4 << 20)) "$dev" || fail "blkdiscard"
zeroes 4 4 || fail "discarded range does not read back zeroes"
intact 0 4 || fail "data before the discarded range changed"
intact 8 4 || fail "data after the discarded range changed"

blkdiscard -z -o $((16 << 20)) -l $((8 << 20)) "$dev" || fail "blkdiscard -z"
zeroes 16 8 || fail "write-zeroes range does not read back zeroes"
intact 12 4 || fail "data before the write-zeroes range changed"
intact 24 8 || fail "data after the write-zeroes range changed"

# Many small discards merged into multi-range DSM commands: a random half
# of the 4 KiB blocks of a patterned region is trimmed (fio's I/O log says
# which); each trimmed block reads back zeroes, each other one its pattern.
region=$(mq_scaled 32)
dd if=/dev/urandom of=/tmp/pat2 bs=1M count=$region status=none
dd if=/tmp/pat2 of="$dev" bs=1M seek=64 oflag=direct status=none || fail "write the trim region"
fio_ok --name=trim --filename="$dev" --rw=randtrim --bs=4k --size=${region}M --offset=64M \
	--io_size=$((region / 2))M --ioengine=libaio --iodepth=32 --direct=1 \
	--randrepeat=0 --write_iolog=/tmp/trim.log
dd if="$dev" of=/tmp/after bs=1M skip=64 count=$region iflag=direct status=none || fail "read back"
python3 - /tmp/trim.log /tmp/pat2 /tmp/after $((64 << 20)) <<'PY' || fail "trimmed region"
import sys
log, pat, after, base = sys.argv[1], open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read(), int(sys.argv[4])
trimmed = set()
for line in open(log):
    # "[time] file trim offset length" (fio's iolog, version 2 or 3)
    f = line.split()
    if "trim" in f[1:3] and len(f) >= f.index("trim") + 3:
        i = f.index("trim")
        off, length = int(f[i + 1]) - base, int(f[i + 2])
        trimmed.update(range(off // 4096, (off + length) // 4096))
blocks = len(pat) // 4096
zero, kept, bad = 0, 0, []
for b in range(blocks):
    got = after[b * 4096:(b + 1) * 4096]
    if b in trimmed:
        zero += 1
        if got != bytes(4096):
            bad.append(f"trimmed block {b} is not zero")
    else:
        kept += 1
        if got != pat[b * 4096:(b + 1) * 4096]:
            bad.append(f"untouched block {b} changed")
print(f"{zero} blocks trimmed read zeroes, {kept} untouched kept their data, {len(bad)} wrong")
if not zero or not kept or bad:
    print("\n".join(bad[:10]))
    sys.exit(1)
PY
mq_unload
