#!/usr/bin/env bash
# checkpatch.pl --strict on every source file of the module and its KUnit
# suites, with the checkpatch of Debian's linux-source-6.12 (its scripts/
# unpacked into build/checkpatch once: the static checks need not wait for
# the debug kernel build).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cp=$top/build/checkpatch/linux-source-6.12/scripts/checkpatch.pl
if [[ ! -x $cp ]]; then
	mkdir -p "$top/build/checkpatch"
	tar -C "$top/build/checkpatch" -xf /usr/src/linux-source-6.12.tar.xz \
		linux-source-6.12/scripts linux-source-6.12/.checkpatch.conf 2>/dev/null ||
		tar -C "$top/build/checkpatch" -xf /usr/src/linux-source-6.12.tar.xz \
			linux-source-6.12/scripts
fi
cd "$top"
"$cp" --strict --no-tree --quiet --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f \
	drivers/*.c include/*.h kunit/*.c qemu-tests/selftest/*.c qemu-tests/crcbench/*.c
