#!/usr/bin/env bash
# checkpatch.pl --strict on every source file of the module and its KUnit
# suites, with the checkpatch of Debian's linux-source-6.12 (the copy the
# debug kernel build unpacks into build/, else a fresh one in build/).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cp=$top/build/debug-kernel/linux-source-6.12/scripts/checkpatch.pl
if [[ ! -x $cp ]]; then
	cp=$top/build/checkpatch/linux-source-6.12/scripts/checkpatch.pl
	if [[ ! -x $cp ]]; then
		mkdir -p "$top/build/checkpatch"
		tar -C "$top/build/checkpatch" -xf /usr/src/linux-source-6.12.tar.xz \
			linux-source-6.12/scripts linux-source-6.12/.checkpatch.conf 2>/dev/null ||
			tar -C "$top/build/checkpatch" -xf /usr/src/linux-source-6.12.tar.xz \
				linux-source-6.12/scripts
	fi
fi
cd "$top"
"$cp" --strict --no-tree --quiet --show-types \
	--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f \
	drivers/*.c include/*.h kunit/*.c
