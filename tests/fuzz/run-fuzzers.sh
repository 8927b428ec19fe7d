#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run every libFuzzer harness of a fuzz build for SECONDS each, on a copy of
# its seed corpus and of what long campaigns kept (corpus-kept/, campaign.sh);
# the source tree is left alone.
#
#   CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false
#   ninja -C build-fuzz
#   tests/fuzz/run-fuzzers.sh 60 build-fuzz
#
# Prints how many inputs each harness ran; exits 1 when one of them found a
# crash, a leak, a timeout or a sanitizer report (the reproducer and the log
# are kept and named), 2 on a usage error.  FUZZ_ARGS adds libFuzzer options.
set -u

usage() {
	echo "usage: $0 SECONDS BUILD_DIR" >&2
	exit 2
}
[ $# -eq 2 ] || usage
seconds=$1
build=$2
case $seconds in '' | *[!0-9]*) usage ;; esac
[ "$seconds" -gt 0 ] || usage

src=$(cd "$(dirname "$0")" && pwd)
harnesses="pdu ndr spnego launch client"
for h in $harnesses; do
	if [ ! -x "$build/tests/fuzz/fuzz_$h" ]; then
		echo "$0: $build/tests/fuzz/fuzz_$h is missing: is $build a -Dfuzz=true build, built with ninja?" >&2
		exit 2
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/clusapi-fuzz-run.XXXXXX") || exit 2
# fuzz_pdu's cluster state directory (SetClusterName writes and fsyncs there):
# on tmpfs when there is one, and removed whatever happens.
state=$(mktemp -d /dev/shm/clusapi-fuzz-state.XXXXXX 2>/dev/null) || { state=$work/state && mkdir "$state"; } || exit 2
trap 'rm -rf "$state"' EXIT
trap 'exit 130' INT TERM
failed=0
for h in $harnesses; do
	mkdir -p "$work/$h/corpus" "$work/$h/artifacts"
	cp "$src/corpus/$h"/* "$work/$h/corpus/"
	# and what campaigns kept (campaign.sh)
	if [ -d "$src/corpus-kept/$h" ]; then
		find "$src/corpus-kept/$h" -type f -exec cp -t "$work/$h/corpus/" {} +
	fi
	log=$work/$h/fuzz.log
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
	TMPDIR=$state "$build/tests/fuzz/fuzz_$h" \
		-max_total_time="$seconds" -max_len=8192 -rss_limit_mb=2048 -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$work/$h/artifacts/" ${FUZZ_ARGS:-} \
		"$work/$h/corpus" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	secs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log" | tail -n 1)
	cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\) ft: \([0-9]*\).*/cov \1, ft \2/p' "$log" | tail -n 1)
	corpus=$(find "$work/$h/corpus" -type f | wc -l)
	if [ "$rc" -eq 0 ] && [ -n "$runs" ] && ! grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\|libFuzzer\)\|runtime error:' "$log"; then
		if [ "${secs:-0}" -gt 0 ]; then rate=$((runs / secs)); else rate=$runs; fi
		echo "fuzz_$h: $runs runs in ${secs}s ($rate/s), ${cov:-cov ?}, corpus $corpus inputs: ok"
	else
		failed=1
		echo "fuzz_$h: FAILED (exit status $rc) after ${runs:-?} runs; log: $log"
		grep -m 5 'ERROR:\|runtime error:\|SUMMARY:' "$log" | sed 's/^/    /'
		for a in "$work/$h/artifacts"/*; do
			[ -e "$a" ] && echo "    reproducer: $a (replay: $build/tests/fuzz/fuzz_$h $a)"
		done
	fi
done

if [ "$failed" -eq 0 ]; then
	rm -rf "$work"
	exit 0
fi
echo "logs and reproducers kept in $work"
exit 1
