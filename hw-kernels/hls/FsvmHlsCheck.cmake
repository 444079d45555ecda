# FsvmHlsCheck.cmake - check HLS C sources against the rules of the
# synthesizable subset (docs/kernels.md), with the host's GCC:
#
#   cmake -DCC=<gcc> -DSOURCES="a.c;b.c" -DFLAGS="-I..;-D.." -DOUT=<dir>
#         [-DSTAMP=<file>] [-DNM=<nm>] -P FsvmHlsCheck.cmake
# (SOURCES and FLAGS may also be separated by '|', easier in a build rule.)
#
# Each source is compiled as Vitis HLS sees it (-D__SYNTHESIS__, C11) and
#  - with -nostdinc and only GCC's freestanding headers (stdint.h, ...) on
#    the path: including a libc header (stdlib.h, string.h, stdio.h) fails;
#  - with -Werror=vla: no variable-length arrays (run-time sized storage);
#  - with -fcallgraph-info at -O0 (nothing inlined away): the call graph
#    of all sources together must have no cycle (recursion), no indirect
#    call (function pointers) and no call to a function none of the
#    sources defines (malloc, free, printf, memcpy, ...);
#  - nm: no undefined symbol left in the objects (calls the compiler
#    inserted itself included).
# Loop bounds are not checked here (docs/kernels.md says how they are).
cmake_policy(VERSION 3.25)
foreach(v CC SOURCES OUT)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "FsvmHlsCheck.cmake: -D${v}= missing")
  endif()
endforeach()
if(NOT DEFINED NM)
  set(NM nm)
endif()
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${CC} -print-file-name=include OUTPUT_VARIABLE _gccinc
  OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0 OR NOT EXISTS ${_gccinc}/stdint.h)
  message(FATAL_ERROR "FsvmHlsCheck.cmake: ${CC} has no freestanding include directory")
endif()

set(_errors)
set(_defined)       # functions the sources define (call graph node titles)
set(_edges)         # "source>target@where"
set(_objs)
set(_i 0)
string(REPLACE "|" ";" SOURCES "${SOURCES}")
string(REPLACE "|" ";" FLAGS "${FLAGS}")
list(REMOVE_ITEM SOURCES "")
foreach(src IN LISTS SOURCES)
  math(EXPR _i "${_i} + 1")
  get_filename_component(_base ${src} NAME_WE)
  set(_o ${OUT}/${_i}_${_base}.o)
  execute_process(COMMAND ${CC} -std=c11 -O0 -D__SYNTHESIS__ -ffreestanding -fno-builtin
      -nostdinc -isystem ${_gccinc} -Werror=vla -Werror=implicit-function-declaration
      -Wno-unknown-pragmas -fcallgraph-info ${FLAGS} -c ${src} -o ${_o}
    WORKING_DIRECTORY ${OUT} RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    string(REPLACE ";" "," _err "${_err}")
    list(APPEND _errors "${src}: does not compile as HLS code (only <stdint.h> and the fsvm headers, no libc, no VLAs):\n${_err}")
    continue()
  endif()
  list(APPEND _objs ${_o})
  string(REGEX REPLACE "\\.o$" ".ci" _ci ${_o})
  file(STRINGS ${_ci} _lines)
  foreach(l IN LISTS _lines)
    if(l MATCHES "^node: { title: \"([^\"]+)\" label: \"[^\"]*\" }$")
      list(APPEND _defined ${CMAKE_MATCH_1})
    elseif(l MATCHES "^edge: { sourcename: \"([^\"]+)\" targetname: \"([^\"]+)\" label: \"([^\"]+)\" }")
      list(APPEND _edges "${CMAKE_MATCH_1}>${CMAKE_MATCH_2}@${CMAKE_MATCH_3}")
    endif()
  endforeach()
endforeach()

# Calls: indirect, or to something no source defines.
set(_adj_nodes)
foreach(e IN LISTS _edges)
  string(REGEX MATCH "^([^>]+)>([^@]+)@(.*)$" _m "${e}")
  set(_from ${CMAKE_MATCH_1})
  set(_to ${CMAKE_MATCH_2})
  set(_at ${CMAKE_MATCH_3})
  if(_to STREQUAL "__indirect_call")
    list(APPEND _errors "${_at}: a call through a function pointer (${_from})")
  elseif(NOT _to IN_LIST _defined)
    list(APPEND _errors "${_at}: ${_from} calls ${_to}, which no HLS source defines (libc? malloc?)")
  else()
    string(MAKE_C_IDENTIFIER "${_from}" _fid)
    list(APPEND _succ_${_fid} ${_to})
  endif()
endforeach()

# Recursion: a cycle in the call graph (iterative depth-first search).
foreach(n IN LISTS _defined)
  string(MAKE_C_IDENTIFIER "${n}" _id)
  set(_state_${_id} 0)
endforeach()
foreach(root IN LISTS _defined)
  string(MAKE_C_IDENTIFIER "${root}" _rid)
  if(NOT _state_${_rid} EQUAL 0)
    continue()
  endif()
  set(_stack ${root})
  set(_path)
  while(_stack)
    list(POP_BACK _stack _n)
    if(_n MATCHES "^#done#(.*)$")
      string(MAKE_C_IDENTIFIER "${CMAKE_MATCH_1}" _id)
      set(_state_${_id} 2)
      list(POP_BACK _path)
      continue()
    endif()
    string(MAKE_C_IDENTIFIER "${_n}" _id)
    if(_state_${_id} EQUAL 1)
      list(APPEND _errors "recursion: ${_path} -> ${_n}")
      continue()
    elseif(_state_${_id} EQUAL 2)
      continue()
    endif()
    set(_state_${_id} 1)
    list(APPEND _path ${_n})
    list(APPEND _stack "#done#${_n}")
    foreach(s IN LISTS _succ_${_id})
      string(MAKE_C_IDENTIFIER "${s}" _sid)
      if(_state_${_sid} EQUAL 1)
        list(APPEND _errors "recursion: ${_path} -> ${s}")
      elseif(_state_${_sid} EQUAL 0)
        list(APPEND _stack ${s})
      endif()
    endforeach()
  endwhile()
endforeach()

# Undefined symbols in the objects (also calls the compiler inserted).
if(_objs)
  execute_process(COMMAND ${NM} -u ${_objs} OUTPUT_VARIABLE _u RESULT_VARIABLE _rc)
  execute_process(COMMAND ${NM} --defined-only ${_objs} OUTPUT_VARIABLE _d)
  string(REGEX MATCHALL "[^\n]+ [TDRB] ([A-Za-z_0-9]+)" _dl "${_d}")
  set(_defs)
  foreach(l IN LISTS _dl)
    string(REGEX REPLACE ".* ([A-Za-z_0-9]+)$" "\\1" _s "${l}")
    list(APPEND _defs ${_s})
  endforeach()
  string(REGEX MATCHALL "U [A-Za-z_0-9]+" _ul "${_u}")
  foreach(l IN LISTS _ul)
    string(SUBSTRING "${l}" 2 -1 _s)
    if(NOT _s IN_LIST _defs)
      list(APPEND _errors "the objects need ${_s}, which no HLS source defines")
    endif()
  endforeach()
endif()

if(_errors)
  list(REMOVE_DUPLICATES _errors)
  list(JOIN _errors "\n  " _text)
  message(FATAL_ERROR "HLS rules (docs/kernels.md) broken:\n  ${_text}")
endif()
list(LENGTH SOURCES _ns)
message(STATUS "HLS rules: ${_ns} sources: no libc, no VLA, no recursion, no function pointers, no undefined calls")
if(DEFINED STAMP)
  file(TOUCH ${STAMP})
endif()
