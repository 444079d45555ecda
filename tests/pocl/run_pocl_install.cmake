# run_pocl_install.cmake - the pocl driver as `cmake --install` gives it
# (component pocl-fsvm, pocl-device/pocl/CMakeLists.txt): installed to a
# scratch prefix, used there through its ICD vendor file, then MOVED and
# used again (CTest pocl_install). Checked, each by value:
#   - <prefix>/etc/OpenCL/vendors/fsvm-pocl.icd names exactly the installed
#     <libdir>/fsvm-pocl/lib/libpocl.so.2 (ocl-icd needs an absolute path);
#   - the driver's RUNPATH is exactly $ORIGIN/<path to libfsvm.so>, libpocl
#     has none; fsvm-oclc and fsvm_clc.bc are installed;
#   - OCL_ICD_VENDORS=<prefix>/etc/OpenCL/vendors: clinfo (if installed)
#     lists the fsvm device, svm_vadd (built-in kernels) and local_reduction
#     (OpenCL C through fsvm-oclc) pass;
#   - after the move, OCL_ICD_VENDORS=<moved libpocl.so.2>: the same, with
#     the moved tree's fsvm-oclc: with it renamed away, the build fails and
#     the log names the moved tree's path (the build tree's is not used).
#   cmake -DBUILD=<fsvm build> -DOUT=<scratch dir> -DLIBDIR=<CMAKE_INSTALL_LIBDIR>
#         -DREADELF=<readelf> -DTO_LIBFSVM=<driver dir -> libdir>
#         -DVADD=<svm_vadd> -DREDUCE=<local_reduction> [-DCLINFO=<clinfo>]
#         -P run_pocl_install.cmake
cmake_minimum_required(VERSION 3.25)
foreach(v BUILD OUT LIBDIR READELF TO_LIBFSVM VADD REDUCE)
  if(NOT DEFINED ${v})
    message(FATAL_ERROR "run_pocl_install.cmake: -D${v}= missing")
  endif()
endforeach()

include(${CMAKE_CURRENT_LIST_DIR}/../common/run_checks.cmake)  # run(), check()

file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
set(S ${OUT}/staged)
run("cmake --install to ${S}" 0 "" ${CMAKE_COMMAND} --install ${BUILD} --prefix ${S})

set(_sub ${LIBDIR}/fsvm-pocl)
foreach(f ${S}/${_sub}/lib/libpocl.so.2 ${S}/${_sub}/lib/pocl/libpocl-devices-fsvm.so
    ${S}/${_sub}/share/pocl/include/_kernel.h ${S}/bin/fsvm-oclc ${S}/share/fsvm/fsvm_clc.bc
    ${S}/etc/OpenCL/vendors/fsvm-pocl.icd ${S}/${LIBDIR}/libfsvm.so.0)
  check("EXISTS;${f}" "not installed: ${f}")
endforeach()
file(READ ${S}/etc/OpenCL/vendors/fsvm-pocl.icd _icd)
check("_icd;STREQUAL;${S}/${_sub}/lib/libpocl.so.2\n"
  "fsvm-pocl.icd says '${_icd}', not the installed ${S}/${_sub}/lib/libpocl.so.2")
message("ok: fsvm-pocl.icd names ${S}/${_sub}/lib/libpocl.so.2")
execute_process(COMMAND ${READELF} -d ${S}/${_sub}/lib/pocl/libpocl-devices-fsvm.so OUTPUT_VARIABLE _d)
string(REGEX MATCH "\\((RUNPATH|RPATH)\\)[^\n]*" _rp "${_d}")
check("_rp;MATCHES;RUNPATH\\)[^\n]*\\[\\$ORIGIN/${TO_LIBFSVM}\\]$"
  "the driver's RUNPATH is not [\$ORIGIN/${TO_LIBFSVM}]: ${_rp}")
check("_d;MATCHES;NEEDED[^\n]*libfsvm\\.so\\.0" "the driver does not need libfsvm.so.0:\n${_d}")
execute_process(COMMAND ${READELF} -d ${S}/${_sub}/lib/libpocl.so.2 OUTPUT_VARIABLE _d)
if(_d MATCHES "RUNPATH|RPATH")
  message(FATAL_ERROR "libpocl.so.2 has an RPATH/RUNPATH:\n${_d}")
endif()
message("ok: ${_rp}, libpocl.so.2 has none")

# Each run: our device only, a fresh program cache (so every build runs
# fsvm-oclc), nothing of the build tree on the library path.
function(opencl tag vendors)
  set(_cache ${OUT}/cache-${tag})
  file(REMOVE_RECURSE ${_cache})
  set(_env ${CMAKE_COMMAND} -E env "OCL_ICD_VENDORS=${vendors}" POCL_DEVICES=fsvm
    POCL_KERNEL_CACHE=0 "POCL_CACHE_DIR=${_cache}" --unset=LD_LIBRARY_PATH
    --unset=FSVM_DEVICE --unset=FSVM_DEVICE_PATH --unset=POCL_BUILDING)
  set(env ${_env} PARENT_SCOPE)
endfunction()
function(use_tree tag vendors)
  opencl(${tag} ${vendors})
  if(CLINFO)
    run("${tag}: clinfo lists the fsvm device" 0 "Device Name +fsvm \\(sim\\)" ${env} ${CLINFO})
  endif()
  run("${tag}: svm_vadd" 0 "PASS: all three match the CPU" ${env} ${VADD} 65536)
  run("${tag}: local_reduction (OpenCL C)" 0 "PASS" ${env} ${REDUCE} 65536)
endfunction()
use_tree("installed" ${S}/etc/OpenCL/vendors)

set(M ${OUT}/moved/p)
file(MAKE_DIRECTORY ${OUT}/moved)
file(RENAME ${S} ${M})
message("ok: moved ${S} to ${M}")
use_tree("moved" ${M}/${_sub}/lib/libpocl.so.2)
file(RENAME ${M}/bin/fsvm-oclc ${M}/bin/fsvm-oclc.away)
opencl("moved-no-oclc" ${M}/${_sub}/lib/libpocl.so.2)
run("moved, fsvm-oclc renamed away: the build fails and names the moved tree's" 1
  "fsvm-oclc is missing: ${M}/${_sub}/lib/pocl/[./]*bin/fsvm-oclc" ${env} ${REDUCE} 65536)
file(RENAME ${M}/bin/fsvm-oclc.away ${M}/bin/fsvm-oclc)
message("pocl install: PASS")
