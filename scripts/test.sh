#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 2 (and what .ci/run calls): the whole test suite.
#  1. normal build (gcc, -Werror): unit, integration, interop, fuzz-corpus,
#     valgrind suites
#  2. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer
#  2b. the unit and integration suites (the threaded client tests among them)
#     under ThreadSanitizer, clusterd built with it too
#  3. the libFuzzer harnesses (clang), FUZZ_SECONDS each (default 60)
#  4. the newcomer's checks (scripts/fresh-check.sh), each in a brand-new
#     Debian 12 root, when root and mmdebstrap are there: README command 1
#     (scripts/demo.sh), and the Debian packages (scripts/deb-check.sh);
#     FRESH_CHECK=0 leaves them out
# A suite that fails names its logs; the closing line counts passed, failed
# and skipped tests.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scripts/install-deps.sh --test
fuzz_seconds=${FUZZ_SECONDS:-60}

echo "== build (gcc, -Werror)"
[ -d build ] || meson setup build -Dwerror=true > /dev/null
meson configure build -Dwerror=true
ninja -C build
passed=0
failed=0
skipped=0
summary() { echo "test.sh: $passed passed, $failed failed, $skipped skipped"; }
# Run a meson test suite and count its results (for the closing line).
# MESON_TEST_ARGS (optional) selects suites.
run_suite() {
	local dir=$1
	shift
	local rc=0
	# shellcheck disable=SC2086 # MESON_TEST_ARGS is a list of options
	"$@" meson test -C "$dir" --print-errorlogs --num-processes 2 ${MESON_TEST_ARGS:-} | tee "$dir/test-summary.txt" || rc=$?
	local ok bad skip timeout
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$dir/test-summary.txt")
	bad=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$dir/test-summary.txt")
	timeout=$(sed -n 's/^Timeout: *\([0-9]*\).*/\1/p' "$dir/test-summary.txt")
	skip=$(sed -n 's/^Skipped: *\([0-9]*\).*/\1/p' "$dir/test-summary.txt")
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${bad:-0} + ${timeout:-0}))
	skipped=$((skipped + ${skip:-0}))
	[ "$rc" -eq 0 ] && [ -z "$ok" ] && rc=1 # no summary: meson itself failed
	if [ "$rc" -ne 0 ]; then
		echo "test.sh: the failed tests' output is above; all of it is in $dir/meson-logs/testlog.txt"
		summary
		exit 1
	fi
}

echo "== tests"
run_suite build env

echo "== tests under ASan + UBSan"
[ -d build-asan ] || meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false > /dev/null
ninja -C build-asan
run_suite build-asan env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS="suppressions=$here/tests/lsan-pacemaker.supp:print_suppressions=0" \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== unit and integration tests under ThreadSanitizer"
[ -d build-tsan ] || meson setup build-tsan -Dwerror=true -Db_sanitize=thread -Db_lundef=false > /dev/null
ninja -C build-tsan
MESON_TEST_ARGS="--suite unit --suite integration" \
	run_suite build-tsan env TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1

echo "== fuzzing (${fuzz_seconds}s per harness)"
[ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false -Dwerror=true > /dev/null
ninja -C build-fuzz
harnesses=$(sed -n 's/^harnesses="\(.*\)"$/\1/p' tests/fuzz/run-fuzzers.sh | wc -w)
if tests/fuzz/run-fuzzers.sh "$fuzz_seconds" build-fuzz; then
	passed=$((passed + harnesses))
else
	failed=$((failed + harnesses))
	summary
	exit 1
fi

# The newcomer's checks, each in a brand-new Debian 12 root: README command 1,
# and the Debian packages built, linted, installed and run.
for check in scripts/demo.sh scripts/deb-check.sh; do
	echo "== the newcomer's check: $check in a new Debian 12 root"
	if [ "${FRESH_CHECK:-1}" = 0 ]; then
		echo "left out (FRESH_CHECK=0)"
		skipped=$((skipped + 1))
		continue
	fi
	rc=0
	scripts/fresh-check.sh "$check" || rc=$?
	case $rc in
	0) passed=$((passed + 1)) ;;
	77) skipped=$((skipped + 1)) ;;
	*)
		failed=$((failed + 1))
		summary
		exit 1
		;;
	esac
done

echo "== all test stages passed"
summary
