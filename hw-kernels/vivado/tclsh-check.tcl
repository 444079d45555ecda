# SPDX-License-Identifier: MIT
#
# tclsh-check.tcl - run create_fsvm_bd.tcl and export_hls_ip.tcl under plain
# tclsh with stub Vivado / Vitis HLS commands.
#
#   tclsh hw-kernels/vivado/tclsh-check.tcl
#
# What this proves: the scripts parse, every branch that the configurations
# below reach executes, argument parsing and the error exits behave, every
# interface pin is connected exactly once and every pin is on one net,
# crossbar IDs and addresses come out as intended, and the block-design
# commands are called with the argument shapes used here. For 1, 4 and 8
# contexts (and lanes_only): each lane's m_axi_gmem, ap_rst_n, interrupt and
# s_axi_control is on the shell pin / crossbar slot / register slot it must
# be, fsvm_shell_bd.v maps that shell pin to the fsvm_shell lane of that
# slot, and every shell pin and parameter the block design uses exists in
# fsvm_shell_bd.v and is enabled for that NUM_CONTEXTS. The stub packager
# reads fsvm_shell_bd.v's ports and X_INTERFACE_INFO attributes as Vivado's
# would. What it does NOT prove: that Vivado accepts these IP names,
# parameter names or values, pin names or the design - nothing here has run
# in Vivado (README.md).

set here [file dirname [file normalize [info script]]]
set tmp  [file join [expr {[info exists ::env(TMPDIR)] ? $::env(TMPDIR) : "/tmp"}] fsvm-vivado-check-[pid]]
file delete -force $tmp
set hls_build [file join $tmp hls]
foreach top {fsvm_cp_dispatch fsvm_cp_complete} {
    file mkdir [file join $hls_build hls_$top sol1 impl ip]
}

# fsvm_shell_bd.v as Vivado's packager reads it: ports with their direction,
# X_INTERFACE_INFO interfaces (name -> ports), module parameters. Evaluated
# here and in every child interpreter.
set parse_top {
    proc parse_top {file} {
        set f [open $file]; set src [read $f]; close $f
        set ports {}; set busifs {}; set attr {}
        foreach line [split $src \n] {
            if {[regexp {\(\* X_INTERFACE_INFO = "\S+ (\S+) (\S+)" \*\)} $line -> bi logical]} {
                set attr $bi
            } elseif {[regexp {^\s*(input|output)\s+(?:wire|reg)\s+(?:\[[^]]*\]\s*)?(\w+)} $line -> dir name]} {
                dict set ports $name [expr {$dir eq "input" ? "in" : "out"}]
                if {$attr ne ""} { dict lappend busifs $attr $name }
                set attr {}
            }
        }
        set params [lmap {all p} [regexp -all -inline {parameter\s+(?:\[[^]]*\]\s*|integer\s+)?([A-Z_]+)\s*=} $src] {set p}]
        return [list $ports $busifs $params]
    }
    # The context a lane-port pin of the shell belongs to (-1: none).
    proc pin_ctx {pin} {
        if {[regexp {^(?:s_axi_|m_axi_)?[dc]([0-9])(?:_|$)} $pin -> k]} { return $k }
        return -1
    }
}
eval $parse_top

# The stubs, evaluated in each child interpreter.
set stubs {
    array set props {}
    set cells {}
    set intf_used {}
    set calls {}
    set errors {}
    set known_vlnv {
        xilinx.com:ip:zynq_ultra_ps_e:3.5 xilinx.com:ip:proc_sys_reset:5.0
        xilinx.com:ip:axi_crossbar:2.1 xilinx.com:ip:axi_interconnect:2.1
        xilinx.com:ip:xlconcat:2.1 xilinx.com:ip:util_reduced_logic:2.0
    }
    proc err {msg} { lappend ::errors $msg }
    proc log {args} { lappend ::calls $args }
    proc norm {p} { return /[string trimleft $p /] }

    proc create_project {args} {
        set pos {}
        for {set k 0} {$k < [llength $args]} {incr k} {
            set a [lindex $args $k]
            if {$a eq "-part"} { incr k } elseif {![string match -* $a]} { lappend pos $a }
        }
        if {[lsearch $args -part] < 0} { err "create_project without -part" }
        if {[llength $pos] != 2} { err "create_project $args: expected name and directory" }
        file mkdir [lindex $pos 1]
        log create_project {*}$pos
    }
    proc current_project {} { return proj }
    proc current_fileset {} { return sources_1 }
    proc get_board_parts {args} {
        set pat [lindex $args end]
        set all {xilinx.com:zcu102:part0:3.4 avnet.com:ultra96v2:part0:1.2 xilinx.com:kv260_som:part0:1.3}
        set out {}
        foreach b $all { if {[string match $pat $b]} { lappend out $b } }
        return $out
    }
    proc update_ip_catalog {} { log update_ip_catalog }
    proc get_ipdefs {args} {
        set pat [lindex $args end]
        set out {}
        foreach v $::catalog { if {[string match $pat $v]} { lappend out $v } }
        return $out
    }
    proc create_bd_design {name} { log create_bd_design $name }
    proc create_bd_cell {args} {
        set name [lindex $args end]
        if {[lindex $args 0] ne "-type" || [lindex $args 1] ne "ip" || [lindex $args 2] ne "-vlnv"} {
            err "create_bd_cell $args: expected -type ip -vlnv <vlnv> <name>"
        }
        set vlnv [lindex $args 3]
        if {[lsearch -exact $::known_vlnv $vlnv] < 0 && [lsearch -exact $::catalog $vlnv] < 0} {
            err "create_bd_cell: unknown VLNV $vlnv"
        }
        if {[lsearch -exact $::cells /$name] >= 0} { err "duplicate cell $name" }
        lappend ::cells /$name
        set ::vlnv_of(/$name) $vlnv
        if {[string match fsvm.dev:fsvm:fsvm_shell:* $vlnv]} {
            # the shell IP: what package_shell_ip.tcl packages from fsvm_shell_bd.v
            lassign [parse_top $::shell_top] ::shell_ports ::shell_busifs ::shell_params
            set ::props(/$name,CONFIG.NUM_CONTEXTS) 4
        }
        # HLS defaults as Vitis HLS packages them.
        if {[string match *:hls:* $vlnv]} {
            set ::props(/$name,CONFIG.C_M_AXI_GMEM_DATA_WIDTH) 128
            set ::props(/$name,CONFIG.C_M_AXI_GMEM_CACHE_VALUE) 0b0011
            set ::props(/$name,CONFIG.C_M_AXI_GMEM_PROT_VALUE) 0b000
        }
        return /$name
    }
    proc get_bd_cells {args} {
        set pat [norm [lindex $args end]]
        set out {}
        foreach c $::cells { if {[string match $pat $c]} { lappend out $c } }
        return $out
    }
    proc check_obj {p} {
        set cell [lindex [split [norm $p] /] 1]
        if {[lsearch -exact $::cells /$cell] < 0} { err "object $p: no cell $cell" }
        return [norm $p]
    }
    # A pin of the shell cell must be a port (get_bd_pins) or an interface
    # (get_bd_intf_pins) of the packaged top, and enabled at its NUM_CONTEXTS.
    proc check_shell_pin {p kind} {
        set parts [split [norm $p] /]
        set cell /[lindex $parts 1]
        if {![info exists ::vlnv_of($cell)] || ![string match fsvm.dev:fsvm:fsvm_shell:* $::vlnv_of($cell)]} return
        set pin [lindex $parts 2]
        if {$pin eq "*"} return
        set have [expr {$kind eq "intf" ? [dict exists $::shell_busifs $pin] : [dict exists $::shell_ports $pin]}]
        if {!$have} { err "shell $kind pin $pin: not in fsvm_shell_bd.v" }
        set k [pin_ctx $pin]
        if {$k >= $::props($cell,CONFIG.NUM_CONTEXTS)} {
            err "shell pin $pin used with NUM_CONTEXTS $::props($cell,CONFIG.NUM_CONTEXTS) (disabled)"
        }
    }
    proc get_bd_pins {p} { check_shell_pin $p port; return [check_obj $p] }
    proc get_bd_intf_pins {p} { check_shell_pin $p intf; return [check_obj $p] }
    proc get_bd_addr_spaces {p} { return [check_obj $p] }
    proc get_bd_addr_segs {p} { return [check_obj $p] }
    proc connect_bd_net {args} {
        if {[llength $args] < 2} { err "connect_bd_net needs two pins: $args" }
        foreach a $args { if {$a eq ""} { err "connect_bd_net: empty pin" } }
        # a net has one driver: the first pin (here always the source)
        foreach a [lrange $args 1 end] {
            if {[info exists ::net_of($a)]} { err "pin $a on two nets" }
            set ::net_of($a) [lindex $args 0]
        }
        log connect_bd_net {*}$args
    }
    proc connect_bd_intf_net {a b} {
        foreach p [list $a $b] {
            if {$p eq ""} { err "connect_bd_intf_net: empty interface" }
            if {[lsearch -exact $::intf_used $p] >= 0} { err "interface $p connected twice" }
            lappend ::intf_used $p
        }
        set ::intf_peer($a) $b
        set ::intf_peer($b) $a
        log connect_bd_intf_net $a $b
    }
    proc apply_bd_automation {args} { log apply_bd_automation {*}$args }
    proc set_property {args} {
        if {[lindex $args 0] eq "-dict"} {
            set kv [lindex $args 1]
            set obj [lindex $args 2]
            if {[llength $kv] % 2} { err "set_property -dict: odd list" }
        } else {
            if {[llength $args] != 3} { err "set_property $args: expected name value object" }
            lassign $args k v obj
            set kv [list $k $v]
        }
        foreach {k v} $kv {
            if {[info exists ::vlnv_of($obj)] && [string match fsvm.dev:fsvm:fsvm_shell:* $::vlnv_of($obj)]} {
                set pn [string range $k 7 end]
                if {![string match CONFIG.* $k] || [lsearch -exact $::shell_params $pn] < 0} {
                    err "set_property $k on the shell: fsvm_shell_bd.v has no parameter $pn"
                } elseif {![string is integer -strict $v]} {
                    err "set_property $k $v on the shell: not an integer"
                } elseif {$pn eq "NUM_CONTEXTS" && ($v < 1 || $v > 8)} {
                    err "NUM_CONTEXTS $v outside the packaged range 1..8"
                }
            }
            set ::props($obj,$k) $v
        }
    }
    proc get_property {k obj} {
        if {$k eq "PROGRESS"} { return 100% }
        if {$k eq "NAME" && [string match busif:* $obj]} { return [string range $obj 6 end] }
        if {$k eq "NAME" && [string match port:* $obj]} { return [string range $obj 5 end] }
        if {$k eq "DIRECTION" && [string match port:* $obj]} { return [dict get $::ports [string range $obj 5 end]] }
        if {[info exists ::props($obj,$k)]} { return $::props($obj,$k) }
        return ""
    }
    proc assign_bd_address {args} { log assign_bd_address {*}$args }
    proc validate_bd_design {} { log validate_bd_design }
    proc save_bd_design {} { log save_bd_design }
    proc get_files {name} { return /proj/$name }
    proc generate_target {what f} { log generate_target $what $f }
    proc make_wrapper {args} { return /proj/fsvm_bd_wrapper.v }
    proc add_files {args} { log add_files {*}$args }
    proc launch_runs {args} { log launch_runs {*}$args }
    proc wait_on_run {r} { log wait_on_run $r }
    proc get_runs {r} { return $r }
    proc write_hw_platform {args} { log write_hw_platform {*}$args }
    # Vitis HLS
    proc open_project {args} { log open_project {*}$args }
    proc open_solution {args} { log open_solution {*}$args }
    proc export_design {args} {
        foreach o {-format -vendor -library -version} {
            if {[lsearch $args $o] < 0} { err "export_design without $o" }
        }
        log export_design {*}$args
    }
    proc close_project {} { log close_project }
    # Vivado IP packager (package_shell_ip.tcl). package_project "infers"
    # what Vivado would from the real top's port and parameter names:
    # <prefix>_<AXI signal> groups, ap_clk/ap_rst_n, the module parameters.
    proc update_compile_order {args} { log update_compile_order {*}$args }
    namespace eval ::ipx {}
    proc ipx::package_project {args} {
        foreach o {-root_dir -vendor -library -set_current} {
            if {[lsearch $args $o] < 0} { err "ipx::package_project without $o" }
        }
        set ::props(core,VENDOR) [lindex $args [expr {[lsearch $args -vendor] + 1}]]
        set ::props(core,LIBRARY) [lindex $args [expr {[lsearch $args -library] + 1}]]
        if {[get_property top sources_1] ne [file rootname [file tail $::shell_top]]} {
            err "ipx::package_project: top is '[get_property top sources_1]', not [file tail $::shell_top]"
        }
        lassign [parse_top $::shell_top] ::ports bi ::user_params
        set ::busifs [dict keys $bi]
        log ipx::package_project {*}$args
    }
    proc ipx::current_core {} { return core }
    proc ipx::get_bus_interfaces {args} {
        if {[lindex $args 0] eq "-of_objects"} { return [lmap b $::busifs {set b busif:$b}] }
        set n [lindex $args 0]
        if {[lsearch -exact $::busifs $n] >= 0} { return busif:$n }
        return {}
    }
    proc ipx::remove_bus_interface {n core} {
        set i [lsearch -exact $::busifs $n]
        if {$i < 0} { err "ipx::remove_bus_interface: no $n" } else { set ::busifs [lreplace $::busifs $i $i] }
    }
    proc ipx::associate_bus_interfaces {args} {
        set b [lindex $args [expr {[lsearch $args -busif] + 1}]]
        set c [lindex $args [expr {[lsearch $args -clock] + 1}]]
        if {[lsearch -exact $::busifs $b] < 0 || [lsearch -exact $::busifs $c] < 0} {
            err "ipx::associate_bus_interfaces $args: unknown interface"
        }
        lappend ::assoc $b:$c
    }
    proc ipx::get_ports {args} {
        if {[lindex $args 0] eq "-of_objects"} { return [lmap p [dict keys $::ports] {set p port:$p}] }
        set n [lindex $args 0]
        if {[dict exists $::ports $n]} { return port:$n }
        return {}
    }
    proc ipx::add_bus_parameter {n bi} { return $bi,$n }
    proc ipx::add_memory_map {n core} { return mm:$n }
    proc ipx::add_address_block {n mm} { return $mm/$n }
    proc ipx::add_address_space {n core} { return as:$n }
    proc ipx::get_user_parameters {n args} {
        if {[lsearch -exact $::user_params $n] >= 0} { return param:$n }
        return {}
    }
    proc ipx::create_xgui_files {core} { log ipx::create_xgui_files }
    proc ipx::update_checksums {core} { log ipx::update_checksums }
    proc ipx::check_integrity {core} { return 1 }
    proc ipx::save_core {core} { log ipx::save_core }
}

set failures 0
# run <script> <expected exit> <catalog> <argv> [env] -> child interp results
proc run {script want catalog argv {envset {}}} {
    global stubs failures
    set i [interp create]
    interp eval $i [list set ::catalog $catalog]
    interp eval $i [list set ::shell_top [file join [file dirname $::here] rtl fsvm_shell_bd.v]]
    interp eval $i $::parse_top
    interp eval $i $stubs
    interp eval $i {rename exit __real_exit; proc exit {{code 0}} { return -code error -errorcode [list EXIT $code] "exit $code" }}
    interp eval $i [list set ::argv $argv]
    foreach {k v} $envset { interp eval $i [list set ::env($k) $v] }
    set saved [array get ::env FSVM_*]
    set rc [catch {interp eval $i [list source $script]} msg opts]
    set code 0
    if {$rc} {
        set ec [dict get $opts -errorcode]
        if {[lindex $ec 0] eq "EXIT"} { set code [lindex $ec 1] } else {
            puts "FAIL [file tail $script] $argv: Tcl error: $msg\n[dict get $opts -errorinfo]"
            incr failures
            interp delete $i
            return {}
        }
    }
    set errs [interp eval $i {set ::errors}]
    if {$code != $want || [llength $errs]} {
        puts "FAIL [file tail $script] $argv: exit $code (want $want) [join $errs {; }]"
        incr failures
    } else {
        puts "ok   [file tail $script] $argv -> exit $code"
    }
    return $i
}

set hls_cat {fsvm.dev:hls:fsvm_cp_dispatch:1.0 fsvm.dev:hls:fsvm_cp_complete:1.0}
set shell_cat [concat $hls_cat fsvm.dev:fsvm:fsvm_shell:1.0]
set bd [file join $here create_fsvm_bd.tcl]

# What fsvm_shell_bd.v connects lane port <r><k> to, for NUM_CONTEXTS nc:
# the fsvm_shell lane index in each of its assigns (they must all agree).
proc wrapper_lane {nc r k} {
    set f [open [file join [file dirname $::here] rtl fsvm_shell_bd.v]]; set src [read $f]; close $f
    set b [string first "if ($k < NC) begin : g_ctx$k" $src]
    set e [string first "end else begin : g_off$k" $src]
    if {$b < 0 || $e < $b} { return none }
    set lanes {}
    foreach line [split [string range $src $b $e] \n] {
        if {![regexp {assign (.+?) = (.+);} $line -> lhs rhs]} continue
        foreach {pin vec} [list $lhs $rhs $rhs $lhs] {
            if {![regexp "^(?:s_axi_|m_axi_)?${r}${k}_" $pin]} continue
            if {![regexp {^\w+\[(.*)\]$} $vec -> idx]} { lappend lanes "?$vec"; continue }
            regexp {^\(([^()]*)\)\*.* \+: .*$} $idx -> idx
            lappend lanes [expr [string map [list NC $nc] $idx]]
        }
    }
    set lanes [lsort -unique $lanes]
    return [expr {[llength $lanes] == 1 ? $lanes : "several: $lanes"}]
}

# The shell's RTL defaults create_fsvm_bd.tcl must agree with.
set f [open [file join [file dirname $here] rtl fsvm_shell.v]]; set shell_src [read $f]; close $f
regexp {LANE_BASE = 32'h([0-9a-f_]+)} $shell_src -> rtl_lane_base
regexp {LANE_STRIDE = 32'h([0-9a-f_]+)} $shell_src -> rtl_lane_stride
set rtl_lane_base [expr 0x[string map {_ {}} $rtl_lane_base]]
set rtl_lane_stride [expr 0x[string map {_ {}} $rtl_lane_stride]]

# check_lanes <interp> <contexts> <with shell>: every lane's m_axi_gmem,
# ap_rst_n, interrupt and s_axi_control on the right pin and slot.
proc check_lanes {i n shell} {
    global failures rtl_lane_base rtl_lane_stride
    set bad {}
    set peer [interp eval $i {array get ::intf_peer}]
    set net [interp eval $i {array get ::net_of}]
    set calls [interp eval $i {set ::calls}]
    if {$shell} {
        foreach {prm want} [list NUM_CONTEXTS $n LANE_BASE $rtl_lane_base LANE_STRIDE $rtl_lane_stride \
                                 DW 128 CLOCK_HZ 300000000] {
            set got [interp eval $i [list get_property CONFIG.$prm /fsvm_shell]]
            if {$got eq "" || $got != $want} { lappend bad "shell $prm is '$got', want $want" }
        }
    }
    for {set l 0} {$l < 2 * $n} {incr l} {
        set c [expr {$l % $n}]
        set kind [expr {$l < $n ? "dispatch" : "complete"}]
        set r [string index $kind 0]
        set cell /ctx${c}_$kind
        set xs /data_xbar/S[format %02d $l]_AXI
        set id [expr {$l < $n ? $c : (0x20 | $c)}]
        set got_id [interp eval $i [list get_property CONFIG.S[format %02d $l]_BASE_ID /data_xbar]]
        if {$got_id != $id} { lappend bad "slot $l: crossbar BASE_ID $got_id, want $id" }
        set gm [expr {[dict exists $peer $cell/m_axi_gmem] ? [dict get $peer $cell/m_axi_gmem] : "nothing"}]
        set rst [expr {[dict exists $net $cell/ap_rst_n] ? [dict get $net $cell/ap_rst_n] : "nothing"}]
        set irq {}
        dict for {pin src} $net { if {$src eq "$cell/interrupt"} { lappend irq $pin } }
        set ctl [expr {[dict exists $peer $cell/s_axi_control] ? [dict get $peer $cell/s_axi_control] : "nothing"}]
        if {$shell} {
            if {$gm ne "/fsvm_shell/s_axi_$r$c"} { lappend bad "$cell/m_axi_gmem goes to $gm, want /fsvm_shell/s_axi_$r$c" }
            set out [expr {[dict exists $peer /fsvm_shell/m_axi_$r$c] ? [dict get $peer /fsvm_shell/m_axi_$r$c] : "nothing"}]
            if {$out ne $xs} { lappend bad "/fsvm_shell/m_axi_$r$c goes to $out, want $xs" }
            if {$rst ne "/fsvm_shell/${r}${c}_rst_n"} { lappend bad "$cell/ap_rst_n driven by $rst, want /fsvm_shell/${r}${c}_rst_n" }
            if {$irq ne "/fsvm_shell/${r}${c}_irq"} { lappend bad "$cell/interrupt drives '$irq', want /fsvm_shell/${r}${c}_irq" }
            # the wrapper maps that port to fsvm_shell lane l (whose port issues ID id)
            set wl [wrapper_lane $n $r $c]
            if {$wl ne $l} { lappend bad "fsvm_shell_bd.v connects ${r}$c to shell lane $wl, want $l" }
        } else {
            if {$gm ne $xs} { lappend bad "$cell/m_axi_gmem goes to $gm, want $xs" }
            if {$rst ne "/rst_pl0/peripheral_aresetn"} { lappend bad "$cell/ap_rst_n driven by $rst" }
        }
        # register slot l: lane_ctl_ic M<l> at LANE_BASE + l * LANE_STRIDE
        if {$ctl ne "/lane_ctl_ic/M[format %02d $l]_AXI"} { lappend bad "$cell/s_axi_control on $ctl, want lane_ctl_ic M[format %02d $l]" }
        set a [format 0x%08x [expr {$rtl_lane_base + $l * $rtl_lane_stride}]]
        set space [expr {$shell ? "/fsvm_shell/m_axi_lanes" : "/zynq_ultra_ps_e_0/Data"}]
        if {[lsearch -exact $calls [list assign_bd_address -offset $a -range [format 0x%08x $rtl_lane_stride] \
                                   -target_address_space $space $cell/s_axi_control/*]] < 0} {
            lappend bad "$cell/s_axi_control not at $a in $space"
        }
    }
    if {$shell} {
        if {[dict exists $peer /fsvm_shell/m_axi_lanes] && [dict get $peer /fsvm_shell/m_axi_lanes] ne "/lane_ctl_ic/S00_AXI"} {
            lappend bad "m_axi_lanes goes to [dict get $peer /fsvm_shell/m_axi_lanes]"
        }
        # no lane port of a context that does not exist is used
        foreach p [concat [dict keys $peer] [dict keys $net] [dict values $net]] {
            if {[string match /fsvm_shell/* $p] && [pin_ctx [lindex [split $p /] 2]] >= $n} { lappend bad "$p used" }
        }
    }
    foreach b $bad { puts "FAIL $n contexts[expr {$shell ? {} : { lanes_only}}]: $b"; incr failures }
    if {![llength $bad]} {
        puts "ok   wiring of [expr {2 * $n}] lanes[expr {$shell ? { through the shell} : { (lanes_only)}}]:\
              m_axi_gmem, ap_rst_n, interrupt, s_axi_control"
    }
}

foreach board {zcu102 ultra96v2 kv260} {
    set i [run $bd 0 $hls_cat [list board=$board lanes_only=1 hls_build=$hls_build proj_dir=$tmp/$board]]
    if {$i ne ""} {
        if {$board eq "zcu102"} { check_lanes $i 4 0 }
        interp delete $i
    }
}
# Full design with a (stub) shell IP, 4 and 8 contexts; check IDs and ranges.
foreach n {1 4 8} {
    set i [run $bd 0 $shell_cat [list contexts=$n hls_build=$hls_build proj_dir=$tmp/shell$n]]
    if {$i eq ""} continue
    set want {}
    for {set k 0} {$k < $n} {incr k} { lappend want [format 0x%08x $k] }
    for {set k 0} {$k < $n} {incr k} { lappend want [format 0x%08x [expr {0x20 | $k}]] }
    set got {}
    for {set k 0} {$k < 2 * $n} {incr k} {
        lappend got [interp eval $i [list get_property CONFIG.S[format %02d $k]_BASE_ID /data_xbar]]
    }
    if {$got ne $want} { puts "FAIL ids for $n contexts: $got"; incr failures }
    check_lanes $i $n 1
    foreach c [interp eval $i {get_bd_cells ctx*}] {
        set cv [interp eval $i [list get_property CONFIG.C_M_AXI_GMEM_CACHE_VALUE $c]]
        set pv [interp eval $i [list get_property CONFIG.C_M_AXI_GMEM_PROT_VALUE $c]]
        if {$cv ne "1111" || $pv ne "010"} { puts "FAIL $c cache $cv prot $pv"; incr failures }
    }
    # Every HLS master and control port connected.
    set used [interp eval $i {set ::intf_used}]
    foreach c [interp eval $i {get_bd_cells ctx*}] {
        foreach p {m_axi_gmem s_axi_control} {
            if {[lsearch -exact $used $c/$p] < 0} { puts "FAIL $c/$p unconnected"; incr failures }
        }
    }
    set calls [interp eval $i {set ::calls}]
    if {[lsearch -glob $calls {assign_bd_address -offset 0xA0000000 -range 0x00020000 *}] < 0} {
        puts "FAIL control window not at 0xA0000000/0x20000"; incr failures
    }
    if {[lsearch -glob $calls {write_hw_platform *}] < 0} { puts "FAIL no XSA written"; incr failures }
    puts [string trimright [read [set f [open $tmp/shell$n/fsvm-bd-summary.txt]]][close $f]]
    interp delete $i
}
# Error exits.
foreach {want cat argv} [list \
    1 $hls_cat   [list hls_build=$hls_build proj_dir=$tmp/noshell] \
    2 $shell_cat [list contexts=9 hls_build=$hls_build proj_dir=$tmp/x] \
    2 $shell_cat [list board=zc706 hls_build=$hls_build] \
    2 $shell_cat [list bogus=1] \
    1 $shell_cat [list hls_build=$tmp/nonexistent proj_dir=$tmp/y] \
] {
    set i [run $bd $want $cat $argv]
    if {$i ne ""} { interp delete $i }
}
# impl=0 stops before the runs.
set i [run $bd 0 $shell_cat [list impl=0 hls_build=$hls_build proj_dir=$tmp/noimpl]]
if {$i ne "" && [lsearch -glob [interp eval $i {set ::calls}] {launch_runs *}] >= 0} {
    puts "FAIL impl=0 launched runs"; incr failures
}
if {$i ne ""} { interp delete $i }

# export_hls_ip.tcl
set i [run [file join $here export_hls_ip.tcl] 0 {} {} [list FSVM_HLS_BUILD $hls_build]]
if {$i ne ""} { interp delete $i }
set i [run [file join $here export_hls_ip.tcl] 1 {} {} [list FSVM_HLS_BUILD $tmp/none]]
if {$i ne ""} { interp delete $i }

# package_shell_ip.tcl: the IP create_fsvm_bd.tcl looks for (its default shell_vlnv)
set pk [file join $here package_shell_ip.tcl]
set gen [file join $tmp gen]
file mkdir $gen
foreach f {fsvm_hw.vh fsvm_ktab.vh fsvm_lane_map.vh} { close [open [file join $gen $f] w] }
set i [run $pk 0 {} [list gen_dir=$gen ip_dir=$tmp/shell_ip]]
if {$i ne ""} {
    set f [open $bd]; set bdsrc [read $f]; close $f
    regexp {shell_vlnv\s+(\S+)} $bdsrc -> want_vlnv
    set got [join [list [interp eval $i {set ::props(core,VENDOR)}] [interp eval $i {set ::props(core,LIBRARY)}] \
                        [interp eval $i {set ::props(core,name)}] [interp eval $i {set ::props(core,version)}]] :]
    if {$got ne $want_vlnv} { puts "FAIL packaged VLNV $got, create_fsvm_bd.tcl wants $want_vlnv"; incr failures }
    set b [lsort [interp eval $i {set ::busifs}]]
    set want_b {s_axi_ctl m_axi_lanes ap_clk ap_rst_n irq}
    for {set k 0} {$k < 8} {incr k} {
        foreach r {d c} { lappend want_b s_axi_$r$k m_axi_$r$k ${r}${k}_rst_n ${r}${k}_irq }
    }
    if {$b ne [lsort $want_b]} { puts "FAIL shell IP interfaces: $b"; incr failures }
    # context k's interfaces and ports exist only with NUM_CONTEXTS > k
    foreach bn $want_b {
        set k [pin_ctx $bn]
        set dep [interp eval $i [list get_property enablement_dependency busif:$bn]]
        set want_dep [expr {$k > 0 ? "\$NUM_CONTEXTS > $k" : ""}]
        if {$dep ne $want_dep} { puts "FAIL interface $bn enablement '$dep', want '$want_dep'"; incr failures }
    }
    foreach pn [dict keys [interp eval $i {set ::ports}]] {
        set k [pin_ctx $pn]
        set dep [interp eval $i [list get_property enablement_dependency port:$pn]]
        set want_dep [expr {$k > 0 ? "\$NUM_CONTEXTS > $k" : ""}]
        if {$dep ne $want_dep} { puts "FAIL port $pn enablement '$dep', want '$want_dep'"; incr failures }
        set dv [interp eval $i [list get_property driver_value port:$pn]]
        set want_dv [expr {$k > 0 && [dict get [interp eval $i {set ::ports}] $pn] eq "in" ? 0 : ""}]
        if {$dv ne $want_dv} { puts "FAIL port $pn driver_value '$dv', want '$want_dv'"; incr failures }
    }
    foreach bn $want_b {
        if {[string match *axi* $bn] && [lsearch -exact [interp eval $i {set ::assoc}] $bn:ap_clk] < 0} {
            puts "FAIL $bn not associated with ap_clk"; incr failures
        }
        if {[string match m_axi_* $bn] && [interp eval $i [list get_property master_address_space_ref busif:$bn]] ne $bn} {
            puts "FAIL $bn has no address space"; incr failures
        }
    }
    if {[interp eval $i {set ::props(mm:s_axi_ctl/ctl,range)}] != 0x20000} { puts "FAIL s_axi_ctl range"; incr failures }
    if {[interp eval $i {set ::props(param:NUM_CONTEXTS,value_validation_range_maximum)}] != 8} {
        puts "FAIL NUM_CONTEXTS range"; incr failures
    }
    if {[lsearch -glob [interp eval $i {set ::calls}] {ipx::save_core}] < 0} { puts "FAIL core not saved"; incr failures }
    # (every pin create_fsvm_bd.tcl uses on the shell is checked against
    # fsvm_shell_bd.v by the stubs' get_bd_pins / get_bd_intf_pins above)
    interp delete $i
}
foreach {want argv} [list 2 {} 1 [list gen_dir=$tmp/nogen] 2 [list bogus=1]] {
    set i [run $pk $want {} $argv]
    if {$i ne ""} { interp delete $i }
}

file delete -force $tmp
if {$failures} {
    puts "tclsh-check: $failures failure(s)"
    exit 1
}
puts "tclsh-check: all runs behaved (syntax and control flow only: nothing ran in Vivado)"
exit 0
