SUMMARY = "fsvm: FPGA kernels on process virtual addresses (libfsvm, the fsvm tool)"
DESCRIPTION = "libfsvm (libfsvm.so.0), its headers, pkg-config and CMake \
package, and the fsvm command-line tool (info, run, bench, doctor)."
HOMEPAGE = "https://github.com/"
require fsvm.inc
LICENSE = "MIT"

inherit cmake pkgconfig

# The board has no LLVM: fsvm-oclc (OpenCL C compilation) is a build-host
# tool and is skipped when cross-compiling; warnings are not errors here.
EXTRA_OECMAKE = "-DFSVM_WERROR=OFF -DBUILD_TESTING=OFF"

PACKAGES =+ "${PN}-tools"
FILES:${PN}-tools = "${bindir}/fsvm ${mandir}/man1/fsvm.1* \
                     ${datadir}/bash-completion/completions/fsvm"
RDEPENDS:${PN}-tools = "${PN}"
