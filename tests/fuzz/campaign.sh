#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# A long fuzzing campaign whose progress is kept in the source tree.
#
#   CC=clang meson setup build-fuzz -Dfuzz=true -Db_lundef=false
#   ninja -C build-fuzz
#   tests/fuzz/campaign.sh [-s SLICE_SECONDS] MINUTES BUILD_DIR [HARNESS...]
#
# Runs the harnesses (default: all of run-fuzzers.sh's) in turn, SLICE_SECONDS
# each (default 600), until MINUTES have passed.  Each harness reads its seeds
# (tests/fuzz/corpus/H, recorded or derived by make-corpus.sh and
# make-client-corpus.sh, which rewrite them) and what earlier campaigns kept
# (tests/fuzz/corpus-kept/H); after each slice the whole of it is merged
# (libFuzzer -merge=1: the smallest set of inputs with the same coverage) and
# the inputs of that set that are not seeds become the new corpus-kept/H.  So
# the next campaign, and every run of run-fuzzers.sh, starts where this one
# stopped: commit corpus-kept/ after a campaign.
#
# Each slice appends one line to tests/fuzz/campaign.tsv (UTC time, harness,
# seconds, executions, coverage, features, kept inputs, result); at the end the
# executions per harness summed over every campaign on record are printed.
# A finding (crash, leak, timeout, sanitizer report) stops the campaign: the
# reproducer and the log are kept and named, exit status 1.  2: usage error.
set -u

usage() {
	echo "usage: $0 [-s SLICE_SECONDS] MINUTES BUILD_DIR [HARNESS...]" >&2
	exit 2
}
slice=600
while getopts s: opt; do
	case $opt in
	s) slice=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || usage
minutes=$1
build=$2
shift 2
case $minutes$slice in '' | *[!0-9]*) usage ;; esac
if [ "$minutes" -le 0 ] || [ "$slice" -le 0 ]; then usage; fi

src=$(cd "$(dirname "$0")" && pwd)
if [ $# -gt 0 ]; then
	harnesses="$*"
else
	harnesses=$(sed -n 's/^harnesses="\(.*\)"$/\1/p' "$src/run-fuzzers.sh")
fi
for h in $harnesses; do
	[ -d "$src/corpus/$h" ] || { echo "$0: no seeds for harness '$h' in $src/corpus" >&2; exit 2; }
	[ -x "$build/tests/fuzz/fuzz_$h" ] || {
		echo "$0: $build/tests/fuzz/fuzz_$h is missing: is $build a -Dfuzz=true build, built with ninja?" >&2
		exit 2
	}
done

work=$(mktemp -d "${TMPDIR:-/tmp}/clusapi-fuzz-campaign.XXXXXX") || exit 2
state=$(mktemp -d /dev/shm/clusapi-fuzz-state.XXXXXX 2>/dev/null) || { state=$work/state && mkdir "$state"; } || exit 2
trap 'rm -rf "$state"' EXIT
trap 'exit 130' INT TERM
log_tsv=$src/campaign.tsv
[ -e "$log_tsv" ] || printf 'utc\tharness\tseconds\texecutions\tcov\tft\tkept\tresult\n' >"$log_tsv"

# The harness's common options (run-fuzzers.sh uses the same).
fuzz() {
	local h=$1
	shift
	# shellcheck disable=SC2086 # FUZZ_ARGS is a list of options
	TMPDIR=$state "$build/tests/fuzz/fuzz_$h" -max_len=8192 -rss_limit_mb=2048 -timeout=10 ${FUZZ_ARGS:-} "$@"
}

# One slice of harness H: fuzz, then merge seeds + kept + new into the new kept.
slice_of() {
	local h=$1
	local d=$work/$h
	mkdir -p "$d/new" "$d/artifacts" "$src/corpus-kept/$h"
	local log=$d/fuzz.log
	fuzz "$h" -max_total_time="$slice" -print_final_stats=1 -artifact_prefix="$d/artifacts/" \
		"$d/new" "$src/corpus/$h" "$src/corpus-kept/$h" >"$log" 2>&1
	local rc=$?
	local runs secs cov ft result=ok
	runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)/\1/p' "$log" | tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -n 1)
	cov=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	ft=$(sed -n 's/^#[0-9]*[[:space:]]*DONE[[:space:]]*cov: [0-9]* ft: \([0-9]*\).*/\1/p' "$log" | tail -n 1)
	if [ "$rc" -ne 0 ] || [ -z "$runs" ] || grep -q 'ERROR: \(AddressSanitizer\|LeakSanitizer\|libFuzzer\)\|runtime error:' "$log"; then
		result=FINDING
	else
		# Merge: seeds and kept first, so that an input already there wins a tie.
		rm -rf "$d/merged" && mkdir "$d/merged"
		if ! fuzz "$h" -merge=1 "$d/merged" "$src/corpus/$h" "$src/corpus-kept/$h" "$d/new" >"$d/merge.log" 2>&1; then
			result=MERGE-FAILED
		else
			# Kept: the merged inputs that are not seeds (libFuzzer names
			# them by the SHA-1 of their content).
			local seeds
			seeds=$(cd "$src/corpus/$h" && sha1sum -- * | cut -d' ' -f1 | sort -u)
			rm -rf "$d/kept" && mkdir "$d/kept"
			for f in "$d/merged"/*; do
				[ -e "$f" ] || continue
				grep -qx "$(basename "$f")" <<<"$seeds" || cp "$f" "$d/kept/"
			done
			rm -rf "$src/corpus-kept/$h" && mv "$d/kept" "$src/corpus-kept/$h"
			rm -rf "$d/new" && mkdir "$d/new"
		fi
	fi
	local kept
	kept=$(find "$src/corpus-kept/$h" -type f | wc -l)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$h" "${secs:-?}" "${runs:-?}" \
		"${cov:-?}" "${ft:-?}" "$kept" "$result" >>"$log_tsv"
	echo "fuzz_$h: ${runs:-?} runs in ${secs:-?}s, cov ${cov:-?}, ft ${ft:-?}, kept $kept: $result"
	if [ "$result" != ok ]; then
		echo "log: $log"
		grep -m 5 'ERROR:\|runtime error:\|SUMMARY:' "$log" | sed 's/^/    /'
		for a in "$d/artifacts"/*; do
			[ -e "$a" ] && echo "    reproducer: $a (replay: $build/tests/fuzz/fuzz_$h $a)"
		done
		echo "logs and reproducers kept in $work"
		trap - EXIT
		rm -rf "$state"
		exit 1
	fi
}

end=$(($(date +%s) + minutes * 60))
while [ "$(date +%s)" -lt "$end" ]; do
	for h in $harnesses; do
		left=$((end - $(date +%s)))
		[ "$left" -gt 0 ] || break
		[ "$left" -lt "$slice" ] && slice=$left
		slice_of "$h"
	done
done

echo "executions per harness, every campaign on record ($log_tsv):"
awk -F'\t' 'NR > 1 && $4 ~ /^[0-9]+$/ { n[$2] += $4 } END { for (h in n) printf "  fuzz_%s: %d\n", h, n[h] }' "$log_tsv" | sort
rm -rf "$work"
