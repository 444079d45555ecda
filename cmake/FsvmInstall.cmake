# FsvmInstall.cmake - what `cmake --install` puts where, and the Debian
# packages cpack makes of it (docs/install.md). Included last by the top
# CMakeLists.txt. Components (= .deb packages, cmake --install --component):
#   libfsvm0     libfsvm.so.0 and libfsvm.so.<version>
#   libfsvm-dev  headers (<includedir>/fsvm), libfsvm.so, libfsvm.a, fsvm.pc,
#                the CMake package (<libdir>/cmake/fsvm) and the fsvm_add_device SDK
#   fsvm-tools   the fsvm command, its man page and bash completion
#   fsvm-dkms    fsvm.ko's source for DKMS, the udev rule, a modules-load.d example
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
install(FILES ${PROJECT_SOURCE_DIR}/pocl-device/tools/man/fsvm.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT fsvm-tools)
install(FILES ${PROJECT_SOURCE_DIR}/pocl-device/tools/completion/fsvm.bash
  DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME fsvm
  COMPONENT fsvm-tools)
