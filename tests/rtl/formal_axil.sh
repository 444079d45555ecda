#!/bin/sh
# SPDX-License-Identifier: MIT
# formal_axil.sh GEN_DIR [STEPS] - bounded model checks (Yosys 0.23 SMT flow,
# yosys-smtbmc with z3) of the shell's two AXI4-Lite interfaces:
#  - fsvm_shell's s_axi_ctl slave (tests/rtl/fv_axil.sv), STEPS clock cycles
#    from reset (default 24);
#  - fsvm_lite_master, the m_axi_lanes master with two requesters
#    (tests/rtl/fv_lite.sv), 12 cycles from reset (its round-robin arithmetic
#    makes longer runs slow for z3).
# Bounded proofs: no run longer than that is covered, and k-induction is not
# attempted. GEN_DIR holds the generated headers (build tree:
# hw-kernels/rtl/gen). Prints one "formal: ... hold for N steps" line per
# check, or the failing assertion, and exits non-zero then.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
rtl=$(cd "$here/../../hw-kernels/rtl" && pwd)
gen=${1:?usage: formal_axil.sh GEN_DIR [STEPS]}
steps=${2:-24}
work=$(mktemp -d "${TMPDIR:-/tmp}/fsvm-formal.XXXXXX")
trap 'rm -rf "$work"' EXIT
opt="prep -top TOP; flatten; opt -full; wreduce; peepopt; opt -full; async2sync; dffunmap"

# bmc NAME TOP N: run the model $work/TOP.smt2 for N steps
bmc() {
	if ! yosys-smtbmc -s z3 -t "$3" "$work/$2.smt2" >"$work/$2.log" 2>&1 ||
		! grep -q "Status: PASSED" "$work/$2.log"; then
		grep -E "failed|FAILED|rror" "$work/$2.log" | head -20
		echo "formal: $1 FAIL within $3 steps" >&2
		exit 1
	fi
	echo "formal: $1 hold for $3 steps (yosys-smtbmc, z3)"
}

# s_axi_ctl. Cut points: the contexts, the lane-register master and the lane
# ports become free outputs; what is left is fsvm_shell's own s_axi_ctl
# logic, read mux and kernel-table ROM.
yosys -q -p "read_verilog -I$gen $rtl/fsvm_shell.v $rtl/fsvm_shell_ctx.v $rtl/fsvm_lite_master.v $rtl/fsvm_lane_port.v;
	read_verilog -formal -sv $here/fv_axil.sv; hierarchy -check -top fv_axil;
	cutpoint t:*fsvm_shell_ctx t:*fsvm_lite_master* t:*fsvm_lane_port;
	$(echo "$opt" | sed s/TOP/fv_axil/); write_smt2 -wires $work/fv_axil.smt2"
bmc "s_axi_ctl AXI4-Lite slave properties" fv_axil "$steps"

# m_axi_lanes
yosys -q -p "read_verilog $rtl/fsvm_lite_master.v; read_verilog -formal -sv $here/fv_lite.sv;
	hierarchy -check -top fv_lite; $(echo "$opt" | sed s/TOP/fv_lite/);
	write_smt2 -wires $work/fv_lite.smt2"
bmc "m_axi_lanes AXI4-Lite master properties" fv_lite 12
