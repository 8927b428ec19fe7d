#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 2 (and what .ci/run calls): the whole test suite.
#  1. normal build (gcc, -Werror): unit, integration, interop, fuzz-corpus,
#     valgrind suites
#  2. the same suites under AddressSanitizer + UndefinedBehaviorSanitizer
#  3. the libFuzzer harnesses (clang), FUZZ_SECONDS each (default 60)
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scripts/install-deps.sh --test
fuzz_seconds=${FUZZ_SECONDS:-60}

echo "== build (gcc, -Werror)"
[ -d build ] || meson setup build -Dwerror=true > /dev/null
meson configure build -Dwerror=true
ninja -C build
echo "== tests"
meson test -C build --print-errorlogs --num-processes 2

echo "== tests under ASan + UBSan"
[ -d build-asan ] || meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false > /dev/null
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	meson test -C build-asan --print-errorlogs --num-processes 2

echo "== fuzzing (${fuzz_seconds}s per harness)"
[ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false -Dwerror=true > /dev/null
ninja -C build-fuzz
tests/fuzz/run-fuzzers.sh "$fuzz_seconds" build-fuzz

echo "== all test stages passed"
