# SPDX-License-Identifier: MIT
#
# package_shell_ip.tcl - package the RTL shell (hw-kernels/rtl, top
# fsvm_shell_bd, the wrapper of fsvm_shell that gen_shell_bd.tcl writes) as
# the Vivado IP create_fsvm_bd.tcl expects: fsvm.dev:fsvm:fsvm_shell:1.0 with
# s_axi_ctl (AXI4-Lite slave, 128 KiB), m_axi_lanes (AXI4-Lite master), irq
# (level interrupt), ap_clk, ap_rst_n, per context k the lane ports
# s_axi_d<k>/s_axi_c<k> (AXI4 slaves: the lanes' m_axi_gmem), m_axi_d<k>/
# m_axi_c<k> (AXI4 masters toward the crossbar), d<k>_rst_n/c<k>_rst_n and
# d<k>_irq/c<k>_irq, and the parameters NUM_CONTEXTS (1..8; the ports of
# contexts k >= NUM_CONTEXTS are disabled), DW, IDW, CLOCK_HZ, LANE_BASE,
# LANE_STRIDE.
#
# NOT RUN IN THIS WORKPLACE (no Vivado here): written against Vivado's
# create_project / add_files / ipx:: commands and checked only with plain
# tclsh and stub commands (tclsh-check.tcl). The RTL itself was checked with
# Verilator and Yosys (docs/hw-interface.md section 8).
#
# Usage, after a CMake build has generated the RTL's headers:
#   vivado -mode batch -source hw-kernels/vivado/package_shell_ip.tcl \
#       -tclargs gen_dir=<build>/hw-kernels/rtl/gen [ip_dir=<dir>] [part=<part>]
# then FSVM_BD_EXTRA_IP_REPO=<ip_dir> for create_fsvm_bd.tcl.
#
# The interfaces come from the X_INTERFACE_INFO attributes of
# fsvm_shell_bd.v; this script checks that each one is there.

set script_dir [file dirname [file normalize [info script]]]
set rtl_dir    [file join [file dirname $script_dir] rtl]

array set opt [list \
    gen_dir {} \
    ip_dir  [file join $script_dir build fsvm_shell_ip] \
    part    xczu9eg-ffvb1156-2-e \
]
foreach a $::argv {
    if {![regexp {^([a-z_]+)=(.*)$} $a -> k v] || ![info exists opt($k)]} {
        puts stderr "package_shell_ip.tcl: unknown argument '$a' (gen_dir= ip_dir= part=)"
        exit 2
    }
    set opt($k) $v
}
if {$opt(gen_dir) eq ""} {
    puts stderr "package_shell_ip.tcl: gen_dir=<build>/hw-kernels/rtl/gen is required (cmake --build <build> --target fsvm_rtl_headers)"
    exit 2
}
set gen_dir [file normalize $opt(gen_dir)]
set ip_dir  [file normalize $opt(ip_dir)]

set vendor  fsvm.dev
set library fsvm
set name    fsvm_shell
set version 1.0

# Sources: the RTL, and the headers generated from fsvm_hw.h (never copies).
set rtl {}
foreach f {fsvm_shell_bd.v fsvm_shell.v fsvm_shell_ctx.v fsvm_lite_master.v fsvm_lane_port.v} {
    lappend rtl [file join $rtl_dir $f]
}
set headers {}
foreach f {fsvm_hw.vh fsvm_ktab.vh fsvm_lane_map.vh} {
    lappend headers [file join $gen_dir $f]
}
foreach f [concat $rtl $headers] {
    if {![file exists $f]} {
        puts stderr "package_shell_ip.tcl: $f does not exist"
        exit 1
    }
}

file mkdir $ip_dir
set proj_dir [file join $ip_dir proj]
create_project fsvm_shell_pkg $proj_dir -part $opt(part) -force
add_files -norecurse $rtl
add_files -norecurse $headers
set_property file_type {Verilog Header} [get_files $headers]
set_property is_global_include true [get_files $headers]
set_property top fsvm_shell_bd [current_fileset]
update_compile_order -fileset [current_fileset]

ipx::package_project -root_dir $ip_dir -vendor $vendor -library $library \
    -taxonomy /UserIP -import_files -set_current true
set core [ipx::current_core]
set_property -dict [list \
    name $name version $version display_name "fsvm shell" \
    description "fsvm_hw.h control window, ring sequencer, lane ports (hw-kernels/rtl)" \
    vendor_display_name fsvm] $core

# The interfaces fsvm_shell_bd.v declares (X_INTERFACE_INFO), and no others.
set maxc 8
set axi {s_axi_ctl m_axi_lanes}
set lane_busifs {}
for {set k 0} {$k < $maxc} {incr k} {
    set b {}
    foreach r {d c} { lappend b s_axi_$r$k m_axi_$r$k ${r}${k}_rst_n ${r}${k}_irq }
    lappend lane_busifs $k $b
    foreach r {d c} { lappend axi s_axi_$r$k m_axi_$r$k }
}
set keep [concat {s_axi_ctl m_axi_lanes ap_clk ap_rst_n irq} {*}[dict values $lane_busifs]]
foreach bi [ipx::get_bus_interfaces -of_objects $core] {
    set bn [get_property NAME $bi]
    if {[lsearch -exact $keep $bn] < 0} { ipx::remove_bus_interface $bn $core }
}
foreach bn $keep {
    if {[llength [ipx::get_bus_interfaces $bn -of_objects $core]] != 1} {
        puts stderr "package_shell_ip.tcl: interface $bn was not inferred from fsvm_shell_bd.v"
        exit 1
    }
}
foreach bn $axi { ipx::associate_bus_interfaces -busif $bn -clock ap_clk $core }

# s_axi_ctl: the 128 KiB window (FSVM_WINDOW_SIZE).
set mm [ipx::add_memory_map s_axi_ctl $core]
set_property slave_memory_map_ref s_axi_ctl [ipx::get_bus_interfaces s_axi_ctl -of_objects $core]
set ab [ipx::add_address_block ctl $mm]
set_property range 0x20000 $ab
set_property width 32 $ab
# m_axi_lanes: 32-bit addresses (the lanes at LANE_BASE + 64 KiB x slot).
set as [ipx::add_address_space m_axi_lanes $core]
set_property master_address_space_ref m_axi_lanes [ipx::get_bus_interfaces m_axi_lanes -of_objects $core]
set_property range 4G $as
set_property width 32 $as
# m_axi_d<k>/m_axi_c<k>: the lanes' process virtual addresses, passed on
# unchanged; the crossbar decodes HPC0's 49 bits (create_fsvm_bd.tcl).
for {set k 0} {$k < $maxc} {incr k} {
    foreach r {d c} {
        set as [ipx::add_address_space m_axi_$r$k $core]
        set_property master_address_space_ref m_axi_$r$k [ipx::get_bus_interfaces m_axi_$r$k -of_objects $core]
        set_property range [expr {1 << 49}] $as
        set_property width 64 $as
    }
}

# NUM_CONTEXTS 1..8 (16 crossbar slots), as create_fsvm_bd.tcl sets it.
set p [ipx::get_user_parameters NUM_CONTEXTS -of_objects $core]
if {$p eq ""} {
    puts stderr "package_shell_ip.tcl: no user parameter NUM_CONTEXTS"
    exit 1
}
set_property value_validation_type range_long $p
set_property value_validation_range_minimum 1 $p
set_property value_validation_range_maximum 8 $p
# Context k's lane interfaces and ports only with NUM_CONTEXTS > k; a
# disabled input port reads 0.
foreach {k bis} $lane_busifs {
    if {$k == 0} continue
    set dep "\$NUM_CONTEXTS > $k"
    foreach bn $bis {
        set_property enablement_dependency $dep [ipx::get_bus_interfaces $bn -of_objects $core]
    }
    foreach port [ipx::get_ports -of_objects $core] {
        set pn [get_property NAME $port]
        if {![regexp "^(s_axi_|m_axi_)?\[dc\]${k}_" $pn]} continue
        set_property enablement_dependency $dep $port
        if {[get_property DIRECTION $port] eq "in"} { set_property driver_value 0 $port }
    }
}

ipx::create_xgui_files $core
ipx::update_checksums $core
if {![ipx::check_integrity $core]} {
    puts stderr "package_shell_ip.tcl: ipx::check_integrity failed"
    exit 1
}
ipx::save_core $core
close_project
puts "package_shell_ip.tcl: $vendor:$library:$name:$version in $ip_dir"
puts "  FSVM_BD_EXTRA_IP_REPO=$ip_dir vivado -mode batch -source hw-kernels/vivado/create_fsvm_bd.tcl"
exit 0
