#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# checkpatch.sh - run the kernel's scripts/checkpatch.pl --strict over
# fsvm.ko's sources (kmod/*.c, kmod/*.h, kmod/include/uapi/*.h).
#
# usage: kmod/checkpatch.sh [OUT_DIR]
#   OUT_DIR  where checkpatch.pl and its data files are extracted and the
#            report is kept (default: $FSVM_BUILD_ROOT/checkpatch, else
#            build/ci/checkpatch in the repository).
#
# checkpatch comes from Debian 12's linux-source-6.1 (installed with apt-get
# when missing and run as root): only scripts/checkpatch.pl and the data files
# it reads (scripts/spelling.txt, scripts/const_structs.checkpatch) are
# extracted from /usr/src/linux-source-6.1.tar.xz. The 6.1 tree has no
# .checkpatch.conf; checkpatch runs from kmod/ with HOME=OUT_DIR, so no
# user's ~/.checkpatch.conf changes the verdict.
#
# Pass: no ERROR and no WARNING outside fsvm_compat.h (the one file whose job
# is the LINUX_VERSION_CODE tests checkpatch warns about). CHECKs are counted,
# not failed: most are the <stdint.h> types of the files that also build in
# user space (fsvm_smmu_prog.c, fsvm_mirror_pt.c, fsvm_uapi_check.c, ...).
# Ends with one line:
#   checkpatch: 0 errors, 0 warnings, N checks over M files (...)
# Exit: 0 pass, 1 errors or warnings (listed above that line), 77 cannot run
# here (the reason is printed).
set -u
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:-${FSVM_BUILD_ROOT:-$top/build/ci}/checkpatch}
mkdir -p "$out" || { echo "checkpatch: cannot create $out"; exit 1; }
out=$(cd "$out" && pwd)
log=$out/checkpatch.log
: >"$log"

skip() { echo "checkpatch: SKIP - $*"; exit 77; }
fail() { echo "checkpatch: FAIL - $*"; exit 1; }

pkg=linux-source-6.1
tarball=/usr/src/linux-source-6.1.tar.xz
members=(scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch)

command -v perl >/dev/null 2>&1 || skip "perl is not installed"
if [ ! -f "$tarball" ]; then
	command -v apt-get >/dev/null 2>&1 || skip "no $tarball and no apt-get (not Debian)"
	[ "$(id -u)" = 0 ] || skip "no $tarball and not root (sudo apt-get install $pkg)"
	export DEBIAN_FRONTEND=noninteractive
	echo "checkpatch: installing $pkg"
	{ apt-get install -y -q --no-install-recommends $pkg ||
		{ apt-get update -q && apt-get install -y -q --no-install-recommends $pkg; }; } >>"$log" 2>&1 ||
		skip "apt-get install $pkg failed (see $log)"
	[ -f "$tarball" ] || skip "$pkg is installed but $tarball is missing"
fi

src=$out/linux-source-6.1
cp=$src/scripts/checkpatch.pl
stamp=$out/.extracted
if [ ! -f "$stamp" ] || [ "$tarball" -nt "$stamp" ]; then
	rm -rf "$src"
	tar -xJf "$tarball" -C "$out" "${members[@]/#/linux-source-6.1/}" >>"$log" 2>&1 ||
		fail "cannot extract ${members[*]} from $tarball (see $log)"
	touch "$stamp"
fi
for m in "${members[@]}"; do
	[ -f "$src/$m" ] || fail "$src/$m is missing after extraction"
done

cd "$here" || fail "cannot enter $here"
files=(*.c *.h include/uapi/*.h)
report=$out/report.txt
# checkpatch exits non-zero when it reports anything; the counts decide.
HOME=$out perl "$cp" --strict --no-tree --terse --no-summary --show-types -f "${files[@]}" \
	>"$report" 2>"$out/checkpatch.stderr"
rc=$?
# Every line of --terse output is a finding; anything else means checkpatch
# itself went wrong (a perl error, a missing data file).
if grep -vqE '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' "$report" ||
	{ [ $rc != 0 ] && [ ! -s "$report" ]; } || [ -s "$out/checkpatch.stderr" ]; then
	tail -n 20 "$out/checkpatch.stderr" "$report"
	fail "checkpatch.pl did not run cleanly (exit $rc, see $out/checkpatch.stderr and $report)"
fi

count() { grep -cE "$1" "$report"; }
bad=$(grep -E '^[^ ]+:[0-9]+: (ERROR|WARNING):' "$report" | grep -v '^fsvm_compat\.h:')
errors=$(printf '%s\n' "$bad" | grep -c ': ERROR:')
warnings=$(printf '%s\n' "$bad" | grep -c ': WARNING:')
checks=$(count ': CHECK:')
compat=$(grep -cE '^fsvm_compat\.h:[0-9]+: (ERROR|WARNING):' "$report")
summary="$errors errors, $warnings warnings, $checks checks over ${#files[@]} files (fsvm_compat.h's version tests: $compat findings, allowed; report $report)"
if [ -n "$bad" ]; then
	printf '%s\n' "$bad"
	echo "checkpatch: FAIL - $summary"
	exit 1
fi
echo "checkpatch: $summary"
