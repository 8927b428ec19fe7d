#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# doc/api-coverage.md stays true: it has the 115 classic functions, each once;
# every one it calls implemented, differs or not available is exported by
# libclusapi (and has the man page it names), and none it calls not yet is.
# Needs DOC (the table) and LIB (libclusapi.so) in the environment.
set -u
: "${DOC:?DOC must name doc/api-coverage.md}" "${LIB:?LIB must name libclusapi.so}"
MAN=$(dirname "$DOC")/../man/man3
exports=$(nm -D --defined-only "$LIB" | awk '{sub(/@.*/, "", $3); print $3}')
rc=0
n=0
seen=""
while IFS='|' read -r _ fn status page _; do
	fn=$(echo "$fn" | tr -d ' `')
	status=$(echo "$status" | sed 's/^ *//; s/ *$//')
	page=$(echo "$page" | tr -d ' `')
	n=$((n + 1))
	case " $seen " in *" $fn "*) echo "FAIL: $fn is listed twice"; rc=1 ;; esac
	seen="$seen $fn"
	exported=no
	echo "$exports" | grep -qx "$fn" && exported=yes
	case "$status" in
	implemented | differs | "not available")
		[ $exported = yes ] || { echo "FAIL: $fn is '$status' but not exported"; rc=1; }
		[ -n "$page" ] && [ -f "$MAN/${page%(3)}.3" ] || { echo "FAIL: $fn: no man page '$page'"; rc=1; } ;;
	"not yet")
		[ $exported = no ] || { echo "FAIL: $fn is exported but the table says not yet"; rc=1; } ;;
	*) echo "FAIL: $fn: unknown status '$status'"; rc=1 ;;
	esac
done < <(grep '^| `' "$DOC")
[ "$n" -eq 115 ] || { echo "FAIL: $n functions in the table, not 115"; rc=1; }
[ $rc -eq 0 ] && echo "ok: $n functions, each as the table says"
exit $rc
