#!/usr/bin/env bash
# mqnvme's QEMU test runner.
#   run.sh --all                  static checks, then every test on every
#                                 kernel it lists; a line per test (PASS/FAIL,
#                                 kernel, seconds), then "N passed, N failed"
#   run.sh --demo                 boot the stock guest and show fio on mqnvme0n1
#   run.sh [-k stock|debug] TEST... the named tests (paths or names under
#                                 qemu-tests/tests), sharing guests as --all does
# Tests whose set-ups agree share one guest (see Documentation/testing.md).
# Logs: build/logs/<test>.<kernel>.log, the guests' consoles in
# build/logs/<kernel>-g<N>.console.log. MQ_DEADLINE (seconds since the
# epoch, default 85 minutes from now) fails whatever has not run by then.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
logs=$build/logs
mkdir -p "$logs"
rm -f "$logs"/*.console.log "$logs"/*.boot-failure
source "$top/qemu-tests/host-lib.sh"

mode=one
kernels=()
tests=()
while (($#)); do
	case $1 in
	--all) mode=all ;;
	--demo) mode=demo ;;
	-k) kernels+=("$2"); shift ;;
	*) tests+=("$1") ;;
	esac
	shift
done

if [[ $mode == demo ]]; then
	prepare_stock || exit 1
	run_guest "$top/qemu-tests/demo.sh" stock demo --show
	exit $?
fi

if [[ $mode == all ]]; then
	mapfile -t tests < <(ls "$top"/qemu-tests/tests/*.sh)
	((${#kernels[@]})) || kernels=(stock debug)
fi
((${#tests[@]})) || { echo "usage: run.sh --all | --demo | [-k KERNEL] TEST..." >&2; exit 2; }
((${#kernels[@]})) || kernels=(stock debug)
for i in "${!tests[@]}"; do
	[[ -f ${tests[$i]} ]] || tests[$i]=$top/qemu-tests/tests/${tests[$i]%.sh}.sh
	[[ -f ${tests[$i]} ]] || { echo "no test ${tests[$i]}" >&2; exit 2; }
done

t_start=$(date +%s)
phase_start=$t_start
phases=()
phase() { # NAME: the time since the last phase ended goes to NAME
	local now
	now=$(date +%s)
	phases+=("$1 $((now - phase_start)) s")
	phase_start=$now
}

# The debug kernel (when not cached; `make check` starts its build in the
# background while packages install) is ready before the first guest boots:
# a TCG guest beside a kernel build stalls for minutes (a 5 s sleep took
# 260 s once; with the build at SCHED_IDLE priority and the guest's periodic
# tick, both vCPUs still stood still for 115 s, a soft lockup). The host
# builds and static checks run meanwhile.
kernel_ready=0
debug_kernel() {
	((kernel_ready)) && return 0
	kernel_ready=1
	[[ " ${kernels[*]} " == *" debug "* ]] || return 0
	"$top/scripts/build-debug-kernel.sh" >"$logs/debug-kernel.out" 2>"$logs/debug-kernel.log" ||
		{ echo "debug kernel build failed:"; tail -n 30 "$logs/debug-kernel.log"; }
	phase "debug kernel (built, waited for or found in the cache)"
}

passed=0 failed=0
gate() { # NAME COMMAND...: a host-side check with a verdict of its own
	local name=$1 s=$SECONDS
	shift
	if "$@"; then
		record "$name" host PASS $((SECONDS - s)) ""
	else
		record "$name" host FAIL $((SECONDS - s)) "see above"
	fi
}

for kind in "${kernels[@]}"; do
	[[ $kind == debug ]] && debug_kernel
	if ! prepare_"$kind"; then
		record "prepare" "$kind" FAIL 0 "building for the $kind kernel"
		echo "FAIL: preparing the $kind kernel" >&2
		continue
	fi
	phase "host builds for $kind"
	if [[ $mode == all && $kind == "${kernels[0]}" ]]; then
		gate static-checks static_checks
		phase "static checks"
	fi
	debug_kernel
	want=()
	for t in "${tests[@]}"; do
		k=$(test_header "$t" kernels)
		[[ -z $k || " $k " == *" $kind "* ]] && want+=("$t")
	done
	((${#want[@]})) && run_tests "$kind" "${want[@]}"
	phase "$kind tier"
done

echo
failures=()
for k in "${RESULT_ORDER[@]}"; do
	read -r verdict _ <<<"${RESULT[$k]}"
	if [[ $verdict == PASS ]]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("${k% *}[${k#* }]")
	fi
done
for p in "${phases[@]}"; do echo "phase: $p"; done
echo "suite time: $(($(date +%s) - t_start)) s, boot retries: $BOOT_RETRIES, guests woken by an NMI: $NUDGES"
((failed)) && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
((failed == 0))
