# FsvmInstall.cmake - what `cmake --install` puts where, and the Debian
# packages cpack makes of it (docs/install.md). Included last by the top
# CMakeLists.txt. Components (= .deb packages, cmake --install --component):
#   libfsvm0     libfsvm.so.0 and libfsvm.so.<version>
#   libfsvm-dev  headers (<includedir>/fsvm), libfsvm.so, libfsvm.a, fsvm.pc,
#                the CMake package (<libdir>/cmake/fsvm) and the fsvm_add_device SDK
#   fsvm-tools   the fsvm command, its man page and bash completion
#   fsvm-dkms    fsvm.ko's source for DKMS, the udev rule, a modules-load.d example
#   pocl-fsvm    (with POCL_SOURCE_DIR) pocl with the fsvm driver in <libdir>/fsvm-pocl,
#                its ICD vendor file, fsvm-oclc and the built-in library
#                (rules in pocl-device/pocl/CMakeLists.txt)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(FSVM_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/fsvm)
set(FSVM_INSTALL_SDKDIR ${CMAKE_INSTALL_DATADIR}/fsvm/sdk)

# --- libraries ---------------------------------------------------------------
install(TARGETS fsvm EXPORT fsvmTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT libfsvm0
    NAMELINK_COMPONENT libfsvm-dev)
install(TARGETS fsvm_archive EXPORT fsvmTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT libfsvm-dev)

# --- public headers: <includedir>/fsvm/ -----------------------------------------
# fsvm.h includes fsvm_hw.h (which includes fsvm_kernels.def) and
# fsvm_log.h; fsvm_cl_abi.h is the compiled-kernel ABI libfsvm.so exports.
set(FSVM_PUBLIC_HEADERS
  ${PROJECT_SOURCE_DIR}/pocl-device/libfsvm/fsvm.h
  ${PROJECT_SOURCE_DIR}/pocl-device/libfsvm/fsvm_log.h
  ${PROJECT_SOURCE_DIR}/hw-kernels/fsvm_hw.h
  ${PROJECT_SOURCE_DIR}/hw-kernels/fsvm_kernels.def
  ${PROJECT_SOURCE_DIR}/hw-kernels/sim/fsvm_cl_abi.h)
install(FILES ${FSVM_PUBLIC_HEADERS} DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/fsvm
  COMPONENT libfsvm-dev)

# --- the fsvm_add_device() SDK (cmake/FsvmDevice.cmake's FSVM_SDK_FILES) ------
foreach(_f IN LISTS FSVM_SDK_FILES)
  get_filename_component(_d ${_f} DIRECTORY)
  install(FILES ${FSVM_SDK_SOURCE_DIR}/${_f} DESTINATION ${FSVM_INSTALL_SDKDIR}/${_d}
    COMPONENT libfsvm-dev)
endforeach()

# --- pkg-config: fsvm.pc, relocatable (${pcfiledir}) ----------------------------
set(_pc_dir ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  message(FATAL_ERROR "fsvm: CMAKE_INSTALL_LIBDIR and CMAKE_INSTALL_INCLUDEDIR must be "
    "relative to the prefix (the installed tree is relocatable)")
endif()
string(REGEX REPLACE "[^/]+" ".." FSVM_PC_UP "${_pc_dir}")
set(FSVM_PC_DL "")
foreach(_l IN LISTS CMAKE_DL_LIBS)
  string(APPEND FSVM_PC_DL " -l${_l}")
endforeach()
string(STRIP "${FSVM_PC_DL}" FSVM_PC_DL)
configure_file(${CMAKE_CURRENT_LIST_DIR}/fsvm.pc.in ${PROJECT_BINARY_DIR}/install/fsvm.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/install/fsvm.pc DESTINATION ${_pc_dir}
  COMPONENT libfsvm-dev)

# --- CMake package: find_package(fsvm) -> fsvm::fsvm, fsvm::fsvm_static ---------
install(EXPORT fsvmTargets NAMESPACE fsvm:: DESTINATION ${FSVM_INSTALL_CMAKEDIR}
  COMPONENT libfsvm-dev)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/fsvmConfig.cmake.in
  ${PROJECT_BINARY_DIR}/install/fsvmConfig.cmake
  INSTALL_DESTINATION ${FSVM_INSTALL_CMAKEDIR}
  PATH_VARS FSVM_INSTALL_SDKDIR)
# 0.x: a new minor version may change the API, so only 0.<same minor>.* matches.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/install/fsvmConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/install/fsvmConfig.cmake
  ${PROJECT_BINARY_DIR}/install/fsvmConfigVersion.cmake
  DESTINATION ${FSVM_INSTALL_CMAKEDIR} COMPONENT libfsvm-dev)

# --- the fsvm command --------------------------------------------------------
# Linked with the tree's static libfsvm (it uses the library's internals:
# doctor, workloads); the simulated device is inside it, so FSVM_DEVICE=sim
# needs no file at run time, wherever the tree is installed.
install(TARGETS fsvm_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT fsvm-tools)
# Its man page fsvm(1) and bash completion (both checked against the
# binary's --help by CTest cli_man_completion).
configure_file(${PROJECT_SOURCE_DIR}/pocl-device/tools/man/fsvm.1.in
  ${PROJECT_BINARY_DIR}/install/fsvm.1 @ONLY)
# Installed gzipped (Debian policy; man reads it as it is).
find_program(FSVM_GZIP gzip)
if(FSVM_GZIP)
  execute_process(COMMAND ${FSVM_GZIP} -9n -c ${PROJECT_BINARY_DIR}/install/fsvm.1
    OUTPUT_FILE ${PROJECT_BINARY_DIR}/install/fsvm.1.gz)
  install(FILES ${PROJECT_BINARY_DIR}/install/fsvm.1.gz
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT fsvm-tools)
else()
  install(FILES ${PROJECT_BINARY_DIR}/install/fsvm.1
    DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT fsvm-tools)
endif()
install(FILES ${PROJECT_SOURCE_DIR}/pocl-device/tools/completion/fsvm.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME fsvm
  COMPONENT fsvm-tools)

# --- fsvm-dkms: fsvm.ko's source for DKMS, the udev rule, modules-load.d -----------
# <prefix>/src/fsvm-<version>/ (/usr/src/fsvm-0.1.0 in the .deb) holds
# dkms.conf, kmod/ (Makefile, Kbuild, prepare-build.sh, sources, compat/,
# include/uapi/) and the freestanding model sources of hw-kernels/ that the
# emulation mode compiles, in the layout prepare-build.sh expects.
set(FSVM_INSTALL_DKMSDIR src/fsvm-${PROJECT_VERSION})
configure_file(${PROJECT_SOURCE_DIR}/kmod/dkms.conf.in ${PROJECT_BINARY_DIR}/install/dkms.conf @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/install/dkms.conf DESTINATION ${FSVM_INSTALL_DKMSDIR}
  COMPONENT fsvm-dkms)
file(GLOB _kmod_src ${PROJECT_SOURCE_DIR}/kmod/*.c ${PROJECT_SOURCE_DIR}/kmod/*.h)
install(FILES ${_kmod_src} ${PROJECT_SOURCE_DIR}/kmod/Kbuild ${PROJECT_SOURCE_DIR}/kmod/Makefile
  ${PROJECT_SOURCE_DIR}/kmod/README.md
  DESTINATION ${FSVM_INSTALL_DKMSDIR}/kmod COMPONENT fsvm-dkms)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/kmod/prepare-build.sh
  DESTINATION ${FSVM_INSTALL_DKMSDIR}/kmod COMPONENT fsvm-dkms)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/kmod/compat ${PROJECT_SOURCE_DIR}/kmod/include
  DESTINATION ${FSVM_INSTALL_DKMSDIR}/kmod COMPONENT fsvm-dkms)
install(FILES ${PROJECT_SOURCE_DIR}/hw-kernels/fsvm_hw.h ${PROJECT_SOURCE_DIR}/hw-kernels/fsvm_kernels.def
  DESTINATION ${FSVM_INSTALL_DKMSDIR}/hw-kernels COMPONENT fsvm-dkms)
foreach(_d smmu model hls)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/hw-kernels/${_d}/
    DESTINATION ${FSVM_INSTALL_DKMSDIR}/hw-kernels/${_d} COMPONENT fsvm-dkms
    FILES_MATCHING PATTERN "*.c" PATTERN "*.h" PATTERN "vitis" EXCLUDE)
endforeach()
# /dev/fsvmN: group fsvm, mode 0660 (the package's postinst creates the group).
install(FILES ${PROJECT_SOURCE_DIR}/kmod/udev/60-fsvm.rules
  DESTINATION lib/udev/rules.d COMPONENT fsvm-dkms)
install(FILES ${PROJECT_SOURCE_DIR}/kmod/packaging/fsvm.modules-load.conf
  DESTINATION ${CMAKE_INSTALL_DOCDIR}-dkms/examples/modules-load.d RENAME fsvm.conf
  COMPONENT fsvm-dkms)

# --- Debian packages: cpack -G DEB (in a tree configured with -DCMAKE_INSTALL_PREFIX=/usr)
# CPack rather than a debian/ directory: the packages come from the same
# install() rules `cmake --install` uses (one list of what goes where),
# and a board's packages come from the same tree (docs/install.md).
if(NOT CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  message(STATUS "fsvm: CMAKE_INSTALL_PREFIX is ${CMAKE_INSTALL_PREFIX}: configure with "
    "-DCMAKE_INSTALL_PREFIX=/usr for .deb packages (multiarch libdir, plugin directory)")
endif()
execute_process(COMMAND git log -1 "--format=%an <%ae>" WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  OUTPUT_VARIABLE _fsvm_author OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0 OR NOT _fsvm_author MATCHES "<.+@.+>")
  set(_fsvm_author "fsvm maintainers <root@localhost>")
endif()
set(FSVM_DEB_MAINTAINER "${_fsvm_author}" CACHE STRING "Maintainer field of the .deb packages")
set(CPACK_PACKAGE_NAME fsvm)
set(CPACK_PACKAGE_VENDOR "fsvm")
# (no CPACK_PACKAGE_DESCRIPTION_SUMMARY: CPackDeb would put it above each
# package's own first line, the synopsis)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${FSVM_DEB_MAINTAINER}")
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR}/packages)
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL libfsvm0 libfsvm-dev fsvm-tools fsvm-dkms)
get_property(_fsvm_pocl_pkg GLOBAL PROPERTY FSVM_POCL_PACKAGE)
if(_fsvm_pocl_pkg)
  list(APPEND CPACK_COMPONENTS_ALL pocl-fsvm)
endif()
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${FSVM_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)          # Depends from dpkg-shlibdeps
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)    # shlibs + ldconfig trigger of libfsvm0
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS_POLICY ">=")
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)

set(CPACK_DEBIAN_LIBFSVM0_PACKAGE_NAME libfsvm0)
set(CPACK_DEBIAN_LIBFSVM0_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_LIBFSVM0_DESCRIPTION "fsvm user-space library (libfsvm.so.0)
libfsvm opens an fsvm device (an FPGA whose kernels take raw process
virtual addresses through the SMMU) or the simulated device built into
the library, and launches kernels on it.")

set(CPACK_DEBIAN_LIBFSVM-DEV_PACKAGE_NAME libfsvm-dev)
set(CPACK_DEBIAN_LIBFSVM-DEV_PACKAGE_SECTION libdevel)
set(CPACK_COMPONENT_LIBFSVM-DEV_DEPENDS libfsvm0)
set(CPACK_DEBIAN_LIBFSVM-DEV_DESCRIPTION "fsvm user-space library: development files
Headers (include/fsvm), libfsvm.so, the static libfsvm.a, fsvm.pc for
pkg-config, the CMake package (find_package(fsvm): fsvm::fsvm) and the
SDK of fsvm_add_device() for devices with your own HLS kernels.")

set(CPACK_DEBIAN_FSVM-TOOLS_PACKAGE_NAME fsvm-tools)
set(CPACK_DEBIAN_FSVM-TOOLS_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_FSVM-TOOLS_DESCRIPTION "fsvm command-line tool
fsvm info, run, bench and doctor: look at an fsvm device or the simulated
one, run a kernel on malloc'ed data and check it against the CPU, measure,
check a board's SMMU setup. With the fsvm(1) man page and bash completion.")

set(CPACK_DEBIAN_FSVM-DKMS_PACKAGE_NAME fsvm-dkms)
set(CPACK_DEBIAN_FSVM-DKMS_PACKAGE_SECTION kernel)
set(CPACK_DEBIAN_FSVM-DKMS_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_FSVM-DKMS_PACKAGE_DEPENDS "dkms, make")
set(CPACK_DEBIAN_FSVM-DKMS_DESCRIPTION "fsvm kernel module (fsvm.ko) source for DKMS
fsvm.ko hands a process's address space to the FPGA through the ZynqMP
SMMU-500 (/dev/fsvmN). DKMS builds it for each installed kernel with
headers. Also the udev rule (group fsvm, mode 0660) and a modules-load.d
example.")
# pocl-fsvm: pocl v7.1 with the fsvm driver, a private copy in
# <libdir>/fsvm-pocl (Debian's own pocl, libpocl2 and pocl-opencl-icd, keeps
# its files), /etc/OpenCL/vendors/fsvm-pocl.icd (a conffile) naming it, and
# fsvm-oclc. clang-19 compiles OpenCL C at run time (fsvm_pocl_compile.c).
if(_fsvm_pocl_pkg)
  set(CPACK_DEBIAN_POCL-FSVM_PACKAGE_NAME pocl-fsvm)
  set(CPACK_DEBIAN_POCL-FSVM_PACKAGE_SECTION libs)
  set(CPACK_COMPONENT_POCL-FSVM_DEPENDS libfsvm0)
  set(CPACK_DEBIAN_POCL-FSVM_PACKAGE_DEPENDS "clang-19, ocl-icd-libopencl1 | libopencl1")
  set(CPACK_DEBIAN_POCL-FSVM_DESCRIPTION "OpenCL driver for fsvm devices (pocl with the fsvm device)
pocl v7.1 with the fsvm device driver: OpenCL programs see the fsvm device
(or the simulated one) through the ICD loader, with fine-grained system
SVM, its HLS kernels as built-in kernels and, on the simulated device,
OpenCL C compiled by fsvm-oclc. Installed apart from Debian's pocl.")
  file(WRITE ${PROJECT_BINARY_DIR}/install/pocl-fsvm/conffiles "/etc/OpenCL/vendors/fsvm-pocl.icd\n")
  set(CPACK_DEBIAN_POCL-FSVM_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/install/pocl-fsvm/conffiles)
  # dpkg-shlibdeps (run in each package's staging directory) must find the
  # drivers' libpocl.so.2 (private to the package) and libfsvm.so.0 (staged
  # for libfsvm0, the package's Depends anyway).
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "usr/${CMAKE_INSTALL_LIBDIR}/fsvm-pocl/lib"
    "../libfsvm0/usr/${CMAKE_INSTALL_LIBDIR}")
endif()

foreach(_s postinst prerm)
  configure_file(${PROJECT_SOURCE_DIR}/kmod/packaging/dkms-${_s}.in
    ${PROJECT_BINARY_DIR}/install/dkms/${_s} @ONLY FILE_PERMISSIONS OWNER_READ OWNER_WRITE
    OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_FSVM-DKMS_PACKAGE_CONTROL_EXTRA
  ${PROJECT_BINARY_DIR}/install/dkms/postinst ${PROJECT_BINARY_DIR}/install/dkms/prerm)
set(CPACK_DEBIAN_FSVM-DKMS_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
# libfsvm0: ldconfig through the trigger (CPack's postinst/postrm call it too).
file(WRITE ${PROJECT_BINARY_DIR}/install/libfsvm0/triggers "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_LIBFSVM0_PACKAGE_CONTROL_EXTRA ${PROJECT_BINARY_DIR}/install/libfsvm0/triggers)
set(CPACK_STRIP_FILES TRUE)    # no -dbgsym packages: the .debs carry stripped objects

# Each package's /usr/share/doc/<package>/copyright (DEP-5, from LICENSE and
# the SPDX lines of kmod/) and changelog.Debian.gz (this version, this
# commit). Only in component installs (EXCLUDE_FROM_ALL), that is in the
# .debs, not in a plain `cmake --install`.
file(STRINGS ${PROJECT_SOURCE_DIR}/LICENSE _lic)
set(FSVM_MIT_TEXT "")
foreach(_l IN LISTS _lic)
  if(_l STREQUAL "")
    string(APPEND FSVM_MIT_TEXT " .\n")
  else()
    string(APPEND FSVM_MIT_TEXT " ${_l}\n")
  endif()
endforeach()
string(REGEX REPLACE "\n$" "" FSVM_MIT_TEXT "${FSVM_MIT_TEXT}")
execute_process(COMMAND git log -1 --format=%h WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  OUTPUT_VARIABLE FSVM_DEB_COMMIT OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
execute_process(COMMAND git log -1 --format=%aD WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  OUTPUT_VARIABLE FSVM_DEB_DATE OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT FSVM_DEB_COMMIT OR NOT FSVM_DEB_DATE)
  set(FSVM_DEB_COMMIT "unknown")
  string(TIMESTAMP FSVM_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/copyright.in ${PROJECT_BINARY_DIR}/install/copyright @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.Debian.in
  ${PROJECT_BINARY_DIR}/install/changelog.Debian @ONLY)
find_program(FSVM_GZIP gzip)
if(FSVM_GZIP)
  execute_process(COMMAND ${FSVM_GZIP} -9n -c ${PROJECT_BINARY_DIR}/install/changelog.Debian
    OUTPUT_FILE ${PROJECT_BINARY_DIR}/install/changelog.Debian.gz)
endif()
# pocl-fsvm also carries pocl (MIT, its own authors): one more stanza.
if(_fsvm_pocl_pkg)
  file(READ ${PROJECT_BINARY_DIR}/install/copyright _fsvm_cr)
  string(REPLACE "\nLicense: MIT\n " "\nFiles: usr/lib/*/fsvm-pocl/* usr/lib/fsvm-pocl/*\nCopyright: pocl developers (the pocl v7.1 source tree's LICENSE)\nComment: pocl v7.1 with the patches in pocl-device/pocl/patches\nLicense: MIT\n\nLicense: MIT\n " _fsvm_cr "${_fsvm_cr}")
  file(WRITE ${PROJECT_BINARY_DIR}/install/pocl-fsvm/copyright "${_fsvm_cr}")
endif()
foreach(_c ${CPACK_COMPONENTS_ALL})
  if(_c STREQUAL "pocl-fsvm")
    set(_cr ${PROJECT_BINARY_DIR}/install/pocl-fsvm/copyright)
  else()
    set(_cr ${PROJECT_BINARY_DIR}/install/copyright)
  endif()
  install(FILES ${_cr} DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${_c}
    COMPONENT ${_c} EXCLUDE_FROM_ALL)
  if(FSVM_GZIP)
    install(FILES ${PROJECT_BINARY_DIR}/install/changelog.Debian.gz
      DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/${_c} COMPONENT ${_c} EXCLUDE_FROM_ALL)
  endif()
endforeach()

# A board's packages (cmake/toolchain-aarch64-linux-gnu.cmake): the target's
# Debian architecture, and libc6's version from the binaries themselves
# (FsvmCPackProject.cmake.in, at cpack time).
if(CMAKE_CROSSCOMPILING)
  if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64)$")
    set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE arm64)
  else()
    message(STATUS "fsvm: no Debian architecture known for ${CMAKE_SYSTEM_PROCESSOR}: "
      "set CPACK_DEBIAN_PACKAGE_ARCHITECTURE for cpack")
  endif()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
  configure_file(${CMAKE_CURRENT_LIST_DIR}/FsvmCPackProject.cmake.in
    ${PROJECT_BINARY_DIR}/install/FsvmCPackProject.cmake.gen @ONLY)
  file(GENERATE OUTPUT ${PROJECT_BINARY_DIR}/install/FsvmCPackProject.cmake
    INPUT ${PROJECT_BINARY_DIR}/install/FsvmCPackProject.cmake.gen)
  set(CPACK_PROJECT_CONFIG_FILE ${PROJECT_BINARY_DIR}/install/FsvmCPackProject.cmake)
endif()
include(CPack)
