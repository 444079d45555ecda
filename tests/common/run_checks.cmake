# run_checks.cmake - the two checks the -P test scripts (tests/sdk,
# tests/packaging, tests/pocl) are written with, included by each.
# run(<what> <want: 0, or nonzero = must fail> <regex the output must match> <cmd...>)
#   runs cmd; its stdout is left in last_out for the caller.
# check(<condition variable> <message>): FATAL_ERROR with message unless set.
function(run what want regex)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(want STREQUAL "0" AND NOT rc STREQUAL "0")
    message(FATAL_ERROR "${what}: failed (rc ${rc}):\n${out}${err}")
  elseif(NOT want STREQUAL "0" AND rc STREQUAL "0")
    message(FATAL_ERROR "${what}: succeeded, it must fail:\n${out}${err}")
  endif()
  if(NOT "${out}${err}" MATCHES "${regex}")
    message(FATAL_ERROR "${what}: output does not match \"${regex}\":\n${out}${err}")
  endif()
  message("ok: ${what}")
  set(last_out "${out}" PARENT_SCOPE)
endfunction()
function(check cond what)
  if(NOT ${cond})
    message(FATAL_ERROR "${what}")
  endif()
endfunction()
