# shellcheck shell=bash disable=SC2034
# common.sh - shared by setup.sh, run.sh and build-guest.sh (sourced, not run).
#
# Where things live:
#   $FSVM_QEMU_CACHE (default ${FSVM_BUILD_ROOT:-<top>/build/ci}/qemu, beside
#       kmod/ci-build.sh's ${FSVM_BUILD_ROOT:-<top>/build/ci}/kmod): downloads,
#       shared by every build dir: debs/ (the .deb files), kernel-<abi>/
#       (dpkg -x of the arm64 kernel image), busybox/, abi (the ABI picked)
#   <build-dir>/qemu-e2e/   per build: aarch64/ (cross-built libfsvm and
#       scenarios), rootfs/, initramfs.cpio.gz, console-<cpu>.log, results.txt
qemu_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
qemu_dir=$qemu_top/tests/qemu
qemu_build_root=${FSVM_BUILD_ROOT:-$qemu_top/build/ci}
qemu_cache=${FSVM_QEMU_CACHE:-$qemu_build_root/qemu}

# The exit code CTest and tests/run_all.sh read as "skipped".
QEMU_SKIP=77

# Which Debian arm64 kernel ABI (e.g. 6.1.0-35-arm64) apt offers now.
# This is the documented way kmod/ci-build.sh and SMMU-NOTES.md pick it too:
# the dependency of the linux-headers-arm64:arm64 metapackage, read at run time.
# Prints nothing if apt knows no such package.
qemu_apt_abi() {
	apt-cache depends linux-headers-arm64:arm64 2>/dev/null |
		sed -n 's/.*Depends: linux-headers-\([0-9][^:]*-arm64\).*/\1/p' | head -n 1
}

# The kernel release a module was built for: first word of its vermagic.
qemu_ko_abi() {
	strings -a "$1" 2>/dev/null | sed -n 's/^vermagic=\([^ ]*\).*/\1/p' | head -n 1
}

# The fsvm.ko to test: $FSVM_KO, else what kmod/ci-build.sh [DIR] left in
# DIR/build (DIR defaults to ${FSVM_BUILD_ROOT:-<top>/build/ci}/kmod), also
# looked for beside the build dir given to run.sh. Prints nothing if none.
qemu_find_ko() { # [BUILD_DIR]
	local c
	if [ -n "${FSVM_KO:-}" ]; then
		[ -f "$FSVM_KO" ] && echo "$FSVM_KO"
		return
	fi
	for c in "$qemu_build_root/kmod/build/fsvm.ko" \
		${1:+"$1/../kmod/build/fsvm.ko" "$1/kmod/build/fsvm.ko"}; do
		if [ -f "$c" ]; then
			(cd "$(dirname "$c")" && echo "$PWD/fsvm.ko")
			return
		fi
	done
}

qemu_log() { echo "qemu: $*" >&2; }
