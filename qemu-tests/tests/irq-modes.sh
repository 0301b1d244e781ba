# The interrupt ladder rung by rung, forced with irq_mode, on two controllers:
# one with a vector per queue and two namespaces, one with a single I/O
# vector (msix_qsize=2): on MSI-X it runs one default queue for both CPUs
# (as nvme-pci: no queue may use a managed vector whose CPUs are not
# exactly its own, or CPU hotplug would shut the vector down under it); in
# INTx mode its two queues share the line. In every mode, with poll_queues=2: the sysfs
# attribute and /proc/interrupts prove the mode, the per-queue counters show
# completions reaped the mode's way, fio verify runs on every default queue
# of both controllers and every namespace, and with io_uring --hipri on both polled queues.
# MSI is asked for on a function without MSI: it falls to INTx and the log
# says so. In poll mode the poller stays idle with the disk, and an unbind
# with I/O in flight stops it cleanly.
# smp: 2
# timeout: 200 410
# disk: d1 256M
# disk: d2 256M
# disk: d3 128M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -drive file=@d3@,if=none,id=d3,format=raw -device nvme,id=c0,serial=mqirq0 -device nvme-ns,drive=d1,bus=c0,nsid=1 -device nvme-ns,drive=d3,bus=c0,nsid=2 -drive file=@d2@,if=none,id=d2,format=raw -device nvme,serial=mqirq1,drive=d2,msix_qsize=2

MIB=$(mq_scaled 24)

# Vectors controller C gets with MSI-X: one per default queue plus the
# admin vector, at most the function's table size.
msix_vectors() { # C
	local n
	n=$(pci_msix_size "$(mq_bdf "$1")")
	((n > 3)) && n=3
	echo "$n"
}

# CPU ticks busy (IDLE_BUSY) of all (IDLE_TOTAL) over 5 idle seconds.
idle_cpu() {
	local u n s idle iow irq sirq u2 n2 s2 idle2 iow2 irq2 sirq2
	sleep 1
	read -r _ u n s idle iow irq sirq _ </proc/stat
	sleep 5
	read -r _ u2 n2 s2 idle2 iow2 irq2 sirq2 _ </proc/stat
	IDLE_BUSY=$(((u2 + n2 + s2 + irq2 + sirq2) - (u + n + s + irq + sirq)))
	IDLE_TOTAL=$((IDLE_BUSY + (idle2 + iow2) - (idle + iow)))
}

run_mode() { # IRQ_MODE EXPECTED_MODE
	local want=$1 mode=$2 c vec def
	log "=== irq_mode=$want"
	dmesg_mark
	mq_load irq_mode="$want" poll_queues=2
	dmesg_since_mark | grep -E 'mqnvme|interrupts' | sed 's/^/  /'
	for c in 0 1; do
		case $mode in
		msix) vec=$(msix_vectors $c) ;;
		intx) vec=1 ;;
		poll) vec=0 ;;
		esac
		def=2
		[[ $mode == msix && $vec == 2 ]] && def=1
		assert_irq_mode $c "$mode" "$vec" "$def" 2
		dmesg_since_mark | grep -q "$(mq_bdf $c): interrupts: mode=$mode vectors=$vec default=$def read=0 poll=2" ||
			fail "mqnvme$c: the probe log does not state the interrupt set-up"
	done
	assert_eq "$(msix_vectors 1)" 2 "MSI-X vectors of the msix_qsize=2 controller"

	local -A irqs polls before
	for c in 0 1; do
		irqs[$c]=$(mq_queue_sum $c irqs)
		polls[$c]=$(mq_queue_sum $c polls)
		before[$c]=$(mq_queue_counts $c)
	done
	fio_verify_per_cpu "$(mq_disk 0 1) $(mq_disk 0 2) $(mq_disk 1 1)" "$MIB" randwrite 4k-128k
	for c in 0 1; do
		assert_all_queues_used $c "${before[$c]}"
		irqs[$c]=$(($(mq_queue_sum $c irqs) - irqs[$c]))
		polls[$c]=$(($(mq_queue_sum $c polls) - polls[$c]))
		log "mqnvme$c: ${irqs[$c]} interrupts, ${polls[$c]} poller runs"
		if [[ $mode == poll ]]; then
			assert_eq "${irqs[$c]}" 0 "interrupts in poll mode"
			assert_ge "${polls[$c]}" 100 "poller runs in poll mode"
		else
			assert_ge "${irqs[$c]}" 100 "interrupts in $mode mode"
			assert_eq "${polls[$c]}" 0 "poller runs in $mode mode"
		fi
	done

	# io_uring IOPOLL: one job per CPU, each CPU has a polled queue.
	local pbefore
	pbefore=$(mq_queue_counts 0 poll)
	fio_verify_per_cpu "$(mq_disk 0 1)" "$MIB" randrw 4k-64k --ioengine=io_uring --hipri=1
	assert_all_queues_used 0 "$pbefore" poll
	cat /sys/kernel/debug/mqnvme/mqnvme0/queues

	if [[ $mode == msix ]]; then
		idle_cpu
		MSIX_BUSY=$IDLE_BUSY MSIX_TOTAL=$IDLE_TOTAL
	fi
	if [[ $mode == poll ]]; then
		# Idle disk: no poller run, and no more CPU time than idling
		# with interrupts did.
		local p0 ipolls
		p0=$(mq_queue_sum 0 polls)
		idle_cpu
		ipolls=$(($(mq_queue_sum 0 polls) - p0))
		log "idle 5 s in poll mode: $ipolls poller runs, busy $IDLE_BUSY of $IDLE_TOTAL ticks"
		log "idle 5 s in msix mode: busy $MSIX_BUSY of $MSIX_TOTAL ticks"
		assert_eq "$ipolls" 0 "poller runs with the disk idle"
		((IDLE_BUSY * MSIX_TOTAL <= (MSIX_BUSY * IDLE_TOTAL) + IDLE_TOTAL * MSIX_TOTAL / 50)) ||
			fail "idle CPU in poll mode ($IDLE_BUSY/$IDLE_TOTAL) above msix mode ($MSIX_BUSY/$MSIX_TOTAL) + 2%"

		# Unbind with I/O in flight: the poller reaps or cancels every
		# command and stops; reads of the removed disk then return nothing.
		fio --name=inflight --filename="$(mq_disk 0 1)" --rw=randread --bs=4k \
			--ioengine=libaio --iodepth=32 --direct=1 --time_based --runtime=8 \
			--output=/dev/null &
		local pid=$! bdf t
		bdf=$(mq_bdf 0)
		wait_io mqnvme0n1
		t=$SECONDS
		echo "$bdf" >/sys/bus/pci/drivers/mqnvme/unbind || fail "unbind"
		log "unbind with I/O in flight took $((SECONDS - t)) s"
		((SECONDS - t < 10)) || fail "unbind took $((SECONDS - t)) s"
		wait $pid
		((SECONDS - t < 30)) || fail "fio hung after unbind"
		[[ ! -e /sys/class/mqnvme/mqnvme0 ]] || fail "controller left after unbind"
		echo "$bdf" >/sys/bus/pci/drivers/mqnvme/bind || fail "bind"
		assert_irq_mode 0 poll 0 2 2
	fi
	mq_unload
}

# (irq_mode=msix itself is forced in irq-coalesce.)
run_mode auto msix
dmesg_mark
run_mode msi intx
for c in 0 1; do
	dmesg_since_mark | grep -qE "$(nvme_bdfs | sed -n "$((c + 1))p"): MSI: the function offers no such vector \(-[0-9]+\), trying INTx" ||
		fail "no log line for MSI falling to INTx on controller $c"
done
run_mode intx intx
run_mode poll poll
