# Bad input at load time: out-of-range parameters are refused with a clear
# message; controllers the driver cannot drive are refused with one log line,
# no disk, no crash and no leak, and the module unloads cleanly.
# smp: 2
# timeout: 60 150
# allow: mqnvme: [a-z_]+=[^ ]+ (is out of range|is not a number)
# allow: mqnvme: `[^']*' invalid for parameter
# allow: mqnvme [0-9a-f:.]+: controller refused:
# allow: mqnvme [0-9a-f:.]+: enable: timed out after [0-9]+ ms
# disk: d1 64M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqrefuse,drive=d1

for bad in io_queue_depth=1 io_queue_depth=4096 io_timeout=0 admin_timeout=99999 \
	max_segments=1 max_segments=257 sgl_threshold=99999999 io_queue_depth=abc; do
	dmesg_mark
	if insmod "$mqmod/mqnvme.ko" "$bad" 2>/dev/null; then
		rmmod mqnvme
		fail "$bad was accepted"
	fi
	name=${bad%%=*}
	dmesg_since_mark | grep -qE "mqnvme: $name=.*(out of range|not a number)" ||
		fail "no clear message for $bad"
	log "refused $bad: $(dmesg_since_mark | grep -m1 "mqnvme: $name=")"
done

# inject=N pretends a broken controller; each is refused in one line.
declare -A want=(
	[1]="does not respond"
	[2]="smallest memory page (8 KiB) is larger than 4 KiB"
	[4]="granted no I/O queue"
	[8]="enable: timed out after 8000 ms"
)
for n in 1 2 4 8; do
	dmesg_mark
	mq_load inject=$n
	msgs=$(dmesg_since_mark | grep -E "mqnvme [0-9a-f:.]+: " | grep -v "left enabled")
	log "inject=$n: $msgs"
	[[ $msgs == *"${want[$n]}"* ]] || fail "inject=$n: expected '${want[$n]}'"
	assert_eq "$(grep -c . <<<"$msgs")" 1 "log lines for inject=$n"
	[[ -z $(ls /sys/block | grep ^mqnvme) ]] || fail "inject=$n left a disk"
	[[ ! -e /sys/kernel/debug/mqnvme/mqnvme0 ]] || fail "inject=$n left debugfs"
	grep -q mqnvme /proc/interrupts && fail "inject=$n left an interrupt"
	rmmod mqnvme || fail "rmmod after inject=$n"
done

# After all that the controller still works.
mq_load
fio_ok --name=after --filename="$(mq_disk 0 1)" --rw=randwrite --bs=4k --size=$(mq_scaled 16)M \
	--ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c
mq_unload
