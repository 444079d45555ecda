#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# check_cli_docs.sh FSVM MAN COMPLETION - fsvm(1) and the bash completion
# describe what the fsvm binary really accepts (CTest cli_man_completion):
#   - every option `fsvm --help` and `fsvm <command> --help` print, every
#     command of the usage and every kernel `fsvm run --help` lists is in
#     the man page and in the completion;
#   - the completion, sourced into bash, completes commands, kernels and
#     options to the right words;
#   - the man page formats without groff warnings (when man is installed).
# $FSVM_EMULATOR (e.g. "qemu-aarch64 -L /usr/aarch64-linux-gnu") runs a
# cross-built fsvm.
set -u
fsvm_bin=$1 man=$2 comp=$3
fsvm() { ${FSVM_EMULATOR:-} "$fsvm_bin" "$@"; }
fails=0
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The man page's text with roff's \- as -, and its described items (the
# tag line after each .TP: an option must have its own entry, not only a
# mention in the synopsis).
mantext=$(sed 's/\\-/-/g' "$man")
described=$(awk 'tp { print; tp = 0 } /^\.TP/ { tp = 1 }' <<<"$mantext")
# The words the completion offers (its compgen -W lists and *_opts lists).
offered=$(grep -E 'compgen -W|_opts=' "$comp")
helps=$(fsvm --help)
for c in info run bench doctor; do
	helps+=$'\n'$(fsvm "$c" --help) || bad "fsvm $c --help failed"
done
opts=$(grep -oE '(^|[ [])--?[a-z][a-z-]*' <<<"$helps" | sed 's/^[ [ ]*//' | sort -u)
[ "$(wc -l <<<"$opts")" -ge 15 ] || bad "only $(wc -l <<<"$opts") options read from --help: $opts"
for o in $opts; do
	grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" <<<"$described" || bad "option $o (fsvm --help) has no entry in $man"
	grep -qE -- "(^|[^a-z-])$o([^a-z-]|$)" <<<"$offered" || bad "option $o (fsvm --help) is not offered by $comp"
done
cmds=$(sed -n '/^Commands:/,/^$/p' <<<"$helps" | awk 'NF && !/Commands:/ {print $1}')
[ -n "$cmds" ] || bad "no commands read from fsvm --help"
for c in $cmds; do
	grep -qE "^\.SS $c( |$)" "$man" || bad "command $c has no section in $man"
	grep -qE "commands=\"[^\"]*\<$c\>" "$comp" || bad "command $c is not completed"
done
kernels=$(fsvm run --help | sed -n '/^Kernels:/,/^$/p' | sed 's/^Kernels://' | tr ',' ' ')
[ -n "$(tr -d ' \n' <<<"$kernels")" ] || bad "no kernels read from fsvm run --help"
for k in $kernels; do
	grep -qE "(^|[ ,])$k([ ,.]|$)" <<<"$mantext" || bad "kernel $k (fsvm run --help) is not in $man"
	grep -qE "kernels=\"[^\"]*\<$k\>" "$comp" || bad "kernel $k is not completed"
done

# The completion at work: complete WORDS... -> the words offered.
complete_words() {
	bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_fsvm
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' _ "$comp" "$@"
}
expect() {
	local want=$1; shift
	local got
	got=$(complete_words "$@")
	[ "$got" = "$want" ] || bad "completion of '$*': '$got', expected '$want'"
}
expect "bench " fsvm be
expect "info " fsvm --device sim in
expect "pointer_chase " fsvm run poin
expect "bst_lookup bst_lookup_batch " fsvm run bst
expect "--reps --rss-mib " fsvm bench --r
expect "--no-probe " fsvm doctor --no
expect "--device " fsvm --dev
expect "hw sim " fsvm --device ""

if command -v man >/dev/null 2>&1; then
	w=$(LC_ALL=C MANWIDTH=80 man --warnings -l "$man" 2>&1 >/dev/null)
	[ -z "$w" ] || bad "man --warnings: $w"
fi
if [ $fails -ne 0 ]; then
	echo "cli_man_completion: $fails problem(s)"
	exit 1
fi
echo "cli_man_completion: $(wc -w <<<"$opts") options, $(wc -w <<<"$cmds") commands, $(wc -w <<<"$kernels") kernels in the man page and the completion; completion works"
