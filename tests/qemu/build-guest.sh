#!/usr/bin/env bash
# build-guest.sh - cross-build the guest programs and pack the initramfs.
#
#   tests/qemu/build-guest.sh BUILD_DIR
#
# 1. Configures tests/qemu/guest (a CMake project reusing libfsvm's and
#    hw-kernels' CMake files) with toolchain-aarch64.cmake into
#    BUILD_DIR/qemu-e2e/aarch64 and builds it: static aarch64 binaries of the
#    scenarios, linked against libfsvm (the guest uses its `hw` backend).
# 2. Packs BUILD_DIR/qemu-e2e/initramfs.cpio.gz: busybox-static (arm64, from
#    setup.sh's cache), /init, /etc/fsvm-e2e.conf, /e2e/<scenario binaries>,
#    and /lib/fsvm.ko when a module is built (see common.sh qemu_find_ko).
# Prints the scenario list it packed. Exit 0, 1 (build error), 77 (no cache or
# cross compiler: run setup.sh).
set -u
source "$(dirname "$0")/common.sh"

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
mkdir -p "$1" && bdir=$(cd "$1" && pwd) || exit 1
out=$bdir/qemu-e2e
mkdir -p "$out"

busybox=$qemu_cache/busybox/bin/busybox
[ -x "$busybox" ] || { echo "qemu: no busybox in $qemu_cache (run tests/qemu/setup.sh)"; exit $QEMU_SKIP; }
command -v aarch64-linux-gnu-gcc >/dev/null ||
	{ echo "qemu: no aarch64-linux-gnu-gcc (run tests/qemu/setup.sh)"; exit $QEMU_SKIP; }

# --- cross-build -------------------------------------------------------------
gb=$out/aarch64
log=$out/build-guest.log
: >"$log"
if [ ! -f "$gb/CMakeCache.txt" ]; then
	cmake -S "$qemu_dir/guest" -B "$gb" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
		-DCMAKE_TOOLCHAIN_FILE="$qemu_dir/toolchain-aarch64.cmake" \
		-DFSVM_WERROR=${FSVM_WERROR:-ON} >>"$log" 2>&1 ||
		{ tail -n 30 "$log"; echo "qemu: configuring the guest build failed (see $log)"; exit 1; }
fi
# The self-test first: it must exist even if libfsvm does not cross-build.
nice cmake --build "$gb" -j "${JOBS:-2}" --target s00_guest_alive >>"$log" 2>&1 ||
	{ tail -n 30 "$log"; echo "qemu: building s00_guest_alive failed (see $log)"; exit 1; }
guest_ok=1
if ! nice cmake --build "$gb" -j "${JOBS:-2}" >>"$log" 2>&1; then
	guest_ok=0
	grep -E "error|warning" "$log" | head -n 20
	echo "qemu: cross-building libfsvm and the scenarios failed (see $log)"
fi

# --- rootfs --------------------------------------------------------------------
root=$out/rootfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,e2e,lib,proc,sys,dev,tmp}
cp "$busybox" "$root/bin/busybox"
cp "$qemu_dir/guest/init" "$root/init"
chmod 755 "$root/init"
if [ "$(id -u)" = 0 ]; then
	mknod -m 600 "$root/dev/console" c 5 1
	mknod -m 666 "$root/dev/null" c 1 3
fi

scenarios=""
for b in "$gb"/s[0-9][0-9]_*; do
	[ -x "$b" ] && [ -f "$b" ] || continue
	case $(basename "$b") in *.*) continue ;; esac
	if [ $guest_ok = 0 ] && [ "$(basename "$b")" != s00_guest_alive ]; then
		continue
	fi
	cp "$b" "$root/e2e/"
	aarch64-linux-gnu-strip "$root/e2e/$(basename "$b")" 2>/dev/null
	scenarios="$scenarios $(basename "$b")"
done
scenarios=${scenarios# }

ko=$(qemu_find_ko "$bdir")
ko_line="FSVM_KO="
if [ -n "$ko" ]; then
	cp "$ko" "$root/lib/fsvm.ko"
	ko_line="FSVM_KO=/lib/fsvm.ko"
fi
# What the module calls its parameters: overridable until kmod/ settles them.
cat >"$root/etc/fsvm-e2e.conf" <<EOF
# written by tests/qemu/build-guest.sh
$ko_line
FSVM_KO_ARGS_shared="${FSVM_KO_ARGS_SHARED:-emulate=1 mode=shared}"
FSVM_KO_ARGS_mirror="${FSVM_KO_ARGS_MIRROR:-emulate=1 mode=mirror}"
FSVM_MODULE_NAME=fsvm
SCENARIOS="$scenarios"
TIMEOUT=${FSVM_QEMU_SCENARIO_TIMEOUT:-300}
EOF

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 >"$out/initramfs.cpio.gz.tmp" &&
	mv "$out/initramfs.cpio.gz.tmp" "$out/initramfs.cpio.gz" ||
	{ echo "qemu: packing the initramfs failed"; exit 1; }
echo "$scenarios" >"$out/scenarios"
echo "${ko:-}" >"$out/module"
echo "qemu: initramfs $(du -h "$out/initramfs.cpio.gz" | cut -f1): ${scenarios}; module ${ko:-none}"
[ $guest_ok = 1 ] || exit 1
exit 0
