# run_hls_rules.cmake - FsvmHlsCheck.cmake on the in-tree HLS sources (must
# pass) and on hls_bad/*.c (each must fail, naming what it broke).
#   cmake -DCC=<gcc> -DNM=<nm> -DHW=<hw-kernels> -DOUT=<dir> -P run_hls_rules.cmake
get_filename_component(_here ${CMAKE_CURRENT_LIST_FILE} DIRECTORY)
set(_check ${HW}/hls/FsvmHlsCheck.cmake)
file(GLOB _kernels ${HW}/hls/k_*.c)
list(JOIN _kernels "|" _k)
execute_process(COMMAND ${CMAKE_COMMAND} -DCC=${CC} -DNM=${NM}
    "-DSOURCES=${HW}/hls/cmdproc.c|${HW}/hls/kernel_table.c|${_k}"
    "-DFLAGS=-I${HW}/hls|-I${HW}" -DOUT=${OUT}/in-tree -P ${_check}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("in-tree: rc ${rc}\n${out}${err}")
if(NOT rc EQUAL 0 OR NOT "${out}${err}" MATCHES "HLS rules: [0-9]+ sources")
  message(FATAL_ERROR "the in-tree HLS sources break the HLS rules")
endif()

foreach(case
    "recursion|recursion: .*depth_of -> .*depth_of"
    "malloc|bad_malloc calls malloc, which no HLS source defines"
    "fnptr|a call through a function pointer \\(bad_fnptr\\)"
    "vla|does not compile as HLS code.*Werror=vla"
    "libc|does not compile as HLS code.*string.h")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 name)
  list(GET case 1 want)
  execute_process(COMMAND ${CMAKE_COMMAND} -DCC=${CC} -DNM=${NM}
      -DSOURCES=${_here}/hls_bad/${name}.c "-DFLAGS=-I${HW}/hls|-I${HW}"
      -DOUT=${OUT}/${name} -P ${_check}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message("${name}: rc ${rc}\n${out}${err}")
  if(rc EQUAL 0)
    message(FATAL_ERROR "hls_bad/${name}.c passed the HLS rules check")
  endif()
  if(NOT "${out}${err}" MATCHES "${want}")
    message(FATAL_ERROR "hls_bad/${name}.c: the message does not say \"${want}\"")
  endif()
endforeach()
