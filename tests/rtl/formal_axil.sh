#!/bin/sh
# SPDX-License-Identifier: MIT
# formal_axil.sh GEN_DIR [STEPS] - bounded model check (Yosys 0.23 SMT flow,
# yosys-smtbmc with z3) of AXI4-Lite properties of fsvm_shell's s_axi_ctl
# (tests/rtl/fv_axil.sv says which) for STEPS clock cycles (default 24) from
# reset. A bounded proof: no run longer than STEPS cycles is covered, and
# k-induction is not attempted. GEN_DIR holds the generated headers (build
# tree: hw-kernels/rtl/gen). Prints "formal: s_axi_ctl AXI4-Lite properties
# hold for N steps" or the failing assertion, and exits non-zero then.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rtl=$(cd "$here/../../hw-kernels/rtl" && pwd)
gen=${1:?usage: formal_axil.sh GEN_DIR [STEPS]}
steps=${2:-24}
work=$(mktemp -d "${TMPDIR:-/tmp}/fsvm-formal.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Cut points: the contexts, the lane-register master and the lane ports
# become free outputs; what is left is fsvm_shell's own s_axi_ctl logic,
# read mux and kernel-table ROM.
yosys -q -p "read_verilog -I$gen $rtl/fsvm_shell.v $rtl/fsvm_shell_ctx.v $rtl/fsvm_lite_master.v $rtl/fsvm_lane_port.v;
	read_verilog -formal -sv $here/fv_axil.sv; hierarchy -check -top fv_axil;
	cutpoint t:*fsvm_shell_ctx t:*fsvm_lite_master* t:*fsvm_lane_port;
	prep -top fv_axil; flatten; opt -fast; async2sync; dffunmap;
	write_smt2 -wires $work/fv.smt2"
if ! yosys-smtbmc -s z3 -t "$steps" "$work/fv.smt2" >"$work/bmc.log" 2>&1 ||
	! grep -q "Status: PASSED" "$work/bmc.log"; then
	grep -E "failed|FAILED|rror" "$work/bmc.log" | head -20
	echo "formal: s_axi_ctl AXI4-Lite properties FAIL within $steps steps" >&2
	exit 1
fi
echo "formal: s_axi_ctl AXI4-Lite properties hold for $steps steps (yosys-smtbmc, z3)"
