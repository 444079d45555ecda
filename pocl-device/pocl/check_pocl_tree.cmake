# check_pocl_tree.cmake - is a directory a pocl v7.1 source tree?
#
# fsvm_check_pocl_tree(<dir> <result-var>): <result-var> is empty when <dir>
# is a pocl v7.1 source tree the fsvm patches apply to, else a sentence that
# says what was expected. Used at configure time (CMakeLists.txt) and again
# by prepare_pocl_copy.cmake before the copy is patched.

set(FSVM_POCL_EXPECTED_MAJOR 7)
set(FSVM_POCL_EXPECTED_MINOR 1)
# Files the driver and the patches rely on (ENABLE_LLVM=OFF build).
set(FSVM_POCL_EXPECTED_FILES
  CMakeLists.txt
  config.h.in.cmake
  pocl_version.h.in.cmake
  include/CL/cl_exp_defined_builtin_kernels.h
  lib/CL/pocl_cl.h
  lib/CL/pocl_util.h
  lib/CL/pocl_util.c
  lib/CL/clCreateContext.c
  lib/CL/pocl_builtin_kernels.c
  lib/CL/devices/CMakeLists.txt
  lib/CL/devices/devices.c
  lib/CL/devices/common.h
  lib/CL/devices/common_driver.c
  lib/CL/devices/common_driver.h
  lib/CL/devices/almaif/almaif.cc
  lib/CL/devices/almaif/EmulationDevice.cc)

function(fsvm_check_pocl_tree dir result)
  set(_why "")
  set(_expect "expected the source tree of pocl v${FSVM_POCL_EXPECTED_MAJOR}.${FSVM_POCL_EXPECTED_MINOR} (git tag v${FSVM_POCL_EXPECTED_MAJOR}.${FSVM_POCL_EXPECTED_MINOR}, https://github.com/pocl/pocl)")
  if(NOT IS_DIRECTORY "${dir}")
    set(${result} "POCL_SOURCE_DIR='${dir}' is not a directory; ${_expect}" PARENT_SCOPE)
    return()
  endif()
  set(_missing "")
  foreach(f IN LISTS FSVM_POCL_EXPECTED_FILES)
    if(NOT EXISTS "${dir}/${f}")
      list(APPEND _missing "${f}")
    endif()
  endforeach()
  if(_missing)
    list(JOIN _missing ", " _m)
    set(${result} "POCL_SOURCE_DIR='${dir}' lacks ${_m}; ${_expect}" PARENT_SCOPE)
    return()
  endif()
  file(READ "${dir}/CMakeLists.txt" _top)
  if(NOT _top MATCHES "project\\(pocl[ \\)]")
    set(${result} "POCL_SOURCE_DIR='${dir}': its CMakeLists.txt is not pocl's (no project(pocl)); ${_expect}" PARENT_SCOPE)
    return()
  endif()
  string(REGEX MATCH "set\\(MAJOR_VERSION ([0-9]+)\\)" _ "${_top}")
  set(_major "${CMAKE_MATCH_1}")
  string(REGEX MATCH "set\\(MINOR_VERSION ([0-9]+)\\)" _ "${_top}")
  set(_minor "${CMAKE_MATCH_1}")
  if(NOT _major STREQUAL "${FSVM_POCL_EXPECTED_MAJOR}" OR NOT _minor STREQUAL "${FSVM_POCL_EXPECTED_MINOR}")
    set(${result} "POCL_SOURCE_DIR='${dir}' is pocl ${_major}.${_minor}; ${_expect}" PARENT_SCOPE)
    return()
  endif()
  set(${result} "" PARENT_SCOPE)
endfunction()

# fsvm_check_patches(<dir> <patch-program> <patches> <result-var>): dry-run
# every patch against <dir> (nothing is modified).
function(fsvm_check_patches dir patch_exe patches result)
  foreach(p IN LISTS patches)
    execute_process(COMMAND "${patch_exe}" -p1 --fuzz=0 --dry-run --forward --batch --silent -i "${p}"
      WORKING_DIRECTORY "${dir}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
    if(NOT _rc EQUAL 0)
      get_filename_component(_pn "${p}" NAME)
      string(STRIP "${_out}" _out)
      set(${result} "${_pn} does not apply to '${dir}' (${_out}); expected unmodified pocl v${FSVM_POCL_EXPECTED_MAJOR}.${FSVM_POCL_EXPECTED_MINOR} sources" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${result} "" PARENT_SCOPE)
endfunction()
