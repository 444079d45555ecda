#!/bin/sh
# SPDX-License-Identifier: MIT
# lint.sh GEN_DIR [N ...] - `verilator --lint-only -Wall` on the shell top
# (fsvm_shell) and on its block-design wrapper (fsvm_shell_bd, the top that
# package_shell_ip.tcl packages) for NUM_CONTEXTS N (default 1 4 8); GEN_DIR
# holds the generated fsvm_hw.vh, fsvm_ktab.vh and fsvm_lane_map.vh (build
# tree: hw-kernels/rtl/gen). Then `yosys` reads and elaborates the same
# sources. Exit 0 only if both are clean for every N and top; prints
# "lint: clean (N ...)".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gen=${1:?usage: lint.sh GEN_DIR [N ...]}
shift
[ $# -gt 0 ] || set -- 1 4 8
src="$here/fsvm_shell.v $here/fsvm_shell_ctx.v $here/fsvm_lite_master.v $here/fsvm_lane_port.v"
for n in "$@"; do
	for top in fsvm_shell fsvm_shell_bd; do
		files=$src
		[ $top = fsvm_shell ] || files="$here/fsvm_shell_bd.v $src"
		# shellcheck disable=SC2086
		if ! out=$(verilator --lint-only -Wall -I"$gen" -GNUM_CONTEXTS="$n" \
			--top-module $top $files 2>&1) || [ -n "$out" ]; then
			printf '%s\n' "$out"
			echo "lint: verilator -Wall not clean for $top NUM_CONTEXTS=$n" >&2
			exit 1
		fi
		# shellcheck disable=SC2086
		if ! out=$(yosys -q -p "read_verilog -I$gen $files; chparam -set NUM_CONTEXTS $n $top; hierarchy -check -top $top; proc; check -assert" 2>&1); then
			printf '%s\n' "$out"
			echo "lint: yosys cannot read/elaborate $top NUM_CONTEXTS=$n" >&2
			exit 1
		fi
	done
done
echo "lint: clean ($*)"
