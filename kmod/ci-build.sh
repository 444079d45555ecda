#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ci-build.sh - cross-build fsvm.ko for Debian 12's current arm64 kernel,
# with warnings as errors (W=1, -Werror), then run sparse on it.
#
# usage: kmod/ci-build.sh [BUILD_DIR]
#   BUILD_DIR  scratch and cache directory (default: $FSVM_BUILD_ROOT/kmod,
#              else build/ci/kmod in the repository). The extracted kernel
#              headers stay there, so a second run does not download again.
#
# Needs: Debian 12 (apt), root for the first run (dpkg --add-architecture,
# apt-get update/install), and the Debian mirrors. Exit status: 0 built and
# sparse clean; 1 failure; 77 cannot run here (the reason is printed).
# Ends with one line: "kmod: built fsvm.ko against <abi>, sparse clean".
set -u
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:-${FSVM_BUILD_ROOT:-$top/build/ci}/kmod}
mkdir -p "$out" || { echo "kmod: cannot create $out"; exit 1; }
out=$(cd "$out" && pwd)
log=$out/ci-build.log
: >"$log"

skip() { echo "kmod: SKIP - $*"; exit 77; }
fail() { echo "kmod: FAIL - $*"; exit 1; }
say() { echo "kmod: $*"; }

export DEBIAN_FRONTEND=noninteractive
is_root=0
[ "$(id -u)" = 0 ] && is_root=1

command -v dpkg >/dev/null 2>&1 || skip "not a Debian system (no dpkg)"

# --- host tools ---------------------------------------------------------------
need=()
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu)
command -v sparse >/dev/null 2>&1 || need+=(sparse)
for p in make bc flex bison libelf-dev libssl-dev; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	[ $is_root = 1 ] || skip "arm64 is not a dpkg architecture here and this is not root"
	dpkg --add-architecture arm64 || fail "dpkg --add-architecture arm64"
fi
apt_updated=0
apt_update() {
	[ $apt_updated = 1 ] && return 0
	[ $is_root = 1 ] || return 1
	say "apt-get update"
	apt-get update -q >>"$log" 2>&1 || return 1
	apt_updated=1
}
if [ ${#need[@]} -gt 0 ]; then
	[ $is_root = 1 ] || skip "missing ${need[*]} and not root (sudo apt-get install ${need[*]})"
	apt_update || fail "apt-get update failed (see $log)"
	say "installing ${need[*]}"
	apt-get install -y -q --no-install-recommends "${need[@]}" >>"$log" 2>&1 ||
		fail "apt-get install ${need[*]} failed (see $log)"
fi

# --- the current arm64 kernel ABI, read at run time ------------------------------
find_abi() {
	apt-cache depends linux-headers-arm64:arm64 2>/dev/null |
		sed -n 's/.*Depends: linux-headers-\(.*\)-arm64:arm64.*/\1/p' | head -n 1
}
abi=$(find_abi)
if [ -z "$abi" ]; then
	apt_update || skip "no arm64 package lists and not root to run apt-get update"
	abi=$(find_abi)
fi
[ -n "$abi" ] || fail "cannot read the arm64 kernel ABI from apt-cache depends linux-headers-arm64:arm64"
kver=$(echo "$abi" | sed 's/^\([0-9]*\.[0-9]*\).*/\1/')
say "arm64 kernel ABI $abi (kbuild $kver)"

# --- headers: download and extract once, cached in $out --------------------------
hdr=$out/headers-$abi
kdir=$hdr/usr/src/linux-headers-$abi-arm64
if [ ! -f "$hdr/.complete" ]; then
	rm -rf "$hdr" "$out/debs"
	mkdir -p "$hdr" "$out/debs"
	apt_update || true
	( cd "$out/debs" &&
	  apt-get download "linux-headers-$abi-arm64:arm64" "linux-headers-$abi-common" \
		"linux-kbuild-$kver" ) >>"$log" 2>&1 ||
		{ [ $is_root = 1 ] || skip "cannot download the kernel headers (not root; see $log)"
		  fail "apt-get download of the $abi headers failed (see $log)"; }
	for d in "$out"/debs/*.deb; do
		dpkg -x "$d" "$hdr" || fail "dpkg -x $d"
	done
	# The arch tree includes the common tree by absolute path: point it here.
	grep -rl "/usr/src/linux-headers-$abi-common" "$kdir/Makefile" >/dev/null 2>&1 ||
		fail "unexpected header layout in $kdir/Makefile"
	sed -i "s#/usr/src/linux-headers-$abi-common#$hdr/usr/src/linux-headers-$abi-common#g" \
		"$kdir/Makefile" || fail "cannot fix the common tree path"
	# Host tools (fixdep, modpost) come from linux-kbuild as absolute symlinks.
	for l in "$kdir/scripts" "$kdir/tools"; do
		if [ -L "$l" ]; then
			tgt=$(readlink "$l")
			case "$tgt" in /*) ln -sfn "$hdr$tgt" "$l" ;; esac
		fi
	done
	rm -rf "$out/debs"
	touch "$hdr/.complete"
fi
[ -d "$kdir" ] || fail "no $kdir"

# --- build --------------------------------------------------------------------------
bld=$out/build
rm -rf "$bld"
mkdir -p "$bld"
mk=(make -C "$kdir" M="$bld" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
    FSVM_SRC="$top" W=1 FSVM_WERROR=1 -j "${JOBS:-2}")
"$here/prepare-build.sh" "$top" "$bld" >>"$log" 2>&1 || fail "prepare-build.sh failed (see $log)"
say "building fsvm.ko (W=1, -Werror)"
if ! nice "${mk[@]}" modules >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log"
	fail "fsvm.ko does not build against $abi (see $out/build.log)"
fi
if grep -E "warning:" "$out/build.log"; then
	fail "the build printed warnings (see $out/build.log)"
fi
[ -f "$bld/fsvm.ko" ] || fail "no fsvm.ko after the build"
# arm64's module loader (apply_relocate_add) has no GOT: a weak or
# -fPIC reference built into the module would make insmod fail with
# "invalid module format" on every board, so refuse it here.
got=$(aarch64-linux-gnu-readelf -rW "$bld/fsvm.ko" | grep -c "_GOT" || true)
[ "$got" = 0 ] ||
	fail "fsvm.ko has $got GOT relocations, which arm64 cannot load (aarch64-linux-gnu-readelf -rW $bld/fsvm.ko | grep _GOT)"

# --- sparse --------------------------------------------------------------------------
say "running sparse (C=2)"
nice "${mk[@]}" C=2 CHECK="sparse" modules >"$out/sparse.log" 2>&1 ||
	{ tail -n 40 "$out/sparse.log"; fail "the sparse pass failed (see $out/sparse.log)"; }
# Any diagnostic sparse prints about our sources (kmod/ and the model sources
# copied into the build directory) fails the stage.
if grep -E "^[^ ]*\.[ch]:[0-9]+:[0-9]+: (warning|error)" "$out/sparse.log" |
	grep -vE "^$kdir|^/usr/|^$hdr" >"$out/sparse-ours.log"; then
	if [ -s "$out/sparse-ours.log" ]; then
		cat "$out/sparse-ours.log"
		fail "sparse warnings in fsvm sources (see $out/sparse.log)"
	fi
fi

info=$(strings "$bld/fsvm.ko" | sed -n 's/^vermagic=//p' | head -n 1)
size=$(stat -c %s "$bld/fsvm.ko")
say "fsvm.ko: $size bytes, vermagic ${info:-?}"
echo "kmod: built fsvm.ko against $abi, sparse clean"
exit 0
