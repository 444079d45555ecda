# prepare_pocl_copy.cmake - copy the user's pocl tree into the build tree and
# patch the copy (cmake -P; the download step of the pocl ExternalProject).
#   -DPOCL_SOURCE_DIR=<user's pocl v7.1 tree, never modified>
#   -DDEST=<copy in the build tree>  -DPATCHES=<a;b>  -DPATCH_EXECUTABLE=<patch>
cmake_minimum_required(VERSION 3.25)
include("${CMAKE_CURRENT_LIST_DIR}/check_pocl_tree.cmake")
string(REPLACE "|" ";" PATCHES "${PATCHES}")

fsvm_check_pocl_tree("${POCL_SOURCE_DIR}" _why)
if(_why)
  message(FATAL_ERROR "fsvm: ${_why}")
endif()

message(STATUS "fsvm: copying ${POCL_SOURCE_DIR} to ${DEST}")
file(REMOVE_RECURSE "${DEST}")
file(MAKE_DIRECTORY "${DEST}")
file(COPY "${POCL_SOURCE_DIR}/" DESTINATION "${DEST}"
  PATTERN ".git" EXCLUDE)

foreach(p IN LISTS PATCHES)
  get_filename_component(_pn "${p}" NAME)
  message(STATUS "fsvm: applying ${_pn} to the copy")
  execute_process(COMMAND "${PATCH_EXECUTABLE}" -p1 --fuzz=0 --forward --batch -i "${p}"
    WORKING_DIRECTORY "${DEST}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "fsvm: ${_pn} failed on the copy of pocl:\n${_out}")
  endif()
endforeach()
file(WRITE "${DEST}/FSVM-PATCHED.txt"
  "Copy of ${POCL_SOURCE_DIR} made by the fsvm build, with these patches applied:\n${PATCHES}\n")
