#!/bin/bash
# SPDX-License-Identifier: MIT
#
# doc_fault_log.sh SRC FSVM
#
# docs/troubleshooting.md names the log level at which faults are logged
# ("Faults are also logged ... FSVM_LOG=<level>") and the -v count that
# gets there. Check it against the code: a run that must fault (vadd on
# misaligned floats) logs the fault line at that level and with that many
# -v, and not at the level above. The page must not promise a module that
# "lands" some day either: fsvm.ko and its docs are there.
set -u
src=$1 fsvm=$2
doc=$src/docs/troubleshooting.md
levels=(debug info warn error)
fail=0

para=$(awk '/^Faults are also logged/ { p = 1 } p && /^$/ { exit } p' "$doc")
level=$(grep -oE 'FSVM_LOG=[a-z]+' <<<"$para" | head -1 | cut -d= -f2)
vflags=$(grep -oE 'fsvm( -v)+' <<<"$para" | head -1 | sed 's/^fsvm //')
echo "documented: FSVM_LOG=$level, fsvm $vflags"
idx=-1
for i in "${!levels[@]}"; do [ "${levels[$i]}" = "$level" ] && idx=$i; done
if [ $idx -lt 0 ] || [ $idx -ge 3 ]; then
	echo "FAIL: no usable FSVM_LOG level in the paragraph: $para"
	exit 1
fi
above=${levels[$((idx + 1))]}
pattern="^fsvm: $level: context [0-9]+: (read from|write to) 0x[0-9a-f]+: alignment fault"
err=$(env FSVM_LOG="$level" "$fsvm" run vadd --n 16 --offset 2 2>&1 >/dev/null)
grep -Eq "$pattern" <<<"$err" || { echo "FAIL: FSVM_LOG=$level logs no fault line:"; echo "$err"; fail=1; }
err=$(env FSVM_LOG="$above" "$fsvm" run vadd --n 16 --offset 2 2>&1 >/dev/null)
if grep -q "alignment fault" <<<"$err"; then
	echo "FAIL: FSVM_LOG=$above logs the fault too, so the documented level is not the one:"
	echo "$err"
	fail=1
fi
if [ -n "$vflags" ]; then
	# shellcheck disable=SC2086
	err=$(env -u FSVM_LOG "$fsvm" $vflags run vadd --n 16 --offset 2 2>&1 >/dev/null)
	grep -Eq "$pattern" <<<"$err" || { echo "FAIL: fsvm $vflags logs no fault line:"; echo "$err"; fail=1; }
fi
if grep -n "when the module lands" "$doc"; then
	echo "FAIL: the page still waits for the module"
	fail=1
fi
[ $fail -eq 0 ] && echo "PASS"
exit $fail
