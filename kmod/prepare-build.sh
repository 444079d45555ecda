#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# prepare-build.sh TOP BUILD_DIR - lay out an out-of-tree Kbuild directory
# for fsvm.ko: symlinks to kmod/'s sources and to the freestanding model
# sources of hw-kernels/ (SMMU model, device model, HLS kernels), which the
# emulation mode compiles unchanged. Objects land in BUILD_DIR, never in the
# source tree. Run by kmod/Makefile (and so by DKMS) and kmod/ci-build.sh.
#
# The links are RELATIVE (../fsvm_cdev.c, ../../hw-kernels/...): a tree
# that is copied or moved as a whole, as DKMS copies /usr/src/fsvm-<version>
# to its build directory, still builds.
set -eu
top=$1
bld=$2
mkdir -p "$bld/compat"
top=$(cd "$top" && pwd -P)
bld=$(cd "$bld" && pwd -P)

# link FILE DIR: DIR/<basename of FILE> -> FILE, relative to DIR.
link() {
	ln -sfn "$(realpath -m --relative-to="$2" "$1")" "$2/$(basename "$1")"
}
for f in "$top"/kmod/*.c "$top"/kmod/*.h "$top"/kmod/Kbuild; do
	link "$f" "$bld"
done
for d in smmu model hls; do
	for f in "$top"/hw-kernels/$d/*.c "$top"/hw-kernels/$d/*.h; do
		[ -e "$f" ] || continue
		link "$f" "$bld"
	done
done
link "$top/hw-kernels/fsvm_hw.h" "$bld"
link "$top/hw-kernels/fsvm_kernels.def" "$bld"
link "$top/kmod/include/uapi/fsvm_uapi.h" "$bld"
for f in "$top"/kmod/compat/*.h; do
	link "$f" "$bld/compat"
done
