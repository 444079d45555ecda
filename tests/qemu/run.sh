#!/usr/bin/env bash
# run.sh - the QEMU arm64 end-to-end suite: boot Debian 12's arm64 kernel
# under qemu-system-aarch64 (TCG) with the fsvm initramfs, once per CPU model,
# and judge the console.
#
#   tests/qemu/run.sh BUILD_DIR
#
# Needs tests/qemu/setup.sh to have run (as root, once). Builds the guest
# (build-guest.sh) into BUILD_DIR/qemu-e2e, then for each CPU model boots
#   qemu-system-aarch64 -M virt -cpu <cpu> -smp 2 -m 1024 -nographic -no-reboot -nic none
#     -kernel vmlinuz -initrd initramfs.cpio.gz -append "console=ttyAMA0 panic=-1 ..."
# under a hard timeout, keeps the console in BUILD_DIR/qemu-e2e/console-<cpu>.log
# and fails on: a FAIL line, a missing scenario line, a timeout, or "Oops",
# "WARNING:", "BUG:", "Kernel panic" (and a few other kernel alarms) anywhere
# in the console.
#
# Environment:
#   FSVM_QEMU_ONLY     scenarios to run, e.g. "3" or "03,07" (00, the self-test,
#                      and the per-mode rmmod check always run)
#   FSVM_QEMU_CPUS     CPU models (default "cortex-a53 cortex-a76")
#   FSVM_QEMU_MODES    module modes (default "shared mirror"); "sim" runs the
#                      same scenario binaries on libfsvm's sim backend in the
#                      guest, without the module (checks the scenarios themselves)
#   FSVM_QEMU_TIMEOUT  seconds per boot (default 900)
#   FSVM_QEMU_SCENARIO_TIMEOUT  seconds per scenario inside the guest (default 300)
#   FSVM_QEMU_VERBOSE=1  also stream the guest console to stdout
#   FSVM_KO            the fsvm.ko to test (default: kmod/ci-build.sh's output)
#
# Ends with one line:
#   qemu: N passed, M failed, K skipped (cortex-a53, cortex-a76; shared, mirror) in T s
# Exit: 0 all passed, 1 something failed, 77 cannot run here or nothing but the
# self-test could run (no fsvm.ko yet).
set -u
source "$(dirname "$0")/common.sh"

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
mkdir -p "$1" && bdir=$(cd "$1" && pwd) || exit 1
out=$bdir/qemu-e2e
mkdir -p "$out"
t_start=$(date +%s)

cpus=${FSVM_QEMU_CPUS:-cortex-a53 cortex-a76}
modes=${FSVM_QEMU_MODES:-shared mirror}
only=$(echo "${FSVM_QEMU_ONLY:-}" | tr ', ' '  ')
boot_timeout=${FSVM_QEMU_TIMEOUT:-900}
cpus_csv=$(echo $cpus | sed 's/ /, /g')
modes_csv=$(echo $modes | sed 's/ /, /g')

finish() { # RC PASSED FAILED SKIPPED
	echo "qemu: $2 passed, $3 failed, $4 skipped ($cpus_csv; $modes_csv) in $(($(date +%s) - t_start)) s"
	exit "$1"
}
skip_all() {
	echo "qemu: SKIP - $*"
	finish $QEMU_SKIP 0 0 0
}

command -v qemu-system-aarch64 >/dev/null || skip_all "qemu-system-aarch64 is not installed (run tests/qemu/setup.sh as root)"
command -v aarch64-linux-gnu-gcc >/dev/null || skip_all "aarch64-linux-gnu-gcc is not installed (run tests/qemu/setup.sh as root)"

# --- the kernel: the one the module was built for ----------------------------
ko=$(qemu_find_ko "$bdir")
abi=
if [ -n "$ko" ]; then
	abi=$(qemu_ko_abi "$ko")
	[ -n "$abi" ] || skip_all "cannot read the vermagic of $ko"
elif [ -f "$qemu_cache/abi" ]; then
	abi=$(cat "$qemu_cache/abi")
fi
kimg() { ls "$qemu_cache/kernel-$1"/boot/vmlinuz-* 2>/dev/null | head -n 1; }
if [ -z "$abi" ] || [ -z "$(kimg "$abi")" ] || [ ! -x "$qemu_cache/busybox/bin/busybox" ]; then
	echo "qemu: fetching the arm64 kernel ${abi:-(ABI from apt)} and busybox"
	"$qemu_dir/setup.sh" --fetch-only ${abi:+--abi "$abi"}
	rc=$?
	[ $rc = 0 ] || { [ $rc = $QEMU_SKIP ] && skip_all "setup.sh could not fetch the guest kernel"; finish 1 0 1 0; }
	[ -n "$abi" ] || abi=$(cat "$qemu_cache/abi")
fi
vmlinuz=$(kimg "$abi")
[ -n "$vmlinuz" ] || skip_all "no vmlinuz for $abi in $qemu_cache"

# --- the guest ---------------------------------------------------------------------
"$qemu_dir/build-guest.sh" "$bdir"
rc=$?
[ $rc = $QEMU_SKIP ] && skip_all "the guest cannot be built here (run tests/qemu/setup.sh)"
[ -f "$out/initramfs.cpio.gz" ] || finish 1 0 1 0
# A guest build failure still boots (the self-test runs); the scenarios that
# did not build then show up as missing lines, i.e. failures.

# What must be reported: every scenario source, whatever was built.
label() { local b=${1#s}; echo "${b//_/-}"; }
wanted() { # BIN
	[ -z "$only" ] && return 0
	local n o
	n=$(echo "${1#s}" | cut -c1-2)
	for o in $only; do
		o=${o#s}
		case $o in [0-9] | [0-9][!0-9]*) o=0$o ;; esac
		[ "${o:0:2}" = "$n" ] && return 0
	done
	return 1
}
expected=()
for cpu in $cpus; do
	expected+=("none $cpu 00-guest-alive")
	for mode in $modes; do
		for src in "$qemu_dir"/guest/s[0-9][0-9]_*.c; do
			b=$(basename "$src" .c)
			[ "$b" = s00_guest_alive ] && continue
			wanted "$b" || continue
			expected+=("$mode $cpu $(label "$b")")
		done
		[ "$mode" = sim ] || expected+=("$mode $cpu 99-rmmod")
	done
done

# --- boot ---------------------------------------------------------------------------------
alarms='Oops|WARNING:|BUG:|Kernel panic|Unable to handle kernel|soft lockup|hard LOCKUP|blocked for more than|rcu: INFO|Internal error:|kernel BUG'
results=$out/results.txt
: >"$results"
declare -a problems=()
for cpu in $cpus; do
	log=$out/console-$cpu.log
	append="console=ttyAMA0 panic=-1 fsvm_e2e.cpu=$cpu fsvm_e2e.modes=$(echo $modes | tr ' ' ',')"
	append="$append fsvm_e2e.timeout=${FSVM_QEMU_SCENARIO_TIMEOUT:-300}"
	[ -n "$only" ] && append="$append fsvm_e2e.only=$(echo $only | tr ' ' ',')"
	echo "qemu: booting $abi on -cpu $cpu (timeout ${boot_timeout}s, console: $log)"
	t0=$(date +%s)
	cmd=(qemu-system-aarch64 -M virt -cpu "$cpu" -smp 2 -m 1024 -nographic -no-reboot -nic none
	     -kernel "$vmlinuz" -initrd "$out/initramfs.cpio.gz" -append "$append")
	echo "${cmd[*]}" >"$out/qemu-cmd-$cpu.txt"
	if [ "${FSVM_QEMU_VERBOSE:-0}" = 1 ]; then
		timeout -k 5 "$boot_timeout" nice "${cmd[@]}" </dev/null 2>&1 | tee "$log"
		qrc=${PIPESTATUS[0]}
	else
		timeout -k 5 "$boot_timeout" nice "${cmd[@]}" </dev/null >"$log" 2>&1
		qrc=$?
	fi
	secs=$(($(date +%s) - t0))
	# Line endings of the serial console; keep the raw log, parse a clean copy.
	tr -d '\r' <"$log" >"$log.txt"
	mv "$log.txt" "$log"
	if [ $qrc = 124 ] || [ $qrc = 137 ]; then
		problems+=("$cpu: QEMU killed after the ${boot_timeout}s boot timeout")
	elif [ $qrc != 0 ]; then
		problems+=("$cpu: qemu-system-aarch64 exited with status $qrc")
	fi
	grep -q "FSVM-E2E-RESULTS-END" "$log" ||
		problems+=("$cpu: the guest did not finish (no FSVM-E2E-RESULTS-END in the console)")
	boot=$(sed -n 's/.*FSVM-E2E-BEGIN .*uptime=\([0-9.]*\)s.*/\1/p' "$log" | head -n 1)
	echo "qemu: $cpu: $secs s wall, userspace reached at ${boot:-?} s guest uptime"
	while IFS= read -r l; do
		problems+=("$cpu: console: $l")
	done < <(grep -E "$alarms" "$log" | grep -v '^FSVM-RESULT' | head -n 20)
	# The results block (printed with the console quiet) if the guest got
	# there, else whatever result lines appeared inline.
	if grep -q "FSVM-E2E-RESULTS-END" "$log"; then
		sed -n '/^FSVM-E2E-RESULTS-BEGIN/,/^FSVM-E2E-RESULTS-END/p' "$log" |
			grep -o 'FSVM-RESULT .*' >>"$results"
	else
		grep -o 'FSVM-RESULT .*' "$log" >>"$results"
	fi
done

# --- judge ---------------------------------------------------------------------------------
passed=0 failed=0 skipped=0
echo
echo "==================== qemu results ===================="
for e in "${expected[@]}"; do
	l=$(grep -F "FSVM-RESULT $e " "$results" | tail -n 1)
	if [ -z "$l" ]; then
		echo "FSVM-RESULT $e FAIL no result line (crash, hang, or not built)"
		failed=$((failed + 1))
		continue
	fi
	echo "$l"
	case $(echo "$l" | awk '{print $5}') in
	PASS) passed=$((passed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
done
# Lines nobody expected (a scenario printed a wrong label) are failures too.
while IFS= read -r l; do
	key=$(echo "$l" | awk '{print $2" "$3" "$4}')
	found=0
	for e in "${expected[@]}"; do [ "$e" = "$key" ] && found=1 && break; done
	if [ $found = 0 ]; then
		echo "unexpected: $l"
		failed=$((failed + 1))
	fi
done <"$results"
for p in "${problems[@]+"${problems[@]}"}"; do
	echo "PROBLEM: $p"
	failed=$((failed + 1))
done
echo "console logs: $out/console-*.log"

if [ $failed -gt 0 ]; then
	finish 1 $passed $failed $skipped
fi
# Without a module the shared/mirror scenarios were skipped: so is the suite.
if [ -z "$ko" ] && [ $skipped -gt 0 ]; then
	echo "qemu: fsvm.ko is not built (kmod/ci-build.sh): the module scenarios were skipped"
	finish $QEMU_SKIP $passed $failed $skipped
fi
finish 0 $passed $failed $skipped
