#!/bin/bash
# SPDX-License-Identifier: MIT
# mutation_check.sh BUILD_DIR [N...] - break the shell RTL on purpose, one
# mutation at a time, and check that tests/rtl's testbench goes red for each.
# Works on a copy of hw-kernels/rtl (the tree is never touched); BUILD_DIR is
# a configured build (its generated headers and libfsvm_hls.a are used).
# Slow (one Verilator build per mutation, ~40 s each): not part of CI.
# Prints one line per mutation and "mutation_check: K of M mutations caught".
set -u
here=$(cd "$(dirname "$0")" && pwd)
rtl=$(cd "$here/../../hw-kernels/rtl" && pwd)
build=${1:?usage: mutation_check.sh BUILD_DIR [N...]}
shift
gen=$build/hw-kernels/rtl/gen
lib=$build/hw-kernels/hls/libfsvm_hls.a
[ -f "$gen/fsvm_hw.vh" ] && [ -f "$lib" ] || { echo "build $build first" >&2; exit 2; }
work=$(mktemp -d /tmp/rtl-mut.XXXXXX)
trap 'rm -rf "$work"' EXIT

# file@sed expression@what it breaks
muts=(
  "fsvm_lane_port.v@s/assign m_arid    = AXI_ID;/assign m_arid    = AXI_ID ^ 6'd1;/@fixed AXI ID per context"
  "fsvm_lane_port.v@s/assign m_arcache = 4'b1111;/assign m_arcache = 4'b0011;/@AxCACHE shim"
  "fsvm_lane_port.v@s/assign m_araddr  = ar_addr;/assign m_araddr  = ar_addr + 64'hff0;/@read address (bursts cross 4 KiB)"
  "fsvm_lane_port.v@s/wire r_err = r_hs \&\& !flush \&\& m_rresp\[1\];/wire r_err = r_hs \&\& !flush \&\& m_rresp == 2'b10;/@DECERR seen as an error"
  "fsvm_lane_port.v@s/assign m_wvalid  = (w_st == W_FWD) \&\& !w_done \&\& (s_wvalid || flush);/assign m_wvalid  = (w_st == W_FWD) \&\& !w_done \&\& s_wvalid;/@flush finishes a W burst"
  "fsvm_lane_port.v@s/slot_seen\[1\] <= 1'b1;/slot_seen[1] <= 1'b0;/@slot snoop of completion_va"
  "fsvm_lane_port.v@s/assign s_rlast   = (r_st == R_DATA) ? m_rlast : (r_left == 8'd0);/assign s_rlast   = (r_st == R_DATA) ? m_rlast : 1'b1;/@RLAST of terminated bursts"
  "fsvm_shell_ctx.v@s/irq_st <= ((irq_st \& ~irq_clr) | irq_set) \& IRQ_BITS;/irq_st <= (irq_st | irq_set) \& IRQ_BITS;/@IRQ_STATUS write-1-to-clear"
  "fsvm_shell_ctx.v@s/wire   wd_expired = (WATCHDOG != 32'd0) \&\& (wd_cnt >= WATCHDOG - 32'd1);/wire   wd_expired = 1'b0;/@watchdog"
  "fsvm_shell_ctx.v@s/c_start <= draining ? now : t_start;/c_start <= now;/@start timestamp"
  "fsvm_shell_ctx.v@s/wire        do_reset = w_reset \&\& !en \&\& !abort \&\& !busy;/wire        do_reset = w_reset \&\& !abort \&\& !busy;/@RESET ignored while enabled"
  "fsvm_shell.v@s/end else if (s_axi_ctl_bvalid \&\& s_axi_ctl_bready) begin/end else if (s_axi_ctl_bvalid) begin/@B held until BREADY"
  "fsvm_shell.v@s/default:                 id_word = 32'd0;/default:                 id_word = 32'd1;/@reserved offsets read 0"
  "fsvm_shell_ctx.v@s/(r_phase == \`FSVM_CP_COMPILED) ? \`FSVM_ST_BAD_PACKET :/(r_phase == \`FSVM_CP_COMPILED) ? r_status :/@compiled packets are BAD_PACKET on silicon"
  "fsvm_lite_master.v@s/if (m_awready) m_awvalid <= 1'b0;/m_awvalid <= 1'b0;/@AWVALID held until AWREADY"
  "fsvm_shell_ctx.v@s/                if (irq_d) begin/                if (irq_d || abort) begin/@the dispatch lane is waited for after ABORT"
)

sel=("$@")
caught=0
total=0
for i in "${!muts[@]}"; do
	if [ ${#sel[@]} -gt 0 ] && ! printf '%s\n' "${sel[@]}" | grep -qx "$i"; then
		continue
	fi
	IFS='@' read -r file expr what <<<"${muts[$i]}"
	rm -rf "$work/rtl" "$work/obj"
	cp -r "$rtl" "$work/rtl"
	sed -i "$expr" "$work/rtl/$file"
	if cmp -s "$rtl/$file" "$work/rtl/$file"; then
		echo "mutation $i ($what): did not apply - fix the script"
		total=$((total + 1))
		continue
	fi
	total=$((total + 1))
	if ! verilator --cc --exe --build -j 2 -Wno-fatal -Wall -Mdir "$work/obj" \
		-I"$gen" -I"$work/rtl" --top-module fsvm_shell --prefix Vshell4 \
		-GNUM_CONTEXTS=4 -GWATCHDOG=40000 -GCLOCK_HZ=250000000 \
		-CFLAGS "-std=c++17 -DTB_NC=4 -DTB_MODEL=Vshell4 -DTB_MODEL_HEADER='\"Vshell4.h\"' \
		-DTB_LANE_BASE=0xa0100000u -DTB_LANE_STRIDE=0x00010000u -DTB_WATCHDOG=40000u \
		-DTB_CLOCK_HZ=250000000u -I$here -I$rtl -I$rtl/.. -I$rtl/../hls" \
		-LDFLAGS "$lib" \
		"$work/rtl/fsvm_shell.v" "$work/rtl/fsvm_shell_ctx.v" "$work/rtl/fsvm_lite_master.v" \
		"$work/rtl/fsvm_lane_port.v" "$here/tb_shell.cpp" "$here/tb_ref.c" \
		>"$work/build.log" 2>&1; then
		echo "mutation $i ($what): build failed, see below"; tail -5 "$work/build.log"
		continue
	fi
	if timeout 300 "$work/obj/Vshell4" >"$work/run.log" 2>&1; then
		echo "mutation $i ($what): NOT caught"
	else
		caught=$((caught + 1))
		echo "mutation $i ($what): caught - $(grep -m1 FAIL "$work/run.log" | cut -c1-150)"
	fi
done
echo "mutation_check: $caught of $total mutations caught"
[ "$caught" -eq "$total" ]
