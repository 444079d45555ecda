#!/usr/bin/env bash
# run_all.sh - the whole fsvm test suite, as CI runs it (README's test command).
#
# Installs what it needs with apt-get (Debian 12) when run as root, then runs
# each stage and ends with one line per stage and ctest's summary line:
#   stage NAME: PASS|SKIP|FAIL - detail
# Exit status is non-zero if any stage failed.
#
# Environment:
#   POCL_SOURCE_DIR  a pocl v7.1 source tree: also build and test the pocl driver
#   FSVM_FUZZ_RUNS   libFuzzer executions per target (default 1000000)
#   JOBS             build/test parallelism (default: nproc)
set -u
cd "$(dirname "$0")/.."
top=$PWD
jobs=${JOBS:-$(nproc)}
fuzz_runs=${FSVM_FUZZ_RUNS:-1000000}
out=${FSVM_BUILD_ROOT:-$top/build/ci}
mkdir -p "$out"

declare -a stage_lines=()
failed=0
unit_summary=""

stage() { # stage NAME RESULT DETAIL
	stage_lines+=("stage $1: $2 — $3")
	[ "$2" = FAIL ] && failed=1
	echo "=== stage $1: $2 — $3"
}

# run_ctest NAME BUILD_DIR LOG DETAIL_PREFIX [ctest args...]: run the suite,
# append its output to LOG and print stage NAME from ctest's summary line
# (kept in $ctest_summary).
run_ctest() {
	local name=$1 dir=$2 log=$3 prefix=$4 rc
	shift 4
	ctest --test-dir "$dir" --output-on-failure "$@" >>"$log" 2>&1
	rc=$?
	ctest_summary=$(grep -E "tests passed|tests failed" "$log" | tail -n 1)
	if [ $rc = 0 ]; then
		stage "$name" PASS "$prefix$ctest_summary"
	else
		grep -E "Failed|\*\*\*|ERROR: |runtime error" "$log" | head -n 40
		stage "$name" FAIL "${ctest_summary:-ctest exit $rc}, see $log"
	fi
}

# Sanitized binaries stop at the first report; others ignore these.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# --- dependencies -----------------------------------------------------------
need_pkgs=(build-essential cmake clang libclang-rt-14-dev llvm-19-dev clang-19 gnuplot-nox)
# The pocl layer (only with a pocl source tree) needs the ICD loader and hwloc.
[ -n "${POCL_SOURCE_DIR:-}" ] &&
	need_pkgs+=(ocl-icd-opencl-dev opencl-headers libhwloc-dev pkg-config patch)
missing=()
for p in "${need_pkgs[@]}"; do
	dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "=== installing: ${missing[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}" ||
			{ echo "apt-get install failed"; exit 1; }
	else
		echo "missing packages: ${missing[*]} (run as root, or: sudo apt-get install ${missing[*]})"
		exit 1
	fi
fi

# --- build: warnings are errors ---------------------------------------------
rel=$out/release
if cmake -S "$top" -B "$rel" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFSVM_WERROR=ON \
	>"$out/build.log" 2>&1 &&
	cmake --build "$rel" -j "$jobs" >>"$out/build.log" 2>&1; then
	stage build PASS "gcc $(gcc -dumpfullversion), -Wall -Wextra -Werror"
else
	tail -n 60 "$out/build.log"
	stage build FAIL "see $out/build.log"
fi

# --- demo: the README's main demo on the default simulated device -----------
if [ -x "$rel/examples/pointer_chase" ]; then
	if "$rel/examples/pointer_chase" >"$out/demo.log" 2>&1; then
		stage demo PASS "examples/pointer_chase on FSVM_DEVICE=sim matches the CPU"
	else
		cat "$out/demo.log"
		stage demo FAIL "examples/pointer_chase, see $out/demo.log"
	fi
else
	stage demo FAIL "examples/pointer_chase was not built"
fi

# --- bench: figures, not pass/fail (it fails only if the tool cannot run) ----
if [ -x "$rel/pocl-device/tools/fsvm" ]; then
	if "$rel/pocl-device/tools/fsvm" bench --json >"$out/bench.json" 2>"$out/bench.log"; then
		stage bench PASS "$(tr -d '\n' <"$out/bench.json")"
	else
		tail -n 20 "$out/bench.log"
		stage bench FAIL "fsvm bench --json failed, see $out/bench.log"
	fi
fi

# --- unit: the CTest suite on the release build --------------------------------
if [ -d "$rel" ]; then
	: >"$out/unit.log"
	run_ctest unit "$rel" "$out/unit.log" "" -j "$jobs" -LE qemu
	unit_summary=$ctest_summary
fi

# --- rtl: the shell RTL on Verilator and Yosys (hw-kernels/rtl, tests/rtl) ------
# Installs verilator and yosys (Debian 12: 5.006, 0.23), tcl,
# device-tree-compiler and z3 when root; SKIP without verilator or yosys. Lint
# for 1/4/8 contexts, the testbenches, FSVM_DEVICE=rtl (libfsvm's tests on the
# co-simulated shell, tests/cosim), the dtc, tclsh and formal checks
# (ctest -L rtl) in the release build, and synth_xilinx -family xcup for 4
# contexts.
rtl_stage() {
	local pk=() p rgen=$rel/hw-kernels/rtl/gen log=$out/rtl.log lint synth tbs cos
	# tcl (tclsh-check.tcl of hw-kernels/vivado), device-tree-compiler
	# (the kmod/dt overlay) and z3 (formal_axil.sh: s_axi_ctl, m_axi_lanes) add their
	# ctest -L rtl checks when present.
	for p in verilator:verilator yosys:yosys tclsh:tcl dtc:device-tree-compiler z3:z3; do
		command -v "${p%%:*}" >/dev/null 2>&1 || pk+=("${p#*:}")
	done
	: >"$log"
	if [ ${#pk[@]} -gt 0 ] && [ "$(id -u)" = 0 ]; then
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${pk[@]}" \
			>>"$log" 2>&1 || { apt-get update -q >>"$log" 2>&1 &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
				"${pk[@]}" >>"$log" 2>&1; }
	fi
	for p in verilator yosys; do
		command -v $p >/dev/null 2>&1 || { stage rtl SKIP "$p not installed (apt-get install verilator yosys as root)"; return; }
	done
	if ! { cmake "$rel" >>"$log" 2>&1 &&
		cmake --build "$rel" -j "$jobs" --target fsvm_rtl_headers rtl_shell_tb4 rtl_shell_tb1 \
			fsvm_cosim_rtl fsvm_cli test_model_sim test_libfsvm_device test_libfsvm_kernels \
			test_libfsvm_svm test_libfsvm_faults test_libfsvm_ring test_libfsvm_launch \
			test_libfsvm_errors test_sdk_plugins test_cosim_watchdog >>"$log" 2>&1; }; then
		tail -n 40 "$log"
		stage rtl FAIL "testbench build failed, see $log"
		return
	fi
	if ! lint=$(sh "$top/hw-kernels/rtl/lint.sh" "$rgen" 1 4 8 2>&1); then
		printf '%s\n' "$lint" | tail -n 30
		stage rtl FAIL "lint: $(printf '%s\n' "$lint" | tail -n 1)"
		return
	fi
	if ! ctest --test-dir "$rel" -V -L rtl -E rtl_lint >>"$log" 2>&1; then
		grep -E "FAIL|Failed" "$log" | head -n 30
		stage rtl FAIL "$(grep -E "tests passed|tests failed" "$log" | tail -n 1), see $log"
		return
	fi
	tbs=$(grep -oE "tb_shell NUM_CONTEXTS=.*" "$log" | awk '{t += $3; c += $5; v += $7} END {printf "%d testbench cases, %d checks, %d protocol violations", t, c, v}')
	cos=$(grep -cE "Test +#[0-9]+: ([a-z_]*_rtl|cosim_pointer_chase) .*Passed" "$log")
	if ! synth=$(SYNTH_LOG_DIR=$out sh "$top/hw-kernels/rtl/synth.sh" "$rgen" 4 2>>"$log"); then
		stage rtl FAIL "yosys synth_xilinx for 4 contexts failed, see $out/fsvm_shell_synth_4.log"
		return
	fi
	echo "$synth" >>"$log"
	stage rtl PASS "$(grep -E "tests passed" "$log" | tail -n 1 | sed 's/.*out of //') tests ($tbs; $cos on FSVM_DEVICE=rtl), lint clean (1/4/8 ctx), 4 ctx: $(printf '%s' "$synth" | sed -E 's/.* LUT=([0-9]+) .* FF=([0-9]+) .*/\1 LUT, \2 FF/')"
}
[ -d "$rel" ] && rtl_stage

# --- sanitizers: clang, ASan + UBSan, the same suite ----------------------------
san=$out/sanitize
if CC=clang cmake -S "$top" -B "$san" -DCMAKE_BUILD_TYPE=Sanitize -DFSVM_WERROR=ON \
	>"$out/sanitize.log" 2>&1 &&
	cmake --build "$san" -j "$jobs" >>"$out/sanitize.log" 2>&1; then
	run_ctest sanitizers "$san" "$out/sanitize.log" "clang ASan+UBSan: " -j "$jobs" -LE qemu
else
	tail -n 60 "$out/sanitize.log"
	stage sanitizers FAIL "Sanitize build failed, see $out/sanitize.log"
fi

# --- fuzz: libFuzzer on the packet decoder and command processor --------------
fz=$out/fuzz
if CC=clang cmake -S "$top" -B "$fz" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFSVM_FUZZ=ON \
	>"$out/fuzz.log" 2>&1 &&
	cmake --build "$fz" -j "$jobs" --target fuzz_targets >>"$out/fuzz.log" 2>&1; then
	detail=""
	fuzz_ok=1
	for f in "$fz"/tests/fuzz/fuzz_*; do
		[ -x "$f" ] || continue
		name=$(basename "$f")
		corpus=$(mktemp -d)
		"$f" -runs="$fuzz_runs" -seed=1 -max_len=4096 -print_final_stats=1 \
			"$corpus" >>"$out/fuzz.log" 2>&1
		rc=$?
		rm -rf "$corpus"
		execs=$(grep -E "stat::number_of_executed_units" "$out/fuzz.log" | tail -n 1 | awk '{print $2}')
		detail="${detail:+$detail; }$name: ${execs:-?} runs, exit $rc"
		[ $rc = 0 ] || fuzz_ok=0
	done
	if [ -z "$detail" ]; then
		stage fuzz FAIL "no fuzz target was built"
	elif [ $fuzz_ok = 1 ]; then
		stage fuzz PASS "$detail"
	else
		tail -n 40 "$out/fuzz.log"
		stage fuzz FAIL "$detail; see $out/fuzz.log"
	fi
else
	tail -n 40 "$out/fuzz.log"
	stage fuzz FAIL "fuzz build failed, see $out/fuzz.log"
fi

# --- pocl: only with a pocl v7.1 source tree ------------------------------------
if [ -n "${POCL_SOURCE_DIR:-}" ]; then
	pb=$out/pocl
	if cmake -S "$top" -B "$pb" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFSVM_WERROR=ON \
		-DPOCL_SOURCE_DIR="$POCL_SOURCE_DIR" >"$out/pocl.log" 2>&1 &&
		cmake --build "$pb" -j "$jobs" >>"$out/pocl.log" 2>&1; then
		run_ctest pocl "$pb" "$out/pocl.log" "pocl v7.1 + fsvm driver: " -L pocl
	else
		tail -n 40 "$out/pocl.log"
		stage pocl FAIL "pocl build with POCL_SOURCE_DIR=$POCL_SOURCE_DIR failed, see $out/pocl.log"
	fi
else
	stage pocl SKIP "no POCL_SOURCE_DIR (a pocl v7.1 source tree); libfsvm, the device model and the kernels are tested directly above"
fi

# --- kernel module and QEMU end-to-end -------------------------------------------
# Cross-builds fsvm.ko against Debian's arm64 headers (-Werror, sparse);
# exit 77 means it cannot run here (then: SKIP).
FSVM_BUILD_ROOT="$out" JOBS="$jobs" "$top/kmod/ci-build.sh" "$out/kmod" >"$out/kmod.log" 2>&1
rc=$?
last=$(tail -n 1 "$out/kmod.log")
case $rc in
0) stage kmod PASS "$last" ;;
77) stage kmod SKIP "$last" ;;
*) tail -n 30 "$out/kmod.log"
   stage kmod FAIL "$last (see $out/kmod.log)" ;;
esac
# Packaging (docs/install.md): install rules, exports, pkg-config and
# find_package consumers, the .debs installed with dpkg -i and removed, the
# DKMS package's module against the kmod stage's arm64 headers. Root only
# (it installs its own packages); exit 77 means SKIP.
JOBS="$jobs" "$top/tests/packaging/run_packaging.sh" "$out/packaging" "$out/kmod" \
	>"$out/packaging.out" 2>&1
rc=$?
last=$(tail -n 1 "$out/packaging.out")
case $rc in
0) stage packaging PASS "${last#packaging: }" ;;
77) stage packaging SKIP "${last#packaging: SKIP - }" ;;
*) tail -n 30 "$out/packaging.out"
   stage packaging FAIL "${last#packaging: FAIL - }" ;;
esac
# checkpatch --strict over kmod/ (checkpatch.pl from Debian's linux-source-6.1,
# installed here when missing): 0 errors and 0 warnings outside fsvm_compat.h;
# CHECKs are counted. Exit 77 (SKIP) only when the package cannot be had.
FSVM_BUILD_ROOT="$out" "$top/kmod/checkpatch.sh" "$out/checkpatch" >"$out/checkpatch.log" 2>&1
rc=$?
last=$(tail -n 1 "$out/checkpatch.log")
case $rc in
0) stage checkpatch PASS "${last#checkpatch: }" ;;
77) stage checkpatch SKIP "${last#checkpatch: SKIP - }" ;;
*) tail -n 30 "$out/checkpatch.log"
   stage checkpatch FAIL "${last#checkpatch: FAIL - } (see $out/checkpatch.log)" ;;
esac
# The QEMU suite boots Debian's arm64 kernel with fsvm.ko in emulation mode;
# setup.sh and run.sh exit 77 when they cannot run (then: SKIP).
FSVM_BUILD_ROOT=$out bash "$top/tests/qemu/setup.sh" >"$out/qemu.log" 2>&1
rc=$?
if [ $rc = 0 ]; then
	FSVM_BUILD_ROOT=$out bash "$top/tests/qemu/run.sh" "$rel" >>"$out/qemu.log" 2>&1
	rc=$?
fi
q=$(grep -E "^qemu: " "$out/qemu.log" | tail -n 1)
case $rc in
0) stage qemu PASS "${q:-see $out/qemu.log}" ;;
77) stage qemu SKIP "${q:-$(tail -n 1 "$out/qemu.log")}" ;;
*) grep -E "FSVM-RESULT .* FAIL|Oops|BUG:|WARNING:" "$out/qemu.log" | head -n 20
   stage qemu FAIL "${q:-exit $rc}, see $out/qemu.log" ;;
esac

echo
echo "==================== summary ===================="
for l in "${stage_lines[@]}"; do echo "$l"; done
[ -n "$unit_summary" ] && echo "$unit_summary"
exit $failed
