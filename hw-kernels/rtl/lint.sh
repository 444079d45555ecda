#!/bin/sh
# SPDX-License-Identifier: MIT
# lint.sh GEN_DIR [N ...] - `verilator --lint-only -Wall` on the shell top for
# NUM_CONTEXTS N (default 1 4 8); GEN_DIR holds the generated fsvm_hw.vh,
# fsvm_ktab.vh and fsvm_lane_map.vh (build tree: hw-kernels/rtl/gen).
# Then `yosys` reads and elaborates the same sources. Exit 0 only if both are
# clean for every N; prints "lint: clean (N ...)".
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gen=${1:?usage: lint.sh GEN_DIR [N ...]}
shift
[ $# -gt 0 ] || set -- 1 4 8
src="$here/fsvm_shell.v $here/fsvm_shell_ctx.v $here/fsvm_lite_master.v $here/fsvm_lane_port.v"
for n in "$@"; do
	# shellcheck disable=SC2086
	if ! out=$(verilator --lint-only -Wall -I"$gen" -GNUM_CONTEXTS="$n" \
		--top-module fsvm_shell $src 2>&1) || [ -n "$out" ]; then
		printf '%s\n' "$out"
		echo "lint: verilator -Wall not clean for NUM_CONTEXTS=$n" >&2
		exit 1
	fi
	# shellcheck disable=SC2086
	if ! out=$(yosys -q -p "read_verilog -I$gen $src; chparam -set NUM_CONTEXTS $n fsvm_shell; hierarchy -check -top fsvm_shell; proc; check -assert" 2>&1); then
		printf '%s\n' "$out"
		echo "lint: yosys cannot read/elaborate NUM_CONTEXTS=$n" >&2
		exit 1
	fi
done
echo "lint: clean ($*)"
