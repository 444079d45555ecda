# SPDX-License-Identifier: MIT
#
# csynth_stub.tcl - run hw-kernels/hls/vitis/csynth.tcl under plain tclsh
# with stub Vitis HLS commands that print what they were asked to do:
#   tclsh csynth_stub.tcl <csynth.tcl>      (FSVM_HLS_DEVICE, FSVM_HLS_BUILD set)
# One line per call: "top <name>" and "file <source> <cflags>". Proves which
# sources, tops and flags the script would hand to Vitis; not that Vitis
# accepts them (nothing here has run in Vitis HLS).
proc open_project {args} {}
proc set_top {name} { puts "top $name" }
proc add_files {src args} {
    set i [lsearch -exact $args -cflags]
    puts "file $src [lindex $args [expr {$i + 1}]]"
}
proc open_solution {args} {}
proc set_part {args} {}
proc create_clock {args} {}
proc config_interface {args} {}
proc csynth_design {args} {}
proc close_project {args} {}
set script [lindex $::argv 0]
set ::argv {}
source $script
