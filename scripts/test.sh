#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 2 (and what .ci/run calls): the whole test suite.
#  1. normal build (gcc, -Werror): unit, integration, interop, fuzz-corpus,
#     valgrind suites
#  2. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer
#  3. the libFuzzer harnesses (clang), FUZZ_SECONDS each (default 60)
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
# Run a meson test suite and count its results (for the closing line).
run_suite() {
	local dir=$1
	shift
	local rc=0
	"$@" meson test -C "$dir" --print-errorlogs --num-processes 2 | tee "$dir/test-summary.txt" || rc=$?
	local ok bad
	ok=$(sed -n 's/^Ok: *\([0-9]*\).*/\1/p' "$dir/test-summary.txt")
	bad=$(sed -n 's/^Fail: *\([0-9]*\).*/\1/p' "$dir/test-summary.txt")
	passed=$((passed + ${ok:-0}))
	failed=$((failed + ${bad:-0}))
	[ "$rc" -eq 0 ] && [ -z "$ok" ] && rc=1 # no summary: meson itself failed
	[ "$rc" -eq 0 ] || { echo "test.sh: $passed passed, $failed failed"; exit 1; }
}

echo "== tests"
run_suite build env

echo "== tests under ASan + UBSan"
[ -d build-asan ] || meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false > /dev/null
ninja -C build-asan
run_suite build-asan env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

echo "== fuzzing (${fuzz_seconds}s per harness)"
[ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false -Dwerror=true > /dev/null
ninja -C build-fuzz
harnesses=$(sed -n 's/^harnesses="\(.*\)"$/\1/p' tests/fuzz/run-fuzzers.sh | wc -w)
if tests/fuzz/run-fuzzers.sh "$fuzz_seconds" build-fuzz; then
	passed=$((passed + harnesses))
else
	failed=$((failed + harnesses))
	echo "test.sh: $passed passed, $failed failed"
	exit 1
fi

echo "== all test stages passed"
echo "test.sh: $passed passed, $failed failed"
