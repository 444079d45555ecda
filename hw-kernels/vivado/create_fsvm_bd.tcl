# SPDX-License-Identifier: MIT
#
# create_fsvm_bd.tcl - Vivado block design for the fsvm shell on a Zynq
# UltraScale+ MPSoC: ZCU102 (default), Ultra96-V2, Kria K26 (KV260/KR260).
#
# NOT RUN IN THIS WORKPLACE: there is no Vivado and no board here. This script
# was written against the Vivado IP integrator Tcl commands and checked for
# Tcl syntax and control flow with tclsh and stub commands only
# (hw-kernels/vivado/tclsh-check.tcl). See README.md for what that does and
# does not prove.
#
# Usage (Vivado 2022.1 or later, board files of the target board installed):
#   vivado -mode batch -source hw-kernels/vivado/create_fsvm_bd.tcl \
#          -tclargs [key=value ...]
# Keys (also from the environment as FSVM_BD_<KEY in upper case>):
#   board=zcu102|ultra96v2|kv260   target (default zcu102)
#   part=<part>                    override the board's part
#   contexts=1..8                  hardware contexts (default 4)
#   pl_mhz=<MHz>                   pl_clk0 = kernel clock (default 300, csynth.tcl's 3.33 ns)
#   proj_dir=<dir>                 default hw-kernels/vivado/build/<board>
#   hls_build=<dir>                csynth.tcl's output (default hw-kernels/hls/vitis/build)
#   shell_vlnv=<vlnv>              the shell register-file/sequencer IP (default fsvm.dev:fsvm:fsvm_shell:1.0)
#   lanes_only=0|1                 1: build without the shell IP (data path bring-up only; see README)
#   impl=0|1                       1 (default): synthesis, implementation, bitstream, XSA
#   jobs=<n>                       parallel runs (default 4)
#
# What it builds (README.md has the picture):
#   - zynq_ultra_ps_e with the board preset; M_AXI_HPM0_FPD (control),
#     S_AXI_HPC0_FPD (data, I/O coherent through the CCI-400), pl_clk0,
#     pl_resetn0, pl_ps_irq0;
#   - per context n: one fsvm_cp_dispatch and one fsvm_cp_complete HLS IP
#     (hw-kernels/hls, packaged by export_hls_ip.tcl) with AxCACHE = 0b1111
#     and AxPROT = 0b010 (data, non-secure, unprivileged) on their m_axi;
#   - the shell IP (package_shell_ip.tcl, top fsvm_shell_bd): every lane's
#     m_axi_gmem goes into the shell's lane port (s_axi_d<n> / s_axi_c<n>),
#     which forces the AXI ID, AxCACHE/AxPROT and watches the responses; the
#     port's master side (m_axi_d<n> / m_axi_c<n>) goes to the crossbar. The
#     lanes' ap_rst_n come from the shell (d<n>_rst_n / c<n>_rst_n, its
#     watchdog), their `interrupt` go to it (d<n>_irq / c<n>_irq), and the
#     shell's m_axi_lanes reaches their s_axi_control;
#   - an AXI Crossbar (not SmartConnect) in front of HPC0 that keeps every
#     master's fixed AXI ID: dispatch of context n issues ID n, complete of
#     context n issues ID 0x20|n (the shell's lane ports drive the same IDs),
#     so context n's StreamID is 0x200 + n under SMR mask 0x20 (TBU0 | HPC0
#     master 0b1000 | AXI ID);
#   - the shell's AXI4-Lite control window at 0xA000_0000 (128 KiB,
#     fsvm_hw.h) and its interrupt on pl_ps_irq0[0] (GIC ID 121 = SPI 89).

# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------

set script_dir [file dirname [file normalize [info script]]]
set hw_dir     [file dirname $script_dir]

array set opt {
    board      zcu102
    part       {}
    contexts   4
    pl_mhz     300
    proj_dir   {}
    hls_build  {}
    shell_vlnv fsvm.dev:fsvm:fsvm_shell:1.0
    lanes_only 0
    impl       1
    jobs       4
}
foreach key [array names opt] {
    set envname FSVM_BD_[string toupper $key]
    if {[info exists ::env($envname)]} { set opt($key) $::env($envname) }
}
if {[info exists ::argv]} {
    foreach word $::argv {
        if {![regexp {^([a-z_]+)=(.*)$} $word -> key value] || ![info exists opt($key)]} {
            puts stderr "create_fsvm_bd.tcl: unknown argument '$word' (keys: [lsort [array names opt]])"
            exit 2
        }
        set opt($key) $value
    }
}

# board -> part, board-part pattern (Vivado board files), project name
set boards {
    zcu102    {xczu9eg-ffvb1156-2-e  *:zcu102:part0:*}
    ultra96v2 {xczu3eg-sbva484-1-e   *:ultra96v2:part0:*}
    kv260     {xck26-sfvc784-2LV-c   *:kv260_som:part0:*}
}
if {![dict exists $boards $opt(board)]} {
    puts stderr "create_fsvm_bd.tcl: unknown board '$opt(board)' (known: [dict keys $boards])"
    exit 2
}
lassign [dict get $boards $opt(board)] board_default_part board_pattern
if {$opt(part) eq ""} { set opt(part) $board_default_part }
if {$opt(proj_dir) eq ""} { set opt(proj_dir) [file join $script_dir build $opt(board)] }
if {$opt(hls_build) eq ""} { set opt(hls_build) [file join $hw_dir hls vitis build] }

set nctx $opt(contexts)
if {![string is integer -strict $nctx] || $nctx < 1 || $nctx > 8} {
    # Two crossbar slots per context, and the AXI Crossbar has at most 16.
    puts stderr "create_fsvm_bd.tcl: contexts must be 1..8 (got '$nctx')"
    exit 2
}

# Fixed facts of the design (mirrored in kmod/dt and docs/board-bring-up.md).
set ctl_base        0xA0000000   ;# fsvm_hw.h control window, M_AXI_HPM0_FPD
set ctl_range       0x00020000   ;# FSVM_WINDOW_SIZE: 16 context pages
set lane_ctl_base   0xA0100000   ;# lanes' own HLS registers (64 KiB each)
set lane_ctl_range  0x00010000
set hpc0_sid_base   0x200        ;# TBU0 | HPC0 (0b1000 << 6)
set complete_id_bit 0x20         ;# AXI ID bit that tells complete from dispatch
set hpc0_addr_bits  49           ;# S_AXI_HPC0_FPD address width
set axcache         1111         ;# write-back, read and write allocate
set axprot          010          ;# [2] data, [1] non-secure, [0] unprivileged
set hls_vendor      fsvm.dev
set hls_library     hls

proc fail {msg} {
    puts stderr "create_fsvm_bd.tcl: ERROR: $msg"
    exit 1
}

proc note {msg} {
    puts "create_fsvm_bd.tcl: $msg"
}

# Set one IP parameter to a bit-string, accepting the spellings packaged IP
# uses ("1111", "0b1111"); verify by reading it back. Returns 1 if it took.
# required 0: the shell's lane ports force the value anyway, so only a note.
proc set_bits_param {cell param bits {required 1}} {
    set ok 0
    foreach spelling [list $bits 0b$bits] {
        if {![catch {set_property CONFIG.$param $spelling $cell}]} {
            set got [string map {0b {} "4'b" {} "3'b" {}} [get_property CONFIG.$param $cell]]
            if {$got eq $bits || ([string is integer -strict $got] && $got == [expr 0b$bits])} {
                set ok 1
                break
            }
        }
    }
    if {!$ok && $required} {
        fail "could not set $param = $bits on $cell. The HLS IP must drive this value:\
              re-export it with hw-kernels/vivado/export_hls_ip.tcl, or put an AXI shim\
              that rewrites AxCACHE/AxPROT between the IP and the crossbar (README.md)."
    }
    if {!$ok} {
        note "could not set $param = $bits on $cell: the shell's lane port forces it"
    }
    return $ok
}

# Set an integer IP parameter (decimal or 0x hex spelling) and read it back.
proc set_int_param {cell param value} {
    foreach spelling [list $value [format 0x%X $value]] {
        if {![catch {set_property CONFIG.$param $spelling $cell}]} {
            set got [get_property CONFIG.$param $cell]
            if {[string is integer -strict $got] && $got == $value} { return }
        }
    }
    fail "could not set $param = $value on $cell (got '[get_property CONFIG.$param $cell]')"
}

# Hex with a fixed number of digits, as the AXI Crossbar spells its IDs.
proc hex32 {v} { return [format 0x%08x $v] }

note "board $opt(board), part $opt(part), $nctx contexts, pl_clk0 $opt(pl_mhz) MHz,\
      [expr {$opt(lanes_only) ? {lanes only (no shell IP)} : "shell $opt(shell_vlnv)"}]"

# ---------------------------------------------------------------------------
# Project, board, IP repositories
# ---------------------------------------------------------------------------

create_project -force fsvm_$opt(board) $opt(proj_dir) -part $opt(part)

set board_part [lindex [lsort -dictionary [get_board_parts -quiet $board_pattern]] end]
if {$board_part eq ""} {
    fail "no board files match '$board_pattern'. Install the board files of\
          $opt(board) (Vivado: Tools > Settings > Board Repository, or the XilinxBoardStore)\
          - without the board preset the PS has no DDR/MIO configuration and will not boot."
}
set_property board_part $board_part [current_project]
note "board part $board_part"

set repos {}
foreach top {fsvm_cp_dispatch fsvm_cp_complete} {
    set dir [file join $opt(hls_build) hls_$top sol1 impl ip]
    if {![file isdirectory $dir]} {
        fail "$dir is missing: run hw-kernels/hls/vitis/csynth.tcl and then\
              hw-kernels/vivado/export_hls_ip.tcl (README.md)."
    }
    lappend repos $dir
}
if {[info exists ::env(FSVM_BD_EXTRA_IP_REPO)]} {
    # Where package_shell_ip.tcl put the shell IP (README.md).
    lappend repos $::env(FSVM_BD_EXTRA_IP_REPO)
}
set_property ip_repo_paths $repos [current_project]
update_ip_catalog

proc ipdef_vlnv {pattern} {
    return [lindex [lsort -dictionary [get_ipdefs -quiet -all $pattern]] end]
}
set vlnv_dispatch [ipdef_vlnv ${hls_vendor}:${hls_library}:fsvm_cp_dispatch:*]
set vlnv_complete [ipdef_vlnv ${hls_vendor}:${hls_library}:fsvm_cp_complete:*]
if {$vlnv_dispatch eq "" || $vlnv_complete eq ""} {
    fail "the IP catalog has no ${hls_vendor}:${hls_library}:fsvm_cp_dispatch/complete:\
          run hw-kernels/vivado/export_hls_ip.tcl."
}

if {!$opt(lanes_only) && [ipdef_vlnv $opt(shell_vlnv)] eq ""} {
    fail "the shell IP $opt(shell_vlnv) is not in the IP catalog. Package the RTL\
          shell with hw-kernels/vivado/package_shell_ip.tcl (README.md, 'The shell IP')\
          and point FSVM_BD_EXTRA_IP_REPO at its ip_dir, or build the data path only\
          with lanes_only=1."
}

# ---------------------------------------------------------------------------
# Block design: processing system
# ---------------------------------------------------------------------------

create_bd_design fsvm_bd

set ps [create_bd_cell -type ip -vlnv xilinx.com:ip:zynq_ultra_ps_e:3.5 zynq_ultra_ps_e_0]
apply_bd_automation -rule xilinx.com:bd_rule:zynq_ultra_ps_e \
    -config {apply_board_preset "1"} $ps

# The preset may enable ports we do not use; state every one we rely on.
set_property -dict [list \
    CONFIG.PSU__USE__M_AXI_GP0 {1} \
    CONFIG.PSU__MAXIGP0__DATA_WIDTH {32} \
    CONFIG.PSU__USE__M_AXI_GP1 {0} \
    CONFIG.PSU__USE__M_AXI_GP2 {0} \
    CONFIG.PSU__USE__S_AXI_GP0 {1} \
    CONFIG.PSU__USE__IRQ0 {1} \
    CONFIG.PSU__FPGA_PL0_ENABLE {1} \
    CONFIG.PSU__CRL_APB__PL0_REF_CTRL__FREQMHZ $opt(pl_mhz) \
] $ps
# M_AXI_GP0 = M_AXI_HPM0_FPD (0xA000_0000 - 0xAFFF_FFFF)
# S_AXI_GP0 = S_AXI_HPC0_FPD: routed through the CCI-400, so it can snoop the
# A53 caches - only with AxCACHE[3:2] != 0, AxPROT[1] = 1 for Linux's
# non-secure memory, and the CCI's Snoop_Control_Register_S3 enable set at
# boot (not a PS-IP option: README.md, docs/board-bring-up.md).

set rst [create_bd_cell -type ip -vlnv xilinx.com:ip:proc_sys_reset:5.0 rst_pl0]
connect_bd_net [get_bd_pins $ps/pl_clk0] [get_bd_pins $rst/slowest_sync_clk]
connect_bd_net [get_bd_pins $ps/pl_resetn0] [get_bd_pins $rst/ext_reset_in]
set clk    [get_bd_pins $ps/pl_clk0]
set rstn   [get_bd_pins $rst/peripheral_aresetn]
set icrstn [get_bd_pins $rst/interconnect_aresetn]
connect_bd_net $clk [get_bd_pins $ps/maxihpm0_fpd_aclk]
connect_bd_net $clk [get_bd_pins $ps/saxihpc0_fpd_aclk]

# ---------------------------------------------------------------------------
# Context lanes: HLS command processor (with all kernels) per context
# ---------------------------------------------------------------------------

set with_shell [expr {!$opt(lanes_only)}]
# Lane slot l (crossbar slot, m_axi_lanes register slot, fsvm_shell lane
# index): dispatch lanes of contexts 0..n-1, then complete lanes 0..n-1.
set lane_cells {}  ;# cell per slot
set lane_port {}   ;# the shell's lane port per slot: d<n> or c<n>
set lane_ctl {}    ;# HLS s_axi_control interfaces
set lane_irq {}    ;# HLS interrupt pins
foreach {kind vlnv} [list dispatch $vlnv_dispatch complete $vlnv_complete] {
    for {set n 0} {$n < $nctx} {incr n} {
        set cell [create_bd_cell -type ip -vlnv $vlnv ctx${n}_$kind]
        # Vitis HLS m_axi defaults: AxCACHE 0b0011 (non-coherent on HPC),
        # AxPROT 0b000 (SECURE: the SMMU's non-secure stream table never sees
        # it). Both are parameters of the packaged IP; with the shell its lane
        # port forces 0b1111 / 0b010 as well, so the parameters are then only
        # a second line of defence.
        set_bits_param $cell C_M_AXI_GMEM_CACHE_VALUE $axcache $opt(lanes_only)
        set_bits_param $cell C_M_AXI_GMEM_PROT_VALUE  $axprot $opt(lanes_only)
        connect_bd_net $clk  [get_bd_pins $cell/ap_clk]
        lappend lane_cells $cell
        lappend lane_port  [string index $kind 0]$n
        lappend lane_ctl   [get_bd_intf_pins $cell/s_axi_control]
        lappend lane_irq   [get_bd_pins $cell/interrupt]
    }
}
set gmem_bits [get_property CONFIG.C_M_AXI_GMEM_DATA_WIDTH [get_bd_cells ctx0_dispatch]]
if {![string is integer -strict $gmem_bits] || [lsearch {32 64 128} $gmem_bits] < 0} {
    fail "unexpected m_axi_gmem data width '$gmem_bits' (HPC0 takes 32, 64 or 128)"
}
set gmem_idw [get_property CONFIG.C_M_AXI_GMEM_ID_WIDTH [get_bd_cells ctx0_dispatch]]
if {![string is integer -strict $gmem_idw] || $gmem_idw < 1} { set gmem_idw 1 }

# ---------------------------------------------------------------------------
# The shell: every lane's data path, reset and interrupt go through it
# ---------------------------------------------------------------------------
# fsvm_shell_bd (package_shell_ip.tcl) has per context n the lane ports
# s_axi_d<n>/m_axi_d<n> (dispatch, fsvm_shell lane n) and s_axi_c<n>/m_axi_c<n>
# (complete, lane NUM_CONTEXTS + n), d<n>_rst_n/c<n>_rst_n and d<n>_irq/c<n>_irq.
set nlane [llength $lane_ctl]
set masters {}   ;# what drives crossbar slot l
if {$with_shell} {
    set shell [create_bd_cell -type ip -vlnv [ipdef_vlnv $opt(shell_vlnv)] fsvm_shell]
    set_int_param $shell NUM_CONTEXTS $nctx
    set_int_param $shell DW $gmem_bits
    set_int_param $shell IDW $gmem_idw
    set_int_param $shell CLOCK_HZ [expr {$opt(pl_mhz) * 1000000}]
    set_int_param $shell LANE_BASE $lane_ctl_base
    set_int_param $shell LANE_STRIDE $lane_ctl_range
    connect_bd_net $clk  [get_bd_pins $shell/ap_clk]
    connect_bd_net $rstn [get_bd_pins $shell/ap_rst_n]
    for {set l 0} {$l < $nlane} {incr l} {
        set cell [lindex $lane_cells $l]
        set p [lindex $lane_port $l]
        connect_bd_intf_net [get_bd_intf_pins $cell/m_axi_gmem] [get_bd_intf_pins $shell/s_axi_$p]
        connect_bd_net [get_bd_pins $shell/${p}_rst_n] [get_bd_pins $cell/ap_rst_n]
        connect_bd_net [lindex $lane_irq $l] [get_bd_pins $shell/${p}_irq]
        lappend masters [get_bd_intf_pins $shell/m_axi_$p]
    }
} else {
    for {set l 0} {$l < $nlane} {incr l} {
        set cell [lindex $lane_cells $l]
        connect_bd_net $rstn [get_bd_pins $cell/ap_rst_n]
        lappend masters [get_bd_intf_pins $cell/m_axi_gmem]
    }
}

# ---------------------------------------------------------------------------
# Data path: AXI Crossbar with fixed per-master IDs -> S_AXI_HPC0_FPD
# ---------------------------------------------------------------------------
# The SMMU picks the context bank from the StreamID, and on ZynqMP the low
# six bits of the StreamID are the AXI ID the PL drives. The ID must
# therefore be a fixed function of the context. The AXI Crossbar in SAMD mode
# builds the MI-side ID as S<i>_BASE_ID | (SI thread ID bits); with
# THREAD_ID_WIDTH 0 every slot issues exactly its BASE_ID, and responses are
# routed back by that ID. The shell's lane port of slot i already drives that
# same ID (fsvm_shell.v: lane l < n issues l, lane n + c issues 0x20 | c), so
# the ID is the same on both sides of the crossbar. AXI SmartConnect instead re-encodes/compresses IDs
# per its own needs, so the StreamID would no longer identify the context:
# do not use it on this path.
set xbar [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_crossbar:2.1 data_xbar]
set xprops [list \
    CONFIG.PROTOCOL {AXI4} \
    CONFIG.CONNECTIVITY_MODE {SAMD} \
    CONFIG.NUM_SI [expr {2 * $nctx}] \
    CONFIG.NUM_MI {1} \
    CONFIG.ID_WIDTH {6} \
    CONFIG.ADDR_WIDTH $hpc0_addr_bits \
    CONFIG.DATA_WIDTH $gmem_bits \
    CONFIG.ADDR_RANGES {1} \
    CONFIG.M00_A00_BASE_ADDR {0x0000000000000000} \
    CONFIG.M00_A00_ADDR_WIDTH $hpc0_addr_bits \
]
# The one MI must decode the WHOLE address space: the masters issue process
# virtual addresses (e.g. 0xffff_xxxx_xxxx stack, 0xaaaa_xxxx_xxxx heap on a
# 48-bit kernel), not the PS's DDR windows. Any hole would answer DECERR
# before the SMMU ever sees the access.
for {set i 0} {$i < 2 * $nctx} {incr i} {
    set ctx [expr {$i % $nctx}]
    set id  [expr {$i < $nctx ? $ctx : ($complete_id_bit | $ctx)}]
    lappend xprops CONFIG.S[format %02d $i]_BASE_ID [hex32 $id] \
                   CONFIG.S[format %02d $i]_THREAD_ID_WIDTH {0}
}
set_property -dict $xprops $xbar
for {set i 0} {$i < 2 * $nctx} {incr i} {
    connect_bd_intf_net [lindex $masters $i] [get_bd_intf_pins $xbar/S[format %02d $i]_AXI]
}
connect_bd_intf_net [get_bd_intf_pins $xbar/M00_AXI] [get_bd_intf_pins $ps/S_AXI_HPC0_FPD]
connect_bd_net $clk    [get_bd_pins $xbar/aclk]
connect_bd_net $icrstn [get_bd_pins $xbar/aresetn]
set_property CONFIG.PSU__SAXIGP0__DATA_WIDTH $gmem_bits $ps

# ---------------------------------------------------------------------------
# Control path: M_AXI_HPM0_FPD -> shell window (and the lanes' registers)
# ---------------------------------------------------------------------------
# AXI4-Lite registers only: IDs do not matter here, the AXI Interconnect is
# used for uniformity.

proc make_ic {name nmi clk rstn icrstn} {
    set ic [create_bd_cell -type ip -vlnv xilinx.com:ip:axi_interconnect:2.1 $name]
    set_property -dict [list CONFIG.NUM_SI {1} CONFIG.NUM_MI $nmi] $ic
    connect_bd_net $clk    [get_bd_pins $ic/ACLK] [get_bd_pins $ic/S00_ACLK]
    connect_bd_net $icrstn [get_bd_pins $ic/ARESETN]
    connect_bd_net $rstn   [get_bd_pins $ic/S00_ARESETN]
    for {set m 0} {$m < $nmi} {incr m} {
        connect_bd_net $clk  [get_bd_pins $ic/M[format %02d $m]_ACLK]
        connect_bd_net $rstn [get_bd_pins $ic/M[format %02d $m]_ARESETN]
    }
    return $ic
}

if {$with_shell} {
    # The shell owns the lanes: it programs their HLS registers (ring VA,
    # index, ap_start) through its own AXI4-Lite master, lane slot l at
    # LANE_BASE + l * LANE_STRIDE (set above to lane_ctl_base/range); their
    # interrupts and resets were connected with the data path. Only the
    # fsvm_hw.h window is visible to the CPU.
    connect_bd_intf_net [get_bd_intf_pins $ps/M_AXI_HPM0_FPD] [get_bd_intf_pins $shell/s_axi_ctl]

    set lane_ic [make_ic lane_ctl_ic $nlane $clk $rstn $icrstn]
    connect_bd_intf_net [get_bd_intf_pins $shell/m_axi_lanes] [get_bd_intf_pins $lane_ic/S00_AXI]
    for {set i 0} {$i < $nlane} {incr i} {
        connect_bd_intf_net [get_bd_intf_pins $lane_ic/M[format %02d $i]_AXI] [lindex $lane_ctl $i]
    }
    # pl_ps_irq0[0] = GIC interrupt ID 121 = GIC_SPI 89 in the device tree.
    connect_bd_net [get_bd_pins $shell/irq] [get_bd_pins $ps/pl_ps_irq0]
    set lane_space [get_bd_addr_spaces $shell/m_axi_lanes]
} else {
    # Bring-up without the shell: the CPU reaches the lanes' HLS registers
    # directly. fsvm.ko will NOT probe this design (no MAGIC at 0xA000_0000).
    set lane_ic [make_ic lane_ctl_ic $nlane $clk $rstn $icrstn]
    connect_bd_intf_net [get_bd_intf_pins $ps/M_AXI_HPM0_FPD] [get_bd_intf_pins $lane_ic/S00_AXI]
    for {set i 0} {$i < $nlane} {incr i} {
        connect_bd_intf_net [get_bd_intf_pins $lane_ic/M[format %02d $i]_AXI] [lindex $lane_ctl $i]
    }
    set irqs [create_bd_cell -type ip -vlnv xilinx.com:ip:xlconcat:2.1 lane_irq_concat]
    set_property CONFIG.NUM_PORTS $nlane $irqs
    for {set i 0} {$i < $nlane} {incr i} {
        connect_bd_net [lindex $lane_irq $i] [get_bd_pins $irqs/In$i]
    }
    set irq_or [create_bd_cell -type ip -vlnv xilinx.com:ip:util_reduced_logic:2.0 lane_irq_or]
    set_property -dict [list CONFIG.C_OPERATION {or} CONFIG.C_SIZE $nlane] $irq_or
    connect_bd_net [get_bd_pins $irqs/dout] [get_bd_pins $irq_or/Op1]
    connect_bd_net [get_bd_pins $irq_or/Res] [get_bd_pins $ps/pl_ps_irq0]
    set lane_space [get_bd_addr_spaces $ps/Data]
}

# ---------------------------------------------------------------------------
# Address map
# ---------------------------------------------------------------------------

if {$with_shell} {
    assign_bd_address -offset $ctl_base -range $ctl_range \
        -target_address_space [get_bd_addr_spaces $ps/Data] \
        [get_bd_addr_segs $shell/s_axi_ctl/*]
}
for {set i 0} {$i < $nlane} {incr i} {
    set cell [lindex [split [lindex $lane_ctl $i] /] end-1]
    assign_bd_address -offset [format 0x%08x [expr {$lane_ctl_base + $i * $lane_ctl_range}]] \
        -range $lane_ctl_range -target_address_space $lane_space \
        [get_bd_addr_segs $cell/s_axi_control/*]
}
# The masters' view of HPC0: every segment the PS offers (DDR low/high, ...).
# The crossbar's decode is overridden to the full range above; the segments
# only keep the address editor and validation content.
assign_bd_address

# ---------------------------------------------------------------------------
# Validate, and check what the tools must not have changed
# ---------------------------------------------------------------------------

validate_bd_design

set bad {}
if {[get_property CONFIG.M00_A00_ADDR_WIDTH $xbar] != $hpc0_addr_bits ||
    [get_property CONFIG.M00_A00_BASE_ADDR $xbar] != 0} {
    lappend bad "data_xbar decodes [get_property CONFIG.M00_A00_BASE_ADDR $xbar]/[get_property CONFIG.M00_A00_ADDR_WIDTH $xbar]\
                 bits instead of the whole $hpc0_addr_bits-bit space (parameter propagation\
                 from the address map?): process VAs outside the PS DDR windows would get DECERR"
}
for {set i 0} {$i < 2 * $nctx} {incr i} {
    set ctx [expr {$i % $nctx}]
    set want [expr {$i < $nctx ? $ctx : ($complete_id_bit | $ctx)}]
    set got [get_property CONFIG.S[format %02d $i]_BASE_ID $xbar]
    if {$got != $want} { lappend bad "data_xbar S[format %02d $i]_BASE_ID is $got, want [hex32 $want]" }
}
# Without the shell nothing else forces AxCACHE/AxPROT.
foreach cell [expr {$with_shell ? {} : [get_bd_cells -quiet ctx*]}] {
    foreach {param want} [list C_M_AXI_GMEM_CACHE_VALUE $axcache C_M_AXI_GMEM_PROT_VALUE $axprot] {
        set got [string map {0b {} "4'b" {} "3'b" {}} [get_property CONFIG.$param $cell]]
        if {$got ne $want && !([string is integer -strict $got] && $got == [expr 0b$want])} {
            lappend bad "$cell $param is $got, want $want"
        }
    }
}
if {[llength $bad] > 0} {
    fail "after validation:\n  [join $bad "\n  "]"
}

save_bd_design

# Summary for the device tree (kmod/dt) and docs/board-bring-up.md.
set summary [file join $opt(proj_dir) fsvm-bd-summary.txt]
set f [open $summary w]
puts $f "fsvm block design: board $opt(board), part $opt(part), $nctx contexts, pl_clk0 $opt(pl_mhz) MHz"
if {$with_shell} {
    puts $f "control window:  [format 0x%08x $ctl_base] size [format 0x%x $ctl_range] (M_AXI_HPM0_FPD)"
} else {
    puts $f "control window:  none (lanes_only: fsvm.ko will not probe this design)"
}
puts $f "interrupt:       pl_ps_irq0\[0\] = GIC ID 121 = <GIC_SPI 89 IRQ_TYPE_LEVEL_HIGH>"
puts $f "data port:       S_AXI_HPC0_FPD, $gmem_bits-bit, AxCACHE 0b$axcache, AxPROT 0b$axprot\
          [expr {$with_shell ? {(forced by the shell's lane ports)} : {(HLS IP parameters)}}]"
puts $f "stream ids:      fsvm,stream-ids = <[format 0x%x $hpc0_sid_base] [format 0x%x $complete_id_bit]>;"
for {set n 0} {$n < $nctx} {incr n} {
    puts $f [format "  context %d: dispatch AXI ID 0x%02x -> StreamID 0x%03x, complete AXI ID 0x%02x -> StreamID 0x%03x" \
        $n $n [expr {$hpc0_sid_base | $n}] [expr {$complete_id_bit | $n}] \
        [expr {$hpc0_sid_base | $complete_id_bit | $n}]]
}
for {set i 0} {$i < $nlane} {incr i} {
    set ctx [expr {$i % $nctx}]
    set id  [expr {$i < $nctx ? $ctx : ($complete_id_bit | $ctx)}]
    set p [lindex $lane_port $i]
    puts $f [format "lane data path:  %-18s m_axi_gmem -> %s -> data_xbar S%02d (AXI ID 0x%02x)" \
        [string trimleft [lindex $lane_cells $i] /] \
        [expr {$with_shell ? "fsvm_shell s_axi_$p/m_axi_$p (reset ${p}_rst_n, interrupt ${p}_irq)" : "direct"}] \
        $i $id]
}
for {set i 0} {$i < $nlane} {incr i} {
    set cell [lindex [split [lindex $lane_ctl $i] /] end-1]
    puts $f [format "lane registers:  %-18s 0x%08x (%s)" $cell \
        [expr {$lane_ctl_base + $i * $lane_ctl_range}] \
        [expr {$with_shell ? {shell's m_axi_lanes} : {CPU}}]]
}
puts $f "boot: CCI-400 Snoop_Control_Register_S3 (0xFD6E4000) bit 0 = 1 (docs/board-bring-up.md)"
close $f
note "wrote $summary"

# ---------------------------------------------------------------------------
# Wrapper, bitstream, XSA
# ---------------------------------------------------------------------------

set bd_file [get_files fsvm_bd.bd]
generate_target all $bd_file
set wrapper [make_wrapper -files $bd_file -top]
add_files -norecurse $wrapper
set_property top fsvm_bd_wrapper [current_fileset]

if {!$opt(impl)} {
    note "impl=0: stopping after the block design ($opt(proj_dir))"
    exit 0
}

launch_runs impl_1 -to_step write_bitstream -jobs $opt(jobs)
wait_on_run impl_1
if {[get_property PROGRESS [get_runs impl_1]] ne "100%"} {
    fail "implementation did not finish: see $opt(proj_dir)/fsvm_$opt(board).runs/impl_1"
}
set xsa [file join $opt(proj_dir) fsvm_$opt(board).xsa]
write_hw_platform -fixed -include_bit -force -file $xsa
note "bitstream: $opt(proj_dir)/fsvm_$opt(board).runs/impl_1/fsvm_bd_wrapper.bit"
note "XSA:       $xsa"
exit 0
