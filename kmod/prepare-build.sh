#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# prepare-build.sh TOP BUILD_DIR - lay out an out-of-tree Kbuild directory
# for fsvm.ko: symlinks to kmod/'s sources and to the freestanding model
# sources of hw-kernels/ (SMMU model, device model, HLS kernels), which the
# emulation mode compiles unchanged. Objects land in BUILD_DIR, never in the
# source tree. Run by kmod/Makefile and kmod/ci-build.sh.
set -eu
top=$1
bld=$2
mkdir -p "$bld"
for f in "$top"/kmod/*.c "$top"/kmod/*.h "$top"/kmod/Kbuild; do
	ln -sfn "$f" "$bld/$(basename "$f")"
done
for d in smmu model hls; do
	for f in "$top"/hw-kernels/$d/*.c "$top"/hw-kernels/$d/*.h; do
		[ -e "$f" ] || continue
		ln -sfn "$f" "$bld/$(basename "$f")"
	done
done
ln -sfn "$top/hw-kernels/fsvm_hw.h" "$bld/fsvm_hw.h"
ln -sfn "$top/hw-kernels/fsvm_kernels.def" "$bld/fsvm_kernels.def"
ln -sfn "$top/kmod/include/uapi/fsvm_uapi.h" "$bld/fsvm_uapi.h"
mkdir -p "$bld/compat"
for f in "$top"/kmod/compat/*.h; do
	ln -sfn "$f" "$bld/compat/$(basename "$f")"
done
