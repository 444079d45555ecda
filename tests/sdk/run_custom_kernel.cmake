# run_custom_kernel.cmake - examples/custom-kernel the way a user builds it:
# a separate CMake project against this build tree, then its programs and
# the device it made, checked by value; then the ways it must fail.
#   cmake -DSRC=<example> -DBIN=<dir> -DFSVM_DIR=<build>/sdk -DCC=<cc>
#         -DFSVM_CLI=<fsvm> -DGENERATOR=<gen> [-DUSER_FLAGS=<cflags+ldflags>]
#         -P run_custom_kernel.cmake
foreach(v SRC BIN FSVM_DIR CC FSVM_CLI GENERATOR)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_custom_kernel.cmake: -D${v}= missing")
  endif()
endforeach()
get_filename_component(_here ${CMAKE_CURRENT_LIST_FILE} DIRECTORY)

include(${CMAKE_CURRENT_LIST_DIR}/../common/run_checks.cmake)  # run(), check()

file(REMOVE_RECURSE ${BIN})
run("configure" 0 "" ${CMAKE_COMMAND} -S ${SRC} -B ${BIN} -G ${GENERATOR}
  -Dfsvm_DIR=${FSVM_DIR} -DCMAKE_C_COMPILER=${CC} "-DCMAKE_C_FLAGS=-Wall -Wextra -Werror ${USER_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${USER_FLAGS}" "-DCMAKE_SHARED_LINKER_FLAGS=${USER_FLAGS}"
  "-DCMAKE_MODULE_LINKER_FLAGS=${USER_FLAGS}")
run("build" 0 "" ${CMAKE_COMMAND} --build ${BIN} -j2)

# Run on sim through libfsvm; FSVM_DEVICE unset: the program's default
# sim:graph, found next to the executable. bfs_host compares every level.
set(_env ${CMAKE_COMMAND} -E env --unset=FSVM_DEVICE --unset=FSVM_DEVICE_PATH)
run("bfs_host" 0 "device sim:graph: kernel \\[2\\] bfs_expand\\(ptr_in vertices, u64 nv, ptr_in frontier, u64 nfront, ptr_inout levels, u32 depth, ptr_out next, ptr_out count\\).*bfs: 20000 vertices, [0-9]+ edges, [0-9]+ levels, [0-9]+ reached from vertex 0, [0-9]+ modelled cycles: matches the CPU"
  ${_env} ${BIN}/bfs_host 20000 6)
run("bfs_host by path" 0 "matches the CPU"
  ${_env} FSVM_DEVICE=sim:${BIN}/libfsvm-dev-graph.so ${BIN}/bfs_host 3000 3 5)

# fsvm info on that device: nop, the BUILTIN pointer_chase, bfs_expand; no vadd.
run("fsvm info" 0 "device +: sim:graph.*kernels +: 3\n +\\[ 0\\] nop\\(\\)\n +\\[ 1\\] pointer_chase\\(ptr_in list_node\\* head, u64 max_hops, ptr_out chase_result\\* result\\)\n +\\[ 2\\] bfs_expand\\(ptr_in u64\\* vertices, u64 nv, ptr_in u32\\* frontier, u64 nfront, ptr_inout u32\\* levels, u32 depth, ptr_out u32\\* next, ptr_out u64\\* count\\)"
  ${_env} FSVM_DEVICE_PATH=${BIN} ${FSVM_CLI} --device sim:graph info)
if(last_out MATCHES "vadd")
  message(FATAL_ERROR "fsvm info: vadd is in a device built with BUILTIN pointer_chase")
endif()

# The ways it must fail: an unknown device, a file that is no plugin.
run("unknown device" 1 "no device \"nosuch\": libfsvm-dev-nosuch.so is not in"
  ${_env} FSVM_DEVICE=sim:nosuch ${BIN}/bfs_host 100)
run("not a plugin" 1 "cannot load device plugin"
  ${_env} FSVM_DEVICE=sim:${BIN}/CMakeCache.txt ${BIN}/bfs_host 100)

# The same kernels for Vitis HLS: csynth.tcl with the generated device file
# (stub Vitis commands), and each source it hands over compiled as
# synthesis would see it (__SYNTHESIS__, its -cflags).
find_program(TCLSH tclsh)
if(TCLSH)
  file(READ ${BIN}/graph_hls.tcl _tcl)
  string(REGEX MATCH "vitis_hls -f ([^\n]+csynth.tcl)" _m "${_tcl}")
  set(_csynth ${CMAKE_MATCH_1})
  run("csynth.tcl" 0 "top fsvm_k_bfs_expand\n.*k_pointer_chase.c.*custom-kernel/bfs_expand.c -std=c11 .*-DFSVM_DEVICE_KERNELS -I${BIN}/fsvm-dev-graph"
    ${CMAKE_COMMAND} -E env FSVM_HLS_DEVICE=${BIN}/graph_hls.tcl FSVM_HLS_BUILD=${BIN}/hls
    "FSVM_HLS_TOPS=fsvm_cp_dispatch fsvm_k_bfs_expand" ${TCLSH} ${_here}/csynth_stub.tcl ${_csynth})
  if(last_out MATCHES "k_vadd.c")
    message(FATAL_ERROR "csynth.tcl: synthesizes vadd, which the device does not have")
  endif()
  string(REGEX MATCHALL "file [^\n]+" _files "${last_out}")
  list(REMOVE_DUPLICATES _files)
  foreach(_f IN LISTS _files)
    string(REGEX REPLACE "^file ([^ ]+) (.*)$" "\\1" _src "${_f}")
    string(REGEX REPLACE "^file ([^ ]+) (.*)$" "\\2" _flags "${_f}")
    separate_arguments(_flags UNIX_COMMAND "${_flags}")
    run("__SYNTHESIS__ ${_src}" 0 "" ${CC} ${_flags} -D__SYNTHESIS__ -Wall -Wextra -Werror
      -Wno-unknown-pragmas -c ${_src} -o ${BIN}/synth.o)
  endforeach()
else()
  message("tclsh not found: csynth.tcl not checked")
endif()
