#!/usr/bin/env bash
# mqnvme's QEMU test runner.
#   run.sh --all                  every test on every kernel it lists, then a
#                                 final "N passed, N failed" line
#   run.sh --demo                 boot the stock guest and show fio on mqnvme0n1
#   run.sh [-k stock|debug] TEST  one test (path or name under qemu-tests/tests)
# Logs go to build/logs/<test>.<kernel>.log.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
logs=$build/logs
mkdir -p "$logs"
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

passed=0 failed=0 failures=()
t_start=$(date +%s)
if [[ $mode == all ]]; then
	# The static gates need the kernel tree that the debug kernel unpacks.
	if prepare_stock && "$top/scripts/build-debug-kernel.sh" >/dev/null &&
		static_checks; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=(static-checks)
	fi
fi
for kind in "${kernels[@]}"; do
	if ! prepare_"$kind"; then
		echo "FAIL: preparing the $kind kernel" >&2
		failed=$((failed + 1))
		failures+=("prepare-$kind")
		continue
	fi
	for t in "${tests[@]}"; do
		[[ -f $t ]] || t=$top/qemu-tests/tests/${t%.sh}.sh
		want=$(test_header "$t" kernels)
		[[ -z $want || " $want " == *" $kind "* ]] || continue
		if run_guest "$t" "$kind" "$(basename "$t" .sh)"; then
			passed=$((passed + 1))
		else
			failed=$((failed + 1))
			failures+=("$(basename "$t" .sh)[$kind]")
		fi
	done
done
echo
echo "suite time: $(( $(date +%s) - t_start )) s"
((failed)) && echo "failed: ${failures[*]}"
echo "$passed passed, $failed failed"
((failed == 0))
