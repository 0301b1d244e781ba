#!/usr/bin/env bash
# Build (or reuse) the debug guest kernel: Debian's linux-source-6.12 with
# `make allnoconfig` plus qemu-tests/debug-kernel.config. The result is cached
# in build/debug-kernel/ and rebuilt only when the fragment or the source
# tarball changes. Prints the path of the kernel tree on stdout.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/qemu-tests/debug-kernel.config
tarball=$(ls /usr/src/linux-source-6.12.tar.xz)
out=$top/build/debug-kernel
src=$out/linux-source-6.12
stamp=$out/stamp
want=$( (sha256sum "$frag" | cut -d' ' -f1; stat -c %s "$tarball") | sha256sum | cut -d' ' -f1)

if [[ -f $stamp && $(cat "$stamp") == "$want" && -f $src/arch/x86/boot/bzImage ]]; then
	echo "$src"
	exit 0
fi
rm -rf "$out"
mkdir -p "$out"
echo "debug-kernel: unpacking $tarball" >&2
tar -C "$out" -xf "$tarball"
cd "$src"
KCONFIG_ALLCONFIG=$frag make -s allnoconfig >&2
# allnoconfig with KCONFIG_ALLCONFIG applies the fragment; verify that every
# option we asked for survived dependency resolution.
missing=0
while IFS= read -r line; do
	[[ $line =~ ^CONFIG_([A-Z0-9_]+)=(.*)$ ]] || continue
	name=${BASH_REMATCH[1]} val=${BASH_REMATCH[2]}
	[[ $val == n ]] && continue
	if ! grep -qx "CONFIG_${name}=${val}" .config; then
		echo "debug-kernel: CONFIG_${name}=${val} did not stick" >&2
		missing=1
	fi
done <"$frag"
((missing == 0)) || exit 1
echo "debug-kernel: building (about 7 minutes on 2 cores)" >&2
make -s -j"$(nproc)" all >&2
make -s modules_prepare >&2
echo "$want" >"$stamp"
echo "$src"
