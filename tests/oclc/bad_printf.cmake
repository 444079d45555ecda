# One case of bad_printf.cl (or of another -DSRC): clang-19 must compile it, fsvm-oclc must
# refuse it with a message containing EXPECT (or, with EXPECT empty,
# accept it). -DCLANG -DFLAGS (space separated) -DOCLC -DCLC (the
# built-in library) -DSRC -DCASE -DOUT (a file prefix) -DEXPECT.
separate_arguments(_flags UNIX_COMMAND "${FLAGS}")
execute_process(COMMAND ${CLANG} ${_flags} -Wno-format -Wno-psabi -DCASE=${CASE} ${SRC}
                        -o ${OUT}.bc
                RESULT_VARIABLE _r ERROR_VARIABLE _e)
if(NOT _r EQUAL 0)
  message(FATAL_ERROR "clang failed on case ${CASE}: ${_e}")
endif()
execute_process(COMMAND ${OCLC} -L ${CLC} ${OUT}.bc -o ${OUT}.fsvm.bc
                RESULT_VARIABLE _r ERROR_VARIABLE _e)
if(EXPECT STREQUAL "")
  if(NOT _r EQUAL 0)
    message(FATAL_ERROR "case ${CASE}: fsvm-oclc refused a good program: ${_e}")
  endif()
  message(STATUS "case ${CASE}: accepted")
  return()
endif()
if(_r EQUAL 0)
  message(FATAL_ERROR "case ${CASE}: fsvm-oclc accepted a bad program")
endif()
string(FIND "${_e}" "${EXPECT}" _at)
if(_at LESS 0)
  message(FATAL_ERROR "case ${CASE}: fsvm-oclc's message lacks '${EXPECT}': ${_e}")
endif()
message(STATUS "case ${CASE}: refused: ${_e}")
