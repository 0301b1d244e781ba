# The KUnit suites of kunit/ (pure logic: PRP/SGL construction, command ids,
# queue and vector arithmetic, passthrough transfer sizes and refusals,
# asynchronous event decoding; the SCSI translation's CDB checks, response
# data and sense; PI formats, tuples and reference tags), run in the debug
# kernel, KTAP parsed.
# kernels: debug
# smp: 2
# timeout: 200

mq_load
insmod "$mqmod/mqnvme_kunit.ko" || fail "insmod mqnvme_kunit"
total=0
for suite in mqnvme_dptr mqnvme_queue mqnvme_passthru \
	mqnvme_scsi_cdb mqnvme_scsi_resp mqnvme_scsi_sense mqnvme_pi; do
	res=/sys/kernel/debug/kunit/$suite/results
	[[ -r $res ]] || fail "no KTAP results for $suite"
	cat "$res"
	summary=$(python3 qemu-tests/ktap.py "$suite" <"$res") || fail "KUnit suite $suite: $summary"
	log "$summary"
	total=$((total + ${summary%% *}))
done
assert_ge "$total" 84 "KUnit cases run"
rmmod mqnvme_kunit
mq_unload
