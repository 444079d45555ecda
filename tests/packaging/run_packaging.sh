#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# run_packaging.sh OUT [KMOD_OUT] - CI's `packaging` stage (tests/run_all.sh):
# fsvm as a Debian user gets it (docs/install.md).
#   1. a build configured with -DCMAKE_INSTALL_PREFIX=/usr, -Werror;
#   2. its CTest label `packaging`: libfsvm_exports (nm -D = the public
#      headers, SONAME libfsvm.so.0), packaging_consumers (install, move,
#      pkg-config and find_package consumers in C and C++17 on sim),
#      cli_man_completion (fsvm(1) and the completion against --help);
#   3. cpack -G DEB: libfsvm0, libfsvm-dev, fsvm-tools, fsvm-dkms, each
#      checked for its files, Depends and (dkms) maintainer scripts, and
#      lintian without errors;
#   4. dpkg -i of the four into this machine (dkms from apt), then
#      run_consumers.cmake against /usr: programs built with pkg-config and
#      with find_package against the installed libfsvm-dev run on sim, as do
#      the installed fsvm and the SDK example;
#   5. DKMS: `dkms build` of the installed /usr/src/fsvm-<v> against Debian's
#      arm64 headers (cross, from KMOD_OUT = kmod/ci-build.sh's directory),
#      and `make -C kmod KDIR=... modules modules_install` of a copy of that
#      tree (relative symlinks only), fsvm.ko an AArch64 ELF;
#   6. dpkg -P of the four: nothing of them is left (dpkg, DKMS, /usr/src);
#   7. a board's user space: a cross build with
#      cmake/toolchain-aarch64-linux-gnu.cmake (Debian's cross gcc), its
#      libfsvm, CLI, example and packaging tests run under qemu-aarch64 on
#      the simulated device, cpack's arm64 .debs checked, unpacked with
#      dpkg -x and the consumers (cross-built) run against them under qemu.
# If one of the packages is installed already (a real installation), the
# stage does not touch it: step 4 and 5 use `dpkg -x` into a scratch root
# instead (the consumers then build against that root; no DKMS).
#
# Needs root (apt-get, dpkg -i, dkms). Exit 0 PASS, 77 SKIP (not root and
# something missing), 1 FAIL; the last line says what was checked.
set -u
set -o pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=${1:?usage: run_packaging.sh OUT [KMOD_OUT]}
kmod_out=${2:-}
jobs=${JOBS:-2}
mkdir -p "$out" && out=$(cd "$out" && pwd)
log=$out/packaging.log
: >"$log"
skip() { echo "packaging: SKIP - $*"; exit 77; }
fail() { echo "packaging: FAIL - $* (see $log)"; cleanup_debs; exit 1; }
say() { echo "packaging: $*"; }
# grep -q in a pipeline under pipefail: grep exits at the first match and
# the writer may die of SIGPIPE, failing the pipeline. qgrep reads it all.
qgrep() { grep "$@" >/dev/null; }
checked=()

installed_by_us=0
# 7: the arm64 build, its tests under qemu-user, its .debs.
cross_step() {
	local xb=$out/arm64 xroot=$out/arm64-root p d
	say "arm64: configure + build ($xb, cmake/toolchain-aarch64-linux-gnu.cmake)"
	rm -rf "$xb"
	cmake -S "$top" -B "$xb" -DCMAKE_TOOLCHAIN_FILE="$top/cmake/toolchain-aarch64-linux-gnu.cmake" \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DFSVM_WERROR=ON -DCMAKE_INSTALL_PREFIX=/usr \
		>>"$log" 2>&1 || fail "arm64: configure failed"
	nice cmake --build "$xb" -j "$jobs" >>"$log" 2>&1 || fail "arm64: build failed"
	readelf -h "$xb/pocl-device/tools/fsvm" | qgrep "Machine:.*AArch64" || fail "arm64: fsvm is not AArch64"
	# libfsvm's own tests, the CLI's smoke tests, the examples and the
	# packaging checks: the tests whose programs CTest starts itself (through
	# the emulator). Not: tests/cli's expect.sh cases and sdk_custom_kernel,
	# which start the programs from a script without it, and cli_bench_plot
	# (gnuplot cannot be started from the emulated process).
	local sel='^(cli_info|cli_run_pointer_chase|cli_run_misaligned|cli_bad_args|cli_doctor_no_device|cli_version|cli_man_completion|example_pointer_chase|example_bst_lookup|libfsvm_.*|model_sim|sdk_plugins|packaging_consumers|kmod_uapi)$'
	say "arm64: ctest under qemu-aarch64"
	ctest --test-dir "$xb" -R "$sel" --output-on-failure >>"$log" 2>&1 ||
		fail "arm64: ctest under qemu-aarch64 failed"
	local xn
	xn=$(ctest --test-dir "$xb" -R "$sel" -N | sed -n 's/^Total Tests: //p')
	[ "${xn:-0}" -ge 15 ] || fail "arm64: only ${xn:-0} tests selected"
	say "arm64: cpack -G DEB"
	(cd "$xb" && cpack -G DEB) >>"$log" 2>&1 || fail "arm64: cpack -G DEB failed"
	rm -rf "$xroot"
	for p in libfsvm0 libfsvm-dev fsvm-tools; do
		d=$xb/packages/${p}_${ver}-1_arm64.deb
		[ -f "$d" ] || fail "arm64: cpack made no $d"
		[ "$(dpkg-deb -f "$d" Architecture)" = arm64 ] || fail "arm64: $d is not Architecture arm64"
		dpkg-deb -x "$d" "$xroot" || fail "arm64: dpkg -x $d"
	done
	dpkg-deb -f "$xb/packages/libfsvm0_${ver}-1_arm64.deb" Depends | qgrep -E '^libc6 \(>= 2\.[0-9]+\)$' ||
		fail "arm64: libfsvm0 has no libc6 (>= 2.x) Depends"
	readelf -h "$xroot/usr/lib/aarch64-linux-gnu/libfsvm.so.$ver" | qgrep "Machine:.*AArch64" ||
		fail "arm64: the arm64 libfsvm0 has no AArch64 usr/lib/aarch64-linux-gnu/libfsvm.so.$ver"
	say "arm64: consumers against the dpkg -x tree, under qemu-aarch64"
	cmake -DPREFIX="$xroot/usr" -DOUT="$out/arm64-consumers" -DSRC="$here" \
		-DCC=/usr/bin/aarch64-linux-gnu-gcc -DCXX=/usr/bin/aarch64-linux-gnu-g++ \
		"-DGENERATOR=Unix Makefiles" -DREADELF=/usr/bin/readelf -DPKG_CONFIG=/usr/bin/pkg-config \
		-DSOVERSION=0 -DVERSION="$ver" -DEXAMPLE="$top/examples/custom-kernel" \
		"-DEMULATOR=$(command -v qemu-aarch64)|-L|/usr/aarch64-linux-gnu" \
		-DTOOLCHAIN="$top/cmake/toolchain-aarch64-linux-gnu.cmake" \
		-P "$here/run_consumers.cmake" >>"$log" 2>&1 || fail "arm64: consumers against the arm64 .debs failed"
	checked+=("arm64 (toolchain-aarch64-linux-gnu.cmake): $xn tests (libfsvm, CLI, examples, packaging) under qemu-aarch64 on sim; arm64 .debs (libc6 Depends from the binaries) unpacked, C/C++17 consumers with pkg-config and find_package, fsvm and the SDK example run on sim under qemu-aarch64")
}

finish() {
	cross_step
	say "PASS"
	printf 'packaging: %s' "${checked[0]}"
	printf '; %s' "${checked[@]:1}"
	echo
	exit 0
}
cleanup_debs() {
	[ $installed_by_us = 1 ] || return 0
	dpkg -P fsvm-dkms fsvm-tools libfsvm-dev libfsvm0 >>"$log" 2>&1
	installed_by_us=0
}

command -v dpkg >/dev/null 2>&1 || skip "not a Debian system (no dpkg)"
is_root=0
[ "$(id -u)" = 0 ] && is_root=1
[ $is_root = 1 ] || skip "needs root (apt-get, dpkg -i, dkms)"

# --- what the stage needs ------------------------------------------------------
need=()
for p in dpkg-dev pkg-config g++ clang cmake make binutils dkms man-db lintian \
	gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user; do
	dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
	say "installing ${need[*]}"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -q && apt-get install -y -q --no-install-recommends "${need[@]}"; } \
		>>"$log" 2>&1 || fail "apt-get install ${need[*]} failed"
fi

# --- 1. build for /usr ------------------------------------------------------------
b=$out/build
say "configure + build ($b, prefix /usr)"
cmake -S "$top" -B "$b" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFSVM_WERROR=ON \
	-DCMAKE_INSTALL_PREFIX=/usr >>"$log" 2>&1 || fail "configure failed"
cmake --build "$b" -j "$jobs" >>"$log" 2>&1 || fail "build failed"

# --- 2. the CTest packaging checks --------------------------------------------------
say "ctest -L packaging"
ctest --test-dir "$b" -L packaging --output-on-failure >>"$log" 2>&1 ||
	fail "ctest -L packaging failed"
n=$(ctest --test-dir "$b" -L packaging -N | sed -n 's/^Total Tests: //p')
[ "${n:-0}" -ge 3 ] || fail "only ${n:-0} packaging tests (libfsvm_exports, packaging_consumers, cli_man_completion expected)"
exports=$(ctest --test-dir "$b" -R '^libfsvm_exports$' -V 2>&1 | tee -a "$log" |
	grep -o "libfsvm: [0-9]* functions declared[^,]*, [0-9]* symbols exported" | tail -n 1)
checked+=("ctest -L packaging: $n tests (${exports:-exports checked}; consumers on a moved install; man/completion)")

# --- 3. the .debs -----------------------------------------------------------------------
say "cpack -G DEB"
rm -rf "$b/packages"
(cd "$b" && cpack -G DEB) >>"$log" 2>&1 || fail "cpack -G DEB failed"
ver=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$b/CMakeCache.txt")
arch=$(dpkg --print-architecture)
declare -A deb=(
	[libfsvm0]=$b/packages/libfsvm0_${ver}-1_${arch}.deb
	[libfsvm-dev]=$b/packages/libfsvm-dev_${ver}-1_${arch}.deb
	[fsvm-tools]=$b/packages/fsvm-tools_${ver}-1_${arch}.deb
	[fsvm-dkms]=$b/packages/fsvm-dkms_${ver}-1_all.deb
)
for p in "${!deb[@]}"; do
	[ -f "${deb[$p]}" ] || fail "cpack made no ${deb[$p]}"
	[ "$(dpkg-deb -f "${deb[$p]}" Package)" = "$p" ] || fail "${deb[$p]} is not package $p"
done
ml=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
# has PKG PATH...: every PATH is in the package's data.
has() {
	local p=$1 list f
	shift
	list=$(dpkg-deb -c "${deb[$p]}" | awk '{print $6}')
	for f in "$@"; do
		grep -qx "\./$f" <<<"$list" || fail "$p has no /$f"
	done
}
has libfsvm0 usr/lib/$ml/libfsvm.so.$ver usr/lib/$ml/libfsvm.so.0
has libfsvm-dev usr/lib/$ml/libfsvm.so usr/lib/$ml/libfsvm.a usr/include/fsvm/fsvm.h \
	usr/include/fsvm/fsvm_log.h usr/include/fsvm/fsvm_hw.h usr/lib/$ml/pkgconfig/fsvm.pc \
	usr/lib/$ml/cmake/fsvm/fsvmConfig.cmake usr/share/fsvm/sdk/cmake/FsvmDevice.cmake
has fsvm-tools usr/bin/fsvm usr/share/man/man1/fsvm.1.gz usr/share/bash-completion/completions/fsvm
has fsvm-dkms usr/src/fsvm-$ver/dkms.conf usr/src/fsvm-$ver/kmod/Makefile \
	usr/src/fsvm-$ver/kmod/Kbuild usr/src/fsvm-$ver/kmod/prepare-build.sh \
	usr/src/fsvm-$ver/kmod/include/uapi/fsvm_uapi.h usr/src/fsvm-$ver/hw-kernels/fsvm_hw.h \
	usr/src/fsvm-$ver/hw-kernels/smmu/smmu500_walk.c usr/lib/udev/rules.d/60-fsvm.rules \
	usr/share/doc/fsvm-dkms/examples/modules-load.d/fsvm.conf
if dpkg-deb -c "${deb[libfsvm0]}" | awk '{print $6}' | qgrep -E '\.(h|a|pc)$|/libfsvm\.so$'; then
	fail "libfsvm0 carries development files"
fi
dpkg-deb -f "${deb[libfsvm-dev]}" Depends | qgrep "libfsvm0 (= $ver-1)" ||
	fail "libfsvm-dev does not depend on libfsvm0 (= $ver-1)"
dpkg-deb -f "${deb[libfsvm0]}" Depends | qgrep "libc6" || fail "libfsvm0 has no libc6 Depends (shlibdeps)"
dpkg-deb -f "${deb[fsvm-dkms]}" Depends | qgrep "dkms" || fail "fsvm-dkms does not depend on dkms"
dpkg-deb --ctrl-tarfile "${deb[libfsvm0]}" | tar xO ./shlibs 2>/dev/null |
	qgrep "^libfsvm 0 libfsvm0" || fail "libfsvm0 has no shlibs entry for libfsvm.so.0"
for s in postinst prerm; do
	dpkg-deb --ctrl-tarfile "${deb[fsvm-dkms]}" | tar t | qgrep -x "./$s" || fail "fsvm-dkms has no $s"
done
rule=$(dpkg-deb --fsys-tarfile "${deb[fsvm-dkms]}" | tar xO ./usr/lib/udev/rules.d/60-fsvm.rules)
grep -qE 'KERNEL=="fsvm\[0-9\]\*".*GROUP="fsvm".*MODE="0660"' <<<"$rule" ||
	fail "60-fsvm.rules does not give /dev/fsvm* group fsvm mode 0660"
for p in "${!deb[@]}"; do
	dpkg-deb -c "${deb[$p]}" | awk '{print $6}' | qgrep -x "./usr/share/doc/$p/copyright" ||
		fail "$p has no /usr/share/doc/$p/copyright"
done
lintian --fail-on error "${deb[@]}" >"$out/lintian.log" 2>&1 ||
	{ cat "$out/lintian.log" >>"$log"; fail "lintian reports errors: $(grep -c '^E:' "$out/lintian.log") (see $out/lintian.log)"; }
lw=$(grep -c '^W:' "$out/lintian.log")
checked+=("lintian: 0 errors, $lw warnings")
checked+=("cpack: 4 .debs with their files, Depends (libfsvm0 (= $ver-1), libc6, dkms), shlibs, dkms postinst/prerm, udev rule 0660 fsvm")

# --- 4. install them --------------------------------------------------------------------
already=()
for p in libfsvm0 libfsvm-dev fsvm-tools fsvm-dkms; do
	case $(dpkg-query -W -f '${Status}' "$p" 2>/dev/null) in
	*" installed") already+=("$p") ;;
	esac
done
env_cons=(-DSRC="$here" -DCC=/usr/bin/cc "-DCXX=/usr/bin/g++;/usr/bin/clang++"
	"-DGENERATOR=Unix Makefiles" -DREADELF=/usr/bin/readelf -DPKG_CONFIG=/usr/bin/pkg-config
	-DSOVERSION=0 -DVERSION="$ver" -DEXAMPLE="$top/examples/custom-kernel")
if [ ${#already[@]} -gt 0 ]; then
	say "already installed here: ${already[*]}: not touched, dpkg -x into a scratch root"
	root=$out/root
	rm -rf "$root"
	for p in "${!deb[@]}"; do
		dpkg -x "${deb[$p]}" "$root" || fail "dpkg -x ${deb[$p]}"
	done
	cmake -DPREFIX="$root/usr" -DOUT="$out/consumers" "${env_cons[@]}" \
		-P "$here/run_consumers.cmake" >>"$log" 2>&1 ||
		fail "consumers against the dpkg -x tree failed"
	checked+=("dpkg -x (${already[*]} installed already, left alone): consumers built with pkg-config and find_package run on sim; no dpkg -i, no DKMS")
	finish
fi

say "dpkg -i the four packages"
installed_by_us=1
dpkg -i "${deb[libfsvm0]}" "${deb[libfsvm-dev]}" "${deb[fsvm-tools]}" "${deb[fsvm-dkms]}" \
	>>"$log" 2>&1 || fail "dpkg -i failed"
for p in libfsvm0 libfsvm-dev fsvm-tools fsvm-dkms; do
	[ "$(dpkg-query -W -f '${Status}' "$p")" = "install ok installed" ] || fail "$p is not installed"
done
dkms status -m fsvm -v "$ver" | qgrep "^fsvm/$ver" || fail "fsvm $ver is not in DKMS after dpkg -i"
getent group fsvm >/dev/null || fail "the postinst did not create the group fsvm"
[ "$(command -v fsvm)" = /usr/bin/fsvm ] || fail "fsvm is not /usr/bin/fsvm"
say "consumers against /usr"
cmake -DPREFIX=/usr -DOUT="$out/consumers" "${env_cons[@]}" \
	-P "$here/run_consumers.cmake" >>"$log" 2>&1 || fail "consumers against the installed packages failed"
checked+=("dpkg -i: installed, in DKMS, group fsvm; against /usr: C and C++17 (g++, clang++) with pkg-config and find_package (shared and libfsvm.a), /usr/bin/fsvm, the SDK example, all on sim with the expected values")

# --- 5. the module from the installed source ----------------------------------------------
# kmod/ci-build.sh leaves KMOD_OUT/headers-<abi>/.complete and, inside,
# usr/src/linux-headers-<abi>-arm64.
kdir=""
if [ -n "$kmod_out" ]; then
	for h in "$kmod_out"/headers-*; do
		[ -f "$h/.complete" ] || continue
		for d in "$h"/usr/src/linux-headers-*-arm64; do
			[ -d "$d" ] && kdir=$d
		done
	done
fi
if [ -n "$kdir" ] && command -v aarch64-linux-gnu-gcc >/dev/null 2>&1; then
	kver=$(basename "$kdir" | sed 's/^linux-headers-//')
	say "dkms build against $kver (cross)"
	CROSS_COMPILE=aarch64-linux-gnu- ARCH=arm64 nice dkms build -m fsvm -v "$ver" -k "$kver" \
		-a arm64 --kernelsourcedir "$kdir" -j "$jobs" >>"$log" 2>&1 ||
		fail "dkms build against $kver failed"
	ko=$(find "/var/lib/dkms/fsvm/$ver/$kver" -name fsvm.ko | head -n 1)
	[ -n "$ko" ] && readelf -h "$ko" 2>>"$log" | qgrep "Machine:.*AArch64" ||
		fail "dkms made no AArch64 fsvm.ko (${ko:-none} under /var/lib/dkms/fsvm/$ver/$kver)"
	say "make -C kmod modules modules_install from a copy of /usr/src/fsvm-$ver"
	src=$out/dkms-src
	rm -rf "$src" "$out/modroot"
	cp -a "/usr/src/fsvm-$ver" "$src"
	mk=(make -C "$src/kmod" KDIR="$kdir" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
	    BUILD="$src/kmod/.build" -j "$jobs")
	nice "${mk[@]}" modules >>"$log" 2>&1 || fail "make -C kmod modules failed"
	"${mk[@]}" INSTALL_MOD_PATH="$out/modroot" modules_install >>"$log" 2>&1 ||
		fail "make -C kmod modules_install failed"
	[ -f "$out/modroot/lib/modules/$kver/extra/fsvm.ko" ] || fail "modules_install put no extra/fsvm.ko"
	abs=$(find "$src/kmod/.build" -type l -lname '/*' | head -n 3)
	[ -z "$abs" ] || fail "prepare-build.sh made absolute symlinks: $abs"
	checked+=("dkms build of /usr/src/fsvm-$ver against $kver: AArch64 fsvm.ko; make -C kmod modules modules_install -> lib/modules/$kver/extra/fsvm.ko, relative symlinks only")
else
	checked+=("DKMS cross build not run: no arm64 headers from the kmod stage (${kmod_out:-none given})")
fi

# --- 6. remove them ----------------------------------------------------------------------------
say "dpkg -P (remove and purge)"
dpkg -P fsvm-dkms fsvm-tools libfsvm-dev libfsvm0 >>"$log" 2>&1 || fail "dpkg -P failed"
installed_by_us=0
dkms status -m fsvm | qgrep . && fail "fsvm is still in DKMS after dpkg -P"
[ -e "/usr/src/fsvm-$ver" ] && fail "/usr/src/fsvm-$ver is still there after dpkg -P"
[ -e "/usr/lib/$ml/libfsvm.so.0" ] && fail "libfsvm.so.0 is still there after dpkg -P"
for p in libfsvm0 libfsvm-dev fsvm-tools fsvm-dkms; do
	dpkg-query -W "$p" >/dev/null 2>&1 && fail "dpkg still knows $p after dpkg -P"
done
checked+=("dpkg -P: nothing left (dpkg database, DKMS, /usr/src, libfsvm)")
finish
