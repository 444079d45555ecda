SUMMARY = "Device-tree overlay for the fsvm shell (kmod/dt/zynqmp-fsvm-overlay.dtso)"
require recipes-fsvm/fsvm/fsvm.inc
LICENSE = "GPL-2.0-only"

DEPENDS = "dtc-native"
inherit allarch

# The overlay compiles with plain dtc (no cpp): CTest dt_overlay_dtc checks it.
do_compile() {
	dtc -@ -I dts -O dtb -o ${B}/zynqmp-fsvm-overlay.dtbo \
		${S}/kmod/dt/zynqmp-fsvm-overlay.dtso
}

do_install() {
	install -d ${D}${nonarch_base_libdir}/firmware/fsvm
	install -m 0644 ${B}/zynqmp-fsvm-overlay.dtbo ${D}${nonarch_base_libdir}/firmware/fsvm/
}
FILES:${PN} = "${nonarch_base_libdir}/firmware/fsvm"
