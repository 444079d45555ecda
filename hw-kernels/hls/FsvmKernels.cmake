# FsvmKernels.cmake - the kernel list for CMake.
#
# fsvm_read_kernel_list(FILE OUT_VAR): the kernel names of a kernel list
# file (lines "FSVM_KERNEL(ID, name, ...)"), in list order.
set(FSVM_HLS_DIR ${CMAKE_CURRENT_LIST_DIR} CACHE INTERNAL "hw-kernels/hls")
get_filename_component(_fsvm_hw_dir ${CMAKE_CURRENT_LIST_DIR} DIRECTORY)
set(FSVM_HW_DIR ${_fsvm_hw_dir} CACHE INTERNAL "hw-kernels")
set(FSVM_KERNEL_LIST_FILE ${_fsvm_hw_dir}/fsvm_kernels.def CACHE INTERNAL "in-tree kernel list")

function(fsvm_read_kernel_list file out)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
  file(STRINGS ${file} _lines REGEX "^FSVM_KERNEL\\(")
  set(_names)
  foreach(l IN LISTS _lines)
    if(NOT l MATCHES "^FSVM_KERNEL\\( *([A-Z0-9_]+) *, *([a-z0-9_]+) *,")
      message(FATAL_ERROR "${file}: cannot read the kernel line: ${l}")
    endif()
    string(TOUPPER "${CMAKE_MATCH_2}" _up)
    if(NOT _up STREQUAL CMAKE_MATCH_1)
      message(FATAL_ERROR "${file}: FSVM_KERNEL(${CMAKE_MATCH_1}, ${CMAKE_MATCH_2}, ...): "
        "the ID must be the name in capitals (${_up})")
    endif()
    list(APPEND _names ${CMAKE_MATCH_2})
  endforeach()
  set(${out} ${_names} PARENT_SCOPE)
endfunction()
