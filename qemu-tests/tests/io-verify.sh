# Data integrity: fio crc32c verify, random and sequential, 512 bytes to
# beyond MDTS (split by the block layer), one job pinned to each CPU, on a
# 512-byte and a 4096-byte LBA namespace, through PRPs (default), SGLs
# (sgl_threshold=1) and PRPs only (sgl_threshold=0), QEMU's trace showing
# that the controller really got SGLs or PRPs; every hardware queue must
# carry I/O.
# smp: 2
# timeout: 200 300
# disk: d1 256M
# disk: d2 256M
# qemu: -device nvme,id=c0,serial=mqio,mdts=6 -drive file=@d1@,if=none,id=d1,format=raw -device nvme-ns,drive=d1,bus=c0,nsid=1,logical_block_size=512 -drive file=@d2@,if=none,id=d2,format=raw -device nvme-ns,drive=d2,bus=c0,nsid=2,logical_block_size=4096,physical_block_size=4096

for params in "" "sgl_threshold=1" "sgl_threshold=0 max_segments=33"; do
	log "=== mqnvme $params"
	mq_load $params
	d512=$(mq_disk 0 1)
	d4k=$(mq_disk 0 2)
	assert_eq "$(cat /sys/block/mqnvme0n1/queue/logical_block_size)" 512 "ns1 block size"
	assert_eq "$(cat /sys/block/mqnvme0n2/queue/logical_block_size)" 4096 "ns2 block size"
	assert_eq "$(cat /sys/block/mqnvme0n2/size)" 524288 "ns2 sectors"
	# Which data pointers the controller saw (QEMU's trace), on 64 writes
	# of 64 KiB: SGLs when sgl_threshold=1, PRPs only when it is 0.
	trace_set on pci_nvme_map_sgl pci_nvme_map_prp
	trace_mark
	fio_ok --name=dptr --filename="$d4k" --rw=write --bs=64k --size=4M --offset=200M \
		--ioengine=libaio --iodepth=4 --direct=1
	trace_set off pci_nvme_map_sgl pci_nvme_map_prp
	sgl=$(trace_since_mark | grep -c pci_nvme_map_sgl)
	prp=$(trace_since_mark | grep -c pci_nvme_map_prp)
	log "data pointers seen by the controller: $sgl SGL, $prp PRP"
	case $params in
	sgl_threshold=1) assert_ge "$sgl" 64 "commands the controller mapped with SGLs" ;;
	sgl_threshold=0*)
		assert_eq "$sgl" 0 "commands the controller mapped with SGLs"
		assert_ge "$prp" 64 "commands the controller mapped with PRPs" ;;
	esac
	before=$(mq_queue_counts 0)

	# One fio, its groups one after the other.
	fio_jobs=()
	fio_verify_jobs "$d512" $(mq_scaled 48) randwrite 512-1m
	fio_verify_jobs "$d512" $(mq_scaled 48) write 512-768k
	fio_verify_jobs "$d4k" $(mq_scaled 48) randwrite 4k-1m
	fio_verify_jobs "$d4k" $(mq_scaled 48) write 4k-2m
	# Buffered I/O through the page cache builds large multi-segment bios.
	fio_jobs+=(--name=buffered --filename="$d4k" --rw=write --bs=1m --size=$(mq_scaled 32)M
		--offset=160M --ioengine=psync --direct=0 --end_fsync=1 --verify=crc32c --stonewall)
	# Unaligned user buffers: one 512-byte offset into the page.
	fio_jobs+=(--name=offset --filename="$d512" --rw=randwrite --bsrange=4k-64k
		--iomem_align=512 --mem_align=512 --size=$(mq_scaled 16)M
		--offset=128M --ioengine=libaio --iodepth=8 --direct=1 --verify=crc32c --stonewall)
	fio_ok "${fio_jobs[@]}"

	assert_all_queues_used 0 "$before"
	mq_unload
done
