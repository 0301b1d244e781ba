# Ten load/unload cycles (two on the debug kernel, one of each kind,
# alternating) under I/O: verify a region, then either let a
# background writer finish before rmmod, or unbind the controller while the
# writer runs (its I/O fails cleanly, nothing hangs). rmmod is refused while
# a disk is open. The data verified in the first cycle is still intact.
# smp: 2
# timeout: 150 100
# disk: d1 256M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqcyc,drive=d1

bdf=$(nvme_bdfs)
cycles=10
[[ $mqkind == debug ]] && cycles=2
for cycle in $(seq 1 $cycles); do
	mq_load
	dev=$(mq_disk 0 1)
	if ((cycle == 1)); then
		fio_ok --name=keep --filename="$dev" --rw=write --bs=64k --size=$(mq_scaled 16)M \
			--ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c \
			--verify_pattern=0x5a5a1234 --do_verify=1
	fi
	w0=$(blk_stat mqnvme0n1 write_ios)
	fio --name=bg --filename="$dev" --rw=randwrite --bs=4k-128k --offset=64M --size=128M \
		--ioengine=libaio --iodepth=32 --numjobs=2 --direct=1 --time_based \
		--runtime=$((cycle % 2 ? 30 : 5)) --eta=never --output=/tmp/bg.out &
	pid=$!
	# Wait until the writer has the disk open and its I/O is flowing.
	for _ in $(seq 240); do
		(($(blk_stat mqnvme0n1 write_ios) > w0 + 64)) && break
		sleep 0.5
	done
	(($(blk_stat mqnvme0n1 write_ios) > w0 + 64)) || fail "background writer never started"
	rmmod mqnvme 2>/dev/null && fail "rmmod succeeded with the disk open"
	if ((cycle % 2)); then
		echo "$bdf" >/sys/bus/pci/drivers/mqnvme/unbind || fail "unbind under I/O"
		for _ in $(seq 60); do kill -0 $pid 2>/dev/null || break; sleep 0.5; done
		kill -0 $pid 2>/dev/null && fail "fio still running 30 s after unbind"
		wait $pid && fail "fio saw no error although the disk went away"
		# fio's own words for a failed I/O (its "err= 0" summary is no error).
		grep -qE "err= *[1-9]|Input/output error|No such device" /tmp/bg.out ||
			fail "fio reported no I/O error: $(cat /tmp/bg.out)"
		log "cycle $cycle: unbound under I/O, fio failed cleanly"
	else
		wait $pid || { cat /tmp/bg.out; fail "background I/O failed in cycle $cycle"; }
		log "cycle $cycle: I/O finished, unloading"
	fi
	mq_unload
done
mq_load
fio_ok --name=keep --filename="$(mq_disk 0 1)" --rw=read --bs=64k --size=$(mq_scaled 16)M \
	--ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c \
	--verify_pattern=0x5a5a1234 --verify_only=1
mq_unload
