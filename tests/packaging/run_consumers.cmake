# run_consumers.cmake - fsvm as a user gets it from `cmake --install`: the
# tree is installed to a scratch prefix, MOVED elsewhere (it must be
# relocatable), and programs are built against it the two documented ways
# and run on the simulated device (CTest packaging_consumers).
#
#   cmake -DBUILD=<fsvm build> -DOUT=<scratch dir> -DSRC=<tests/packaging>
#         -DCC=<c compiler> "-DCXX=<c++ compiler>;..." -DGENERATOR=<gen>
#         -DREADELF=<readelf> -DPKG_CONFIG=<pkg-config> -DSOVERSION=0 -DVERSION=0.1.0
#         [-DEXAMPLE=<examples/custom-kernel>] [-DUSER_FLAGS=<sanitizer flags>]
#         ["-DEMULATOR=qemu-aarch64|-L|/usr/aarch64-linux-gnu" -DTOOLCHAIN=<file>]
#         -P run_consumers.cmake
#   EMULATOR/TOOLCHAIN: a cross build (cmake/toolchain-aarch64-linux-gnu.cmake):
#   the programs are built with CC/CXX = the cross compilers, CMake projects
#   with TOOLCHAIN, and every program runs under EMULATOR.
#   or: -DPREFIX=<an installed prefix> instead of BUILD (the .deb check:
#       PREFIX=/usr, nothing is installed or moved).
#
# Checked, each by value:
#   - the installed file set: libfsvm.so -> .so.0 -> .so.<version>, libfsvm.a,
#     include/fsvm/ with only fsvm*-named headers, fsvm.pc, the CMake package,
#     bin/fsvm, its man page and bash completion; no text file names the
#     prefix it was installed to, no ELF file has a RUNPATH that is not
#     $ORIGIN-relative (the pocl driver's, in a pocl build);
#   - readelf -d: SONAME libfsvm.so.<SOVERSION>;
#   - pkg-config --cflags --libs fsvm: hello.c (C11) and hello.cpp (C++17,
#     with every CXX) build with -Wall -Wextra -Wpedantic -Werror, NEED
#     libfsvm.so.<SOVERSION>, and print the device's results on FSVM_DEVICE=sim;
#   - find_package(fsvm): consumer/CMakeLists.txt builds the same programs
#     with fsvm::fsvm and hello.c with fsvm::fsvm_static (libfsvm.a alone:
#     no libfsvm NEEDED), same results;
#   - the installed fsvm command: `fsvm info` on sim, `fsvm --help`;
#   - with EXAMPLE: examples/custom-kernel through the installed SDK
#     (fsvm_add_device from <prefix>/share/fsvm/sdk); in the moved tree, its
#     plugin put into <libdir>/fsvm is found relative to libfsvm.so and to
#     the installed (static) fsvm, and not before it is there.
cmake_minimum_required(VERSION 3.25)
foreach(v OUT SRC CC CXX GENERATOR READELF PKG_CONFIG SOVERSION VERSION)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_consumers.cmake: -D${v}= missing")
  endif()
endforeach()
if(NOT DEFINED USER_FLAGS)
  set(USER_FLAGS "")
endif()
if(NOT DEFINED EMULATOR)
  set(EMULATOR "")
endif()
string(REPLACE "|" ";" EMULATOR "${EMULATOR}")
set(_tc)
if(TOOLCHAIN)
  set(_tc -DCMAKE_TOOLCHAIN_FILE=${TOOLCHAIN})
endif()
separate_arguments(_uflags UNIX_COMMAND "${USER_FLAGS}")

include(${CMAKE_CURRENT_LIST_DIR}/../common/run_checks.cmake)  # run(), check()

file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
if(DEFINED PREFIX)
  set(P ${PREFIX})
  set(_staged "")
else()
  check("DEFINED;BUILD" "-DBUILD= or -DPREFIX= missing")
  set(_staged ${OUT}/staged)
  run("cmake --install to ${_staged}" 0 "" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${_staged})
  set(P ${OUT}/moved/fsvm)
  file(MAKE_DIRECTORY ${OUT}/moved)
  file(RENAME ${_staged} ${P})
  message("ok: moved the installed tree to ${P}")
endif()

# --- the installed files ---------------------------------------------------------
# fsvm.pc is in <libdir>/pkgconfig: lib/, lib64/ or lib/<multiarch>/ (a
# tree configured for /usr).
file(GLOB _pcs ${P}/lib/pkgconfig/fsvm.pc ${P}/lib64/pkgconfig/fsvm.pc ${P}/lib/*/pkgconfig/fsvm.pc)
list(LENGTH _pcs _npc)
check("_npc;EQUAL;1" "not exactly one fsvm.pc under ${P}/lib: ${_pcs}")
get_filename_component(_pcpath ${_pcs} DIRECTORY)
run("pkg-config --variable=libdir" 0 "." ${CMAKE_COMMAND} -E env "PKG_CONFIG_PATH=${_pcpath}"
  ${PKG_CONFIG} --variable=libdir fsvm)
string(STRIP "${last_out}" _libdir)
get_filename_component(_libdir ${_libdir} REALPATH)
get_filename_component(_pcreal ${_pcpath} REALPATH)
check("_pcreal;STREQUAL;${_libdir}/pkgconfig" "fsvm.pc's libdir ${_libdir} is not where it is (${_pcreal})")
message("libdir ${_libdir}")
foreach(f ${_libdir}/libfsvm.so ${_libdir}/libfsvm.so.${SOVERSION}
    ${_libdir}/libfsvm.so.${VERSION} ${_libdir}/libfsvm.a ${_libdir}/pkgconfig/fsvm.pc
    ${_libdir}/cmake/fsvm/fsvmConfig.cmake ${_libdir}/cmake/fsvm/fsvmConfigVersion.cmake
    ${_libdir}/cmake/fsvm/fsvmTargets.cmake
    ${P}/include/fsvm/fsvm.h ${P}/include/fsvm/fsvm_log.h ${P}/include/fsvm/fsvm_hw.h
    ${P}/include/fsvm/fsvm_cl_abi.h ${P}/share/fsvm/sdk/cmake/FsvmDevice.cmake
    ${P}/bin/fsvm ${P}/share/man/man1/fsvm.1.gz ${P}/share/bash-completion/completions/fsvm)
  check("EXISTS;${f}" "not installed: ${f}")
endforeach()
file(READ_SYMLINK ${_libdir}/libfsvm.so _l1)
file(READ_SYMLINK ${_libdir}/libfsvm.so.${SOVERSION} _l2)
check("_l1;STREQUAL;libfsvm.so.${SOVERSION}" "libfsvm.so -> ${_l1}, not libfsvm.so.${SOVERSION}")
check("_l2;STREQUAL;libfsvm.so.${VERSION}" "libfsvm.so.${SOVERSION} -> ${_l2}, not libfsvm.so.${VERSION}")
file(GLOB _hdrs RELATIVE ${P}/include/fsvm ${P}/include/fsvm/*)
foreach(h IN LISTS _hdrs)
  check("h;MATCHES;^fsvm" "include/fsvm/${h}: a generic header name in the public set")
endforeach()
message("ok: installed files, symlinks, headers ${_hdrs}")
if(_staged)
  file(GLOB_RECURSE _all LIST_DIRECTORIES false ${P}/*)
  set(_origin_rps)
  foreach(f IN LISTS _all)
    if(f MATCHES "\\.(cmake|pc|h|def|c|tcl|1|conf|rules)$|/completions/")
      file(READ ${f} _t)
      string(FIND "${_t}" "${_staged}" _at)
      check("_at;EQUAL;-1" "${f} names the prefix it was installed to (${_staged}): not relocatable")
    else()
      file(READ ${f} _magic LIMIT 4 HEX)
      if(_magic STREQUAL "7f454c46")
        execute_process(COMMAND ${READELF} -d ${f} OUTPUT_VARIABLE _d ERROR_QUIET)
        # Only $ORIGIN-relative entries (the pocl driver's, to libfsvm.so).
        string(REGEX MATCHALL "\\((RUNPATH|RPATH)\\)[^\n]*" _rps "${_d}")
        foreach(_rp IN LISTS _rps)
          string(REGEX REPLACE "^.*\\[(.*)\\].*$" "\\1" _rp "${_rp}")
          string(REPLACE ":" ";" _rp "${_rp}")
          foreach(_e IN LISTS _rp)
            if(NOT _e MATCHES "^\\$ORIGIN(/|$)")
              message(FATAL_ERROR "${f} has an RPATH/RUNPATH entry that is not $ORIGIN-relative "
                "(${_e}):\n${_d}")
            endif()
          endforeach()
          list(APPEND _origin_rps "${f}")
        endforeach()
      endif()
    endif()
  endforeach()
  list(LENGTH _origin_rps _nrp)
  message("ok: no installed text file names ${_staged}, no RUNPATH in the ELF files "
    "but ${_nrp} \$ORIGIN-relative one(s) ${_origin_rps}")
endif()
run("readelf -d libfsvm.so.${VERSION}" 0 "\\(SONAME\\)[^\n]*\\[libfsvm\\.so\\.${SOVERSION}\\]"
  ${READELF} -d ${_libdir}/libfsvm.so.${VERSION})

set(_env ${CMAKE_COMMAND} -E env FSVM_DEVICE=sim --unset=FSVM_DEVICE_PATH
  --unset=LD_LIBRARY_PATH ${EMULATOR})
string(REPLACE "." "\\." _vre "${VERSION}")
set(_c_re "c: libfsvm ${_vre} \\(fsvm\\.h ${_vre}\\): vadd success: 11 22 33\n")
set(_cxx_re "c\\+\\+17: list_search: found 1, payload 30, node 3: yes\n")
set(_need_re "\\(NEEDED\\)[^\n]*\\[libfsvm\\.so\\.${SOVERSION}\\]")

# --- pkg-config ------------------------------------------------------------------
execute_process(COMMAND ${CMAKE_COMMAND} -E env "PKG_CONFIG_PATH=${_pcpath}"
  ${PKG_CONFIG} --cflags --libs fsvm RESULT_VARIABLE rc OUTPUT_VARIABLE _pc ERROR_VARIABLE err)
check("rc;EQUAL;0" "pkg-config --cflags --libs fsvm failed: ${err}")
string(STRIP "${_pc}" _pc)
message("pkg-config --cflags --libs fsvm: ${_pc}")
separate_arguments(_pcflags UNIX_COMMAND "${_pc}")
set(_w -Wall -Wextra -Wpedantic -Werror)
# The system prefix needs no RUNPATH (ld.so finds the installed libfsvm.so.0).
if(P STREQUAL "/usr")
  set(_rp)
else()
  set(_rp -Wl,-rpath,${_libdir})
endif()
run("pkg-config: cc hello.c" 0 "" ${CC} -std=c11 ${_w} ${_uflags} ${SRC}/consumer/hello.c
  ${_pcflags} ${_rp} -o ${OUT}/pc_hello_c)
run("pkg-config: hello_c NEEDs libfsvm.so.${SOVERSION}" 0 "${_need_re}" ${READELF} -d ${OUT}/pc_hello_c)
run("pkg-config: hello_c on sim" 0 "^${_c_re}$" ${_env} ${OUT}/pc_hello_c)
set(_i 0)
foreach(cxx IN LISTS CXX)
  math(EXPR _i "${_i} + 1")
  run("pkg-config: ${cxx} -std=c++17 hello.cpp" 0 "" ${cxx} -std=c++17 ${_w} ${_uflags}
    ${SRC}/consumer/hello.cpp ${_pcflags} ${_rp} -o ${OUT}/pc_hello_cpp${_i})
  run("pkg-config: hello_cpp (${cxx}) on sim" 0 "^${_cxx_re}$" ${_env} ${OUT}/pc_hello_cpp${_i})
endforeach()

# --- find_package(fsvm) ------------------------------------------------------------
list(GET CXX 0 _cxx0)
set(_cb ${OUT}/cmake-consumer)
run("find_package: configure" 0 "" ${CMAKE_COMMAND} -S ${SRC}/consumer -B ${_cb} -G ${GENERATOR}
  ${_tc} -DCMAKE_PREFIX_PATH=${P} -DCMAKE_C_COMPILER=${CC} -DCMAKE_CXX_COMPILER=${_cxx0}
  "-DCMAKE_C_FLAGS=-Wall -Wextra -Wpedantic -Werror ${USER_FLAGS}"
  "-DCMAKE_CXX_FLAGS=-Wall -Wextra -Wpedantic -Werror ${USER_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${USER_FLAGS}")
run("find_package: build" 0 "" ${CMAKE_COMMAND} --build ${_cb})
run("find_package: hello_c NEEDs libfsvm.so.${SOVERSION}" 0 "${_need_re}" ${READELF} -d ${_cb}/hello_c)
run("find_package: hello_c on sim" 0 "^${_c_re}$" ${_env} ${_cb}/hello_c)
run("find_package: hello_cpp on sim" 0 "^${_cxx_re}$" ${_env} ${_cb}/hello_cpp)
execute_process(COMMAND ${READELF} -d ${_cb}/hello_static OUTPUT_VARIABLE _d)
if(_d MATCHES "libfsvm")
  message(FATAL_ERROR "hello_static (fsvm::fsvm_static) needs a libfsvm shared object:\n${_d}")
endif()
run("find_package: hello_static (libfsvm.a alone) on sim" 0 "^${_c_re}$" ${_env} ${_cb}/hello_static)

# --- the fsvm command ------------------------------------------------------------
run("installed fsvm info" 0 "device +: sim \\(backend sim\\).*kernels +: 11" ${_env} ${P}/bin/fsvm info)
run("installed fsvm --help" 0 "usage: fsvm .*Commands:.*doctor" ${EMULATOR} ${P}/bin/fsvm --help)

# --- the SDK: your own kernel against the installed tree ---------------------------
if(DEFINED EXAMPLE)
  set(_eb ${OUT}/custom-kernel)
  run("SDK: configure examples/custom-kernel" 0 "" ${CMAKE_COMMAND} -S ${EXAMPLE} -B ${_eb}
    -G ${GENERATOR} ${_tc} -Dfsvm_DIR=${_libdir}/cmake/fsvm -DCMAKE_C_COMPILER=${CC}
    "-DCMAKE_C_FLAGS=${USER_FLAGS}" "-DCMAKE_EXE_LINKER_FLAGS=${USER_FLAGS}"
    "-DCMAKE_MODULE_LINKER_FLAGS=${USER_FLAGS}" "-DCMAKE_SHARED_LINKER_FLAGS=${USER_FLAGS}")
  run("SDK: build" 0 "" ${CMAKE_COMMAND} --build ${_eb} --target bfs_host)
  run("SDK: bfs_host on sim:graph" 0 "bfs: 20000 vertices, .* matches the CPU"
    ${CMAKE_COMMAND} -E env --unset=FSVM_DEVICE --unset=FSVM_DEVICE_PATH ${EMULATOR}
    ${_eb}/bfs_host 20000 6)

  # The moved tree's plugin directory <libdir>/fsvm: found relative to the
  # moved libfsvm.so (bfs_host, copied away from its plugin) and, by the
  # statically linked fsvm, relative to <bindir>. Each must fail before the
  # plugin is there (nothing else finds it) and pass after.
  if(_staged)
    set(_away ${OUT}/elsewhere)
    file(MAKE_DIRECTORY ${_away})
    file(COPY ${_eb}/bfs_host DESTINATION ${_away})
    set(_penv ${CMAKE_COMMAND} -E env --unset=FSVM_DEVICE --unset=FSVM_DEVICE_PATH
      --unset=LD_LIBRARY_PATH ${EMULATOR})
    foreach(_cmd "bfs_host|${_away}/bfs_host|20000|6" "fsvm|${P}/bin/fsvm|--device|sim:graph|info")
      string(REPLACE "|" ";" _cmd "${_cmd}")
      list(POP_FRONT _cmd _what)
      execute_process(COMMAND ${_penv} ${_cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
      if(rc STREQUAL "0" OR NOT "${out}${err}" MATCHES "no device \"graph\"")
        message(FATAL_ERROR "${_what} without <libdir>/fsvm/libfsvm-dev-graph.so: not the "
          "expected failure (rc ${rc}):\n${out}${err}")
      endif()
    endforeach()
    message("ok: without the plugin in ${_libdir}/fsvm, bfs_host and fsvm say no device \"graph\"")
    file(MAKE_DIRECTORY ${_libdir}/fsvm)
    file(COPY ${_eb}/libfsvm-dev-graph.so DESTINATION ${_libdir}/fsvm)
    run("moved tree: bfs_host (libfsvm.so) finds <libdir>/fsvm/libfsvm-dev-graph.so" 0       "bfs: 20000 vertices, .* matches the CPU" ${_penv} ${_away}/bfs_host 20000 6)
    run("moved tree: fsvm (static) finds <libdir>/fsvm/libfsvm-dev-graph.so" 0       "kernels +: 3.*bfs_expand" ${_penv} ${P}/bin/fsvm --device sim:graph info)
  endif()
endif()
message("packaging consumers: PASS")
