# SPDX-License-Identifier: MIT
#
# csynth.tcl - Vitis HLS C synthesis of the fsvm shell's HLS part for the
# ZCU102 (xczu9eg-ffvb1156-2-e) at 3.33 ns (300 MHz).
#
# One project per top function, each with the command processor, the kernel
# table and every kernel of the kernel list (the command processor calls all
# kernels; a kernel top pulls in nothing else). Reports land in <build>/hls_<top>/sol1/syn/report/.
#
# Usage (from any directory):
#   vitis_hls -f hw-kernels/hls/vitis/csynth.tcl                     all tops
#   vitis_hls -f hw-kernels/hls/vitis/csynth.tcl -tclargs fsvm_k_vadd fsvm_k_memcpy
#   FSVM_HLS_TOPS="fsvm_cp_dispatch" vitis_hls -f hw-kernels/hls/vitis/csynth.tcl
# Environment:
#   FSVM_HLS_TOPS   tops to synthesize (space separated), overrides -tclargs
#   FSVM_HLS_BUILD  output directory (default: hw-kernels/hls/vitis/build)
#   FSVM_HLS_PART   part (default xczu9eg-ffvb1156-2-e)
#   FSVM_HLS_CLOCK  clock period in ns (default 3.33)
#   FSVM_HLS_DEVICE <build>/<name>_hls.tcl of an fsvm_add_device() device:
#                   its kernel list and sources instead of the in-tree ones

set script_dir [file dirname [file normalize [info script]]]
set hls_dir    [file dirname $script_dir]
set hw_dir     [file dirname $hls_dir]

set part     xczu9eg-ffvb1156-2-e
set clock_ns 3.33
set build_dir [file join $script_dir build]
if {[info exists ::env(FSVM_HLS_PART)]}  { set part $::env(FSVM_HLS_PART) }
if {[info exists ::env(FSVM_HLS_CLOCK)]} { set clock_ns $::env(FSVM_HLS_CLOCK) }
if {[info exists ::env(FSVM_HLS_BUILD)]} { set build_dir [file normalize $::env(FSVM_HLS_BUILD)] }

# The kernel list (hw-kernels/fsvm_kernels.def): one line per kernel,
# "FSVM_KERNEL(ID, name, args...)", kernel <name> in hls/k_<name>.c.
proc read_kernel_list {file} {
    set f [open $file r]
    set names {}
    foreach line [split [read $f] "\n"] {
        if {[regexp {^FSVM_KERNEL\( *([A-Z0-9_]+) *, *([a-z0-9_]+) *,} $line -> id name]} {
            if {[string toupper $name] ne $id} {
                puts stderr "csynth.tcl: $file: ID $id is not [string toupper $name]"
                exit 1
            }
            lappend names $name
        }
    }
    close $f
    if {[llength $names] == 0} {
        puts stderr "csynth.tcl: no FSVM_KERNEL lines in $file"
        exit 1
    }
    return $names
}

# A device built with fsvm_add_device() (cmake/FsvmDevice.cmake) writes
# <build>/<name>_hls.tcl, which sets device_list (its generated kernel list),
# device_sources (name -> source file) and device_cflags (its INCLUDE_DIRS
# as -I flags); FSVM_HLS_DEVICE=<that file>
# synthesizes that device's command processor and kernels instead.
set list_file [file join $hw_dir fsvm_kernels.def]
array set kernel_src {}
set extra_cflags ""
if {[info exists ::env(FSVM_HLS_DEVICE)] && $::env(FSVM_HLS_DEVICE) ne ""} {
    source $::env(FSVM_HLS_DEVICE)
    set list_file $device_list
    array set kernel_src $device_sources
    # fsvm_hls.h then includes fsvm_device_kernels.def from the list's directory.
    set extra_cflags " -DFSVM_DEVICE_KERNELS -I[file dirname [file normalize $device_list]]"
    # fsvm_add_device(... INCLUDE_DIRS ...)
    if {[info exists device_cflags] && $device_cflags ne ""} { append extra_cflags " $device_cflags" }
}
set kernels [read_kernel_list $list_file]

# Sources: the same files the native build compiles (hw-kernels/hls/CMakeLists.txt).
set sources [list [file join $hls_dir cmdproc.c] [file join $hls_dir kernel_table.c]]
# Top functions (fsvm_hls.h).
set all_tops {fsvm_cp_dispatch fsvm_cp_complete}
foreach k $kernels {
    if {[info exists kernel_src($k)]} {
        lappend sources $kernel_src($k)
    } else {
        lappend sources [file join $hls_dir k_$k.c]
    }
    lappend all_tops fsvm_k_$k
}

# Which tops: FSVM_HLS_TOPS, else the -tclargs words that name a top, else all.
set tops {}
if {[info exists ::env(FSVM_HLS_TOPS)] && [string trim $::env(FSVM_HLS_TOPS)] ne ""} {
    set tops $::env(FSVM_HLS_TOPS)
} elseif {[info exists ::argv]} {
    foreach word $::argv {
        if {[string match fsvm_* $word]} { lappend tops $word }
    }
}
if {[llength $tops] == 0} { set tops $all_tops }
foreach top $tops {
    if {[lsearch -exact $all_tops $top] < 0} {
        puts stderr "csynth.tcl: unknown top '$top' (known: $all_tops)"
        exit 1
    }
}

# C11 (fsvm_hw.h uses _Static_assert); fsvm_hls.h and fsvm_hw.h on the path.
# __SYNTHESIS__ is defined by Vitis HLS itself: fsvm_hw.h then turns the
# AXI accessors into plain indexing of the m_axi port by VA.
set cflags "-std=c11 -I$hls_dir -I$hw_dir$extra_cflags"

file mkdir $build_dir
cd $build_dir

set failed {}
foreach top $tops {
    puts "=== csynth $top ($part, $clock_ns ns)"
    open_project -reset hls_$top
    set_top $top
    foreach src $sources {
        add_files $src -cflags $cflags
    }
    open_solution -reset sol1 -flow_target vivado
    set_part $part
    create_clock -period $clock_ns -name default
    # 64-bit AXI addresses: the port is indexed by process VAs (48-bit on
    # arm64); the Vivado IP flow does not enable them by default everywhere.
    config_interface -m_axi_addr64=true
    # Host pointers come from malloc (16-byte) or odd offsets: never let the
    # tool assume an alignment (the Vitis kernel flow would assume 64 bytes).
    config_interface -m_axi_alignment_byte_size 1
    if {[catch {csynth_design} err]} {
        puts stderr "csynth.tcl: $top failed: $err"
        lappend failed $top
    }
    close_project
}

if {[llength $failed] > 0} {
    puts stderr "csynth.tcl: failed tops: $failed"
    exit 1
}
puts "csynth.tcl: done: $tops (reports under $build_dir/hls_<top>/sol1/syn/report)"
exit 0
