#!/bin/bash
# SPDX-License-Identifier: MIT
#
# doc_snippet.sh SRC BUILD CC [CFLAG...]
#
# docs/getting-started.md, "Your own program": takes the C program, the sh
# block that builds and runs it and the output block after it, exactly as a
# reader would copy them, and runs the sh block in a scratch directory laid
# out like the source tree (pocl-device/libfsvm, hw-kernels, build/ -> the
# build tree). "cc" is CC with the CFLAGs (the sanitizer build needs its
# flags). Passes if the program builds without warnings, exits 0 and prints
# the documented output.
set -u
src=$1 build=$2 compiler=$3
shift 3
extra_flags=("$@")
doc=$src/docs/getting-started.md
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The fenced blocks of the section, numbered in order: 1 c, 2 sh, 3 output.
awk -v dir="$tmp" '
/^## / { insec = ($0 == "## Your own program") ; next }
!insec { next }
/^```/ {
	if (!inblk) { inblk = 1; n++; f = dir "/block" n; printf "" > f; next }
	inblk = 0; close(f); next
}
inblk { print > f }
' "$doc"
for n in 1 2 3; do
	[ -f "$tmp/block$n" ] || { echo "FAIL: fenced block $n of \"Your own program\" missing"; exit 1; }
done
mkdir -p "$tmp/tree/pocl-device"
ln -s "$src/pocl-device/libfsvm" "$tmp/tree/pocl-device/libfsvm"
ln -s "$src/hw-kernels" "$tmp/tree/hw-kernels"
ln -s "$build" "$tmp/tree/build"
cp "$tmp/block1" "$tmp/tree/my_chase.c"
echo "--- build and run, as documented:"
cat "$tmp/block2"
(
	cd "$tmp/tree" || exit 1
	cc() { "$compiler" "${extra_flags[@]}" -Wall -Wextra -Werror "$@"; }
	# shellcheck disable=SC1091
	. "$tmp/block2"
) >"$tmp/got" 2>"$tmp/err"
rc=$?
echo "--- stdout:"; cat "$tmp/got"
echo "--- stderr:"; cat "$tmp/err"
[ $rc -eq 0 ] || { echo "FAIL: the documented commands exited $rc"; exit 1; }
diff -u "$tmp/block3" "$tmp/got" || { echo "FAIL: output differs from the documented one"; exit 1; }
echo "PASS"
