# The KUnit suites of kunit/ (pure logic: PRP/SGL construction, command ids,
# queue and vector arithmetic, passthrough transfer sizes and refusals,
# asynchronous event decoding; the SCSI translation's CDB checks, response
# data and sense; PI formats, tuples and reference tags), run in the debug
# kernel, KTAP parsed. The suites and cases are found, not listed: every
# suite the sources declare must report, no other may, and every case
# (each KUNIT_CASE line of the sources) must pass.
# kernels: debug
# smp: 2
# timeout: 60 90

mapfile -t declared < <(sed -n 's/^\s*\.name = "\(mqnvme_[a-z0-9_]*\)",$/\1/p' kunit/*.c | sort)
cases=$(cat kunit/*.c | grep -cE '^\s*KUNIT_CASE(_PARAM)?\(')
((${#declared[@]} > 0 && cases > 0)) || fail "no suites or cases found in kunit/*.c"
log "the sources declare ${#declared[@]} suites with $cases cases: ${declared[*]}"

mq_load
insmod "$mqmod/mqnvme_kunit.ko" || fail "insmod mqnvme_kunit"
mapfile -t found < <(cd /sys/kernel/debug/kunit && ls -d mqnvme_* | sort)
assert_eq "${found[*]}" "${declared[*]}" "suites that reported"
total=0
for suite in "${found[@]}"; do
	res=/sys/kernel/debug/kunit/$suite/results
	[[ -r $res ]] || fail "no KTAP results for $suite"
	cat "$res"
	summary=$(python3 qemu-tests/ktap.py "$suite" <"$res") || fail "KUnit suite $suite: $summary"
	log "$summary"
	total=$((total + ${summary%% *}))
done
assert_eq "$total" "$cases" "KUnit cases passed"
rmmod mqnvme_kunit
mq_unload
