# FsvmDevice.cmake - your own HLS kernels in an fsvm device (docs/kernels.md).
#
#   fsvm_add_device(NAME <name> KERNELS <file.c>...
#                   [BUILTIN all|none|<kernel>...]
#                   [INCLUDE_DIRS <dir>...]
#                   [OUTPUT_DIRECTORY <dir>])
#
# Each KERNELS file holds one kernel and its one description, a line that
# starts with FSVM_KERNEL( in column 0:
#
#   FSVM_KERNEL(BFS_EXPAND, bfs_expand, FSVM_IN(U64, vertices), FSVM_U64(nv), ...);
#
# (the syntax of hw-kernels/fsvm_kernels.def). That line is the kernel's
# prototype for the compiler, its kernel table entry (names, kinds, types)
# for libfsvm, `fsvm info` and OpenCL, and its place in the command
# processor's dispatch. BUILTIN picks the in-tree kernels that come first
# (default all; list order of fsvm_kernels.def); kernel ids are positions:
# nop 0, the built-in ones, then KERNELS in order. Look kernels up by name.
#
# It makes, in OUTPUT_DIRECTORY (default: this directory's binary dir):
#   libfsvm-dev-<name>.so  target fsvm-dev-<name>: the simulated device,
#                          FSVM_DEVICE=sim:<name> (searched in
#                          $FSVM_DEVICE_PATH, the executable's directory,
#                          libfsvm's directory, <libdir>/fsvm) or
#                          FSVM_DEVICE=sim:/path/to/libfsvm-dev-<name>.so
#   <name>_hls.tcl         the same kernels for Vitis HLS:
#                          FSVM_HLS_DEVICE=<that file> vitis_hls -f <sdk>/hw-kernels/hls/vitis/csynth.tcl
#   fsvm-dev-<name>/fsvm_device_kernels.def  the device's kernel list
# and sets the target properties FSVM_DEVICE_NAME, FSVM_HLS_TCL and
# FSVM_KERNEL_LIST on fsvm-dev-<name>.
#
# Where the fsvm sources are: FSVM_HW_DIR (hw-kernels) and FSVM_HLS_DIR
# (hw-kernels/hls). In the fsvm tree (add_subdirectory) they are set
# already; an installed fsvm sets FSVM_SDK_DIR (the directory that holds
# the FSVM_SDK_FILES, see below) before including this file.
#
# For packaging: FSVM_SDK_FILES lists the files (relative to
# FSVM_SDK_SOURCE_DIR, the fsvm source root) that fsvm_add_device and
# csynth.tcl need in an installed tree. Install each at
# <dest>/<its relative path> and set FSVM_SDK_DIR to <dest> in
# fsvmConfig.cmake; this file itself goes wherever fsvmConfig.cmake
# includes it from.
include_guard(GLOBAL)

if(NOT DEFINED FSVM_HW_DIR)
  if(DEFINED FSVM_SDK_DIR)
    set(FSVM_HW_DIR ${FSVM_SDK_DIR}/hw-kernels)
  else()
    get_filename_component(FSVM_HW_DIR ${CMAKE_CURRENT_LIST_DIR}/../hw-kernels ABSOLUTE)
  endif()
endif()
if(NOT DEFINED FSVM_HLS_DIR)
  set(FSVM_HLS_DIR ${FSVM_HW_DIR}/hls)
endif()
if(NOT EXISTS ${FSVM_HLS_DIR}/fsvm_device_plugin.c OR NOT EXISTS ${FSVM_HW_DIR}/fsvm_hw.h)
  message(FATAL_ERROR "FsvmDevice.cmake: no fsvm HLS sources in ${FSVM_HLS_DIR} "
    "(set FSVM_SDK_DIR to an installed fsvm's SDK directory)")
endif()
include(${FSVM_HLS_DIR}/FsvmKernels.cmake)
option(FSVM_HLS_CHECK "fsvm_add_device: check the kernels against the HLS rules (GCC)" ON)

# The files an installed tree needs (relative to the fsvm source root).
get_filename_component(FSVM_SDK_SOURCE_DIR ${FSVM_HW_DIR}/.. ABSOLUTE)
fsvm_read_kernel_list(${FSVM_HW_DIR}/fsvm_kernels.def _fsvm_sdk_builtin)
set(FSVM_SDK_FILES
  hw-kernels/fsvm_hw.h
  hw-kernels/fsvm_kernels.def
  hw-kernels/hls/fsvm_hls.h
  hw-kernels/hls/fsvm_device_plugin.h
  hw-kernels/hls/fsvm_device_plugin.c
  hw-kernels/hls/cmdproc.c
  hw-kernels/hls/kernel_table.c
  hw-kernels/hls/FsvmKernels.cmake
  hw-kernels/hls/FsvmHlsCheck.cmake
  hw-kernels/hls/vitis/csynth.tcl
  cmake/FsvmDevice.cmake)
foreach(_k IN LISTS _fsvm_sdk_builtin)
  list(APPEND FSVM_SDK_FILES hw-kernels/hls/k_${_k}.c)
endforeach()

function(fsvm_add_device)
  cmake_parse_arguments(PARSE_ARGV 0 D "" "NAME;OUTPUT_DIRECTORY" "KERNELS;BUILTIN;INCLUDE_DIRS")
  if(D_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "fsvm_add_device: unexpected arguments: ${D_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT D_NAME MATCHES "^[a-z0-9_]+$")
    message(FATAL_ERROR "fsvm_add_device: NAME \"${D_NAME}\": use a-z, 0-9 and _")
  endif()
  string(LENGTH "${D_NAME}" _len)
  if(_len GREATER 31)
    message(FATAL_ERROR "fsvm_add_device: NAME ${D_NAME} is longer than 31 characters")
  endif()
  if(NOT D_KERNELS AND "${D_BUILTIN}" STREQUAL "none")
    message(FATAL_ERROR "fsvm_add_device(${D_NAME}): no kernels")
  endif()

  # The built-in kernels it keeps, as their lines of fsvm_kernels.def.
  set(_def ${FSVM_HW_DIR}/fsvm_kernels.def)
  fsvm_read_kernel_list(${_def} _all)
  if(NOT D_BUILTIN OR "${D_BUILTIN}" STREQUAL "all")
    set(_builtin ${_all})
  elseif("${D_BUILTIN}" STREQUAL "none")
    set(_builtin)
  else()
    set(_builtin)
    foreach(_k IN LISTS _all)          # list order, whatever order BUILTIN has
      if(_k IN_LIST D_BUILTIN)
        list(APPEND _builtin ${_k})
      endif()
    endforeach()
    foreach(_k IN LISTS D_BUILTIN)
      if(NOT _k IN_LIST _all)
        message(FATAL_ERROR "fsvm_add_device(${D_NAME}): BUILTIN ${_k} is not an in-tree "
          "kernel (${_all}; or all, none)")
      endif()
    endforeach()
  endif()
  file(STRINGS ${_def} _deflines REGEX "^FSVM_KERNEL\\(")
  string(CONCAT _content "/* Generated by fsvm_add_device(NAME ${D_NAME}) from ${_def}\n"
    " * and the FSVM_KERNEL lines of its KERNELS files. Do not edit. */\n")
  set(_sources ${FSVM_HLS_DIR}/cmdproc.c ${FSVM_HLS_DIR}/kernel_table.c)
  set(_names ${_builtin})
  set(_tcl_sources)
  foreach(_l IN LISTS _deflines)
    string(REGEX MATCH "^FSVM_KERNEL\\( *[A-Z0-9_]+ *, *([a-z0-9_]+) *," _m "${_l}")
    if(CMAKE_MATCH_1 IN_LIST _builtin)
      string(APPEND _content "${_l}\n")
      list(APPEND _sources ${FSVM_HLS_DIR}/k_${CMAKE_MATCH_1}.c)
    endif()
  endforeach()

  # The user's kernels: one FSVM_KERNEL line each.
  foreach(_f IN LISTS D_KERNELS)
    get_filename_component(_abs ${_f} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    if(NOT EXISTS ${_abs})
      message(FATAL_ERROR "fsvm_add_device(${D_NAME}): kernel file ${_f} does not exist")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_abs})
    # file(STRINGS) would split the line at its ';': match it in the text.
    file(READ ${_abs} _text)
    string(REGEX MATCHALL "(^|\n)FSVM_KERNEL\\([^\n;]*" _lines "${_text}")
    list(LENGTH _lines _n)
    if(NOT _n EQUAL 1)
      message(FATAL_ERROR "fsvm_add_device(${D_NAME}): ${_f} has ${_n} lines starting "
        "with FSVM_KERNEL( - a kernel file describes exactly one kernel, on one line")
    endif()
    string(STRIP "${_lines}" _line)
    if(NOT _line MATCHES "\\)$")
      message(FATAL_ERROR "fsvm_add_device(${D_NAME}): ${_f}: the FSVM_KERNEL line must end "
        "with its closing parenthesis (and a ';'): ${_line}")
    endif()
    # The rules of fsvm_kernels.def (FsvmKernels.cmake): ID = NAME in capitals.
    if(NOT _line MATCHES "^FSVM_KERNEL\\( *([A-Z0-9_]+) *, *([a-z0-9_]+) *,")
      message(FATAL_ERROR "fsvm_add_device(${D_NAME}): ${_f}: cannot read the kernel line: ${_line}")
    endif()
    set(_kn ${CMAKE_MATCH_2})
    string(TOUPPER "${_kn}" _up)
    if(NOT _up STREQUAL CMAKE_MATCH_1)
      message(FATAL_ERROR "fsvm_add_device(${D_NAME}): ${_f}: FSVM_KERNEL(${CMAKE_MATCH_1}, "
        "${_kn}, ...): the ID must be the name in capitals (${_up})")
    endif()
    if(_kn IN_LIST _names)
      message(FATAL_ERROR "fsvm_add_device(${D_NAME}): kernel ${_kn} (${_f}) is in the device "
        "twice (a built-in kernel of that name, or another file): rename it or drop it from BUILTIN")
    endif()
    list(APPEND _names ${_kn})
    string(APPEND _content "${_line}\n")
    list(APPEND _sources ${_abs})
    list(APPEND _tcl_sources "${_kn} {${_abs}}")
  endforeach()
  list(LENGTH _names _count)
  if(_count GREATER 15)
    message(FATAL_ERROR "fsvm_add_device(${D_NAME}): ${_count} kernels (${_names}); a kernel "
      "table holds nop and at most 15 kernels: trim BUILTIN")
  endif()

  set(_gen ${CMAKE_CURRENT_BINARY_DIR}/fsvm-dev-${D_NAME})
  file(CONFIGURE OUTPUT ${_gen}/fsvm_device_kernels.def CONTENT "${_content}" @ONLY)
  if(D_OUTPUT_DIRECTORY)
    get_filename_component(_out ${D_OUTPUT_DIRECTORY} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_BINARY_DIR})
  elseif(CMAKE_LIBRARY_OUTPUT_DIRECTORY)
    set(_out ${CMAKE_LIBRARY_OUTPUT_DIRECTORY})
  else()
    set(_out ${CMAKE_CURRENT_BINARY_DIR})
  endif()

  # The Vitis HLS flow: csynth.tcl sources this (FSVM_HLS_DEVICE).
  list(JOIN _tcl_sources " " _tcl_src)
  set(_tcl_cflags)
  foreach(_d IN LISTS D_INCLUDE_DIRS)
    get_filename_component(_d ${_d} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    list(APPEND _tcl_cflags "-I${_d}")
  endforeach()
  list(JOIN _tcl_cflags " " _tcl_cflags)
  file(CONFIGURE OUTPUT ${_out}/${D_NAME}_hls.tcl CONTENT
"# Generated by fsvm_add_device(NAME ${D_NAME}). Synthesize this device:
#   FSVM_HLS_DEVICE=${_out}/${D_NAME}_hls.tcl vitis_hls -f ${FSVM_HLS_DIR}/vitis/csynth.tcl
set device_name ${D_NAME}
set device_list {${_gen}/fsvm_device_kernels.def}
set device_sources {${_tcl_src}}
set device_cflags {${_tcl_cflags}}
" @ONLY)

  # The simulated device: the same sources, as a plugin of the simulator.
  set(_t fsvm-dev-${D_NAME})
  add_library(${_t} MODULE ${_sources} ${FSVM_HLS_DIR}/fsvm_device_plugin.c)
  set_target_properties(${_t} PROPERTIES
    PREFIX "lib" OUTPUT_NAME fsvm-dev-${D_NAME} SUFFIX ".so"
    LIBRARY_OUTPUT_DIRECTORY ${_out}
    C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF
    C_VISIBILITY_PRESET hidden
    FSVM_DEVICE_NAME ${D_NAME}
    FSVM_HLS_TCL ${_out}/${D_NAME}_hls.tcl
    FSVM_KERNEL_LIST ${_gen}/fsvm_device_kernels.def)
  target_include_directories(${_t} PRIVATE ${_gen} ${FSVM_HLS_DIR} ${FSVM_HW_DIR} ${D_INCLUDE_DIRS})
  target_compile_definitions(${_t} PRIVATE FSVM_DEVICE_KERNELS FSVM_DEVICE_NAME="${D_NAME}")
  # #pragma HLS is for Vitis; -Bsymbolic: the plugin's command processor
  # always calls its own table and kernels, never a host program's.
  target_compile_options(${_t} PRIVATE -Wall -Wextra -Wno-unknown-pragmas)
  target_link_options(${_t} PRIVATE -Wl,-Bsymbolic)

  # The HLS rules, on the sources csynth.tcl gets (FsvmHlsCheck.cmake):
  # the device does not build if a kernel breaks one.
  if(FSVM_HLS_CHECK AND CMAKE_C_COMPILER_ID STREQUAL "GNU"
     AND NOT CMAKE_C_COMPILER_VERSION VERSION_LESS 10)
    set(_flags -DFSVM_DEVICE_KERNELS -I${_gen} -I${FSVM_HLS_DIR} -I${FSVM_HW_DIR})
    foreach(_d IN LISTS D_INCLUDE_DIRS)
      get_filename_component(_d ${_d} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
      list(APPEND _flags -I${_d})
    endforeach()
    list(JOIN _sources "|" _src_arg)
    list(JOIN _flags "|" _flag_arg)
    add_custom_command(OUTPUT ${_gen}/hls-check.stamp
      COMMAND ${CMAKE_COMMAND} -DCC=${CMAKE_C_COMPILER} -DNM=${CMAKE_NM}
        "-DSOURCES=${_src_arg}" "-DFLAGS=${_flag_arg}" -DOUT=${_gen}/hls-check
        -DSTAMP=${_gen}/hls-check.stamp -P ${FSVM_HLS_DIR}/FsvmHlsCheck.cmake
      DEPENDS ${_sources} ${_gen}/fsvm_device_kernels.def ${FSVM_HLS_DIR}/fsvm_hls.h
        ${FSVM_HW_DIR}/fsvm_hw.h ${FSVM_HLS_DIR}/FsvmHlsCheck.cmake
      COMMENT "HLS rules: device ${D_NAME}" VERBATIM)
    add_custom_target(${_t}-hls-check DEPENDS ${_gen}/hls-check.stamp)
    add_dependencies(${_t} ${_t}-hls-check)
  elseif(FSVM_HLS_CHECK)
    message(STATUS "fsvm_add_device(${D_NAME}): HLS rules not checked (needs GCC >= 10)")
  endif()
endfunction()
