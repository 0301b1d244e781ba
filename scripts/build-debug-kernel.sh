#!/usr/bin/env bash
# Build (or reuse) the debug guest kernel: Debian's linux-source-6.12 with
# `make allnoconfig` plus qemu-tests/debug-kernel.config. Prints the path of
# the kernel tree on stdout.
#
# The tree is cached outside the checkout, in $MQNVME_CACHE (default
# /var/cache/mqnvme)/debug-kernel/<key>, so a fresh clone (CI) finds it. The
# key hashes everything the build depends on: the config fragment, this
# script, the linux-source-6.12 package version and the compiler version. The
# tree is built in build-<key>/ and published by renaming a symlink <key>
# onto it only once the build finished: an interrupted build is never taken
# for a cached one, and the next run starts it again from scratch.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
frag=$top/qemu-tests/debug-kernel.config
tarball=$(ls /usr/src/linux-source-6.12.tar.xz)
cache=${MQNVME_CACHE:-/var/cache/mqnvme}/debug-kernel
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || stat -c %s "$tarball")
key=$( {
	cat "$frag" "$0"
	echo "$srcver"
	gcc --version | head -n 1
} | sha256sum | cut -c1-16)
published=$cache/$key
mkdir -p "$cache"

# One builder at a time (two clones on one machine share the cache).
exec 9>"$cache/.lock"
flock 9

if [[ -L $published && -f $published/linux-source-6.12/arch/x86/boot/bzImage ]]; then
	echo "$(readlink -f "$published")/linux-source-6.12"
	exit 0
fi
work=$cache/build-$key
rm -rf "$work" "$published"
mkdir -p "$work"
echo "debug-kernel: unpacking $tarball into $work" >&2
tar -C "$work" -xf "$tarball"
src=$work/linux-source-6.12
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
# Publish: an atomic rename of a symlink onto the finished tree.
ln -sfn "build-$key" "$cache/.tmp-$key"
mv -T "$cache/.tmp-$key" "$published"
# Keep this tree and the newest other one (a branch switch back and forth).
ls -1dt "$cache"/build-* | tail -n +3 | while read -r old; do
	rm -rf "$old" "$cache/${old##*/build-}"
done
echo "$src"
