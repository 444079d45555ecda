# toolchain-aarch64-linux-gnu.cmake - fsvm's user space for a board (arm64
# Linux: ZCU102, Ultra96, Kria running Debian 12 or a like system), built on
# a PC with Debian's cross compilers (docs/install.md, "A board's user space"):
#
#   apt-get install gcc-aarch64-linux-gnu g++-aarch64-linux-gnu qemu-user
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake \
#         -DCMAKE_INSTALL_PREFIX=/usr
#   cmake --build build-arm64 && (cd build-arm64 && cpack -G DEB)   # *_arm64.deb
#
# Libraries and headers: the cross toolchain's own (/usr/aarch64-linux-gnu,
# libc6-dev-arm64-cross) and Debian's arm64 multiarch packages
# (dpkg --add-architecture arm64; apt-get install libfoo-dev:arm64 puts them
# in /usr/lib/aarch64-linux-gnu and /usr/include/aarch64-linux-gnu).
#
# Programs the build runs for tests (CTest, add_test) go through qemu-aarch64
# (qemu-user) when it is installed: `ctest` runs libfsvm's tests, the CLI
# and the examples on the simulated device under emulation.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)   # GNUInstallDirs: lib/aarch64-linux-gnu under /usr

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
find_program(_fsvm_cross_cxx aarch64-linux-gnu-g++)
if(_fsvm_cross_cxx)
  set(CMAKE_CXX_COMPILER ${_fsvm_cross_cxx})
endif()

# The cross toolchain's sysroot, then the arm64 multiarch directories of
# this machine (found through the / root with the multiarch suffix).
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config for arm64 (.pc files of arm64 multiarch packages only).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")

# Test programs: qemu-user with the cross toolchain's loader and libraries.
find_program(_fsvm_qemu qemu-aarch64)
if(_fsvm_qemu)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${_fsvm_qemu} -L /usr/aarch64-linux-gnu)
endif()

# Debian's multiarch library directory for a /usr install (GNUInstallDirs
# picks it only for native builds): the .debs hold lib/aarch64-linux-gnu.
if(CMAKE_INSTALL_PREFIX MATCHES "^/usr/?$" AND NOT DEFINED CACHE{CMAKE_INSTALL_LIBDIR})
  set(CMAKE_INSTALL_LIBDIR lib/${CMAKE_LIBRARY_ARCHITECTURE} CACHE PATH "object code libraries (lib)")
endif()
