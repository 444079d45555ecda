# SPDX-License-Identifier: MIT
#
# export_hls_ip.tcl - package the command-processor tops that
# hw-kernels/hls/vitis/csynth.tcl synthesized as Vivado IP, for
# create_fsvm_bd.tcl.
#
# NOT RUN IN THIS WORKPLACE (no Vitis here): written against the Vitis HLS
# Tcl commands open_project / open_solution / export_design, checked only
# for Tcl syntax with stub commands (see README.md).
#
# Usage, after csynth.tcl has synthesized at least these two tops:
#   vitis_hls -f hw-kernels/hls/vitis/csynth.tcl -tclargs fsvm_cp_dispatch fsvm_cp_complete
#   vitis_hls -f hw-kernels/vivado/export_hls_ip.tcl
# Environment:
#   FSVM_HLS_BUILD  csynth.tcl's output directory (default hw-kernels/hls/vitis/build)
#
# Result: <build>/hls_<top>/sol1/impl/ip/ holds an IP whose VLNV is
#   fsvm.dev:hls:<top>:1.0
# create_fsvm_bd.tcl adds those directories to Vivado's IP repository path.
#
# Only the two command-processor tops are exported: fsvm_cp_dispatch calls
# every kernel (they are synthesized into it), fsvm_cp_complete writes the
# completion record. The kernel tops of csynth.tcl are for their reports.

set script_dir [file dirname [file normalize [info script]]]
set hw_dir     [file dirname $script_dir]
set build_dir  [file join $hw_dir hls vitis build]
if {[info exists ::env(FSVM_HLS_BUILD)]} { set build_dir [file normalize $::env(FSVM_HLS_BUILD)] }

set vendor  fsvm.dev
set library hls
set version 1.0
set tops {fsvm_cp_dispatch fsvm_cp_complete}

if {![file isdirectory $build_dir]} {
    puts stderr "export_hls_ip.tcl: $build_dir does not exist: run hw-kernels/hls/vitis/csynth.tcl first"
    exit 1
}
cd $build_dir

set failed {}
foreach top $tops {
    set proj hls_$top
    if {![file isdirectory [file join $build_dir $proj sol1]]} {
        puts stderr "export_hls_ip.tcl: no $proj/sol1 under $build_dir (csynth.tcl -tclargs $top)"
        lappend failed $top
        continue
    }
    puts "=== export_design $top -> $vendor:$library:$top:$version"
    open_project $proj
    open_solution sol1
    # ip_catalog: component.xml under sol1/impl/ip, usable as an IP repository.
    if {[catch {export_design -format ip_catalog -rtl verilog \
                    -vendor $vendor -library $library -version $version \
                    -display_name "fsvm $top" \
                    -description "fsvm shell: $top (hw-kernels/hls)"} err]} {
        puts stderr "export_hls_ip.tcl: $top: export_design failed: $err"
        lappend failed $top
    }
    close_project
}

if {[llength $failed] > 0} {
    puts stderr "export_hls_ip.tcl: failed: $failed"
    exit 1
}
puts "export_hls_ip.tcl: IP repositories:"
foreach top $tops { puts "  [file join $build_dir hls_$top sol1 impl ip]" }
exit 0
