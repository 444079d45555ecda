# FsvmVerilated.cmake - the C++ set-up every directory that Verilates the
# shell needs (hw-kernels/cosim's engine, tests/rtl's testbenches), written
# once. A macro, so its settings land in the calling directory:
#   fsvm_verilated_cxx(WHO WITHOUT OK)
# - C++ from the C compiler's family, so a clang Sanitize build links one
#   sanitizer runtime; C++17; the Sanitize flags of C for C++ too;
# - Verilator's CMake package (verilate()); without it OK is OFF and
#   "WHO: Verilator's CMake package not found, WITHOUT" is printed;
# - the directory's COMPILE_OPTIONS cleared (Verilator's runtime and
#   generated code are not held to -Werror) and FSVM_VERILATED_WARN set to
#   the warnings the directory's own sources are held to.
macro(fsvm_verilated_cxx who without ok)
  set(${ok} OFF)
  if(NOT CMAKE_CXX_COMPILER AND CMAKE_C_COMPILER_ID STREQUAL "Clang")
    find_program(_fsvm_clangxx NAMES clang++)
    if(_fsvm_clangxx)
      set(CMAKE_CXX_COMPILER ${_fsvm_clangxx})
    endif()
  endif()
  enable_language(CXX)
  find_package(verilator QUIET HINTS $ENV{VERILATOR_ROOT})
  if(NOT verilator_FOUND)
    message(STATUS "${who}: Verilator's CMake package not found, ${without}")
  else()
    set(CMAKE_CXX_STANDARD 17)
    set(CMAKE_CXX_STANDARD_REQUIRED ON)
    set(CMAKE_CXX_FLAGS_SANITIZE "${CMAKE_C_FLAGS_SANITIZE}")
    set_property(DIRECTORY PROPERTY COMPILE_OPTIONS "")
    set(FSVM_VERILATED_WARN -Wall -Wextra)
    if(FSVM_WERROR)
      list(APPEND FSVM_VERILATED_WARN -Werror)
    endif()
    set(${ok} ON)
  endif()
endmacro()
