#!/bin/bash
# SPDX-License-Identifier: MIT
#
# bench_columns.sh FSVM [BENCH OPTION...]
#
# Runs "FSVM bench OPTIONS" and checks the layout of its text output:
#  - every "label : figures" line of the summary has its " : " at the same
#    column, whatever the width of the numbers inside the labels;
#  - in the table of K chases, every number ends in the column where the
#    heading above it ends (right-aligned under its heading).
set -u
fsvm=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$fsvm" bench "$@" >"$out" 2>/dev/null
rc=$?
cat "$out"
[ $rc -eq 0 ] || { echo "FAIL: fsvm bench exited $rc"; exit 1; }

awk '
# ends(line): the columns (1-based) where its whitespace-separated words end
function ends(line, arr,    n, pos, rest, m) {
	n = 0; pos = 0; rest = line
	while (match(rest, /[^ ]+/)) {
		pos += RSTART + RLENGTH - 1
		arr[++n] = pos
		rest = substr(rest, RSTART + RLENGTH)
	}
	return n
}
/^$/ { started = 1; next }
started && /^K chases/ { table = 1; next }
started && !table && / : / {
	c = index($0, " : ")
	if (!colon) colon = c
	else if (c != colon) { print "FAIL: \" : \" at column " c ", not " colon ": " $0; bad = 1 }
	labels++
	next
}
table && !header { header = 1; nh = ends($0, h); for (i = 1; i <= nh; i++) hend[h[i]] = 1; next }
table {
	n = ends($0, d)
	for (i = 1; i <= n; i++)
		if (!(d[i] in hend)) { print "FAIL: a figure ends at column " d[i] ", under no heading: " $0; bad = 1 }
	rows++
}
END {
	if (labels < 5) { print "FAIL: only " labels " label lines"; bad = 1 }
	if (rows < 1) { print "FAIL: no rows in the K table"; bad = 1 }
	if (!bad) print "PASS: " labels " label lines aligned at column " colon ", " rows " table rows under their headings"
	exit bad
}' "$out"
