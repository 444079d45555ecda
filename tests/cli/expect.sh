#!/bin/bash
# SPDX-License-Identifier: MIT
#
# expect.sh RC REGEX [check...] -- CMD [ARG...]
#
# Runs CMD and passes only if it exits with status RC and its output has a
# line matching REGEX (grep -E). The checks:
#   -e REGEX     one more regex that must match a line
#   -x REGEX     a regex that must match no line
#   -s REGEX S   the matches of REGEX (grep -oE), in order and joined, must
#                be exactly S (e.g. the order of numbered steps)
#   --stdout     match against stdout only (default: stdout and stderr)
#   --stderr     match against stderr only
#   --ulimit-v KIB  run CMD under "ulimit -v KIB" (address-space limit)
# Prints the command, its status and its output when a check fails.
set -u

usage() {
	echo "usage: expect.sh RC REGEX [-e RE] [-x RE] [-s RE S] [--stdout|--stderr]" \
	     "[--ulimit-v KIB] -- CMD..." >&2
	exit 2
}

[ $# -ge 3 ] || usage
want_rc=$1
must=("$2")
shift 2
mustnot=()
seq_re=()
seq_want=()
stream=all
ulim=
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
	case $1 in
	-e) [ $# -ge 2 ] || usage; must+=("$2"); shift 2 ;;
	-x) [ $# -ge 2 ] || usage; mustnot+=("$2"); shift 2 ;;
	-s) [ $# -ge 3 ] || usage; seq_re+=("$2"); seq_want+=("$3"); shift 3 ;;
	--stdout) stream=out; shift ;;
	--stderr) stream=err; shift ;;
	--ulimit-v) [ $# -ge 2 ] || usage; ulim=$2; shift 2 ;;
	*) echo "expect.sh: unknown check $1" >&2; usage ;;
	esac
done
[ "${1-}" = "--" ] || usage
shift
[ $# -ge 1 ] || usage

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(
	if [ -n "$ulim" ]; then
		ulimit -v "$ulim" || exit 125
	fi
	exec "$@"
) >"$tmp/out" 2>"$tmp/err" </dev/null
rc=$?
case $stream in
out) cp "$tmp/out" "$tmp/text" ;;
err) cp "$tmp/err" "$tmp/text" ;;
*) cat "$tmp/out" "$tmp/err" >"$tmp/text" ;;
esac

fail=0
why() {
	echo "FAIL: $*"
	fail=1
}
[ "$rc" = "$want_rc" ] || why "exit status $rc, expected $want_rc"
for re in "${must[@]}"; do
	grep -Eq -- "$re" "$tmp/text" || why "no line matches: $re"
done
for re in "${mustnot[@]}"; do
	if grep -Eq -- "$re" "$tmp/text"; then
		why "a line matches what must not appear: $re"
	fi
done
for k in "${!seq_re[@]}"; do
	got=$(grep -oE -- "${seq_re[$k]}" "$tmp/text" | tr -d '\n')
	[ "$got" = "${seq_want[$k]}" ] ||
		why "matches of ${seq_re[$k]} in order: \"$got\", expected \"${seq_want[$k]}\""
done

echo "command: $*"
echo "exit status: $rc (expected $want_rc)"
if [ $fail -ne 0 ]; then
	echo "--- stdout"
	head -c 20000 "$tmp/out"
	echo "--- stderr"
	head -c 20000 "$tmp/err"
	exit 1
fi
echo "PASS"
exit 0
