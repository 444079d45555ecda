SUMMARY = "fsvm.ko: the ZynqMP SMMU-500 shares a process's page table with the FPGA"
require recipes-fsvm/fsvm/fsvm.inc
LICENSE = "GPL-2.0-only"

inherit module useradd

# kmod/Makefile takes KDIR and supports modules_install; its objects go to
# kmod/.build (prepare-build.sh links the sources there, relative links).
MODULES_MODULE_SYMVERS_LOCATION = ".build"
EXTRA_OEMAKE:append = " KDIR=${STAGING_KERNEL_DIR} -C ${S}/kmod"
MODULES_INSTALL_TARGET = "modules_install"

# /dev/fsvm* is root:fsvm 0660 (kmod/udev/60-fsvm.rules): the group exists.
USERADD_PACKAGES = "${PN}"
GROUPADD_PARAM:${PN} = "--system fsvm"

do_install:append() {
	install -d ${D}${sysconfdir}/udev/rules.d
	install -m 0644 ${S}/kmod/udev/60-fsvm.rules ${D}${sysconfdir}/udev/rules.d/
}
FILES:${PN} += "${sysconfdir}/udev/rules.d/60-fsvm.rules"
RPROVIDES:${PN} += "kernel-module-fsvm"
KERNEL_MODULE_AUTOLOAD += "fsvm"
