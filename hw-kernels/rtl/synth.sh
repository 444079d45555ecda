#!/bin/sh
# SPDX-License-Identifier: MIT
# synth.sh GEN_DIR [N ...] - Yosys `synth_xilinx -family xcup` of the shell
# top for NUM_CONTEXTS N (default 1 4 8), flattened, out of context (-noiopad: the shell
# is an IP inside the block design, its ports are not FPGA pins). Prints one
# line per N from `stat`:
#   synth: NUM_CONTEXTS=N LUT=.. (LUT1-6) INV=.. FF=.. BRAM=.. CARRY=.. MUXF=.. DSP=..
# GEN_DIR holds the generated headers (build tree: hw-kernels/rtl/gen).
# Yosys' mapping, not Vivado's: figures are estimates of the same order as a
# Vivado run, not a substitute for one.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gen=${1:?usage: synth.sh GEN_DIR [N ...]}
shift
[ $# -gt 0 ] || set -- 1 4 8
src="$here/fsvm_shell.v $here/fsvm_shell_ctx.v $here/fsvm_lite_master.v $here/fsvm_lane_port.v"
log=${SYNTH_LOG_DIR:-${TMPDIR:-/tmp}}
for n in "$@"; do
	out="$log/fsvm_shell_synth_$n.log"
	yosys -l "$out" -q -p "read_verilog -I$gen $src; chparam -set NUM_CONTEXTS $n fsvm_shell;
		synth_xilinx -family xcup -noiopad -flatten -top fsvm_shell; tee -o $out.stat stat" >/dev/null
	awk -v n="$n" '
		/^ +[A-Z][A-Z0-9_]+ +[0-9]+$/ { c[$1] += $2 }
		END {
			lut = c["LUT1"] + c["LUT2"] + c["LUT3"] + c["LUT4"] + c["LUT5"] + c["LUT6"]
			ff = c["FDRE"] + c["FDSE"] + c["FDCE"] + c["FDPE"]
			bram = c["RAMB18E2"] + c["RAMB36E2"] + c["RAMB18E1"] + c["RAMB36E1"]
			carry = c["CARRY4"] + c["CARRY8"]
			muxf = c["MUXF7"] + c["MUXF8"] + c["MUXF9"]
			dsp = c["DSP48E2"] + c["DSP48E1"]
			printf "synth: NUM_CONTEXTS=%s LUT=%d INV=%d FF=%d BRAM=%d CARRY=%d MUXF=%d DSP=%d\n",
			       n, lut, c["INV"], ff, bram, carry, muxf, dsp
		}' "$out.stat"
done
