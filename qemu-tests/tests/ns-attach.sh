# Namespaces that go and come back without a manual rescan. Two
# controllers of one NVM subsystem share namespaces 1 and 2; controller B
# detaches namespace 2 from controller A (nvme detach-ns), which raises a
# Namespace Attribute Changed event on A: A's disk for it goes away, an open
# descriptor on it reads nothing. Attaching it again (nvme
# attach-ns, from B) brings the disk back with its data. fio verify runs on
# A's namespace 1 throughout. Namespace 3 is zoned, a command set the
# driver does not serve: no disk, one log line per controller, however many
# rescans follow.
# smp: 2
# timeout: 60 90
# disk: d1 64M
# disk: d2 64M
# disk: d3 16M
# qemu: -device nvme-subsys,id=sub0,nqn=mqsub -device nvme,id=nvA,serial=mqsub,subsys=sub0 -device nvme,id=nvB,serial=mqsub,subsys=sub0 -drive file=@d1@,if=none,id=d1,format=raw -device nvme-ns,drive=d1,bus=nvA,nsid=1 -drive file=@d2@,if=none,id=d2,format=raw -device nvme-ns,drive=d2,bus=nvA,nsid=2 -drive file=@d3@,if=none,id=d3,format=raw -device nvme-ns,drive=d3,bus=nvA,nsid=3,zoned=true,zoned.zone_size=4M,zoned.zone_capacity=4M

disk_of() { # C NSID: controller C's disk of namespace NSID, or nothing
	local b
	for b in /sys/block/mqnvme"$1"n*; do
		[[ -e $b/nsid && $(cat "$b/nsid") == "$2" ]] && echo "/dev/${b##*/}"
	done
}

wait_disk() { # C NSID present|absent
	local i d
	for ((i = 0; i < 150; i++)); do
		d=$(disk_of "$1" "$2")
		[[ $3 == present && -n $d && -b $d ]] && return 0
		[[ $3 == absent && -z $d ]] && return 0
		sleep 0.1
	done
	fail "controller $1 namespace $2 not $3 after 15 s: $(ls /sys/block)"
}

dmesg_mark
mq_load
a=0 b=1
for c in $a $b; do
	wait_disk $c 1 present
	wait_disk $c 2 present
done
refusals() {
	dmesg_since_mark | grep -c "namespace 3: command set 2 is not served, no disk"
}
for c in $a $b; do
	[[ -z $(disk_of $c 3) ]] || fail "controller $c made a disk of the zoned namespace"
done
assert_eq "$(refusals)" 2 "refusals of the zoned namespace (one per controller)"
cntlid=$(cat /sys/class/mqnvme/mqnvme$a/cntlid)
assert_eq "$(cat /sys/kernel/debug/mqnvme/mqnvme$a/aens)" 0 "events on A before any"

head -c 1M /dev/urandom >/tmp/pattern
dd if=/tmp/pattern of="$(disk_of $a 2)" bs=64k oflag=direct status=none || fail "writing the pattern"

fio_bg "$(disk_of $a 1)" /tmp/fio.out
wait_io "$(basename "$(disk_of $a 1)")"

log "B detaches namespace 2 from A (controller $cntlid)"
exec 3<"$(disk_of $a 2)"
nvme detach-ns /dev/mqnvme$b --namespace-id=2 --controllers="$cntlid" >/tmp/out 2>&1 ||
	fail "detach-ns: $(cat /tmp/out)"
grep -q "Success" /tmp/out || fail "detach-ns: $(cat /tmp/out)"
wait_disk $a 2 absent
dmesg_since_mark | grep -q "namespace attributes changed, rescanning" ||
	fail "no event logged on A: $(dmesg_since_mark | grep mqnvme | tail -5)"
assert_ge "$(cat /sys/kernel/debug/mqnvme/mqnvme$a/aens)" 1 "events on A"
[[ -n $(disk_of $b 2) ]] || fail "B lost its namespace 2 too"
# The gone disk has capacity 0: a read gets nothing (EOF) or an error.
got=$(dd bs=4k count=1 iflag=direct status=none <&3 2>/tmp/dd.err | wc -c)
assert_eq "$got" 0 "bytes read from the open, detached disk"
log "read on the open, detached disk: ${got} bytes $(cat /tmp/dd.err)"
exec 3<&-

log "B attaches it again"
nvme attach-ns /dev/mqnvme$b --namespace-id=2 --controllers="$cntlid" >/tmp/out 2>&1 ||
	fail "attach-ns: $(cat /tmp/out)"
grep -q "Success" /tmp/out || fail "attach-ns: $(cat /tmp/out)"
wait_disk $a 2 present
cmp <(dd if="$(disk_of $a 2)" bs=64k count=16 iflag=direct status=none) /tmp/pattern ||
	fail "namespace 2 came back with other data"
assert_ge "$(cat /sys/kernel/debug/mqnvme/mqnvme$a/aens)" 2 "events on A"

fio_bg_end /tmp/fio.out
assert_eq "$(refusals)" 2 "refusals of the zoned namespace after two rescans"
[[ -z $(disk_of $a 3) ]] || fail "a rescan made a disk of the zoned namespace"
mq_unload
