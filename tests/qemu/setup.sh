#!/usr/bin/env bash
# setup.sh - prepare the host for the QEMU arm64 end-to-end suite (tests/qemu).
#
#   tests/qemu/setup.sh [--fetch-only] [--abi ABI]
#
# As root (Debian 12, network to the Debian mirrors only):
#   1. dpkg --add-architecture arm64; apt-get update
#   2. apt-get install qemu-system-arm gcc-aarch64-linux-gnu cpio (host tools)
#   3. apt-get download (not install) and dpkg -x, into the cache:
#        linux-image-<abi>-unsigned:arm64  -> the vmlinuz QEMU boots
#        busybox-static:arm64              -> the guest's shell and tools
#      (extracted, not installed: an arm64 /bin/busybox has no business on
#      the x86-64 host.)
# --fetch-only skips 1-2 (no root needed once the arm64 lists exist); run.sh
# uses it when the cache is missing.
#
# The ABI: --abi, else $FSVM_KERNEL_ABI, else the dependency of the
# linux-headers-arm64:arm64 metapackage as apt offers it now -- the same
# run-time rule kmod/ci-build.sh uses for the headers (its find_abi; it
# exposes no function to reuse, so the rule is repeated in common.sh
# qemu_apt_abi). run.sh then reads the vermagic of the fsvm.ko it tests and
# calls `setup.sh --fetch-only --abi <that>` if the cached kernel differs, so
# the kernel booted is always the one the module was built for.
#
# Everything lands in $FSVM_QEMU_CACHE (default ${FSVM_BUILD_ROOT:-<top>/build/ci}/qemu).
# Exit: 0 ready, 77 cannot run here (reason printed), 1 an error.
set -u
source "$(dirname "$0")/common.sh"

fetch_only=0
abi=${FSVM_KERNEL_ABI:-}
while [ $# -gt 0 ]; do
	case $1 in
	--fetch-only) fetch_only=1 ;;
	--abi) abi=$2; shift ;;
	-h|--help) sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;/^set -u/d'; exit 0 ;;
	*) echo "setup.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done

skip() { echo "qemu setup: SKIP - $*"; exit $QEMU_SKIP; }
die() { echo "qemu setup: FAIL - $*"; exit 1; }

[ "$(uname -m)" = x86_64 ] || [ "$(uname -m)" = aarch64 ] ||
	skip "host architecture $(uname -m) is not supported"
command -v apt-get >/dev/null && command -v dpkg >/dev/null ||
	skip "not a Debian-like host (no apt-get/dpkg)"

# apt may be busy with another job of this machine: wait for its locks.
apt_opts=(-o DPkg::Lock::Timeout=600 -o Acquire::Retries=3 -q)
export DEBIAN_FRONTEND=noninteractive

host_pkgs=(qemu-system-arm gcc-aarch64-linux-gnu libc6-dev-arm64-cross cpio binutils)
if [ $fetch_only = 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		missing=()
		for p in "${host_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
		dpkg --print-foreign-architectures | grep -qx arm64 || missing+=("(dpkg architecture arm64)")
		[ ${#missing[@]} = 0 ] ||
			skip "not root and missing: ${missing[*]} (run tests/qemu/setup.sh as root)"
	else
		if ! dpkg --print-foreign-architectures | grep -qx arm64; then
			dpkg --add-architecture arm64 || die "dpkg --add-architecture arm64 failed"
		fi
		apt-get "${apt_opts[@]}" update >/dev/null ||
			skip "apt-get update failed (no network to the Debian mirrors?)"
		missing=()
		for p in "${host_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
		if [ ${#missing[@]} -gt 0 ]; then
			qemu_log "installing ${missing[*]}"
			apt-get "${apt_opts[@]}" install -y --no-install-recommends "${missing[@]}" \
				>/dev/null || skip "apt-get install ${missing[*]} failed"
		fi
	fi
fi
command -v qemu-system-aarch64 >/dev/null || skip "qemu-system-aarch64 is not installed"
command -v aarch64-linux-gnu-gcc >/dev/null || skip "aarch64-linux-gnu-gcc is not installed"
command -v cpio >/dev/null || skip "cpio is not installed"

if [ -z "$abi" ]; then
	abi=$(qemu_apt_abi)
	[ -n "$abi" ] || skip "apt offers no linux-headers-arm64:arm64 (arm64 lists missing: run setup.sh as root)"
fi
case $abi in
*-arm64) ;;
*) die "kernel ABI '$abi' does not look like N.N.N-N-arm64" ;;
esac

mkdir -p "$qemu_cache/debs" || die "cannot create $qemu_cache"
# As root, apt's _apt sandbox user cannot write into the cache: download as root.
sandbox=()
[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)

# fetch PKG DIR: apt-get download into the cache (once) and dpkg -x into DIR.
fetch() {
	local pkg=$1 dir=$2 deb
	deb=$(ls "$qemu_cache"/debs/"${pkg%%:*}"_*.deb 2>/dev/null | head -n 1)
	if [ -z "$deb" ]; then
		qemu_log "downloading $pkg"
		(cd "$qemu_cache/debs" && apt-get "${apt_opts[@]}" ${sandbox[@]+"${sandbox[@]}"} download "$pkg" >/dev/null) ||
			skip "apt-get download $pkg failed"
		deb=$(ls "$qemu_cache"/debs/"${pkg%%:*}"_*.deb 2>/dev/null | head -n 1)
		[ -n "$deb" ] || die "apt-get download $pkg left no .deb"
	fi
	if [ ! -e "$dir/.extracted" ]; then
		rm -rf "$dir" && mkdir -p "$dir" && dpkg -x "$deb" "$dir" && touch "$dir/.extracted" ||
			die "dpkg -x $deb failed"
	fi
}

kdir=$qemu_cache/kernel-$abi
fetch "linux-image-$abi-unsigned:arm64" "$kdir"
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* 2>/dev/null | head -n 1)
[ -n "$vmlinuz" ] || die "no boot/vmlinuz-* in linux-image-$abi-unsigned"

# busybox-static for arm64: the newest version apt offers, extracted.
bdir=$qemu_cache/busybox
fetch "busybox-static:arm64" "$bdir"
[ -x "$bdir/bin/busybox" ] || die "busybox-static:arm64 has no bin/busybox"

echo "$abi" >"$qemu_cache/abi"
echo "qemu setup: ready - kernel $abi ($vmlinuz), busybox $(dpkg-deb -f "$(ls "$qemu_cache"/debs/busybox-static_*.deb | head -n 1)" Version), $(qemu-system-aarch64 --version | head -n 1)"
exit 0
