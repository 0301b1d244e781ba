# Interrupt coalescing: with irq_coalesce_time/thr the driver sends Set
# Features 08h with those values at probe and again after a reset (QEMU's
# trace shows the command). QEMU refuses it (Feature Not Changeable): one
# clear log line, and the controller keeps working. Without the parameters no such command is sent.
# Stock kernel only: one Set Features and its error path, nothing the debug
# kernel's checkers add to what irq-modes runs there.
# kernels: stock
# smp: 2
# timeout: 60 90
# allow: mqnvme: irq_mode=[^ ]+ is not one of
# allow: mqnvme: irq_coalesce_time=[^ ]+ is out of range
# allow: mqnvme: `[^']*' invalid for parameter
# disk: d1 64M
# qemu: -drive file=@d1@,if=none,id=d1,format=raw -device nvme,serial=mqcoal,drive=d1 -trace enable=pci_nvme_setfeat,file=@tmp@/trace.log -trace enable=pci_nvme_err_req_status,file=@tmp@/trace.log

trace=$mqtmp/trace.log
coalesce_cmds() {
	grep -cE 'pci_nvme_setfeat .*fid 0x8 ' "$trace"
}
dmesg_mark
mq_load
sleep 1
assert_eq "$(coalesce_cmds)" 0 "Interrupt Coalescing commands without the parameters"
dmesg_since_mark | grep -q coalescing && fail "coalescing logged without the parameters"
mq_unload

dmesg_mark
mq_load irq_mode=msix irq_coalesce_time=2 irq_coalesce_thr=8
sleep 1
grep -E 'pci_nvme_setfeat .*fid 0x8 ' "$trace" | tail -n 1
assert_eq "$(coalesce_cmds)" 1 "Interrupt Coalescing commands"
# TIME 2 in bits 15:8, THR 8 completions = 7 (zero-based) in bits 7:0.
grep -qE 'pci_nvme_setfeat .*fid 0x8 save 0x0 cdw11 0x207$' "$trace" || fail "wrong coalescing value sent"
grep -qE 'pci_nvme_err_req_status .*status 0x410e' "$trace" || fail "QEMU did not refuse coalescing as expected"
dmesg_since_mark | grep -E 'coalescing' | sed 's/^/  /'
assert_eq "$(dmesg_since_mark | grep -c 'interrupt coalescing (time 2 x 100 us, threshold 8) refused by the controller (status 0x410e), running without')" 1 \
	"log lines for the refused coalescing"
assert_irq_mode 0 msix 3 2 0
fio_verify_per_cpu "$(mq_disk 0 1)" $(mq_scaled 16) randwrite 4k-64k
# A reset applies it again, with the same value, and says nothing new.
echo 1 >/sys/class/mqnvme/mqnvme0/reset_controller || fail "reset"
assert_eq "$(grep -cE 'pci_nvme_setfeat .*fid 0x8 save 0x0 cdw11 0x207$' "$trace")" 2 \
	"coalescing commands after a reset"
assert_eq "$(dmesg_since_mark | grep -c 'interrupt coalescing')" 1 "coalescing log lines after a reset"
assert_irq_mode 0 msix 3 2 0
# Bad values are refused at load.
mq_unload
insmod "$mqmod/mqnvme.ko" irq_coalesce_time=256 2>/dev/null && fail "irq_coalesce_time=256 accepted"
insmod "$mqmod/mqnvme.ko" irq_mode=msi-x 2>/dev/null && fail "irq_mode=msi-x accepted"
dmesg | grep -q 'irq_mode=msi-x is not one of auto, msix, msi, intx, poll' || fail "no log line for a bad irq_mode"
true
